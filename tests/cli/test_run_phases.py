"""A load run whose agents log off only when the test stops, as profiles/load.yaml's do, scaled down to
what two shared cores run in seconds: 30 agents on two Locust workers. Its steady-state thresholds
(load.yaml's latency limits) pass, the log-off burst of the stop phase is reported apart from the steady
phase and is not judged by the ``"*"`` limits, and the workers' samples all reach the master.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from cli_rig import REPO, run_botagent

pytestmark = pytest.mark.slow

USERS = 30
LOAD_PROFILE = REPO / "profiles" / "load.yaml"


def scaled_load_profile(folder: Path) -> Path:
    """profiles/load.yaml with short calls and the limits on counts scaled to a 12-second run."""
    profile = yaml.safe_load(LOAD_PROFILE.read_text())
    profile["load"] = {"users": USERS, "spawn_rate": 15, "run_time": "12s", "processes": 2}
    profile["behaviour"].update(
        talk_time={"kind": "uniform", "low": 1, "high": 2},
        wrap_up_time=0.5,
        preview_think_time=0.5,
    )
    thresholds = profile["thresholds"]
    thresholds["endpoints"]["POST /dialer/disposition"]["min_count"] = USERS
    thresholds["calls_per_agent"] = {"min": 1}
    path = folder / "load.yaml"
    path.write_text(yaml.safe_dump(profile, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def load_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[subprocess.CompletedProcess[str], dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("load")
    result = run_botagent("run", str(scaled_load_profile(folder)), "--reports", str(folder / "reports"))
    summary = json.loads((folder / "reports" / "summary.json").read_text(encoding="utf-8"))
    yield result, summary


def rows(phase: dict[str, Any], kind: str = "endpoints") -> dict[str, int]:
    return {row["name"]: row["count"] for row in phase[kind]}


def test_load_run_when_agents_log_off_only_at_the_stop_passes_its_steady_state_thresholds(
    load_run: tuple[subprocess.CompletedProcess[str], dict[str, Any]],
) -> None:
    result, summary = load_run
    failed = [t for t in summary["thresholds"] if not t["passed"]]

    assert result.returncode == 0, (failed, result.stdout[-3000:], result.stderr[-2000:])
    assert summary["judged_phase"] == "steady"
    assert re.search(r"^RESULT: PASS, all \d+ thresholds passed \(exit code 0\)$", result.stdout, re.M)
    assert not any(t["name"].startswith("POST /dialer/log-off") for t in summary["thresholds"])


def test_load_run_when_agents_log_off_only_at_the_stop_reports_the_burst_in_the_stop_phase(
    load_run: tuple[subprocess.CompletedProcess[str], dict[str, Any]],
) -> None:
    _, summary = load_run
    phases = {phase["phase"]: phase for phase in summary["phases"]}

    assert list(phases) == ["ramp-up", "steady", "stop"]
    assert phases["ramp-up"]["ended_s"] == phases["steady"]["started_s"] < phases["steady"]["ended_s"]
    assert rows(phases["stop"])["POST /dialer/log-off"] == USERS
    assert rows(phases["stop"])["DELETE /connection"] == USERS
    assert rows(phases["stop"], "kpis")["logoff-grant"] == USERS
    assert "POST /dialer/log-off" not in rows(phases["steady"])
    assert rows(phases["steady"])["POST /dialer/disposition"] >= USERS


def test_load_run_when_two_workers_report_the_master_counts_every_sample_once(
    load_run: tuple[subprocess.CompletedProcess[str], dict[str, Any]],
) -> None:
    result, summary = load_run
    whole = rows(summary)
    by_phase: dict[str, int] = {}
    for phase in summary["phases"]:
        for name, count in rows(phase).items():
            by_phase[name] = by_phase.get(name, 0) + count
    requests = [int(n) for n in re.findall(r"\| requests (\d+) \|", result.stdout)]

    assert by_phase == whole
    assert whole["POST /connection"] == whole["DELETE /connection"] == USERS
    assert sum(point["requests"] for point in summary["timeline"]) == sum(whole.values())
    assert requests[-1] == sum(whole.values())


def test_load_run_when_two_workers_report_the_master_sums_their_harness_readings(
    load_run: tuple[subprocess.CompletedProcess[str], dict[str, Any]],
) -> None:
    _, summary = load_run
    lag = summary["harness"]["timer_lag"]

    # two workers, one probe each every 0.1 s over a 12 s test: more than one worker's worth
    assert lag["count"] > 12 * 10 * 1.2
    assert lag["max"] >= lag["p99"] >= 0
