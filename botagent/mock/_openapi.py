"""The OpenAPI 3.1 document of the mock's ``/icws`` routes, built from the app's own router.

Each ``/icws`` route's handler carries a ``RouteDoc`` (name, headers it needs, body and response wire
types); the document lists exactly the routes the router serves, with their path parameters, the
``ININ-ICWS-CSRF-Token`` and ``Accept-Language`` headers where required, request bodies as the JSON
schemas (by alias) of the ``botagent.icws`` models, and the ICWS ``ErrorBody`` for every 4xx and 5xx.
The session cookie ``icws_<sessionId>`` cannot be named statically; each session operation says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, Final, Literal

from pydantic import TypeAdapter
from starlette.routing import BaseRoute, Route

from botagent.mock._endpoints import RouteDoc, route_doc
from botagent.wire import ICWS_MEDIA_TYPE, Endpoint, ErrorBody

__all__ = ["openapi_document"]

Mode = Literal["validation", "serialization"]
SchemaKey = tuple[Any, Mode]

_REF: Final = "#/components/schemas/{model}"
_PARAM = re.compile(r"\{(\w+)\}")
_ERROR: Final[SchemaKey] = (ErrorBody, "serialization")
_COOKIE_NOTE: Final = "Needs the session cookie icws_<sessionId> set when the session was created."
_UNAUTHORIZED: Final = "The session token, CSRF token or cookie is missing, invalid, or has expired."
_WWW_AUTHENTICATE: Final = {
    "WWW-Authenticate": {
        "required": True,
        "description": 'The custom ICWS scheme, e.g. ICWS realm="ICWS" location="/icws/connection".',
        "schema": {"type": "string"},
    }
}


def openapi_document(routes: Iterable[BaseRoute]) -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of the ``/icws`` routes among ``routes``.

    Raises:
        RuntimeError: an ``/icws`` route has no ``RouteDoc``.
    """
    operations = list(_operations(routes))
    schemas, components = _schemas(operations)
    paths: dict[str, dict[str, Any]] = {}
    for path, method, doc in operations:
        paths.setdefault(path, {})[method.lower()] = _operation(path, doc, schemas)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "botagent mock ICWS",
            "version": "1",
            "description": "The ICWS routes (Interaction Dialer agent subset) the botagent mock serves.",
        },
        "paths": paths,
        "components": {"schemas": components},
    }


def _operations(routes: Iterable[BaseRoute]) -> Iterator[tuple[str, str, RouteDoc]]:
    for route in routes:
        if not isinstance(route, Route) or not route.path.startswith("/icws"):
            continue
        doc = route_doc(route.endpoint)
        if doc is None:
            raise RuntimeError(f"the route {route.path} has no RouteDoc")
        for method in sorted((route.methods or set()) - {"HEAD"}):
            yield _openapi_path(route.path), method, doc


def _openapi_path(path: str) -> str:
    return _PARAM.sub(lambda match: "{" + _camel(match.group(1)) + "}", path)


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)


def _schemas(operations: list[tuple[str, str, RouteDoc]]) -> tuple[dict[SchemaKey, Any], dict[str, Any]]:
    keys: dict[SchemaKey, None] = {_ERROR: None}
    for _, _, doc in operations:
        if doc.body is not None:
            keys[(doc.body, "validation")] = None
        if doc.response is not None:
            keys[(doc.response, "serialization")] = None
    inputs = [(key, key[1], TypeAdapter(key[0])) for key in keys]
    by_key, definitions = TypeAdapter.json_schemas(inputs, ref_template=_REF)
    schemas = {key: _any_of_messages(by_key[(key, key[1])]) for key in keys}
    components = {name: _any_of_messages(schema) for name, schema in definitions.get("$defs", {}).items()}
    return schemas, components


def _any_of_messages(schema: Any) -> Any:
    # UnknownMessage accepts any message, so a list of messages is "any of" the types, not "one of".
    if isinstance(schema, dict):
        one_of = schema.get("oneOf")
        if isinstance(one_of, list) and {"$ref": _REF.format(model="UnknownMessage")} in one_of:
            schema = {("anyOf" if key == "oneOf" else key): value for key, value in schema.items()}
        return {key: _any_of_messages(value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_any_of_messages(item) for item in schema]
    return schema


def _operation(path: str, doc: RouteDoc, schemas: dict[SchemaKey, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": _operation_id(doc.name),
        "summary": doc.summary,
        "description": f"Endpoint name: {doc.name}." + (f" {_COOKIE_NOTE}" if doc.session else ""),
        "parameters": _parameters(path, doc),
        "responses": _responses(doc, schemas),
    }
    if doc.body is not None:
        schema = schemas[(doc.body, "validation")]
        operation["requestBody"] = {
            "required": doc.body_required,
            "content": {ICWS_MEDIA_TYPE: {"schema": schema}, "application/json": {"schema": schema}},
        }
    return operation


def _operation_id(name: str) -> str:
    words: list[str] = re.findall(r"[A-Za-z0-9]+", name)
    return words[0].lower() + "".join(word.title() for word in words[1:])


def _parameters(path: str, doc: RouteDoc) -> list[dict[str, Any]]:
    string = {"type": "string"}
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": string} for name in _PARAM.findall(path)
    ]
    if doc.session and doc.csrf:
        parameters.append(
            {"name": "ININ-ICWS-CSRF-Token", "in": "header", "required": True, "schema": string}
        )
    if doc.accept_language:
        parameters.append({"name": "Accept-Language", "in": "header", "required": True, "schema": string})
    if doc.stream_name is not None:
        parameters.append({
            "name": "Accept", "in": "header", "required": False, "schema": string,
            "description": f"text/event-stream opens a server-sent-events stream ({doc.stream_name}).",
        })  # fmt: skip
    if doc.name is Endpoint.CONNECT:
        parameters.append({
            "name": "include", "in": "query", "required": False, "schema": string,
            "description": (
                "Comma-separated: features, version, server-time, default-workstation, "
                "purecloud-integration, effective-station."
            ),
        })  # fmt: skip
    return parameters


def _responses(doc: RouteDoc, schemas: dict[SchemaKey, Any]) -> dict[str, Any]:
    error = {"description": "An ICWS error.", "content": {ICWS_MEDIA_TYPE: {"schema": schemas[_ERROR]}}}
    success: dict[str, Any] = {"description": "Success."}
    if doc.response is not None:
        success["content"] = {ICWS_MEDIA_TYPE: {"schema": schemas[(doc.response, "serialization")]}}
    if doc.stream_name is not None:
        success["content"]["text/event-stream"] = {"schema": {"type": "string"}}
    responses: dict[str, Any] = {str(doc.ok): success}
    for code in doc.other_ok:
        responses[str(code)] = {"description": "Success, when the scenario asks for this status instead."}
    if doc.ok == 201:
        success["headers"] = {
            name: {"required": True, "schema": {"type": "string"}}
            for name in ("ININ-ICWS-Session-ID", "ININ-ICWS-CSRF-Token", "Set-Cookie")
        }
    unavailable = {**error, "description": "Unavailable; Retry-After (seconds) when known."}
    unavailable["headers"] = {"Retry-After": {"required": False, "schema": {"type": "string"}}}
    responses.update({"4XX": error, "503": unavailable, "5XX": error})
    if doc.session:
        responses["401"] = {**error, "description": _UNAUTHORIZED, "headers": _WWW_AUTHENTICATE}
    return responses
