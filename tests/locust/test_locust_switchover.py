"""Agents ride through a switchover of the mock pair under Locust, even with ``on_error: stop``.

Feature request (switchover): sessions on the failed server end; the old primary answers the connection
request with 503 and the new primary in ``alternateHostList`` (seed reference 1.1); Dialer state carries
over. An agent whose session ends logs in again on the active server after the profile's switchover
back-off, not after ``on_error.pause``, and whatever ``on_error.policy`` says.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime

import httpx
import pytest
from locust_rig import DIALER_LOCUSTFILE, POWER, LocustRun, campaign, run_locust, scenario, write_profile

from botagent.mock.server import MockServer

pytestmark = pytest.mark.slow

AGENTS = ["agent01", "agent02", "agent03"]
PROFILE = {
    "name": "switchover",
    "messaging": {"mode": "sse"},
    "behaviour": {"talk_time": 0.3, "wrap_up_time": 0.2, "reschedule": {"probability": 0}},
    "timeouts": {"request": 5, "pop": 10, "break_grant": 10, "logoff_grant": 10},
    "on_error": {"policy": "stop", "pause": 60},
    "switchover": {"backoff": 0.2, "backoff_max": 1, "poll_interval": 1},
    "thresholds": {"rule_violations": 0, "ledger_reconciles": True},
}


@pytest.fixture(scope="module")
def switched_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[LocustRun, float]:
    """Three agents for 10 s against the mock pair, switched over 4 s in; the run and the switch time."""
    tmp_path = tmp_path_factory.mktemp("switchover")
    mock_scenario = scenario(campaigns=[campaign(POWER, "power")], users=[{"names": AGENTS}])
    profile = write_profile(tmp_path, PROFILE, agents=AGENTS)
    switched: list[float] = []

    def switch_over(mock: MockServer) -> None:
        switched.append(time.time())
        httpx.post(f"{mock.base_url}/mock/switchover", timeout=5).raise_for_status()

    with MockServer(mock_scenario, pair=True) as mock:
        timer = threading.Timer(4.0, switch_over, args=(mock,))
        timer.start()
        run = run_locust(
            mock, profile, tmp_path, users=len(AGENTS), run_time=10, locustfile=DIALER_LOCUSTFILE
        )
        timer.join()
    (at,) = switched
    return run, at


def test_agents_when_the_pair_switches_over_log_in_again_on_the_new_primary(
    switched_run: tuple[LocustRun, float],
) -> None:
    """Seed reference 1.1 (503 with ``alternateHostList``): each agent's next connection request goes to
    the old primary, which answers 503 naming the new one; the agent follows it and takes calls again
    well before ``on_error.pause`` (60 s) would have let it."""
    run, at = switched_run
    assert run.returncode == 0, run.describe()
    popped_after = {call["agent"] for call in run.popped if call["poppedAt"] > at + 1.0}
    assert popped_after == set(AGENTS), "every agent took calls again after the switchover"
    connect = next(row for row in run.summary["endpoints"] if row["name"] == "POST /connection")
    assert connect["failures"] == len(AGENTS), "each agent's first try hits the old primary's 503"
    assert run.sessions_after == []


def test_agents_when_polling_switchover_status_reveal_the_switchover_in_the_summary(
    switched_run: tuple[LocustRun, float],
) -> None:
    """Official switchover-status page: ``primaryHost`` is the current primary of the pair. When the
    agents' polls name a new primary, the run reports the switchover (from the first session it ended)
    and the time until every agent worked again, though botagent did not make the switchover itself."""
    run, at = switched_run
    assert run.returncode == 0, run.describe()
    (switchover,) = run.summary["switchovers"]
    started = datetime.fromisoformat(run.summary["started_at"]).timestamp()
    # started_at is whole seconds, so the switchover's time is known within a second here
    assert at - 1.0 <= started + switchover["at_s"] <= at + 1.5, (at - started, switchover)
    assert switchover["agents_lost"] == switchover["agents_back"] == len(AGENTS)
    assert switchover["recovered_after_s"] is not None and switchover["recovered_after_s"] < 5
    assert run.summary["step_errors_total"] == 0, run.summary["step_errors"]
