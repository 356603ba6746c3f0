"""Durations written as seconds (``90``) or with units (``"90s"``, ``"10m"``, ``"2h"``, ``"1h30m"``)."""

from __future__ import annotations

import math
import re
from typing import Annotated

from pydantic import BeforeValidator, WithJsonSchema

__all__ = ["DURATION_PATTERN", "Duration", "parse_duration"]

_NUMBER = r"\d+(?:\.\d+)?"
_UNITS = rf"(?:{_NUMBER}\s*h)?\s*(?:{_NUMBER}\s*m)?\s*(?:{_NUMBER}\s*s)?"
DURATION_PATTERN = rf"^(?=.*\d)\s*(?:{_NUMBER}|{_UNITS})\s*$"
"""The accepted text forms, as a regular expression (also used in the JSON schema)."""
_UNIT_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0}
_PART = re.compile(rf"({_NUMBER})\s*([hms])")
_EXPECTED = 'expected seconds (90) or a duration such as "90s", "10m", "2h" or "1h30m"'


def parse_duration(value: object) -> float:
    """Parse a duration into seconds.

    Args:
        value: a non-negative number of seconds, a string of digits, or a string of ``h``/``m``/``s``
            parts in that order (``"1h30m"``, ``"2m30s"``, ``"1.5h"``).

    Returns:
        The duration in seconds.

    Raises:
        ValueError: the value is negative, a boolean, or not in one of those forms.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(_EXPECTED)
    if isinstance(value, str):
        return _parse_text(value)
    if value < 0 or not math.isfinite(value):
        raise ValueError("a duration must be a finite number of seconds, zero or more")
    return float(value)


def _parse_text(text: str) -> float:
    stripped = text.strip()
    if not re.fullmatch(DURATION_PATTERN, stripped):
        raise ValueError(_EXPECTED)
    if re.fullmatch(_NUMBER, stripped):
        return float(stripped)
    return sum(float(number) * _UNIT_SECONDS[unit] for number, unit in _PART.findall(stripped))


Duration = Annotated[
    float,
    BeforeValidator(parse_duration),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": DURATION_PATTERN},
            ],
            "description": 'Seconds, or a duration such as "90s", "10m", "2h", "1h30m".',
        }
    ),
]
"""Seconds as a float; YAML may say ``90``, ``"90s"``, ``"10m"``, ``"2h"`` or ``"1h30m"``."""
