"""Latency histograms: bounded memory, mergeable across processes, percentiles that never pass the max.

A sample in milliseconds lands in a bucket keyed by the sample rounded to three significant digits
(0.01 ms steps below 10 ms, 0.1 ms below 100 ms, 1 ms below 1 s, ...), so a percentile is within 0.5% of
the true sample and a histogram holds at most about 900 buckets per decade of latency, however many
samples it counts. The exact minimum, maximum and sum are kept beside the buckets, and every percentile
is clamped into [min, max]. Two histograms merge by adding their buckets, which is how the Locust
master sums its workers; ``to_wire``/``from_wire`` carry one across in plain JSON-able types.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["LatencyHistogram"]

_SIGNIFICANT = 3
_SMALLEST = 0.01
"""Samples below this many milliseconds share the first bucket."""


def _bucket(milliseconds: float) -> float:
    if milliseconds < _SMALLEST:
        return 0.0
    exponent = math.floor(math.log10(milliseconds))
    step = 10.0 ** (exponent - _SIGNIFICANT + 1)
    return round(round(milliseconds / step) * step, 6)


@dataclass(slots=True)
class LatencyHistogram:
    """Counts of latency samples in milliseconds, with their exact count, sum, min and max."""

    buckets: dict[float, int] = field(default_factory=dict)
    count: int = 0
    total: float = 0.0
    minimum: float = math.inf
    maximum: float = 0.0

    def add(self, milliseconds: float) -> None:
        """Count one sample (negative samples count as 0 ms)."""
        value = max(0.0, milliseconds)
        key = _bucket(value)
        self.buckets[key] = self.buckets.get(key, 0) + 1
        self.count += 1
        self.total += value
        self.minimum = min(self.minimum, value)
        self.maximum = max(self.maximum, value)

    def merge(self, other: LatencyHistogram) -> None:
        """Add every sample of ``other`` to this histogram."""
        for key, count in other.buckets.items():
            self.buckets[key] = self.buckets.get(key, 0) + count
        self.count += other.count
        self.total += other.total
        self.minimum = min(self.minimum, other.minimum)
        self.maximum = max(self.maximum, other.maximum)

    @property
    def mean(self) -> float | None:
        """The exact mean, or None without samples."""
        return self.total / self.count if self.count else None

    def percentile(self, fraction: float) -> float | None:
        """The sample at ``fraction`` (0..1] by nearest rank, within [min, max]; None without samples."""
        if not self.count:
            return None
        rank = max(1, math.ceil(fraction * self.count))
        for key, seen in self._cumulative():
            if seen >= rank:
                return min(self.maximum, max(self.minimum, key))
        return self.maximum

    def _cumulative(self) -> Iterator[tuple[float, int]]:
        seen = 0
        for key in sorted(self.buckets):
            seen += self.buckets[key]
            yield key, seen

    def to_wire(self) -> dict[str, Any]:
        """Plain types only (string keys), for Locust's worker reports and JSON."""
        return {
            "buckets": {repr(key): count for key, count in self.buckets.items()},
            "count": self.count,
            "total": self.total,
            "min": self.minimum if self.count else None,
            "max": self.maximum,
        }

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> LatencyHistogram:
        """The histogram ``to_wire`` described."""
        minimum = data.get("min")
        return cls(
            buckets={float(key): int(count) for key, count in data["buckets"].items()},
            count=int(data["count"]),
            total=float(data["total"]),
            minimum=math.inf if minimum is None else float(minimum),
            maximum=float(data["max"]),
        )
