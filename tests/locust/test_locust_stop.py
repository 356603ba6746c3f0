"""Locust stops while every agent holds a call: talks last a minute and previews are read for a minute,
so when the run time ends each agent is on a data call or holds a preview it has not placed.

The run goes once in one process and once with ``--processes 2``, on ``locustfiles/dialer.py`` as a
user would start it. Either way every agent must log off before dispositioning its call, wait for the
grant and close its session, within Locust's stop timeout. The mock answers each log-off only after
four seconds, as a busy server may: far longer than a Locust master waits for its workers by itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from locust_rig import (
    DIALER_LOCUSTFILE,
    POWER,
    PREDICTIVE,
    PREVIEW,
    LocustRun,
    campaign,
    run_locust,
    scenario,
    write_profile,
)

from botagent.mock.server import MockServer

pytestmark = pytest.mark.slow

AGENTS = ["pred01", "power01", "prev01", "lead01"]
LOGOFF_LATENCY = 4.0
SCENARIO = scenario(
    campaigns=[campaign(PREDICTIVE, "predictive"), campaign(POWER, "power"), campaign(PREVIEW, "preview")],
    users=[
        {"names": ["pred01"], "campaigns": [PREDICTIVE]},
        {"names": ["power01"], "campaigns": [POWER]},
        {"names": ["prev01"], "campaigns": [PREVIEW]},
        {"names": ["lead01"], "has_logon_campaign_right": True},
    ],
    faults=[{"kind": "latency", "endpoints": ["POST /dialer/log-off"], "seconds": LOGOFF_LATENCY}],
)
PROFILE = {
    "name": "stop",
    "campaigns": [PREVIEW],
    "behaviour": {"talk_time": 60, "preview_think_time": 60, "wrap_up_time": 0.2},
    "timeouts": {"request": 10, "pop": 20, "logoff_grant": 10},
    "on_error": {"policy": "stop"},
    "thresholds": {"error_ratio": 0, "rule_violations": 0, "ledger_reconciles": True},
}


@pytest.fixture(scope="module", params=[None, 2], ids=["one process", "two processes"])
def run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocustRun]:
    out: Path = tmp_path_factory.mktemp("stop")
    profile = write_profile(out, PROFILE, agents=AGENTS)
    with MockServer(SCENARIO) as mock:
        yield run_locust(
            mock,
            profile,
            out,
            users=len(AGENTS),
            run_time=4,
            processes=request.param,
            locustfile=DIALER_LOCUSTFILE,
        )


def test_stop_when_agents_hold_calls_leaves_no_session_open(run: LocustRun) -> None:
    assert run.returncode == 0, run.describe()
    assert run.sessions_after == []
    assert run.count("DELETE /connection") == run.count("POST /connection") == len(AGENTS)
    assert "Not all users finished" not in run.stderr


def test_stop_when_agents_hold_calls_logs_off_then_dispositions_every_call_once(run: LocustRun) -> None:
    assert sorted(call["agent"] for call in run.popped) == sorted(AGENTS)
    assert all(call["state"] == "dispositioned" for call in run.popped)
    assert all(call["dispositionCount"] == 1 for call in run.popped)
    assert run.count("POST /dialer/log-off") == run.count("logoff-grant") == len(AGENTS)
    grants = next(row for row in run.summary["kpis"] if row["name"] == "logoff-grant")
    assert grants["p50"] >= LOGOFF_LATENCY * 1000
    assert run.count("POST /dialer/disposition") == len(AGENTS)
    assert run.summary["reconciliation"]["reconciles"] is True


def test_stop_when_preview_is_unplaced_places_it_before_dispositioning_it(run: LocustRun) -> None:
    """A preview whose pop does not allow skipping cannot be dispositioned unplaced: the agent places it
    after its log-off and before its disposition (R6; official disposition page)."""
    previews = [call for call in run.popped if call["kind"] == "previewPop"]
    assert sorted(call["agent"] for call in previews) == ["lead01", "prev01"]
    assert all(call["placedAt"] is not None for call in previews)
    assert all(call["placedAt"] <= call["dispositionedAt"] for call in previews)
    assert run.count("POST /dialer/place-preview-call") == 2


def test_stop_when_agents_hold_calls_reports_no_failure(run: LocustRun) -> None:
    assert run.summary_failures == 0 and run.failures == []
    assert run.summary["step_errors_total"] == 0, run.summary["step_errors"]
    assert run.summary["rule_violations_total"] == 0, run.summary["rule_violations"]
