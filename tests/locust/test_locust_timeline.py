"""The timeline: 2-second points to begin with; past its last point, pairs merge and the interval
doubles, so any run keeps at most 300 points with every request, failure and call still counted, and
per-endpoint p50/p95 close to the samples and never outside their min and max."""

from __future__ import annotations

import random

from pure_rig import load_pure

from botagent.report._latency import LatencyHistogram

timeline_module = load_pure("_timeline")
Timeline = timeline_module.Timeline
STEP = 10 ** (1 / timeline_module.STEPS_PER_DECADE)
"""Ratio between neighbouring latency buckets of a point (about 12%: within 6% of any sample)."""


def totals(timeline: object) -> tuple[int, int, int]:
    points = timeline.points()  # type: ignore[attr-defined]
    return (sum(p.requests for p in points), sum(p.failures for p in points), sum(p.calls for p in points))


def test_timeline_when_requests_and_calls_come_counts_each_in_its_2_second_point() -> None:
    timeline = Timeline()
    timeline.request(0.5, "POST /connection", 70.0, False)
    timeline.request(1.9, "POST /connection", 80.0, True)
    timeline.request(4.1, "POST /dialer/log-in", 3.0, False)
    timeline.calls(5.0, 2)

    points = timeline.points()

    assert [(p.elapsed, p.seconds) for p in points] == [(0.0, 2.0), (2.0, 2.0), (4.0, 2.0)]
    assert [(p.requests, p.failures, p.calls) for p in points] == [(2, 1, 0), (0, 0, 0), (1, 0, 2)]
    assert list(points[0].latency) == ["POST /connection"]
    assert points[2].latency == {"POST /dialer/log-in": (3.0, 3.0)}


def test_timeline_when_full_merges_pairs_of_points_and_doubles_the_interval() -> None:
    timeline = Timeline(interval=2.0, max_points=10)
    for second in range(20):
        timeline.request(second + 0.5, "GET /connection", float(second + 1), second % 5 == 0)

    timeline.request(20.5, "GET /connection", 100.0, False)  # point 10 of 10: the timeline is full
    points = timeline.points()

    assert timeline.interval == 4.0
    assert len(points) == 6
    assert [p.elapsed for p in points] == [0.0, 4.0, 8.0, 12.0, 16.0, 20.0]
    assert [p.requests for p in points] == [4, 4, 4, 4, 4, 1]
    assert totals(timeline) == (21, 4, 0)


def test_timeline_when_compacted_keeps_each_point_latency_within_its_samples() -> None:
    timeline = Timeline(interval=2.0, max_points=4)
    samples = {0: [10.0, 11.0], 1: [12.0, 500.0], 2: [9.0], 3: [700.0]}
    for index, values in samples.items():
        for value in values:
            timeline.request(index * 2 + 0.1, "POST /dialer/disposition", value, False)

    timeline.request(8.1, "POST /dialer/disposition", 1.0, False)
    first = timeline.points()[0].latency["POST /dialer/disposition"]

    assert timeline.interval == 4.0
    assert 11.0 / STEP**0.5 <= first[0] <= 11.0 * STEP**0.5  # the second of four: 10, 11, 12, 500
    assert first[1] == 500.0  # the largest: on the grid 501.2, lowered to the max


def test_timeline_when_a_run_lasts_eight_hours_stays_within_300_points() -> None:
    timeline = Timeline()
    for minute in range(8 * 60):
        timeline.request(minute * 60.0, "POST /dialer/disposition", 5.0, False)
        timeline.calls(minute * 60.0)

    points = timeline.points()

    assert len(points) <= 300
    assert timeline.interval == 128.0
    assert totals(timeline) == (480, 0, 480)
    last = 479 * 60.0
    assert points[-1].elapsed <= last < points[-1].elapsed + points[-1].seconds


def test_timeline_when_a_worker_reports_adds_its_samples_to_the_point_of_arrival() -> None:
    rng = random.Random(7)
    values = [rng.lognormvariate(2.0, 0.8) for _ in range(2000)]
    histogram = LatencyHistogram()
    for value in values:
        histogram.add(value)
    timeline = Timeline()

    timeline.merge(7.0, {"POST /dialer/disposition": histogram}, failures=3)
    timeline.merge(7.5, {}, failures=0)
    point = timeline.points()[3]

    assert (len(timeline.points()), point.elapsed, point.requests, point.failures) == (4, 6.0, 2000, 3)
    p50, p95 = point.latency["POST /dialer/disposition"]
    ordered = sorted(values)
    assert ordered[999] / STEP**0.5 <= p50 <= ordered[999] * STEP**0.5
    assert ordered[1899] / STEP**0.5 <= p95 <= ordered[1899] * STEP**0.5
    assert min(values) <= p50 <= p95 <= max(values)
