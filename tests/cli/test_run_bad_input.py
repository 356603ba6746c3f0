"""`botagent run` refusing to start: bad profiles and options exit 2, an unreachable target exits 3.

Each mistake gets one line naming the file and the key, never a traceback, and nothing is run.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_rig import closed_port, run_botagent, smoke_profile

pytestmark = pytest.mark.slow

WriteProfile = Callable[..., Path]


def assert_refused(result: subprocess.CompletedProcess[str], code: int) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == code, output
    assert "Traceback" not in output
    assert "running" not in result.stderr, "a run was started"


def problem_lines(result: subprocess.CompletedProcess[str], profile: Path) -> list[str]:
    """The lines of the output naming ``profile``: one per problem."""
    return [line for line in result.stderr.splitlines() if line.startswith(f"{profile}: ")]


@pytest.mark.parametrize(
    ("text", "key", "what"),
    [
        ("load:\n  userz: 5\n", "load.userz", "unknown key; did you mean users?"),
        ("load:\n  users: many\n", "load.users", "valid integer"),
        ("load:\n  run_time: 10 parsecs\n", "load.run_time", 'a duration such as "90s"'),
        ("identities:\n  first: 9\n  last: 2\n", "identities", "first"),
        ("thresholds:\n  endpoints:\n    POST /nowhere: {p95: 1}\n", "thresholds.endpoints", "POST /nowhere"),
    ],
    ids=["unknown-key", "wrong-type", "bad-duration", "bad-range", "unknown-endpoint"],
)
def test_run_when_profile_is_invalid_exits_2_naming_the_field(
    write_profile: WriteProfile, text: str, key: str, what: str
) -> None:
    profile = write_profile(text)

    result = run_botagent("run", str(profile))

    assert_refused(result, 2)
    [line] = problem_lines(result, profile)
    assert line.startswith(f"{profile}: {key}"), line
    assert what in line


def test_run_when_profile_has_several_mistakes_prints_one_line_each(write_profile: WriteProfile) -> None:
    profile = write_profile(
        "load:\n  userz: 5\n  users: many\n  run_time: 10 parsecs\n"
        "behaviour:\n  talk_time: {kind: uniform, low: 3, high: 2}\n"
    )

    result = run_botagent("run", str(profile))

    assert_refused(result, 2)
    keys = sorted(line.split(": ")[1] for line in problem_lines(result, profile))
    assert keys == ["behaviour.talk_time.high", "load.run_time", "load.users", "load.userz"]


def test_run_when_profile_is_not_yaml_exits_2_naming_the_line(write_profile: WriteProfile) -> None:
    profile = write_profile("load:\n  users: [1\n")

    result = run_botagent("run", str(profile))

    assert_refused(result, 2)
    [line] = problem_lines(result, profile)
    assert re.search(r"line \d+, column \d+: invalid YAML", line), line


def test_run_when_profile_is_missing_exits_2_naming_the_file(tmp_path: Path) -> None:
    profile = tmp_path / "nowhere.yaml"

    result = run_botagent("run", str(profile))

    assert_refused(result, 2)
    [line] = problem_lines(result, profile)
    assert "No such file" in line


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["-u", "0"], r"-u/--users: must be at least 1 \(got 0\)"),
        (["-u", "x"], r"-u/--users: expected a whole number \(got 'x'\)"),
        (["-r", "0"], r"load\.spawn_rate: .*\(got 0\.0\) \[from overrides\]"),
        (["-t", "nonsense"], r'load\.run_time: .*\(got "nonsense"\) \[from overrides\]'),
        (["--processes", "0"], r"load\.processes: .*\[from overrides\]"),
        (["--target", "ftp://cic"], r'target: expected "mock" or an http\(s\) base URL'),
        (["--bogus"], r"unrecognized arguments: --bogus"),
    ],
    ids=[
        "zero-users",
        "users-not-a-number",
        "zero-spawn-rate",
        "bad-run-time",
        "zero-processes",
        "bad-target",
        "unknown-option",
    ],
)
def test_run_when_an_option_is_bad_exits_2_saying_why(options: list[str], message: str) -> None:
    result = run_botagent("run", "profiles/smoke.yaml", *options)

    assert_refused(result, 2)
    assert re.search(message, result.stderr), result.stderr


def test_run_when_run_time_is_zero_exits_2_instead_of_running_forever(tmp_path: Path) -> None:
    profile = smoke_profile(tmp_path)

    result = run_botagent("run", str(profile), "-t", "0s", "--reports", str(tmp_path / "r"), timeout=60)

    assert_refused(result, 2)
    assert f"{profile}: load.run_time: " in result.stderr


def test_run_when_report_folder_cannot_be_made_exits_2_naming_it(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")

    result = run_botagent("run", "profiles/smoke.yaml", "--reports", str(blocker / "reports"))

    assert_refused(result, 2)
    assert f"cannot create the report folder {blocker / 'reports'}" in result.stderr


def test_run_when_target_is_unreachable_exits_3_fast_naming_the_url(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    started = time.monotonic()

    result = run_botagent("run", "profiles/smoke.yaml", "--target", url, "--reports", str(tmp_path / "r"))

    assert time.monotonic() - started < 20
    assert_refused(result, 3)
    assert f"target unreachable: {url}" in result.stderr
    assert "Connection refused" in result.stderr
    assert not (tmp_path / "r").exists(), "a run that never started leaves no report folder"


def test_run_when_target_is_unreachable_keeps_a_report_folder_that_existed_with_its_files(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")

    result = run_botagent(
        "run",
        "profiles/smoke.yaml",
        "--target",
        f"http://127.0.0.1:{closed_port()}",
        "--reports",
        str(folder),
    )

    assert_refused(result, 3)
    assert sorted(path.name for path in folder.iterdir()) == ["notes.txt"]
