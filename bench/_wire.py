"""What the server took, as the wire shows it: a packet capture of a server's HTTP/1.1 traffic on loopback.

    python bench/_wire.py PORT OUT

Reads every IPv4 TCP packet on ``lo`` to or from ``PORT`` through a packet socket, with the kernel's
receive timestamp of each (the clock tcpdump shows). A request starts at its first segment's arrival
at the server's side; its answer ends at the arrival, at the client's side, of the segment that
completes it (by ``Content-Length``). The difference is the server's time as an outside observer sees
it, queueing in the server included; a client that times the same request adds what lies before its
request reached the wire and after its answer did. Event streams (``Accept: text/event-stream``) are
left out. On SIGTERM or SIGINT it writes ``OUT`` (JSON): ``requests`` (endpoint name -> ``[start epoch
seconds, milliseconds]`` pairs, names as botagent's ``Endpoint`` table spells them), ``packets`` and
``dropped`` (the kernel's count of packets the capture lost; pairs may then be wrong), then exits.
Prints ``wire capture listening`` once capturing, or ``wire capture unavailable: REASON`` and exits 3
(packet sockets need Linux and CAP_NET_RAW).
"""

from __future__ import annotations

import json
import signal
import socket
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botagent.wire import Endpoint

READY = "wire capture listening"
UNAVAILABLE = "wire capture unavailable: "

_ETH_P_IP = 0x0800
_PACKET_HOST = 0
"""A packet's copy as it is received (loopback shows each packet once sent, once received)."""
_SOL_PACKET = 263
_PACKET_STATISTICS = 6
_SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
_SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)
_BUFFER = 64 << 20
_TIMESPEC = struct.Struct("@qq")
_METHODS = (b"GET ", b"PUT ", b"POST ", b"DELETE ")
_BY_METHOD: dict[str, list[Endpoint]] = {}
for _endpoint in Endpoint:
    _BY_METHOD.setdefault(_endpoint.method, []).append(_endpoint)


def endpoint_name(method: str, target: str) -> str | None:
    """The stable name of ``METHOD /icws/...``: the path with or without a session id segment, then
    with or without one trailing id; None for anything else."""
    path = target.split("?", 1)[0]
    if not path.startswith("/icws/"):
        return None
    segments = path[len("/icws/") :].split("/")
    tries = ["/" + "/".join(segments), "/" + "/".join(segments[1:])]
    tries += [candidate.rsplit("/", 1)[0] for candidate in tries]
    for candidate in tries:
        for endpoint in _BY_METHOD.get(method, ()):
            if endpoint.path == candidate:
                return endpoint.value
    return None


@dataclass(slots=True)
class _Exchange:
    """One connection's request in flight and its answer's progress."""

    name: str | None = None
    started: float = 0.0
    head: bytes = b""
    remaining: int | None = None
    """Body bytes still to come once the answer's head is complete."""


@dataclass(slots=True)
class Capture:
    """Pairs requests and answers per connection (keyed by the client's port) for one server port."""

    port: int
    requests: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    packets: int = 0
    _exchanges: dict[int, _Exchange] = field(default_factory=dict)

    def packet(self, at: float, ip_packet: bytes) -> None:
        """Take one received IPv4 packet (``at``: epoch seconds)."""
        if len(ip_packet) < 40 or ip_packet[9] != socket.IPPROTO_TCP:
            return
        header = (ip_packet[0] & 0x0F) * 4
        source, destination = struct.unpack_from("!HH", ip_packet, header)
        payload = ip_packet[header + (ip_packet[header + 12] >> 4) * 4 :]
        if not payload:
            return
        self.packets += 1
        if destination == self.port:
            self._request(source, at, payload)
        elif source == self.port:
            self._answer(destination, at, payload)

    def _request(self, client: int, at: float, payload: bytes) -> None:
        if not payload.startswith(_METHODS):
            return  # the rest of a request's body
        line, _, rest = payload.partition(b"\r\n")
        method, target = line.decode("latin-1").split(" ")[:2]
        streaming = b"text/event-stream" in rest.split(b"\r\n\r\n", 1)[0].lower()
        name = None if streaming else endpoint_name(method, target)
        self._exchanges[client] = _Exchange(name=name, started=at)

    def _answer(self, client: int, at: float, payload: bytes) -> None:
        exchange = self._exchanges.get(client)
        if exchange is None or exchange.name is None:
            return
        if exchange.remaining is None:
            exchange.head += payload
            head, found, body = exchange.head.partition(b"\r\n\r\n")
            if not found:
                return
            exchange.remaining = _content_length(head) - len(body)
        else:
            exchange.remaining -= len(payload)
        if exchange.remaining <= 0:
            self.requests.setdefault(exchange.name, []).append(
                (exchange.started, (at - exchange.started) * 1000.0)
            )
            del self._exchanges[client]


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return 0


def _open() -> socket.socket:
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(_ETH_P_IP))
    try:
        sock.setsockopt(socket.SOL_SOCKET, _SO_RCVBUFFORCE, _BUFFER)
    except OSError:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, _BUFFER)
    sock.setsockopt(socket.SOL_SOCKET, _SO_TIMESTAMPNS, 1)
    sock.bind(("lo", 0))
    return sock


def _dropped(sock: socket.socket) -> int:
    _packets, drops = struct.unpack("II", sock.getsockopt(_SOL_PACKET, _PACKET_STATISTICS, 8))
    return int(drops)


def main(argv: list[str]) -> int:
    port, out = int(argv[0]), Path(argv[1])
    try:
        sock = _open()
    except (OSError, AttributeError) as exc:
        print(f"{UNAVAILABLE}{exc}", flush=True)
        return 3
    capture = Capture(port)
    stop = False

    def end(*_: Any) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, end)
    signal.signal(signal.SIGINT, end)
    sock.settimeout(0.2)
    space = socket.CMSG_SPACE(_TIMESPEC.size)
    dropped = _dropped(sock)  # counts since the last reading: start from zero
    print(READY, flush=True)
    while not stop:
        try:
            data, ancillary, _flags, address = sock.recvmsg(1 << 16, space)
        except (TimeoutError, InterruptedError):
            continue
        if address[2] != _PACKET_HOST:
            continue
        for level, kind, stamp in ancillary:
            if level == socket.SOL_SOCKET and kind == _SO_TIMESTAMPNS:
                seconds, nanoseconds = _TIMESPEC.unpack_from(stamp)
                capture.packet(seconds + nanoseconds / 1e9, data)
    dropped = _dropped(sock)
    out.write_text(
        json.dumps({"requests": capture.requests, "packets": capture.packets, "dropped": dropped}),
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
