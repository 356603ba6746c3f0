"""Fault injection over real HTTP: every kind, the filters, the /mock/faults routes and /mock/restart."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from mock_rig import ICWS_JSON, FakeClock, IcwsClient, campaign, scenario

from botagent.mock.server import MockServer

SSE = {"Accept": "text/event-stream"}


@pytest.fixture
def agent(fresh_mock: MockServer) -> Iterator[IcwsClient]:
    with IcwsClient(fresh_mock.base_url, user="agent0001") as icws:
        yield icws


@pytest.fixture
def clocked_agent(clocked_mock: MockServer) -> Iterator[IcwsClient]:
    with IcwsClient(clocked_mock.base_url, user="agent0001") as icws:
        yield icws


def add_fault(mock: MockServer, **spec: Any) -> str:
    response = httpx.post(f"{mock.base_url}/mock/faults", json=spec)
    assert response.status_code == 201, response.text
    fault_id: str = response.json()["id"]
    return fault_id


def faults(mock: MockServer) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = httpx.get(f"{mock.base_url}/mock/faults").json()["faults"]
    return listed


def state(mock: MockServer) -> tuple[Any, Any]:
    ledger = httpx.get(f"{mock.base_url}/mock/ledger").json()
    return ledger, httpx.get(f"{mock.base_url}/mock/sessions").json()


def error_body(response: httpx.Response, status: int, error_id: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == ICWS_JSON
    body: dict[str, Any] = response.json()
    assert body["errorId"] == error_id and body["message"]
    return body


def hold_a_call(agent: IcwsClient) -> dict[str, Any]:
    agent.start_agent()
    call: dict[str, Any] = agent.wait_for("dataPopMessage")["call"]
    return call


def timed(clock: FakeClock, fn: Any) -> float:
    started = clock()
    fn()
    return clock() - started


# --- kinds ------------------------------------------------------------------------------------------


def test_latency_fault_when_endpoint_matches_delays_only_that_endpoint(
    clocked_mock: MockServer, clocked_agent: IcwsClient, waits_on_clock: FakeClock
) -> None:
    agent = clocked_agent
    agent.connect()
    add_fault(clocked_mock, kind="latency", seconds=0.5, endpoints=["GET /connection"])
    assert timed(waits_on_clock, lambda: agent.ok("GET", "/connection")) >= 0.5
    assert timed(waits_on_clock, lambda: agent.ok("POST", "/messaging/heartbeat")) < 0.45


def test_latency_fault_when_seconds_is_a_range_draws_within_it(
    clocked_mock: MockServer, clocked_agent: IcwsClient, waits_on_clock: FakeClock
) -> None:
    agent = clocked_agent
    agent.connect()
    add_fault(clocked_mock, kind="latency", seconds={"low": 0.15, "high": 0.2}, endpoints=["GET /connection"])
    assert 0.15 <= timed(waits_on_clock, lambda: agent.ok("GET", "/connection")) < 1.0


def test_error_fault_when_status_500_answers_icws_error_and_changes_nothing(
    fresh_mock: MockServer, agent: IcwsClient
) -> None:
    agent.connect()
    add_fault(fresh_mock, kind="error", status=500, endpoints=["POST /dialer/log-in"], count=1)
    before = state(fresh_mock)
    body = error_body(agent.dialer("log-in"), 500, "error.server.internal")
    assert "mock fault" in body["message"]
    assert state(fresh_mock) == before
    assert before[1][0]["dialerLoggedIn"] is False
    assert agent.dialer("log-in").status_code == 200


def test_error_fault_when_503_with_retry_after_sends_the_header_and_keeps_the_call(
    fresh_mock: MockServer, agent: IcwsClient
) -> None:
    call = hold_a_call(agent)
    label = call["dispositions"][0]["label"]
    fault_id = add_fault(fresh_mock, kind="error", retry_after=2.5, endpoints=["POST /dialer/disposition"])
    before = state(fresh_mock)
    response = agent.dialer("disposition", {"label": label})
    error_body(response, 503, "error.server.unavailable")
    assert response.headers["Retry-After"] == "2.5"
    assert state(fresh_mock) == before
    assert httpx.delete(f"{fresh_mock.base_url}/mock/faults/{fault_id}").status_code == 204
    assert agent.dialer("disposition", {"label": label}).status_code == 200


def test_error_fault_when_503_without_retry_after_sends_no_header(
    fresh_mock: MockServer, agent: IcwsClient
) -> None:
    add_fault(fresh_mock, kind="error", endpoints=["POST /connection"])
    response = agent.connect()
    error_body(response, 503, "error.server.unavailable")
    assert "retry-after" not in response.headers
    assert state(fresh_mock)[1] == []


def test_session_loss_fault_when_hit_orphans_the_held_call_and_forgets_the_session(
    fresh_mock: MockServer, agent: IcwsClient
) -> None:
    call = hold_a_call(agent)
    add_fault(fresh_mock, kind="session_loss", endpoints=["POST /messaging/heartbeat"], users=["agent0001"])
    error_body(agent.call("POST", "/messaging/heartbeat"), 401, "error.request.connection.invalidSession")
    error_body(agent.dialer("disposition", {"label": "Sale"}), 401, "error.request.connection.invalidSession")
    ledger, sessions = state(fresh_mock)
    entry = next(c for c in ledger["calls"] if c["interactionId"] == call["interactionId"])
    assert (entry["state"], entry["orphanReason"], entry["dispositionCount"]) == (
        "orphaned",
        "session lost",
        0,
    )
    assert sessions == []
    with IcwsClient(fresh_mock.base_url, user="agent0001") as again:
        assert again.connect().status_code == 201
        assert again.dialer("log-in").status_code == 200


def test_session_loss_fault_when_credentials_wrong_loses_nothing(
    fresh_mock: MockServer, agent: IcwsClient
) -> None:
    agent.connect()
    add_fault(fresh_mock, kind="session_loss")
    good_csrf, agent.csrf = agent.csrf, "forged"
    error_body(agent.call("GET", "/connection"), 401, "error.request.connection.invalidCsrfToken")
    assert len(state(fresh_mock)[1]) == 1
    assert faults(fresh_mock)[0]["fired"] == 0
    agent.csrf = good_csrf
    error_body(agent.call("GET", "/connection"), 401, "error.request.connection.invalidSession")


def test_drop_connection_fault_when_hit_raises_transport_error_and_changes_nothing(
    fresh_mock: MockServer, agent: IcwsClient
) -> None:
    agent.connect()
    add_fault(fresh_mock, kind="drop_connection", endpoints=["POST /dialer/log-in"], count=1)
    before = state(fresh_mock)
    with pytest.raises(httpx.TransportError):
        agent.dialer("log-in")
    assert state(fresh_mock) == before
    assert agent.dialer("log-in").status_code == 200
    timings = httpx.get(f"{fresh_mock.base_url}/mock/timings").json()["requests"]
    assert [t["status"] for t in timings if t["endpoint"] == "POST /dialer/log-in"] == [None, 200]


def _data_events(lines: Iterator[str]) -> list[dict[str, Any]]:
    return [json.loads(line.removeprefix("data: ")) for line in lines if line.startswith("data: ")]


def test_sse_cut_fault_when_hit_ends_the_stream_and_keeps_the_rest_queued(
    fresh_mock: MockServer, agent: IcwsClient
) -> None:
    agent.connect()
    agent.dialer("log-in")
    agent.set_status("Available")
    add_fault(fresh_mock, kind="sse_cut", after_events=2, count=1)
    with agent.http.stream("GET", f"/icws/{agent.session_id}/messaging/messages", headers=SSE) as stream:
        events = _data_events(stream.iter_lines())
    assert [e["__type"].rsplit(":", 1)[-1] for e in events] == [
        "breakStatusMessage",
        "availableCampaignsMessage",
    ]
    rest = [m["__type"].rsplit(":", 1)[-1] for m in agent.poll()]
    assert rest[0] == "asyncOperationCompletedMessage"
    assert faults(fresh_mock)[0]["fired"] == 1


def test_message_delay_fault_when_user_matches_shows_messages_late_in_order(
    clocked_mock: MockServer, clocked_agent: IcwsClient, mock_clock: FakeClock
) -> None:
    agent = clocked_agent
    add_fault(clocked_mock, kind="message_delay", seconds=0.4, users=["agent0001"])
    agent.connect()
    with IcwsClient(clocked_mock.base_url, user="agent0002") as other:
        other.connect()
        other.dialer("log-in")
        assert len(other.poll()) == 2
    agent.dialer("log-in")
    assert agent.poll() == []
    mock_clock.advance(0.5)
    kinds = [m["__type"].rsplit(":", 1)[-1] for m in agent.poll()]
    assert kinds == ["breakStatusMessage", "availableCampaignsMessage"]


def test_message_delay_fault_when_streaming_delivers_after_the_delay(
    fresh_mock: MockServer, agent: IcwsClient
) -> None:
    add_fault(fresh_mock, kind="message_delay", seconds=0.3)
    agent.connect()
    with agent.http.stream("GET", f"/icws/{agent.session_id}/messaging/messages", headers=SSE) as stream:
        lines = stream.iter_lines()
        assert next(lines) == ": connected"
        sent = time.perf_counter()
        agent.dialer("log-in")
        first = next(line for line in lines if line.startswith("data: "))
        waited = time.perf_counter() - sent
    assert "breakStatusMessage" in first
    assert waited >= 0.3


# --- filters ------------------------------------------------------------------------------------------


def test_fault_when_count_reached_stops_firing(fresh_mock: MockServer, agent: IcwsClient) -> None:
    agent.connect()
    add_fault(fresh_mock, kind="error", status=500, count=2, endpoints=["GET /connection"])
    codes = [agent.call("GET", "/connection").status_code for _ in range(3)]
    assert codes == [500, 500, 200]
    assert faults(fresh_mock)[0]["fired"] == 2


def test_fault_when_rate_zero_never_fires_and_half_fires_sometimes(
    fresh_mock: MockServer, agent: IcwsClient
) -> None:
    agent.connect()
    add_fault(fresh_mock, kind="error", rate=0.0, endpoints=["GET /connection"])
    assert all(agent.call("GET", "/connection").status_code == 200 for _ in range(10))
    add_fault(fresh_mock, kind="error", rate=0.5, endpoints=["GET /connection"])
    codes = [agent.call("GET", "/connection").status_code for _ in range(60)]
    assert 10 <= codes.count(503) <= 50
    assert [f["fired"] for f in faults(fresh_mock)] == [0, codes.count(503)]


def test_fault_when_users_named_spares_everybody_else(fresh_mock: MockServer, agent: IcwsClient) -> None:
    add_fault(fresh_mock, kind="error", users=["agent0001"])
    error_body(agent.connect(), 503, "error.server.unavailable")
    with IcwsClient(fresh_mock.base_url, user="agent0002") as other:
        assert other.connect().status_code == 201
        assert other.dialer("log-in").status_code == 200


def test_fault_when_after_set_waits_before_firing(
    clocked_mock: MockServer, clocked_agent: IcwsClient, mock_clock: FakeClock
) -> None:
    agent = clocked_agent
    agent.connect()
    add_fault(clocked_mock, kind="error", after=0.6, endpoints=["GET /connection"])
    assert agent.call("GET", "/connection").status_code == 200
    mock_clock.advance(0.65)
    assert agent.call("GET", "/connection").status_code == 503


def test_fault_when_on_event_stream_endpoint_spares_the_poll(
    fresh_mock: MockServer, agent: IcwsClient
) -> None:
    agent.connect()
    add_fault(fresh_mock, kind="error", endpoints=["GET /messaging/messages (sse)"])
    url = f"/icws/{agent.session_id}/messaging/messages"
    error_body(agent.http.get(url, headers=SSE), 503, "error.server.unavailable")
    assert agent.http.get(url).status_code == 200


def test_fault_when_in_force_never_touches_control_routes(fresh_mock: MockServer, agent: IcwsClient) -> None:
    add_fault(fresh_mock, kind="error", status=500)
    add_fault(fresh_mock, kind="drop_connection")
    for path in ("/mock/ledger", "/mock/sessions", "/mock/health", "/mock/stats", "/mock/faults"):
        assert httpx.get(f"{fresh_mock.base_url}{path}").status_code == 200
    error_body(agent.connect(), 500, "error.server.internal")


# --- routes ------------------------------------------------------------------------------------------------


def test_fault_routes_when_added_listed_and_deleted_keep_ids_and_answer_404_after(
    fresh_mock: MockServer,
) -> None:
    base = fresh_mock.base_url
    first = add_fault(fresh_mock, kind="sse_cut")
    second = add_fault(fresh_mock, kind="latency", seconds=0.1, users=["a"])
    listed = faults(fresh_mock)
    assert listed[0] == {
        "id": first, "kind": "sse_cut", "endpoints": None, "users": None, "rate": 1.0, "count": None,
        "after": 0.0, "after_events": 1, "fired": 0,
    }  # fmt: skip
    assert (listed[1]["id"], listed[1]["users"], listed[1]["seconds"]) == (second, ["a"], 0.1)
    assert httpx.delete(f"{base}/mock/faults/{first}").status_code == 204
    error_body(httpx.delete(f"{base}/mock/faults/{first}"), 404, "error.request.mock.unknownFault")
    assert [f["id"] for f in faults(fresh_mock)] == [second]
    assert httpx.delete(f"{base}/mock/faults").status_code == 204
    assert faults(fresh_mock) == []


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"kind": "error", "status": 404}, "fault: error.status: Input should be 500 or 503 (got 404)"),
        ({"kind": "error", "bogus": 1}, "fault: error.bogus: Extra inputs are not permitted"),
        ({"kind": "latency"}, "fault: latency.seconds: Field required"),
        (
            {"kind": "error", "status": 500, "retry_after": 1},
            "fault: error.retry_after: is sent only with status 503",
        ),
        ({"kind": "error", "rate": 2}, "fault: error.rate: Input should be less than or equal to 1"),
        ({"kind": "error", "endpoints": ["GET /nowhere"]}, "'GET /nowhere' is not an endpoint name"),
        ({"kind": "teleport"}, "fault: Input tag 'teleport' found using 'kind' does not match"),
    ],
)
def test_add_fault_when_spec_invalid_is_400_naming_the_field(
    fresh_mock: MockServer, spec: dict[str, Any], expected: str
) -> None:
    response = httpx.post(f"{fresh_mock.base_url}/mock/faults", json=spec)
    assert expected in error_body(response, 400, "error.request.invalidProperty")["message"]
    assert faults(fresh_mock) == []


def test_add_fault_when_body_not_an_object_is_400(fresh_mock: MockServer) -> None:
    error_body(
        httpx.post(f"{fresh_mock.base_url}/mock/faults", json=[1]), 400, "error.request.invalidRepresentation"
    )


def test_scenario_faults_when_loaded_are_listed_and_act(fresh_mock: MockServer) -> None:
    fresh_mock.reset(
        scenario(
            campaign("P"),
            faults=[{"kind": "error", "status": 500, "users": ["a"], "endpoints": ["POST /connection"]}],
        )
    )
    assert [(f["id"], f["kind"], f["users"]) for f in faults(fresh_mock)][0][1:] == ("error", ["a"])
    with IcwsClient(fresh_mock.base_url, user="a") as a, IcwsClient(fresh_mock.base_url, user="b") as b:
        error_body(a.connect(), 500, "error.server.internal")
        assert b.connect().status_code == 201


def test_reset_when_faults_were_added_brings_back_the_scenario_faults_only(fresh_mock: MockServer) -> None:
    add_fault(fresh_mock, kind="error")
    assert httpx.post(f"{fresh_mock.base_url}/mock/reset").status_code == 200
    assert faults(fresh_mock) == []


# --- restart ---------------------------------------------------------------------------------------------


def test_restart_when_agents_hold_calls_orphans_them_and_keeps_ledger_and_faults(
    fresh_mock: MockServer, agent: IcwsClient
) -> None:
    call = hold_a_call(agent)
    fault_id = add_fault(fresh_mock, kind="latency", seconds=0.01, endpoints=["GET /connection/version"])
    with IcwsClient(fresh_mock.base_url, user="agent0002") as idle:
        idle.connect()
        calls_before = len(state(fresh_mock)[0]["calls"])
        response = httpx.post(f"{fresh_mock.base_url}/mock/restart")
        assert response.json() == {"restarted": True, "sessionsVanished": 2}
        error_body(idle.call("GET", "/connection"), 401, "error.request.connection.invalidSession")
    ledger, sessions = state(fresh_mock)
    assert sessions == [] and len(ledger["calls"]) >= calls_before
    entry = next(c for c in ledger["calls"] if c["interactionId"] == call["interactionId"])
    assert (entry["state"], entry["orphanReason"]) == ("orphaned", "server restart")
    assert all(c["orphanReason"] is None for c in ledger["calls"] if c["state"] != "orphaned")
    assert [f["id"] for f in faults(fresh_mock)] == [fault_id]
    with IcwsClient(fresh_mock.base_url, user="agent0001") as again:
        again.start_agent()
        assert again.wait_for("dataPopMessage")["call"]["interactionId"] != call["interactionId"]


def test_restart_when_stream_open_ends_the_stream(fresh_mock: MockServer, agent: IcwsClient) -> None:
    agent.connect()
    with agent.http.stream("GET", f"/icws/{agent.session_id}/messaging/messages", headers=SSE) as stream:
        lines = stream.iter_lines()
        assert next(lines) == ": connected"
        assert httpx.post(f"{fresh_mock.base_url}/mock/restart").status_code == 200
        assert _data_events(lines) == []
