"""The mock's ASGI app: ICWS routes over the Dialer engine, plus the ``/mock/...`` control routes.

The routes are thin: check the session, parse the body with the wire models, call the engine, answer.
Errors are ICWS error bodies with their status (unknown routes included); a handler that fails on
the server side answers 500 and its exception is kept for ``MockServer`` to raise again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Final

from pydantic import TypeAdapter, ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from botagent.icws import (
    AsyncRequest,
    ConnectionRequest,
    ConnectionResponse,
    ConnectionStateResponse,
    DispositionRequest,
    Feature,
    LogInRequest,
    LogOffRequest,
    PlacePreviewCallRequest,
    ReadyForCallsRequest,
    RequestFormDefinitionRequest,
    StationSettings,
    UpdateCallDataRequest,
    UserStatusSubscriptionRequest,
    UserStatusUpdate,
    WireModel,
    format_icws_datetime,
)
from botagent.mock._engine import DialerEngine
from botagent.mock._errors import EngineError, ErrorIds
from botagent.mock._http import (
    CSRF_HEADER,
    SESSION_HEADER,
    empty,
    error_response,
    icws_json,
    parse_body,
    parse_with,
    plain_json,
    read_json,
)
from botagent.mock._runtime import EventStream, MockRuntime
from botagent.mock._scenario import Scenario, format_validation_error
from botagent.mock._state import Session

__all__ = ["create_app"]

_IC_AUTH: Final = "urn:inin.com:connection:icAuthConnectionRequestSettings"
_STATION_ADAPTER: TypeAdapter[Any] = TypeAdapter(StationSettings)
_VERSION: Final = {
    "majorVersion": 15,
    "minorVersion": 3,
    "su": 0,
    "build": 0,
    "productId": "botagent-mock",
    "codebaseId": "botagent-mock",
    "productReleaseDisplayString": "2015 R3 (botagent mock)",
}
_FEATURES: Final = [Feature(feature_id="messaging", version=2)]
_log = logging.getLogger("botagent.mock")

Handler = Callable[[Request, Session, MockRuntime], Awaitable[Response]]


def _runtime(request: Request) -> MockRuntime:
    runtime: MockRuntime = request.app.state.runtime
    return runtime


def _session_route(
    name: str, *, csrf: bool = True
) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """Wrap a handler: authenticate the session, time the call, turn refusals into ICWS errors."""

    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            runtime = _runtime(request)
            started = time.perf_counter()
            session_id = request.path_params["session_id"]
            try:
                session = runtime.engine.authenticate(
                    session_id,
                    csrf_token=request.headers.get(CSRF_HEADER),
                    cookie=request.cookies.get(f"icws_{session_id}"),
                    now=runtime.now(),
                    require_csrf=csrf,
                )
                response = await handler(request, session, runtime)
            except EngineError as exc:
                response = error_response(exc)
            except Exception as exc:
                response = _internal_error(runtime, exc)
            runtime.changed()
            runtime.count(getattr(request.state, "endpoint", name), response.status_code, started)
            return response

        return endpoint

    return wrap


def _internal_error(runtime: MockRuntime, exc: Exception) -> Response:
    _log.error("mock request failed", exc_info=exc)
    runtime.record_error(exc)
    return error_response(
        EngineError(500, ErrorIds.INTERNAL, f"The mock failed: {type(exc).__name__}: {exc}")
    )


# --- connection --------------------------------------------------------------------------------------


async def create_connection(request: Request) -> Response:
    """``POST /icws/connection``: 201 with session id, CSRF token and cookie (reference 1.1, 9)."""
    runtime = _runtime(request)
    started = time.perf_counter()
    try:
        response = await _create_connection(request, runtime)
    except EngineError as exc:
        response = error_response(exc)
    except Exception as exc:
        response = _internal_error(runtime, exc)
    runtime.changed()
    runtime.count("POST /connection", response.status_code, started)
    return response


async def _create_connection(request: Request, runtime: MockRuntime) -> Response:
    if not request.headers.get("accept-language"):
        raise EngineError(400, ErrorIds.ACCEPT_LANGUAGE_REQUIRED, "The Accept-Language header is required.")
    data = await read_json(request)
    if isinstance(data, dict) and data.get("__type", _IC_AUTH) != _IC_AUTH:
        raise EngineError(
            400,
            ErrorIds.UNSUPPORTED_AUTHENTICATION,
            f"The mock supports only {_IC_AUTH} (user name and password).",
            property_name="__type",
        )
    credentials = parse_body(ConnectionRequest, data)
    session = runtime.engine.create_session(credentials.user_id, credentials.password, runtime.now())
    body = _connection_body(session, runtime, _includes(request))
    sid = session.session_id
    headers = {
        SESSION_HEADER: sid,
        CSRF_HEADER: session.csrf_token,
        "Location": f"/icws/{sid}/connection",
        "Set-Cookie": f"icws_{sid}={session.cookie_value}; Path=/icws/{sid}; HttpOnly",
    }
    return icws_json(body, status=201, headers=headers)


def _includes(request: Request) -> set[str]:
    return {part.strip() for value in request.query_params.getlist("include") for part in value.split(",")}


def _connection_body(session: Session, runtime: MockRuntime, include: set[str]) -> ConnectionResponse:
    scenario = runtime.engine.scenario
    return ConnectionResponse(
        csrf_token=session.csrf_token,
        session_id=session.session_id,
        user_id=session.user.user_id,
        user_display_name=session.user.user_id,
        ic_server=scenario.ic_server,
        alternate_host_list=[],
        version=dict(_VERSION) if "version" in include else None,
        features=list(_FEATURES) if "features" in include else None,
        server_time_info=_server_time(runtime) if "server-time" in include else None,
    )


def _server_time(runtime: MockRuntime) -> dict[str, str]:
    return {"serverUtcTime": format_icws_datetime(datetime.fromtimestamp(runtime.now(), UTC))}


@_session_route("GET /connection")
async def get_connection(request: Request, session: Session, runtime: MockRuntime) -> Response:
    """``GET /icws/{sessionId}/connection``: the connection is up."""
    return icws_json(ConnectionStateResponse(connection_state=1))


@_session_route("DELETE /connection")
async def delete_connection(request: Request, session: Session, runtime: MockRuntime) -> Response:
    """``DELETE /icws/{sessionId}/connection``: close the session (200, as a real connector expects)."""
    runtime.engine.close_session(session, runtime.now())
    return empty()


@_session_route("PUT /connection/station")
async def put_station(request: Request, session: Session, runtime: MockRuntime) -> Response:
    """``PUT /icws/{sessionId}/connection/station``: log in to a station (200, no body)."""
    settings = parse_with(_STATION_ADAPTER, await read_json(request))
    runtime.engine.set_station(session, settings.to_wire(), runtime.now())
    return empty()


@_session_route("GET /connection/station")
async def get_station(request: Request, session: Session, runtime: MockRuntime) -> Response:
    """``GET /icws/{sessionId}/connection/station``: the station settings; 404 when none."""
    return icws_json(runtime.engine.station(session, runtime.now()))


@_session_route("DELETE /connection/station")
async def delete_station(request: Request, session: Session, runtime: MockRuntime) -> Response:
    """``DELETE /icws/{sessionId}/connection/station``: log out of the station."""
    runtime.engine.clear_station(session, runtime.now())
    return empty()


async def connection_version(request: Request) -> Response:
    """``GET /icws/connection/version``."""
    return icws_json(dict(_VERSION))


async def connection_features(request: Request) -> Response:
    """``GET /icws/connection/features``: messaging version 2 (server-sent events)."""
    return icws_json({"featureInfoList": [f.to_wire() for f in _FEATURES]})


async def connection_server_time(request: Request) -> Response:
    """``GET /icws/connection/server-time``."""
    return icws_json(_server_time(_runtime(request)))


async def connection_server_info(request: Request) -> Response:
    """``GET /icws/connection/server-info``."""
    runtime = _runtime(request)
    return icws_json({"serverName": runtime.engine.scenario.ic_server, "version": dict(_VERSION)})


# --- messaging ---------------------------------------------------------------------------------------


@_session_route("GET /messaging/messages", csrf=False)
async def get_messages(request: Request, session: Session, runtime: MockRuntime) -> Response:
    """``GET /icws/{sessionId}/messaging/messages``: the queued messages, or an event stream."""
    if "text/event-stream" in request.headers.get("accept", ""):
        request.state.endpoint = "GET /messaging/messages (sse)"
        keepalive = runtime.engine.scenario.behaviour.sse_keepalive
        return _AsResponse(EventStream(runtime, session, keepalive))
    return icws_json(runtime.engine.take_messages(session, runtime.now()))


class _AsResponse(Response):
    """Lets an ASGI callable stand where Starlette expects a Response."""

    def __init__(self, app: EventStream) -> None:
        super().__init__(status_code=200)
        self._app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self._app(scope, receive, send)


@_session_route("POST /messaging/heartbeat")
async def heartbeat(request: Request, session: Session, runtime: MockRuntime) -> Response:
    """``POST /icws/{sessionId}/messaging/heartbeat``: keep the session alive."""
    runtime.engine.touch(session, runtime.now())
    return empty()


@_session_route("PUT /messaging/subscriptions/status/user-statuses")
async def subscribe_user_statuses(request: Request, session: Session, runtime: MockRuntime) -> Response:
    """Subscribe to users' statuses (200; the current statuses arrive as a userStatusMessage)."""
    body = parse_body(UserStatusSubscriptionRequest, await read_json(request))
    runtime.engine.watch_user_statuses(session, body.user_ids, runtime.now())
    return empty()


@_session_route("DELETE /messaging/subscriptions/status/user-statuses")
async def unsubscribe_user_statuses(request: Request, session: Session, runtime: MockRuntime) -> Response:
    """End the user-status subscription (204)."""
    runtime.engine.unwatch_user_statuses(session, runtime.now())
    return empty(204)


@_session_route("PUT /messaging/subscriptions/queues")
async def subscribe_queue(request: Request, session: Session, runtime: MockRuntime) -> Response:
    """Queue subscriptions are accepted (200) but send no messages: the mock has no ACD queues."""
    parse_body(WireModel, await read_json(request))
    runtime.engine.touch(session, runtime.now())
    return empty()


@_session_route("DELETE /messaging/subscriptions/queues")
async def unsubscribe_queue(request: Request, session: Session, runtime: MockRuntime) -> Response:
    """End a queue subscription (204)."""
    runtime.engine.touch(session, runtime.now())
    return empty(204)


# --- status ---------------------------------------------------------------------------------------------


@_session_route("PUT /status/user-statuses")
async def put_user_status(request: Request, session: Session, runtime: MockRuntime) -> Response:
    """Set the user's status: 202 ``{requestId}`` (or 200, per the scenario)."""
    body = parse_body(UserStatusUpdate, await read_json(request))
    request_id = runtime.engine.set_user_status(session, request.path_params["user_id"], body, runtime.now())
    if request_id is None:
        return empty()
    return icws_json(AsyncRequest(request_id=request_id), status=202)


@_session_route("GET /status/user-statuses")
async def get_user_status(request: Request, session: Session, runtime: MockRuntime) -> Response:
    """A user's current status; 404 for an unknown user."""
    return icws_json(runtime.engine.user_status(session, request.path_params["user_id"], runtime.now()))


@_session_route("GET /status/status-messages")
async def get_status_messages(request: Request, session: Session, runtime: MockRuntime) -> Response:
    """The statuses a user can take."""
    runtime.engine.touch(session, runtime.now())
    return icws_json(runtime.engine.status_messages())


# --- Dialer -----------------------------------------------------------------------------------------------

DialerCall = Callable[[DialerEngine, Session, Any, float], object]

_DIALER: Final[dict[str, tuple[type[WireModel] | None, DialerCall]]] = {
    "log-in": (LogInRequest, lambda e, s, b, now: e.dialer_log_in(s, b, now)),
    "log-off": (LogOffRequest, lambda e, s, b, now: e.dialer_log_off(s, b, now)),
    "ready-for-calls": (ReadyForCallsRequest, lambda e, s, b, now: e.ready_for_calls(s, b, now)),
    "request-break": (None, lambda e, s, b, now: e.request_break(s, now)),
    "end-break": (None, lambda e, s, b, now: e.end_break(s, now)),
    "place-preview-call": (PlacePreviewCallRequest, lambda e, s, b, now: e.place_preview_call(s, b, now)),
    "disposition": (DispositionRequest, lambda e, s, b, now: e.disposition(s, b, now)),
    "request-form-definition": (
        RequestFormDefinitionRequest,
        lambda e, s, b, now: e.form_definition(s, b, now),
    ),
    "update-call-data": (UpdateCallDataRequest, lambda e, s, b, now: e.update_call_data(s, b, now)),
    "establish-persistent-connection": (None, lambda e, s, b, now: e.touch(s, now)),
}
_NOT_SIMULATED: Final = frozenset(
    {
        "reset-campaign",
        "recycle-campaign",
        "transition-campaign",
        "initiate-manual-outbound-call",
        "request-phone-number-details",
        "set-agent-type",
        "mark-call-for-finishing",
        "transfer-to-attendant-profile",
        "request-contact-data",
        "update-stage",
        "allocate-agents",
    }
)


async def dialer(request: Request) -> Response:
    """``POST /icws/{sessionId}/dialer/<name>``: dispatch to the engine; 200 with no body on success."""
    name = request.path_params["name"]
    known = name in _DIALER or name in _NOT_SIMULATED
    return await _dialer_endpoints[name if known else ""](request)


def _make_dialer_endpoint(name: str) -> Callable[[Request], Awaitable[Response]]:
    @_session_route(f"POST /dialer/{name}" if name else "POST /dialer/(unknown)")
    async def endpoint(request: Request, session: Session, runtime: MockRuntime) -> Response:
        if name in _NOT_SIMULATED:
            raise EngineError(501, ErrorIds.NOT_SIMULATED, f"The mock does not simulate dialer/{name}.")
        if name not in _DIALER:
            raise EngineError(
                404, ErrorIds.NOT_FOUND, f"There is no Dialer request '{request.path_params['name']}'."
            )
        model, call = _DIALER[name]
        data = await read_json(request)
        body = parse_body(model, data) if model is not None else None
        result = call(runtime.engine, session, body, runtime.now())
        return icws_json(result) if isinstance(result, WireModel) else empty()

    return endpoint


_dialer_endpoints = {name: _make_dialer_endpoint(name) for name in ("", *_DIALER, *_NOT_SIMULATED)}


# --- control routes ------------------------------------------------------------------------------------


async def mock_ledger(request: Request) -> Response:
    """``GET /mock/ledger``: every call record and per-campaign counters."""
    return plain_json(_runtime(request).engine.ledger())


async def mock_sessions(request: Request) -> Response:
    """``GET /mock/sessions``: one summary per open session."""
    return plain_json(_runtime(request).engine.sessions_snapshot())


async def mock_health(request: Request) -> Response:
    """``GET /mock/health``: alive, and how busy."""
    return plain_json(_runtime(request).engine.health())


async def mock_stats(request: Request) -> Response:
    """``GET /mock/stats``: per-endpoint request counts, errors and mean handling time."""
    return plain_json(_runtime(request).stats_body())


async def mock_scenario(request: Request) -> Response:
    """``GET /mock/scenario``: the scenario being simulated."""
    return plain_json(_runtime(request).engine.scenario.model_dump(mode="json"))


async def mock_reset(request: Request) -> Response:
    """``POST /mock/reset``: start over; a JSON body, when given, is a new scenario."""
    runtime = _runtime(request)
    try:
        data = await read_json(request)
        scenario = None if data is None else _scenario_from_json(data)
    except EngineError as exc:
        return error_response(exc)
    runtime.engine.reset(scenario)
    runtime.changed()
    return plain_json({"reset": True})


def _scenario_from_json(data: Any) -> Scenario:
    if not isinstance(data, dict):
        raise EngineError(400, ErrorIds.INVALID_REPRESENTATION, "The scenario must be a JSON object.")
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise EngineError(400, ErrorIds.INVALID_PROPERTY, format_validation_error("scenario", exc)) from None


# --- app --------------------------------------------------------------------------------------------------


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        error = EngineError(
            405, ErrorIds.METHOD_NOT_ALLOWED, f"{request.method} is not allowed on {request.url.path}."
        )
        response = error_response(error)
        response.headers.update(exc.headers or {})
        return response
    return error_response(
        EngineError(exc.status_code, ErrorIds.NOT_FOUND, f"There is no route {request.url.path}.")
    )


async def _unexpected(request: Request, exc: Exception) -> Response:
    return _internal_error(_runtime(request), exc)


def _routes() -> list[Route]:
    session = "/icws/{session_id}"
    return [
        Route("/icws/connection", create_connection, methods=["POST"]),
        Route("/icws/connection/version", connection_version, methods=["GET"]),
        Route("/icws/connection/features", connection_features, methods=["GET"]),
        Route("/icws/connection/server-time", connection_server_time, methods=["GET"]),
        Route("/icws/connection/server-info", connection_server_info, methods=["GET"]),
        Route(f"{session}/connection", get_connection, methods=["GET"]),
        Route(f"{session}/connection", delete_connection, methods=["DELETE"]),
        Route(f"{session}/connection/station", put_station, methods=["PUT"]),
        Route(f"{session}/connection/station", get_station, methods=["GET"]),
        Route(f"{session}/connection/station", delete_station, methods=["DELETE"]),
        Route(f"{session}/messaging/messages", get_messages, methods=["GET"]),
        Route(f"{session}/messaging/heartbeat", heartbeat, methods=["POST"]),
        Route(
            f"{session}/messaging/subscriptions/status/user-statuses",
            subscribe_user_statuses,
            methods=["PUT"],
        ),
        Route(
            f"{session}/messaging/subscriptions/status/user-statuses",
            unsubscribe_user_statuses,
            methods=["DELETE"],
        ),
        Route(
            f"{session}/messaging/subscriptions/queues/{{subscription_id}}", subscribe_queue, methods=["PUT"]
        ),
        Route(
            f"{session}/messaging/subscriptions/queues/{{subscription_id}}",
            unsubscribe_queue,
            methods=["DELETE"],
        ),
        Route(f"{session}/status/user-statuses/{{user_id}}", put_user_status, methods=["PUT"]),
        Route(f"{session}/status/user-statuses/{{user_id}}", get_user_status, methods=["GET"]),
        Route(f"{session}/status/status-messages", get_status_messages, methods=["GET"]),
        Route(f"{session}/dialer/{{name}}", dialer, methods=["POST"]),
        Route("/mock/ledger", mock_ledger, methods=["GET"]),
        Route("/mock/sessions", mock_sessions, methods=["GET"]),
        Route("/mock/health", mock_health, methods=["GET"]),
        Route("/mock/stats", mock_stats, methods=["GET"]),
        Route("/mock/scenario", mock_scenario, methods=["GET"]),
        Route("/mock/reset", mock_reset, methods=["POST"]),
    ]


def create_app(
    scenario: Scenario | None = None,
    *,
    engine: DialerEngine | None = None,
    clock: Callable[[], float] = time.time,
) -> Starlette:
    """Build the mock ICWS server as an ASGI app.

    Args:
        scenario: what to simulate (the default scenario when None); ignored when ``engine`` is given.
        engine: an engine to serve, e.g. one a test also inspects.
        clock: epoch seconds for the engine; ``time.time`` by default.

    Returns:
        A Starlette app whose ``state.runtime`` is the ``MockRuntime`` (engine, errors, counters).
    """
    runtime = MockRuntime(engine or DialerEngine(scenario), clock)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        runtime.start(asyncio.get_running_loop())
        try:
            yield
        finally:
            runtime.stop()

    app = Starlette(
        routes=_routes(),
        exception_handlers={HTTPException: _http_error, Exception: _unexpected},
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    return app
