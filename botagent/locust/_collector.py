"""The garbage collector's policy in a process that runs agents: no long collection while they work.

A collection stops every greenlet for as long as it scans its generations, and every request whose
answer arrives meanwhile is reported late by as much: with a few hundred agents a full collection
took tens of milliseconds and one of the middle generation 3 to 16 ms, against about half a
millisecond for the youngest. The agents' calls leave no cyclic garbage for the older generations to
find (bench/README.md, "measurement error"), so from Locust's ``test_start`` until its ``test_stop``
`CollectorPolicy` raises their thresholds out of reach: only the youngest generation is collected on
its own, which frees the cycles that die young. A run that does make longer-lived cyclic garbage still
keeps its memory bounded: a guard reads the process's resident memory every `GUARD_EVERY` seconds and
runs one full collection whenever it has grown by `GUARD_GROWTH` since the last one (or since
spawning was complete).

Around that, the objects that live for the whole run are frozen out of the collector's sight: at
``test_start`` after one full collection (Locust, botagent and the libraries, before any agent
runs), at ``spawning_complete`` after a young one (the agents' own, once they are all up).
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any, Final

import gevent
import psutil  # type: ignore[import-untyped]

__all__ = ["GUARD_EVERY", "GUARD_GROWTH", "CollectorPolicy", "FullCollectionGuard"]

GUARD_EVERY: Final = 5.0
"""Seconds between two readings of the resident memory while full collections are held."""
GUARD_GROWTH: Final = 32 * 1024 * 1024
"""Bytes of resident memory grown since the last full collection that call for the next one."""
HELD_THRESHOLD: Final = 2**31 - 1
"""The older generations' thresholds while held: the collections below never add up to them."""
MAX_CHECKS: Final = int(7 * 24 * 3600 / GUARD_EVERY)
"""A week of readings: a bound, never reached by a run that ends."""


class FullCollectionGuard:
    """Says when resident memory has grown enough since the last full collection to run one.

    Args:
        growth: bytes of growth that call for a full collection.
    """

    def __init__(self, growth: int = GUARD_GROWTH) -> None:
        self.growth = growth
        self._base: int | None = None

    def collected(self, rss: int) -> None:
        """A full collection has just run, leaving ``rss`` bytes resident."""
        self._base = rss

    def due(self, rss: int) -> bool:
        """Whether ``rss`` bytes resident call for a full collection now; the first reading only sets
        the base."""
        if self._base is None:
            self._base = rss
            return False
        return rss - self._base >= self.growth


class CollectorPolicy:
    """Holds the older generations' collections between `hold` and `release`, with the memory guard
    running.

    Args:
        rss: this process's resident memory in bytes.
        every: seconds between two guard readings.
        growth: bytes of growth that call for a guard's full collection.
    """

    def __init__(
        self, rss: Callable[[], int] | None = None, every: float = GUARD_EVERY, growth: int = GUARD_GROWTH
    ) -> None:
        self._rss = rss or _resident_bytes
        self._every = every
        self._growth = growth
        self._threshold: tuple[int, int, int] | None = None
        self._guard: gevent.Greenlet | None = None
        self._guard_state: FullCollectionGuard | None = None
        self.guard_collections = 0
        """Full collections the guard ran."""

    @property
    def holding(self) -> bool:
        """True between `hold` and `release`."""
        return self._threshold is not None

    def on_test_start(self, **_: Any) -> None:
        """Collect everything once and freeze what is left, then hold the older generations (a listener)."""
        gc.collect()
        gc.freeze()
        self.hold()

    def on_spawning_complete(self, **_: Any) -> None:
        """Collect the young generations and freeze the agents' long-lived objects (a listener): well
        under a millisecond, since agents are running now. The guard counts growth from here: the
        memory the agents took as they came is theirs, not garbage."""
        gc.collect(1)
        gc.freeze()
        if self._guard_state is not None:
            self._guard_state.collected(self._rss())

    def on_test_stop(self, **_: Any) -> None:
        """Release the older generations (a listener)."""
        self.release()

    def hold(self) -> None:
        """Collect only the youngest generation on its own from now on, and start the memory guard."""
        if self._threshold is not None:
            return
        self._threshold = gc.get_threshold()
        gc.set_threshold(self._threshold[0], HELD_THRESHOLD, HELD_THRESHOLD)
        self._guard_state = FullCollectionGuard(self._growth)
        self._guard = gevent.spawn(self._watch, self._guard_state)

    def release(self) -> None:
        """Restore the thresholds found by `hold` and stop the guard."""
        if self._threshold is None:
            return
        gc.set_threshold(*self._threshold)
        self._threshold = None
        self._guard_state = None
        if self._guard is not None:
            self._guard.kill(block=False)
            self._guard = None

    def _watch(self, guard: FullCollectionGuard) -> None:
        for _ in range(MAX_CHECKS):
            if guard.due(self._rss()):
                gc.collect()
                self.guard_collections += 1
                guard.collected(self._rss())
            gevent.sleep(self._every)


def _resident_bytes() -> int:
    rss: int = psutil.Process().memory_info().rss
    return rss
