"""Routing by dictionary: the mock's routes found by (method, path), not by one regex per route.

Starlette's router tries each route's regular expression in turn, which costs a status PUT nineteen
matches. `IndexedRouter` finds with at most two dictionary look-ups the routes whose path is fixed, or
fixed after ``/icws/{session_id}`` but for one last parameter (``status/user-statuses/{userId}``); every
other request (a path with more parameters, an unknown path, a wrong method) goes on to Starlette's own
routing, which answers as before. A route is indexed only when no route before it in the list would
take the same request, so both ways always pick the same route.
"""

from __future__ import annotations

from typing import Any, Final

from starlette.convertors import CONVERTOR_TYPES
from starlette.routing import BaseRoute, Match, Route, Router
from starlette.types import Receive, Scope, Send

__all__ = ["IndexedRouter"]

_ICWS: Final = "/icws/"
_SAMPLE_SESSION: Final = "sample-session-id"
_SAMPLE_VALUE: Final = "sample-value"
_PLAIN: Final = CONVERTOR_TYPES["str"]

Key = tuple[str, str]


class IndexedRouter(Router):
    """A Starlette `Router` that looks up fixed paths and ``/icws/{sessionId}/...`` paths in dicts."""

    def __init__(self, routes: list[BaseRoute], **kwargs: Any) -> None:
        super().__init__(routes, **kwargs)
        self._fixed: dict[Key, Route] = {}
        self._per_session: dict[Key, tuple[Route, str]] = {}
        """Routes ``/icws/{session}/<rest>``, by (method, rest), with the session parameter's name."""
        self._per_session_last: dict[Key, tuple[Route, str, str]] = {}
        """Routes ``/icws/{session}/<head>/{name}``, by (method, head), with both parameters' names."""
        self._not_sessions: set[str] = set()
        """First path segments under ``/icws/`` that routes spell out (``connection``): no session id."""
        self._indexed = -1

    def find(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        """The route for ``method`` and ``path`` with its path parameters, None when not indexed."""
        if self._indexed != len(self.routes):
            self._index()
        route = self._fixed.get((method, path))
        if route is not None:
            return route, {}
        if path.startswith(_ICWS):
            session_id, slash, rest = path[len(_ICWS) :].partition("/")
            if slash and session_id and session_id not in self._not_sessions:
                exact = self._per_session.get((method, rest))
                if exact is not None:
                    return exact[0], {exact[1]: session_id}
                head, slash, last = rest.rpartition("/")
                found = self._per_session_last.get((method, head)) if slash and last else None
                if found is not None:
                    route, session_name, name = found
                    return route, {session_name: session_id, name: last}
        return None

    def match(self, scope: Scope) -> Route | None:
        """The indexed route of an HTTP request, its routing keys set in ``scope`` as Starlette sets
        them; None when the request is not HTTP or its route is not indexed."""
        if scope["type"] != "http" or scope.get("root_path"):
            return None
        found = self.find(scope["method"], scope["path"])
        if found is None:
            return None
        route, path_params = found
        scope.setdefault("router", self)
        scope["route"] = route
        scope["endpoint"] = route.endpoint
        scope["path_params"] = path_params
        return route

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self.match(scope)
        if route is not None:
            await route.handle(scope, receive, send)
            return
        await super().app(scope, receive, send)

    def _index(self) -> None:
        self._fixed.clear()
        self._per_session.clear()
        self._per_session_last.clear()
        self._not_sessions = {
            route.path[len(_ICWS) :].partition("/")[0]
            for route in self.routes
            if isinstance(route, Route) and route.path.startswith(_ICWS) and route.path[len(_ICWS)] != "{"
        }
        for position, route in enumerate(self.routes):
            if not isinstance(route, Route) or not route.methods:
                continue
            entry = _table_entry(route)
            if entry is None:
                continue
            table, key_path, sample, session_name, name = entry
            for method in route.methods:
                if _taken_earlier(self.routes[:position], method, sample):
                    continue
                key = (method, key_path)
                if table == "fixed":
                    self._fixed.setdefault(key, route)
                elif table == "session":
                    self._per_session.setdefault(key, (route, session_name))
                else:
                    self._per_session_last.setdefault(key, (route, session_name, name))
        self._indexed = len(self.routes)


def _table_entry(route: Route) -> tuple[str, str, str, str, str] | None:
    """Where a route goes: its table, its key path there, a concrete path it matches, the names of its
    session parameter and of its last parameter.

    None for a route no table can hold: more parameters, or a parameter that is not a plain string.
    """
    path = route.path
    if "{" not in path:
        return "fixed", path, path, "", ""
    if not path.startswith(_ICWS):
        return None
    first, _, rest = path[len(_ICWS) :].partition("/")
    session_name = _parameter(route, first)
    if session_name is None:
        return None
    if "{" not in rest:
        return "session", rest, f"{_ICWS}{_SAMPLE_SESSION}/{rest}", session_name, ""
    head, _, last = rest.rpartition("/")
    name = _parameter(route, last)
    if name is None or "{" in head:
        return None
    return "last", head, f"{_ICWS}{_SAMPLE_SESSION}/{head}/{_SAMPLE_VALUE}", session_name, name


def _parameter(route: Route, segment: str) -> str | None:
    """The name of the plain string parameter that is the whole ``segment``, else None."""
    if not (segment.startswith("{") and segment.endswith("}")):
        return None
    name = segment[1:-1]
    return name if route.param_convertors.get(name) is _PLAIN else None


def _taken_earlier(earlier: list[BaseRoute], method: str, path: str) -> bool:
    scope = {"type": "http", "method": method, "path": path, "root_path": ""}
    return any(route.matches(scope)[0] is Match.FULL for route in earlier)
