"""Per-campaign results of real Locust runs against the mock, seen from the bots' side.

Agents without the Logon Campaign right are logged in by Dialer to every campaign (R13), so they take
calls from all three. One run is distributed (``--processes 2``): its ``campaigns`` section, merged
from both workers, must agree with the mock's ledger per campaign. In the other, "Preview Callbacks"
is off, so it never pops, and a per-campaign ``calls: {min: 1}`` threshold fails for it alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from locust_rig import (
    CAMPAIGN_IDS,
    POWER,
    PREDICTIVE,
    PREVIEW,
    LocustRun,
    campaign,
    run_locust,
    scenario,
    write_profile,
)

from botagent.mock import Scenario
from botagent.mock.server import MockServer

pytestmark = pytest.mark.slow

USERS = [{"pattern": "agent{n:04d}", "range": [1, 100]}]
ALL_RUNNING = scenario(
    campaigns=[campaign(PREDICTIVE, "predictive"), campaign(POWER, "power"), campaign(PREVIEW, "preview")],
    users=USERS,
)
PREVIEW_OFF = scenario(
    campaigns=[
        campaign(PREDICTIVE, "predictive"),
        campaign(POWER, "power"),
        campaign(PREVIEW, "preview", status="off"),
    ],
    users=USERS,
)


def _profile(name: str, agents: int, campaigns: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "identities": {
            "source": "pattern",
            "pattern": "agent{n:04d}",
            "first": 1,
            "last": agents,
            "password": "botagent",
        },
        "messaging": {"mode": "poll", "poll_interval": 0.2},
        "behaviour": {
            "talk_time": {"kind": "uniform", "low": 0.2, "high": 0.4},
            "wrap_up_time": 0.2,
            "preview_think_time": 0.2,
        },
        "timeouts": {"request": 5, "pop": 20, "logoff_grant": 15},
        "thresholds": {"error_ratio": 0, "rule_violations": 0, "campaigns": campaigns},
    }


def _run(
    out: Path, mock_scenario: Scenario, profile: dict[str, Any], agents: int, processes: int | None
) -> tuple[LocustRun, dict[str, Any]]:
    path = write_profile(out, profile)
    with MockServer(mock_scenario) as mock:
        run = run_locust(mock, path, out, users=agents, run_time=10, processes=processes)
        ledger = httpx.get(f"{mock.base_url}/mock/ledger").json()
    return run, ledger


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[LocustRun, dict[str, Any]]]]:
    """The distributed run on three running campaigns, and the run with the preview campaign off."""
    every = {"*": {"calls": {"min": 1}, "login_refusals": 0}}
    named = {name: {"calls": {"min": 1}} for name in (PREDICTIVE, CAMPAIGN_IDS[POWER], PREVIEW)}
    with ThreadPoolExecutor(2) as pool:
        distributed = pool.submit(
            _run, tmp_path_factory.mktemp("distributed"), ALL_RUNNING, _profile("three", 6, every), 6, 2
        )
        one_off = pool.submit(
            _run, tmp_path_factory.mktemp("one-off"), PREVIEW_OFF, _profile("one-off", 3, named), 3, None
        )
        yield {"distributed": distributed.result(), "one-off": one_off.result()}


def _campaigns(run: LocustRun) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in run.summary["campaigns"]}


def test_campaigns_when_agents_work_all_three_report_each_campaign_calls_and_waits(
    runs: dict[str, tuple[LocustRun, dict[str, Any]]],
) -> None:
    """Dialer logs agents without the Logon Campaign right in to every campaign (R13); each pops."""
    run, _ = runs["distributed"]
    assert run.returncode == 0, run.describe()
    campaigns = _campaigns(run)
    assert sorted(campaigns) == sorted([PREDICTIVE, POWER, PREVIEW])
    for name, seen in campaigns.items():
        assert seen["id"] == CAMPAIGN_IDS[name]
        waits = {k["name"]: k["count"] for k in seen["kpis"]}
        assert seen["popped"] >= 1 and waits.get("wait-for-pop", 0) >= 1, seen
        assert seen["log_ins"] >= 1, "Dialer logs agents without the right in to every running campaign"
        assert sum(seen["labels"].values()) == seen["dispositioned"]
    preview = campaigns[PREVIEW]
    assert preview["placed"] >= 1 and {k["name"] for k in preview["kpis"]} >= {"preview-connect"}
    assert campaigns[PREDICTIVE]["placed"] == campaigns[POWER]["placed"] == 0


def test_campaigns_when_a_distributed_run_ends_agree_with_the_mock_ledger_per_campaign(
    runs: dict[str, tuple[LocustRun, dict[str, Any]]],
) -> None:
    """Every call the mock popped to an agent is counted once for its campaign, across both workers."""
    run, ledger = runs["distributed"]
    assert run.summary["reconciliation"]["reconciles"] is True, run.summary["reconciliation"]
    for name, seen in _campaigns(run).items():
        truth = ledger["campaigns"][name]
        assert (seen["popped"], seen["dispositioned"]) == (truth["popped"], truth["dispositioned"]), name
        popped_to_agents = [
            c for c in ledger["calls"] if c["campaignName"] == name and c["agent"] is not None
        ]
        assert seen["popped"] == len(popped_to_agents)


def test_campaign_calls_threshold_when_one_campaign_never_pops_fails_for_it_alone(
    runs: dict[str, tuple[LocustRun, dict[str, Any]]],
) -> None:
    """A campaign that is off pops no calls (the mock's campaign status); keys by name or id."""
    run, _ = runs["one-off"]
    assert run.returncode == 1, run.describe()
    assert PREVIEW not in _campaigns(run)
    checks = {t["name"]: t for t in run.summary["thresholds"] if t["campaign"]}
    assert checks[f"campaign {PREDICTIVE} calls >= 1"]["passed"] is True
    assert checks[f"campaign {POWER} calls >= 1"]["passed"] is True
    failed = checks[f"campaign {PREVIEW} calls >= 1"]
    assert (failed["passed"], failed["observed"]) == (False, 0)
    assert failed["detail"].startswith(f"campaign {PREVIEW}: 0 calls popped in ")
    assert f"RESULT: FAIL, campaign {PREVIEW}: 0 calls popped in " in run.stdout
