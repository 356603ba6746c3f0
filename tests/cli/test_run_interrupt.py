"""`botagent run` stopped early: by Ctrl-C at a terminal (SIGINT to the whole process group) or by
`kill PID` (SIGTERM to botagent alone). Either way Locust stops once, the agents log off and finish
their calls, the summary and the reports are written, the exit code is the summary's, nothing prints a
traceback and the embedded mock is stopped. Killed outright, botagent leaves no child behind.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path

import httpx
import pytest
from cli_rig import BackgroundRun, smoke_profile

pytestmark = pytest.mark.slow

USERS = 3


def wait_for_logged_in_agents(mock_url: str, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sessions = httpx.get(f"{mock_url}/mock/sessions", timeout=10).json()
        if sum(1 for s in sessions if s.get("dialerLoggedIn")) >= count:
            return
        time.sleep(0.2)
    raise AssertionError(f"{count} agents did not log in to Dialer within {timeout} s")


def mock_answers(mock_url: str) -> bool:
    try:
        httpx.get(f"{mock_url}/mock/health", timeout=5)
    except httpx.TransportError:
        return False
    return True


@pytest.mark.parametrize(
    ("send", "signum"),
    [("signal_group", signal.SIGINT), ("signal_process", signal.SIGTERM)],
    ids=["ctrl-c-to-process-group", "sigterm-to-botagent-alone"],
)
def test_run_when_interrupted_stops_once_and_writes_reports(tmp_path: Path, send: str, signum: int) -> None:
    profile = smoke_profile(tmp_path, users=USERS, run_time="60s")
    reports = tmp_path / "reports"
    run = BackgroundRun("run", str(profile), "--reports", str(reports))
    mock_url = run.wait_for_line(r"running \S+: \d+ agents against (http://127\.0\.0\.1:\d+);")[1]
    wait_for_logged_in_agents(mock_url, USERS)
    interrupted = time.monotonic()

    getattr(run, send)(signum)
    result = run.finish(timeout=90)

    output = result.stdout + result.stderr
    assert time.monotonic() - interrupted < 50, output
    assert "Traceback" not in output
    assert "interrupted: stopping the agents and writing the reports" in result.stderr
    assert result.stdout.count("RESULT: ") == 1, output
    summary = json.loads((reports / "summary.json").read_text(encoding="utf-8"))
    assert result.returncode == summary["exit_code"]
    assert result.returncode in (0, 1)
    assert summary["duration_s"] < 50
    assert all((reports / name).is_file() for name in ("junit.xml", "report.html", "locust_stats.csv"))
    assert summary["reconciliation"]["lost"] == [], "agents did not finish their calls before the summary"
    log_offs = [row for row in summary["endpoints"] if row["name"] == "POST /dialer/log-off"]
    assert log_offs and log_offs[0]["count"] >= USERS, "agents did not log off before the summary"
    assert not mock_answers(mock_url), "the embedded mock outlived botagent run"


def locust_pids(reports: Path) -> list[int]:
    """Live Locust processes writing to ``reports`` (read from Linux's /proc)."""
    pids = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().decode(errors="replace").split("\0")
            state = (cmdline.parent / "stat").read_text().rsplit(") ", 1)[1][0]
        except (OSError, IndexError):
            continue  # gone meanwhile
        if args[1:3] == ["-m", "locust"] and str(reports) in args and state != "Z":
            pids.append(int(cmdline.parent.name))
    return pids


@pytest.mark.skipif(sys.platform != "linux", reason="the parent-death signal is Linux only")
def test_run_when_killed_outright_leaves_no_locust_running(tmp_path: Path) -> None:
    profile = smoke_profile(tmp_path, users=USERS, run_time="60s")
    reports = tmp_path / "reports"
    run = BackgroundRun("run", str(profile), "--reports", str(reports))
    mock_url = run.wait_for_line(r"running \S+: \d+ agents against (http://127\.0\.0\.1:\d+);")[1]
    wait_for_logged_in_agents(mock_url, USERS)
    assert len(locust_pids(reports)) == 1

    run.signal_process(signal.SIGKILL)
    run.finish(timeout=30)

    deadline = time.monotonic() + 50
    while locust_pids(reports) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert locust_pids(reports) == [], "Locust outlived botagent run"
    while mock_answers(mock_url) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not mock_answers(mock_url), "the embedded mock outlived botagent run"
