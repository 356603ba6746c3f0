"""The mock's ``/icws`` routes served straight from the connection, without an ASGI task per request.

uvicorn hands every request to the app in a task of its own, through ASGI's ``receive`` and ``send``
messages, and writes a response's head and body in two writes: 5-12 µs a request, as much as many
``/icws`` routes' own work. ``DirectProtocol`` is the mock's uvicorn protocol
(``ReceiptStampedProtocol``) plus this: once a request on an ``IcwsRoute`` (every ICWS route) is read
whole, it calls the route's handler at once, in the protocol's own callback. When the handler answers
without waiting for anything (every ICWS route does, but for a fault's latency) and the answer is a
plain ``Answer``, it writes the status line, headers and body uvicorn would have written, in one write,
and records the request as ``IcwsGate`` does. Like uvicorn's tasks, it writes the answers of one loop
iteration together, on the loop's next turn (``Outbox``).

Anything else goes the ordinary way, so behaviour is the same either way:

- a handler that waits (a latency fault) continues in an ASGI task; an answer that is not a plain
  ``Answer`` (an event stream, a dropped connection) is sent from one, and ``IcwsGate``'s ending
  (closing a dropped connection, recording) follows it;
- requests on other routes, ``HEAD``, a request expecting ``100 Continue``, a chunked body or one
  longer than the scenario's limit or 64 KiB (uvicorn stops reading there), a connection whose client
  is not reading its answers, and every request of an app uvicorn wraps (at log level ``trace``) go to
  the ASGI app as uvicorn sends them.

``DirectProtocol`` also keeps uvicorn's keep-alive timeout more cheaply: uvicorn arms a loop timer after
every answer and cancels it on the next read (2 µs a request); here a connection has one timer at a
time, which, when it fires on a connection that was busy since, waits again for the rest of the timeout
from the last answer. An idle connection still closes ``timeout_keep_alive`` seconds after its last
answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Coroutine, Generator
from typing import Any, cast

from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.flow_control import HIGH_WATER_LIMIT
from uvicorn.protocols.http.httptools_impl import HEADER_VALUE_RE, STATUS_LINE, RequestResponseCycle

from botagent.mock._gate import Timing, begin_timing, finish, record
from botagent.mock._http import Answer, raw_header
from botagent.mock._icws_asgi import IcwsRequest, IcwsRoute
from botagent.mock._receipt import ReceiptStampedProtocol
from botagent.mock._routing import IndexedRouter
from botagent.mock._runtime import MockRuntime

__all__ = ["DirectIcws", "DirectProtocol", "Outbox"]

_FRAMING_FREE = (204, 304)
"""Statuses sent with neither ``Content-Length`` nor a body."""


class DirectIcws:
    """What ``DirectProtocol`` needs of the mock's app: its router and its runtime.

    Args:
        router: the app's router.
        runtime: the runtime the app's requests are recorded in.
    """

    def __init__(self, router: IndexedRouter, runtime: MockRuntime) -> None:
        self.router = router
        self.runtime = runtime
        self.outbox = Outbox()

    def route(self, scope: Scope) -> IcwsRoute | None:
        """The ``IcwsRoute`` of a request that may be served directly, None for every other request."""
        if scope["method"] == "HEAD" or not scope["path"].startswith("/icws/"):
            return None
        if raw_header(scope, b"transfer-encoding") is not None:
            return None
        length = raw_header(scope, b"content-length")
        if length is not None and not (length.isdigit() and int(length) <= self._body_bound()):
            return None
        route = self.router.match(scope)
        return route if isinstance(route, IcwsRoute) else None

    def _body_bound(self) -> int:
        """The longest body read whole before its handler is called: within the scenario's limit, and
        short enough that uvicorn does not stop reading it."""
        return min(self.runtime.engine.scenario.max_body_bytes, HIGH_WATER_LIMIT)


class Outbox:
    """Answers written once the event loop has read what it polled, all together.

    Writing an answer on loopback wakes its client; answers written back to back find the client
    already awake, while answers written between handling other requests wake it each time. So the
    answers of one loop iteration wait for the next callbacks' turn (``call_soon``) and go out
    together, as uvicorn's tasks would write them. Each request is recorded once its answer is written.
    """

    def __init__(self) -> None:
        self._answers: list[tuple[asyncio.Transport, bytes, Scope, Timing, int]] = []

    def add(
        self, transport: asyncio.Transport, data: bytes, scope: Scope, timing: Timing, status: int
    ) -> None:
        """Write ``data`` on ``transport`` soon, then record the request."""
        if not self._answers:
            asyncio.get_running_loop().call_soon(self.write_all)
        self._answers.append((transport, data, scope, timing, status))

    def write_all(self) -> None:
        """Write every answer waiting, in the order they came."""
        answers, self._answers = self._answers, []
        for transport, data, scope, timing, status in answers:
            if not transport.is_closing():
                transport.write(data)
            record(scope, timing, status)


class DirectProtocol(ReceiptStampedProtocol):
    """uvicorn's httptools protocol (with receipt stamps) serving ``IcwsRoute`` requests directly."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        direct = getattr(self.app, "direct", None)
        self._direct: DirectIcws | None = direct if isinstance(direct, DirectIcws) else None
        self._waiting: tuple[RequestResponseCycle, IcwsRoute] | None = None
        """A request to serve directly once its body is read."""
        self._idle_since: float | None = None
        """Loop time of the last answer when nothing was read after it; None while busy."""

    def _start_asgi_task(self, cycle: RequestResponseCycle, app: Any) -> None:
        route = self._direct_route(cycle, app)
        if route is None:
            super()._start_asgi_task(cycle, app)
        elif cycle.more_body:
            self._waiting = (cycle, route)
        else:  # a pipelined request started as the one before it ends: serve it after that one
            self.loop.call_soon(self._serve, cycle, route)

    def on_message_complete(self) -> None:
        super().on_message_complete()
        waiting = self._waiting
        if waiting is not None and not waiting[0].more_body:
            self._waiting = None
            self._serve(*waiting)

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        if self.timeout_keep_alive_task is not None:
            self.timeout_keep_alive_task.cancel()
            self.timeout_keep_alive_task = None
        waiting, self._waiting = self._waiting, None
        if waiting is not None:  # its body never came whole: the handler reads the disconnect
            self._serve(*waiting)

    # --- the keep-alive timeout: one timer per connection -----------------------------------------

    def _unset_keepalive_if_required(self) -> None:
        self._idle_since = None  # busy: the timer, if it fires, finds it so and leaves the connection

    def on_response_complete(self) -> None:
        """uvicorn's ``on_response_complete``, arming the keep-alive timer only when none is armed."""
        self.server_state.total_requests += 1
        if self.transport.is_closing():
            return
        self.flow.resume_reading()
        if self.pipeline:
            self._idle_since = None
            cycle, app = self.pipeline.pop()
            self._start_asgi_task(cycle, app)
            return
        self._idle_since = self.loop.time()
        if self.timeout_keep_alive_task is None:
            self._arm_keep_alive(self.timeout_keep_alive)

    def _arm_keep_alive(self, delay: float) -> None:
        self.timeout_keep_alive_task = self.loop.call_later(delay, self.timeout_keep_alive_handler)

    def timeout_keep_alive_handler(self) -> None:
        self.timeout_keep_alive_task = None
        if self._idle_since is None:
            return  # busy: its next answer arms the timer again
        left = self._idle_since + self.timeout_keep_alive - self.loop.time()
        if left > 0:
            self._arm_keep_alive(left)
        else:
            super().timeout_keep_alive_handler()

    # --- serving directly ------------------------------------------------------------------------

    def _direct_route(self, cycle: RequestResponseCycle, app: Any) -> IcwsRoute | None:
        if (
            self._direct is None
            or app is not self.app
            or cycle.waiting_for_100_continue
            or self.flow.write_paused
        ):
            return None
        return self._direct.route(cast(Scope, cycle.scope))

    def _serve(self, cycle: RequestResponseCycle, route: IcwsRoute) -> None:
        assert self._direct is not None
        scope = cast(Scope, cycle.scope)
        timing = begin_timing(scope, self._direct.runtime)
        handling = cast(
            Coroutine[Any, Any, Response], route.handler(IcwsRequest(scope, cast(Receive, cycle.receive)))
        )
        try:
            suspended_at = handling.send(None)
        except StopIteration as done:
            answer: Response = done.value
        except Exception as exc:  # uvicorn logs it and answers 500
            self._finish_in_task(cycle, _raise(exc), timing)
            return
        else:
            self._finish_in_task(cycle, _Resumed(handling, suspended_at), timing)
            return
        head = None if cycle.disconnected else _head(answer, self.server_state.default_headers)
        if head is None:
            self._finish_in_task(cycle, _answered(answer), timing)
            return
        cycle.response_started = cycle.response_complete = True
        if not cycle.keep_alive:
            head.append(b"connection: close\r\n")
        head += (b"\r\n", cast(bytes, answer.body))
        self._direct.outbox.add(self.transport, b"".join(head), scope, timing, answer.status_code)
        if not cycle.keep_alive:  # the last answer on this connection: out now, after those before it
            self._direct.outbox.write_all()
            self.transport.close()
        self.on_response_complete()
        cycle.on_response = _answered_already  # as uvicorn does once the app is done: no cycle left

    def _finish_in_task(
        self, cycle: RequestResponseCycle, answer: Awaitable[Response], timing: Timing
    ) -> None:
        async def rest(scope: Scope, receive: Receive, send: Send) -> None:
            await (await answer)(scope, receive, send)
            await finish(scope, receive, send, timing)

        super()._start_asgi_task(cycle, cast(Any, rest))


def _head(answer: Response, default_headers: list[tuple[bytes, bytes]]) -> list[bytes] | None:
    """The status line and header lines uvicorn would write for ``answer``, or None when the answer is
    not one to write directly."""
    if type(answer) is not Answer:
        return None
    status = answer.status_code
    framed = status in _FRAMING_FREE and not answer.body
    head = [STATUS_LINE[status]]
    for name, value in (*default_headers, *answer.raw_headers):
        if name == b"content-length":
            framed = value == str(len(answer.body)).encode("latin-1")
        elif name in (b"connection", b"transfer-encoding") or HEADER_VALUE_RE.search(value):
            return None
        head += (name, b": ", value, b"\r\n")
    return head if framed else None


def _answered_already() -> None:
    """A served request's ``on_response``: the request cycle no longer holds its protocol, so a closed
    connection is freed at once rather than by a full garbage collection."""


async def _answered(answer: Response) -> Response:
    return answer


async def _raise(exc: Exception) -> Response:
    raise exc


class _Resumed:
    """Awaiting it runs the rest of a coroutine started by hand that suspended, yielding ``suspended_at``."""

    __slots__ = ("_coroutine", "_suspended_at")

    def __init__(self, coroutine: Coroutine[Any, Any, Response], suspended_at: Any) -> None:
        self._coroutine = coroutine
        self._suspended_at = suspended_at

    def __await__(self) -> Generator[Any, Any, Response]:
        coroutine = self._coroutine
        yielded = self._suspended_at
        while True:
            try:
                sent = yield yielded
            except GeneratorExit:
                coroutine.close()
                raise
            except BaseException as exc:  # thrown in by the task: a cancellation
                try:
                    yielded = coroutine.throw(exc)
                except StopIteration as done:
                    return done.value  # type: ignore[no-any-return]
            else:
                try:
                    yielded = coroutine.send(sent)
                except StopIteration as done:
                    return done.value  # type: ignore[no-any-return]
