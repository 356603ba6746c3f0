"""One run controller behind both front doors: `botagent run` and plain `locust -f locustfiles/dialer.py`.

A run that cannot start ends with the same one line and exit code through either door, before any agent
runs: no summary, no report. `botagent run --target mock` hands the target to Locust as it is, and the
controller in Locust starts the embedded mock even when the profile names a server.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from cli_rig import REPO, SMOKE_PROFILE, closed_port, run_botagent

pytestmark = pytest.mark.slow


def run_plain_locust(*args: str) -> subprocess.CompletedProcess[str]:
    """``locust -f locustfiles/dialer.py --headless`` with one agent for five seconds, and ``args``."""
    command = [sys.executable, "-m", "locust", "-f", "locustfiles/dialer.py", "--headless"]
    command += ["-u", "1", "-r", "1", "-t", "5s", *args]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)


def botagent_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    """What botagent itself said on stderr (Locust's own log lines aside)."""
    return [line for line in result.stderr.splitlines() if line.startswith("botagent: ")]


def assert_not_started(result: subprocess.CompletedProcess[str], code: int, reports: Path) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == code, output
    assert "Traceback" not in output
    assert "RESULT:" not in result.stdout
    assert not (reports / "summary.json").exists()


def test_both_doors_when_target_is_unreachable_exit_3_with_the_same_line(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    cli_reports, plain_reports = tmp_path / "cli", tmp_path / "plain"

    cli = run_botagent("run", "profiles/smoke.yaml", "--target", url, "--reports", str(cli_reports))
    plain = run_plain_locust(
        "--profile", "profiles/smoke.yaml", "--host", url, "--reports", str(plain_reports)
    )

    assert_not_started(cli, 3, cli_reports)
    assert_not_started(plain, 3, plain_reports)
    [line] = botagent_lines(cli)
    assert botagent_lines(plain) == [line]
    assert line.startswith(f"botagent: target unreachable: {url}: ") and "Connection refused" in line


def test_both_doors_when_report_folder_cannot_be_made_exit_2_with_the_same_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    reports = blocker / "reports"

    cli = run_botagent("run", "profiles/smoke.yaml", "--reports", str(reports))
    plain = run_plain_locust("--profile", "profiles/smoke.yaml", "--reports", str(reports))

    assert_not_started(cli, 2, reports)
    assert_not_started(plain, 2, reports)
    [line] = botagent_lines(cli)
    assert botagent_lines(plain) == [line]
    assert line.startswith(f"botagent: cannot create the report folder {reports}: ")


def test_run_when_target_option_is_mock_runs_the_embedded_mock_instead_of_the_profiles_server(
    tmp_path: Path,
) -> None:
    server = f"http://127.0.0.1:{closed_port()}"
    profile = tmp_path / "server.yaml"
    profile.write_text(yaml.safe_dump({**yaml.safe_load(SMOKE_PROFILE.read_text()), "target": server}))
    reports = tmp_path / "reports"

    result = run_botagent(
        "run", str(profile), "-u", "2", "-t", "6s", "--target", "mock", "--reports", str(reports)
    )

    output = result.stdout + result.stderr
    assert re.search(
        r"^botagent: running \S+: 2 agents against http://127\.0\.0\.1:\d+;", result.stderr, re.M
    )
    assert server not in output
    summary = json.loads((reports / "summary.json").read_text(encoding="utf-8"))
    assert summary["reconciliation"] is not None and summary["reconciliation"]["reconciles"], output
    assert result.returncode == summary["exit_code"], output
