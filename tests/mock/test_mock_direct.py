"""The mock's ``/icws`` routes served straight from the connection (``_direct.py``), over real HTTP.

The server writes what uvicorn's own ASGI path writes for the same answer, byte for byte; requests the
direct path leaves to ASGI (a control route, ``Expect: 100-continue``, a body cut off by the client)
are answered as before and in order; and requests on direct routes get no ASGI task, their answers
written together once the loop has read what it polled.
"""

from __future__ import annotations

import asyncio
import gc
import json
import re
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from mock_rig import IcwsClient
from uvicorn.server import ServerState

from botagent.mock._app import create_app
from botagent.mock._direct import DirectProtocol
from botagent.mock.server import MockServer

_DATE = re.compile(rb"\r\ndate: [^\r]*\r\n")


def _address(server: MockServer) -> tuple[str, int]:
    host, port = server.base_url.removeprefix("http://").rsplit(":", 1)
    return host, int(port)


def _request(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    if body or method in ("PUT", "POST"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _read_answers(connection: socket.socket, count: int) -> list[bytes]:
    """Read ``count`` complete answers (each framed by its Content-Length) off ``connection``."""
    data = b""
    answers: list[bytes] = []
    while len(answers) < count:
        end = data.find(b"\r\n\r\n")
        if end >= 0:
            head = data[: end + 4]
            found = re.search(rb"content-length: (\d+)", head, re.IGNORECASE)
            size = end + 4 + (int(found.group(1)) if found else 0)
            if len(data) >= size:
                answers.append(data[:size])
                data = data[size:]
                continue
        chunk = connection.recv(65536)
        assert chunk, (answers, data)
        data += chunk
    assert data == b""
    return answers


class _Session:
    """An ICWS session on a mock, with the headers a raw request needs."""

    def __init__(self, server: MockServer) -> None:
        self.client = IcwsClient(server.base_url, user="agent0001")
        assert self.client.connect().status_code == 201
        self.id = self.client.session_id
        cookie = self.client.http.cookies[f"icws_{self.id}"]
        self.headers = {"ININ-ICWS-CSRF-Token": self.client.csrf, "Cookie": f"icws_{self.id}={cookie}"}
        self.json_headers = {**self.headers, "Content-Type": "application/json"}


@pytest.fixture
def new_mock() -> Iterator[MockServer]:
    """A mock of its own, started for this test (its counters, such as request ids, start afresh)."""
    with MockServer() as server:
        yield server


@pytest.fixture
def asgi_only_mock() -> Iterator[MockServer]:
    """A mock at uvicorn's log level ``trace``: uvicorn wraps its app, so every request goes the ASGI
    way and uvicorn writes every answer itself."""
    with MockServer(log_level="trace") as server:
        yield server


def _same_exchange(server: MockServer) -> list[bytes]:
    """The same requests on a fresh server: session-free, a session's, refused; answers without their
    date and with the session id masked."""
    session = _Session(server)
    prefix = f"/icws/{session.id}"
    requests = [
        _request("GET", "/icws/connection/version", {}),
        _request("GET", f"{prefix}/connection", session.headers),
        _request(
            "PUT",
            f"{prefix}/status/user-statuses/agent0001",
            session.json_headers,
            json.dumps({"statusId": "Available"}).encode(),
        ),
        _request("POST", f"{prefix}/dialer/log-in", session.json_headers, b"{}"),
        _request("GET", "/icws/no-such-session/connection", {}),
        _request("PUT", f"{prefix}/status/user-statuses/agent0001", session.json_headers, b"{"),
    ]
    with socket.create_connection(_address(server), timeout=5.0) as connection:
        connection.sendall(b"".join(requests))
        answers = _read_answers(connection, len(requests))
    session.client.http.close()
    return [_DATE.sub(b"\r\n", answer).replace(session.id.encode(), b"<session>") for answer in answers]


def test_answers_of_direct_routes_are_the_bytes_uvicorns_asgi_path_writes(
    new_mock: MockServer, asgi_only_mock: MockServer
) -> None:
    """Status line, headers in order and body are those uvicorn writes for the same answer: a session-
    free GET, a session's GET, the status PUT's 202 (official page S/status/user-statuses/(userId)), a
    Dialer log-in, a 401 with its WWW-Authenticate (official pages: a 401 names the ICWS scheme) and a
    400 for a malformed body."""
    direct = _same_exchange(new_mock)
    plain = _same_exchange(asgi_only_mock)
    assert [a.split(b"\r\n", 1)[0] for a in direct] == [
        b"HTTP/1.1 200 OK",
        b"HTTP/1.1 200 OK",
        b"HTTP/1.1 202 Accepted",
        b"HTTP/1.1 200 OK",
        b"HTTP/1.1 401 Unauthorized",
        b"HTTP/1.1 400 Bad Request",
    ]
    assert direct == plain


def test_pipelined_requests_on_direct_and_asgi_routes_are_answered_in_order(fresh_mock: MockServer) -> None:
    """Requests pipelined on one connection (RFC 9112 section 9.3.2): direct ones and a control route
    served the ASGI way are answered in the order they were sent."""
    session = _Session(fresh_mock)
    prefix = f"/icws/{session.id}"
    requests = [
        _request("GET", f"{prefix}/connection", session.headers),
        _request("GET", "/mock/stats", {}),
        _request(
            "PUT",
            f"{prefix}/status/user-statuses/agent0001",
            session.json_headers,
            json.dumps({"statusId": "Available"}).encode(),
        ),
        _request("GET", "/mock/timings", {}),
        _request("GET", f"{prefix}/messaging/messages", session.headers),
    ]
    with socket.create_connection(_address(fresh_mock), timeout=5.0) as connection:
        connection.sendall(b"".join(requests))
        answers = _read_answers(connection, len(requests))
    session.client.http.close()
    bodies = [answer.split(b"\r\n\r\n", 1)[1] for answer in answers]
    assert answers[0].startswith(b"HTTP/1.1 200 ") and bodies[0] == b'{"connectionState":1}'
    assert answers[1].startswith(b"HTTP/1.1 200 ") and "GET /connection" in json.loads(bodies[1])
    assert answers[2].startswith(b"HTTP/1.1 202 ") and "requestId" in json.loads(bodies[2])
    assert answers[3].startswith(b"HTTP/1.1 200 ")
    request_id = json.loads(bodies[2])["requestId"]
    assert answers[4].startswith(b"HTTP/1.1 200 ")
    assert any(m.get("requestId") == request_id for m in json.loads(bodies[4]))


def test_a_pipelined_request_that_closes_the_connection_is_answered_last(fresh_mock: MockServer) -> None:
    """A request with ``Connection: close`` (RFC 9112 section 9.6) pipelined behind another: both are
    answered in order, the last with ``connection: close``, and then the server closes the connection."""
    session = _Session(fresh_mock)
    path = f"/icws/{session.id}/status/user-statuses/agent0001"
    requests = [
        _request("GET", path, session.headers),
        _request("GET", f"/icws/{session.id}/connection", {**session.headers, "Connection": "close"}),
    ]
    with socket.create_connection(_address(fresh_mock), timeout=5.0) as connection:
        connection.sendall(b"".join(requests))
        first, last = _read_answers(connection, 2)
        closed = connection.recv(65536)
    session.client.http.close()
    assert first.startswith(b"HTTP/1.1 200 ") and b'"userId":"agent0001"' in first
    assert last.startswith(b"HTTP/1.1 200 ") and b"\r\nconnection: close\r\n" in last
    assert last.endswith(b'{"connectionState":1}')
    assert closed == b""


def test_a_request_expecting_100_continue_gets_it_then_its_answer(fresh_mock: MockServer) -> None:
    """``Expect: 100-continue`` (RFC 9110 section 10.1.1): the server says 100 Continue before the body
    is sent, then answers the status PUT 202."""
    session = _Session(fresh_mock)
    body = json.dumps({"statusId": "Available"}).encode()
    head = _request(
        "PUT",
        f"/icws/{session.id}/status/user-statuses/agent0001",
        {**session.json_headers, "Expect": "100-continue"},
        body,
    )[: -len(body)]
    with socket.create_connection(_address(fresh_mock), timeout=5.0) as connection:
        connection.sendall(head)
        assert connection.recv(65536).startswith(b"HTTP/1.1 100 Continue")
        connection.sendall(body)
        (answer,) = _read_answers(connection, 1)
    session.client.http.close()
    assert answer.startswith(b"HTTP/1.1 202 ")


def test_a_body_cut_off_by_the_client_is_recorded_as_refused(fresh_mock: MockServer) -> None:
    """A status PUT whose client goes away mid-body is still handled: the handler reads the disconnect
    and refuses it 400, and the request shows in the mock's timings with that status."""
    session = _Session(fresh_mock)
    request = _request(
        "PUT", f"/icws/{session.id}/status/user-statuses/agent0001", session.json_headers, b"x" * 40
    )
    with socket.create_connection(_address(fresh_mock), timeout=5.0) as connection:
        connection.sendall(request[:-30])
    session.client.http.close()
    deadline = time.monotonic() + 5.0
    while True:
        timings = httpx.get(f"{fresh_mock.base_url}/mock/timings").json()["requests"]
        cut = [t for t in timings if t["endpoint"] == "PUT /status/user-statuses"]
        if cut or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert [t["status"] for t in cut] == [400]


class _Transport(asyncio.Transport):
    """A transport that keeps what is written to it."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed_at: float | None = None

    def get_extra_info(self, name: str, default: object = None) -> object:
        return {"sockname": ("127.0.0.1", 8019), "peername": ("127.0.0.1", 50000)}.get(name, default)

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed_at is not None

    def close(self) -> None:
        if self.closed_at is None:
            self.closed_at = time.monotonic()

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


def test_requests_on_direct_routes_are_answered_in_one_write_each_together_without_a_task() -> None:
    """Fed to the mock's protocol, requests on ``/icws`` routes read in one loop iteration get no ASGI
    task; their answers, head and body in one write each, go out together on the loop's next turn. A
    control route still gets a task."""

    async def feed() -> tuple[int, int, list[bytes], int]:
        app = create_app()
        config = uvicorn.Config(
            app, http=DirectProtocol, lifespan="off", log_level="warning", proxy_headers=False
        )
        config.load()
        state = ServerState()
        transports = [_Transport(), _Transport()]
        for transport in transports:
            protocol = DirectProtocol(config=config, server_state=state, app_state={})
            protocol.connection_made(transport)
            protocol.data_received(b"GET /icws/connection/version HTTP/1.1\r\nHost: x\r\n\r\n")
        written_at_once = sum(len(t.writes) for t in transports)
        tasks = len(state.tasks)
        await asyncio.sleep(0)
        direct = [write for t in transports for write in t.writes]
        protocol.data_received(b"GET /mock/stats HTTP/1.1\r\nHost: x\r\n\r\n")
        control_tasks = len(state.tasks)
        for task in list(state.tasks):
            await task
        return written_at_once, tasks, direct, control_tasks

    written_at_once, tasks, direct, control_tasks = asyncio.run(feed())
    assert written_at_once == 0 and tasks == 0
    assert len(direct) == 2
    for answer in direct:
        assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
        assert "majorVersion" in json.loads(answer.split(b"\r\n\r\n", 1)[1])
    assert control_tasks == 1


def test_a_connection_closes_when_idle_for_the_keep_alive_timeout_and_not_while_in_use() -> None:
    """uvicorn's keep-alive timeout, kept with one timer per connection: a connection busy with a
    request every 0.1 s stays open for longer than the 0.3 s timeout, then closes 0.3 s after its last
    answer (RFC 9112 section 9.5: a server may close a connection that stays idle)."""
    timeout = 0.3
    request = b"GET /icws/connection/version HTTP/1.1\r\nHost: x\r\n\r\n"

    async def use_then_idle() -> tuple[int, float | None, float, float | None]:
        config = uvicorn.Config(
            create_app(),
            http=DirectProtocol,
            lifespan="off",
            log_level="warning",
            proxy_headers=False,
            timeout_keep_alive=timeout,
        )
        config.load()
        transport = _Transport()
        protocol = DirectProtocol(config=config, server_state=ServerState(), app_state={})
        protocol.connection_made(transport)
        for _ in range(10):
            protocol.data_received(request)
            await asyncio.sleep(0.1)
        closed_while_busy = transport.closed_at
        last_answer = time.monotonic()
        for _ in range(40):
            if transport.closed_at is not None:
                break
            await asyncio.sleep(0.05)
        return len(transport.writes), closed_while_busy, last_answer, transport.closed_at

    answers, closed_while_busy, last_answer, closed_at = asyncio.run(use_then_idle())
    assert answers == 10
    assert closed_while_busy is None
    assert closed_at is not None and 0.1 <= closed_at - last_answer <= 1.0


def test_a_closed_connections_protocol_is_freed_without_waiting_for_the_garbage_collector(
    fresh_mock: MockServer,
) -> None:
    """A soak's agents open and close connections all the time: each closed connection's protocol and
    its last request go as soon as the connection is lost, not when a full collection finds them as
    cyclic garbage (which, on a server allocating little per request, can be minutes later)."""
    session = _Session(fresh_mock)
    requests = [
        _request("GET", "/mock/stats", {}),
        _request("GET", f"/icws/{session.id}/messaging/messages", session.headers),
    ]

    def protocols() -> int:
        return sum(1 for thing in gc.get_objects() if isinstance(thing, DirectProtocol))

    gc.collect()
    gc.disable()
    try:
        before = protocols()
        for _ in range(20):
            with socket.create_connection(_address(fresh_mock), timeout=5.0) as connection:
                for request in requests:
                    connection.sendall(request)
                    (answer,) = _read_answers(connection, 1)
                    assert answer.startswith(b"HTTP/1.1 200 ")
        deadline = time.monotonic() + 5.0
        while protocols() > before and time.monotonic() < deadline:
            time.sleep(0.05)
        left = protocols() - before
    finally:
        gc.enable()
    session.client.http.close()
    assert left <= 0
