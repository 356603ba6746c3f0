"""HTTP details of the mock: reading ICWS request bodies, writing ICWS responses and error bodies.

Answers are ``Answer`` objects: a status, a body already encoded and a header list, sent as two ASGI
messages (no header object, no content negotiation). Answers that never change, such as an empty 200,
are built once.

Every problem with a request body becomes an ``EngineError`` with a 4xx status and an ICWS error body
naming the property (``missingPropertyError`` / ``invalidPropertyError``), never a 5xx. A body larger
than the limit is refused 413 after reading at most limit + one chunk of it (at once when its
``Content-Length`` says so); an error never repeats the value of a ``password`` property.
"""

from __future__ import annotations

import json
from typing import Any, Final, Protocol, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import to_json
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from botagent.mock._errors import EngineError, ErrorIds
from botagent.wire import ICWS_MEDIA_TYPE, WireModel

__all__ = [
    "CSRF_HEADER",
    "SESSION_HEADER",
    "WWW_AUTHENTICATE",
    "Answer",
    "BodySource",
    "empty",
    "error_response",
    "header",
    "icws_bytes",
    "icws_json",
    "json_bytes",
    "parse_body",
    "parse_with",
    "plain_json",
    "raw_header",
    "read_body",
    "read_json",
    "read_model",
]

CSRF_HEADER = "ININ-ICWS-CSRF-Token"
SESSION_HEADER = "ININ-ICWS-Session-ID"
WWW_AUTHENTICATE = 'ICWS realm="ICWS" location="/icws/connection"'
"""Every 401 carries this header: the custom ICWS scheme, its realm and where to authenticate (the
official pages' example, e.g. request-break, with the mock's lower-case path)."""

ModelT = TypeVar("ModelT", bound=BaseModel)

_JSON_TYPES = ("application/json", ICWS_MEDIA_TYPE)
_JSON_TYPES_RAW = frozenset(media.encode("latin-1") for media in _JSON_TYPES)
"""The accepted media types as bytes: a usual ``Content-Type`` is accepted without decoding it."""
_BODY_KEY = "botagent.body"
_MAX_CHUNKS: Final = 1_000_000
"""A bound on the body's ASGI messages; the byte limit always stops a body first (an empty chunk
with more to come aside, which no server sends)."""
_HEADERS_KEY = "botagent.headers"
_SECRET_PROPERTIES = frozenset({"password"})
_ICWS_TYPE: Final = (b"content-type", ICWS_MEDIA_TYPE.encode("latin-1"))
_PLAIN_TYPE: Final = (b"content-type", b"application/json")


class BodySource(Protocol):
    """What reading a body needs of a request: its ASGI scope and ``receive`` (a Starlette ``Request``
    or the mock's ``IcwsRequest``)."""

    @property
    def scope(self) -> Scope: ...

    @property
    def receive(self) -> Receive: ...


class Answer(Response):
    """A response whose body is encoded and whose header list is built before it is sent.

    It is sent as two ASGI messages, start and body. ``headers`` (Starlette's view of the header list)
    still works for a caller that adds a header to an answer of its own.
    """

    def __init__(
        self, status: int, body: bytes = b"", headers: list[tuple[bytes, bytes]] | None = None
    ) -> None:
        self.status_code = status
        self.body = body
        self.raw_headers = headers if headers is not None else _framing(status, body)
        self.background = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        await send({"type": "http.response.body", "body": self.body})


def _framing(status: int, body: bytes) -> list[tuple[bytes, bytes]]:
    """The ``Content-Length`` header Starlette would send: none on a 1xx, 204 or 304."""
    if status < 200 or status in (204, 304):
        return []
    return [(b"content-length", str(len(body)).encode("latin-1"))]


_EMPTY: Final = {status: Answer(status) for status in (200, 202, 204)}
"""The empty success answers, built once (nothing ever adds a header to them)."""


def json_bytes(body: Any) -> bytes:
    """Compact UTF-8 JSON, as ``json.dumps(separators=(",", ":"), ensure_ascii=False)`` writes it but a
    few times faster (a float may be spelled differently: ``0.000015`` for ``1.5e-05``)."""
    return to_json(body)


def _encoded(
    raw: bytes, status: int, content_type: tuple[bytes, bytes], headers: dict[str, str] | None
) -> Answer:
    head = [*_framing(status, raw), content_type]
    if headers:
        head.extend(
            (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()
        )
    return Answer(status, raw, head)


def icws_json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Answer:
    """A JSON response with the ICWS media type; models are sent in their wire form."""
    if isinstance(body, WireModel):
        body = body.to_wire()
    return _encoded(json_bytes(body), status, _ICWS_TYPE, headers)


def icws_bytes(raw: bytes, status: int = 200) -> Answer:
    """A response with the ICWS media type whose JSON body is already encoded (a constant answer)."""
    return _encoded(raw, status, _ICWS_TYPE, None)


def plain_json(body: Any, status: int = 200) -> Answer:
    """A JSON response with ``application/json``, for the mock's own control routes."""
    return _encoded(json_bytes(body), status, _PLAIN_TYPE, None)


def empty(status: int = 200) -> Answer:
    """A success response without a body (200, 202 and 204 are built once)."""
    return _EMPTY.get(status) or Answer(status)


def error_response(error: EngineError) -> Answer:
    """The ICWS error response for a refused request; a 401 carries the required ``WWW-Authenticate``."""
    headers = {"WWW-Authenticate": WWW_AUTHENTICATE} if error.status == 401 else None
    return icws_json(error.body(), status=error.status, headers=headers)


def header(scope: Scope, name: bytes) -> str | None:
    """The first value of the request header ``name`` (lower case), or None.

    The first call makes a table of the request's headers and keeps it in the scope.
    """
    value = raw_header(scope, name)
    return None if value is None else value.decode("latin-1")


def raw_header(scope: Scope, name: bytes) -> bytes | None:
    """``header`` undecoded: the first value of the request header ``name`` (lower case), or None."""
    table: dict[bytes, bytes] | None = scope.get(_HEADERS_KEY)
    if table is None:
        table = scope[_HEADERS_KEY] = dict(reversed(scope["headers"]))  # the first of equal names wins
    return table.get(name)


async def read_body(request: BodySource, limit: int) -> bytes:
    """Return the raw request body, reading no more than ``limit`` bytes (plus one chunk) of it.

    The outcome is kept in the request's scope, so a second call answers the same without reading.

    Raises:
        EngineError: 413 when the body is larger than ``limit``; 400 when the client went away.
    """
    scope = request.scope
    kept: bytes | EngineError | None = scope.get(_BODY_KEY)
    if kept is None:
        length = raw_header(scope, b"content-length") or b""
        if length.isdigit() and int(length) > limit:
            kept = _too_large(limit)
        else:
            message = await request.receive()
            body = message.get("body", b"")
            whole = message["type"] == "http.request" and not message.get("more_body", False)
            if whole and len(body) <= limit:
                kept = body  # the usual case: the whole body in one message
            else:
                kept = await _read_rest(message, request.receive, limit)
        scope[_BODY_KEY] = kept
    if isinstance(kept, EngineError):
        raise kept
    return kept


async def _read_rest(message: Message, receive: Receive, limit: int) -> bytes | EngineError:
    """The body from its first ASGI ``message`` on, at most ``limit`` bytes (plus one chunk) read."""
    chunks: list[bytes] = []
    size = 0
    for _ in range(_MAX_CHUNKS):
        if message["type"] != "http.request":
            return EngineError(400, ErrorIds.INVALID_REPRESENTATION, "The client went away mid-body.")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return _too_large(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)
        message = await receive()
    return _too_large(limit)


def _too_large(limit: int) -> EngineError:
    return EngineError(
        413, ErrorIds.REQUEST_TOO_LARGE, f"The request body is larger than the limit of {limit} bytes."
    )


async def read_json(request: BodySource, limit: int) -> Any:
    """Return the decoded JSON body, or None when the body is empty.

    Raises:
        EngineError: 413 for a body over ``limit`` bytes; 415 for a non-JSON content type; 400 when
            the body is not valid JSON.
    """
    raw = await read_body(request, limit)
    if not raw.strip():
        return None
    _check_json_type(request.scope)
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise EngineError(
            400, ErrorIds.INVALID_REPRESENTATION, f"The request body is not valid JSON: {exc}"
        ) from None


async def read_model(request: BodySource, model: type[ModelT], limit: int) -> ModelT:
    """Read a body and validate it against a wire model: ``parse_body(model, await read_json(...))``.

    A body that is valid is validated from its bytes in one pass; any other is decoded and validated
    again as ``read_json`` and ``parse_body`` do, so it is refused with exactly their errors.
    """
    raw = await read_body(request, limit)
    if raw.strip():
        _check_json_type(request.scope)
        try:
            return model.model_validate_json(raw)
        except ValidationError:
            pass
    return parse_body(model, await read_json(request, limit))


def _check_json_type(scope: Scope) -> None:
    raw = raw_header(scope, b"content-type")
    if raw is None or raw.split(b";", 1)[0].strip().lower() in _JSON_TYPES_RAW:
        return
    content_type = raw.decode("latin-1").split(";", 1)[0].strip().lower()
    if content_type and content_type not in _JSON_TYPES:
        raise EngineError(
            415,
            ErrorIds.UNSUPPORTED_MEDIA_TYPE,
            f"Content-Type must be {ICWS_MEDIA_TYPE} or application/json (got {content_type}).",
        )


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
