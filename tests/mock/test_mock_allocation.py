"""Allocation of free agents across the campaigns they are logged in to, and reproducibility.

The ICWS pages leave campaign allocation to Dialer; the mock's rule (priority, then weighted share,
then weighted turns, then scenario order) is in ``botagent/mock/_allocation.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from mock_rig import EngineRig, VirtualTeam, campaign, scenario

from botagent.mock import default_scenario
from botagent.mock._allocation import Share, choose


def test_choose_when_shares_tie_takes_the_campaign_listed_first() -> None:
    shares = [Share(order=2), Share(order=0), Share(order=1)]
    assert choose(shares, lambda s: s) is shares[1]


def test_choose_when_priorities_differ_takes_the_highest_whatever_its_share() -> None:
    low, high = Share(order=0, priority=0), Share(order=1, priority=5, attached=40)
    assert choose([low, high], lambda s: s) is high


def test_choose_when_weighted_takes_the_lowest_share_per_weight() -> None:
    heavy, light = Share(order=0, weight=3.0, attached=2), Share(order=1, weight=1.0, attached=1)
    assert choose([heavy, light], lambda s: s) is heavy


def test_allocation_when_weights_are_3_2_1_shares_agent_time_in_those_proportions() -> None:
    """The default scenario weights its campaigns 3:2:1; agents logged in to all three split so."""
    rig = EngineRig(default_scenario())
    team = VirtualTeam(rig, [f"agent{n:04d}" for n in range(1, 13)], handle=20.0)
    team.run(1800)
    ledger = rig.engine.ledger()["campaigns"]
    hours = {name: figures["agentHours"] for name, figures in ledger.items()}
    total = sum(hours.values())
    shares = [hours["Predictive Sales"] / total, hours["Power Collections"] / total]
    assert shares == pytest.approx([3 / 6, 2 / 6], abs=0.04)
    assert all(figures["popped"] > 0 for figures in ledger.values())


def test_allocation_when_one_agent_and_equal_weights_alternates_the_campaigns() -> None:
    rig = EngineRig(scenario(campaign("P"), campaign("Q")))
    session = rig.agent("a")
    names = []
    for _ in range(6):
        names.append(rig.pop(session)["attributes"]["IS_ATTR_CampaignName"])
        rig.disposition(session)
        rig.status(session)
    assert names == ["P", "Q", "P", "Q", "P", "Q"]


def test_allocation_when_priority_higher_takes_the_agent_until_its_contacts_run_out() -> None:
    rig = EngineRig(
        scenario(campaign("Low"), campaign("High", priority=1, contacts={"count": 2, "recycle": False}))
    )
    session = rig.agent("a")
    names = []
    for _ in range(4):
        names.append(rig.pop(session)["attributes"]["IS_ATTR_CampaignName"])
        rig.disposition(session)
        rig.status(session)
    assert names == ["High", "High", "Low", "Low"]


def test_predictive_when_agents_also_work_power_and_preview_connects_its_calls() -> None:
    """Each free agent works one campaign at a time, so predictive calls find their pool's agents."""
    campaigns = [campaign("Q", "predictive", answer_rate=0.5), campaign("P"), campaign("V", "preview")]
    rig = EngineRig(scenario(*campaigns))
    team = VirtualTeam(rig, [f"t{n:02d}" for n in range(1, 10)], handle=15.0)
    team.run(1200)
    predictive = team.campaign("Q")
    assert predictive["connected"] > 50
    assert predictive["abandoned"] <= 0.1 * predictive["connected"]
    assert {call["campaignId"] for _, call in team.popped} == {c.id for c in rig.engine.scenario.campaigns}


def _ledger_of_a_run(seed: int, users: int = 6, seconds: float = 600) -> dict[str, Any]:
    rig = EngineRig(default_scenario().model_copy(update={"seed": seed}))
    team = VirtualTeam(
        rig, [f"agent{n:04d}" for n in range(1, users + 1)], handle=lambda rng: rng.uniform(5, 25)
    )
    team.run(seconds)
    return rig.engine.ledger()


def _per_agent(ledger: dict[str, Any]) -> dict[str, list[tuple[str, str, str | None]]]:
    calls: dict[str, list[tuple[str, str, str | None]]] = {}
    for call in ledger["calls"]:
        calls.setdefault(call["agent"], []).append((call["campaignName"], call["contactId"], call["outcome"]))
    return calls


def test_engines_when_same_seed_and_same_requests_give_identical_ledgers() -> None:
    """Reproducibility: same contacts, outcomes and order per agent, same counters, same call ids."""
    first, second = _ledger_of_a_run(seed=5), _ledger_of_a_run(seed=5)
    assert _per_agent(first) == _per_agent(second)
    assert first == second
    assert len(first["calls"]) > 100


def test_engines_when_seeds_differ_draw_different_outcomes() -> None:
    assert _ledger_of_a_run(seed=5)["calls"] != _ledger_of_a_run(seed=6)["calls"]


def test_allocation_when_fresh_engines_start_gives_every_one_the_same_first_campaigns() -> None:
    """Eight fresh engines, the same requests: the same campaign for each agent, every time."""
    firsts = []
    for _ in range(8):
        rig = EngineRig(default_scenario())
        sessions = [rig.agent(f"agent{n:04d}") for n in range(1, 7)]
        firsts.append(tuple(rig.pop(session)["campaignId"] for session in sessions))
    assert len(set(firsts)) == 1
    assert len(set(firsts[0])) == 3, "six agents spread over the three campaigns"
