"""The ring of the last request timings of ``/mock/timings``, in arrays allocated once.

A deque of tuples grows, one tuple per request, until it is full; these arrays take their whole size
(22 bytes a timing) when the mock starts, so the mock's memory does not grow with the requests.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator

__all__ = ["Timing", "TimingRing"]

Timing = tuple[str, float, float, int | None]
"""Endpoint name, start (epoch seconds), handling seconds, HTTP status (None: the connection was cut)."""

_NO_STATUS = -1


class TimingRing:
    """The last ``size`` timings, oldest first; a new one replaces the oldest when full."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._started = array("d", bytes(8 * size))
        self._seconds = array("d", bytes(8 * size))
        self._status = array("i", bytes(4 * size))
        self._name = array("H", bytes(2 * size))
        self._names: list[str] = []
        self._index: dict[str, int] = {}
        self._next = 0
        self._count = 0

    def append(self, timing: Timing) -> None:
        """Keep a timing, forgetting the oldest when the ring is full."""
        name, started, seconds, status = timing
        index = self._index.get(name)
        if index is None:
            index = self._index[name] = len(self._names)
            self._names.append(name)
        slot = self._next
        self._started[slot], self._seconds[slot] = started, seconds
        self._status[slot] = _NO_STATUS if status is None else status
        self._name[slot] = index
        self._next = (slot + 1) % self.size
        self._count = min(self._count + 1, self.size)

    def clear(self) -> None:
        """Forget every timing."""
        self._next = self._count = 0

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, position: int) -> Timing:
        """The ``position``-th timing kept, oldest first."""
        if not 0 <= position < self._count:
            raise IndexError(position)
        slot = (self._next - self._count + position) % self.size
        status = self._status[slot]
        return (
            self._names[self._name[slot]],
            self._started[slot],
            self._seconds[slot],
            None if status == _NO_STATUS else status,
        )

    def __iter__(self) -> Iterator[Timing]:
        for position in range(self._count):
            yield self[position]
