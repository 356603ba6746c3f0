"""GET/DELETE /mock/timings: the mock's own handling time per /icws request, by stable endpoint name."""

from __future__ import annotations

import socket
import time
from typing import Any

import httpx
from mock_rig import FakeClock, IcwsClient

from botagent.mock import ICWS_ENDPOINTS, DialerEngine
from botagent.mock._endpoints import UNMATCHED
from botagent.mock.server import TIMINGS_KEPT, MockRuntime, MockServer


def timings(mock: MockServer) -> list[dict[str, Any]]:
    response = httpx.get(f"{mock.base_url}/mock/timings")
    assert response.status_code == 200
    requests: list[dict[str, Any]] = response.json()["requests"]
    return requests


def wait_for_timing(mock: MockServer, endpoint: str, timeout: float = 5.0) -> dict[str, Any]:
    """The first timing of ``endpoint``, waiting for it to be recorded (a stream's, once it ended)."""
    deadline = time.monotonic() + timeout
    while True:
        found = [t for t in timings(mock) if t["endpoint"] == endpoint]
        if found:
            return found[0]
        if time.monotonic() > deadline:
            raise AssertionError(f"no timing of {endpoint} within {timeout}s")
        time.sleep(0.01)


def test_timings_when_requests_made_record_endpoint_start_time_and_status(fresh_mock: MockServer) -> None:
    started = time.time()
    with IcwsClient(fresh_mock.base_url) as agent:
        agent.connect()
        agent.dialer("log-in")
        agent.dialer("disposition", {"label": "Sale"})
        httpx.get(f"{fresh_mock.base_url}/icws/{agent.session_id}/nowhere")
        httpx.get(f"{fresh_mock.base_url}/mock/ledger")
        recorded = timings(fresh_mock)
        session_id = agent.session_id
    assert [(t["endpoint"], t["status"]) for t in recorded] == [
        ("POST /connection", 201),
        ("POST /licenses", 200),
        ("POST /dialer/log-in", 200),
        ("POST /dialer/disposition", 404),
        (UNMATCHED, 404),
    ]
    for entry in recorded:
        assert entry["endpoint"] in (*ICWS_ENDPOINTS, UNMATCHED) and session_id not in entry["endpoint"]
        assert started - 1 <= entry["startedAt"] <= time.time()
        assert 0.0 < entry["handlingMs"] < 5000.0


def test_timings_when_latency_injected_include_the_wait(
    clocked_mock: MockServer, waits_on_clock: FakeClock
) -> None:
    httpx.post(
        f"{clocked_mock.base_url}/mock/faults",
        json={"kind": "latency", "seconds": 0.2, "endpoints": ["GET /connection/version"]},
    )
    httpx.get(f"{clocked_mock.base_url}/icws/connection/version")
    (entry,) = timings(clocked_mock)
    assert (entry["endpoint"], entry["status"]) == ("GET /connection/version", 200)
    assert entry["handlingMs"] >= 200.0


def test_timings_when_event_stream_stays_open_measure_only_the_opening(
    clocked_mock: MockServer, waits_on_clock: FakeClock
) -> None:
    with IcwsClient(clocked_mock.base_url) as agent:
        agent.connect()
        url = f"/icws/{agent.session_id}/messaging/messages"
        with agent.http.stream("GET", url, headers={"Accept": "text/event-stream"}) as stream:
            next(stream.iter_lines())
            # On the server's loop, so after the stream noted that it was open.
            clocked_mock.call(lambda engine: waits_on_clock.advance(0.3))
        agent.ok("DELETE", "/connection")
    stream_entry = wait_for_timing(clocked_mock, "GET /messaging/messages (sse)")
    assert stream_entry["status"] == 200 and stream_entry["handlingMs"] < 250.0


def test_timings_when_deleted_start_empty_and_stats_agree(fresh_mock: MockServer) -> None:
    for _ in range(3):
        httpx.get(f"{fresh_mock.base_url}/icws/connection/features")
    stats = httpx.get(f"{fresh_mock.base_url}/mock/stats").json()
    assert stats["GET /connection/features"]["count"] == len(timings(fresh_mock)) == 3
    assert httpx.delete(f"{fresh_mock.base_url}/mock/timings").status_code == 204
    assert timings(fresh_mock) == []


def test_timings_when_more_than_kept_drop_the_oldest() -> None:
    runtime = MockRuntime(DialerEngine())
    for n in range(TIMINGS_KEPT + 5):
        runtime.record("GET /connection", float(n), 0.001, 200)
    assert TIMINGS_KEPT == 200_000
    assert len(runtime.timings) == TIMINGS_KEPT
    assert runtime.timings[0][1] == 5.0


def test_timings_when_a_request_waits_behind_another_count_the_wait_from_its_arrival(
    fresh_mock: MockServer,
) -> None:
    """Two requests pipelined on one connection: the second is read with the first but handled only
    once the first (delayed 0.3 s) is answered; its timing starts when the server read it."""
    httpx.post(
        f"{fresh_mock.base_url}/mock/faults",
        json={"kind": "latency", "seconds": 0.3, "endpoints": ["GET /connection/version"]},
    )
    host, port = fresh_mock.base_url.removeprefix("http://").rsplit(":", 1)
    pipelined = b"".join(
        f"GET /icws/connection/{name} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
        for name in ("version", "features")
    )
    with socket.create_connection((host, int(port)), timeout=5.0) as connection:
        connection.sendall(pipelined)
        answers = b""
        while answers.count(b"HTTP/1.1 200") < 2:
            chunk = connection.recv(65536)
            assert chunk, answers
            answers += chunk

    recorded = {t["endpoint"]: t for t in timings(fresh_mock)}
    delayed, waiting = recorded["GET /connection/version"], recorded["GET /connection/features"]
    # the event loop's timers may wake a little early: 0.3 s asked, somewhat less measured
    assert delayed["handlingMs"] >= 250.0
    assert waiting["handlingMs"] >= 250.0
    assert abs(waiting["startedAt"] - delayed["startedAt"]) < 0.1
