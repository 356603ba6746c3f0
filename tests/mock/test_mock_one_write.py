"""The mock's HTTP protocol sends an answer's head and body in one write, and never holds a head back
longer than one turn of the event loop: heads of ``HEAD`` answers and of event streams still arrive."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator

import httpx
import pytest
from mock_rig import IcwsClient

from botagent.mock._one_write import HeldHead
from botagent.mock.server import MockServer


class _Transport:
    """Records writes; a stand-in for the connection's transport."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str) -> str:
        return f"info:{name}"


def _held(transport: _Transport) -> tuple[HeldHead, asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    return HeldHead(transport, loop), loop  # type: ignore[arg-type]


def test_head_and_body_when_written_in_a_row_go_out_in_one_write() -> None:
    """An answer's head and body leave in one write, in order; later writes pass straight on."""
    transport = _Transport()
    held, loop = _held(transport)
    try:
        held.write(b"HTTP/1.1 200 OK\r\n\r\n")
        assert transport.writes == []
        held.write(b"body")
        held.write(b"more")
        assert transport.writes == [b"HTTP/1.1 200 OK\r\n\r\nbody", b"more"]
        loop.call_soon(loop.stop)
        loop.run_forever()
        assert transport.writes == [b"HTTP/1.1 200 OK\r\n\r\nbody", b"more"]
    finally:
        loop.close()


def test_head_when_no_body_follows_goes_out_on_the_loops_next_turn() -> None:
    """A head with nothing after it (a HEAD answer, a stream before its first event) is not kept."""
    transport = _Transport()
    held, loop = _held(transport)
    try:
        held.write(b"HTTP/1.1 200 OK\r\n\r\n")
        loop.call_soon(loop.stop)
        loop.run_forever()
        assert transport.writes == [b"HTTP/1.1 200 OK\r\n\r\n"]
    finally:
        loop.close()


def test_close_when_a_head_is_held_sends_it_first_and_other_calls_reach_the_transport() -> None:
    """Closing sends what is held before closing; anything else is the transport's own."""
    transport = _Transport()
    held, loop = _held(transport)
    try:
        held.write(b"head")
        held.close()
        assert transport.writes == [b"head"] and transport.closed
        assert held.get_extra_info("peername") == "info:peername"
    finally:
        loop.close()


@pytest.fixture
def agent(fresh_mock: MockServer) -> Iterator[IcwsClient]:
    with IcwsClient(fresh_mock.base_url) as icws:
        assert icws.connect().status_code == 201
        yield icws


def test_head_request_over_http_gets_its_head(fresh_mock: MockServer) -> None:
    """A HEAD request (no body is ever written) is answered with its head, promptly."""
    response = httpx.head(f"{fresh_mock.base_url}/mock/health", timeout=2.0)
    assert response.status_code == 200
    assert response.content == b""


def test_event_stream_over_http_gets_its_head_before_any_event(agent: IcwsClient) -> None:
    """GET messages with ``Accept: text/event-stream`` (official page S/messaging/messages/index.htm)
    answers its head at once, before any event, over a raw socket with a short timeout."""
    host, port = agent.http.base_url.host, agent.http.base_url.port
    assert port is not None
    request = (
        f"GET /icws/{agent.session_id}/messaging/messages HTTP/1.1\r\nHost: {host}\r\n"
        f"Accept: text/event-stream\r\nININ-ICWS-CSRF-Token: {agent.csrf}\r\n"
        f"Cookie: {_cookie(agent)}\r\n\r\n"
    ).encode()
    with socket.create_connection((host, port), timeout=2.0) as sock:
        sock.sendall(request)
        head = b""
        for _ in range(100):
            head += sock.recv(4096)
            if b"\r\n\r\n" in head:
                break
    assert head.startswith(b"HTTP/1.1 200"), head[:200]
    assert b"text/event-stream" in head.lower()


def _cookie(agent: IcwsClient) -> str:
    return "; ".join(f"{name}={value}" for name, value in agent.http.cookies.items())
