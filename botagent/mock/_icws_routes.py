"""The mock's ``/icws`` routes: check the session, apply faults, parse the body, call the engine, answer.

Every handler is wrapped by ``session_route`` (authenticated, under ``/icws/{sessionId}``) or
``plain_route`` (no session), which carry its ``RouteDoc`` and do the common work in this order:

1. note the stable endpoint name in the ASGI scope (for ``IcwsGate``'s counters and timings);
2. when faults are in force, ask the injector about this request (its user is known only when the
   request's credentials are right; nothing is changed to find out) and apply the hit: wait the
   latency, then answer the error, drop the connection, or lose the session before going on;
3. authenticate and run the handler; an ``EngineError`` becomes its ICWS error response and any other
   exception a 500 (kept for ``MockServer`` to raise again).

Errors are ICWS error bodies with their status. Bodies are read with the scenario's size limit and
validated from their bytes in one pass. Handlers read an ``IcwsRequest`` and answer ``Answer`` objects
(``_icws_asgi.py``, ``_http.py``); constant answers are built once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Final

from pydantic import TypeAdapter
from starlette.responses import Response

from botagent.mock._endpoints import RouteDoc, documented
from botagent.mock._engine import DialerEngine
from botagent.mock._errors import EngineError, ErrorIds
from botagent.mock._faults import ErrorFault, SessionLossFault, SseCutFault
from botagent.mock._gate import ENDPOINT_KEY, RUNTIME_KEY, STATUS_KEY, DropConnection
from botagent.mock._http import (
    CSRF_HEADER,
    SESSION_HEADER,
    Answer,
    empty,
    error_response,
    icws_bytes,
    icws_json,
    parse_body,
    parse_with,
    read_json,
    read_model,
)
from botagent.mock._icws_asgi import IcwsRequest, IcwsRoute
from botagent.mock._runtime import MockRuntime
from botagent.mock._server_info import (
    VERSION,
    connection_extras,
    feature,
    feature_list,
    server_info,
    switchover_status,
)
from botagent.mock._state import ServerSession
from botagent.mock._stream import EventStream
from botagent.wire import (
    DIALER_ENDPOINTS,
    AsyncRequest,
    ConfigurationUser,
    ConnectionRequest,
    ConnectionResponse,
    ConnectionStateResponse,
    DispositionRequest,
    Endpoint,
    Feature,
    FeatureList,
    FormDefinition,
    LicenseOperationResults,
    LicenseRequest,
    LogInRequest,
    LogOffRequest,
    Message,
    PlacePreviewCallRequest,
    QueueSubscriptionRequest,
    ReadyForCallsRequest,
    RequestFormDefinitionRequest,
    ServerInfo,
    StationInformation,
    StationSettings,
    StatusMessageList,
    SwitchoverStatus,
    UpdateCallDataRequest,
    UserStatus,
    UserStatusSubscriptionRequest,
    UserStatusUpdate,
    VersionInfo,
    WireModel,
    format_icws_datetime,
)

__all__ = ["CONNECTION_UP", "accepted", "icws_routes", "internal_error"]

_IC_AUTH: Final = "urn:inin.com:connection:icAuthConnectionRequestSettings"
_STATION_ADAPTER: TypeAdapter[Any] = TypeAdapter(StationSettings)
_log = logging.getLogger("botagent.mock")

Handler = Callable[[IcwsRequest], Awaitable[Response]]
Call = Callable[[IcwsRequest, MockRuntime], Awaitable[Response]]
SessionHandler = Callable[[IcwsRequest, ServerSession, MockRuntime], Awaitable[Response]]


def _runtime(request: IcwsRequest) -> MockRuntime:
    runtime: MockRuntime = request.scope[RUNTIME_KEY]
    return runtime


def internal_error(runtime: MockRuntime, exc: Exception) -> Response:
    """Log and keep a server-side exception; answer 500 with an ICWS error body."""
    _log.error("mock request failed", exc_info=exc)
    runtime.record_error(exc)
    return error_response(
        EngineError(500, ErrorIds.INTERNAL, f"The mock failed: {type(exc).__name__}: {exc}")
    )


def _limit(runtime: MockRuntime) -> int:
    return runtime.engine.scenario.max_body_bytes


# --- the wrappers -----------------------------------------------------------------------------------


def _endpoint(doc: RouteDoc, call: Call) -> Handler:
    async def endpoint(request: IcwsRequest) -> Response:
        runtime = _runtime(request)
        name = doc.name
        if doc.stream_name is not None and "text/event-stream" in (request.header("accept") or ""):
            name = doc.stream_name
        request.scope[ENDPOINT_KEY] = name
        try:
            response = await _faulted(request, runtime, doc, name) if runtime.faults.request_active else None
            if response is None:
                response = await call(request, runtime)
        except EngineError as exc:
            response = error_response(exc)
        except Exception as exc:
            response = internal_error(runtime, exc)
        runtime.changed()
        request.scope[STATUS_KEY] = response.status_code
        return response

    return documented(doc)(endpoint)


def plain_route(doc: RouteDoc) -> Callable[[Call], Handler]:
    """Wrap a handler of a route without a session (``handler(request, runtime)``)."""

    def wrap(handler: Call) -> Handler:
        return _endpoint(doc, handler)

    return wrap


def session_route(doc: RouteDoc) -> Callable[[SessionHandler], Handler]:
    """Wrap a handler of a session route (``handler(request, session, runtime)``), authenticating first."""

    def wrap(handler: SessionHandler) -> Handler:
        def call(request: IcwsRequest, runtime: MockRuntime) -> Awaitable[Response]:
            # A plain function returning the handler's coroutine: one coroutine less per request.
            session_id = request.path_params["session_id"]
            if runtime.pair is not None and runtime.pair.is_backup(_listener(request)):
                raise EngineError(401, ErrorIds.INVALID_SESSION, f"Session '{session_id}' does not exist.")
            session = runtime.engine.authenticate(
                session_id,
                csrf_token=request.header(CSRF_HEADER),
                cookie=request.cookie(f"icws_{session_id}"),
                now=runtime.now(),
                require_csrf=doc.csrf,
            )
            return handler(request, session, runtime)

        return _endpoint(doc, call)

    return wrap


async def _faulted(request: IcwsRequest, runtime: MockRuntime, doc: RouteDoc, name: str) -> Response | None:
    session = _peek_session(request, runtime, doc)
    user = session.user.user_id if session is not None else await _connecting_user(request, runtime, doc)
    hit = runtime.faults.on_request(name, user, runtime.now(), session=session is not None)
    if hit is None:
        return None
    if hit.latency > 0.0:
        _log.debug("fault: %s waits %.3f s", name, hit.latency)
        await asyncio.sleep(hit.latency)
    fault = hit.fault
    if fault is None:
        return None
    _log.info("fault %s (%s) hit %s", fault.id, fault.kind, name)
    spec = fault.spec
    if isinstance(spec, ErrorFault):
        return _fault_error(spec, fault.id)
    if isinstance(spec, SessionLossFault):
        assert session is not None
        runtime.lose_session(session)
        return None
    return DropConnection()


def _peek_session(request: IcwsRequest, runtime: MockRuntime, doc: RouteDoc) -> ServerSession | None:
    if not doc.session:
        return None
    session_id = request.path_params["session_id"]
    return runtime.engine.peek(
        session_id,
        csrf_token=request.header(CSRF_HEADER),
        cookie=request.cookie(f"icws_{session_id}"),
        require_csrf=doc.csrf,
    )


async def _connecting_user(request: IcwsRequest, runtime: MockRuntime, doc: RouteDoc) -> str | None:
    if doc.body is not ConnectionRequest:
        return None
    try:
        data = await read_json(request, _limit(runtime))
    except EngineError:
        return None
    user = data.get("userID") if isinstance(data, dict) else None
    return user if isinstance(user, str) else None


def _fault_error(spec: ErrorFault, fault_id: str) -> Response:
    if spec.status == 503:
        error = EngineError(
            503, ErrorIds.SERVICE_UNAVAILABLE, f"The server is unavailable (mock fault {fault_id})."
        )
    else:
        error = EngineError(500, ErrorIds.INTERNAL, f"The server failed (mock fault {fault_id}).")
    response = error_response(error)
    if spec.retry_after is not None:
        response.headers["Retry-After"] = f"{spec.retry_after:g}"
    return response


# --- connection --------------------------------------------------------------------------------------


@plain_route(
    RouteDoc(
        name=Endpoint.CONNECT,
        summary="Create a session (user name and password); 201 with session id, CSRF token and cookie.",
        session=False,
        csrf=False,
        accept_language=True,
        body=ConnectionRequest,
        body_required=True,
        ok=201,
        response=ConnectionResponse,
    )
)
async def create_connection(request: IcwsRequest, runtime: MockRuntime) -> Response:
    """``POST /icws/connection``: 201 with session id, CSRF token and cookie (reference 1.1, 9)."""
    if not request.header("accept-language"):
        raise EngineError(400, ErrorIds.ACCEPT_LANGUAGE_REQUIRED, "The Accept-Language header is required.")
    _refuse_on_backup(request, runtime)
    data = await read_json(request, _limit(runtime))
    if isinstance(data, dict) and data.get("__type", _IC_AUTH) != _IC_AUTH:
        raise EngineError(
            400,
            ErrorIds.UNSUPPORTED_AUTHENTICATION,
            f"The mock supports only {_IC_AUTH} (user name and password).",
            property_name="__type",
        )
    credentials = parse_body(ConnectionRequest, data)
    app = credentials.application_name
    session = runtime.engine.create_session(
        credentials.user_id, credentials.password, runtime.now(), application_name=app
    )
    body = _connection_body(session, runtime, _includes(request))
    sid = session.session_id
    headers = {
        SESSION_HEADER: sid,
        CSRF_HEADER: session.csrf_token,
        "Location": f"/icws/{sid}/connection",
        "Set-Cookie": f"icws_{sid}={session.cookie_value}; Path=/icws/{sid}; HttpOnly",
    }
    return icws_json(body, status=201, headers=headers)


def _listener(request: IcwsRequest) -> str:
    host, port = request.scope.get("server") or ("", 0)
    return f"{host}:{port}"


def _refuse_on_backup(request: IcwsRequest, runtime: MockRuntime) -> None:
    """The backup of a switchover pair answers the connection request with 503 and the primary in
    ``alternateHostList`` (seed reference 1.1)."""
    pair = runtime.pair
    if pair is not None and pair.is_backup(_listener(request)):
        raise EngineError(
            503,
            ErrorIds.SERVICE_UNAVAILABLE,
            "This server is the backup of a switchover pair; connect to the primary.",
            alternate_hosts=(pair.primary,),
        )


def _includes(request: IcwsRequest) -> set[str]:
    return {part.strip() for value in request.query_params.getlist("include") for part in value.split(",")}


def _connection_body(session: ServerSession, runtime: MockRuntime, include: set[str]) -> dict[str, Any]:
    scenario = runtime.engine.scenario
    features = feature_list(scenario.behaviour.feature_versions).feature_info_list
    body = ConnectionResponse(
        csrf_token=session.csrf_token,
        session_id=session.session_id,
        user_id=session.user.user_id,
        user_display_name=session.user.user_id,
        ic_server=scenario.ic_server,
        alternate_host_list=[runtime.pair.backup] if runtime.pair is not None else [],
        version=VERSION.to_wire() if "version" in include else None,
        features=features if "features" in include else None,
        server_time_info=_server_time(runtime) if "server-time" in include else None,
    ).to_wire()
    body.update(connection_extras(session.station, include))
    return body


def _server_time(runtime: MockRuntime) -> dict[str, str]:
    return {"serverUtcTime": format_icws_datetime(datetime.fromtimestamp(runtime.now(), UTC))}


def _no_session(name: Endpoint, summary: str, response: Any = None) -> RouteDoc:
    return RouteDoc(name=name, summary=summary, session=False, csrf=False, response=response)


@plain_route(_no_session(Endpoint.VERSION, "The server version; every field a string.", VersionInfo))
async def connection_version(request: IcwsRequest, runtime: MockRuntime) -> Response:
    """``GET /icws/connection/version``: strings, as the official version page types them."""
    return icws_json(VERSION)


@plain_route(_no_session(Endpoint.FEATURES, "The features the mock serves and their versions.", FeatureList))
async def connection_features(request: IcwsRequest, runtime: MockRuntime) -> Response:
    """``GET /icws/connection/features``: connection, dialer, messaging (2: SSE), queues, status."""
    return icws_json(feature_list(runtime.engine.scenario.behaviour.feature_versions))


@plain_route(_no_session(Endpoint.FEATURE, "One feature's version; 404 when not served.", Feature))
async def connection_feature(request: IcwsRequest, runtime: MockRuntime) -> Response:
    """``GET /icws/connection/features/{featureId}``: one feature's version (official versioning page)."""
    versions = runtime.engine.scenario.behaviour.feature_versions
    return icws_json(feature(versions, request.path_params["feature_id"]))


@plain_route(_no_session(Endpoint.SERVER_TIME, "The server's UTC time.", dict[str, str]))
async def connection_server_time(request: IcwsRequest, runtime: MockRuntime) -> Response:
    """``GET /icws/connection/server-time``."""
    return icws_json(_server_time(runtime))


@plain_route(_no_session(Endpoint.SERVER_INFO, "Languages and how to authenticate.", ServerInfo))
async def connection_server_info(request: IcwsRequest, runtime: MockRuntime) -> Response:
    """``GET /icws/connection/server-info``: ``languages``, ``acceptLanguage``, ``authentication``."""
    return icws_json(server_info(request.header("accept-language")))


@session_route(
    RouteDoc(
        name=Endpoint.SWITCHOVER_STATUS,
        summary="Switchover status: a stand-alone server, or the pair's primary and backup (connection 11).",
        response=SwitchoverStatus,
    )
)
async def get_switchover_status(
    request: IcwsRequest, session: ServerSession, runtime: MockRuntime
) -> Response:
    """``GET /icws/{sessionId}/connection/switchover-status``: the pair, or a stand-alone server."""
    runtime.engine.touch(session, runtime.now())
    if runtime.pair is not None:
        return icws_json(runtime.pair.status())
    return icws_json(switchover_status(runtime.engine.scenario.ic_server))


CONNECTION_UP: Final = icws_json(ConnectionStateResponse(connection_state=1))
"""The answer of every ``GET connection``, built once from its wire model."""


@session_route(
    RouteDoc(
        name=Endpoint.CONNECTION_STATE, summary="The connection state (up).", response=ConnectionStateResponse
    )
)
async def get_connection(request: IcwsRequest, session: ServerSession, runtime: MockRuntime) -> Response:
    """``GET /icws/{sessionId}/connection``: the connection is up."""
    return CONNECTION_UP


@session_route(RouteDoc(name=Endpoint.DISCONNECT, summary="Close the session (200, no body)."))
async def delete_connection(request: IcwsRequest, session: ServerSession, runtime: MockRuntime) -> Response:
    """``DELETE /icws/{sessionId}/connection``: close the session (200, as a real connector expects)."""
    runtime.engine.close_session(session, runtime.now())
    return empty()


@session_route(
    RouteDoc(
        name=Endpoint.SET_STATION,
        summary="Log in to a station.",
        body=StationSettings,
        body_required=True,
    )
)
async def put_station(request: IcwsRequest, session: ServerSession, runtime: MockRuntime) -> Response:
    """``PUT /icws/{sessionId}/connection/station``: log in to a station (200, no body)."""
    settings = parse_with(_STATION_ADAPTER, await read_json(request, _limit(runtime)))
    runtime.engine.set_station(session, settings.to_wire(), runtime.now())
    return empty()


@session_route(
    RouteDoc(
        name=Endpoint.GET_STATION,
        summary="The station logged in to (stationInformation); 404 when none.",
        response=StationInformation,
    )
)
async def get_station(request: IcwsRequest, session: ServerSession, runtime: MockRuntime) -> Response:
    """``GET /icws/{sessionId}/connection/station``: the ``stationInformation``; 404 when none."""
    return icws_json(runtime.engine.station(session, runtime.now()))


@session_route(RouteDoc(name=Endpoint.CLEAR_STATION, summary="Log out of the station."))
async def delete_station(request: IcwsRequest, session: ServerSession, runtime: MockRuntime) -> Response:
    """``DELETE /icws/{sessionId}/connection/station``: log out of the station."""
    runtime.engine.clear_station(session, runtime.now())
    return empty()


# --- licences -----------------------------------------------------------------------------------------


@session_route(
    RouteDoc(
        name=Endpoint.ACQUIRE_LICENSES,
        summary="Acquire licences for the session user from the scenario's pools (licenseOperationResults).",
        body=LicenseRequest,
        body_required=True,
        response=LicenseOperationResults,
    )
)
async def post_licenses(request: IcwsRequest, session: ServerSession, runtime: MockRuntime) -> Response:
    """``POST /icws/{sessionId}/licenses``: 200 with one result per licence, acquired or not."""
    body = await read_model(request, LicenseRequest, _limit(runtime))
    return icws_json(runtime.engine.acquire_licenses(session, body, runtime.now()))


# --- messaging ---------------------------------------------------------------------------------------


@session_route(
    RouteDoc(
        name=Endpoint.POLL_MESSAGES,
        summary="The queued messages (JSON array), or with Accept: text/event-stream an event stream.",
        csrf=False,
        response=list[Message],
        stream_name=Endpoint.OPEN_EVENT_STREAM,
    )
)
async def get_messages(request: IcwsRequest, session: ServerSession, runtime: MockRuntime) -> Response:
    """``GET /icws/{sessionId}/messaging/messages``: the queued messages, or an event stream."""
    if request.scope[ENDPOINT_KEY] == Endpoint.OPEN_EVENT_STREAM:
        keepalive = runtime.engine.scenario.behaviour.sse_keepalive
        cut = runtime.faults.on_stream(session.user.user_id, runtime.now())
        if cut is not None:
            _log.info("fault %s (sse_cut) hit %s", cut.id, Endpoint.OPEN_EVENT_STREAM)
        after = cut.spec.after_events if cut is not None and isinstance(cut.spec, SseCutFault) else None
        return _AsResponse(EventStream(runtime, session, keepalive, after))
    return icws_json(runtime.take_messages(session))


class _AsResponse(Answer):
    """Lets an ASGI callable stand where an answer is expected."""

    def __init__(self, app: EventStream) -> None:
        super().__init__(200)
        self._app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self._app(scope, receive, send)


@session_route(RouteDoc(name=Endpoint.HEARTBEAT, summary="Keep the session alive."))
async def heartbeat(request: IcwsRequest, session: ServerSession, runtime: MockRuntime) -> Response:
    """``POST /icws/{sessionId}/messaging/heartbeat``: keep the session alive."""
    runtime.engine.touch(session, runtime.now())
    return empty()


@session_route(
    RouteDoc(
        name=Endpoint.SUBSCRIBE_USER_STATUSES,
        summary="Subscribe to users' statuses (a userStatusMessage follows).",
        body=UserStatusSubscriptionRequest,
        body_required=True,
    )
)
async def subscribe_user_statuses(
    request: IcwsRequest, session: ServerSession, runtime: MockRuntime
) -> Response:
    """Subscribe to users' statuses (200; the current statuses arrive as a userStatusMessage)."""
    body = await read_model(request, UserStatusSubscriptionRequest, _limit(runtime))
    runtime.engine.watch_user_statuses(session, body.user_ids, runtime.now())
    return empty()


@session_route(
    RouteDoc(
        name=Endpoint.UNSUBSCRIBE_USER_STATUSES,
        summary="End the status subscription.",
        ok=204,
    )
)
async def unsubscribe_user_statuses(
    request: IcwsRequest, session: ServerSession, runtime: MockRuntime
) -> Response:
    """End the user-status subscription (204)."""
    runtime.engine.unwatch_user_statuses(session, runtime.now())
    return empty(204)


@session_route(
    RouteDoc(
        name=Endpoint.SUBSCRIBE_QUEUES,
        summary="Watch queues: the session user's own user queue sends queueContentsMessage.",
        body=QueueSubscriptionRequest,
        body_required=True,
    )
)
async def subscribe_queue(request: IcwsRequest, session: ServerSession, runtime: MockRuntime) -> Response:
    """Create or replace a queue subscription (200); the user's own queue sends its Dialer calls."""
    body = await read_model(request, QueueSubscriptionRequest, _limit(runtime))
    subscription_id = request.path_params["subscription_id"]
    runtime.engine.subscribe_queue(session, subscription_id, body, runtime.now())
    return empty()


@session_route(RouteDoc(name=Endpoint.UNSUBSCRIBE_QUEUES, summary="End a queue subscription.", ok=204))
async def unsubscribe_queue(request: IcwsRequest, session: ServerSession, runtime: MockRuntime) -> Response:
    """End a queue subscription (204)."""
    runtime.engine.unsubscribe_queue(session, request.path_params["subscription_id"], runtime.now())
    return empty(204)


@session_route(RouteDoc(name=Endpoint.DISCONNECT_INTERACTION, summary="Disconnect an interaction."))
async def disconnect_interaction(
    request: IcwsRequest, session: ServerSession, runtime: MockRuntime
) -> Response:
    """Disconnect an interaction on the user's queue (200); 404 for one it never had."""
    runtime.engine.disconnect_interaction(session, request.path_params["interaction_id"], runtime.now())
    return empty()


@session_route(RouteDoc(name=Endpoint.PICKUP_INTERACTION, summary="Pick up an alerting interaction."))
async def pickup_interaction(request: IcwsRequest, session: ServerSession, runtime: MockRuntime) -> Response:
    """Pick up an ACD interaction alerting the user (200); 404 for one it never had."""
    runtime.engine.pick_up_interaction(session, request.path_params["interaction_id"], runtime.now())
    return empty()


@session_route(
    RouteDoc(
        name=Endpoint.CONFIGURATION_USER,
        summary="The session user's configuration; securityRights.loginCampaign when selected.",
        response=ConfigurationUser,
    )
)
async def get_configuration_user(
    request: IcwsRequest, session: ServerSession, runtime: MockRuntime
) -> Response:
    """The configuration user (``?select=securityRights`` or ``*``); 403 for another user."""
    select = request.query_params.get("select", "")
    user = runtime.engine.configuration_user(session, request.path_params["user_id"], select, runtime.now())
    return icws_json(user)


# --- status ---------------------------------------------------------------------------------------------


@session_route(
    RouteDoc(
        name=Endpoint.SET_STATUS,
        summary="Set the session user's status: 202 {requestId} (or 200, per the scenario).",
        body=UserStatusUpdate,
        body_required=True,
        ok=202,
        other_ok=(200,),
        response=AsyncRequest,
    )
)
async def put_user_status(request: IcwsRequest, session: ServerSession, runtime: MockRuntime) -> Response:
    """Set the user's status: 202 ``{requestId}`` (or 200, per the scenario)."""
    body = await read_model(request, UserStatusUpdate, _limit(runtime))
    request_id = runtime.engine.set_user_status(session, request.path_params["user_id"], body, runtime.now())
    if request_id is None:
        return empty()
    return accepted(request_id)


def accepted(request_id: str) -> Answer:
    """The 202 answer naming an asynchronous request: ``AsyncRequest``'s wire form, built as a dict."""
    if request_id.isdigit():
        return icws_bytes(b'{"requestId":"' + request_id.encode("ascii") + b'"}', status=202)
    return icws_json({"requestId": request_id}, status=202)


@session_route(RouteDoc(name=Endpoint.GET_STATUS, summary="A user's current status.", response=UserStatus))
async def get_user_status(request: IcwsRequest, session: ServerSession, runtime: MockRuntime) -> Response:
    """A user's current status; 404 for an unknown user."""
    return icws_json(runtime.engine.user_status(session, request.path_params["user_id"], runtime.now()))


@session_route(
    RouteDoc(
        name=Endpoint.STATUS_MESSAGES,
        summary="The statuses a user can take.",
        response=StatusMessageList,
    )
)
async def get_status_messages(request: IcwsRequest, session: ServerSession, runtime: MockRuntime) -> Response:
    """The statuses a user can take."""
    runtime.engine.touch(session, runtime.now())
    return icws_json(runtime.engine.status_messages())


# --- Dialer -----------------------------------------------------------------------------------------------

DialerCall = Callable[[DialerEngine, ServerSession, Any, float], object]

_DIALER: Final[dict[Endpoint, tuple[type[WireModel] | None, DialerCall]]] = {
    Endpoint.DIALER_LOG_IN: (LogInRequest, lambda e, s, b, now: e.dialer_log_in(s, b, now)),
    Endpoint.DIALER_LOG_OFF: (LogOffRequest, lambda e, s, b, now: e.dialer_log_off(s, b, now)),
    Endpoint.READY_FOR_CALLS: (ReadyForCallsRequest, lambda e, s, b, now: e.ready_for_calls(s, b, now)),
    Endpoint.REQUEST_BREAK: (None, lambda e, s, b, now: e.request_break(s, now)),
    Endpoint.END_BREAK: (None, lambda e, s, b, now: e.end_break(s, now)),
    Endpoint.PLACE_PREVIEW_CALL: (
        PlacePreviewCallRequest,
        lambda e, s, b, now: e.place_preview_call(s, b, now),
    ),
    Endpoint.DISPOSITION: (DispositionRequest, lambda e, s, b, now: e.disposition(s, b, now)),
    Endpoint.REQUEST_FORM_DEFINITION: (
        RequestFormDefinitionRequest,
        lambda e, s, b, now: e.form_definition(s, b, now),
    ),
    Endpoint.UPDATE_CALL_DATA: (UpdateCallDataRequest, lambda e, s, b, now: e.update_call_data(s, b, now)),
    Endpoint.ESTABLISH_PERSISTENT_CONNECTION: (None, lambda e, s, b, now: e.touch(s, now)),
}
_ACCEPTED: Final = frozenset(
    {Endpoint.REQUEST_BREAK, Endpoint.ESTABLISH_PERSISTENT_CONNECTION, Endpoint.UPDATE_CALL_DATA}
)
"""Dialer calls answered 202 Accepted (their official pages), the others 200."""
_NOT_SIMULATED: Final = frozenset(
    {
        "perform-call-list-query",
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


def _dialer_endpoint(name: Endpoint) -> Handler:
    model, call = _DIALER[name]
    response = FormDefinition if name is Endpoint.REQUEST_FORM_DEFINITION else None
    ok = 202 if name in _ACCEPTED else 200
    summary = f"Dialer {name.path.removeprefix('/')}" + (" (202 Accepted)." if ok == 202 else ".")
    doc = RouteDoc(name=name, summary=summary, body=model, ok=ok, response=response)

    @session_route(doc)
    async def endpoint(request: IcwsRequest, session: ServerSession, runtime: MockRuntime) -> Response:
        body = None
        if model is None:
            await read_json(request, _limit(runtime))  # no body expected, but a malformed one is refused
        else:
            body = await read_model(request, model, _limit(runtime))
        result = call(runtime.engine, session, body, runtime.now())
        return icws_json(result) if isinstance(result, WireModel) else empty(ok)

    return endpoint


@session_route(
    RouteDoc(
        name=Endpoint.DIALER_UNKNOWN,
        summary="Any other Dialer request: 501 notSimulated for one a real server has, else 404.",
    )
)
async def other_dialer(request: IcwsRequest, session: ServerSession, runtime: MockRuntime) -> Response:
    """A Dialer request the mock does not serve: 501 ``notSimulated`` when a real server has it (the
    mock cannot carry it out), 404 for a name no server has."""
    name = request.path_params["name"]
    if name in _NOT_SIMULATED:
        raise EngineError(501, ErrorIds.NOT_SIMULATED, f"The mock does not simulate dialer/{name}.")
    raise EngineError(404, ErrorIds.NOT_FOUND, f"There is no Dialer request '{name}'.")


def icws_routes() -> list[IcwsRoute]:
    """Every ``/icws`` route, concrete paths before the Dialer catch-all."""
    session = "/icws/{session_id}"
    statuses = f"{session}/status/user-statuses/{{user_id}}"
    user_statuses = f"{session}/messaging/subscriptions/status/user-statuses"
    queues = f"{session}/messaging/subscriptions/queues/{{subscription_id}}"
    return [
        IcwsRoute("/icws/connection", create_connection, methods=["POST"]),
        IcwsRoute("/icws/connection/version", connection_version, methods=["GET"]),
        IcwsRoute("/icws/connection/features", connection_features, methods=["GET"]),
        IcwsRoute("/icws/connection/features/{feature_id}", connection_feature, methods=["GET"]),
        IcwsRoute("/icws/connection/server-time", connection_server_time, methods=["GET"]),
        IcwsRoute("/icws/connection/server-info", connection_server_info, methods=["GET"]),
        IcwsRoute(f"{session}/connection", get_connection, methods=["GET"]),
        IcwsRoute(f"{session}/connection", delete_connection, methods=["DELETE"]),
        IcwsRoute(f"{session}/connection/switchover-status", get_switchover_status, methods=["GET"]),
        IcwsRoute(f"{session}/connection/station", put_station, methods=["PUT"]),
        IcwsRoute(f"{session}/connection/station", get_station, methods=["GET"]),
        IcwsRoute(f"{session}/connection/station", delete_station, methods=["DELETE"]),
        IcwsRoute(f"{session}/licenses", post_licenses, methods=["POST"]),
        IcwsRoute(f"{session}/messaging/messages", get_messages, methods=["GET"]),
        IcwsRoute(f"{session}/messaging/heartbeat", heartbeat, methods=["POST"]),
        IcwsRoute(user_statuses, subscribe_user_statuses, methods=["PUT"]),
        IcwsRoute(user_statuses, unsubscribe_user_statuses, methods=["DELETE"]),
        IcwsRoute(queues, subscribe_queue, methods=["PUT"]),
        IcwsRoute(queues, unsubscribe_queue, methods=["DELETE"]),
        IcwsRoute(
            f"{session}/interactions/{{interaction_id}}/disconnect", disconnect_interaction, methods=["POST"]
        ),
        IcwsRoute(f"{session}/interactions/{{interaction_id}}/pickup", pickup_interaction, methods=["POST"]),
        IcwsRoute(f"{session}/configuration/users/{{user_id}}", get_configuration_user, methods=["GET"]),
        IcwsRoute(statuses, put_user_status, methods=["PUT"]),
        IcwsRoute(statuses, get_user_status, methods=["GET"]),
        IcwsRoute(f"{session}/status/status-messages", get_status_messages, methods=["GET"]),
        *(
            IcwsRoute(f"{session}{endpoint.path}", _dialer_endpoint(endpoint), methods=["POST"])
            for endpoint in DIALER_ENDPOINTS
        ),
        IcwsRoute(f"{session}/dialer/{{name}}", other_dialer, methods=["POST"]),
    ]
