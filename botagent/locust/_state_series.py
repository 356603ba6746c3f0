"""Agents by state over the run, one sample a second, kept in columns rather than a dict per sample.

A run samples how many agents are in each report bucket every second (the agents-by-state chart and
the latest counts of the report read them). Kept as a `StateSample` with its own dict each, a sample
cost several hundred bytes; kept here, it costs the 8 bytes of its time and 4 bytes per bucket ever
seen, so an eight-hour run's samples fit in a few MiB. `samples()` gives back exactly the
`StateSample`s that were added. Pure: no Locust, no clock.
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping

from botagent.report import StateSample

__all__ = ["StateSeries"]

_ABSENT = -1
"""A bucket the sample did not name (told apart from one it named with 0 agents)."""


class StateSeries:
    """The samples of a run, in the order added."""

    def __init__(self) -> None:
        self._elapsed: array[float] = array("d")
        self._counts: dict[str, array[int]] = {}

    def __len__(self) -> int:
        return len(self._elapsed)

    def append(self, elapsed: float, counts: Mapping[str, int]) -> None:
        """Add the sample taken ``elapsed`` seconds into the run: agents per bucket."""
        for bucket in counts:
            if bucket not in self._counts:
                self._counts[bucket] = array("i", [_ABSENT]) * len(self._elapsed)
        for bucket, column in self._counts.items():
            column.append(counts.get(bucket, _ABSENT))
        self._elapsed.append(elapsed)

    def clear(self) -> None:
        """Forget every sample."""
        self._elapsed = array("d")
        self._counts = {}

    def samples(self) -> list[StateSample]:
        """Every sample as added, each with the buckets it named."""
        return [self._sample(index) for index in range(len(self._elapsed))]

    def most_agents(self) -> int:
        """The largest number of agents in one sample (0 without samples)."""
        totals = [0] * len(self._elapsed)
        for column in self._counts.values():
            for index, count in enumerate(column):
                totals[index] += max(count, 0)
        return max(totals, default=0)

    def _sample(self, index: int) -> StateSample:
        counts = {
            bucket: column[index] for bucket, column in self._counts.items() if column[index] != _ABSENT
        }
        return StateSample(elapsed=self._elapsed[index], counts=counts)
