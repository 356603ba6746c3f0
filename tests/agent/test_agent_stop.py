"""StopRequested from every state the agent can rest in: it winds down cleanly and never restarts."""

from __future__ import annotations

import pytest
from agent_harness import RECIPES, Harness, logout_granted, reach

from botagent.agent import (
    AgentState,
    CallOutcome,
    CloseSession,
    DialerLogIn,
    DialerLogOff,
    EndBreak,
    Finished,
    OpenSession,
    PlacePreviewCall,
    ReportBucket,
    RequestBreak,
    SubmitDisposition,
)

S = AgentState
CLEANUP = {
    S.CLEANUP_LOGGING_OFF,
    S.CLEANUP_PLACING,
    S.CLEANUP_DISCONNECTING,
    S.CLEANUP_DISPOSITIONING,
    S.CLEANUP_CLOSING,
}


def run_out(h: Harness, limit: int = 40) -> None:
    """Answer everything successfully and grant the log-off until the agent finishes."""
    for _ in range(limit):
        if h.finished is not None:
            return
        if h.outstanding is not None:
            h.succeed()
        elif h.state is S.AWAITING_LOGOFF_GRANT:
            h.message(logout_granted(""))
        else:
            raise AssertionError(f"stuck in {h.state} with timers {list(h.timers)}")
    raise AssertionError("did not finish")


@pytest.mark.parametrize(
    "state", [s for s in RECIPES if s not in (S.FINISHED, S.ERROR)], ids=lambda s: s.name
)
def test_stop_when_requested_in_any_state_winds_down_and_finishes(state: AgentState) -> None:
    h = reach(state, on_error="restart")
    already_leaving = state.bucket is ReportBucket.LOGGING_OFF

    h.stop("test over")
    run_out(h)

    assert h.finished is not None
    assert h.finished.restart_after is None
    assert len(h.records) == h.agent.counters.calls_popped
    assert h.timers == {}
    if state in CLEANUP:
        return
    assert h.finished.reason == ("plan complete" if already_leaving else "test over")
    assert h.state is S.FINISHED
    assert bool(h.requests(DialerLogOff)) == bool(h.requests(DialerLogIn))
    assert bool(h.requests(CloseSession)) == bool(h.requests(OpenSession))
    assert all(r.outcome is CallOutcome.DISPOSITIONED for r in h.records.values())


@pytest.mark.parametrize("state", [S.PREVIEWING, S.TALKING, S.WRAPPING_UP], ids=lambda s: s.name)
def test_stop_when_on_a_call_logs_off_before_dispositioning_it_r32(state: AgentState) -> None:
    h = reach(state)
    logoff_index = len(h.sent)

    h.stop()
    run_out(h)

    after_logoff = [type(request) for request in h.sent[logoff_index : logoff_index + 3]]
    if state is S.PREVIEWING:  # an unplaced preview is placed before its disposition (R6)
        assert after_logoff == [DialerLogOff, PlacePreviewCall, SubmitDisposition]
    else:
        assert after_logoff[:2] == [DialerLogOff, SubmitDisposition]
    assert [r.outcome for r in h.records.values()] == [CallOutcome.DISPOSITIONED]


def test_stop_when_on_break_logs_off_without_ending_the_break_r20() -> None:
    h = reach(S.ON_BREAK, break_every_calls=1)

    h.stop()

    assert h.expect(DialerLogOff)
    run_out(h)
    assert h.requests(EndBreak) == []


def test_stop_when_break_is_requested_but_not_granted_logs_off_r20() -> None:
    h = reach(S.AWAITING_BREAK, break_every_calls=1)

    h.stop()

    assert h.expect(DialerLogOff)
    assert len(h.requests(RequestBreak)) == 1


def test_stop_when_before_start_finishes_without_any_request() -> None:
    h = Harness()

    actions = h.stop("never mind")

    assert actions == [Finished(reason="never mind")]
    assert h.sent == []


def test_stop_when_the_session_is_opening_closes_it_without_a_dialer_login() -> None:
    h = reach(S.OPENING_SESSION)

    h.stop()
    h.succeed()

    assert h.expect(CloseSession)
    assert h.requests(DialerLogIn) == []


def test_stop_when_asked_twice_keeps_the_first_reason() -> None:
    h = reach(S.WAITING_FOR_POP)

    h.stop("first")
    h.stop("second")
    run_out(h)

    assert h.finished == Finished(reason="first")


def test_stop_when_asked_after_the_plan_ended_keeps_winding_down_once() -> None:
    h = reach(S.AWAITING_LOGOFF_GRANT)

    h.stop("late")
    run_out(h)

    assert len(h.requests(DialerLogOff)) == 1
    assert h.finished is not None and h.finished.reason == "plan complete"
