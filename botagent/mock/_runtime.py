"""Drives the pure engine from an asyncio loop: real time, one timer, waking streams, counting requests.

There is no task per agent. One loop timer (``call_later``) is kept set for the engine's earliest
deadline; after every request the runtime re-arms it if the request created an earlier deadline, and
wakes the event streams of the sessions that got messages.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

from starlette.types import Receive, Scope, Send

from botagent.mock._engine import DialerEngine
from botagent.mock._errors import EngineError
from botagent.mock._state import Session

__all__ = ["EventStream", "MockRuntime"]


class MockRuntime:
    """The engine plus what the HTTP side needs around it: clock, timer, streams, errors and counts.

    Args:
        engine: the Dialer engine to drive.
        clock: epoch seconds; ``time.time`` unless a test passes its own.
    """

    def __init__(self, engine: DialerEngine, clock: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self.clock = clock
        self.errors: list[BaseException] = []
        self.stats: dict[str, list[float]] = {}
        self.loop: asyncio.AbstractEventLoop | None = None
        self.closing = False
        self._streams: dict[str, set[asyncio.Event]] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._timer_for: float | None = None

    def now(self) -> float:
        """The current time on the engine's clock."""
        return self.clock()

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Begin driving the engine's timers on this loop."""
        self.loop = loop
        self.closing = False
        self.changed()

    def stop(self) -> None:
        """Stop the timer and end every event stream."""
        self.close_streams()
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self._timer_for = None

    def close_streams(self) -> None:
        """Make every open event stream finish (used on shutdown)."""
        self.closing = True
        for events in self._streams.values():
            for event in events:
                event.set()

    # --- after a change --------------------------------------------------------------------------

    def changed(self) -> None:
        """Wake the streams of sessions with news, and re-arm the timer if a deadline came closer."""
        for session_id in self.engine.take_woken():
            for event in self._streams.get(session_id, ()):
                event.set()
        if self.loop is None:
            return
        deadline = self.engine.next_deadline()
        if deadline is None or (
            self._timer is not None and self._timer_for is not None and self._timer_for <= deadline
        ):
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer_for = deadline
        self._timer = self.loop.call_later(max(0.0, deadline - self.clock()), self._fire)

    def _fire(self) -> None:
        self._timer = self._timer_for = None
        try:
            self.engine.advance(self.clock())
        except Exception as exc:  # a bug in the engine: keep serving, report it at shutdown
            self.record_error(exc)
        self.changed()

    def record_error(self, exc: BaseException) -> None:
        """Keep a server-side exception so the owner can raise it again."""
        self.errors.append(exc)

    def count(self, name: str, status: int, started: float) -> None:
        """Add one request to the per-endpoint counters (count, errors, seconds)."""
        entry = self.stats.get(name)
        if entry is None:
            entry = self.stats[name] = [0, 0, 0.0]
        entry[0] += 1
        entry[1] += status >= 400
        entry[2] += time.perf_counter() - started

    def stats_body(self) -> dict[str, Any]:
        """Per-endpoint counters as JSON: count, errors, mean milliseconds."""
        return {
            name: {
                "count": int(n),
                "errors": int(errors),
                "meanMs": round(1000 * seconds / n, 3) if n else 0.0,
            }
            for name, (n, errors, seconds) in sorted(self.stats.items())
        }

    # --- streams ------------------------------------------------------------------------------------

    def open_stream(self, session: Session) -> asyncio.Event:
        """Register an event stream for a session; its event is set when the session has news."""
        event = asyncio.Event()
        self._streams.setdefault(session.session_id, set()).add(event)
        self.engine.stream_opened(session)
        return event

    def close_stream(self, session: Session, event: asyncio.Event) -> None:
        """Forget an event stream."""
        events = self._streams.get(session.session_id)
        if events is not None:
            events.discard(event)
            if not events:
                del self._streams[session.session_id]
        self.engine.stream_closed(session, self.clock())


class EventStream:
    """A server-sent-events response: each queued message is one ``data:`` event.

    It ends when the session closes, the client goes away or the server shuts down, and sends a
    comment line every ``keepalive`` seconds while idle.
    """

    def __init__(self, runtime: MockRuntime, session: Session, keepalive: float) -> None:
        self.runtime = runtime
        self.session = session
        self.keepalive = keepalive

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", b"text/event-stream; charset=utf-8"), (b"cache-control", b"no-cache")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        disconnected = asyncio.ensure_future(_wait_disconnect(receive))
        event = self.runtime.open_stream(self.session)
        client_gone = False
        try:
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
        await send({"type": "http.response.body", "body": b": connected\n\n", "more_body": True})
        while not runtime.closing and not disconnected.done():
            event.clear()
            try:
                messages = runtime.engine.take_messages(self.session, runtime.now())
            except EngineError:
                return
            if messages:
                await send({"type": "http.response.body", "body": _events(messages), "more_body": True})
                continue
            waiter: asyncio.Future[Any] = asyncio.ensure_future(event.wait())
            pending: set[asyncio.Future[Any]] = {waiter, disconnected}
            done, _ = await asyncio.wait(pending, timeout=self.keepalive, return_when="FIRST_COMPLETED")
            waiter.cancel()
            if not done:
                await send({"type": "http.response.body", "body": b": keep-alive\n\n", "more_body": True})


def _events(messages: list[dict[str, Any]]) -> bytes:
    return b"".join(
        b"data: " + json.dumps(m, separators=(",", ":"), ensure_ascii=False).encode("utf-8") + b"\n\n"
        for m in messages
    )


async def _wait_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _finish(send: Send) -> None:
    try:
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    except OSError:
        pass
