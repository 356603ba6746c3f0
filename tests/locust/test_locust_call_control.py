"""Locust runs in which every Dialer call is an interaction on its agent's queue and is disconnected
exactly once: by the agent before the disposition, by the far end hanging up, or by the server on the
disposition, as the campaign says. Each run reconciles with the ledger with no rule violation and leaves
no call connected.

Pages: disposition ("Dialer does not actually disconnect the call. The application, agent, or caller must
disconnect the call.") https://help.genesys.com/developer/cic/docs/icws/webhelp/icws/(sessionId)/dialer/
disposition/index.htm; queue subscription .../icws/(sessionId)/messaging/subscriptions/queues/
(subscriptionId)/index.htm.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from locust_rig import POWER, LocustRun, campaign, run_locust, scenario, write_profile

from botagent.mock.server import MockServer

pytestmark = pytest.mark.slow

AGENTS = ["a01", "a02", "a03"]
PROFILE: dict[str, Any] = {
    "name": "calls",
    "behaviour": {
        "talk_time": {"kind": "uniform", "low": 0.3, "high": 0.6},
        "wrap_up_time": 0.1,
        "dispositions": {"any": 1},
    },
    "timeouts": {"request": 5, "pop": 20, "logoff_grant": 20},
    "on_error": {"policy": "stop"},
    "thresholds": {"error_ratio": 0, "rule_violations": 0, "ledger_reconciles": True},
}
VARIANTS = {
    "agent": {"auto_disconnect_on_disposition": False},
    "remote": {"auto_disconnect_on_disposition": False, "remote_hangup": 0.1},
    "disposition": {"auto_disconnect_on_disposition": True},
}


@pytest.fixture(scope="module", params=list(VARIANTS))
def run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, LocustRun]:
    variant: str = request.param
    out: Path = tmp_path_factory.mktemp(f"calls-{variant}")
    profile = write_profile(out, PROFILE, agents=AGENTS)
    mock_scenario = scenario(
        campaigns=[campaign(POWER, "power", **VARIANTS[variant])],
        users=[{"names": AGENTS}],
    )
    with MockServer(mock_scenario) as mock:
        return variant, run_locust(mock, profile, out, users=len(AGENTS), run_time=8)


def test_locust_run_when_calls_are_interactions_reconciles_with_no_violation(
    run: tuple[str, LocustRun],
) -> None:
    """Every call dispositioned once, none left connected after its disposition (ledger finding)."""
    _, result = run
    assert result.returncode == 0, result.describe()
    assert result.summary_failures == 0, result.describe()
    assert result.summary["step_errors_total"] == 0, result.summary["step_errors"]
    assert result.summary["rule_violations_total"] == 0, result.summary["rule_violations"]
    reconciliation = result.summary["reconciliation"]
    assert reconciliation["reconciles"] and reconciliation["left_connected"] == []
    assert len(result.popped) >= 2 * len(AGENTS)


def test_every_call_when_the_run_ends_was_disconnected_exactly_once_by_the_configured_party(
    run: tuple[str, LocustRun],
) -> None:
    """agent: the agent hangs up before the disposition; remote: the far end hangs up first (an agent
    stopped within its first 0.1 s of a call hangs up itself); disposition: the server, as the pop's
    autoDisconnectOnDisposition says."""
    variant, result = run
    calls = result.popped
    assert all(call["interactionState"] == "disconnected" for call in calls), calls
    by = Counter(call["disconnectedBy"] for call in calls)
    if variant == "remote":
        assert set(by) <= {"remote", "agent"} and by["agent"] <= len(AGENTS), by
    else:
        assert set(by) == {variant}, by
    for call in calls:
        assert call["dispositionCount"] == 1, call
        assert call["disconnectedAt"] <= call["dispositionedAt"], call


def test_disconnect_requests_when_counted_match_the_calls_the_agents_hung_up(
    run: tuple[str, LocustRun],
) -> None:
    """One POST /interactions/disconnect per call the agent hung up, none otherwise (in the remote run
    an agent leaving may send one that crosses the far end's hang-up, which the server ignores); every
    call's connect-to-disconnect time is measured."""
    variant, result = run
    by_agent = sum(1 for call in result.popped if call["disconnectedBy"] == "agent")
    sent = result.count("POST /interactions/disconnect")
    if variant == "remote":
        assert by_agent <= sent <= by_agent + len(AGENTS)
    else:
        assert sent == by_agent
    assert result.count("PUT /messaging/subscriptions/queues") >= len(AGENTS)
    assert result.count("connect-to-disconnect") == len(result.popped)
