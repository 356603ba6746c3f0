"""Number and time formatting shared by threshold names and every report."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime

from botagent.report._result import ThresholdResult

__all__ = [
    "counted",
    "finite",
    "iso_utc",
    "moment",
    "ms",
    "number",
    "percent",
    "short_list",
    "threshold_value",
]


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """A count with its noun, singular only for one: ``1 agent``, ``0 agents``, ``2 identities``.

    Args:
        count: how many.
        noun: the singular noun.
        plural: the plural when it is not ``noun`` + "s".
    """
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def finite(value: float | None) -> float | None:
    """``value``, or None when it is missing, NaN or infinite (JSON has no such numbers)."""
    return value if value is not None and math.isfinite(value) else None


def iso_utc(epoch: float) -> str:
    """Epoch seconds as ISO 8601 UTC with a ``Z``, to the second: ``2024-05-01T10:00:00Z``."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def moment(at: float, started_at: float) -> str:
    """When something happened, as seconds since the run started: ``+12.3 s``.

    ``at`` may be epoch seconds (anything after 2001) or already relative to the start.
    """
    offset = at - started_at if at > 1e9 else at
    return f"+{offset:.1f} s"


def number(value: float) -> str:
    """A limit as people write it: ``500``, ``2.5``, ``0.25``."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.3f}".rstrip("0").rstrip(".")


def ms(value: float | None) -> str:
    """Milliseconds for a table cell: whole above 100, one decimal below, ``-`` when missing."""
    shown = finite(value)
    if shown is None:
        return "-"
    return f"{shown:.0f}" if shown >= 100 else f"{shown:.1f}"


def percent(ratio: float | None) -> str:
    """A ratio (0..1) as a percentage: ``0%``, ``1.5%``, ``0.01%``."""
    shown = finite(ratio)
    if shown is None:
        return "-"
    return number(round(shown * 100, 2)) + "%"


def threshold_value(result: ThresholdResult, value: float | None) -> str:
    """An observed value or limit of ``result`` in the unit its name states."""
    if value is None:
        return "-"
    if result.name.endswith(" ms"):
        return f"{ms(value)} ms"
    if "error ratio" in result.name:
        return percent(value)
    return number(round(value, 2))


def short_list(items: Sequence[str], limit: int = 10) -> str:
    """``a, b, c`` with at most ``limit`` items and ``(+N more)`` after them."""
    shown = ", ".join(items[:limit])
    return f"{shown} (+{len(items) - limit} more)" if len(items) > limit else shown
