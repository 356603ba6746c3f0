"""Durations: seconds or "90s", "10m", "2h", "1h30m"."""

from __future__ import annotations

import re

import pytest

from botagent.profile import parse_duration
from botagent.profile._durations import DURATION_PATTERN


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        (0, 0.0),
        (90, 90.0),
        (1.5, 1.5),
        ("90", 90.0),
        ("90s", 90.0),
        ("10m", 600.0),
        ("2h", 7200.0),
        ("1h30m", 5400.0),
        ("2m30s", 150.0),
        ("1h 0m 5s", 3605.0),
        ("1.5h", 5400.0),
        (" 45s ", 45.0),
    ],
)
def test_parse_duration_when_valid_returns_seconds(text: object, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    "text", ["", "s", "10 minutes", "30m1h", "-5", "5x", "1h 30", "h1", -1, float("inf"), True, None, [1]]
)
def test_parse_duration_when_invalid_raises_value_error(text: object) -> None:
    with pytest.raises(ValueError, match="duration|seconds"):
        parse_duration(text)


@pytest.mark.parametrize("text", ["90", "90s", "10m", "2h", "1h30m", "2m30s", "1.5h"])
def test_duration_pattern_when_text_is_accepted_matches_too(text: str) -> None:
    assert re.fullmatch(DURATION_PATTERN, text)


@pytest.mark.parametrize("text", ["", "   ", "10 minutes", "30m1h"])
def test_duration_pattern_when_text_is_rejected_does_not_match(text: str) -> None:
    assert not re.fullmatch(DURATION_PATTERN, text)
