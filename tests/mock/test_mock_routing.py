"""The mock finds its routes by dictionary and picks, for every request, the route Starlette's own
linear routing would pick, with the same path parameters."""

from __future__ import annotations

import httpx
from starlette.routing import Match, Route

from botagent.mock._routing import IndexedRouter
from botagent.mock.server import MockServer, create_app


def _linear(router: IndexedRouter, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    scope = {"type": "http", "method": method, "path": path, "root_path": ""}
    for route in router.routes:
        match, child = route.matches(scope)
        if match is Match.FULL:
            assert isinstance(route, Route)
            return route, child["path_params"]
    return None


def _concrete_paths(router: IndexedRouter) -> list[str]:
    paths: list[str] = []
    for route in router.routes:
        if not isinstance(route, Route):
            continue
        for session in ("s-1", "connection", "mock"):
            path = route.path
            for name in route.param_convertors:
                path = path.replace("{" + name + "}", session if "session" in name else f"v-{name}")
            paths.extend([path, path + "/extra", path.rstrip("/") + "/"])
    return paths


def test_every_indexed_request_goes_where_linear_routing_sends_it() -> None:
    router = create_app().router
    assert isinstance(router, IndexedRouter)
    indexed = 0
    for path in _concrete_paths(router):
        for method in ("GET", "HEAD", "PUT", "POST", "DELETE", "PATCH"):
            found = router.find(method, path)
            if found is None:
                continue
            indexed += 1
            assert found == _linear(router, method, path), (method, path)
    assert indexed > 40


def test_the_hot_dialer_and_status_paths_are_indexed() -> None:
    router = create_app().router
    assert isinstance(router, IndexedRouter)
    for method, path in [
        ("PUT", "/icws/abc/status/user-statuses/agent0001"),
        ("POST", "/icws/abc/dialer/ready-for-calls"),
        ("POST", "/icws/abc/dialer/disposition"),
        ("GET", "/icws/abc/messaging/messages"),
        ("GET", "/icws/abc/connection"),
        ("POST", "/icws/connection"),
    ]:
        assert router.find(method, path) is not None, (method, path)


def test_a_route_shadowed_by_an_earlier_one_is_left_to_linear_routing() -> None:
    async def first(request: object) -> None: ...

    async def second(request: object) -> None: ...

    router = IndexedRouter(
        [
            Route("/icws/{session_id}/dialer/{name}", first, methods=["POST"]),
            Route("/icws/{session_id}/dialer/log-in", second, methods=["POST"]),
        ]
    )
    found = router.find("POST", "/icws/abc/dialer/log-in")
    assert found is not None
    assert found[0].endpoint is first
    assert found[1] == {"session_id": "abc", "name": "log-in"}


def test_unknown_paths_and_wrong_methods_still_answer_icws_errors(fresh_mock: MockServer) -> None:
    with httpx.Client(base_url=fresh_mock.base_url) as client:
        missing = client.get("/icws/abc/no/such/path")
        wrong = client.delete("/icws/connection/version")
    assert missing.status_code == 404
    assert missing.json()["errorId"]
    assert wrong.status_code == 405
    assert "GET" in wrong.headers["allow"]
