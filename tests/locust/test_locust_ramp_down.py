"""A load shape takes three of four agents away while each holds a minute-long call.

Locust stops a user it ramps down the same way as at the end of a test, but no test_stopping event
tells the agent: the user itself must ask its agent to log off, disposition its call and close its
session, while the other agent keeps working until the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from locust_rig import POWER, PREDICTIVE, PREVIEW, LocustRun, campaign, run_locust, scenario, write_profile

from botagent.mock.server import MockServer

pytestmark = pytest.mark.slow

STEPDOWN_LOCUSTFILE = Path(__file__).with_name("stepdown_locustfile.py")
AGENTS = [f"agent{n:04d}" for n in range(1, 5)]
SCENARIO = scenario(
    campaigns=[campaign(PREDICTIVE, "predictive"), campaign(POWER, "power"), campaign(PREVIEW, "preview")],
    users=[{"pattern": "agent{n:04d}", "range": [1, 10]}],
)
PROFILE = {
    "name": "ramp-down",
    "behaviour": {"talk_time": 60, "preview_think_time": 0.1, "wrap_up_time": 0.1},
    "timeouts": {"request": 2, "pop": 20, "logoff_grant": 10},
    "on_error": {"policy": "stop"},
    "thresholds": {"error_ratio": 0, "rule_violations": 0, "ledger_reconciles": True},
}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocustRun]:
    out: Path = tmp_path_factory.mktemp("ramp_down")
    profile = write_profile(out, PROFILE)
    with MockServer(SCENARIO) as mock:
        yield run_locust(mock, profile, out, users=None, run_time=None, locustfile=STEPDOWN_LOCUSTFILE)


def test_ramp_down_when_agents_hold_calls_closes_their_sessions_while_the_rest_work(run: LocustRun) -> None:
    assert run.returncode == 0, run.describe()
    open_counts = [len(sample) for sample in run.samples]
    assert len(AGENTS) in open_counts, open_counts
    assert 1 in open_counts[open_counts.index(len(AGENTS)) :], open_counts
    assert run.sessions_after == []


def test_ramp_down_when_agents_hold_calls_dispositions_each_call_once(run: LocustRun) -> None:
    assert sorted(call["agent"] for call in run.popped) == AGENTS
    assert all(call["dispositionCount"] == 1 for call in run.popped)
    assert run.count("logoff-grant") == run.count("POST /dialer/disposition") == len(AGENTS)
    assert run.summary_failures == 0 and run.summary["step_errors_total"] == 0
    assert "Not all users finished" not in run.stderr
