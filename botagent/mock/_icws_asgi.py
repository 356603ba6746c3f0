"""The lean ASGI side of the mock's ``/icws`` routes: the request a handler reads and the route serving it.

An ``/icws`` handler takes an ``IcwsRequest`` (the ASGI scope, ``receive`` and the path parameters; the
headers, cookies and query it asks for are looked up when asked) and returns a response, usually an
``Answer`` (``_http.py``). ``IcwsRoute`` is a Starlette ``Route`` whose ASGI app calls the handler and
sends the answer, with no Starlette ``Request`` and no exception wrapper: the handlers answer every
exception themselves (``_icws_routes.py``). Routing, the method check and the OpenAPI document see an
ordinary ``Route``.

``IcwsShortcut`` sends a request whose route is an indexed ``IcwsRoute`` straight to it, past
Starlette's middleware; every other request (control routes, unknown paths, wrong methods) goes through
the whole Starlette app and is answered as before. The mock's server calls an ``IcwsRoute``'s handler
without ASGI at all where it can (``_direct.py``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.datastructures import QueryParams
from starlette.requests import cookie_parser
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from botagent.mock._http import header
from botagent.mock._routing import IndexedRouter

__all__ = ["IcwsHandler", "IcwsRequest", "IcwsRoute", "IcwsShortcut"]

_KEYS: dict[str, bytes] = {}
"""Header names as handlers spell them -> as ASGI spells them (lower-case bytes)."""


class IcwsRequest:
    """One ``/icws`` request as its handler sees it.

    Args:
        scope: the ASGI scope (its ``path_params`` set by the router).
        receive: the ASGI ``receive`` the body is read from.
    """

    __slots__ = ("path_params", "receive", "scope")

    def __init__(self, scope: Scope, receive: Receive) -> None:
        self.scope = scope
        self.receive = receive
        self.path_params: dict[str, str] = scope.get("path_params", {})

    def header(self, name: str) -> str | None:
        """The first value of the header ``name`` (any letter case), or None."""
        key = _KEYS.get(name)
        if key is None:
            key = _KEYS[name] = name.lower().encode("latin-1")
        return header(self.scope, key)

    def cookie(self, name: str) -> str | None:
        """The value of the cookie ``name`` in the first ``Cookie`` header (the last of equal names, as
        Starlette reads them), or None."""
        raw = self.header("cookie")
        if not raw:
            return None
        if ";" not in raw:  # one cookie, as clients of the mock send it
            key, equals, value = raw.partition("=")
            found = value.strip() if equals and key.strip() == name else None
        else:
            found = self._last_of(raw, name)
        if found is not None and found.startswith('"'):
            return cookie_parser(raw).get(name)  # a quoted value: let Starlette unquote it
        return found

    @staticmethod
    def _last_of(raw: str, name: str) -> str | None:
        found = None
        for pair in raw.split(";"):
            key, equals, value = pair.partition("=")
            if equals and key.strip() == name:
                found = value.strip()
        return found

    @property
    def query_params(self) -> QueryParams:
        """The query string's parameters."""
        return QueryParams(self.scope["query_string"])


IcwsHandler = Callable[[IcwsRequest], Awaitable[Response]]


class IcwsRoute(Route):
    """A Starlette ``Route`` that serves an ``IcwsHandler`` on the lean path (kept as ``handler``).

    Args:
        path: the route's path template.
        endpoint: the handler; it must answer every exception itself.
        methods: the HTTP methods it serves.
    """

    def __init__(self, path: str, endpoint: IcwsHandler, *, methods: list[str]) -> None:
        super().__init__(path, endpoint, methods=methods)
        self.handler = endpoint

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            answer = await endpoint(IcwsRequest(scope, receive))
            await answer(scope, receive, send)

        self.app = app


class IcwsShortcut:
    """ASGI middleware: a request whose indexed route is an ``IcwsRoute`` goes straight to that route.

    Args:
        app: the Starlette app (its middleware and router) every other request goes to.
        router: the app's router.
    """

    def __init__(self, app: ASGIApp, router: IndexedRouter) -> None:
        self.app = app
        self.router = router

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self.router.match(scope)
        if isinstance(route, IcwsRoute):
            await route.app(scope, receive, send)
        else:
            await self.app(scope, receive, send)
