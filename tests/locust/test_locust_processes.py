"""A distributed Locust run (``--processes 2``: a master and two workers) whose agents log off after
every call, so each identity works many short shifts.

There are exactly as many identities as agents, so any identity handed to two agents at once would
log in to Dialer twice, which the mock refuses with 403. The agents hold the Logon Campaign right and
choose the power campaign by its id; they read messages by polling.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from locust_rig import (
    CAMPAIGN_IDS,
    POWER,
    PREDICTIVE,
    PREVIEW,
    LocustRun,
    campaign,
    logoff_windows,
    run_locust,
    scenario,
    write_profile,
)

from botagent.mock.server import MockServer

pytestmark = pytest.mark.slow

AGENTS = [f"campaignagent{n:04d}" for n in range(1, 7)]
SCENARIO = scenario(
    campaigns=[campaign(PREDICTIVE, "predictive"), campaign(POWER, "power"), campaign(PREVIEW, "preview")],
    users=[{"pattern": "campaignagent{n:04d}", "range": [1, 100], "has_logon_campaign_right": True}],
)
PROFILE = {
    "name": "processes",
    "identities": {
        "source": "pattern",
        "pattern": "campaignagent{n:04d}",
        "first": 1,
        "last": len(AGENTS),
        "password": "botagent",
    },
    "campaigns": [CAMPAIGN_IDS[POWER]],
    "messaging": {"mode": "poll", "poll_interval": 0.2},
    "behaviour": {
        "talk_time": {"kind": "uniform", "low": 0.2, "high": 0.4},
        "wrap_up_time": 0.2,
        "logoff": {"after_calls": 1},
    },
    "timeouts": {"request": 5, "pop": 20, "logoff_grant": 15},
    "on_error": {"policy": "stop"},
    "thresholds": {"error_ratio": 0, "rule_violations": 0, "ledger_reconciles": True},
}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocustRun]:
    out: Path = tmp_path_factory.mktemp("processes")
    profile = write_profile(out, PROFILE)
    with MockServer(SCENARIO) as mock:
        yield run_locust(mock, profile, out, users=len(AGENTS), run_time=12, processes=2)


def test_processes_when_every_identity_is_in_use_never_log_in_one_user_twice(run: LocustRun) -> None:
    assert run.returncode == 0, run.describe()
    assert run.summary_failures == 0 and run.failures == []
    assert run.summary["step_errors_total"] == 0, run.summary["step_errors"]
    for sample in run.samples:
        logged_in = Counter(session["userId"] for session in sample if session["dialerLoggedIn"])
        assert not logged_in or max(logged_in.values()) == 1, logged_in
    users = {session["userId"] for sample in run.samples for session in sample}
    assert users == set(AGENTS)


def test_processes_when_two_workers_run_agents_lease_disjoint_identities(run: LocustRun) -> None:
    agents_per_process = [
        {event["agent"] for event in events} for events in run.requests.values() if events
    ]
    assert len(agents_per_process) == 2, agents_per_process
    first, second = agents_per_process
    assert first and second and not first & second
    assert first | second == set(AGENTS)
    assert run.summary["calls"]["agents"] == len(AGENTS)


def test_logoff_when_due_after_one_call_is_asked_before_disposition_and_granted_after(run: LocustRun) -> None:
    events = run.events_by_agent()
    for agent in AGENTS:
        windows = logoff_windows(events[agent])
        calls = [call for call in run.popped if call["agent"] == agent]
        assert len(calls) >= 2, agent
        for call in calls:
            holding = [(start, end) for start, end in windows if start < call["dispositionedAt"] < end]
            assert len(holding) == 1, (agent, call["interactionId"])
        shifts = sum(1 for event in events[agent] if event["name"] == "POST /connection")
        assert shifts >= len(calls)
    assert run.summary["rule_violations_total"] == 0


def test_ledger_when_distributed_run_ends_matches_what_the_bots_did(run: LocustRun) -> None:
    assert {call["campaignName"] for call in run.popped} == {POWER}
    assert all(call["kind"] == "dataPop" for call in run.popped)
    assert all(call["state"] == "dispositioned" and call["dispositionCount"] == 1 for call in run.popped)
    bots = {call["interaction_id"]: call for call in run.bot_calls}
    assert len(bots) == len(run.popped)
    assert all(bots[call["interactionId"]]["label"] == call["label"] for call in run.popped)
    assert run.summary["reconciliation"]["reconciles"] is True
    assert "GET /messaging/messages" in run.row_names("ICWS")


def test_sessions_when_distributed_run_stops_are_all_logged_off_and_closed(run: LocustRun) -> None:
    assert run.sessions_after == []
    assert run.count("DELETE /connection") == run.count("POST /connection")
    assert run.count("logoff-grant") == run.count("POST /dialer/log-off")
    assert "Not all users finished" not in run.stderr
