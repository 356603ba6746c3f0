"""Locust runs against a mock that requires the Dialer Add-on licence: one with a licence for every
agent, one whose pool is smaller than the agents.

Facts relied on (official ICWS pages):
- ``POST /icws/{sessionId}/licenses`` acquires licences for the session user; the body is
  ``licenseList: List [1,*]: String``; the 200 answer lists a ``licenseOperationResult`` per licence with
  ``licenseName``, ``isAvailable`` ("If true, the license was successfully acquired") and, when not,
  ``errorDetails`` and ``licenseStatus`` (https://help.genesys.com/developer/cic/docs/icws/webhelp/icws/(sessionId)/licenses/index.htm).
- Licences are released again for the session user (the Licenses service page:
  https://help.genesys.com/developer/cic/docs/icws/webhelp/icws/(sessionId)/Licenses/Licenses.htm).
- Dialer calls answer 403 "Neither the agent nor the station the agent is logged in to has a Dialer
  Add-on License available." (https://help.genesys.com/developer/cic/docs/icws/webhelp/icws/(sessionId)/dialer/ready-for-calls/index.htm).
- "If any one of these steps fails, do not let the application proceed" (basic Dialer flow:
  https://help.genesys.com/developer/cic/docs/icws/webhelp/ConceptualContent/GoingFurther_Dialer.htm).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from locust_rig import POWER, PREDICTIVE, LocustRun, campaign, run_locust, scenario, write_profile

from botagent.mock.server import MockServer

pytestmark = pytest.mark.slow

DIALER_LICENCE = "I3_ACCESS_DIALER_ADDON"
CAMPAIGNS = [campaign(PREDICTIVE, "predictive"), campaign(POWER, "power")]
PROFILE: dict[str, Any] = {
    "name": "licences",
    "behaviour": {"talk_time": 0.3, "wrap_up_time": 0.1},
    "timeouts": {"request": 5, "pop": 20, "logoff_grant": 20},
    "thresholds": {"error_ratio": 0, "rule_violations": 0, "ledger_reconciles": True},
}
PLENTY = [f"lic{n:02d}" for n in range(1, 5)]
SHORT = [f"short{n:02d}" for n in range(1, 6)]
SHORT_POOL = 3


def _run(out: Path, agents: list[str], pools: dict[str, int | None]) -> tuple[LocustRun, dict[str, Any]]:
    profile = write_profile(out, PROFILE, agents=agents)
    mock_scenario = scenario(CAMPAIGNS, [{"names": agents}], licences=pools)
    with MockServer(mock_scenario) as mock:
        run = run_locust(mock, profile, out, users=len(agents), run_time=8)
        health = httpx.get(f"{mock.base_url}/mock/health").json()
    return run, health


@pytest.fixture(scope="module")
def plenty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocustRun, dict[str, Any]]]:
    pools = {"I3_ACCESS_CLIENT": len(PLENTY), DIALER_LICENCE: len(PLENTY)}
    yield _run(tmp_path_factory.mktemp("plenty"), PLENTY, pools)


@pytest.fixture(scope="module")
def short(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocustRun, dict[str, Any]]]:
    pools = {"I3_ACCESS_CLIENT": None, DIALER_LICENCE: SHORT_POOL}
    yield _run(tmp_path_factory.mktemp("short"), SHORT, pools)


def _names(run: LocustRun, agent: str) -> list[str]:
    """The agent's own requests in order: no KPI samples, no message reads (its reader runs beside it)."""
    events = run.events_by_agent()[agent]
    return [e["name"] for e in events if e["type"] != "DIALER" and "/messaging/" not in e["name"]]


def test_locust_run_when_licences_are_required_and_available_ends_clean(
    plenty: tuple[LocustRun, dict[str, Any]],
) -> None:
    """Every agent acquires the Dialer Add-on licence and works: no failure, no step error, no rule
    violation, and the ledger reconciles (official licenses and Dialer pages, module docstring)."""
    run, _ = plenty
    assert run.returncode == 0, run.describe()
    assert run.summary_failures == 0, run.describe()
    assert run.summary["step_errors_total"] == 0, run.summary["step_errors"]
    assert run.summary["rule_violations_total"] == 0, run.summary["rule_violations"]
    assert run.summary["reconciliation"]["lost"] == [] and run.summary["reconciliation"]["mismatched"] == []
    assert {call["agent"] for call in run.popped} == set(PLENTY)


def test_locust_agents_when_connected_acquire_licences_before_the_dialer_log_in(
    plenty: tuple[LocustRun, dict[str, Any]],
) -> None:
    """Licences come right after the connection, before anything else and before any Dialer call; the
    licences request has its own latency row (official licenses page)."""
    run, _ = plenty
    for agent in PLENTY:
        names = _names(run, agent)
        assert names[:2] == ["POST /connection", "POST /licenses"], names
        assert names.index("POST /dialer/log-in") > 1, names
    assert run.count("POST /licenses") >= len(PLENTY)
    assert int(run.row("ICWS", "POST /licenses")["Failure Count"]) == 0


def test_mock_licences_when_every_session_ended_are_all_released(
    plenty: tuple[LocustRun, dict[str, Any]],
) -> None:
    """A session's licences are released when it ends (Licenses service page)."""
    run, health = plenty
    assert run.sessions_after == []
    assert health["licences"][DIALER_LICENCE] == {"size": len(PLENTY), "inUse": 0}


def test_locust_run_when_the_pool_is_smaller_than_the_agents_stops_the_surplus_with_a_licence_error(
    short: tuple[LocustRun, dict[str, Any]],
) -> None:
    """The agents that get no Dialer Add-on licence report one clear step error naming the licence and
    its licenseStatus, and stop for good without a Dialer call; the others work with no rule violation
    and the ledger reconciles (official licenses page; basic Dialer flow)."""
    run, _ = short
    errors = run.summary["step_errors"]
    refused = sorted(error["agent"] for error in errors)
    assert len(refused) == len(SHORT) - SHORT_POOL, errors
    for error in errors:
        assert error["step"] == "acquire licences"
        assert error["message"].startswith(f"{DIALER_LICENCE} not acquired: licenseStatus 4 (unavailable)")
    for agent in refused:
        assert _names(run, agent) == ["POST /connection", "POST /licenses", "DELETE /connection"]
    working = set(SHORT) - set(refused)
    assert {call["agent"] for call in run.popped} == working
    assert run.summary["rule_violations_total"] == 0, run.summary["rule_violations"]
    assert run.summary["reconciliation"]["lost"] == [] and run.summary["reconciliation"]["mismatched"] == []
    assert run.summary_failures == 0, run.describe()
