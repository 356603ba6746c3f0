"""Dialer over real HTTP: the basic flow end to end, and every way a request can be refused."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from mock_rig import ICWS_JSON, IcwsClient, campaign, scenario

from botagent.mock.server import MockServer


@pytest.fixture
def agent(fresh_mock: MockServer) -> IcwsClient:
    with IcwsClient(fresh_mock.base_url) as icws:
        yield icws


def _state(mock: MockServer) -> tuple[Any, Any]:
    ledger = httpx.get(f"{mock.base_url}/mock/ledger").json()
    return ledger, httpx.get(f"{mock.base_url}/mock/sessions").json()


def _refused(mock: MockServer, response: httpx.Response, status: int, error_id: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == ICWS_JSON
    body: dict[str, Any] = response.json()
    assert body["errorId"] == error_id and body["message"]
    return body


def test_basic_flow_when_run_end_to_end_dispositions_every_call_once(
    fresh_mock: MockServer, agent: IcwsClient
) -> None:
    assert agent.connect().status_code == 201
    for name, body in (("log-in", {}), ("ready-for-calls", {})):
        response = agent.dialer(name, body)
        assert (response.status_code, response.content) == (200, b"")
    assert agent.wait_for("breakStatusMessage")["breakStatus"] == 0
    assert agent.wait_for("availableCampaignsMessage")["agentHasLogonCampaignRight"] is False
    agent.set_status("Available")
    for _ in range(2):
        call = agent.wait_for("dataPopMessage")["call"]
        labels = [d["label"] for d in call["dispositions"]]
        if call["__type"].endswith("previewPop"):
            assert agent.dialer("place-preview-call").status_code == 200
        response = agent.dialer("disposition", {"label": labels[0]})
        assert (response.status_code, response.content) == (200, b"")
        agent.set_status("Available")
    # A global log-off omits campaignIds (official log-off page).
    assert agent.dialer("log-off", {}).status_code == 200
    granted = agent.wait_for("logoutGrantedMessage")
    assert granted["campaigns"][-1] == {"id": ""}
    assert agent.ok("DELETE", "/connection").status_code == 200
    ledger, sessions = _state(fresh_mock)
    popped = [c for c in ledger["calls"] if c["agent"] == agent.user]
    assert len(popped) >= 2 and all(c["dispositionCount"] == 1 for c in popped[:2])
    assert sessions == []


def test_connector_bodies_when_sent_as_plain_json_are_accepted(fresh_mock: MockServer) -> None:
    with IcwsClient(fresh_mock.base_url, user="campaignagent0001") as agent:
        agent.connect()
        campaign_id = fresh_mock.engine.scenario.campaigns[1].id
        headers = {"ININ-ICWS-CSRF-Token": agent.csrf, "Accept-Language": "en-us"}
        base = f"/icws/{agent.session_id}/dialer"
        for name, body in (
            ("log-in", {"campaignId": campaign_id}),
            ("ready-for-calls", {"campaignIds": [campaign_id]}),
        ):
            assert agent.http.post(f"{base}/{name}", json=body, headers=headers).status_code == 200
        agent.set_status("Available")
        agent.wait_for("dataPopMessage")
        body = {"label": "Sale", "placeAdditionalFollowUpCall": False, "isAbandon": False}
        assert agent.http.post(f"{base}/disposition", json=body, headers=headers).status_code == 200
        response = agent.http.post(f"{base}/log-off", json={"campaignIds": [campaign_id]}, headers=headers)
        assert response.status_code == 200
        assert agent.wait_for("logoutGrantedMessage")["campaigns"] == [
            {"id": campaign_id, "name": "Power Collections"}
        ]


def test_disposition_when_label_unknown_is_400_and_call_kept(
    fresh_mock: MockServer, agent: IcwsClient
) -> None:
    agent.start_agent()
    agent.wait_for("dataPopMessage")
    before = _state(fresh_mock)
    body = _refused(
        fresh_mock,
        agent.dialer("disposition", {"label": "Nope"}),
        400,
        "error.request.dialer.invalidDispositionLabel",
    )
    assert body["propertyName"] == "label"
    assert _state(fresh_mock) == before


def test_disposition_when_no_call_held_is_404(fresh_mock: MockServer, agent: IcwsClient) -> None:
    agent.connect()
    agent.dialer("log-in")
    before = _state(fresh_mock)
    _refused(
        fresh_mock, agent.dialer("disposition", {"label": "Sale"}), 404, "error.request.dialer.noCurrentCall"
    )
    assert _state(fresh_mock) == before


@pytest.mark.parametrize(
    ("name", "body", "error_id", "prop"),
    [
        ("disposition", {}, "error.request.missingProperty", "label"),
        ("disposition", {"label": 5}, "error.request.invalidProperty", "label"),
        (
            "disposition",
            {"label": "Sale", "scheduledTime": "soon"},
            "error.request.invalidProperty",
            "scheduledTime",
        ),
        ("log-off", {"campaignIds": "all"}, "error.request.invalidProperty", "campaignIds"),
        ("ready-for-calls", {"campaignIds": [1, 2]}, "error.request.invalidProperty", "campaignIds"),
        ("log-in", {"campaignId": ["x"]}, "error.request.invalidProperty", "campaignId"),
    ],
)
def test_dialer_body_when_wrong_is_400_naming_property(
    fresh_mock: MockServer, agent: IcwsClient, name: str, body: dict[str, Any], error_id: str, prop: str
) -> None:
    agent.start_agent()
    agent.wait_for("dataPopMessage")
    before = _state(fresh_mock)
    error = _refused(fresh_mock, agent.dialer(name, body), 400, error_id)
    assert error["propertyName"] == prop
    assert error["__type"] in (
        "urn:inin.com:common:missingPropertyError",
        "urn:inin.com:common:invalidPropertyError",
    )
    assert _state(fresh_mock) == before


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe", b"[" * 60_000])
def test_dialer_body_when_not_a_json_object_is_400(
    fresh_mock: MockServer, agent: IcwsClient, raw: bytes
) -> None:
    agent.connect()
    before = _state(fresh_mock)
    response = agent.http.post(
        f"/icws/{agent.session_id}/dialer/log-in",
        content=raw,
        headers={"ININ-ICWS-CSRF-Token": agent.csrf, "Content-Type": "application/json"},
    )
    _refused(fresh_mock, response, 400, "error.request.invalidRepresentation")
    assert _state(fresh_mock) == before


def test_dialer_body_when_not_json_media_type_is_415(fresh_mock: MockServer, agent: IcwsClient) -> None:
    agent.connect()
    response = agent.http.post(
        f"/icws/{agent.session_id}/dialer/log-in",
        content=b"campaignId=x",
        headers={"ININ-ICWS-CSRF-Token": agent.csrf, "Content-Type": "application/x-www-form-urlencoded"},
    )
    _refused(fresh_mock, response, 415, "error.request.unsupportedMediaType")


def test_dialer_request_when_not_simulated_like_staging_is_501_r34(
    fresh_mock: MockServer, agent: IcwsClient
) -> None:
    """A real server has update-stage (official update-stage page); the mock cannot carry it out."""
    agent.connect()
    body = _refused(
        fresh_mock, agent.dialer("update-stage", {"newStageId": 1}), 501, "error.request.dialer.notSimulated"
    )
    assert "update-stage" in body["message"]


def test_dialer_request_when_name_unknown_is_404(fresh_mock: MockServer, agent: IcwsClient) -> None:
    agent.connect()
    _refused(fresh_mock, agent.dialer("dance"), 404, "error.request.notFound")


@pytest.mark.parametrize("path", ["/nowhere", "/icws/1/nothing/here", "/icws/connection/nope"])
def test_route_when_unknown_is_404_with_error_body(fresh_mock: MockServer, path: str) -> None:
    _refused(fresh_mock, httpx.get(f"{fresh_mock.base_url}{path}"), 404, "error.request.notFound")


def test_route_when_method_wrong_is_405_with_error_body(fresh_mock: MockServer) -> None:
    response = httpx.get(f"{fresh_mock.base_url}/icws/connection")
    _refused(fresh_mock, response, 405, "error.request.methodNotAllowed")


def test_preview_call_when_placed_over_http_connects(fresh_mock: MockServer) -> None:
    fresh_mock.reset(scenario(campaign("V", "preview", dial_delay=0.01, ring_delay=0.02)))
    with IcwsClient(fresh_mock.base_url, user="a") as agent:
        agent.start_agent()
        call = agent.wait_for("dataPopMessage")["call"]
        assert (call["__type"], call["callPlaced"]) == ("urn:inin.com:dialer:previewPop", False)
        assert agent.dialer("place-preview-call", {"callInitiatedByTimer": False}).status_code == 200
        assert agent.wait_for("dataPopMessage")["call"]["callPlaced"] is True
        assert agent.dialer("disposition", {"label": "Sale"}).status_code == 200


def test_break_when_requested_over_http_is_granted(fresh_mock: MockServer, agent: IcwsClient) -> None:
    """202, then breakStatus 1 (requested) and 2 (granted): the official request-break page."""
    agent.connect()
    agent.dialer("log-in")
    agent.wait_for("breakStatusMessage")
    assert agent.dialer("request-break").status_code == 202
    assert agent.wait_for("breakStatusMessage")["breakStatus"] == 1
    assert agent.wait_for("breakStatusMessage")["breakStatus"] == 2
    assert agent.dialer("end-break").status_code == 200
    assert agent.wait_for("breakStatusMessage")["breakStatus"] == 0


def test_form_definition_when_requested_answers_200_body(fresh_mock: MockServer, agent: IcwsClient) -> None:
    agent.connect()
    agent.dialer("log-in")
    response = agent.dialer("request-form-definition", {})
    assert response.status_code == 200
    assert response.headers["content-type"] == ICWS_JSON
    assert response.json()["pages"][0]["dispositions"]


def test_dialer_log_in_when_user_has_another_dialer_session_is_403(fresh_mock: MockServer) -> None:
    """Another application's session: one application's sessions are grouped (official Dialer page)."""
    url = fresh_mock.base_url
    with IcwsClient(url) as first, IcwsClient(url, application="another app") as second:
        first.connect()
        second.connect()
        assert first.dialer("log-in").status_code == 200
        _refused(fresh_mock, second.dialer("log-in"), 403, "error.request.dialer.alreadyLoggedInElsewhere")


def test_mock_reset_when_scenario_invalid_is_400_naming_key(fresh_mock: MockServer) -> None:
    response = httpx.post(
        f"{fresh_mock.base_url}/mock/reset", json={"campaigns": [{"name": "x", "mode": "turbo"}]}
    )
    assert response.status_code == 400
    assert "campaigns.0.mode" in response.json()["message"]


def test_mock_reset_when_scenario_given_serves_it(fresh_mock: MockServer) -> None:
    body = {"campaigns": [{"name": "Only", "mode": "power"}], "users": [{"names": ["solo"]}]}
    assert httpx.post(f"{fresh_mock.base_url}/mock/reset", json=body).status_code == 200
    with IcwsClient(fresh_mock.base_url, user="solo") as agent:
        assert agent.connect().status_code == 201


def test_mock_control_routes_when_asked_answer_json(fresh_mock: MockServer) -> None:
    for path in ("/mock/health", "/mock/ledger", "/mock/sessions", "/mock/stats", "/mock/scenario"):
        response = httpx.get(f"{fresh_mock.base_url}{path}")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
    assert httpx.get(f"{fresh_mock.base_url}/mock/health").json()["status"] == "ok"


def test_mock_stats_when_requests_made_counts_them_by_stable_name(
    fresh_mock: MockServer, agent: IcwsClient
) -> None:
    agent.connect()
    agent.dialer("log-in")
    agent.dialer("disposition", {"label": "Sale"})
    stats = httpx.get(f"{fresh_mock.base_url}/mock/stats").json()
    assert stats["POST /dialer/log-in"]["count"] == 1
    assert stats["POST /dialer/disposition"]["errors"] == 1
    assert not any(agent.session_id in name for name in stats)
