"""Read a profile file, merge overrides into it once, and validate it."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from botagent.wire import ProfileError

from ._models import Profile
from ._problems import describe_errors

__all__ = ["deep_merge", "load_profile", "profile_json_schema"]

_DISCRIMINATORS = ("kind", "type", "source")
_JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def load_profile(path: str | os.PathLike[str], overrides: Mapping[str, object] | None = None) -> Profile:
    """Load and validate a profile YAML file.

    Args:
        path: the profile file. Relative paths inside it (CSV identities, CA bundle, mock scenario)
            are resolved against its directory; ``name`` defaults to its stem.
        overrides: values that replace the file's, as nested mappings such as
            ``{"load": {"users": 5}, "target": "http://127.0.0.1:8019"}``.

    Returns:
        The validated, read-only profile. Environment variables named by ``password_env`` and CSV
        identity files have been read.

    Raises:
        ProfileError: the file cannot be read, is not valid YAML, or does not fit the schema. The
            message has one line per problem: ``<file>: <dotted.key>: <what is wrong> (got <value>)``.
    """
    source = Path(path)
    data = _read_yaml(source)
    merged = deep_merge(deep_merge({"name": source.stem}, data), overrides or {})
    try:
        return Profile.model_validate(merged, context={"base_dir": source.parent})
    except ValidationError as error:
        lines = describe_errors(error, Profile, str(source), merged, overrides or {})
        raise ProfileError("\n".join(lines)) from None


def _read_yaml(source: Path) -> Mapping[str, Any]:
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise ProfileError(f"{source}: cannot read the profile: {reason}") from None
    try:
        data = yaml.safe_load(text) or {}
    except yaml.MarkedYAMLError as error:
        raise ProfileError(f"{source}: {_yaml_position(error)}invalid YAML: {error.problem}") from None
    except yaml.YAMLError as error:
        raise ProfileError(f"{source}: invalid YAML: {error}") from None
    if not isinstance(data, Mapping):
        shown = json.dumps(data, default=str)[:80]
        raise ProfileError(f"{source}: (top level): expected a mapping of profile keys (got {shown})")
    return data


def _yaml_position(error: yaml.MarkedYAMLError) -> str:
    mark = error.problem_mark or error.context_mark
    return f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``base`` with ``override`` merged in, mapping by mapping.

    A mapping that names a different ``kind``, ``type`` or ``source`` than the one it overrides
    replaces it whole, since the other variant's keys would not fit.
    """
    merged = dict(base)
    for key, value in override.items():
        previous = merged.get(key)
        if (
            isinstance(value, Mapping)
            and isinstance(previous, Mapping)
            and not _other_variant(previous, value)
        ):
            merged[key] = deep_merge(previous, value)
        else:
            merged[key] = value
    return merged


def _other_variant(previous: Mapping[str, Any], value: Mapping[str, Any]) -> bool:
    return any(key in value and previous.get(key, value[key]) != value[key] for key in _DISCRIMINATORS)


def profile_json_schema() -> dict[str, Any]:
    """The JSON schema of a profile file, generated from the models, for editors and validators."""
    return {"$schema": _JSON_SCHEMA_DIALECT, **Profile.model_json_schema()}


def render_schema() -> str:
    """The profile JSON schema as the text checked in at ``profiles/profile.schema.json``."""
    return json.dumps(profile_json_schema(), indent=2, ensure_ascii=False) + "\n"
