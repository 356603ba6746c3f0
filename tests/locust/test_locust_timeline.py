"""The timeline: 2-second points to begin with; past its last point, pairs merge and the interval
doubles, so any run keeps at most 300 points with every request, failure and call still counted, and
per-endpoint p50/p95 close to the samples and never outside their min and max."""

from __future__ import annotations

import gc
import math
import random
import tracemalloc

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


ENDPOINTS = [f"POST /endpoint/{index}" for index in range(15)]


def grid(milliseconds: float) -> float:
    """The coarse grid value of a sample, written out independently of the timeline."""
    if milliseconds < 0.01:
        return 0.0
    return float(f"{10 ** (round(math.log10(milliseconds) * 20) / 20):.3g}")


def busy_run(rng: random.Random, seconds: int, per_second: int) -> list[tuple[float, str, float]]:
    """Requests of 15 endpoints: mostly 0.5-5 ms, one in 20 delayed by 5-50 ms, a few under 0.01 ms."""
    samples = []
    for tick in range(seconds * per_second):
        value = rng.lognormvariate(0.4, 0.6) + (rng.uniform(5, 50) if rng.random() < 0.05 else 0.0)
        samples.append((tick / per_second, rng.choice(ENDPOINTS), 0.001 if rng.random() < 0.001 else value))
    return samples


def test_timeline_when_300_points_of_15_endpoints_are_full_keeps_them_in_under_half_a_mib() -> None:
    """Closed points keep their histograms packed: 300 two-second points of 15 endpoints at 150
    requests a second (about 20 distinct latencies per endpoint and point) stay under 512 KiB,
    where a dict of floats per endpoint and point took about 4.5 MiB."""
    samples = busy_run(random.Random(3), 600, 150)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        timeline = Timeline()
        for elapsed, name, value in samples:
            timeline.request(elapsed, name, value, False)
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()

    assert len(timeline.points()) == 300
    assert kept < 512 * 1024, f"{kept / 300:.0f} bytes a point"


def test_timeline_when_points_are_packed_gives_each_endpoint_the_percentiles_of_its_samples() -> None:
    """Packed, unpacked by a late sample, merged from a worker's report and compacted, every point's
    p50 and p95 per endpoint are those of its samples on the coarse grid (nearest rank, within the
    samples' min and max), and every request is counted."""
    rng = random.Random(11)
    timeline = Timeline(interval=2.0, max_points=20)
    kept: dict[tuple[int, str], list[float]] = {}
    for elapsed, name, value in busy_run(rng, 38, 40):
        timeline.request(elapsed, name, value, False)
        kept.setdefault((int(elapsed // 2), name), []).append(value)
    late = [float(f"{rng.uniform(0.5, 900.0):.3g}") for _ in range(30)]  # a worker's buckets: 3 digits
    for value in late:  # point 3 was packed long ago
        timeline.request(7.0, ENDPOINTS[0], value, False)
        kept[(3, ENDPOINTS[0])].append(value)
    report = LatencyHistogram()
    for value in [*late, 0.001, 70_000.0]:  # steps far apart: under 0.01 ms counts as 0
        report.add(value)
    for _ in range(70_000):  # one bucket past two-byte counts
        report.add(1.0)
    timeline.merge(39.0, {ENDPOINTS[1]: report}, failures=0)
    kept.setdefault((19, ENDPOINTS[1]), []).extend([*late, 0.001, 70_000.0] + [1.0] * 70_000)

    def expected(index: int, size: int) -> dict[str, tuple[float, float]]:
        merged: dict[str, list[float]] = {}
        for (point, name), values in kept.items():
            if point // size == index:
                merged.setdefault(name, []).extend(values)
        return {
            name: (nearest(values, 0.5), nearest(values, 0.95)) for name, values in sorted(merged.items())
        }

    assert [p.latency for p in timeline.points()] == [expected(index, 1) for index in range(20)]
    timeline.request(40.5, ENDPOINTS[2], 3.0, False)  # past the last point: pairs merge
    kept[(20, ENDPOINTS[2])] = [3.0]
    assert timeline.interval == 4.0
    assert [p.latency for p in timeline.points()] == [expected(index, 2) for index in range(11)]
    assert totals(timeline)[0] == sum(len(values) for values in kept.values())


def nearest(values: list[float], fraction: float) -> float:
    ordered = sorted(grid(value) for value in values)
    chosen = ordered[max(1, math.ceil(fraction * len(ordered))) - 1]
    return min(max(values), max(min(values), chosen))
