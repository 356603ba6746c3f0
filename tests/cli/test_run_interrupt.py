"""`botagent run` stopped early: by Ctrl-C at a terminal (SIGINT to the whole process group) or by
`kill PID` (SIGTERM to botagent alone), at any moment. Interrupted once Locust has started its test
(ramping up, running, or stopping), Locust stops once, the agents log off and finish their calls, the
summary and the reports are written and say the run was interrupted, and botagent exits with 130.
Interrupted before that (Locust starting, the target being probed), botagent says so on one line, writes
no summary, and exits with 130. Nothing prints a traceback and the embedded mock is stopped. Killed
outright, botagent leaves no child behind.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from cli_rig import SMOKE_PROFILE, BackgroundRun, smoke_profile

pytestmark = pytest.mark.slow

USERS = 3
EXIT_INTERRUPTED = 130
RUNNING = r"running \S+: \d+ agents against (http://127\.0\.0\.1:\d+);"
NOT_STARTED = "botagent: interrupted before the run started"


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


def start(
    tmp_path: Path, *args: str, users: int = USERS, run_time: str = "60s", **changes: Any
) -> BackgroundRun:
    """`botagent run` of a smoke profile with ``changes``, reporting into ``tmp_path/reports``."""
    profile = smoke_profile(tmp_path, users=users, run_time=run_time, **changes)
    return BackgroundRun("run", str(profile), "--reports", str(tmp_path / "reports"), *args)


def finish(run: BackgroundRun) -> tuple[subprocess.CompletedProcess[str], str]:
    """The interrupted run's result and all it printed, once it has exited, with the checks every
    interrupted run must pass: the documented exit code, one line saying so, and no traceback."""
    result = run.finish(timeout=90)
    output = result.stdout + result.stderr
    assert result.returncode == EXIT_INTERRUPTED, output
    assert "Traceback" not in output
    assert "botagent: interrupted: stopping the agents and writing the reports" in result.stderr
    return result, output


def interrupted_summary(reports: Path, reason: str, output: str) -> dict[str, Any]:
    """The summary of a run interrupted for ``reason``, checked against the result line and reports."""
    summary: dict[str, Any] = json.loads((reports / "summary.json").read_text(encoding="utf-8"))
    assert (summary["interrupted"], summary["aborted"], summary["exit_code"]) == (True, reason, 130)
    assert output.count("RESULT: ") == 1, output
    assert f"RESULT: INTERRUPTED, the run was {reason} after " in output
    assert all((reports / name).is_file() for name in ("junit.xml", "report.html", "locust_stats.csv"))
    run_suite = ET.parse(reports / "junit.xml").getroot().find("testsuite[@name='run']")
    assert run_suite is not None and reason in ET.tostring(run_suite, encoding="unicode")
    assert reason in (reports / "report.html").read_text(encoding="utf-8")
    assert summary["reconciliation"]["lost"] == [], "agents did not finish their calls before the summary"
    return summary


def log_offs(rows: list[dict[str, Any]]) -> int:
    return sum(row["count"] for row in rows if row["name"] == "POST /dialer/log-off")


@pytest.mark.parametrize(
    ("send", "signum", "reason"),
    [
        ("signal_group", signal.SIGINT, "interrupted (Ctrl-C)"),
        ("signal_process", signal.SIGTERM, "interrupted (SIGTERM)"),
    ],
    ids=["ctrl-c-to-process-group", "sigterm-to-botagent-alone"],
)
def test_run_when_interrupted_during_the_run_stops_once_reports_it_and_exits_130(
    tmp_path: Path, send: str, signum: int, reason: str
) -> None:
    run = start(tmp_path)
    mock_url = run.wait_for_line(RUNNING)[1]
    wait_for_logged_in_agents(mock_url, USERS)
    interrupted = time.monotonic()

    getattr(run, send)(signum)
    _, output = finish(run)

    assert time.monotonic() - interrupted < 50, output
    summary = interrupted_summary(tmp_path / "reports", reason, output)
    assert summary["duration_s"] < 50
    assert log_offs(summary["endpoints"]) >= USERS, "agents did not log off before the summary"
    assert [phase["phase"] for phase in summary["phases"]][-1] == "stop"
    assert not mock_answers(mock_url), "the embedded mock outlived botagent run"


def test_run_when_interrupted_during_the_ramp_up_reports_no_steady_phase(tmp_path: Path) -> None:
    run = start(tmp_path, "--spawn-rate", "0.5", users=4)
    mock_url = run.wait_for_line(RUNNING)[1]
    wait_for_logged_in_agents(mock_url, 1)

    run.signal_group(signal.SIGINT)
    _, output = finish(run)

    summary = interrupted_summary(tmp_path / "reports", "interrupted (Ctrl-C)", output)
    assert [phase["phase"] for phase in summary["phases"]] == ["ramp-up", "stop"]
    assert summary["users"] < 4
    assert not mock_answers(mock_url)


def test_run_when_interrupted_while_the_agents_log_off_waits_for_them_and_exits_130(tmp_path: Path) -> None:
    behaviour = yaml.safe_load(SMOKE_PROFILE.read_text())["behaviour"]
    behaviour["logoff"] = {"after_calls": None, "after_time": None, "scope": "all"}
    run = start(tmp_path, run_time="6s", behaviour=behaviour)
    mock_url = run.wait_for_line(RUNNING)[1]
    slow_log_off = {"kind": "latency", "seconds": 3, "endpoints": ["POST /dialer/log-off"]}
    httpx.post(f"{mock_url}/mock/faults", json=slow_log_off, timeout=10).raise_for_status()
    wait_for_the_first_log_off(mock_url)

    run.signal_group(signal.SIGINT)
    _, output = finish(run)

    summary = interrupted_summary(tmp_path / "reports", "interrupted (Ctrl-C)", output)
    stop = summary["phases"][-1]
    assert stop["phase"] == "stop" and log_offs(stop["endpoints"]) == USERS
    assert log_offs(summary["endpoints"]) == USERS, "agents logged off before the test stopped"


def wait_for_the_first_log_off(mock_url: str, timeout: float = 60) -> None:
    """Wait until the mock holds back a log-off: the run's time is up and its agents are stopping."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        faults = httpx.get(f"{mock_url}/mock/faults", timeout=10).json()["faults"]
        if any(fault["fired"] for fault in faults):
            return
        time.sleep(0.1)
    raise AssertionError(f"no agent logged off within {timeout} s")


def test_run_when_interrupted_while_the_target_is_probed_exits_130_without_reports(tmp_path: Path) -> None:
    with socket.socket() as silent:  # accepts connections and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        silent.settimeout(60)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        run = start(tmp_path, "--target", url, mock_scenario=None)
        probe, _ = silent.accept()
        with probe:
            run.signal_group(signal.SIGINT)
            result, output = finish(run)

    assert NOT_STARTED in result.stderr
    assert "RESULT:" not in output
    assert not (tmp_path / "reports" / "summary.json").exists()


def test_run_when_interrupted_while_locust_starts_exits_130_without_reports(tmp_path: Path) -> None:
    run = start(tmp_path)
    reports = tmp_path / "reports"
    deadline = time.monotonic() + 60
    while not locust_pids(reports) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert locust_pids(reports), "Locust did not start"

    run.signal_group(signal.SIGINT)
    result, output = finish(run)

    assert NOT_STARTED in result.stderr
    assert "running " not in output, "Locust got as far as its run before the interrupt: too late"
    assert not (reports / "summary.json").exists()
    deadline = time.monotonic() + 30
    while locust_pids(reports) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert locust_pids(reports) == []


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
