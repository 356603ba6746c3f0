"""Callbacks and disposition fields on the pure engine: owner windows, fallback, relativeTo, follow-ups,
isAbandon, and the callback counters.

Sources: the official disposition page (``scheduledTime``, ``scheduledAgent``; R25, R26), the Dialer
Manager's Agent Callbacks page (Reschedule Delay, convert to campaign-wide) for the owner window, and the
mock's own readings of ``relativeTo``, ``placeAdditionalFollowUpCall`` and ``isAbandon`` (``_callbacks.py``).
"""

from __future__ import annotations

import pytest
from mock_rig import EngineRig, campaign, scenario

from botagent.wire import DialingMode

ONE_CONTACT = {"count": 1, "recycle": False}
WEEK = 604_800


def book_callback_for(rig: EngineRig, owner: str, **extra: object) -> tuple[str, int]:
    """Agent a takes the campaign's only call and books a callback in a minute for ``owner``."""
    session = rig.agent("a")
    call = rig.pop(session)
    due = int(rig.now) + 60
    rig.disposition(session, "Callback", scheduled_time=due, scheduled_agent=owner, **extra)
    rig.log_off(session)
    return call["attributes"]["IS_ATTR_CallId"], due


def test_agent_owned_callback_when_owner_stays_away_falls_back_to_the_campaign_after_the_window() -> None:
    """Owner window then campaign-wide (Dialer's Reschedule Delay and convert to campaign-wide)."""
    callbacks = {"owner_window": 300, "fallback": "campaign"}
    rig = EngineRig(
        scenario(campaign("P", contacts=ONE_CONTACT, callbacks=callbacks), session_idle_expiry=WEEK)
    )
    call_id, due = book_callback_for(rig, "c")
    other = rig.agent("b")
    rig.tick(60 + 299)
    assert "dataPopMessage" not in rig.types(other)
    callback = rig.pop(other, limit=5)
    assert callback["dialingMode"] == DialingMode.REGULAR
    assert rig.calls()[-1]["callbackOf"] == call_id
    figures = rig.engine.ledger()["campaigns"]["P"]
    assert (figures["callbacksDue"], figures["callbacksFallenBack"], figures["callbacksLate"]) == (1, 1, 1)


def test_agent_owned_callback_when_fallback_is_expire_is_dropped_after_the_window() -> None:
    callbacks = {"owner_window": 300, "fallback": "expire"}
    rig = EngineRig(
        scenario(campaign("P", contacts=ONE_CONTACT, callbacks=callbacks), session_idle_expiry=WEEK)
    )
    book_callback_for(rig, "c")
    other = rig.agent("b")
    rig.tick(400)
    assert "dataPopMessage" not in rig.types(other)
    assert rig.engine.ledger()["campaigns"]["P"]["callbacksExpired"] == 1
    owner = rig.agent("c")
    rig.tick(30)
    assert "dataPopMessage" not in rig.types(owner)


def test_agent_owned_callback_when_owner_returns_within_the_window_goes_to_the_owner() -> None:
    rig = EngineRig(
        scenario(
            campaign("P", contacts=ONE_CONTACT, callbacks={"owner_window": 300}), session_idle_expiry=WEEK
        )
    )
    book_callback_for(rig, "c")
    other = rig.agent("b")
    rig.tick(150)
    owner = rig.agent("c")
    assert rig.pop(owner)["dialingMode"] == DialingMode.OWN_AGENT_CALLBACK
    assert "dataPopMessage" not in rig.types(other)
    figures = rig.engine.ledger()["campaigns"]["P"]
    assert (figures["callbacksKept"], figures["callbacksLate"]) == (0, 1), (
        "dialed 90 s after it fell due: late"
    )


def test_agent_owned_callback_when_window_is_null_waits_for_its_owner_for_ever() -> None:
    rig = EngineRig(
        scenario(
            campaign("P", contacts=ONE_CONTACT, callbacks={"owner_window": None}), session_idle_expiry=WEEK
        )
    )
    book_callback_for(rig, "c")
    other = rig.agent("b")
    rig.tick(86_400)
    assert "dataPopMessage" not in rig.types(other)
    assert rig.pop(rig.agent("c"))["dialingMode"] == DialingMode.OWN_AGENT_CALLBACK


def test_callback_when_dialed_on_time_is_counted_kept() -> None:
    rig = EngineRig(scenario(campaign("P", contacts=ONE_CONTACT), session_idle_expiry=WEEK))
    session = rig.agent("a")
    rig.pop(session)
    rig.disposition(session, "Callback", scheduled_time=int(rig.now) + 60, scheduled_agent="a")
    rig.status(session)
    rig.pop(session, limit=70)
    figures = rig.engine.ledger()["campaigns"]["P"]
    assert (figures["callbacksDue"], figures["callbacksKept"], figures["callbacksLate"]) == (1, 1, 0)


@pytest.mark.parametrize(("relative_to", "offset_hours"), [(None, 0), (0, 0), (1, -5), (1, 2)])
def test_callback_when_relative_to_is_given_falls_due_in_that_clock(
    relative_to: int | None, offset_hours: float
) -> None:
    """relativeTo 0 (UTC) or absent: scheduledTime is UTC (R25); 1 (Contact): the contact's own clock."""
    contacts = {**ONE_CONTACT, "utc_offset": offset_hours}
    rig = EngineRig(scenario(campaign("P", contacts=contacts), session_idle_expiry=WEEK))
    session = rig.agent("a")
    rig.pop(session)
    written = int(rig.now) + 7200
    extra = {} if relative_to is None else {"relative_to": relative_to}
    rig.disposition(session, "Callback", scheduled_time=written, **extra)
    rig.status(session)
    due = written - (offset_hours * 3600 if relative_to == 1 else 0)
    rig.tick(due - rig.now - 1)
    assert "dataPopMessage" not in rig.types(session)
    rig.pop(session, limit=5)
    assert rig.calls()[-1]["callbackOf"] == rig.calls()[0]["callId"]


def test_callback_when_contacts_carry_their_own_offset_column_uses_it(tmp_path: object) -> None:
    from pathlib import Path

    from botagent.mock import load_scenario

    folder = Path(str(tmp_path))
    (folder / "people.csv").write_text("id,phone,tz\nx1,+15550000001,3\n")
    (folder / "s.yaml").write_text(
        "campaigns:\n"
        "  - {name: P, mode: power, dial_delay: 1, ring_delay: 1,\n"
        "     contacts: {file: people.csv, id_column: id, utc_offset_column: tz, recycle: false}}\n"
        "users:\n  - {names: [a], password: botagent}\n"
        "session_idle_expiry: 604800\n"
    )
    rig = EngineRig(load_scenario(folder / "s.yaml"))
    session = rig.agent("a")
    rig.pop(session)
    written = int(rig.now) + 4 * 3600
    rig.disposition(session, "Callback", scheduled_time=written, relative_to=1)
    rig.status(session)
    rig.tick(3600 - 2)
    assert "dataPopMessage" not in rig.types(session)
    rig.pop(session, limit=5)


def test_disposition_when_relative_to_is_not_an_enum_value_is_refused_400() -> None:
    rig = EngineRig(scenario(campaign("P")))
    session = rig.agent("a")
    rig.pop(session)
    error = rig.refused(rig.disposition, session, "Callback", scheduled_time=int(rig.now), relative_to=7)
    assert (error.status, error.property_name) == (400, "relativeTo")


def test_follow_up_when_asked_for_calls_the_contact_again_for_the_same_agent() -> None:
    rig = EngineRig(scenario(campaign("P", contacts=ONE_CONTACT), session_idle_expiry=WEEK))
    session = rig.agent("a")
    first = rig.pop(session)
    rig.disposition(session, "Sale", place_additional_follow_up_call=True)
    rig.status(session)
    follow_up = rig.pop(session)
    assert follow_up["attributes"]["IS_ATTR_ContactId"] == first["attributes"]["IS_ATTR_ContactId"]
    assert follow_up["dialingMode"] == DialingMode.OWN_AGENT_CALLBACK
    assert rig.calls()[-1]["callbackOf"] == first["attributes"]["IS_ATTR_CallId"]
    assert rig.engine.ledger()["campaigns"]["P"]["followUps"] == 1


def test_follow_up_when_policy_is_ignore_books_nothing() -> None:
    rig = EngineRig(
        scenario(
            campaign("P", contacts=ONE_CONTACT, callbacks={"follow_up": "ignore"}), session_idle_expiry=WEEK
        )
    )
    session = rig.agent("a")
    rig.pop(session)
    rig.disposition(session, "Sale", place_additional_follow_up_call=True)
    rig.status(session)
    rig.tick(60)
    assert "dataPopMessage" not in rig.types(session)
    assert rig.engine.ledger()["campaigns"]["P"]["followUps"] == 0


def test_disposition_when_is_abandon_counts_the_call_abandoned_by_the_agent() -> None:
    rig = EngineRig(scenario(campaign("P")))
    session = rig.agent("a")
    for is_abandon in (True, False):
        rig.pop(session)
        rig.disposition(session, "No Sale", is_abandon=is_abandon)
        rig.status(session)
    figures = rig.engine.ledger()["campaigns"]["P"]
    assert (figures["abandonedByAgent"], figures["abandoned"], figures["connected"]) == (1, 0, 2)
    assert figures["abandonRate"] == pytest.approx(0.5)


def test_disposition_when_label_is_an_abandon_disposition_counts_it_abandoned() -> None:
    dispositions = [{"label": "Dropped", "abandon": True}, {"label": "Sale"}]
    rig = EngineRig(scenario(campaign("P", dispositions=dispositions)))
    session = rig.agent("a")
    rig.pop(session)
    rig.disposition(session, "Dropped")
    assert rig.engine.ledger()["campaigns"]["P"]["abandonedByAgent"] == 1
