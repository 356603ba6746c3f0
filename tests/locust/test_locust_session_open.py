"""``timeouts.session_open`` bounds the request that creates an agent's ICWS session (``POST
/connection``); ``timeouts.request`` bounds every other request.

The mock makes every ``POST /connection`` take a second. With ``session_open`` above that and
``request`` below it, sessions open and agents work; the other way round, no session ever opens.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from locust_rig import DIALER_LOCUSTFILE, POWER, LocustRun, campaign, run_locust, scenario, write_profile

from botagent.mock.server import MockServer

pytestmark = pytest.mark.slow

AGENTS = ["agent01", "agent02"]
CONNECT_LAG = 1.0


def run_with_timeouts(tmp_path: Path, *, request: float, session_open: float) -> LocustRun:
    """Two power-campaign agents for five seconds against a mock whose connections take a second."""
    lag = {"kind": "latency", "seconds": CONNECT_LAG, "endpoints": ["POST /connection"]}
    mock_scenario = scenario(
        campaigns=[campaign(POWER, "power")], users=[{"names": AGENTS, "campaigns": [POWER]}], faults=[lag]
    )
    profile = {
        "name": "session-open",
        "messaging": {"mode": "poll", "poll_interval": 0.2},
        "behaviour": {"talk_time": 0.2, "wrap_up_time": 0.1},
        "timeouts": {"request": request, "session_open": session_open, "pop": 10, "logoff_grant": 10},
        "retries": {"attempts": 1},
        "on_error": {"policy": "restart", "pause": 0.5},
        "thresholds": {"rule_violations": None, "ledger_reconciles": False},
    }
    path = write_profile(tmp_path, profile, agents=AGENTS)
    with MockServer(mock_scenario) as mock:
        return run_locust(mock, path, tmp_path, users=len(AGENTS), run_time=5, locustfile=DIALER_LOCUSTFILE)


def row(run: LocustRun, name: str) -> dict[str, object]:
    rows = [r for r in run.summary["endpoints"] if r["name"] == name]
    assert rows, run.describe()
    return dict(rows[0])


def test_session_open_when_longer_than_a_slow_connection_opens_sessions_the_request_timeout_would_cut(
    tmp_path: Path,
) -> None:
    run = run_with_timeouts(tmp_path, request=0.5, session_open=3)

    connect = row(run, "POST /connection")
    assert connect["failures"] == 0, run.describe()
    assert float(str(connect["p50"])) >= CONNECT_LAG * 1000
    assert run.count("POST /dialer/log-in") >= len(AGENTS)
    assert run.summary["step_errors_total"] == 0, run.summary["step_errors"]


def test_session_open_when_shorter_than_a_slow_connection_fails_it_though_the_request_timeout_is_long(
    tmp_path: Path,
) -> None:
    run = run_with_timeouts(tmp_path, request=5, session_open=0.4)

    connect = row(run, "POST /connection")
    assert int(str(connect["count"])) >= len(AGENTS)
    assert connect["failures"] == connect["count"], run.describe()
    assert run.count("POST /dialer/log-in") == 0
    assert run.summary["step_errors_total"] >= len(AGENTS)
