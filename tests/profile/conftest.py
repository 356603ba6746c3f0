"""Shared fixtures for the profile tests: write a profile file and load it."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from botagent.profile import Profile, ProfileError, load_profile

WriteProfile = Callable[[str], Path]


@pytest.fixture
def write_profile(tmp_path: Path) -> WriteProfile:
    """Write YAML text (dedented) to ``tmp_path/profile.yaml`` and return the path."""

    def write(text: str) -> Path:
        path = tmp_path / "profile.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def load_text(write_profile: WriteProfile) -> Callable[[str], Profile]:
    """Write YAML text to a profile file and load it."""

    def load(text: str) -> Profile:
        return load_profile(write_profile(text))

    return load


@pytest.fixture
def problem(write_profile: WriteProfile) -> Callable[[str], str]:
    """Write YAML text to a profile file, load it, and return the ProfileError message it must raise."""

    def load(text: str) -> str:
        path = write_profile(text)
        with pytest.raises(ProfileError) as raised:
            load_profile(path)
        return str(raised.value)

    return load
