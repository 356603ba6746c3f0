"""The run over time: requests, failures, dispositioned calls and per-endpoint latency per interval.

The timeline starts with 2-second intervals. When a sample falls past its last point (`MAX_POINTS`),
adjacent intervals are merged in pairs and the interval doubles, so a run of any length keeps at most
`MAX_POINTS` points: 10 minutes at 2 s, an 8-hour soak at 128 s. Each point keeps a latency histogram
per endpoint, coarsened to `STEPS_PER_DECADE` buckets per decade (about 6% apart) so a point stays
small; its p50 and p95 are within about 6% of the samples and never outside their min and max.

The master (or the only process) keeps it. A local run adds each request when it ends; a master adds
what each worker reports (its samples since its last report) to the interval in which the report
arrives, so the timeline of a distributed run lags by up to Locust's report interval (3 s). Pure: the
caller says when each thing happened.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from botagent.report import LatencyHistogram, TimelinePoint

__all__ = ["FIRST_INTERVAL", "MAX_POINTS", "STEPS_PER_DECADE", "Timeline"]

FIRST_INTERVAL = 2.0
"""Seconds per point until the timeline is first compacted."""
MAX_POINTS = 300
"""The most points the timeline holds."""
STEPS_PER_DECADE = 20
"""Latency buckets per decade in a point's histograms."""


def _coarse(milliseconds: float) -> float:
    """The grid value nearest ``milliseconds``, to three significant digits (0.01 ms and below: 0)."""
    if milliseconds < 0.01:
        return 0.0
    step = round(math.log10(milliseconds) * STEPS_PER_DECADE)
    return float(f"{10 ** (step / STEPS_PER_DECADE):.3g}")


def _coarsened(histogram: LatencyHistogram) -> LatencyHistogram:
    """A copy of ``histogram`` with its buckets on the coarse grid (count, sum, min and max kept)."""
    coarse = LatencyHistogram(
        count=histogram.count, total=histogram.total, minimum=histogram.minimum, maximum=histogram.maximum
    )
    for key, count in histogram.buckets.items():
        grid = _coarse(key)
        coarse.buckets[grid] = coarse.buckets.get(grid, 0) + count
    return coarse


def _one(milliseconds: float) -> LatencyHistogram:
    value = max(0.0, milliseconds)
    return LatencyHistogram(buckets={_coarse(value): 1}, count=1, total=value, minimum=value, maximum=value)


@dataclass(slots=True)
class _Interval:
    requests: int = 0
    failures: int = 0
    calls: int = 0
    latency: dict[str, LatencyHistogram] = field(default_factory=dict)

    def add_latency(self, name: str, coarse: LatencyHistogram) -> None:
        self.latency.setdefault(name, LatencyHistogram()).merge(coarse)

    def merge(self, other: _Interval) -> None:
        self.requests += other.requests
        self.failures += other.failures
        self.calls += other.calls
        for name, histogram in other.latency.items():
            self.add_latency(name, histogram)

    def point(self, elapsed: float, seconds: float) -> TimelinePoint:
        latency = {name: _p50_p95(histogram) for name, histogram in sorted(self.latency.items())}
        return TimelinePoint(
            elapsed=elapsed,
            seconds=seconds,
            requests=self.requests,
            failures=self.failures,
            calls=self.calls,
            latency=latency,
        )


def _p50_p95(histogram: LatencyHistogram) -> tuple[float, float]:
    return (histogram.percentile(0.5) or 0.0, histogram.percentile(0.95) or 0.0)


class Timeline:
    """Points of equal length from the start of the run; see the module docstring.

    Args:
        interval: seconds per point to begin with.
        max_points: the most points kept; past it, pairs of points merge and the interval doubles.
    """

    def __init__(self, interval: float = FIRST_INTERVAL, max_points: int = MAX_POINTS) -> None:
        if interval <= 0 or max_points < 2:
            raise ValueError(f"interval must be > 0 and max_points >= 2 (got {interval}, {max_points})")
        self.interval = interval
        self.max_points = max_points
        self._points: list[_Interval] = []

    def request(self, elapsed: float, name: str, milliseconds: float, failed: bool) -> None:
        """Count one request of endpoint ``name`` that ended ``elapsed`` seconds into the run."""
        point = self._at(elapsed)
        point.requests += 1
        point.failures += failed
        point.add_latency(name, _one(milliseconds))

    def calls(self, elapsed: float, count: int = 1) -> None:
        """Count ``count`` calls dispositioned ``elapsed`` seconds into the run."""
        if count:
            self._at(elapsed).calls += count

    def merge(self, elapsed: float, latencies: Mapping[str, LatencyHistogram], failures: int) -> None:
        """Add a worker's requests since its last report, per endpoint, at the time the report arrived."""
        if not latencies:
            return
        point = self._at(elapsed)
        point.requests += sum(histogram.count for histogram in latencies.values())
        point.failures += failures
        for name, histogram in latencies.items():
            point.add_latency(name, _coarsened(histogram))

    def points(self) -> list[TimelinePoint]:
        """Every point from the start of the run to the last one with something in it."""
        return [point.point(index * self.interval, self.interval) for index, point in enumerate(self._points)]

    def _at(self, elapsed: float) -> _Interval:
        index = max(0, int(elapsed // self.interval))
        while index >= self.max_points:
            self._compact()
            index = int(elapsed // self.interval)
        while len(self._points) <= index:
            self._points.append(_Interval())
        return self._points[index]

    def _compact(self) -> None:
        """Merge adjacent points in pairs and double the interval."""
        pairs = [self._points[start : start + 2] for start in range(0, len(self._points), 2)]
        self._points = [_merged(pair) for pair in pairs]
        self.interval *= 2


def _merged(points: list[_Interval]) -> _Interval:
    total = _Interval()
    for point in points:
        total.merge(point)
    return total
