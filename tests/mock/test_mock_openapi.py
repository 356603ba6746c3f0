"""GET /mock/openapi.json: an OpenAPI 3.1 document that lists exactly the /icws routes the app serves."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import openapi_spec_validator
import pytest
from jsonschema import Draft202012Validator
from mock_rig import IcwsClient
from starlette.routing import Route

from botagent.mock import ICWS_ENDPOINTS
from botagent.mock._endpoints import route_doc
from botagent.mock.server import MockServer

ICWS_JSON = "application/vnd.inin.icws+json"


@pytest.fixture(scope="module")
def document(mock_server: MockServer) -> dict[str, Any]:
    response = httpx.get(f"{mock_server.base_url}/mock/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


def _served(mock: MockServer) -> Iterator[tuple[Route, str]]:
    for route in mock.app.routes:
        if isinstance(route, Route) and route.path.startswith("/icws"):
            for method in sorted((route.methods or set()) - {"HEAD"}):
                yield route, method


def _camel_path(path: str) -> str:
    return re.sub(r"_(\w)", lambda m: m.group(1).upper(), path)


def _schemas(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if isinstance(node.get("schema"), dict):
            yield node["schema"]
        for value in node.values():
            yield from _schemas(value)
    elif isinstance(node, list):
        for item in node:
            yield from _schemas(item)


def _validator(document: dict[str, Any], schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator({**schema, "components": document["components"]})


def test_openapi_when_fetched_is_version_3_1_with_paths(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] and document["paths"]


def test_openapi_when_compared_with_the_router_lists_every_icws_route_and_no_other(
    document: dict[str, Any], mock_server: MockServer
) -> None:
    served = {(_camel_path(route.path), method.lower()) for route, method in _served(mock_server)}
    listed = {(path, method) for path, operations in document["paths"].items() for method in operations}
    assert listed == served
    assert len(served) > 25


def test_route_docs_when_read_from_the_router_name_each_known_endpoint_once(mock_server: MockServer) -> None:
    names = []
    for route, _ in _served(mock_server):
        doc = route_doc(route.endpoint)
        assert doc is not None, route.path
        names += [doc.name] + ([doc.stream_name] if doc.stream_name else [])
    assert sorted(names) == sorted(ICWS_ENDPOINTS)


def test_openapi_schemas_when_checked_are_valid_json_schema(document: dict[str, Any]) -> None:
    components = document["components"]["schemas"]
    assert {"ErrorBody", "ConnectionRequest", "DispositionRequest", "DataPopMessage"} <= set(components)
    inline = list(_schemas(document["paths"]))
    assert len(inline) > 40
    for schema in [*components.values(), *inline]:
        Draft202012Validator.check_schema(schema)


def test_openapi_when_parameters_read_requires_csrf_and_accept_language_where_the_mock_does(
    document: dict[str, Any],
) -> None:
    def required_headers(path: str, method: str) -> set[str]:
        parameters = document["paths"][path][method]["parameters"]
        return {p["name"] for p in parameters if p["in"] == "header" and p["required"]}

    assert required_headers("/icws/connection", "post") == {"Accept-Language"}
    assert required_headers("/icws/{sessionId}/dialer/disposition", "post") == {"ININ-ICWS-CSRF-Token"}
    assert required_headers("/icws/{sessionId}/messaging/messages", "get") == set()
    path_params = document["paths"]["/icws/{sessionId}/status/user-statuses/{userId}"]["put"]["parameters"]
    assert {(p["name"], p["in"]) for p in path_params} >= {("sessionId", "path"), ("userId", "path")}


def test_openapi_when_bodies_described_uses_wire_names_and_the_error_body(document: dict[str, Any]) -> None:
    operation = document["paths"]["/icws/{sessionId}/dialer/disposition"]["post"]
    body_schema = operation["requestBody"]["content"][ICWS_JSON]["schema"]
    disposition = document["components"]["schemas"]["DispositionRequest"]
    assert body_schema == {"$ref": "#/components/schemas/DispositionRequest"}
    assert {"label", "scheduledTime", "scheduledAgent", "isAbandon"} <= set(disposition["properties"])
    for status in ("4XX", "5XX", "503"):
        schema = operation["responses"][status]["content"][ICWS_JSON]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorBody"}
    assert "Retry-After" in operation["responses"]["503"]["headers"]


def test_openapi_schemas_when_given_real_traffic_accept_it(
    document: dict[str, Any], fresh_mock: MockServer
) -> None:
    paths = document["paths"]
    connect = paths["/icws/connection"]["post"]
    messages = paths["/icws/{sessionId}/messaging/messages"]["get"]["responses"]["200"]["content"][ICWS_JSON]
    with IcwsClient(fresh_mock.base_url) as agent:
        response = agent.connect()
        _validator(document, connect["responses"]["201"]["content"][ICWS_JSON]["schema"]).validate(
            response.json()
        )
        request = {"applicationName": "x", "userID": agent.user, "password": agent.password}
        _validator(document, connect["requestBody"]["content"][ICWS_JSON]["schema"]).validate(request)
        agent.dialer("log-in")
        _validator(document, messages["schema"]).validate(agent.poll())
        error = agent.dialer("disposition", {"label": "Sale"}).json()
        _validator(document, {"$ref": "#/components/schemas/ErrorBody"}).validate(error)


def test_openapi_when_success_and_401_described_follow_the_official_pages(document: dict[str, Any]) -> None:
    """202 for request-break (official request-break page); a 401 with the required WWW-Authenticate."""
    paths = document["paths"]
    request_break = paths["/icws/{sessionId}/dialer/request-break"]["post"]["responses"]
    assert "202" in request_break and "200" not in request_break
    assert request_break["401"]["headers"]["WWW-Authenticate"]["required"] is True
    assert "200" in paths["/icws/{sessionId}/dialer/log-off"]["post"]["responses"]
    assert paths["/icws/connection/features/{featureId}"]["get"]["responses"]["200"]


def test_openapi_when_checked_by_an_openapi_validator_is_valid(document: dict[str, Any]) -> None:
    openapi_spec_validator.validate(document)
