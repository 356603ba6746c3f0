"""Fixtures for tests that run the `botagent` command in a child process; the helpers are in cli_rig."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_rig import LongRuns, run_botagent

__all__ = ["run_botagent"]


@pytest.fixture(scope="session")
def long_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LongRuns]:
    """The passing smoke run and the run with impossible thresholds, started together."""
    runs = LongRuns(tmp_path_factory.mktemp("smoke"), tmp_path_factory.mktemp("breached"))
    yield runs
    runs.close()


@pytest.fixture
def write_profile(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a profile YAML into the test's folder and return its path."""

    def write(text: str, name: str = "profile.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return write
