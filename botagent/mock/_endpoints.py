"""The endpoint names of the mock's ``/icws`` routes, and the description each route carries.

Every name comes from `botagent.wire.Endpoint`, the table the bot's client names its requests from.
The names key the mock's counters (``/mock/stats``), its timings (``/mock/timings``) and the
``endpoints`` filter of a fault, so they never contain an id.

``RouteDoc`` is what a route handler says about itself (``documented(doc)`` attaches it); the OpenAPI
document is built from the app's router and these descriptions, so it cannot drift from the routes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from botagent.wire import DIALER_ENDPOINTS, Endpoint

__all__ = [
    "DIALER_NAMES",
    "ICWS_ENDPOINTS",
    "UNMATCHED",
    "RouteDoc",
    "documented",
    "route_doc",
]

UNMATCHED: Final = "(unmatched)"
"""The name of an ``/icws`` request no route matched (answered 404 or 405)."""

DIALER_NAMES: Final = tuple(endpoint.path.removeprefix("/dialer/") for endpoint in DIALER_ENDPOINTS)
"""The Dialer requests the mock simulates, each served as ``POST /icws/{sessionId}/dialer/<name>``."""

ICWS_ENDPOINTS: Final = tuple(Endpoint)
"""Every endpoint name an ``/icws`` route of the mock reports (``UNMATCHED`` aside)."""

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True, kw_only=True)
class RouteDoc:
    """What one ``/icws`` route does, for counters, faults and the OpenAPI document.

    Attributes:
        name: the stable endpoint name.
        summary: one line for the OpenAPI operation.
        session: the path starts with ``/icws/{sessionId}`` and the session cookie is checked.
        csrf: the ``ININ-ICWS-CSRF-Token`` header is required.
        accept_language: the ``Accept-Language`` header is required.
        body: the request body's wire type (a model class or a type for ``TypeAdapter``), if any.
        body_required: an empty body is refused (otherwise it counts as ``{}``).
        ok: the success status.
        other_ok: other success statuses the route may answer (per the scenario).
        response: the success body's wire type, or None for an empty body.
        stream_name: the name used instead of ``name`` when the request asks for an event stream.
    """

    name: Endpoint
    summary: str
    session: bool = True
    csrf: bool = True
    accept_language: bool = False
    body: Any = None
    body_required: bool = False
    ok: int = 200
    other_ok: tuple[int, ...] = ()
    response: Any = None
    stream_name: Endpoint | None = None


def documented(doc: RouteDoc) -> Callable[[F], F]:
    """Attach ``doc`` to a route handler (read back with ``route_doc``)."""

    def attach(handler: F) -> F:
        handler.__dict__["route_doc"] = doc
        return handler

    return attach


def route_doc(handler: object) -> RouteDoc | None:
    """Return the ``RouteDoc`` attached to a route handler, or None."""
    doc = getattr(handler, "route_doc", None)
    return doc if isinstance(doc, RouteDoc) else None
