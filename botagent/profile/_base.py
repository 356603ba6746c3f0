"""What every profile model shares: unknown keys are errors, a loaded profile is read-only, and
relative paths are resolved against the directory of the profile file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo
from pydantic_core import InitErrorDetails

__all__ = ["ProfileModel", "existing_file", "field_error", "resolve_path"]


class ProfileModel(BaseModel):
    """Base of every profile model: ``extra="forbid"`` and frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def field_error(model: str, field: str, value: Any, problem: str) -> ValidationError:
    """Build a validation error located at ``field``, for a check that needs several fields at once.

    Raised from a model validator, pydantic nests it under the model's own location, so the message
    names ``parent.field`` instead of only ``parent``.
    """
    detail = InitErrorDetails(
        type="value_error", loc=(field,), input=value, ctx={"error": ValueError(problem)}
    )
    return ValidationError.from_exception_data(model, [detail])


def resolve_path(path: Path, info: ValidationInfo) -> Path:
    """Resolve ``path`` against the profile's directory (validation context ``base_dir``) or the cwd."""
    context = info.context if isinstance(info.context, dict) else {}
    base = Path(context.get("base_dir") or Path.cwd())
    return (base / path.expanduser()).resolve()


def existing_file(path: Path, info: ValidationInfo) -> Path:
    """Resolve ``path`` as :func:`resolve_path` does and check that it is a file.

    Raises:
        ValueError: there is no such file.
    """
    resolved = resolve_path(path, info)
    if not resolved.is_file():
        raise ValueError(f"no such file: {resolved}")
    return resolved
