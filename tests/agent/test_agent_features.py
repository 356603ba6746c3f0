"""Feature versions: the agent checks the server's features before the Dialer calls that need them
("If a Feature is not included, it can be assumed that the server does not support that Feature" —
official Versioning page, C/Concepts_Versioning.htm)."""

from __future__ import annotations

import pytest
from agent_harness import PREVIEW, Harness, break_status, campaigns, pop

from botagent.agent import (
    Acknowledged,
    AgentState,
    CloseSession,
    DialerLogIn,
    DialerLogOff,
    IllegalAction,
    OpenSession,
    PlacePreviewCall,
    ReadyForCalls,
    RequestSucceeded,
    SubmitDisposition,
)

S = AgentState


def _step_error(h: Harness) -> str:
    errors = h.step_errors()
    assert [e.step for e in errors] == ["check server features"]
    return errors[0].message


@pytest.mark.parametrize(
    ("features", "found"),
    [({"messaging": 2}, "no such feature (messaging 2)"), ({"dialer": 1}, "version 1 (dialer 1)")],
    ids=["missing", "too old"],
)
def test_login_when_the_server_lacks_dialer_2_stops_before_any_dialer_call(
    features: dict[str, int], found: str
) -> None:
    """log-in, log-off, ready-for-calls, disposition and request-break are dialer 2 — official endpoint
    pages; a feature not listed is not supported — official Versioning page."""
    h = Harness(features=features, on_error="restart")
    h.start()
    h.succeed()

    message = _step_error(h)
    assert message.startswith("POST /dialer/log-in needs feature dialer version 2 or later")
    assert found in message
    assert h.requests(DialerLogIn) == []
    assert h.expect(CloseSession)
    h.succeed()
    assert h.state is S.ERROR
    assert h.finished is not None and h.finished.restart_after is None, "restarting cannot help"


def test_ready_when_the_agent_has_the_right_and_dialer_is_3_stops_before_ready_with_campaign_ids() -> None:
    """ready-for-calls: campaignIds came with dialer 4 — official ready-for-calls page."""
    h = Harness(features={"dialer": 3})
    h.start()
    h.succeed()
    h.message(break_status(0))
    h.message(campaigns(True, PREVIEW))
    h.succeed()
    h.succeed()

    assert "ready-for-calls with campaignIds needs feature dialer version 4" in _step_error(h)
    assert h.requests(ReadyForCalls) == []
    assert h.expect(DialerLogOff), "it logged in to Dialer, so it logs off"


def test_ready_when_the_agent_lacks_the_right_and_dialer_is_2_sends_ready_without_campaign_ids() -> None:
    """ready-for-calls without campaignIds is dialer 2 — official ready-for-calls page."""
    h = Harness(features={"dialer": 2})

    h.log_in(right=False)

    assert h.requests(ReadyForCalls) == [ReadyForCalls(campaign_ids=None)]
    assert h.step_errors() == []


def test_preview_when_dialer_is_2_stops_before_placing_it() -> None:
    """place-preview-call is dialer 3 — official place-preview-call page."""
    h = Harness(features={"dialer": 2})
    h.log_in()

    h.message(pop("p1", PREVIEW, preview=True))

    assert "POST /dialer/place-preview-call needs feature dialer version 3" in _step_error(h)
    assert h.requests(PlacePreviewCall) == []
    assert h.expect(DialerLogOff)
    h.succeed()
    assert h.expect(SubmitDisposition), "the held preview is still dispositioned (R23)"


def test_preview_when_dialer_is_2_and_it_is_skipped_needs_no_place_call() -> None:
    """The skip is a disposition (dialer 2) — official disposition page."""
    h = Harness(features={"dialer": 2}, preview_skip_probability=1.0)
    h.log_in()

    h.message(pop("p1", PREVIEW, preview=True, skip=True))

    assert h.step_errors() == []
    assert h.state is S.PREVIEWING


def test_open_session_when_answered_without_its_features_is_refused_as_a_driver_bug() -> None:
    """The session's opening carries its features (SessionOpened); anything else is a driver bug."""
    h = Harness()
    h.start()

    with pytest.raises(IllegalAction, match="SessionOpened"):
        h.feed(RequestSucceeded(request=OpenSession(), status=201, result=Acknowledged()))
