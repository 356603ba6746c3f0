"""The mock's own control routes under ``/mock`` (``application/json``; errors are ICWS error bodies).

=========================  ===============================================================================
route                      what it does
=========================  ===============================================================================
GET    /mock/ledger        ``{"calls": [...], "campaigns": {...}}``: every call's ground truth
GET    /mock/ledger?after=SEQ&limit=N
                           one page of the calls settled after cursor SEQ (0: from the start), at most
                           N (default and most 10,000), with ``next`` (the next cursor), ``more`` and
                           the ``open`` calls (with ``&calls_only=1``: only ``calls``, ``next`` and
                           ``more``); 400 naming the parameter when one is not a whole number
GET    /mock/sessions      one summary per open session
GET    /mock/health        alive, and how busy
GET    /mock/stats         per endpoint: count, errors, mean handling milliseconds
GET    /mock/scenario      the scenario being simulated
GET    /mock/campaigns     one summary per campaign: id, name, mode, status (name and value), running,
                           agents logged in
POST   /mock/campaigns/{c} ``{"status": "off"}``: start, stop or pause campaign ``c`` (id or name) while
                           the run goes on; status is a campaign status value by name (on, off, auto,
                           paused, completed, scheduleOnly, invalid; running/stopped mean on/off) or
                           number; its logged-in agents get availableCampaignsMessage. 200 with the
                           summary; 400 for a bad status, 404 for an unknown campaign
POST   /mock/reset         start over (a JSON body, when given, is a new scenario); faults become the
                           scenario's again, counters and timings are cleared
POST   /mock/restart       a simulated server restart in place: every session vanishes (later requests
                           with its id get 401), every Dialer log-in ends, calls held become
                           ``orphaned`` ("server restart"); ledger, faults and timings are kept
GET    /mock/switchover    ``{"pair", "primaryHost", "backupHost", "switchovers", "switchedAt"}`` of a
                           switchover pair; ``{"pair": false}`` for a stand-alone mock
POST   /mock/switchover    switch the pair over: the backup becomes the primary, every session ends
                           (later requests with its id get 401; calls held become ``orphaned``
                           "switchover"), the old primary answers the connection request with 503 and
                           the new primary in ``alternateHostList``; Dialer state carries over. 200 with
                           the new state and ``sessionsEnded``; 409 when the mock is not a pair
GET    /mock/faults        ``{"faults": [{id, kind, ...spec, fired}]}``
POST   /mock/faults        one fault spec -> 201 ``{"id"}``; 400 naming the field when it is invalid
DELETE /mock/faults        remove every fault -> 204
DELETE /mock/faults/{id}   remove one fault -> 204, or 404 when there is no such fault
GET    /mock/timings       ``{"requests": [{endpoint, startedAt, handlingMs, status}]}``: the last 200,000
                           ``/icws`` requests, oldest first (status null: connection dropped)
DELETE /mock/timings       forget the timings -> 204
GET    /mock/openapi.json  an OpenAPI 3.1 description of the ``/icws`` routes
=========================  ===============================================================================

Faults never apply to these routes, and their bodies may be up to 16 MiB.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from botagent.mock._campaigns import campaign_status
from botagent.mock._errors import EngineError, ErrorIds
from botagent.mock._faults import FAULT_SPEC
from botagent.mock._http import empty, error_response, plain_json, read_json
from botagent.mock._ledger import PAGE_LIMIT
from botagent.mock._openapi import openapi_document
from botagent.mock._runtime import MockRuntime
from botagent.mock._scenario import Scenario, format_validation_error

__all__ = ["control_routes"]

_CONTROL_BODY_LIMIT: Final = 16 * 1024 * 1024


def _runtime(request: Request) -> MockRuntime:
    runtime: MockRuntime = request.app.state.runtime
    return runtime


async def mock_ledger(request: Request) -> Response:
    """``GET /mock/ledger``: every call record and per-campaign counters, or one page of settled calls
    when ``after`` or ``limit`` is given."""
    query = request.query_params
    if "after" not in query and "limit" not in query:
        return plain_json(_runtime(request).engine.ledger())
    try:
        after = _whole(query, "after", 0, 0, None)
        limit = _whole(query, "limit", PAGE_LIMIT, 1, PAGE_LIMIT)
        calls_only = _whole(query, "calls_only", 0, 0, 1) == 1
    except EngineError as exc:
        return error_response(exc)
    return plain_json(_runtime(request).engine.ledger_page(after, limit, calls_only=calls_only))


def _whole(query: Mapping[str, str], name: str, default: int, lowest: int, highest: int | None) -> int:
    text = query.get(name)
    if text is None:
        return default
    value = int(text) if text.isdecimal() else -1
    if value < lowest or (highest is not None and value > highest):
        most = f" and at most {highest}" if highest is not None else ""
        raise EngineError.invalid_property(name, f"{name} must be a whole number from {lowest}{most}.")
    return value


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


async def list_campaigns(request: Request) -> Response:
    """``GET /mock/campaigns``: every campaign with its status."""
    return plain_json(_runtime(request).engine.campaigns_snapshot())


async def set_campaign(request: Request) -> Response:
    """``POST /mock/campaigns/{campaign}``: give a campaign a new status, as a supervisor would."""
    runtime = _runtime(request)
    try:
        data = await read_json(request, _CONTROL_BODY_LIMIT)
        if not isinstance(data, dict) or "status" not in data:
            raise EngineError.missing_property("status", 'The body must be {"status": <campaign status>}.')
        status = campaign_status(data["status"])
        ref = request.path_params["campaign"]
        summary = runtime.engine.set_campaign_status(ref, status, runtime.now())
    except EngineError as exc:
        return error_response(exc)
    runtime.changed()
    return plain_json(summary)


async def mock_reset(request: Request) -> Response:
    """``POST /mock/reset``: start over; a JSON body, when given, is a new scenario."""
    runtime = _runtime(request)
    try:
        data = await read_json(request, _CONTROL_BODY_LIMIT)
        scenario = None if data is None else _validated(Scenario.model_validate, "scenario", data)
    except EngineError as exc:
        return error_response(exc)
    runtime.reset(scenario)
    return plain_json({"reset": True})


async def mock_restart(request: Request) -> Response:
    """``POST /mock/restart``: every session vanishes and Dialer log-ins end; the ledger is kept."""
    return plain_json({"restarted": True, "sessionsVanished": _runtime(request).restart()})


async def get_switchover(request: Request) -> Response:
    """``GET /mock/switchover``: the pair's primary, backup and switchovers so far."""
    pair = _runtime(request).pair
    return plain_json({"pair": False} if pair is None else pair.snapshot())


async def switch_over(request: Request) -> Response:
    """``POST /mock/switchover``: the backup becomes the primary and every session ends."""
    runtime = _runtime(request)
    if runtime.pair is None:
        return error_response(
            EngineError(409, ErrorIds.NOT_A_PAIR, "The mock is not a switchover pair; start it with --pair.")
        )
    ended = runtime.switch_over()
    return plain_json({**runtime.pair.snapshot(), "sessionsEnded": ended})


def _validated(validate: Any, what: str, data: Any) -> Any:
    if not isinstance(data, dict):
        raise EngineError(400, ErrorIds.INVALID_REPRESENTATION, f"The {what} must be a JSON object.")
    try:
        return validate(data)
    except ValidationError as exc:
        raise EngineError(400, ErrorIds.INVALID_PROPERTY, format_validation_error(what, exc)) from None


async def list_faults(request: Request) -> Response:
    """``GET /mock/faults``: the faults in force, each with its id and how often it fired."""
    return plain_json({"faults": _runtime(request).faults.listing()})


async def add_fault(request: Request) -> Response:
    """``POST /mock/faults``: put one fault in force; 201 ``{"id"}``."""
    runtime = _runtime(request)
    try:
        data = await read_json(request, _CONTROL_BODY_LIMIT)
        spec = _validated(FAULT_SPEC.validate_python, "fault", data)
    except EngineError as exc:
        return error_response(exc)
    fault = runtime.faults.add(spec, runtime.now())
    runtime.changed()
    return plain_json({"id": fault.id}, status=201)


async def clear_faults(request: Request) -> Response:
    """``DELETE /mock/faults``: remove every fault."""
    _runtime(request).faults.replace([], _runtime(request).now())
    return empty(204)


async def remove_fault(request: Request) -> Response:
    """``DELETE /mock/faults/{id}``: remove one fault; 404 when there is none with that id."""
    fault_id = request.path_params["fault_id"]
    if not _runtime(request).faults.remove(fault_id):
        return error_response(EngineError(404, ErrorIds.UNKNOWN_FAULT, f"There is no fault '{fault_id}'."))
    return empty(204)


async def get_timings(request: Request) -> Response:
    """``GET /mock/timings``: the mock's own handling time of the last 200,000 ``/icws`` requests."""
    return plain_json(_runtime(request).timings_body())


async def clear_timings(request: Request) -> Response:
    """``DELETE /mock/timings``: forget the timings."""
    _runtime(request).timings.clear()
    return empty(204)


async def get_openapi(request: Request) -> Response:
    """``GET /mock/openapi.json``: the OpenAPI 3.1 document of the ``/icws`` routes."""
    document = getattr(request.app.state, "openapi", None)
    if document is None:
        document = request.app.state.openapi = openapi_document(request.app.routes)
    return plain_json(document)


def control_routes() -> list[Route]:
    """Every ``/mock`` route."""
    return [
        Route("/mock/ledger", mock_ledger, methods=["GET"]),
        Route("/mock/sessions", mock_sessions, methods=["GET"]),
        Route("/mock/health", mock_health, methods=["GET"]),
        Route("/mock/stats", mock_stats, methods=["GET"]),
        Route("/mock/scenario", mock_scenario, methods=["GET"]),
        Route("/mock/campaigns", list_campaigns, methods=["GET"]),
        Route("/mock/campaigns/{campaign}", set_campaign, methods=["POST"]),
        Route("/mock/reset", mock_reset, methods=["POST"]),
        Route("/mock/restart", mock_restart, methods=["POST"]),
        Route("/mock/switchover", get_switchover, methods=["GET"]),
        Route("/mock/switchover", switch_over, methods=["POST"]),
        Route("/mock/faults", list_faults, methods=["GET"]),
        Route("/mock/faults", add_fault, methods=["POST"]),
        Route("/mock/faults", clear_faults, methods=["DELETE"]),
        Route("/mock/faults/{fault_id}", remove_fault, methods=["DELETE"]),
        Route("/mock/timings", get_timings, methods=["GET"]),
        Route("/mock/timings", clear_timings, methods=["DELETE"]),
        Route("/mock/openapi.json", get_openapi, methods=["GET"]),
    ]
