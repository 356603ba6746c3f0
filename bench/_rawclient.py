"""A raw asyncio HTTP/1.1 keep-alive client for driving servers harder than any real client would.

One ``Connection`` per socket, one request in flight per connection, responses framed by
``Content-Length`` (what uvicorn sends for non-streaming answers). Requests are prebuilt bytes, so
the client's cost per request is a ``write``, a ``find`` and a future: a few microseconds, far below
the servers it measures. Loopback only.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "Connection",
    "IcwsLogin",
    "LoadResult",
    "Repeater",
    "Response",
    "connect",
    "repeat_load",
    "request_bytes",
    "run_load",
]

_LENGTH = re.compile(rb"(?i)\r\ncontent-length:[ \t]*(\d+)")


@dataclass(slots=True)
class Response:
    """One parsed answer."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def request_bytes(
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: bytes | dict[str, Any] | None = None,
    host: str = "127.0.0.1",
) -> bytes:
    """A complete HTTP/1.1 request as bytes (JSON-encodes a dict body)."""
    if isinstance(body, dict):
        body = json.dumps(body, separators=(",", ":")).encode()
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")


class Connection(asyncio.Protocol):
    """One keep-alive connection; ``await request(raw)`` sends and returns the parsed answer."""

    def __init__(self) -> None:
        self._transport: asyncio.Transport | None = None
        self._buffer = b""
        self._waiter: asyncio.Future[Response] | None = None
        self._head: tuple[int, dict[str, str], int] | None = None
        self.closed = False
        self._event_buffer = b""
        self.events: asyncio.Queue[bytes] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]  (uvloop's is no asyncio.Transport)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(ConnectionError("connection closed"))
        if self.events is not None:
            self.events.put_nowait(b"")

    def data_received(self, data: bytes) -> None:
        if self.events is not None and self._head is None and self._waiter is None:
            self.events.put_nowait(data)  # the body of an open event stream
            return
        self._buffer += data
        self._parse()

    def _parse(self) -> None:
        if self._head is None:
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            lines = self._buffer[:end].decode("latin-1").split("\r\n")
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "-1"))
            self._head = (int(lines[0].split(" ", 2)[1]), headers, length)
            self._buffer = self._buffer[end + 4 :]
        status, headers, length = self._head
        if length < 0:  # a stream: hand over the head now and the rest as events
            self._head = None
            self.events = asyncio.Queue()
            if self._buffer:
                self.events.put_nowait(self._buffer)
            self._buffer = b""
            self._finish(Response(status, headers, b""))
            return
        if len(self._buffer) < length:
            return
        body, self._buffer = self._buffer[:length], self._buffer[length:]
        self._head = None
        self._finish(Response(status, headers, body))

    def _finish(self, response: Response) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(response)

    def request(self, raw: bytes) -> asyncio.Future[Response]:
        """Send a prebuilt request; the future resolves to its answer."""
        if self.closed or self._transport is None:
            raise ConnectionError("connection closed")
        waiter: asyncio.Future[Response] = asyncio.get_running_loop().create_future()
        self._waiter = waiter
        self._transport.write(raw)
        return waiter

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()


async def connect(base_url: str) -> Connection:
    """Open one connection to ``http://127.x.x.x:PORT``."""
    parts = urlsplit(base_url)
    if not (parts.hostname or "").startswith("127."):
        raise ValueError(f"loopback only (got {base_url})")
    loop = asyncio.get_running_loop()
    _, protocol = await loop.create_connection(Connection, parts.hostname, parts.port)
    return protocol


@dataclass(slots=True)
class IcwsLogin:
    """What a raw client needs to act on one ICWS session."""

    user: str
    session_id: str
    csrf: str
    cookie: str

    def headers(self, json_body: bool = True) -> dict[str, str]:
        headers = {
            "Accept": "application/vnd.inin.icws+JSON",
            "Accept-Language": "en-US",
            "ININ-ICWS-CSRF-Token": self.csrf,
            "Cookie": self.cookie,
        }
        if json_body:
            headers["Content-Type"] = "application/vnd.inin.icws+JSON;charset=utf-8"
        return headers

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> bytes:
        return request_bytes(method, f"/icws/{self.session_id}{path}", self.headers(), body)


async def icws_login(conn: Connection, user: str, password: str = "botagent") -> IcwsLogin:
    """Create an ICWS session on ``conn`` for ``user``."""
    body = {
        "__type": "urn:inin.com:connection:icAuthConnectionRequestSettings",
        "applicationName": "bench",
        "userID": user,
        "password": password,
    }
    raw = request_bytes(
        "POST", "/icws/connection", {"Accept-Language": "en-US", "Content-Type": "application/json"}, body
    )
    response = await conn.request(raw)
    if response.status != 201:
        raise RuntimeError(f"log-in of {user} answered {response.status}: {response.body[:200]!r}")
    cookie = response.headers["set-cookie"].split(";", 1)[0]
    return IcwsLogin(
        user, response.headers["inin-icws-session-id"], response.headers["inin-icws-csrf-token"], cookie
    )


@dataclass(slots=True)
class LoadResult:
    """Requests, statuses and latencies of one load window."""

    seconds: float
    requests: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    units: int = 0  # whatever the worker counts besides requests (call cycles)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


Worker = Callable[["Timed", float], Awaitable[None]]


class Timed:
    """A connection that records every request's status and latency into a ``LoadResult``."""

    def __init__(self, conn: Connection, result: LoadResult, keep_latency_every: int = 1) -> None:
        self.conn = conn
        self.result = result
        self._every = keep_latency_every
        self._n = 0

    async def request(self, raw: bytes) -> Response:
        start = time.perf_counter()
        response = await self.conn.request(raw)
        elapsed = (time.perf_counter() - start) * 1000.0
        result = self.result
        result.requests += 1
        result.statuses[response.status] = result.statuses.get(response.status, 0) + 1
        self._n += 1
        if self._n % self._every == 0:
            result.latencies_ms.append(elapsed)
        return response


async def run_load(
    conns: list[Connection],
    worker: Callable[[Timed, int, float], Awaitable[None]],
    seconds: float,
    warmup: float = 1.0,
) -> LoadResult:
    """Run ``worker(timed, index, deadline)`` on every connection; count only after ``warmup`` seconds."""
    warm = LoadResult(seconds=warmup)
    timed = [Timed(c, warm) for c in conns]
    loop = asyncio.get_running_loop()
    start = loop.time()
    deadline = start + warmup + seconds
    tasks = [asyncio.ensure_future(worker(t, i, deadline)) for i, t in enumerate(timed)]
    await asyncio.sleep(warmup)
    result = LoadResult(seconds=seconds)
    measured_from = loop.time()
    for t in timed:
        t.result = result
    done, pending = await asyncio.wait(tasks, timeout=warmup + seconds + 30)
    for task in pending:
        task.cancel()
    for task in done:
        if task.exception() is not None:
            raise task.exception()  # type: ignore[misc]
    result.seconds = loop.time() - measured_from
    return result


class Repeater(asyncio.Protocol):
    """Sends one fixed request again as soon as its answer is complete, with no coroutine in between.

    The cheapest client loop there is: parse the head, skip ``Content-Length`` bytes, write again.
    ``counting`` turns counting on and off; latencies are kept for one answer in ``sample_every``.
    """

    def __init__(self, request: bytes, sample_every: int = 16) -> None:
        self.request = request
        self.sample_every = sample_every
        self.counting = False
        self.done = False
        self.count = 0
        self.statuses: dict[int, int] = {}
        self.latencies_ms: list[float] = []
        self._buffer = b""
        self._sent_at = 0.0
        self._transport: Any = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport
        self._send()

    def _send(self) -> None:
        self._sent_at = time.perf_counter()
        self._transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer + data
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                break
            match = _LENGTH.search(buffer, 0, end + 2)
            total = end + 4 + (int(match.group(1)) if match else 0)
            if len(buffer) < total:
                break
            self._answered(int(buffer[9:12]))
            buffer = buffer[total:]
        self._buffer = buffer

    def _answered(self, status: int) -> None:
        if self.counting:
            self.count += 1
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if self.count % self.sample_every == 0:
                self.latencies_ms.append((time.perf_counter() - self._sent_at) * 1000.0)
        if self.done:
            self._transport.close()
        else:
            self._send()


async def repeat_load(base_url: str, requests: list[bytes], seconds: float, warmup: float) -> LoadResult:
    """One ``Repeater`` per request (each on its own connection); count for ``seconds`` after ``warmup``."""
    parts = urlsplit(base_url)
    if not (parts.hostname or "").startswith("127."):
        raise ValueError(f"loopback only (got {base_url})")
    loop = asyncio.get_running_loop()
    repeaters: list[Repeater] = []
    for request in requests:
        _, protocol = await loop.create_connection(lambda r=request: Repeater(r), parts.hostname, parts.port)
        repeaters.append(protocol)
    await asyncio.sleep(warmup)
    for repeater in repeaters:
        repeater.counting = True
    start = loop.time()
    await asyncio.sleep(seconds)
    for repeater in repeaters:
        repeater.counting = False
        repeater.done = True
    result = LoadResult(seconds=loop.time() - start)
    for repeater in repeaters:
        result.requests += repeater.count
        result.latencies_ms += repeater.latencies_ms
        for status, n in repeater.statuses.items():
            result.statuses[status] = result.statuses.get(status, 0) + n
    await asyncio.sleep(0.05)
    return result
