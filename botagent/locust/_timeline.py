"""The run over time: requests, failures, dispositioned calls and per-endpoint latency per interval.

The timeline starts with 2-second intervals. When a sample falls past its last point (`MAX_POINTS`),
adjacent intervals are merged in pairs and the interval doubles, so a run of any length keeps at most
`MAX_POINTS` points: 10 minutes at 2 s, an 8-hour soak at 128 s. Each point keeps a latency histogram
per endpoint, coarsened to `STEPS_PER_DECADE` buckets per decade (about 6% apart); its p50 and p95 are
within about 6% of the samples and never outside their min and max.

The two newest points take samples in dicts; an older point keeps its histograms packed in one
``bytes`` (per endpoint: its grid steps and counts in the narrowest integers that hold them, with the
exact sum, min and max), 32 bytes plus 2 to 4 per bucket, so 300 points of a run with 15 endpoints
hold well under 1 MiB. A late sample for a packed point unpacks it until the next point begins, and
compaction merges pairs from the packed form.

The master (or the only process) keeps it. A local run adds each request when it ends; a master adds
what each worker reports (its samples since its last report) to the interval in which the report
arrives, so the timeline of a distributed run lags by up to Locust's report interval (3 s). Pure: the
caller says when each thing happened.
"""

from __future__ import annotations

import math
import struct
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

_ZERO_STEP = -(2**15)
"""The grid step of samples under 0.01 ms, whose grid value is 0."""
_HEAD = struct.Struct("<HHhBBddd")
"""A packed histogram's head: endpoint id, number of buckets, first step, the `_WIDTHS` index of its
steps (each kept as its distance from the first) and of its counts, then sum, min and max."""
_WIDTHS = "BHIQ"
"""Unsigned integers of 1, 2, 4 and 8 bytes: each packed histogram takes the narrowest that fits."""


def _step(milliseconds: float) -> int:
    """The coarse grid step nearest ``milliseconds`` (under 0.01 ms: `_ZERO_STEP`)."""
    if milliseconds < 0.01:
        return _ZERO_STEP
    return round(math.log10(milliseconds) * STEPS_PER_DECADE)


def _grid_value(step: int) -> float:
    """The latency of grid step ``step``, to three significant digits."""
    if step == _ZERO_STEP:
        return 0.0
    return float(f"{10 ** (step / STEPS_PER_DECADE):.3g}")


@dataclass(slots=True)
class _Coarse:
    """One endpoint's latency in one point: samples per grid step, with their exact sum, min and max."""

    counts: dict[int, int] = field(default_factory=dict)
    total: float = 0.0
    minimum: float = math.inf
    maximum: float = 0.0

    def add(self, step: int, count: int) -> None:
        self.counts[step] = self.counts.get(step, 0) + count

    def span(self, total: float, minimum: float, maximum: float) -> None:
        self.total += total
        self.minimum = min(self.minimum, minimum)
        self.maximum = max(self.maximum, maximum)

    def merge(self, other: _Coarse) -> None:
        for step, count in other.counts.items():
            self.add(step, count)
        self.span(other.total, other.minimum, other.maximum)

    def histogram(self) -> LatencyHistogram:
        """The same samples as a `LatencyHistogram` keyed by grid value."""
        buckets = {_grid_value(step): count for step, count in self.counts.items()}
        return LatencyHistogram(
            buckets=buckets,
            count=sum(self.counts.values()),
            total=self.total,
            minimum=self.minimum,
            maximum=self.maximum,
        )


def _pack(latency: Mapping[int, _Coarse]) -> bytes:
    """Every endpoint's histogram in one ``bytes``: a `_HEAD`, then its steps and its counts."""
    parts = []
    for name_id, coarse in latency.items():
        steps = sorted(coarse.counts)
        first = steps[0] if steps else 0
        gaps = [step - first for step in steps]
        counts = [coarse.counts[step] for step in steps]
        gap_width, count_width = _width(max(gaps, default=0)), _width(max(counts, default=0))
        span = (coarse.total, coarse.minimum, coarse.maximum)
        parts.append(_HEAD.pack(name_id, len(steps), first, gap_width, count_width, *span))
        parts.append(_body(len(steps), gap_width, count_width).pack(*gaps, *counts))
    return b"".join(parts)


def _unpack(packed: bytes) -> dict[int, _Coarse]:
    """The histograms `_pack` packed, by endpoint id."""
    latency: dict[int, _Coarse] = {}
    offset = 0
    while offset < len(packed):
        name_id, size, first, gap_width, count_width, *span = _HEAD.unpack_from(packed, offset)
        offset += _HEAD.size
        body = _body(size, gap_width, count_width)
        values = body.unpack_from(packed, offset)
        offset += body.size
        counts = {first + gap: count for gap, count in zip(values[:size], values[size:], strict=True)}
        latency[name_id] = _Coarse(counts, *span)
    return latency


def _width(largest: int) -> int:
    """The index in `_WIDTHS` of the narrowest unsigned integer that holds ``largest``."""
    return next(index for index, code in enumerate(_WIDTHS) if largest < 256 ** struct.calcsize(code))


def _body(size: int, gap_width: int, count_width: int) -> struct.Struct:
    return struct.Struct(f"<{size}{_WIDTHS[gap_width]}{size}{_WIDTHS[count_width]}")


@dataclass(slots=True)
class _Interval:
    requests: int = 0
    failures: int = 0
    calls: int = 0
    latency: dict[int, _Coarse] | None = None
    """Histograms by endpoint id while the point takes samples; None while packed (or empty)."""
    packed: bytes = b""

    def opened(self) -> dict[int, _Coarse]:
        """The histograms, unpacked first if the point was packed."""
        if self.latency is None:
            self.latency = _unpack(self.packed)
            self.packed = b""
        return self.latency

    def close(self) -> None:
        """Pack the histograms."""
        if self.latency is not None:
            self.packed = _pack(self.latency)
            self.latency = None

    def histograms(self) -> dict[int, _Coarse]:
        """The histograms, without changing how they are kept."""
        return self.latency if self.latency is not None else _unpack(self.packed)

    def merge(self, other: _Interval) -> None:
        self.requests += other.requests
        self.failures += other.failures
        self.calls += other.calls
        latency = self.opened()
        for name_id, coarse in other.histograms().items():
            latency.setdefault(name_id, _Coarse()).merge(coarse)

    def point(self, elapsed: float, seconds: float, names: list[str]) -> TimelinePoint:
        histograms = {names[name_id]: coarse.histogram() for name_id, coarse in self.histograms().items()}
        latency = {name: _p50_p95(histogram) for name, histogram in sorted(histograms.items())}
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
        self._open: set[int] = set()
        """Indices of the points whose histograms are not packed."""
        self._names: list[str] = []
        self._name_ids: dict[str, int] = {}

    def request(self, elapsed: float, name: str, milliseconds: float, failed: bool) -> None:
        """Count one request of endpoint ``name`` that ended ``elapsed`` seconds into the run."""
        index = self._index(elapsed)
        point = self._points[index]
        point.requests += 1
        point.failures += failed
        value = max(0.0, milliseconds)
        coarse = self._histogram(index, name)
        coarse.add(_step(value), 1)
        coarse.span(value, value, value)

    def calls(self, elapsed: float, count: int = 1) -> None:
        """Count ``count`` calls dispositioned ``elapsed`` seconds into the run."""
        if count:
            self._points[self._index(elapsed)].calls += count

    def merge(self, elapsed: float, latencies: Mapping[str, LatencyHistogram], failures: int) -> None:
        """Add a worker's requests since its last report, per endpoint, at the time the report arrived."""
        if not latencies:
            return
        index = self._index(elapsed)
        point = self._points[index]
        point.requests += sum(histogram.count for histogram in latencies.values())
        point.failures += failures
        for name, histogram in latencies.items():
            coarse = self._histogram(index, name)
            for key, count in histogram.buckets.items():
                coarse.add(_step(key), count)
            coarse.span(histogram.total, histogram.minimum, histogram.maximum)

    def points(self) -> list[TimelinePoint]:
        """Every point from the start of the run to the last one with something in it."""
        return [
            point.point(index * self.interval, self.interval, self._names)
            for index, point in enumerate(self._points)
        ]

    def _histogram(self, index: int, name: str) -> _Coarse:
        """Endpoint ``name``'s histogram in point ``index``, unpacking the point if it was packed."""
        name_id = self._name_ids.get(name)
        if name_id is None:
            name_id = self._name_ids[name] = len(self._names)
            self._names.append(name)
        self._open.add(index)
        return self._points[index].opened().setdefault(name_id, _Coarse())

    def _index(self, elapsed: float) -> int:
        index = max(0, int(elapsed // self.interval))
        while index >= self.max_points:
            self._compact()
            index = int(elapsed // self.interval)
        if len(self._points) <= index:
            self._points.extend(_Interval() for _ in range(index + 1 - len(self._points)))
            self._close_before(index - 1)
        return index

    def _close_before(self, index: int) -> None:
        """Pack the histograms of every open point before point ``index``."""
        for old in [old for old in self._open if old < index]:
            self._points[old].close()
            self._open.discard(old)

    def _compact(self) -> None:
        """Merge adjacent points in pairs and double the interval."""
        pairs = [self._points[start : start + 2] for start in range(0, len(self._points), 2)]
        self._points = [_merged(pair) for pair in pairs]
        self._open = {index for index, point in enumerate(self._points) if point.latency is not None}
        self.interval *= 2


def _merged(points: list[_Interval]) -> _Interval:
    """One point of ``points``' samples, packed if all of them were."""
    total = _Interval()
    for point in points:
        total.merge(point)
    if all(point.latency is None for point in points):
        total.close()
    return total
