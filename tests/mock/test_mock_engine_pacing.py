"""Pacing, calls, callbacks, previews, sessions and the ledger, on the pure engine with a virtual clock."""

from __future__ import annotations

from pathlib import Path

import pytest
from mock_rig import EngineRig, campaign, scenario, short_type

from botagent.mock import EngineError, load_scenario
from botagent.wire import (
    PlacePreviewCallRequest,
    RequestFormDefinitionRequest,
    UpdateCallDataRequest,
    UserStatusUpdate,
)


def test_power_dial_when_agent_available_pops_after_dial_and_ring_delay() -> None:
    rig = EngineRig(scenario(campaign("P", dial_delay=1.0, ring_delay=2.0)))
    session = rig.agent("a")
    start = rig.now
    rig.tick(2.9)
    assert "dataPopMessage" not in rig.types(session)
    rig.tick(0.1)
    assert rig.pop(session, limit=0)["dialingMode"] == 2
    record = rig.calls()[0]
    assert (record["placedAt"], record["poppedAt"], record["connectedAt"]) == (
        start + 1,
        start + 3,
        start + 3,
    )


def test_next_deadline_when_dial_started_is_when_it_answers() -> None:
    rig = EngineRig(scenario(campaign("P", dial_delay=1.0, ring_delay=2.0)))
    rig.agent("a")
    assert rig.engine.next_deadline() == pytest.approx(rig.now + 3.0)


def test_dial_when_contact_does_not_answer_is_counted_and_redialed() -> None:
    rig = EngineRig(scenario(campaign("P", answer_rate=0.5)))
    session = rig.agent("a")
    for _ in range(5):
        rig.pop(session)
        rig.disposition(session)
        rig.status(session)
    counters = rig.engine.ledger()["campaigns"]["P"]
    assert counters["answered"] == 5
    in_progress = counters["dialed"] - counters["answered"] - counters.get("noAnswer", 0)
    assert in_progress in (0, 1)
    assert counters.get("noAnswer", 0) > 0


def test_predictive_dial_when_no_agent_left_at_answer_is_abandoned() -> None:
    rig = EngineRig(scenario(campaign("Q", "predictive", lines_per_agent=3.0)))
    session = rig.agent("a")
    rig.pop(session)
    rig.tick(10)
    states = sorted(c["state"] for c in rig.calls())
    assert states == ["abandoned", "abandoned", "connected"]
    assert all(c["agent"] is None and c["poppedAt"] is None for c in rig.calls() if c["state"] == "abandoned")
    assert rig.engine.ledger()["campaigns"]["Q"]["abandoned"] == 2


def test_power_dial_when_reserved_agent_goes_on_break_is_not_popped_to_it() -> None:
    """With no grace, the answered call nobody is free for is abandoned at once (``abandon_grace: 0``)."""
    rig = EngineRig(scenario(campaign("P", abandon_grace=0)))
    first = rig.agent("a")
    rig.engine.request_break(first, rig.now)
    # Requested, then granted: two messages (official request-break page).
    assert [m["breakStatus"] for m in rig.messages(first)] == [1, 2]
    second = rig.agent("b")
    rig.pop(second)
    assert [(c["agent"], c["state"]) for c in rig.calls()] == [(None, "abandoned"), ("b", "connected")]
    assert "dataPopMessage" not in rig.types(first)


def test_contacts_when_used_up_without_recycling_stop_the_calls() -> None:
    rig = EngineRig(scenario(campaign("P", contacts={"count": 2, "recycle": False})))
    session = rig.agent("a")
    for _ in range(2):
        rig.pop(session)
        rig.disposition(session)
        rig.status(session)
    rig.tick(60)
    assert "dataPopMessage" not in rig.types(session)
    assert sorted(c["contactId"] for c in rig.calls()) == ["1", "2"]


def test_contacts_when_recycled_start_over() -> None:
    rig = EngineRig(scenario(campaign("P", contacts={"count": 1})))
    session = rig.agent("a")
    for _ in range(2):
        rig.pop(session)
        rig.disposition(session)
        rig.status(session)
    assert [c["contactId"] for c in rig.calls()] == ["1", "1"]


def test_preview_when_timeout_passes_places_the_call_by_itself() -> None:
    rig = EngineRig(scenario(campaign("V", "preview", preview_timeout=5.0)))
    session = rig.agent("a")
    call = rig.pop(session)
    assert call["previewTimeout"].endswith("Z")
    rig.tick(5.0)
    assert rig.calls()[0]["state"] == "dialing"
    assert rig.pop(session)["callPlaced"] is True


def test_preview_when_timeout_action_none_stays_unplaced() -> None:
    rig = EngineRig(
        scenario(campaign("V", "preview", preview_timeout=5.0), behaviour={"preview_timeout_action": "none"})
    )
    session = rig.agent("a")
    rig.pop(session)
    rig.tick(60)
    assert rig.calls()[0]["state"] == "popped"


def test_preview_when_connect_message_off_sends_one_pop_only() -> None:
    rig = EngineRig(scenario(campaign("V", "preview"), behaviour={"preview_connect_message": False}))
    session = rig.agent("a")
    rig.pop(session)
    rig.engine.place_preview_call(session, PlacePreviewCallRequest(), rig.now)
    rig.tick(30)
    assert "dataPopMessage" not in rig.types(session)
    assert rig.calls()[0]["state"] == "connected"


def test_preview_when_placed_twice_is_refused_403() -> None:
    rig = EngineRig(scenario(campaign("V", "preview")))
    session = rig.agent("a")
    rig.pop(session)
    rig.engine.place_preview_call(session, PlacePreviewCallRequest(), rig.now)
    error = rig.refused(rig.engine.place_preview_call, session, PlacePreviewCallRequest(), rig.now)
    assert (error.status, error.error_id) == (403, "error.request.dialer.callAlreadyPlaced")


def test_preview_when_no_call_held_place_is_refused_404() -> None:
    rig = EngineRig(scenario(campaign("V", "preview")))
    session = rig.agent("a")
    error = rig.refused(rig.engine.place_preview_call, session, PlacePreviewCallRequest(), rig.now)
    assert (error.status, error.error_id) == (404, "error.request.dialer.noCurrentCall")


def test_preview_callback_when_scheduled_for_agent_uses_own_agent_preview_mode() -> None:
    rig = EngineRig(scenario(campaign("V", "preview")))
    session = rig.agent("a")
    rig.pop(session)
    rig.engine.place_preview_call(session, PlacePreviewCallRequest(), rig.now)  # placed first (R6)
    rig.disposition(session, "Callback", scheduled_time=int(rig.now), scheduled_agent="a")
    rig.status(session)
    assert rig.pop(session)["dialingMode"] == 1


def test_disposition_when_scheduled_agent_unknown_is_refused_400() -> None:
    rig = EngineRig(scenario(campaign("P")))
    session = rig.agent("a")
    rig.pop(session)
    error = rig.refused(
        rig.disposition, session, "Callback", scheduled_time=int(rig.now), scheduled_agent="zed"
    )
    assert (error.status, error.property_name) == (400, "scheduledAgent")


def test_disposition_when_scheduled_time_negative_is_refused_400() -> None:
    rig = EngineRig(scenario(campaign("P")))
    session = rig.agent("a")
    rig.pop(session)
    error = rig.refused(rig.disposition, session, "Callback", scheduled_time=-5)
    assert (error.status, error.error_id) == (400, "error.request.dialer.invalidScheduledTime")


def test_session_when_idle_past_expiry_is_gone_410_and_call_stays_in_ledger() -> None:
    rig = EngineRig(scenario(campaign("P"), session_idle_expiry=60))
    session = rig.agent("a")
    rig.pop(session)
    rig.tick(61)
    with pytest.raises(EngineError) as caught:
        rig.engine.authenticate(
            session.session_id, csrf_token=session.csrf_token, cookie=session.cookie_value, now=rig.now
        )
    assert caught.value.status == 410
    assert rig.engine.sessions_snapshot() == []
    assert rig.calls()[0]["dispositionCount"] == 0


def test_session_when_polled_within_expiry_stays_open() -> None:
    rig = EngineRig(scenario(campaign("P"), session_idle_expiry=60))
    session = rig.open("a")
    for _ in range(4):
        rig.tick(40)
        rig.messages(session)
    assert [s["sessionId"] for s in rig.engine.sessions_snapshot()] == [session.session_id]


def test_session_when_event_stream_open_does_not_expire() -> None:
    rig = EngineRig(scenario(campaign("P"), session_idle_expiry=60))
    session = rig.open("a")
    rig.engine.stream_opened(session)
    rig.tick(600)
    assert session.open
    rig.engine.stream_closed(session, rig.now)
    rig.tick(61)
    assert not session.open


def test_session_when_closed_logs_agent_out_and_frees_the_user() -> None:
    rig = EngineRig(scenario(campaign("P")))
    first = rig.open("a")
    rig.log_in(first)
    rig.engine.close_session(first, rig.now)
    second = rig.open("a")
    rig.log_in(second)
    assert [s["dialerLoggedIn"] for s in rig.engine.sessions_snapshot()] == [True]


def test_status_when_other_user_is_refused_403_and_unknown_status_400() -> None:
    rig = EngineRig(scenario(campaign("P")))
    session = rig.open("a")
    other = rig.refused(
        rig.engine.set_user_status, session, "b", UserStatusUpdate(status_id="Available"), rig.now
    )
    assert (other.status, other.error_id) == (403, "error.request.accessDenied")
    bad = rig.refused(rig.engine.set_user_status, session, "a", UserStatusUpdate(status_id="Nap"), rig.now)
    assert (bad.status, bad.property_name) == (400, "statusId")


def test_status_put_when_code_200_configured_queues_no_async_message() -> None:
    rig = EngineRig(scenario(campaign("P"), behaviour={"status_put_code": 200}))
    session = rig.open("a")
    assert rig.engine.set_user_status(session, "a", UserStatusUpdate(status_id="Available"), rig.now) is None
    assert rig.types(session) == []


def test_user_status_subscription_when_status_changes_sends_delta() -> None:
    rig = EngineRig(scenario(campaign("P")))
    watcher, user = rig.open("b"), rig.open("a")
    rig.engine.watch_user_statuses(watcher, ["a"], rig.now)
    first = rig.messages(watcher)[0]
    assert (first["isDelta"], first["userStatusList"][0]["statusId"]) == (False, "Away from desk")
    rig.status(user, "At Lunch")
    change = rig.messages(watcher)[0]
    assert (change["isDelta"], change["userStatusList"][0]["statusId"]) == (True, "At Lunch")


def test_form_definition_when_requested_lists_campaign_dispositions() -> None:
    rig = EngineRig(scenario(campaign("P")))
    session = rig.open("a")
    rig.log_in(session)
    form = rig.engine.form_definition(session, RequestFormDefinitionRequest(), rig.now)
    labels = [d["label"] for d in form.pages[0]["dispositions"]]
    assert labels == [d.label for d in rig.engine.scenario.campaigns[0].dispositions]


def test_update_call_data_when_call_not_agents_is_refused_400() -> None:
    rig = EngineRig(scenario(campaign("P")))
    session = rig.agent("a")
    call = rig.pop(session)
    call_id = call["attributes"]["IS_ATTR_CallId"]
    good = UpdateCallDataRequest(call_id=call_id, campaign_id=call["campaignId"], call_attributes={"x": "1"})
    rig.engine.update_call_data(session, good, rig.now)
    other = rig.open("b")
    error = rig.refused(rig.engine.update_call_data, other, good, rig.now)
    assert (error.status, error.error_id) == (400, "error.request.dialer.unknownCall")


def test_reset_when_done_forgets_sessions_and_calls_and_old_ids_are_gone() -> None:
    rig = EngineRig(scenario(campaign("P")))
    session = rig.agent("a")
    rig.pop(session)
    rig.engine.reset()
    assert (rig.engine.sessions_snapshot(), rig.calls()) == ([], [])
    with pytest.raises(EngineError) as caught:
        rig.engine.take_messages(session, rig.now)
    assert caught.value.status == 410
    assert rig.open("a").session_id != session.session_id


def test_many_agents_when_run_for_a_while_every_popped_call_is_dispositioned_once() -> None:
    rig = EngineRig(scenario(campaign("P"), campaign("Q", "predictive"), campaign("V", "preview")))
    sessions = [rig.agent(user) for user in ("a", "b", "c")]
    for _ in range(200):
        rig.tick(0.5)
        for session in sessions:
            for message in rig.messages(session):
                if short_type(message) != "dataPopMessage" or message["call"].get("callPlaced"):
                    continue
                if message["call"]["__type"].endswith("previewPop"):
                    rig.engine.place_preview_call(session, PlacePreviewCallRequest(), rig.now)
                rig.disposition(session, "No Sale")
                rig.status(session)
    popped = [c for c in rig.calls() if c["poppedAt"] is not None]
    assert len(popped) > 30
    assert all(c["dispositionCount"] == 1 for c in popped)
    assert len({c["interactionId"] for c in rig.calls()}) == len(rig.calls())


def test_csv_contacts_when_loaded_become_call_attributes(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text("id,phone,name\nx1,+15551230001,Ann\nx2,+15551230002,Bob\n")
    (tmp_path / "s.yaml").write_text(
        "campaigns:\n"
        "  - {name: P, mode: power, dial_delay: 1, ring_delay: 1,\n"
        "     contacts: {file: people.csv, id_column: id, recycle: false}}\n"
        "users:\n  - {names: [a]}\n"
    )
    rig = EngineRig(load_scenario(tmp_path / "s.yaml"))
    session = rig.agent("a")
    call = rig.pop(session)
    assert (call["attributes"]["name"], call["attributes"]["IS_ATTR_NumberToDial"]) == ("Ann", "+15551230001")
    assert rig.calls()[0]["contactId"] == "x1"


def test_preview_reservation_when_status_leaves_available_is_dropped() -> None:
    """The contact goes back to the agent it was drawn for: it gets the same one when free again."""
    undisturbed = EngineRig(scenario(campaign("V", "preview", dial_delay=5.0)))
    drawn = undisturbed.pop(undisturbed.agent("a"))["attributes"]["IS_ATTR_ContactId"]
    rig = EngineRig(scenario(campaign("V", "preview", dial_delay=5.0)))
    session = rig.agent("a")
    rig.status(session, "Follow Up")
    rig.tick(30)
    assert "dataPopMessage" not in rig.types(session)
    assert rig.calls() == []
    other = rig.agent("b")
    assert rig.pop(other)["attributes"]["IS_ATTR_ContactId"] != drawn
    rig.status(session, "Available")
    assert rig.pop(session)["attributes"]["IS_ATTR_ContactId"] == drawn


def test_dialer_log_in_when_takeover_allowed_logs_the_old_session_out() -> None:
    rig = EngineRig(scenario(campaign("P"), behaviour={"refuse_duplicate_dialer_login": False}))
    first, second = rig.open("a", "one app"), rig.open("a", "another app")
    rig.log_in(first)
    rig.messages(first)
    rig.log_in(second)
    assert rig.wait_for(first, "logoutGrantedMessage")["campaigns"][-1] == {"id": ""}
    assert [s["dialerLoggedIn"] for s in rig.engine.sessions_snapshot()] == [False, True]


def test_disposition_when_scheduled_time_beyond_year_9999_is_refused_400() -> None:
    rig = EngineRig(scenario(campaign("P")))
    session = rig.agent("a")
    rig.pop(session)
    error = rig.refused(rig.disposition, session, "Callback", scheduled_time=10**20)
    assert (error.status, error.property_name) == (400, "scheduledTime")
