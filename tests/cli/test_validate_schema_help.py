"""`botagent validate`, `botagent schema` and the help text, run as commands."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_rig import REPO, run_botagent

pytestmark = pytest.mark.slow

PROFILES = sorted((REPO / "profiles").glob("*.yaml"))


def test_profiles_folder_when_listed_has_the_documented_examples() -> None:
    assert {p.name for p in PROFILES} >= {"smoke.yaml", "load.yaml", "soak.yaml", "preview.yaml"}


@pytest.mark.parametrize("profile", PROFILES, ids=[p.name for p in PROFILES])
def test_validate_when_profile_is_a_shipped_example_exits_0(profile: Path) -> None:
    result = run_botagent("validate", str(profile))

    assert result.returncode == 0, result.stderr
    assert re.fullmatch(rf"{re.escape(str(profile))}: valid: \d+ agents against \S+ for .*\n", result.stdout)
    assert result.stderr == ""


def test_validate_when_profile_is_bad_exits_2_listing_every_problem(
    write_profile: Callable[..., Path],
) -> None:
    profile = write_profile("load:\n  userz: 5\n  spawn_rate: -1\nmessaging: {mode: pigeon}\n")

    result = run_botagent("validate", str(profile))

    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert all(line.startswith(f"{profile}: ") for line in lines), result.stderr
    keys = sorted(line.split(": ")[1] for line in lines)
    assert keys == ["load.spawn_rate", "load.userz", "messaging.mode"]
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout == ""


def test_schema_when_printed_equals_the_checked_in_schema() -> None:
    result = run_botagent("schema")

    assert result.returncode == 0, result.stderr
    checked_in = json.loads((REPO / "profiles" / "profile.schema.json").read_text(encoding="utf-8"))
    assert json.loads(result.stdout) == checked_in


def test_schema_when_output_file_cannot_be_written_exits_2_naming_it(tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "schema.json"

    result = run_botagent("schema", "-o", str(target))

    assert result.returncode == 2
    assert f"cannot write {target}" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_help_when_asked_documents_every_exit_code() -> None:
    result = run_botagent("run", "--help")

    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    for code, meaning in [
        (0, "every threshold passed"),
        (1, "a threshold failed"),
        (2, "bad profile or option"),
        (3, "the run could not complete"),
    ]:
        assert f"{code} {meaning}" in text, text
