"""`botagent validate`, `botagent schema` and the help text, run as commands."""

from __future__ import annotations

import importlib.metadata
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_rig import REPO, run_botagent

import botagent

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


def test_validate_when_several_profiles_are_valid_prints_one_line_each_and_exits_0() -> None:
    result = run_botagent("validate", *(str(profile) for profile in PROFILES))

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split(": valid: ")[0] for line in lines] == [str(profile) for profile in PROFILES]
    assert result.stderr == ""


def test_validate_when_one_of_several_profiles_is_bad_exits_2_reporting_every_file(
    write_profile: Callable[..., Path],
) -> None:
    good = REPO / "profiles" / "smoke.yaml"
    bad = write_profile("load:\n  userz: 5\n", name="bad.yaml")
    missing = bad.parent / "missing.yaml"

    result = run_botagent("validate", str(bad), str(good), str(missing))

    assert result.returncode == 2
    [valid] = result.stdout.splitlines()
    assert valid.startswith(f"{good}: valid: 5 agents against mock for 40 s, ")
    problems = result.stderr.splitlines()
    assert [line.split(": ")[0] for line in problems] == [str(bad), str(missing)], result.stderr
    assert problems[0].startswith(f"{bad}: load.userz: unknown key; did you mean users?")
    assert problems[1].startswith(f"{missing}: cannot read the profile: ")
    assert "Traceback" not in result.stdout + result.stderr


def test_validate_when_profile_has_one_agent_and_one_identity_says_so_in_the_singular(
    write_profile: Callable[..., Path],
) -> None:
    profile = write_profile("load: {users: 1}\nidentities: {first: 7, last: 7, password: x}\n")

    result = run_botagent("validate", str(profile))

    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{profile}: valid: 1 agent against mock for 60 s, 1 identity\n"


def test_validate_when_no_file_given_exits_2_with_usage() -> None:
    result = run_botagent("validate")

    assert result.returncode == 2
    assert "usage: botagent validate [-h] PROFILE [PROFILE ...]" in result.stderr
    assert "Traceback" not in result.stderr


def test_version_when_asked_prints_the_installed_version_and_exits_0() -> None:
    result = run_botagent("--version")

    assert result.returncode == 0, result.stderr
    assert result.stdout == f"botagent {botagent.__version__}\n"
    assert botagent.__version__ == importlib.metadata.version("botagent")


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
