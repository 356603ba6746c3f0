"""The bot survives each fault the mock can inject: it recovers (retries, reconnects, starts over on a
new session) and the ledger still reconciles, with no popped call lost or dispositioned twice. A loss
the bot cannot avoid is never hidden: it is listed by id and fails the run.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from locust_rig import (
    DIALER_LOCUSTFILE,
    POWER,
    PREDICTIVE,
    LocustRun,
    campaign,
    run_locust,
    scenario,
    write_profile,
)

from botagent.mock.server import MockServer

pytestmark = pytest.mark.slow

AGENTS = ["agent01", "agent02", "agent03"]
RUN_TIME = 10
PROFILE = {
    "name": "faults",
    "messaging": {"mode": "sse"},
    "behaviour": {
        "talk_time": 0.3,
        "wrap_up_time": 0.2,
        "reschedule": {"probability": 0.2, "offset": 2, "agent": "self"},
        "logoff": {"after_calls": 4},
    },
    "timeouts": {"request": 5, "pop": 10, "break_grant": 10, "logoff_grant": 10},
    "retries": {"attempts": 6, "max_wait": 2},
    "on_error": {"policy": "restart", "pause": 0.5},
    "thresholds": {"rule_violations": 0, "ledger_reconciles": True},
}
DIALER = [
    "POST /dialer/log-in",
    "POST /dialer/ready-for-calls",
    "POST /dialer/disposition",
    "POST /dialer/log-off",
]


def run_with(tmp_path: Path, faults: list[dict[str, Any]], during: Any = None) -> tuple[LocustRun, list[Any]]:
    """One short run of three power-campaign agents with these faults; ``during(mock)`` runs at 4 s."""
    mock_scenario = scenario(
        campaigns=[campaign(PREDICTIVE, "predictive"), campaign(POWER, "power")],
        users=[{"names": AGENTS, "campaigns": [POWER]}],
        faults=faults,
    )
    profile = write_profile(tmp_path, PROFILE, agents=AGENTS)
    with MockServer(mock_scenario) as mock:
        timer = threading.Timer(4.0, during, args=(mock,)) if during else None
        if timer:
            timer.start()
        run = run_locust(
            mock, profile, tmp_path, users=len(AGENTS), run_time=RUN_TIME, locustfile=DIALER_LOCUSTFILE
        )
        if timer:
            timer.join()
        fired = httpx.get(f"{mock.base_url}/mock/faults", timeout=10).json()["faults"]
    return run, fired


def assert_recovered(run: LocustRun, fired: list[Any]) -> None:
    assert all(fault["fired"] > 0 for fault in fired), fired
    rec = run.summary["reconciliation"]
    assert rec["lost"] == [] and rec["duplicated"] == [] and rec["mismatched"] == [], rec
    assert run.summary["calls"]["dispositioned"] >= len(AGENTS), run.describe()
    assert run.sessions_after == []
    assert run.returncode == 0, run.describe()


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "error", "status": 503, "retry_after": 0.05, "endpoints": DIALER, "rate": 0.2},
        {"kind": "error", "status": 500, "endpoints": ["PUT /status/user-statuses"], "rate": 0.3},
        {"kind": "drop_connection", "endpoints": ["PUT /status/user-statuses", DIALER[1]], "rate": 0.3},
        {"kind": "latency", "endpoints": ["POST /dialer/ready-for-calls"], "seconds": 0.2},
        {"kind": "message_delay", "seconds": 0.3},
    ],
    ids=["503-retry-after", "500-on-status", "dropped-connections", "latency", "message-delay"],
)
def test_fault_when_requests_fail_or_lag_is_retried_and_nothing_is_lost(
    tmp_path: Path, fault: dict[str, Any]
) -> None:
    run, fired = run_with(tmp_path, [fault])

    assert_recovered(run, fired)
    assert run.summary["step_errors_total"] == 0, run.summary["step_errors"]
    if fault["kind"] == "latency":
        ready = next(r for r in run.summary["endpoints"] if r["name"] == "POST /dialer/ready-for-calls")
        assert ready["p50"] >= 200
    if fault["kind"] == "message_delay":
        pops = next(r for r in run.summary["kpis"] if r["name"] == "wait-for-pop")
        assert pops["p50"] >= 300


def test_fault_when_event_streams_are_cut_reopens_them_and_misses_no_message(tmp_path: Path) -> None:
    run, fired = run_with(tmp_path, [{"kind": "sse_cut", "after_events": 2}])

    assert_recovered(run, fired)
    assert run.count("GET /messaging/messages (sse)") > 3 * run.count("POST /connection")


def test_fault_when_sessions_are_lost_starts_over_on_new_sessions(tmp_path: Path) -> None:
    lose = {"kind": "session_loss", "endpoints": ["PUT /status/user-statuses"], "count": 2, "after": 3}
    run, fired = run_with(tmp_path, [lose])

    assert_recovered(run, fired)
    assert run.count("POST /connection") >= len(AGENTS) + 2
    assert 0 < run.summary["step_errors_total"] <= 2 * 3, run.summary["step_errors"]


def test_fault_when_the_server_restarts_agents_log_in_again(tmp_path: Path) -> None:
    def restart(mock: MockServer) -> None:
        httpx.post(f"{mock.base_url}/mock/restart", timeout=10)

    run, _ = run_with(tmp_path, [], during=restart)

    assert_recovered(run, [])
    assert run.count("POST /connection") >= 2 * len(AGENTS)
    assert any(call["state"] == "dispositioned" and call["poppedAt"] for call in run.popped)


def test_fault_when_a_disposition_is_dropped_reports_the_lost_call_and_fails(tmp_path: Path) -> None:
    drop = {"kind": "drop_connection", "endpoints": ["POST /dialer/disposition"], "count": 1, "after": 2}
    run, fired = run_with(tmp_path, [drop])

    lost = run.summary["reconciliation"]["lost"]
    assert fired[0]["fired"] == 1 and len(lost) == 1
    undispositioned = [c["interactionId"] for c in run.popped if c["dispositionCount"] == 0]
    assert lost == undispositioned
    assert run.returncode == 1
    assert "ledger reconciles" in run.stdout and lost[0] in run.stdout
