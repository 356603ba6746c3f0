"""The phase clock: ramp-up from the test's start, steady once every user was spawned, stop once the
test begins to stop; each phase dated in seconds since the start."""

from __future__ import annotations

from typing import Any

import pytest
from pure_rig import load_pure

phases = load_pure("_phases")


class FakeClock:
    """Seconds that move only when the test says so."""

    def __init__(self, now: float = 1_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def spans(phase_clock: Any) -> list[tuple[str, float, float | None]]:
    return [(s.phase, s.started, s.ended) for s in phase_clock.spans()]


def test_phase_clock_when_test_starts_is_in_ramp_up_from_zero(clock: FakeClock) -> None:
    phase_clock = phases.PhaseClock(clock)
    clock.now += 3

    assert phase_clock.phase == "ramp-up"
    assert phase_clock.elapsed() == 3
    assert spans(phase_clock) == [("ramp-up", 0.0, None)]


def test_phase_clock_when_spawning_completes_then_test_stops_goes_steady_then_stop(clock: FakeClock) -> None:
    phase_clock = phases.PhaseClock(clock)
    clock.now += 4
    phase_clock.spawning_complete()
    clock.now += 40
    phase_clock.stopping()
    clock.now += 2

    assert phase_clock.phase == "stop"
    assert spans(phase_clock) == [("ramp-up", 0.0, 4.0), ("steady", 4.0, 44.0), ("stop", 44.0, None)]


def test_phase_clock_when_stopped_during_ramp_up_goes_straight_to_stop(clock: FakeClock) -> None:
    phase_clock = phases.PhaseClock(clock)
    clock.now += 2
    phase_clock.stopping()
    phase_clock.spawning_complete()  # Locust may still say so while the users stop

    assert spans(phase_clock) == [("ramp-up", 0.0, 2.0), ("stop", 2.0, None)]


def test_phase_clock_when_events_repeat_keeps_one_span_per_phase(clock: FakeClock) -> None:
    phase_clock = phases.PhaseClock(clock)
    phase_clock.spawning_complete()
    clock.now += 5
    phase_clock.spawning_complete()  # a user count changed from the web UI spawns again
    phase_clock.stopping()
    clock.now += 5
    phase_clock.stopping()

    assert [s.phase for s in phase_clock.spans()] == ["ramp-up", "steady", "stop"]
    assert phase_clock.spans()[-1].started == 5.0


def test_phase_clock_when_test_starts_again_forgets_the_earlier_phases(clock: FakeClock) -> None:
    phase_clock = phases.PhaseClock(clock)
    phase_clock.spawning_complete()
    phase_clock.stopping()
    clock.now += 100
    phase_clock.start()
    clock.now += 1

    assert phase_clock.started_at == 1_100.0
    assert spans(phase_clock) == [("ramp-up", 0.0, None)]
    assert phase_clock.elapsed() == 1.0


def test_phase_names_when_read_are_the_report_phases_in_order() -> None:
    from botagent.report import PHASES

    assert (phases.RAMP_UP, phases.STEADY, phases.STOP) == PHASES == ("ramp-up", "steady", "stop")
