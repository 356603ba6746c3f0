"""Server-sent events on the messaging URL: each visible message is one ``data:`` event.

A stream is a plain ASGI response with no task of its own beyond a disconnect watcher: it sleeps on an
``asyncio.Event`` that the runtime sets when its session has news, then sends what is visible. An
``sse_cut`` fault ends it cleanly after a number of events; what it did not send stays queued.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from starlette.types import Receive, Scope, Send

from botagent.mock._errors import EngineError
from botagent.mock._http import json_bytes
from botagent.mock._runtime import MockRuntime
from botagent.mock._state import ServerSession

__all__ = ["OPENED_KEY", "EventStream"]

OPENED_KEY = "botagent.opened"
"""Scope key: ``perf_counter()`` when the stream was open, which ends the request's handling time."""


class EventStream:
    """A server-sent-events response: each visible message is one ``data:`` event.

    It ends when the session closes, the client goes away, the server shuts down, or after
    ``cut_after`` events; it sends a comment line every ``keepalive`` seconds while idle.
    """

    def __init__(
        self, runtime: MockRuntime, session: ServerSession, keepalive: float, cut_after: int | None = None
    ) -> None:
        self.runtime = runtime
        self.session = session
        self.keepalive = keepalive
        self.cut_after = cut_after

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", b"text/event-stream; charset=utf-8"), (b"cache-control", b"no-cache")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        disconnected = asyncio.ensure_future(_wait_disconnect(receive))
        event = self.runtime.open_stream(self.session)
        client_gone = False
        try:
            await send({"type": "http.response.body", "body": b": connected\n\n", "more_body": True})
            scope[OPENED_KEY] = time.perf_counter()
            await self._pump(send, event, disconnected)
        except OSError:
            client_gone = True
        finally:
            client_gone = client_gone or disconnected.done()
            disconnected.cancel()
            self.runtime.close_stream(self.session, event)
        if not client_gone:
            await _finish(send)

    async def _pump(self, send: Send, event: asyncio.Event, disconnected: asyncio.Future[None]) -> None:
        runtime = self.runtime
        left = self.cut_after
        while not runtime.closing and not disconnected.done() and left != 0:
            event.clear()
            try:
                messages = runtime.take_messages(self.session)
            except EngineError:
                return
            if messages:
                if left is not None:
                    runtime.put_back(self.session, messages[left:])
                    messages = messages[:left]
                    left -= len(messages)
                await send({"type": "http.response.body", "body": _events(messages), "more_body": True})
                continue
            waiter: asyncio.Future[Any] = asyncio.ensure_future(event.wait())
            pending: set[asyncio.Future[Any]] = {waiter, disconnected}
            done, _ = await asyncio.wait(pending, timeout=self.keepalive, return_when="FIRST_COMPLETED")
            waiter.cancel()
            if not done:
                await send({"type": "http.response.body", "body": b": keep-alive\n\n", "more_body": True})


def _events(messages: list[dict[str, Any]]) -> bytes:
    return b"".join(b"data: " + json_bytes(m) + b"\n\n" for m in messages)


async def _wait_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _finish(send: Send) -> None:
    try:
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    except OSError:
        pass
