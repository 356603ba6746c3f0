"""The phases of a run, as one Locust process sees them: ramp-up, steady, stop.

- **ramp-up** from the test's start until Locust says every user was spawned (``spawning_complete``);
- **steady** from then until the test begins to stop (``test_stopping``, or an interrupt);
- **stop** afterwards: every agent logs off and closes its session, a burst of requests that would
  otherwise blur the figures of the steady run.

A test stopped before its ramp-up ended goes from ramp-up straight to stop. Each process keeps its own
clock and labels its own samples with it; the master's clock dates the phases in the reports. Pure: the
clock is passed in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from botagent.report import PHASES

__all__ = ["RAMP_UP", "STEADY", "STOP", "PhaseClock", "PhaseSpan"]

RAMP_UP, STEADY, STOP = PHASES


@dataclass(frozen=True, slots=True, kw_only=True)
class PhaseSpan:
    """When one phase began and ended, in seconds since the test started; ``ended`` None while it lasts."""

    phase: str
    started: float
    ended: float | None


class PhaseClock:
    """Which phase this process is in, and when each phase began and ended.

    Args:
        clock: returns the time in seconds (``time.time``, or a fake in tests).
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self.started_at = clock()
        self._spans: list[PhaseSpan] = [PhaseSpan(phase=RAMP_UP, started=0.0, ended=None)]

    @property
    def phase(self) -> str:
        """The phase now."""
        return self._spans[-1].phase

    def elapsed(self) -> float:
        """Seconds since the test started."""
        return self._clock() - self.started_at

    def start(self) -> None:
        """The test starts (again, from Locust's web UI): ramp-up from now, the earlier phases forgotten."""
        self.started_at = self._clock()
        self._spans = [PhaseSpan(phase=RAMP_UP, started=0.0, ended=None)]

    def spawning_complete(self) -> None:
        """Every user was spawned: the ramp-up ends and the steady phase begins (later calls do nothing)."""
        if self.phase == RAMP_UP:
            self._enter(STEADY)

    def stopping(self) -> None:
        """The test begins to stop: the stop phase begins (later calls do nothing)."""
        if self.phase != STOP:
            self._enter(STOP)

    def spans(self) -> list[PhaseSpan]:
        """The phases so far, in order."""
        return list(self._spans)

    def _enter(self, phase: str) -> None:
        now = self.elapsed()
        last = self._spans[-1]
        self._spans[-1] = PhaseSpan(phase=last.phase, started=last.started, ended=now)
        self._spans.append(PhaseSpan(phase=phase, started=now, ended=None))
