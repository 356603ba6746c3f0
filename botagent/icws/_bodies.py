"""Reading the bodies of ICWS answers: JSON detection, typed models, features, licences and messages.

Each reader takes a ``RawResponse`` and returns what the session call gives back; a body that does not
fit raises ``ValueError`` (or a pydantic ``ValidationError``), which the session reports as an
``IcwsResponseValidationError`` described by `describe`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Final, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from botagent.icws._transport import RawResponse
from botagent.wire import Feature, LicenseOperationResult, Message, parse_messages

__all__ = [
    "describe",
    "ignore_body",
    "is_json",
    "model_reader",
    "optional_model_reader",
    "read_features",
    "read_license_results",
    "read_messages",
]

_M = TypeVar("_M", bound=BaseModel)


def is_json(response: RawResponse) -> bool:
    """Whether the answer has a body of a JSON media type (``application/json`` or ``...+json``)."""
    media_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return bool(response.body) and (media_type == "application/json" or media_type.endswith("+json"))


def describe(exc: ValueError) -> str:
    """One line saying why a body did not fit: the first validation problem, or the JSON error."""
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        return f"{exc.title}: {exc.error_count()} problem(s), first at {where}: {first['msg']}"
    if isinstance(exc, json.JSONDecodeError):
        return f"body is not valid JSON: {exc}"
    return str(exc)


def ignore_body(response: RawResponse) -> None:
    """The reader of calls whose answer carries nothing the caller needs."""
    return None


def model_reader(model: type[_M]) -> Callable[[RawResponse], _M]:
    """A reader of a JSON body of ``model``; a missing body raises ``ValueError``."""

    def read(response: RawResponse) -> _M:
        if not is_json(response):
            raise ValueError(f"expected a JSON {model.__name__} body, got none")
        return model.model_validate_json(response.body)

    return read


def optional_model_reader(model: type[_M]) -> Callable[[RawResponse], _M | None]:
    """A reader of a JSON body of ``model``, or None when the answer has no JSON body."""

    def read(response: RawResponse) -> _M | None:
        return model.model_validate_json(response.body) if is_json(response) else None

    return read


_FEATURE_LIST: Final = TypeAdapter(list[Feature])


def read_features(response: RawResponse) -> list[Feature]:
    """The features of a ``GET /connection/features`` body: a list, or an object holding one."""
    data = json.loads(response.body) if is_json(response) else None
    if isinstance(data, dict):
        data = data.get("featureInfoList", data.get("features"))
    if not isinstance(data, list):
        raise ValueError("expected a list of features")
    return _FEATURE_LIST.validate_python(data)


_LICENSE_RESULTS: Final = TypeAdapter(list[LicenseOperationResult])


def read_license_results(response: RawResponse) -> list[LicenseOperationResult]:
    """The results of a licenses POST: ``{licenseOperationResultList: [...]}``, or a bare list.

    The official page names the representation (``licenseOperationResults``, "a list of
    licenseOperationResult representations") but not its property; public ICWS clients read
    ``licenseOperationResultList``.
    """
    data = json.loads(response.body) if is_json(response) else None
    if isinstance(data, dict):
        data = data.get("licenseOperationResultList")
    if not isinstance(data, list):
        raise ValueError("expected a list of licenseOperationResult")
    return _LICENSE_RESULTS.validate_python(data)


def read_messages(response: RawResponse) -> list[Message]:
    """The messages of a messages poll, oldest first; none for an answer without a JSON body."""
    return parse_messages(response.body) if is_json(response) else []
