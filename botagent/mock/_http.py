"""HTTP details of the mock: reading ICWS request bodies, writing ICWS responses and error bodies.

Every problem with a request body becomes an ``EngineError`` with a 4xx status and an ICWS error body
naming the property (``missingPropertyError`` / ``invalidPropertyError``), never a 5xx. A body larger
than the limit is refused 413 after reading at most limit + one chunk of it (at once when its
``Content-Length`` says so); an error never repeats the value of a ``password`` property.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from botagent.mock._errors import EngineError, ErrorIds
from botagent.wire import ICWS_MEDIA_TYPE, WireModel

__all__ = [
    "CSRF_HEADER",
    "SESSION_HEADER",
    "WWW_AUTHENTICATE",
    "empty",
    "error_response",
    "icws_json",
    "parse_body",
    "parse_with",
    "plain_json",
    "read_body",
    "read_json",
]

CSRF_HEADER = "ININ-ICWS-CSRF-Token"
SESSION_HEADER = "ININ-ICWS-Session-ID"
WWW_AUTHENTICATE = 'ICWS realm="ICWS" location="/icws/connection"'
"""Every 401 carries this header: the custom ICWS scheme, its realm and where to authenticate (the
official pages' example, e.g. request-break, with the mock's lower-case path)."""

ModelT = TypeVar("ModelT", bound=BaseModel)

_JSON_TYPES = ("application/json", ICWS_MEDIA_TYPE)
_BODY_KEY = "botagent.body"
_SECRET_PROPERTIES = frozenset({"password"})


def _dumps(body: Any) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def icws_json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response with the ICWS media type; models are sent in their wire form."""
    if isinstance(body, WireModel):
        body = body.to_wire()
    return Response(_dumps(body), status_code=status, headers=headers, media_type=ICWS_MEDIA_TYPE)


def plain_json(body: Any, status: int = 200) -> Response:
    """A JSON response with ``application/json``, for the mock's own control routes."""
    return Response(_dumps(body), status_code=status, media_type="application/json")


def empty(status: int = 200) -> Response:
    """A success response without a body."""
    return Response(status_code=status)


def error_response(error: EngineError) -> Response:
    """The ICWS error response for a refused request; a 401 carries the required ``WWW-Authenticate``."""
    headers = {"WWW-Authenticate": WWW_AUTHENTICATE} if error.status == 401 else None
    return icws_json(error.body(), status=error.status, headers=headers)


async def read_body(request: Request, limit: int) -> bytes:
    """Return the raw request body, reading no more than ``limit`` bytes (plus one chunk) of it.

    The outcome is kept in the request's scope, so a second call answers the same without reading.

    Raises:
        EngineError: 413 when the body is larger than ``limit``; 400 when the client went away.
    """
    kept: bytes | EngineError | None = request.scope.get(_BODY_KEY)
    if kept is None:
        kept = request.scope[_BODY_KEY] = await _read_capped(request, limit)
    if isinstance(kept, EngineError):
        raise kept
    return kept


async def _read_capped(request: Request, limit: int) -> bytes | EngineError:
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        return _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                return _too_large(limit)
            chunks.append(chunk)
    except ClientDisconnect:
        return EngineError(400, ErrorIds.INVALID_REPRESENTATION, "The client went away mid-body.")
    return b"".join(chunks)


def _too_large(limit: int) -> EngineError:
    return EngineError(
        413, ErrorIds.REQUEST_TOO_LARGE, f"The request body is larger than the limit of {limit} bytes."
    )


async def read_json(request: Request, limit: int) -> Any:
    """Return the decoded JSON body, or None when the body is empty.

    Raises:
        EngineError: 413 for a body over ``limit`` bytes; 415 for a non-JSON content type; 400 when
            the body is not valid JSON.
    """
    raw = await read_body(request, limit)
    if not raw.strip():
        return None
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type and content_type not in _JSON_TYPES:
        raise EngineError(
            415,
            ErrorIds.UNSUPPORTED_MEDIA_TYPE,
            f"Content-Type must be {ICWS_MEDIA_TYPE} or application/json (got {content_type}).",
        )
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise EngineError(
            400, ErrorIds.INVALID_REPRESENTATION, f"The request body is not valid JSON: {exc}"
        ) from None


def parse_body(model: type[ModelT], data: Any) -> ModelT:
    """Validate a decoded body against a wire model; an empty body counts as ``{}``.

    Raises:
        EngineError: 400 naming the first missing or invalid property.
    """
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise EngineError(
            400,
            ErrorIds.INVALID_REPRESENTATION,
            f"The request body must be a JSON object (got {type(data).__name__}).",
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _property_error(exc) from None


def parse_with(adapter: TypeAdapter[Any], data: Any) -> Any:
    """Like ``parse_body`` for a type adapter (a discriminated union such as station settings)."""
    if not isinstance(data, dict):
        raise EngineError(400, ErrorIds.INVALID_REPRESENTATION, "The request body must be a JSON object.")
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        raise _property_error(exc) from None


def _property_error(exc: ValidationError) -> EngineError:
    error = exc.errors(include_url=False)[0]
    names = [part for part in error["loc"] if isinstance(part, str) and not part.startswith("urn:")]
    name = names[0] if names else "__type"
    if error["type"] in ("missing", "union_tag_not_found"):
        return EngineError.missing_property(name)
    if name in _SECRET_PROPERTIES:
        return EngineError.invalid_property(name, f"The property '{name}' is not valid: {error['msg']}.")
    got = json.dumps(error.get("input"), default=str)[:80]
    return EngineError.invalid_property(
        name, f"The property '{name}' is not valid: {error['msg']} (got {got})."
    )
