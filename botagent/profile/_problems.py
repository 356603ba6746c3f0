"""Turn pydantic validation errors into one readable line per problem.

    smoke.yaml: load.users: input should be greater than or equal to 1 (got 0)
    smoke.yaml: behaviour.talk_time.high: high must be >= low (3) (got 2)
    smoke.yaml: load.userz: unknown key; known keys: processes, run_time, spawn_rate, users (got 5)

Pydantic locations name the union member (``uniform``, ``pattern``) between a key and its fields;
the type walk below drops those tags so the dotted key is the one written in the YAML file.
"""

from __future__ import annotations

import difflib
import json
import re
import types
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, SecretStr, ValidationError
from pydantic_core import ErrorDetails

__all__ = ["describe_errors", "dotted_key"]

_PREFIXES = ("Value error, ", "Assertion failed, ")
_MAX_SHOWN = 80
_Part = str | int


def describe_errors(
    error: ValidationError, model: type[BaseModel], source: str, data: object, overrides: Mapping[str, Any]
) -> list[str]:
    """One ``<source>: <dotted.key>: <what is wrong> (got <value>)`` line per error in ``error``.

    Args:
        error: what pydantic raised while validating ``data`` as ``model``.
        model: the model validated.
        source: how to name the input, usually the file path.
        data: the validated input, to name keys as they were written.
        overrides: values given outside the file; problems in them are marked ``[from overrides]``.
    """
    return [_describe(details, model, source, data, overrides) for details in error.errors(include_url=False)]


def _describe(
    details: ErrorDetails, model: type[BaseModel], source: str, data: object, overrides: Mapping[str, Any]
) -> str:
    parts, owner = _strip_tags(details["loc"], model)
    parts = _as_written(parts, data)
    line = f"{source}: {dotted_key(parts)}: {_what(details, owner, parts)}"
    if details["type"] != "missing" and not _secret(parts, details["input"]):
        line += f" (got {_show(details['input'])})"
    return line + (" [from overrides]" if _reaches(overrides, parts) else "")


def dotted_key(parts: Sequence[_Part]) -> str:
    """``("thresholds", "endpoints", "POST /x", "p99")`` -> ``thresholds.endpoints['POST /x'].p99``."""
    text = ""
    for part in parts:
        if isinstance(part, str) and re.fullmatch(r"[A-Za-z_][\w-]*", part):
            text += f".{part}" if text else part
        else:
            text += f"[{part!r}]"
    return text or "(top level)"


def _what(details: ErrorDetails, owner: type[BaseModel] | None, parts: list[_Part]) -> str:
    if details["type"] == "missing":
        return "required"
    if details["type"] == "extra_forbidden":
        return _unknown_key(owner, parts[-1] if parts else "")
    message = details["msg"]
    for prefix in _PREFIXES:
        message = message.removeprefix(prefix)
    return message[:1].lower() + message[1:]


def _unknown_key(owner: type[BaseModel] | None, key: _Part) -> str:
    if owner is None:
        return "unknown key"
    known = sorted(field.alias or name for name, field in owner.model_fields.items())
    hint = difflib.get_close_matches(str(key), known, n=1)
    suggestion = f"did you mean {hint[0]}? " if hint else ""
    return f"unknown key; {suggestion}known keys: {', '.join(known)}"


def _strip_tags(loc: tuple[_Part, ...], model: type[BaseModel]) -> tuple[list[_Part], type[BaseModel] | None]:
    """Drop union tags and ``[key]`` markers from ``loc``; also return the model owning the last key."""
    parts: list[_Part] = []
    current: Any = model
    owner: type[BaseModel] | None = None
    for part in loc:
        current = _unwrap(current)
        if part == "[key]":
            continue
        if isinstance(current, list):
            current = _member_tagged(current, part)
            continue
        parts.append(part)
        owner = current if _is_model(current) else None
        current = _child(current, part)
    return parts, owner


def _unwrap(annotation: Any) -> Any:
    """Strip ``Annotated`` and ``None``; a union of several models becomes the list of those models."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            members = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(members) != 1:
                return [member for member in members if _is_model(member)]
            annotation = members[0]
        else:
            return annotation


def _member_tagged(members: list[type[BaseModel]], tag: _Part) -> Any:
    for member in members:
        for field in member.model_fields.values():
            if get_origin(field.annotation) is Literal and tag in get_args(field.annotation):
                return member
    return None


def _child(current: Any, part: _Part) -> Any:
    if _is_model(current):
        fields = {field.alias or name: field for name, field in current.model_fields.items()}
        return fields[part].annotation if part in fields else None
    origin, args = get_origin(current), get_args(current)
    if origin is dict and len(args) == 2:
        return args[1]
    if origin is list and args:
        return args[0]
    return None


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _as_written(parts: list[_Part], data: object) -> list[_Part]:
    """Cut ``parts`` where the input was a plain value that a validator expanded (``talk_time: 3``)."""
    current = data
    for depth, part in enumerate(parts):
        if isinstance(current, Mapping):
            current = current.get(part)
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
        elif current is not None:
            return parts[:depth]
    return parts


def _reaches(overrides: Mapping[str, Any], parts: list[_Part]) -> bool:
    current: object = overrides
    for part in parts:
        if not isinstance(current, Mapping) or part not in current:
            return False
        current = current[part]
    return bool(parts)


def _secret(parts: list[_Part], value: object) -> bool:
    return isinstance(value, SecretStr) or parts[-1:] == ["password"]


def _show(value: object) -> str:
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."
