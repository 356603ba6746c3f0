"""The measurement benchmark's wire reference: requests and answers paired per connection from captured
IPv4 packets, with the endpoint names botagent's table spells (nothing here captures or times anything)."""

from __future__ import annotations

import importlib
import struct
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER = 8019


@pytest.fixture
def wire(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    return importlib.import_module("_wire")


def packet(source: int, destination: int, payload: bytes) -> bytes:
    """An IPv4 header (20 bytes, protocol TCP), a TCP header (20 bytes) and the payload."""
    ip = struct.pack(
        "!BBHHHBBH4s4s", 0x45, 0, 40 + len(payload), 0, 0, 64, 6, 0, b"\x7f\0\0\1", b"\x7f\0\0\1"
    )
    tcp = struct.pack("!HHIIBBHHH", source, destination, 0, 0, 5 << 4, 0x18, 65535, 0, 0)
    return ip + tcp + payload


def test_capture_when_an_answer_comes_in_two_segments_times_it_to_the_last(wire: ModuleType) -> None:
    capture = wire.Capture(SERVER)
    body = b'{"requestId":"7"}'
    capture.packet(
        10.000, packet(50000, SERVER, b"PUT /icws/123/status/user-statuses/agent0001 HTTP/1.1\r\n")
    )
    capture.packet(10.001, packet(50000, SERVER, b'{"statusId":"Available"}'))
    capture.packet(10.002, packet(SERVER, 50000, b"HTTP/1.1 202 Accepted\r\ncontent-length: 17\r\n\r\n"))
    capture.packet(10.0035, packet(SERVER, 50000, body))

    ((started, milliseconds),) = capture.requests["PUT /status/user-statuses"]
    assert started == 10.000
    assert milliseconds == pytest.approx(3.5)


def test_capture_when_connections_interleave_pairs_each_answer_with_its_own_request(wire: ModuleType) -> None:
    capture = wire.Capture(SERVER)
    capture.packet(1.0, packet(50001, SERVER, b"POST /icws/9/dialer/disposition HTTP/1.1\r\n\r\n{}"))
    capture.packet(1.1, packet(50002, SERVER, b"GET /icws/connection/version HTTP/1.1\r\n\r\n"))
    capture.packet(1.3, packet(SERVER, 50002, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"))
    capture.packet(1.6, packet(SERVER, 50001, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))

    assert capture.requests == {
        "POST /dialer/disposition": [(1.0, pytest.approx(600.0))],
        "GET /connection/version": [(1.1, pytest.approx(200.0))],
    }


def test_capture_when_a_request_opens_an_event_stream_leaves_it_out(wire: ModuleType) -> None:
    capture = wire.Capture(SERVER)
    capture.packet(
        2.0,
        packet(
            50003, SERVER, b"GET /icws/9/messaging/messages HTTP/1.1\r\nAccept: text/event-stream\r\n\r\n"
        ),
    )
    capture.packet(2.1, packet(SERVER, 50003, b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n"))

    assert capture.requests == {}


@pytest.mark.parametrize(
    ("method", "target", "name"),
    [
        ("POST", "/icws/connection", "POST /connection"),
        ("GET", "/icws/42/connection", "GET /connection"),
        ("POST", "/icws/42/dialer/place-preview-call", "POST /dialer/place-preview-call"),
        ("GET", "/icws/42/messaging/messages?x=1", "GET /messaging/messages"),
        ("GET", "/icws/42/configuration/users/agent0001", "GET /configuration/users"),
        ("GET", "/mock/ledger", None),
    ],
)
def test_endpoint_name_when_ids_in_the_path_leaves_them_out(
    wire: ModuleType, method: str, target: str, name: str | None
) -> None:
    assert wire.endpoint_name(method, target) == name
