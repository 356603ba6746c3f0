"""Reference servers for the benchmarks, run as a child process: ``python bench/_servers.py KIND``.

Kinds:

- ``bare``: a raw uvloop + httptools protocol that answers just enough ICWS for a client benchmark
  (``POST /icws/connection`` -> 201 with session headers and cookie, anything else -> 200
  ``{"connectionState":1}``), with the same response headers uvicorn sends. It costs a few
  microseconds per request, so one core of it outruns any Python client.
- ``hello``: a bare ASGI callable answering ``hello`` on uvicorn with httptools and uvloop: the floor
  of the stack the mock runs on.
- ``starlette``: the same with one Starlette route, to tell the framework's share from the mock's.
- ``mock-timed``: the mock's own app, recording each request's handling time (the interval the mock
  itself times for ``/mock/stats``) and serving the last 200,000 as ``GET /mock/timings``; used when
  the mock under test does not offer that route yet.

Each prints ``bench server listening on http://127.0.0.1:PORT`` once it accepts connections, and stops
on SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import socket
import sys
import time
from collections import deque
from typing import Any

READY_PREFIX = "bench server listening on "

_HEADERS = (
    b"date: Thu, 01 Jan 2026 00:00:00 GMT\r\nserver: uvicorn\r\n"
    b"content-type: application/vnd.inin.icws+json\r\n"
)
_STATE_BODY = b'{"connectionState":1}'
_CONNECT_BODY = json.dumps(
    {
        "csrfToken": "csrf-token",
        "sessionId": "1",
        "userID": "agent0001",
        "icServer": "bare",
        "alternateHostList": [],
        "features": [{"featureId": "messaging", "version": 2}],
    },
    separators=(",", ":"),
).encode()
OK_RESPONSE = (
    b"HTTP/1.1 200 OK\r\n" + _HEADERS + b"content-length: %d\r\n\r\n" % len(_STATE_BODY) + _STATE_BODY
)
CREATED_RESPONSE = (
    b"HTTP/1.1 201 Created\r\n"
    + _HEADERS
    + b"ININ-ICWS-Session-ID: 1\r\nININ-ICWS-CSRF-Token: csrf-token\r\nLocation: /icws/1/connection\r\n"
    + b"set-cookie: icws_1=cookie-value; Path=/icws/1; HttpOnly\r\n"
    + b"content-length: %d\r\n\r\n" % len(_CONNECT_BODY)
    + _CONNECT_BODY
)


class BareProtocol(asyncio.Protocol):
    """One keep-alive connection of the bare server."""

    def __init__(self) -> None:
        import httptools

        self._parser = httptools.HttpRequestParser(self)
        self._url = b""
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]  (uvloop's is no asyncio.Transport)

    def data_received(self, data: bytes) -> None:
        import httptools

        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError:
            assert self._transport is not None
            self._transport.close()

    def on_url(self, url: bytes) -> None:
        self._url += url

    def on_message_complete(self) -> None:
        assert self._transport is not None
        creating = self._parser.get_method() == b"POST" and self._url.startswith(b"/icws/connection")
        self._transport.write(CREATED_RESPONSE if creating else OK_RESPONSE)
        self._url = b""
        if not self._parser.should_keep_alive():
            self._transport.close()


async def hello_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The smallest ASGI app: ``hello`` for any HTTP request."""
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain"), (b"content-length", b"5")],
        }
    )
    await send({"type": "http.response.body", "body": b"hello"})


def starlette_app() -> Any:
    """One Starlette route answering ``hello``."""
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    async def hello(request: Any) -> Response:
        return Response(b"hello", media_type="text/plain")

    return Starlette(routes=[Route("/{path:path}", hello, methods=["GET", "POST", "PUT"])])


def timed_mock_app(scenario_path: str | None) -> Any:
    """The mock's app with a ring of per-request handling times behind ``GET /mock/timings``."""
    from botagent.mock import load_scenario
    from botagent.mock.server import create_app

    app = create_app(load_scenario(scenario_path) if scenario_path else None)
    runtime = app.state.runtime
    ring: deque[dict[str, Any]] = deque(maxlen=200_000)
    count = runtime.count

    def timed_count(name: str, status: int, started: float) -> None:
        handling = time.perf_counter() - started
        ring.append(
            {
                "endpoint": name,
                "startedAt": time.time() - handling,
                "handlingMs": handling * 1000.0,
                "status": status,
            }
        )
        count(name, status, started)

    runtime.count = timed_count

    async def with_timings(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/mock/timings":
            if scope["method"] == "DELETE":
                ring.clear()
                body = b""
                status = 204
            else:
                body = json.dumps({"requests": list(ring)}).encode()
                status = 200
            await send(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)

    return with_timings


def _listen() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(4096)
    return sock


def _announce(sock: socket.socket) -> None:
    print(f"{READY_PREFIX}http://127.0.0.1:{sock.getsockname()[1]}", flush=True)


def run_bare() -> None:
    """Serve the bare protocol until SIGTERM."""
    import uvloop

    async def main() -> None:
        loop = asyncio.get_running_loop()
        sock = _listen()
        server = await loop.create_server(BareProtocol, sock=sock, backlog=4096)
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        _announce(sock)
        await stop.wait()
        server.close()

    uvloop.run(main())


def run_uvicorn(app: Any) -> None:
    """Serve an ASGI app on uvicorn (httptools, uvloop) until SIGTERM."""
    import uvicorn

    sock = _listen()

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if self.started:
                _announce(sock)

    config = uvicorn.Config(
        app,
        loop="uvloop",
        http="httptools",
        lifespan="auto",
        access_log=False,
        log_level="warning",
        backlog=4096,
    )
    Server(config).run(sockets=[sock])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("kind", choices=["bare", "hello", "starlette", "mock-timed"])
    parser.add_argument("--scenario", help="scenario YAML for mock-timed")
    args = parser.parse_args(argv)
    if args.kind == "bare":
        run_bare()
    elif args.kind == "hello":
        run_uvicorn(hello_app)
    elif args.kind == "starlette":
        run_uvicorn(starlette_app())
    else:
        run_uvicorn(timed_mock_app(args.scenario))
    return 0


if __name__ == "__main__":
    sys.exit(main())
