"""IllegalAction: the driver (botagent itself) fed an event the lifecycle forbids."""

from __future__ import annotations

import pytest
from agent_harness import Harness, reach

from botagent.agent import (
    Acknowledged,
    AgentState,
    CloseSession,
    DialerLogIn,
    Event,
    IllegalAction,
    MessageReceived,
    RequestFailed,
    RequestResult,
    RequestSucceeded,
    RuleViolation,
    Start,
    StatusSet,
    StopRequested,
    Timer,
    TimerFired,
    TimerKind,
)
from botagent.wire import BotagentError, parse_message

S = AgentState


def test_response_when_nothing_is_outstanding_is_illegal_and_breaks_the_agent() -> None:
    h = reach(S.WAITING_FOR_POP)

    with pytest.raises(IllegalAction, match="WAITING_FOR_POP") as caught:
        h.feed(RequestSucceeded(request=CloseSession(), status=200))

    assert caught.value.state is S.WAITING_FOR_POP
    assert h.state is S.ERROR
    with pytest.raises(IllegalAction, match="stopped after"):
        h.feed(StopRequested(reason="x"))


def test_response_when_for_another_request_is_illegal() -> None:
    h = reach(S.DIALER_LOGIN)

    with pytest.raises(IllegalAction, match="no such request outstanding"):
        h.feed(RequestFailed(request=DialerLogIn(campaign_id="c"), status=500, error_id=None, message="x"))


@pytest.mark.parametrize(
    ("state", "result", "expected"),
    [
        (S.SETTING_AVAILABLE, Acknowledged(), "SetStatus succeeds with StatusSet, not Acknowledged"),
        (S.DIALER_LOGIN, StatusSet(accepted=None), "DialerLogIn succeeds with Acknowledged, not StatusSet"),
    ],
)
def test_response_when_its_result_does_not_fit_the_request_is_illegal(
    state: AgentState, result: RequestResult, expected: str
) -> None:
    h = reach(state)
    assert h.outstanding is not None

    with pytest.raises(IllegalAction, match=expected):
        h.feed(RequestSucceeded(request=h.outstanding, status=200, result=result))

    assert h.state is S.ERROR


def test_start_when_already_started_is_illegal() -> None:
    h = reach(S.OPENING_SESSION)

    with pytest.raises(IllegalAction, match="Start is allowed once"):
        h.start()


def test_event_when_of_an_unknown_kind_is_illegal() -> None:
    class Strange(Event):
        pass

    with pytest.raises(IllegalAction, match="not an agent event"):
        Harness().feed(Strange())


def test_events_when_the_agent_has_finished_are_ignored_or_refused() -> None:
    h = reach(S.FINISHED)
    message = parse_message(
        {"__type": "urn:inin.com:dialer:breakStatusMessage", "isDelta": False, "breakStatus": 0}
    )

    assert h.feed(MessageReceived(message=message)) == []
    assert h.feed(StopRequested(reason="again")) == []
    assert h.feed(TimerFired(timer=Timer(kind=TimerKind.POP, serial=999))) == []
    with pytest.raises(IllegalAction):
        h.feed(Start())


def test_timer_when_stale_or_cancelled_is_ignored() -> None:
    h = reach(S.TALKING)
    stale = Timer(kind=TimerKind.POP, serial=1)

    assert h.feed(TimerFired(timer=stale)) == []
    assert h.state is S.TALKING


def test_unknown_message_when_received_is_ignored() -> None:
    h = reach(S.WAITING_FOR_POP)

    actions = h.message({"__type": "urn:inin.com:somewhere:newThing", "isDelta": False, "x": 1})

    assert actions == []
    assert h.state is S.WAITING_FOR_POP


def test_exception_kinds_when_compared_tell_bot_bugs_from_server_findings() -> None:
    assert issubclass(IllegalAction, RuntimeError)
    assert not issubclass(IllegalAction, BotagentError)
    assert issubclass(RuleViolation, BotagentError)
    assert str(RuleViolation("R18", "break granted")) == "R18: break granted"
