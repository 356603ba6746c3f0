"""The Dialer rules R1..R34 of the ICWS reference, on the pure engine with a virtual clock."""

from __future__ import annotations

import pytest
from mock_rig import EngineRig, campaign, scenario, short_type

from botagent.mock import EngineError
from botagent.wire import LogInRequest, PlacePreviewCallRequest, ReadyForCallsRequest


@pytest.fixture
def rig() -> EngineRig:
    return EngineRig(scenario(campaign("P")))


def test_session_when_unknown_is_refused_401_r1(rig: EngineRig) -> None:
    with pytest.raises(EngineError) as caught:
        rig.engine.authenticate("999", csrf_token="x", cookie="y", now=rig.now)
    assert caught.value.status == 401


def test_log_in_when_session_open_logs_in_to_dialer_r2(rig: EngineRig) -> None:
    session = rig.open("a")
    rig.log_in(session)
    assert rig.engine.sessions_snapshot()[0]["dialerLoggedIn"] is True


def test_pop_when_not_ready_for_calls_is_not_sent_r3(rig: EngineRig) -> None:
    session = rig.open("a")
    rig.log_in(session)
    rig.status(session)
    rig.tick(30)
    assert "dataPopMessage" not in rig.types(session)
    rig.ready(session)
    assert rig.pop(session)["campaignId"] == rig.campaign_id("P")


def test_pop_when_status_not_available_is_not_sent_r4(rig: EngineRig) -> None:
    session = rig.open("a")
    rig.log_in(session)
    rig.ready(session)
    rig.tick(30)
    assert "dataPopMessage" not in rig.types(session)
    rig.status(session, "Available")
    assert rig.pop(session)["__type"] == "urn:inin.com:dialer:dataPop"


def test_call_when_dialed_arrives_as_data_pop_message_r5(rig: EngineRig) -> None:
    session = rig.agent("a")
    message = rig.wait_for(session, "dataPopMessage")
    assert message["__type"] == "urn:inin.com:dialer:dataPopMessage"
    assert message["isDelta"] is False
    assert message["call"]["attributes"]["IS_ATTR_CallId"] == rig.calls()[0]["callId"]


def test_preview_pop_when_placed_connects_and_pops_again_with_call_placed_r6() -> None:
    rig = EngineRig(scenario(campaign("V", "preview", ring_delay=2.0)))
    session = rig.agent("a")
    call = rig.pop(session)
    assert call["__type"] == "urn:inin.com:dialer:previewPop"
    assert (call["callPlaced"], call["dialingMode"]) == (False, 0)
    rig.tick(10)
    assert rig.calls()[0]["state"] == "popped"
    rig.engine.place_preview_call(session, PlacePreviewCallRequest(), rig.now)
    assert rig.calls()[0]["state"] == "dialing"
    connected = rig.pop(session)
    assert connected["callPlaced"] is True
    assert connected["interactionId"] == call["interactionId"]
    assert rig.calls()[0]["state"] == "connected"


def test_data_pop_when_placed_by_client_is_refused_r7(rig: EngineRig) -> None:
    session = rig.agent("a")
    rig.pop(session)
    assert rig.calls()[0]["placedAt"] is not None
    error = rig.refused(rig.engine.place_preview_call, session, PlacePreviewCallRequest(), rig.now)
    assert (error.status, error.error_id) == (403, "error.request.dialer.notPreviewCall")


def test_log_off_when_requested_is_granted_by_logout_granted_r8_r10(rig: EngineRig) -> None:
    session = rig.open("a")
    rig.log_in(session)
    rig.messages(session)
    rig.log_off(session)
    granted = rig.wait_for(session, "logoutGrantedMessage")
    assert {"id": ""} in granted["campaigns"]


def test_disposition_when_follow_up_off_may_be_followed_by_next_call_at_once_r9() -> None:
    behaviour = {"after_disposition_status": None, "require_available_after_disposition": False}
    rig = EngineRig(scenario(campaign("P"), behaviour=behaviour))
    session = rig.agent("a")
    first = rig.pop(session)
    rig.disposition(session)
    second = rig.pop(session)
    assert first["interactionId"] != second["interactionId"]


def test_refused_request_when_step_fails_changes_no_state_r11(rig: EngineRig) -> None:
    session = rig.open("a")
    error = rig.refused(rig.ready, session)
    assert (error.status, error.error_id) == (403, "error.request.dialer.notLoggedIn")


def test_log_in_when_done_sends_break_status_then_available_campaigns_r12(rig: EngineRig) -> None:
    session = rig.open("a")
    rig.log_in(session)
    messages = rig.messages(session)
    assert [short_type(m) for m in messages] == ["breakStatusMessage", "availableCampaignsMessage"]
    assert messages[0]["breakStatus"] == 0


def test_log_in_when_no_logon_campaign_right_joins_all_running_campaigns_r13() -> None:
    rig = EngineRig(scenario(campaign("P"), campaign("Q"), campaign("Off", status="off")))
    session = rig.open("a")
    rig.log_in(session)
    available = rig.messages(session)[1]
    assert available["agentHasLogonCampaignRight"] is False
    assert {c["name"]: c["isLoggedIn"] for c in available["campaignsAdded"]} == {
        "P": True,
        "Q": True,
        "Off": False,
    }
    assert rig.engine.sessions_snapshot()[0]["campaigns"] == [rig.campaign_id("P"), rig.campaign_id("Q")]


def test_log_in_when_logon_campaign_right_lists_campaigns_and_joins_none_r14(rig: EngineRig) -> None:
    session = rig.open("boss")
    rig.log_in(session)
    available = rig.messages(session)[1]
    assert available["agentHasLogonCampaignRight"] is True
    assert [c["name"] for c in available["campaignsAdded"]] == ["P"]
    assert available["campaignsAdded"][0]["isLoggedIn"] is False
    assert rig.engine.sessions_snapshot()[0]["campaigns"] == []


def test_campaign_log_in_when_right_held_joins_only_that_campaign_r15() -> None:
    rig = EngineRig(scenario(campaign("P"), campaign("Q")))
    session = rig.open("boss")
    rig.log_in(session)
    rig.log_in(session, rig.campaign_id("Q"))
    rig.ready(session)
    rig.status(session)
    assert rig.engine.sessions_snapshot()[0]["campaigns"] == [rig.campaign_id("Q")]
    assert rig.pop(session)["campaignId"] == rig.campaign_id("Q")


def test_pop_when_logged_in_to_no_campaign_is_not_sent_r16(rig: EngineRig) -> None:
    session = rig.agent("boss")
    rig.tick(60)
    assert "dataPopMessage" not in rig.types(session)
    assert rig.calls() == []


def test_request_break_when_logged_in_is_accepted_and_when_not_is_refused_r17(rig: EngineRig) -> None:
    session = rig.open("a")
    error = rig.refused(rig.engine.request_break, session, rig.now)
    assert (error.status, error.error_id) == (400, "error.request.dialer.notLoggedIn")
    rig.log_in(session)
    rig.messages(session)
    rig.engine.request_break(session, rig.now)
    # One message at once (requested), another when granted (official request-break page).
    assert [(short_type(m), m["breakStatus"]) for m in rig.messages(session)] == [
        ("breakStatusMessage", 1),
        ("breakStatusMessage", 2),
    ]


def test_break_request_when_call_undispositioned_is_not_granted_r18(rig: EngineRig) -> None:
    session = rig.agent("a")
    rig.pop(session)
    rig.engine.request_break(session, rig.now)
    assert [m["breakStatus"] for m in rig.messages(session)] == [1]
    rig.tick(60)
    assert "breakStatusMessage" not in rig.types(session)
    rig.disposition(session)
    statuses = [m["breakStatus"] for m in rig.messages(session) if short_type(m) == "breakStatusMessage"]
    assert statuses == [2]


def test_break_when_no_call_is_granted_at_once_and_stops_pops_r19(rig: EngineRig) -> None:
    session = rig.open("a")
    rig.log_in(session)
    rig.status(session)
    rig.messages(session)
    rig.engine.request_break(session, rig.now)
    assert [m["breakStatus"] for m in rig.messages(session)] == [1, 2]  # official request-break page
    rig.ready(session)
    rig.status(session)
    rig.tick(60)
    assert "dataPopMessage" not in rig.types(session)


def test_break_when_logged_off_and_back_is_over_r20(rig: EngineRig) -> None:
    session = rig.open("a")
    rig.log_in(session)
    rig.engine.request_break(session, rig.now)
    rig.log_off(session)
    rig.log_in(session)
    rig.ready(session)
    rig.status(session)
    assert rig.pop(session)["campaignId"] == rig.campaign_id("P")
    assert rig.engine.sessions_snapshot()[0]["breakStatus"] == 0


def test_end_break_when_break_pending_answers_not_on_break_at_once_r21(rig: EngineRig) -> None:
    session = rig.agent("a")
    rig.pop(session)
    rig.engine.request_break(session, rig.now)
    rig.messages(session)
    rig.engine.end_break(session, rig.now)
    assert [m["breakStatus"] for m in rig.messages(session)] == [0]
    rig.disposition(session)
    assert "breakStatusMessage" not in rig.types(session)


def test_status_when_non_acd_puts_on_break_and_available_takes_off_r22(rig: EngineRig) -> None:
    session = rig.agent("a")
    rig.status(session, "Do Not Disturb")
    assert [m["breakStatus"] for m in rig.messages(session) if "breakStatus" in m] == [2]
    rig.status(session, "Available")
    assert [m["breakStatus"] for m in rig.messages(session) if "breakStatus" in m] == [0]


def test_status_when_non_acd_during_call_is_pending_until_disposition_r22(rig: EngineRig) -> None:
    session = rig.agent("a")
    rig.pop(session)
    rig.status(session, "At Lunch")
    assert [m["breakStatus"] for m in rig.messages(session) if "breakStatus" in m] == [1]
    rig.disposition(session)
    assert [m["breakStatus"] for m in rig.messages(session) if "breakStatus" in m] == [2]


def test_disposition_when_done_twice_is_counted_once_r23(rig: EngineRig) -> None:
    session = rig.agent("a")
    rig.pop(session)
    rig.disposition(session, "Sale")
    error = rig.refused(rig.disposition, session, "Sale")
    assert (error.status, error.error_id) == (404, "error.request.dialer.noCurrentCall")
    assert [c["dispositionCount"] for c in rig.calls()] == [1]


def test_disposition_when_label_not_offered_is_refused_400_and_call_kept_r24(rig: EngineRig) -> None:
    session = rig.agent("a")
    rig.pop(session)
    error = rig.refused(rig.disposition, session, "Not A Label")
    assert (error.status, error.error_id) == (400, "error.request.dialer.invalidDispositionLabel")
    assert error.property_name == "label"
    assert rig.calls()[0]["state"] == "connected"


def test_reschedule_when_scheduled_time_given_pops_callback_then_r25(rig: EngineRig) -> None:
    session = rig.agent("a")
    call = rig.pop(session)
    due = int(rig.now) + 120
    rig.disposition(session, "Callback", scheduled_time=due)
    rig.status(session)
    while rig.pop(session)["attributes"]["IS_ATTR_ContactId"] != call["attributes"]["IS_ATTR_ContactId"]:
        rig.disposition(session, "Sale")
        rig.status(session)
    callback = rig.calls()[-1]
    assert callback["callbackOf"] == rig.calls()[0]["callId"]
    assert callback["poppedAt"] >= due
    assert rig.calls()[0]["scheduledTime"] == due


def test_reschedule_when_scheduled_agent_given_goes_to_that_agent_r26() -> None:
    rig = EngineRig(scenario(campaign("P", contacts={"count": 1, "recycle": False})))
    first = rig.agent("a")
    rig.pop(first)
    rig.disposition(first, "Callback", scheduled_time=int(rig.now), scheduled_agent="b")
    rig.status(first)
    second = rig.agent("b")
    call = rig.pop(second)
    assert call["dialingMode"] == 3
    assert rig.calls()[-1]["agent"] == "b"
    rig.tick(30)
    assert "dataPopMessage" not in rig.types(first)


def test_next_call_when_dispositioned_waits_for_available_r27(rig: EngineRig) -> None:
    session = rig.agent("a")
    rig.engine.watch_user_statuses(session, ["a"], rig.now)
    rig.pop(session)
    rig.disposition(session)
    statuses = [m["userStatusList"][0]["statusId"] for m in rig.messages(session) if "userStatusList" in m]
    assert statuses[-1] == "Follow Up"
    rig.tick(60)
    assert "dataPopMessage" not in rig.types(session)
    rig.status(session, "Available")
    assert rig.pop(session)["campaignId"] == rig.campaign_id("P")


def test_log_off_when_one_campaign_named_leaves_only_that_one_r28() -> None:
    rig = EngineRig(scenario(campaign("P"), campaign("Q")))
    session = rig.open("a")
    rig.log_in(session)
    rig.messages(session)
    rig.log_off(session, rig.campaign_id("P"))
    granted = rig.wait_for(session, "logoutGrantedMessage")
    assert granted["campaigns"] == [{"id": rig.campaign_id("P"), "name": "P"}]
    assert rig.engine.sessions_snapshot()[0]["campaigns"] == [rig.campaign_id("Q")]


def test_log_off_when_empty_list_names_every_campaign_and_empty_id_r29() -> None:
    rig = EngineRig(scenario(campaign("P"), campaign("Q")))
    session = rig.open("a")
    rig.log_in(session)
    rig.messages(session)
    rig.log_off(session)
    granted = rig.wait_for(session, "logoutGrantedMessage")
    ids = [c["id"] for c in granted["campaigns"]]
    assert ids == [rig.campaign_id("P"), rig.campaign_id("Q"), ""]
    assert rig.engine.sessions_snapshot()[0]["dialerLoggedIn"] is False


def test_log_off_when_every_campaign_named_stays_in_dialer_r30() -> None:
    rig = EngineRig(scenario(campaign("P"), campaign("Q")))
    session = rig.open("boss")
    rig.log_in(session)
    for name in ("P", "Q"):
        rig.log_in(session, rig.campaign_id(name))
    rig.messages(session)
    rig.log_off(session, rig.campaign_id("P"), rig.campaign_id("Q"))
    granted = rig.wait_for(session, "logoutGrantedMessage")
    assert "" not in [c["id"] for c in granted["campaigns"]]
    snapshot = rig.engine.sessions_snapshot()[0]
    assert (snapshot["dialerLoggedIn"], snapshot["campaigns"]) == (True, [])
    rig.log_in(session, rig.campaign_id("P"))
    assert rig.engine.sessions_snapshot()[0]["campaigns"] == [rig.campaign_id("P")]


def test_log_off_when_on_call_of_that_campaign_waits_for_disposition_r31() -> None:
    rig = EngineRig(scenario(campaign("P"), campaign("Q", contacts={"count": 1, "recycle": False})))
    session = rig.agent("boss")
    for name in ("P", "Q"):
        rig.log_in(session, rig.campaign_id(name))
    rig.ready(session)  # again after joining campaigns (official ready-for-calls page)
    call = rig.pop(session)
    held, other = (
        call["campaignId"],
        ({rig.campaign_id("P"), rig.campaign_id("Q")} - {call["campaignId"]}).pop(),
    )
    rig.log_off(session, held, other)
    granted = rig.wait_for(session, "logoutGrantedMessage")
    assert [c["id"] for c in granted["campaigns"]] == [other]
    rig.tick(30)
    assert "logoutGrantedMessage" not in rig.types(session)
    rig.disposition(session)
    granted = rig.wait_for(session, "logoutGrantedMessage")
    assert [c["id"] for c in granted["campaigns"]] == [held]


def test_log_off_all_when_on_call_waits_for_disposition_r31(rig: EngineRig) -> None:
    session = rig.agent("a")
    rig.pop(session)
    rig.log_off(session)
    rig.tick(30)
    assert "logoutGrantedMessage" not in rig.types(session)
    rig.disposition(session)
    assert rig.wait_for(session, "logoutGrantedMessage")["campaigns"][-1] == {"id": ""}


def test_log_off_when_requested_before_disposition_gets_no_further_call_r32() -> None:
    behaviour = {"after_disposition_status": None, "require_available_after_disposition": False}
    rig = EngineRig(scenario(campaign("P"), behaviour=behaviour))
    session = rig.agent("a")
    rig.pop(session)
    rig.log_off(session)
    rig.tick(30)
    rig.disposition(session)
    rig.tick(30)
    assert "dataPopMessage" not in rig.types(session)
    assert len(rig.calls()) == 1


def test_blended_agent_when_subscribed_to_statuses_gets_calls_as_usual_r33(rig: EngineRig) -> None:
    session = rig.open("a")
    rig.engine.watch_user_statuses(session, ["a", "b"], rig.now)
    rig.log_in(session)
    rig.ready(session)
    rig.status(session)
    assert rig.pop(session)["campaignId"] == rig.campaign_id("P")


def test_ready_when_campaign_not_joined_is_refused_403(rig: EngineRig) -> None:
    session = rig.open("boss")
    rig.log_in(session)
    request = ReadyForCallsRequest(campaign_ids=[rig.campaign_id("P")])
    error = rig.refused(rig.engine.ready_for_calls, session, request, rig.now)
    assert (error.status, error.error_id) == (403, "error.request.dialer.notLoggedInToCampaign")


def test_campaign_log_in_when_unknown_or_not_eligible_is_refused_with_logon_error() -> None:
    rig = EngineRig(
        scenario(
            campaign("P"),
            campaign("Q"),
            users=[
                {
                    "names": ["boss"],
                    "password": "botagent",
                    "has_logon_campaign_right": True,
                    "campaigns": ["P"],
                }
            ],
        )
    )
    session = rig.open("boss")
    unknown = rig.refused(rig.engine.dialer_log_in, session, LogInRequest(campaign_id="nope"), rig.now)
    assert (unknown.status, unknown.logon_error) == (403, 2)
    assert unknown.body()["__type"] == "urn:inin.com:dialer:campaignLogonError"
    wrong = rig.refused(
        rig.engine.dialer_log_in, session, LogInRequest(campaign_id=rig.campaign_id("Q")), rig.now
    )
    assert wrong.logon_error == 1


def test_dialer_log_in_when_user_logged_in_elsewhere_is_refused_403(rig: EngineRig) -> None:
    """Elsewhere: a session of another application name (one name's sessions are grouped, official
    Dialer overview page)."""
    first, second = rig.open("a", "one app"), rig.open("a", "another app")
    rig.log_in(first)
    error = rig.refused(rig.log_in, second)
    assert (error.status, error.error_id) == (403, "error.request.dialer.alreadyLoggedInElsewhere")
