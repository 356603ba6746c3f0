"""Conformance of the mock to a real CIC server, over real HTTP on loopback.

One test per finding where the mock used to disagree with the official ICWS developer help
(``shared/icws-official.md``, pages under help.genesys.com/developer/cic/docs/icws/webhelp/) or with
a seed rule the official pages leave standing. Each docstring names its source. The three rules the bot
still breaks are lenient by default (``ServerBehaviour`` knobs); their tests turn the knob off.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from mock_rig import ICWS_JSON, IcwsClient, campaign, scenario, short_type

from botagent.mock import Scenario
from botagent.mock.server import MockServer

FAST: dict[str, Any] = {"dial_delay": 0.01, "ring_delay": 0.01}


def _power(**behaviour: Any) -> Scenario:
    return scenario(campaign("P", **FAST), behaviour=behaviour)


def _preview(behaviour: dict[str, Any] | None = None, **extra: Any) -> Scenario:
    return scenario(
        campaign("V", "preview", preview_timeout=None, **FAST, **extra), behaviour=behaviour or {}
    )


@pytest.fixture
def agent_a(fresh_mock: MockServer) -> Iterator[IcwsClient]:
    fresh_mock.reset(_power())
    with IcwsClient(fresh_mock.base_url, user="a") as icws:
        yield icws


def _error(response: httpx.Response, status: int, error_id: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == ICWS_JSON
    body: dict[str, Any] = response.json()
    assert body["errorId"] == error_id and body["message"]
    return body


def _calls(mock: MockServer) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = httpx.get(f"{mock.base_url}/mock/ledger").json()["calls"]
    return calls


def _break_statuses(client: IcwsClient, count: int) -> list[int]:
    return [client.wait_for("breakStatusMessage", timeout=2.0)["breakStatus"] for _ in range(count)]


def _quiet(client: IcwsClient, kind: str, seconds: float = 0.3) -> bool:
    """True when no message of this kind arrives within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        client.poll()
        if any(short_type(m) == kind for m in client.buffer):
            return False
        time.sleep(0.02)
    return True


def _campaign_id(mock: MockServer, name: str) -> str:
    return next(c.id for c in mock.engine.scenario.campaigns if c.name == name)


def _set_campaign(mock: MockServer, name: str, status: str) -> httpx.Response:
    return httpx.post(f"{mock.base_url}/mock/campaigns/{name}", json={"status": status})


# --- breaks -----------------------------------------------------------------------------------------


def test_break_when_non_acd_then_follow_up_then_available_ends_and_calls_pop_again(
    agent_a: IcwsClient,
) -> None:
    """R22: Dialer takes the agent off break when it returns to an ACD-available status, even when an
    ACD status that is not available ("Follow Up") came in between."""
    agent_a.connect()
    agent_a.ok("POST", "/dialer/log-in", {})
    agent_a.ok("POST", "/dialer/ready-for-calls", {})
    assert _break_statuses(agent_a, 1) == [0]
    agent_a.set_status("At Lunch")
    assert _break_statuses(agent_a, 1) == [2]
    agent_a.set_status("Follow Up")
    agent_a.set_status("Available")
    assert _break_statuses(agent_a, 1) == [0]
    assert agent_a.wait_for("dataPopMessage", timeout=2.0)["call"]["campaignId"]


def test_break_when_non_acd_during_call_then_disposition_then_available_ends_and_calls_pop_again(
    agent_a: IcwsClient,
) -> None:
    """R22 and the official disposition page (the disposition sets the campaign's follow-up status): a
    break taken by "At Lunch" during a call is granted at the disposition and ends on Available."""
    agent_a.start_agent()
    first = agent_a.wait_for("dataPopMessage", timeout=2.0)["call"]
    agent_a.set_status("At Lunch")
    assert _break_statuses(agent_a, 1) == [1]
    agent_a.ok("POST", "/dialer/disposition", {"label": "Sale"})
    assert _break_statuses(agent_a, 1) == [2]
    agent_a.set_status("Available")
    assert _break_statuses(agent_a, 1) == [0]
    second = agent_a.wait_for("dataPopMessage", timeout=2.0)["call"]
    assert second["interactionId"] != first["interactionId"]


def test_break_request_when_no_call_held_sends_requested_then_granted_messages(agent_a: IcwsClient) -> None:
    """Official request-break page: "A breakStatusMessage is immediately sent to indicate a break has
    been requested and a separate breakStatusMessage is sent when the break is granted."""
    agent_a.connect()
    agent_a.ok("POST", "/dialer/log-in", {})
    assert _break_statuses(agent_a, 1) == [0]
    agent_a.ok("POST", "/dialer/request-break")
    assert _break_statuses(agent_a, 2) == [1, 2]


def test_end_break_when_not_on_break_is_granted(agent_a: IcwsClient) -> None:
    """R21 (the official end-break page is not readable): end-break is always granted immediately."""
    agent_a.connect()
    agent_a.ok("POST", "/dialer/log-in", {})
    response = agent_a.dialer("end-break")
    assert response.status_code == 200, response.text


# --- status codes -------------------------------------------------------------------------------------


def test_dialer_calls_when_accepted_for_later_answer_202(agent_a: IcwsClient) -> None:
    """Official request-break, establish-persistent-connection and update-call-data pages: each
    answers 202 Accepted."""
    agent_a.start_agent()
    call = agent_a.wait_for("dataPopMessage", timeout=2.0)["call"]
    data = {"callId": call["attributes"]["IS_ATTR_CallId"], "campaignId": call["campaignId"]}
    update = agent_a.dialer("update-call-data", {**data, "callAttributes": {"note": "x"}})
    assert (update.status_code, update.content) == (202, b"")
    assert agent_a.dialer("establish-persistent-connection").status_code == 202
    assert agent_a.dialer("request-break").status_code == 202


# --- requests a real server refuses, or accepts ------------------------------------------------------


def test_log_off_when_campaign_ids_empty_is_refused_400(fresh_mock: MockServer, agent_a: IcwsClient) -> None:
    """Official log-off page: ``campaignIds`` is ``List [1,*]``, and "If no campaign is specified, then
    the agent is completely logged out of Dialer": a global log-off omits the property."""
    fresh_mock.reset(_power(accept_empty_log_off_campaign_ids=False))
    agent_a.connect()
    agent_a.ok("POST", "/dialer/log-in", {})
    body = _error(agent_a.dialer("log-off", {"campaignIds": []}), 400, "error.request.invalidProperty")
    assert body["propertyName"] == "campaignIds"
    agent_a.ok("POST", "/dialer/log-off", {})
    assert agent_a.wait_for("logoutGrantedMessage")["campaigns"][-1] == {"id": ""}


def test_campaign_log_in_when_agent_lacks_logon_campaign_right_is_refused_403(agent_a: IcwsClient) -> None:
    """Official log-in page: without the "Logon Campaign" right "logging into individual campaigns is
    not supported"; mark-call-for-finishing's 403: "...trying to log in to a specific campaign without
    the "Logon Campaign" security right"."""
    agent_a.connect()
    agent_a.ok("POST", "/dialer/log-in", {})
    campaign_id = agent_a.wait_for("availableCampaignsMessage")["campaignsAdded"][0]["id"]
    response = agent_a.dialer("log-in", {"campaignId": campaign_id})
    _error(response, 403, "error.request.dialer.logonCampaignRightRequired")


def test_disposition_when_preview_unplaced_and_not_skippable_is_refused_403(fresh_mock: MockServer) -> None:
    """R6 and the official disposition page: a preview pop must be placed; only one whose allowSkip is
    true may be finished unplaced, with "Skipped - Agent Skip"."""
    fresh_mock.reset(_preview({"disposition_unplaced_preview": False}, allow_skip=False))
    with IcwsClient(fresh_mock.base_url, user="a") as agent:
        agent.start_agent()
        call = agent.wait_for("dataPopMessage", timeout=2.0)["call"]
        assert (call["allowSkip"], call["callPlaced"]) == (False, False)
        response = agent.dialer("disposition", {"label": "Sale"})
        _error(response, 403, "error.request.dialer.previewNotPlaced")
        skip = agent.dialer("disposition", {"label": "Skipped - Agent Skip"})
        _error(skip, 400, "error.request.dialer.invalidDispositionLabel")
        assert _calls(fresh_mock)[0]["dispositionCount"] == 0


def test_skip_when_preview_allows_skip_is_accepted(fresh_mock: MockServer) -> None:
    """Official disposition page: "For a previewPop with an allowSkip value of true, pass in a label of
    "Skipped - Agent Skip" to skip the call."""
    fresh_mock.reset(_preview(allow_skip=True))
    with IcwsClient(fresh_mock.base_url, user="a") as agent:
        agent.start_agent()
        assert agent.wait_for("dataPopMessage", timeout=2.0)["call"]["allowSkip"] is True
        response = agent.dialer("disposition", {"label": "Skipped - Agent Skip"})
        assert response.status_code == 200, response.text
        record = _calls(fresh_mock)[0]
        assert (record["label"], record["dispositionCount"], record["placedAt"]) == (
            "Skipped - Agent Skip",
            1,
            None,
        )


def test_reschedule_when_label_not_in_scheduled_category_is_refused_400(
    fresh_mock: MockServer, agent_a: IcwsClient
) -> None:
    """Official disposition page, ``scheduledTime``: "The corresponding wrap-up category for the
    disposition must be \"Scheduled\"."""
    fresh_mock.reset(_power(reschedule_any_label=False))
    agent_a.start_agent()
    agent_a.wait_for("dataPopMessage", timeout=2.0)
    when = int(time.time()) + 3600
    body = _error(
        agent_a.dialer("disposition", {"label": "Sale", "scheduledTime": when}),
        400,
        "error.request.dialer.notAScheduledDisposition",
    )
    assert body["propertyName"] == "scheduledTime"
    assert agent_a.dialer("disposition", {"label": "Callback", "scheduledTime": when}).status_code == 200


def test_reschedule_when_scheduled_agent_given_without_time_is_refused_400(agent_a: IcwsClient) -> None:
    """Official disposition page, ``scheduledAgent``: "When this value is provided, the scheduledTime
    must also be provided."."""
    agent_a.start_agent()
    agent_a.wait_for("dataPopMessage", timeout=2.0)
    body = _error(
        agent_a.dialer("disposition", {"label": "Callback", "scheduledAgent": "a"}),
        400,
        "error.request.missingProperty",
    )
    assert body["propertyName"] == "scheduledTime"


def test_agent_owned_reschedule_when_campaign_disallows_agent_callbacks_is_refused_400(
    fresh_mock: MockServer,
) -> None:
    """Official disposition page: "The allowAgentCallbacks value in the dataPop/previewPop indicates
    whether setting an agent-owned callback is allowed for this call." (Already refused before the
    strict mock; kept so it stays so.)"""
    fresh_mock.reset(scenario(campaign("P", allow_agent_callbacks=False, **FAST)))
    with IcwsClient(fresh_mock.base_url, user="a") as agent:
        agent.start_agent()
        assert agent.wait_for("dataPopMessage", timeout=2.0)["call"]["allowAgentCallbacks"] is False
        body = {"label": "Callback", "scheduledTime": int(time.time()) + 60, "scheduledAgent": "a"}
        refused = _error(
            agent.dialer("disposition", body), 400, "error.request.dialer.agentCallbacksNotAllowed"
        )
        assert refused["propertyName"] == "scheduledAgent"


def test_status_when_id_in_another_letter_case_is_accepted(agent_a: IcwsClient) -> None:
    """Official Status page: "Status message IDs ... are case-insensitive and should be handled
    appropriately."""
    agent_a.connect()
    response = agent_a.call("PUT", "/status/user-statuses/a", {"statusId": "aVAILABLE"})
    assert response.status_code == 202, response.text
    status = agent_a.ok("GET", "/status/user-statuses/a").json()
    assert status["statusId"] == "Available"


# --- sessions -------------------------------------------------------------------------------------------


def test_sessions_when_one_user_and_application_act_as_one_dialer_session(
    fresh_mock: MockServer, agent_a: IcwsClient
) -> None:
    """Official Dialer overview page: tabs with the same agent user name and application name are
    grouped "and they interact with Dialer as if they are one session. Dialer continues to interact
    with this session as long as the agent has at least one tab open."""
    with IcwsClient(fresh_mock.base_url, user="a") as tab:
        assert agent_a.connect().status_code == tab.connect().status_code == 201
        agent_a.ok("POST", "/dialer/log-in", {})
        assert tab.dialer("log-in", {}).status_code == 200
        tab.ok("POST", "/dialer/ready-for-calls", {})
        agent_a.set_status("Available")
        popped = tab.wait_for("dataPopMessage", timeout=2.0)["call"]
        assert agent_a.wait_for("dataPopMessage", timeout=2.0)["call"] == popped
        tab.ok("DELETE", "/connection")
        agent_a.ok("POST", "/dialer/disposition", {"label": "Sale"})
        agent_a.set_status("Available")
        following = agent_a.wait_for("dataPopMessage", timeout=2.0)["call"]
        assert following["interactionId"] != popped["interactionId"]


def test_sessions_when_grouping_is_off_conflict_as_before(fresh_mock: MockServer) -> None:
    """The ``group_sessions_by_application`` knob keeps the old behaviour: a second session of the user
    is another Dialer agent, refused by ``refuse_duplicate_dialer_login`` (403)."""
    fresh_mock.reset(_power(group_sessions_by_application=False))
    with (
        IcwsClient(fresh_mock.base_url, user="a") as first,
        IcwsClient(fresh_mock.base_url, user="a") as second,
    ):
        first.connect()
        second.connect()
        assert first.dialer("log-in", {}).status_code == 200
        _error(second.dialer("log-in", {}), 403, "error.request.dialer.alreadyLoggedInElsewhere")


# --- wire details ---------------------------------------------------------------------------------------


def test_async_operation_completed_message_when_operation_succeeds_carries_error_null(
    agent_a: IcwsClient,
) -> None:
    """Reference section 2 (public generated client): asyncOperationCompletedMessage is ``{requestId,
    error (Error or null)}``; a client reads ``error`` and must find it."""
    agent_a.connect()
    request_id = agent_a.set_status("Available").json()["requestId"]
    message = agent_a.wait_for("asyncOperationCompletedMessage")
    assert message["requestId"] == request_id
    assert "error" in message and message["error"] is None


def test_version_when_asked_sends_every_field_as_a_string(
    fresh_mock: MockServer, agent_a: IcwsClient
) -> None:
    """Official /icws/connection/version page: majorVersion, minorVersion, su, build, productId and
    codebaseId are String, Required ("15", "1", "0")."""
    required = ("majorVersion", "minorVersion", "su", "build", "productId", "codebaseId")
    version = httpx.get(f"{fresh_mock.base_url}/icws/connection/version").json()
    included = agent_a.connect(include="version").json()["version"]
    for body in (version, included):
        assert all(isinstance(body[key], str) for key in required), body
    assert version["majorVersion"] == "15"


def test_station_when_read_answers_station_information(agent_a: IcwsClient) -> None:
    """Reference 1.2: GET /icws/{sessionId}/connection/station answers 200 stationInformation (id,
    extension and stationSetting required), not the settings that were PUT."""
    agent_a.connect()
    agent_a.ok(
        "PUT",
        "/connection/station",
        {"__type": "urn:inin.com:connection:workstationSettings", "workstation": "7001"},
    )
    station = agent_a.ok("GET", "/connection/station").json()
    assert (station["id"], station["extension"], station["stationSetting"]) == ("7001", "7001", 1)
    assert "__type" not in station and "workstation" not in station


def test_form_definition_when_requested_has_every_required_misc_boolean(agent_a: IcwsClient) -> None:
    """Reference 4.2 (official request-form-definition page): ``misc`` has fourteen booleans, all
    required."""
    agent_a.connect()
    agent_a.ok("POST", "/dialer/log-in", {})
    misc = agent_a.ok("POST", "/dialer/request-form-definition", {}).json()["misc"]
    assert set(misc) == {
        "allowBreak", "allowSkip", "allowAgentOwned", "militaryTime", "pickupCall", "allowSchedulePhone",
        "autoDisconnect", "allowEditingOfNumberToDial", "allowAgentsAdditionalCalls",
        "allowEditingAdditionalCallNumbers", "overrideDncBlock", "overrideZoneBlock", "overrideSkillsBlock",
        "overrideDailyLimitBlock",
    }  # fmt: skip
    assert all(isinstance(value, bool) for value in misc.values())


def test_server_info_when_asked_lists_languages_and_accept_language(fresh_mock: MockServer) -> None:
    """Official /icws/connection/server-info page: the 200 body starts with ``languageID`` and
    ``languageDisplayName`` (String, Required) of each language; the client adds ``acceptLanguage``."""
    response = httpx.get(
        f"{fresh_mock.base_url}/icws/connection/server-info", headers={"Accept-Language": "en-us"}
    )
    body = response.json()
    assert body["languages"] == [{"languageID": "en", "languageDisplayName": "English"}]
    assert body["acceptLanguage"] == "en-us"
    assert "serverName" not in body


def test_unauthorized_when_csrf_token_missing_carries_www_authenticate(agent_a: IcwsClient) -> None:
    """Official pages (request-break, update-call-data, connection/station): a 401 carries the required
    ``WWW-Authenticate`` header, e.g. ``ICWS realm="ICWS" location="/ICWS/connection"``."""
    agent_a.connect()
    response = agent_a.call("POST", "/dialer/log-in", {}, headers={"ININ-ICWS-CSRF-Token": ""})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'ICWS realm="ICWS" location="/icws/connection"'


def test_feature_when_asked_by_id_answers_its_version(fresh_mock: MockServer) -> None:
    """Official versioning page: "GET /icws/connection/features/{featureId} can be used to get a single
    Version"; a feature that is not listed is not supported."""
    base = f"{fresh_mock.base_url}/icws/connection/features"
    assert httpx.get(f"{base}/dialer").json() == {"featureId": "dialer", "version": 4}
    _error(httpx.get(f"{base}/recordings"), 404, "error.request.connection.unknownFeature")


def test_switchover_status_when_asked_reports_a_stand_alone_server(agent_a: IcwsClient) -> None:
    """Official switchover-status page (connection 11): ``isSwitchoverActive`` and ``primaryHost``
    (the stand-alone host when not a switchover pair) are required."""
    agent_a.connect()
    body = agent_a.ok("GET", "/connection/switchover-status").json()
    assert body == {"isSwitchoverActive": False, "primaryHost": "botagent-mock"}


def test_features_when_listed_name_every_served_feature_with_dialer_at_least_2(
    fresh_mock: MockServer, agent_a: IcwsClient
) -> None:
    """Official versioning page: "If a Feature is not included, it can be assumed that the server does
    not support that Feature"; the Dialer calls are feature dialer 2..4, the others connection, status,
    messaging and queues."""
    listed = httpx.get(f"{fresh_mock.base_url}/icws/connection/features").json()["featureInfoList"]
    included = agent_a.connect(include="features").json()["features"]
    for features in (listed, included):
        versions = {f["featureId"]: f["version"] for f in features}
        assert {"connection", "dialer", "messaging", "queues", "status"} <= set(versions)
        assert versions["dialer"] >= 2 and versions["messaging"] >= 2 and versions["connection"] >= 11


def test_dialer_call_when_not_simulated_answers_501_not_simulated(agent_a: IcwsClient) -> None:
    """R34 and the README: a Dialer call a real server has (official allocate-agents page, dialer 7)
    but the mock does not carry out answers 501 ``notSimulated``; an unknown name stays 404."""
    agent_a.connect()
    body = _error(
        agent_a.dialer("allocate-agents", {"agentIds": ["a"]}), 501, "error.request.dialer.notSimulated"
    )
    assert "allocate-agents" in body["message"]
    _error(agent_a.dialer("no-such-call"), 404, "error.request.notFound")


# --- campaigns started and stopped while a run goes on ---------------------------------------------------


def test_campaign_when_stopped_refuses_log_in_and_pops_no_more_calls(fresh_mock: MockServer) -> None:
    """Official log-in page ("the campaign id ... must be present in the availableCampaigns message");
    reference 6-7: a campaign log-in that fails is a ``campaignLogonError`` (code 3 CampaignStopping),
    and agents learn of the change in availableCampaignsMessage with the campaign's ``status``."""
    fresh_mock.reset(_power())
    url = fresh_mock.base_url
    with IcwsClient(url, user="a") as agent, IcwsClient(url, user="boss") as boss:
        agent.start_agent()
        agent.wait_for("dataPopMessage", timeout=2.0)
        response = _set_campaign(fresh_mock, "P", "stopped")
        assert (response.status_code, response.json()["status"], response.json()["running"]) == (
            200,
            "off",
            False,
        )
        changed = agent.wait_for("availableCampaignsMessage")["campaignsChanged"]
        assert changed == [
            {
                "__type": "urn:inin.com:dialer:changedCampaign",
                "id": _campaign_id(fresh_mock, "P"),
                "name": "P",
                "status": [2],
            }
        ]
        agent.ok("POST", "/dialer/disposition", {"label": "Sale"})
        agent.set_status("Available")
        assert _quiet(agent, "dataPopMessage") and len(_calls(fresh_mock)) == 1
        boss.connect()
        boss.ok("POST", "/dialer/log-in", {})
        refused = _error(
            boss.dialer("log-in", {"campaignId": _campaign_id(fresh_mock, "P")}),
            403,
            "error.request.dialer.campaignLogonFailed",
        )
        assert (refused["__type"], refused["logonError"]) == ("urn:inin.com:dialer:campaignLogonError", 3)


def test_campaign_when_started_logs_agents_in_and_pops_after_ready_again(fresh_mock: MockServer) -> None:
    """Official log-in page: agents without the Logon Campaign right are logged in to every running
    campaign they are eligible for; official ready-for-calls page: "Any time an agent is manually or
    automatically logged in to an additional campaign, ready-for-calls must be called again.\""""
    fresh_mock.reset(scenario(campaign("P", status="off", **FAST)))
    with IcwsClient(fresh_mock.base_url, user="a") as agent:
        agent.start_agent()
        assert _set_campaign(fresh_mock, "P", "running").json()["status"] == "on"
        assert agent.wait_for("autoLoginMessage")["campaignId"] == _campaign_id(fresh_mock, "P")
        assert agent.wait_for("availableCampaignsMessage")["campaignsChanged"][0]["status"] == [1]
        assert _quiet(agent, "dataPopMessage")
        agent.ok("POST", "/dialer/ready-for-calls", {})
        assert agent.wait_for("dataPopMessage", timeout=2.0)["call"]["campaignId"] == _campaign_id(
            fresh_mock, "P"
        )
