"""A heap of timers for the Dialer engine: what must happen, and when, on the engine's own clock."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable

__all__ = ["Timer", "TimerHeap"]

_PURGE_FLOOR = 1024
"""The heap is never purged of cancelled timers below this size."""


def _spent(_: float) -> None:
    """The callback of a timer that fired or was cancelled."""


class Timer:
    """One scheduled callback; ``cancel()`` makes it a no-op without touching the heap.

    A timer that fired or was cancelled lets go of its callback at once: the callback's closure often
    holds the object that holds the timer (a session and its expiry, a dial and its timer), and that
    cycle would otherwise keep the whole object graph until a full garbage collection, or until a
    cancelled timer's deadline comes round.
    """

    __slots__ = ("when", "seq", "callback", "cancelled")

    def __init__(self, when: float, seq: int, callback: Callable[[float], None]) -> None:
        self.when = when
        self.seq = seq
        self.callback = callback
        self.cancelled = False

    def __lt__(self, other: Timer) -> bool:
        return (self.when, self.seq) < (other.when, other.seq)

    def cancel(self) -> None:
        """Stop the timer from firing."""
        self.cancelled = True
        self.callback = _spent

    def fire(self) -> None:
        """Run the callback with the deadline (once: a second call does nothing)."""
        callback, self.callback = self.callback, _spent
        callback(self.when)


class TimerHeap:
    """Timers ordered by deadline, then by scheduling order; cancelled ones are skipped lazily.

    A cancelled timer far in the future (an hour's owner window, a session's idle expiry) would stay
    until its deadline, so whenever the heap has doubled since it was last purged, the cancelled ones
    are dropped: the heap stays within twice the live timers (or `_PURGE_FLOOR`).
    """

    def __init__(self) -> None:
        self._heap: list[Timer] = []
        self._seq = itertools.count()
        self._purge_at = _PURGE_FLOOR

    def __len__(self) -> int:
        return len(self._heap)

    def schedule(self, when: float, callback: Callable[[float], None]) -> Timer:
        """Arrange for ``callback(when)`` to run once the clock reaches ``when``."""
        timer = Timer(when, next(self._seq), callback)
        heapq.heappush(self._heap, timer)
        if len(self._heap) >= self._purge_at:
            self._purge()
        return timer

    def _purge(self) -> None:
        self._heap = [timer for timer in self._heap if not timer.cancelled]
        heapq.heapify(self._heap)
        self._purge_at = max(_PURGE_FLOOR, 2 * len(self._heap))

    def next_deadline(self) -> float | None:
        """Return the earliest live deadline, or None when nothing is scheduled."""
        heap = self._heap
        while heap and heap[0].cancelled:
            heapq.heappop(heap)
        return heap[0].when if heap else None

    def pop_due(self, now: float) -> Timer | None:
        """Remove and return the earliest live timer due at or before ``now``, or None."""
        deadline = self.next_deadline()
        if deadline is None or deadline > now:
            return None
        return heapq.heappop(self._heap)

    def clear(self) -> None:
        """Drop every timer."""
        self._heap.clear()
