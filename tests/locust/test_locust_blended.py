"""A Locust run of blended agents (seed rule R33): inbound ACD interactions from a mock workgroup beside
power-campaign Dialer calls. The run reconciles with the ledger (ACD interactions included) with no rule
violation, and the mock's ledger timestamps show no agent ever held an ACD interaction and a Dialer call
at once.

Pages: seed rule R33 (blended agents, inbound ACD plus Dialer); Eic_State
https://help.genesys.com/cic/mergedProjects/wh_tr/mergedProjects/wh_tr_attributes/desktop/eic_state.htm;
disposition ("Dialer does not actually disconnect the call") https://help.genesys.com/developer/cic/docs/
icws/webhelp/icws/(sessionId)/dialer/disposition/index.htm.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
import pytest
from locust_rig import POWER, LocustRun, campaign, run_locust, scenario, write_profile

from botagent.mock.server import MockServer

pytestmark = pytest.mark.slow

AGENTS = ["b01", "b02", "b03", "b04"]
PROFILE: dict[str, Any] = {
    "name": "blended",
    "behaviour": {
        "talk_time": {"kind": "uniform", "low": 0.3, "high": 0.6},
        "wrap_up_time": 0.1,
        "dispositions": {"any": 1},
        "blended": {"enabled": True, "talk_time": {"kind": "uniform", "low": 0.2, "high": 0.5}},
    },
    "timeouts": {"request": 5, "pop": 20, "logoff_grant": 20},
    "on_error": {"policy": "stop"},
    "thresholds": {"error_ratio": 0, "rule_violations": 0, "ledger_reconciles": True},
}
WORKGROUP = {
    "name": "Inbound Support",
    "arrivals_per_minute": 240,
    "alert_timeout": 5,
    "caller_hangup": {"kind": "uniform", "low": 0.1, "high": 1.0},
}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[LocustRun, list[dict[str, Any]]]:
    out: Path = tmp_path_factory.mktemp("blended")
    profile = write_profile(out, PROFILE, agents=AGENTS)
    mock_scenario = scenario(
        campaigns=[campaign(POWER, "power", auto_disconnect_on_disposition=False)],
        users=[{"names": AGENTS, "workgroups": [WORKGROUP["name"]]}],
        workgroups=[WORKGROUP],
    )
    with MockServer(mock_scenario) as mock:
        result = run_locust(mock, profile, out, users=len(AGENTS), run_time=10)
        acd: list[dict[str, Any]] = httpx.get(f"{mock.base_url}/mock/ledger").json()["acd"]
    return result, acd


def test_blended_run_when_acd_and_dialer_work_mix_reconciles_with_no_violation(
    run: tuple[LocustRun, list[dict[str, Any]]],
) -> None:
    """R33: blended agents handle both kinds; the ledger accounts for both, none left connected or lost."""
    result, acd = run
    assert result.returncode == 0, result.describe()
    assert result.summary["step_errors_total"] == 0, result.summary["step_errors"]
    assert result.summary["rule_violations_total"] == 0, result.summary["rule_violations"]
    reconciliation = result.summary["reconciliation"]
    assert reconciliation["reconciles"], reconciliation
    assert reconciliation["acd_left_connected"] == [] and reconciliation["acd_lost"] == []
    handled = [e for e in acd if e["pickedUpAt"] is not None]
    assert len(handled) >= len(AGENTS) and len(result.popped) >= len(AGENTS)
    assert all(e["state"] == "disconnected" and e["disconnectedBy"] in ("agent", "remote") for e in handled)
    assert result.summary["calls"]["acd_handled"] == reconciliation["bot_acd_handled"] == len(handled)


def test_blended_run_when_checked_per_agent_never_overlaps_an_acd_interaction_with_a_dialer_call(
    run: tuple[LocustRun, list[dict[str, Any]]],
) -> None:
    """R33, from the mock's ledger timestamps: per agent, no ACD interaction (alerted to disconnected)
    overlaps a Dialer call (popped to dispositioned)."""
    result, acd = run
    busy: dict[str, list[tuple[float, float, str]]] = defaultdict(list)
    for call in result.popped:
        busy[call["agent"]].append((call["poppedAt"], call["dispositionedAt"], "dialer"))
    for entry in acd:
        if entry["pickedUpAt"] is not None:
            busy[entry["agent"]].append((entry["alertedAt"], entry["disconnectedAt"], "acd"))
    for agent, spans in busy.items():
        spans.sort()
        for (_start, end, kind), (next_start, _, next_kind) in zip(spans, spans[1:], strict=False):
            assert next_start >= end, f"{agent}: {kind} until {end} overlaps {next_kind} from {next_start}"
    assert {kind for spans in busy.values() for *_, kind in spans} == {"dialer", "acd"}


def test_blended_run_when_reported_has_acd_kpi_rows_and_a_pickup_request_row(
    run: tuple[LocustRun, list[dict[str, Any]]],
) -> None:
    """The KPI rows acd-alert-to-pickup and acd-talk, and POST /interactions/pickup with its latency."""
    result, acd = run
    handled = sum(1 for e in acd if e["pickedUpAt"] is not None)
    assert result.count("acd-alert-to-pickup") == result.count("POST /interactions/pickup") == handled
    assert result.count("acd-talk") == handled
    assert result.count("connect-to-disconnect") == len(result.popped)
