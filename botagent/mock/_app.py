"""The mock's ASGI app: the ``/icws`` routes over the Dialer engine, the ``/mock`` control routes, and
``IcwsGate`` around them (timings of every ``/icws`` request, connections dropped by a fault). Routes are
found by `IndexedRouter` (``_routing.py``); the ``/icws`` routes are served on the lean path of
``_icws_asgi.py``, and the mock's server calls their handlers without ASGI where it can (``_direct.py``).

Unknown routes and wrong methods answer ICWS error bodies (404, 405); a handler that fails on the
server side answers 500 and its exception is kept for ``MockServer`` to raise again. See
``_icws_routes.py`` for the ``/icws`` routes, ``_control.py`` for the ``/mock`` routes (faults, restart,
timings, OpenAPI) and ``_faults.py`` for the fault specification.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp

from botagent.mock._control import control_routes
from botagent.mock._direct import DirectIcws
from botagent.mock._engine import DialerEngine
from botagent.mock._errors import EngineError, ErrorIds
from botagent.mock._gate import STATUS_KEY, IcwsGate
from botagent.mock._http import error_response
from botagent.mock._icws_asgi import IcwsShortcut
from botagent.mock._icws_routes import icws_routes, internal_error
from botagent.mock._routing import IndexedRouter
from botagent.mock._runtime import MockRuntime
from botagent.mock._scenario import Scenario

__all__ = ["create_app"]


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        error = EngineError(
            405, ErrorIds.METHOD_NOT_ALLOWED, f"{request.method} is not allowed on {request.url.path}."
        )
        response = error_response(error)
        response.headers.update(exc.headers or {})
    else:
        response = error_response(
            EngineError(exc.status_code, ErrorIds.NOT_FOUND, f"There is no route {request.url.path}.")
        )
    request.scope[STATUS_KEY] = response.status_code
    return response


async def _unexpected(request: Request, exc: Exception) -> Response:
    runtime: MockRuntime = request.app.state.runtime
    return internal_error(runtime, exc)


def create_app(
    scenario: Scenario | None = None,
    *,
    engine: DialerEngine | None = None,
    clock: Callable[[], float] = time.time,
    ledger_file: Path | None = None,
) -> Starlette:
    """Build the mock ICWS server as an ASGI app.

    Args:
        scenario: what to simulate (the default scenario when None); ignored when ``engine`` is given.
        engine: an engine to serve, e.g. one a test also inspects.
        clock: epoch seconds for the engine; ``time.time`` by default.
        ledger_file: the SQLite file settled ledger entries go to (see ``_settled.py``); ignored when
            ``engine`` is given.

    Returns:
        A Starlette app whose ``state.runtime`` is the ``MockRuntime`` (engine, faults, errors,
        counters, timings), wrapped by ``IcwsGate``.
    """
    runtime = MockRuntime(engine or DialerEngine(scenario, ledger_file=ledger_file), clock)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        runtime.start(asyncio.get_running_loop())
        try:
            yield
        finally:
            runtime.stop()

    app = _MockApp(
        exception_handlers={HTTPException: _http_error, Exception: _unexpected},
        lifespan=lifespan,
    )
    router = app.router = IndexedRouter([*icws_routes(), *control_routes()], lifespan=lifespan)
    app.state.runtime = runtime
    app.direct = DirectIcws(router, runtime)
    return app


class _MockApp(Starlette):
    """Starlette with ``IcwsGate`` outside all of its own middleware, so the gate sees the server's
    ``send`` (and with it the connection it may have to drop), and ``IcwsShortcut`` inside the gate, so
    the ``/icws`` routes skip Starlette's middleware. ``direct`` lets the mock's server protocol serve
    the ``/icws`` routes without ASGI (``_direct.py``)."""

    direct: DirectIcws

    def build_middleware_stack(self) -> ASGIApp:
        router = self.router
        assert isinstance(router, IndexedRouter)
        return IcwsGate(IcwsShortcut(super().build_middleware_stack(), router), self.state.runtime)
