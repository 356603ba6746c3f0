"""Where agent identities (CIC user names and passwords) come from.

``pattern`` numbers user names (``agent{n:04d}`` from ``first`` to ``last``) and shares one password,
given inline or, better, named by an environment variable. ``csv`` reads a file with one identity per
row. Either way, environment variables and files are read when the profile is loaded, so a missing one
fails before any agent starts. Passwords never appear in a repr, ``str`` or JSON dump.
"""

from __future__ import annotations

import csv
import os
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ._base import ProfileModel, existing_file, field_error

__all__ = ["CsvIdentities", "Identities", "Identity", "PatternIdentities"]


@dataclass(frozen=True, slots=True)
class Identity:
    """One CIC user an agent logs on as; the password is left out of the repr."""

    username: str
    password: str = field(repr=False)


def _check_pattern(pattern: str) -> str:
    example = "write for example agent{n:04d}"
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
    except ValueError as error:
        raise ValueError(f"not a valid pattern ({error}); {example}") from None
    if names != {"n"}:
        raise ValueError(f"the pattern must contain the field {{n}} and no other; {example}")
    try:
        pattern.format(n=1)
    except (ValueError, IndexError) as error:
        raise ValueError(f"not a valid pattern ({error}); {example}") from None
    return pattern


class PatternIdentities(ProfileModel):
    """Numbered user names sharing one password: ``agent0001`` .. ``agent5000``."""

    source: Literal["pattern"] = "pattern"
    pattern: str = Field("agent{n:04d}", description="User name with {n} for the number, e.g. agent{n:04d}.")
    first: int = Field(1, ge=0, description="First number, inclusive.")
    last: int = Field(5000, ge=0, description="Last number, inclusive (>= first).")
    password: SecretStr | None = Field(None, description="The password of every user (or use password_env).")
    password_env: str | None = Field(
        None, min_length=1, description="Name of the environment variable holding the password."
    )
    _password: SecretStr = PrivateAttr(default_factory=lambda: SecretStr(""))

    @field_validator("pattern")
    @classmethod
    def _pattern_has_n(cls, pattern: str) -> str:
        return _check_pattern(pattern)

    @field_validator("last")
    @classmethod
    def _last_not_below_first(cls, last: int, info: ValidationInfo) -> int:
        first = info.data.get("first")
        if first is not None and last < first:
            raise ValueError(f"last must be >= first ({first})")
        return last

    @field_validator("password_env")
    @classmethod
    def _variable_is_set(cls, name: str | None) -> str | None:
        if name is not None and name not in os.environ:
            raise ValueError(f"environment variable {name} is not set; export it or use password")
        return name

    @model_validator(mode="after")
    def _resolve_password(self) -> PatternIdentities:
        if (self.password is None) == (self.password_env is None):
            got = "both are set" if self.password is not None else "neither is set"
            problem = f"give exactly one of password or password_env ({got})"
            raise field_error("PatternIdentities", "password", None, problem)
        if self.password is not None:
            self._password = self.password
        else:
            self._password = SecretStr(os.environ[str(self.password_env)])
        return self

    def expand(self) -> list[Identity]:
        """Every identity, in number order."""
        password = self._password.get_secret_value()
        return [Identity(self.pattern.format(n=n), password) for n in range(self.first, self.last + 1)]


class CsvIdentities(ProfileModel):
    """Identities read from a CSV file with a header row."""

    source: Literal["csv"] = "csv"
    file: Path = Field(description="CSV file, relative to the profile file.")
    username_column: str = Field("username", min_length=1, description="Header of the user name column.")
    password_column: str = Field("password", min_length=1, description="Header of the password column.")
    _identities: tuple[Identity, ...] = PrivateAttr(default=())

    @field_validator("file")
    @classmethod
    def _file_exists(cls, file: Path, info: ValidationInfo) -> Path:
        return existing_file(file, info)

    @model_validator(mode="after")
    def _read_rows(self) -> CsvIdentities:
        try:
            self._identities = tuple(self._rows())
        except (OSError, UnicodeDecodeError, csv.Error, ValueError) as error:
            raise field_error("CsvIdentities", "file", str(self.file), str(error)) from None
        return self

    def _rows(self) -> list[Identity]:
        with self.file.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [name for name in (self.username_column, self.password_column) if name not in header]
            if missing:
                raise ValueError(f"no column {', '.join(missing)}; the header has: {', '.join(header)}")
            user, password = self.username_column, self.password_column
            rows = [Identity(row[user] or "", row[password] or "") for row in reader]
        _check_rows(rows)
        return rows

    def expand(self) -> list[Identity]:
        """Every identity, in file order."""
        return list(self._identities)


def _check_rows(rows: list[Identity]) -> None:
    if not rows:
        raise ValueError("the file has no identities")
    seen: set[str] = set()
    for line, identity in enumerate(rows, start=2):
        if not identity.username.strip():
            raise ValueError(f"line {line}: empty user name")
        if identity.username in seen:
            raise ValueError(f"line {line}: user {identity.username} appears twice")
        seen.add(identity.username)


def _pattern_by_default(value: Any) -> Any:
    if isinstance(value, dict) and "source" not in value:
        return {"source": "pattern", **value}
    return value


Identities = Annotated[
    PatternIdentities | CsvIdentities,
    Field(discriminator="source"),
    BeforeValidator(_pattern_by_default),
]
"""Either identity source; a mapping without ``source`` is a ``pattern``."""
