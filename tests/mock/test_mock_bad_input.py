"""Bad input over real HTTP: oversized bodies, Dialer requests out of order, and one agent reaching for
another's session or call. Every refusal is a 4xx with an ICWS error body and changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from mock_rig import ICWS_JSON, IcwsClient, campaign, scenario

from botagent.mock.server import MockServer


def state(mock: MockServer) -> tuple[Any, Any]:
    ledger = httpx.get(f"{mock.base_url}/mock/ledger").json()
    return ledger, httpx.get(f"{mock.base_url}/mock/sessions").json()


def refused(mock: MockServer, send: Any, status: int, error_id: str) -> dict[str, Any]:
    before = state(mock)
    response: httpx.Response = send()
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == ICWS_JSON
    body: dict[str, Any] = response.json()
    assert body["errorId"] == error_id and body["message"]
    assert state(mock) == before
    return body


@pytest.fixture
def agent(fresh_mock: MockServer) -> Iterator[IcwsClient]:
    with IcwsClient(fresh_mock.base_url, user="agent0001") as icws:
        assert icws.connect().status_code == 201
        yield icws


def _chunks(total: int) -> Iterator[bytes]:
    yield b'{"label": "'
    for _ in range(total // 4096):
        yield b"x" * 4096
    yield b'"}'


def test_body_when_over_the_default_cap_is_413(fresh_mock: MockServer, agent: IcwsClient) -> None:
    big = {"campaignId": "x" * 70_000}
    body = refused(fresh_mock, lambda: agent.dialer("log-in", big), 413, "error.request.entityTooLarge")
    assert "65536" in body["message"]


def test_body_when_streamed_without_length_is_cut_off_at_the_cap(
    fresh_mock: MockServer, agent: IcwsClient
) -> None:
    def send() -> httpx.Response:
        return agent.call("POST", "/dialer/disposition", content=_chunks(1_000_000))

    refused(fresh_mock, send, 413, "error.request.entityTooLarge")
    assert agent.call("GET", "/connection").status_code == 200


def test_body_cap_when_set_by_the_scenario_applies_to_every_route(fresh_mock: MockServer) -> None:
    fresh_mock.reset(scenario(campaign("P"), max_body_bytes=2048))
    with IcwsClient(fresh_mock.base_url, user="a") as a:
        a.connect()
        padded = {"statusId": "Available", "notes": "n" * 3000}
        refused(
            fresh_mock,
            lambda: a.call("PUT", "/status/user-statuses/a", padded),
            413,
            "error.request.entityTooLarge",
        )
        assert a.set_status("Available").status_code == 202


def test_body_cap_when_on_control_routes_is_larger(fresh_mock: MockServer) -> None:
    spec = {"kind": "error", "users": [f"user{n:06d}" for n in range(10_000)]}
    assert httpx.post(f"{fresh_mock.base_url}/mock/faults", json=spec).status_code == 201


@pytest.mark.parametrize(
    ("steps", "name", "status", "error_id"),
    [
        ([], "ready-for-calls", 403, "error.request.dialer.notLoggedIn"),
        ([], "request-break", 400, "error.request.dialer.notLoggedIn"),
        ([], "disposition", 403, "error.request.dialer.notLoggedIn"),
        (["log-in"], "disposition", 404, "error.request.dialer.noCurrentCall"),
        (["log-in"], "place-preview-call", 404, "error.request.dialer.noCurrentCall"),
    ],
)
def test_dialer_request_when_out_of_order_is_refused_and_changes_nothing(
    fresh_mock: MockServer, agent: IcwsClient, steps: list[str], name: str, status: int, error_id: str
) -> None:
    """An end-break without a break is not among them: it is always granted (R21)."""
    for step in steps:
        assert agent.dialer(step).status_code == 200
    refused(
        fresh_mock,
        lambda: agent.dialer(name, {"label": "Sale"} if name == "disposition" else {}),
        status,
        error_id,
    )


def test_connection_when_password_has_the_wrong_type_does_not_echo_it(fresh_mock: MockServer) -> None:
    body = {"applicationName": "x", "userID": "agent0001", "password": 987654321}
    response = httpx.post(
        f"{fresh_mock.base_url}/icws/connection", json=body, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400
    assert response.json()["propertyName"] == "password" and "987654321" not in response.text


@pytest.fixture
def two_agents(fresh_mock: MockServer) -> Iterator[tuple[IcwsClient, IcwsClient, dict[str, Any]]]:
    fresh_mock.reset(scenario(campaign("P", dial_delay=0.01, ring_delay=0.01)))
    with IcwsClient(fresh_mock.base_url, user="a") as a, IcwsClient(fresh_mock.base_url, user="b") as b:
        a.start_agent()
        call: dict[str, Any] = a.wait_for("dataPopMessage")["call"]
        assert b.connect().status_code == 201
        b.dialer("log-in")
        yield a, b, call


def test_session_when_used_with_another_agents_token_or_cookie_is_401(
    fresh_mock: MockServer, two_agents: tuple[IcwsClient, IcwsClient, dict[str, Any]]
) -> None:
    a, b, _ = two_agents
    url = f"/icws/{a.session_id}/dialer/disposition"
    b_cookie = b.http.cookies[f"icws_{b.session_id}"]
    a_cookie = a.http.cookies[f"icws_{a.session_id}"]
    with_b_token = {"ININ-ICWS-CSRF-Token": b.csrf, "Cookie": f"icws_{a.session_id}={a_cookie}"}
    with_b_cookie = {"ININ-ICWS-CSRF-Token": a.csrf, "Cookie": f"icws_{a.session_id}={b_cookie}"}
    for headers, error_id in ((with_b_token, "invalidCsrfToken"), (with_b_cookie, "invalidSessionCookie")):
        with httpx.Client(base_url=fresh_mock.base_url) as stranger:

            def send(headers: dict[str, str] = headers, client: httpx.Client = stranger) -> httpx.Response:
                return client.post(url, json={"label": "Sale"}, headers=headers)

            refused(fresh_mock, send, 401, f"error.request.connection.{error_id}")


def test_call_when_another_agent_dispositions_or_updates_it_is_refused(
    fresh_mock: MockServer, two_agents: tuple[IcwsClient, IcwsClient, dict[str, Any]]
) -> None:
    a, b, call = two_agents
    refused(
        fresh_mock,
        lambda: b.dialer("disposition", {"label": "Sale"}),
        404,
        "error.request.dialer.noCurrentCall",
    )
    update = {
        "callId": call["attributes"]["IS_ATTR_CallId"],
        "campaignId": call["campaignId"],
        "callAttributes": {},
    }
    refused(fresh_mock, lambda: b.dialer("update-call-data", update), 400, "error.request.dialer.unknownCall")
    assert a.dialer("disposition", {"label": "Sale"}).status_code == 200


def test_connection_body_when_over_the_cap_and_read_early_for_faults_is_still_413(
    fresh_mock: MockServer,
) -> None:
    httpx.post(f"{fresh_mock.base_url}/mock/faults", json={"kind": "error", "users": ["nobody"]})

    def send() -> httpx.Response:
        headers = {"Accept-Language": "en", "Content-Type": "application/json"}
        return httpx.post(f"{fresh_mock.base_url}/icws/connection", content=_chunks(200_000), headers=headers)

    refused(fresh_mock, send, 413, "error.request.entityTooLarge")
