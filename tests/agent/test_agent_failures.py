"""Failures (R11): every failed step and every timed-out wait is reported, then cleaned up once."""

from __future__ import annotations

import dataclasses

import pytest
from agent_harness import Harness, async_completed, break_status, campaigns, reach

from botagent.agent import (
    AgentState,
    CallOutcome,
    CloseSession,
    DialerLogOff,
    ReaderFailed,
    ReportStepError,
    SetStatus,
    SubmitDisposition,
    TimerKind,
)

S = AgentState

NORMAL_SENDING_STATES = [
    S.OPENING_SESSION,
    S.DIALER_LOGIN,
    S.JOINING_CAMPAIGN,
    S.READYING,
    S.SETTING_AVAILABLE,
    S.JOINING_ANOTHER,
    S.READYING_AGAIN,
    S.PLACING_PREVIEW,
    S.SKIPPING_PREVIEW,
    S.DISPOSITIONING,
    S.REQUESTING_BREAK,
    S.ENDING_BREAK,
    S.CHANGING_STATUS,
    S.LOGGING_OFF_ON_CALL,
    S.FINAL_DISPOSITIONING,
    S.LOGGING_OFF,
    S.CLOSING,
]

WAITS = {
    S.AWAITING_CAMPAIGNS: ("wait for log-in messages", TimerKind.LOGIN_MESSAGES),
    S.WAITING_FOR_POP: ("wait for pop", TimerKind.POP),
    S.AWAITING_BREAK: ("wait for break grant", TimerKind.BREAK_GRANT),
    S.AWAITING_LOGOFF_GRANT: ("wait for logout grant", TimerKind.LOGOFF_GRANT),
}


def clean_up(h: Harness, limit: int = 20) -> None:
    for _ in range(limit):
        if h.finished is not None:
            return
        assert h.state.bucket.value == "error", h.state
        h.succeed()
    raise AssertionError("cleanup did not end")


def _assert_cleanup(h: Harness, failed_index: int) -> None:
    """After the failure: log off unless already sent, disposition held calls, close; each once."""
    after = h.sent[failed_index + 1 :]
    names = [type(r).__name__ for r in after]
    assert len(names) == len(set(names)), names
    assert h.state is S.ERROR
    assert h.state.bucket.value == "error"
    assert len(h.records) == h.agent.counters.calls_popped
    if h.requests(DialerLogOff) and "DialerLogOff" in names:
        assert names.index("DialerLogOff") == 0, "R32: log off before the cleanup disposition"
    if "CloseSession" in names:
        assert names[-1] == "CloseSession"


@pytest.mark.parametrize("state", NORMAL_SENDING_STATES, ids=lambda s: s.name)
def test_failure_when_a_step_request_fails_reports_it_then_cleans_up_once_r11(state: AgentState) -> None:
    h = reach(state)
    failed = h.outstanding
    assert failed is not None
    failed_index = len(h.sent) - 1

    actions = h.fail(status=503, error_id="error.busy", message="try later")
    clean_up(h)

    assert isinstance(actions[0], ReportStepError)
    assert dataclasses.replace(actions[0], campaign=None) == ReportStepError(
        step=failed.endpoint, status=503, error_id="error.busy", message="try later"
    )
    assert failed not in h.sent[failed_index + 1 :], "the failed step is not retried"
    _assert_cleanup(h, failed_index)
    assert h.finished is not None
    assert h.finished.reason == f"{failed.endpoint} failed: try later"
    assert h.finished.restart_after is None


@pytest.mark.parametrize("state", list(WAITS), ids=lambda s: s.name)
def test_failure_when_a_wait_times_out_reports_the_wait_then_cleans_up_r11(state: AgentState) -> None:
    step, kind = WAITS[state]
    h = reach(state)
    failed_index = len(h.sent) - 1

    h.fire(kind)
    clean_up(h)

    errors = h.step_errors()
    assert [(e.step, e.status) for e in errors] == [(step, None)]
    _assert_cleanup(h, failed_index)


def test_failure_when_login_messages_never_come_names_the_missing_break_status_r12() -> None:
    h = reach(S.AWAITING_CAMPAIGNS)
    h.message(campaigns(False))

    h.fire(TimerKind.LOGIN_MESSAGES)

    assert "breakStatusMessage (R12)" in h.step_errors()[0].message
    assert "availableCampaignsMessage" not in h.step_errors()[0].message


def test_failure_when_the_final_disposition_fails_records_it_and_only_closes_r11() -> None:
    h = reach(S.FINAL_DISPOSITIONING, logoff_after_calls=1)

    h.fail()
    clean_up(h)

    assert h.records["i1"].outcome is CallOutcome.DISPOSITION_FAILED
    assert h.records["i1"].label is not None
    assert [type(r).__name__ for r in h.sent[-3:]] == ["DialerLogOff", "SubmitDisposition", "CloseSession"]


def test_failure_when_a_call_is_held_dispositions_it_with_its_first_label_r23() -> None:
    h = reach(S.LOGGING_OFF_ON_CALL, logoff_after_calls=1)

    h.fail()

    assert h.expect(SubmitDisposition) == SubmitDisposition(label="Sale")
    clean_up(h)
    assert h.records["i1"].outcome is CallOutcome.DISPOSITIONED
    assert [type(r).__name__ for r in h.sent[-3:]] == ["DialerLogOff", "SubmitDisposition", "CloseSession"]


def test_failure_when_a_cleanup_request_fails_too_reports_it_and_moves_on() -> None:
    h = reach(S.WAITING_FOR_POP)
    h.fire(TimerKind.POP)
    assert h.expect(DialerLogOff)

    h.fail(message="log-off refused")
    assert h.expect(CloseSession)
    h.fail(message="close refused")

    assert [e.message for e in h.step_errors()] == [
        "nothing within 300 s",
        "log-off refused",
        "close refused",
    ]
    assert h.state is S.ERROR
    assert len(h.requests(DialerLogOff)) == 1


@pytest.mark.parametrize("status", [401, 410])
def test_failure_when_the_session_is_gone_sends_no_cleanup_requests(status: int) -> None:
    h = reach(S.TALKING)
    h.fire(TimerKind.TALK)
    h.fire(TimerKind.WRAP_UP)
    sent_before = len(h.sent)

    h.fail(status=status, error_id="error.session", message="gone")

    assert len(h.sent) == sent_before
    assert h.state is S.ERROR
    assert h.records["i1"].outcome is CallOutcome.DISPOSITION_FAILED


def test_failure_when_the_plan_says_restart_finishes_with_the_restart_pause() -> None:
    h = reach(S.DIALER_LOGIN, on_error="restart", restart_pause=7.5)

    h.fail()
    clean_up(h)

    assert h.finished is not None
    assert h.finished.restart_after == 7.5


def test_failure_when_a_stop_was_asked_does_not_restart() -> None:
    h = reach(S.DIALER_LOGIN, on_error="restart")
    h.stop()

    h.fail()
    clean_up(h)

    assert h.finished is not None
    assert h.finished.restart_after is None


def test_failure_when_the_session_cannot_open_finishes_without_cleanup_requests() -> None:
    h = reach(S.OPENING_SESSION)

    h.fail(status=None, error_id=None, message="connection refused")

    assert h.sent == [h.sent[0]]
    assert h.state is S.ERROR
    assert h.finished is not None
    assert h.finished.reason == "POST /connection failed: connection refused"


def test_failure_when_a_status_change_completes_with_an_async_error_cleans_up_r11() -> None:
    h = reach(S.SETTING_AVAILABLE)
    h.succeed(request_id="r-1")
    assert h.state is S.WAITING_FOR_POP

    h.message(async_completed("r-1", {"errorId": "error.status", "message": "no such status"}))

    assert h.step_errors()[0] == ReportStepError(
        step=SetStatus.endpoint, status=None, error_id="error.status", message="no such status"
    )
    assert h.expect(DialerLogOff)


def test_failure_when_an_async_completion_has_no_error_is_ignored() -> None:
    h = reach(S.SETTING_AVAILABLE)
    h.succeed(request_id="r-1")

    h.message(async_completed("r-1"))
    h.message(async_completed("unknown", {"message": "not ours"}))

    assert h.step_errors() == []
    assert h.state is S.WAITING_FOR_POP


def test_failure_when_learnt_while_a_request_is_out_waits_for_its_answer() -> None:
    h = reach(S.READYING)
    h.message(break_status(0))

    h.message(
        {
            "__type": "urn:inin.com:dialer:dataPopMessage",
            "isDelta": False,
            "call": {
                "__type": "urn:inin.com:dialer:dataPop",
                "interactionId": "x",
                "campaignId": "c",
                "dispositions": [],
            },
        }
    )
    assert h.outstanding is not None and h.state is S.READYING
    h.succeed()

    assert h.expect(DialerLogOff)
    assert h.state is S.CLEANUP_LOGGING_OFF


@pytest.mark.parametrize("state", [S.WAITING_FOR_POP, S.TALKING, S.ON_BREAK], ids=lambda s: s.name)
def test_reader_failed_when_reader_reports_it_sends_nothing_more_and_restarts(state: AgentState) -> None:
    h = reach(state, on_error="stop", restart_pause=2.0)
    sent_before = len(h.sent)

    h.feed(ReaderFailed(status=401, error_id="error.request.connection.invalidSession", message="gone"))

    assert len(h.sent) == sent_before
    assert h.step_errors()[-1] == ReportStepError(
        step="read messages", status=401, error_id="error.request.connection.invalidSession", message="gone"
    )
    assert h.finished is not None and h.finished.restart_after == 2.0
    assert len(h.records) == h.agent.counters.calls_popped
    assert h.agent.counters.calls_handled == sum(
        record.outcome is CallOutcome.DISPOSITIONED for record in h.records.values()
    )


def test_reader_failed_when_a_request_gets_410_restarts_even_with_policy_stop() -> None:
    h = reach(S.READYING, on_error="stop", restart_pause=3.0)

    h.fail(status=410, error_id="error.request.connection.sessionGone", message="gone")

    assert h.finished is not None and h.finished.restart_after == 3.0


def test_reader_failed_when_a_stop_was_asked_does_not_restart() -> None:
    h = reach(S.WAITING_FOR_POP)
    h.stop()

    h.feed(ReaderFailed(status=401, error_id=None, message="gone"))
    h.fail(status=401, error_id=None, message="gone")

    assert h.finished is not None and h.finished.restart_after is None


def test_reader_failed_when_it_arrives_after_the_end_changes_nothing() -> None:
    h = reach(S.FINISHED)
    finished = h.finished

    assert h.feed(ReaderFailed(status=401, error_id=None, message="gone")) == []
    assert h.finished is finished


@pytest.mark.parametrize(("policy", "restart_after"), [("stop", None), ("restart", 4.0)])
def test_reader_failed_when_the_stream_broke_follows_the_on_error_policy(
    policy: str, restart_after: float | None
) -> None:
    h = reach(S.WAITING_FOR_POP, on_error=policy, restart_pause=4.0)

    h.feed(ReaderFailed(status=None, error_id=None, message="the message stream failed 5 times in a row"))
    clean_up(h)

    assert [type(r).__name__ for r in h.sent[-2:]] == ["DialerLogOff", "CloseSession"]
    assert h.finished is not None and h.finished.restart_after == restart_after


@pytest.mark.parametrize(("status", "lost"), [(401, True), (410, True), (None, False)])
def test_finished_when_the_server_dropped_the_session_says_so(status: int | None, lost: bool) -> None:
    """A switchover ends the sessions on the failed server (feature request: switchover); the agent
    says its session was lost (401/410), so its user logs in again with the switchover back-off."""
    h = reach(S.WAITING_FOR_POP, on_error="restart", restart_pause=4.0)

    h.feed(ReaderFailed(status=status, error_id=None, message="gone"))
    if not lost:
        clean_up(h)

    assert h.finished is not None and h.finished.session_lost is lost
