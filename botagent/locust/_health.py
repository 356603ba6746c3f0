"""The harness measuring itself while a test runs: event-loop lag and garbage-collection pauses.

A probe greenlet sleeps `PROBE_INTERVAL` again and again and counts how late it wakes: what any
agent's request or timer waited, in this process, for the event loop. A ``gc.callbacks`` hook counts
every collection's pause by generation. Both go to a `HarnessHealth` the caller hands in for each
reading (the recorder's own, or on a worker the part not yet sent to the master). Only processes that
run agents probe; the probe stops with the test, and at most `MAX_PROBES` times per test.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Final

import gevent

from botagent.report import HarnessHealth

__all__ = ["MAX_PROBES", "PROBE_INTERVAL", "HealthProbe"]

PROBE_INTERVAL: Final = 0.1
"""Seconds the probe sleeps between two readings."""
MAX_PROBES: Final = 10 * 3600 * 24 * 7
"""A week of readings: a bound, never reached by a run that ends."""


class HealthProbe:
    """Measures this process's timer lag and GC pauses between `start` and `stop`.

    Args:
        into: returns the `HarnessHealth` a new reading goes to.
        clock: monotonic seconds.
    """

    def __init__(
        self, into: Callable[[], HarnessHealth], clock: Callable[[], float] = time.perf_counter
    ) -> None:
        self._into = into
        self._clock = clock
        self._greenlet: gevent.Greenlet | None = None
        self._gc_started: float | None = None

    @property
    def running(self) -> bool:
        """True between `start` and `stop`."""
        return self._greenlet is not None

    def start(self) -> None:
        """Begin probing (again, after a `stop`)."""
        if self._greenlet is not None:
            return
        gc.callbacks.append(self._on_gc)
        self._greenlet = gevent.spawn(self._probe)

    def stop(self) -> None:
        """Stop probing; readings taken stay where they went."""
        if self._greenlet is None:
            return
        self._greenlet.kill(block=False)
        self._greenlet = None
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)
        self._gc_started = None

    def _probe(self) -> None:
        for _ in range(MAX_PROBES):
            asked = self._clock()
            gevent.sleep(PROBE_INTERVAL)
            late = self._clock() - asked - PROBE_INTERVAL
            self._into().lag(max(0.0, late) * 1000.0)

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = self._clock()
        elif self._gc_started is not None:
            self._into().gc_pause(info["generation"], (self._clock() - self._gc_started) * 1000.0)
            self._gc_started = None
