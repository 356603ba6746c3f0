"""The outermost layer of the mock's ASGI app: times every ``/icws`` request and drops connections.

``IcwsGate`` wraps the Starlette app. A request under ``/icws`` is timed from when the server read its
first bytes (``RECEIVED_KEY``, see ``_receipt``; else from when it reaches the gate) until the response
is complete (for an event stream: until the stream is open), so the time includes any wait in the
event loop behind other requests. The gate then records ``(endpoint, startedAt, seconds, status)`` in
the runtime (which it also leaves in the scope for the route, ``RUNTIME_KEY``): one tuple per request,
with the endpoint name and status the route left in the ASGI scope (``ENDPOINT_KEY``, ``STATUS_KEY``).

The server's direct path (``_direct.py``) times and records the requests it serves itself with the
same functions (``begin_timing``, ``record``).

A ``drop_connection`` fault makes the route answer ``DropConnection``, which sends nothing and marks the
scope; the gate then closes the client's connection itself, so the client gets no response at all and
the server logs nothing. Closing needs the server's transport, which uvicorn's ``send`` carries; with
another server (or uvicorn at log level ``trace``, which wraps ``send``) the gate starts a response and
leaves it unfinished instead, which the client also sees as a broken connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any, Final

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from botagent.mock._endpoints import UNMATCHED
from botagent.mock._receipt import RECEIVED_KEY
from botagent.mock._runtime import MockRuntime
from botagent.mock._stream import OPENED_KEY

__all__ = [
    "DROP_KEY",
    "ENDPOINT_KEY",
    "RUNTIME_KEY",
    "STATUS_KEY",
    "DropConnection",
    "IcwsGate",
    "Timing",
    "begin_timing",
    "finish",
    "record",
]

ENDPOINT_KEY: Final = "botagent.endpoint"
"""Scope key: the stable endpoint name of the route that handled the request."""
STATUS_KEY: Final = "botagent.status"
"""Scope key: the status the route answered."""
DROP_KEY: Final = "botagent.drop"
"""Scope key: set when the connection must be closed with no response."""
RUNTIME_KEY: Final = "botagent.runtime"
"""Scope key: the ``MockRuntime`` serving an ``/icws`` request (set by the gate)."""

_DISCONNECT_WAIT = 1.0


class DropConnection(Response):
    """A "response" that sends nothing and asks ``IcwsGate`` to close the connection."""

    def __init__(self) -> None:
        super().__init__(status_code=499)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[DROP_KEY] = True


class IcwsGate:
    """ASGI middleware: timing of ``/icws`` requests, and closing connections a fault drops.

    Args:
        app: the app to wrap.
        runtime: where timings are recorded.
    """

    def __init__(self, app: ASGIApp, runtime: MockRuntime) -> None:
        self.app = app
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/icws"):
            await self.app(scope, receive, send)
            return
        timing = begin_timing(scope, self.runtime)
        await self.app(scope, receive, send)
        await finish(scope, receive, send, timing)


Timing = tuple[float, float]
"""When a request began: ``(perf_counter() seconds, the runtime's clock in epoch seconds)``."""


def begin_timing(scope: Scope, runtime: MockRuntime) -> Timing:
    """Start timing an ``/icws`` request (from when the server read it) and leave ``runtime`` in its
    scope for the route."""
    scope[RUNTIME_KEY] = runtime
    now = time.perf_counter()
    started = scope.get(RECEIVED_KEY, now)
    return started, runtime.clock() - (now - started)


async def finish(scope: Scope, receive: Receive, send: Send, timing: Timing) -> None:
    """After the route answered: close the connection a fault drops, then record the request."""
    if scope.get(DROP_KEY):
        await _drop(receive, send)
        record(scope, timing, None)
    else:
        record(scope, timing, scope.get(STATUS_KEY))


def record(scope: Scope, timing: Timing, status: int | None) -> None:
    """Record a finished ``/icws`` request in its runtime: endpoint, start, seconds, status."""
    started, started_at = timing
    ended = scope.get(OPENED_KEY) or time.perf_counter()
    runtime: MockRuntime = scope[RUNTIME_KEY]
    runtime.record(scope.get(ENDPOINT_KEY, UNMATCHED), started_at, ended - started, status)


async def _drop(receive: Receive, send: Send) -> None:
    transport: Any = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None or not hasattr(transport, "close"):
        # Not uvicorn's own send: a started response left unfinished breaks the connection too.
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"1")]})
        return
    transport.close()
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(_DISCONNECT_WAIT):
            while (await receive())["type"] != "http.disconnect":
                pass
