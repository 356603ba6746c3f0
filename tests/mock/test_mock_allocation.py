"""Allocation of free agents across the campaigns they are logged in to, and reproducibility.

The ICWS pages leave campaign allocation, contact order and outcomes to Dialer (official Dialer overview
page: the API configures no campaign); calls reach agents as dataPop or previewPop (R5-R7). The mock's
rule (priority, then smooth weighted round robin over the agent's own calls, then scenario order) is in
``botagent/mock/_allocation.py``, its per-agent draws in ``_streams.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from mock_rig import EngineRig, VirtualTeam, campaign, scenario

from botagent.mock import ServerSession, default_scenario
from botagent.mock._allocation import Share, choose
from botagent.wire import PlacePreviewCallRequest


def test_choose_when_shares_tie_takes_the_campaign_listed_first() -> None:
    shares = [Share(order=2), Share(order=0), Share(order=1)]
    assert choose(shares, lambda s: s, lambda s: 0) is shares[1]


def test_choose_when_priorities_differ_takes_the_highest_whatever_its_calls() -> None:
    low, high = Share(order=0, priority=0), Share(order=1, priority=5)
    calls = {id(low): 0, id(high): 40}
    assert choose([low, high], lambda s: s, lambda s: calls[id(s)]) is high


WEIGHTS = {"A": 3.0, "B": 2.0, "C": 1.0}


def _within_one_call_of_the_weights(names: list[str]) -> bool:
    """After every call, each campaign has its weighted share of the calls so far, within one."""
    total = sum(WEIGHTS.values())
    for n in range(1, len(names) + 1):
        if any(abs(names[:n].count(c) - n * w / total) > 1.0 for c, w in WEIGHTS.items()):
            return False
    return True


@pytest.mark.parametrize("phases", [(0.0, 0.0, 0.0), (0.5, 0.5, 0.5), (0.9, 0.1, 0.4), (0.2, 0.7, 0.05)])
def test_choose_when_weighted_3_2_1_takes_smooth_turns_over_the_agents_calls(
    phases: tuple[float, float, float],
) -> None:
    shares = {name: Share(order=i, weight=w) for i, (name, w) in enumerate(WEIGHTS.items())}
    phase = dict(zip(WEIGHTS, phases, strict=True))
    calls = dict.fromkeys(WEIGHTS, 0)
    names = []
    for _ in range(60):
        name = choose(shares, lambda n: shares[n], lambda n: calls[n] + phase[n])
        assert name is not None
        calls[name] += 1
        names.append(name)
    assert calls == {"A": 30, "B": 20, "C": 10}
    assert _within_one_call_of_the_weights(names)


def test_allocation_when_weights_are_3_2_1_splits_the_calls_in_those_proportions() -> None:
    """The default scenario weights its campaigns 3:2:1; agents logged in to all three split their
    calls so, each of them and all together."""
    rig = EngineRig(default_scenario())
    team = VirtualTeam(rig, [f"agent{n:04d}" for n in range(1, 13)], handle=20.0)
    team.run(1800)
    popped = {name: figures["popped"] for name, figures in rig.engine.ledger()["campaigns"].items()}
    total = sum(popped.values())
    shares = [popped["Predictive Sales"] / total, popped["Power Collections"] / total]
    assert shares == pytest.approx([3 / 6, 2 / 6], abs=0.02)
    for agent, calls in _per_agent(rig.engine.ledger()).items():
        if agent is None:
            continue  # abandoned calls reached no agent
        names = [name for name, _, _ in calls]
        assert names.count("Predictive Sales") / len(names) == pytest.approx(3 / 6, abs=0.05)


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
    assert len(set(firsts[0])) > 1, "the agents' phases start them on different campaigns"


def _take(rig: EngineRig, session: ServerSession, count: int) -> list[str]:
    """Take ``count`` calls one after another (placing previews); the campaign of each."""
    names = []
    for _ in range(count):
        call = rig.pop(session, limit=120)
        names.append(call["attributes"]["IS_ATTR_CampaignName"])
        if call["__type"].endswith("previewPop"):
            rig.engine.place_preview_call(session, PlacePreviewCallRequest(), rig.now)
            rig.tick(5)
            rig.messages(session)  # the second pop, callPlaced
        rig.disposition(session, "No Sale")
        rig.status(session)
    return names


@pytest.mark.parametrize("user", ["agent0001", "agent0002", "agent0003"])
def test_allocation_when_one_agent_works_3_2_1_campaigns_takes_weighted_turns(user: str) -> None:
    rig = EngineRig(default_scenario())
    names = _take(rig, rig.agent(user), 12)
    turns = {"Predictive Sales": "A", "Power Collections": "B", "Preview Callbacks": "C"}
    assert _within_one_call_of_the_weights([turns[name] for name in names]), names


CONSUMER = {
    "outcomes": {"answered": 0.5, "no_answer": 0.2, "busy": 0.1, "machine": 0.2},
    "ring_delay": {"kind": "uniform", "low": 1, "high": 6},
}


def _interleaved_run(handle_seed: int) -> dict[str, list[tuple[str, str, str | None]]]:
    """Six agents on three campaigns; ``handle_seed`` draws their handle times, so their requests
    interleave differently from one seed to the next. Agents hold a call longer than any ring, so a
    preview's outcome is known before its disposition. Each agent's calls with an outcome (a preview
    still ringing at the end has none yet); abandoned calls reached no agent and are left out."""
    campaigns = [
        campaign("Q", "predictive", weight=3.0, machine_detection=False, **CONSUMER),
        campaign("P", weight=2.0, **CONSUMER),
        campaign("V", "preview", **CONSUMER),
    ]
    rig = EngineRig(scenario(*campaigns, seed=9))
    users = [f"t{n:02d}" for n in range(1, 7)]
    team = VirtualTeam(rig, users, handle=lambda rng: rng.uniform(8, 40), seed=handle_seed)
    team.run(900)
    calls = _per_agent(rig.engine.ledger())
    return {agent: [call for call in calls[agent] if call[2] is not None] for agent in calls if agent}


def test_engines_when_agents_interleave_differently_give_each_agent_the_same_calls() -> None:
    """Each agent's campaigns, contacts and outcomes depend only on the seeds and its own history
    (``_streams.py``): handle times change who asks first, not what each agent gets. Machines reach
    agents here (detection off), so person or machine is drawn at connect from the agent's stream."""
    first, second = _interleaved_run(handle_seed=1), _interleaved_run(handle_seed=2)
    assert first.keys() == second.keys()
    for agent, calls in first.items():
        shorter = min(len(calls), len(second[agent]))
        assert shorter >= 10, agent
        assert calls[:shorter] == second[agent][:shorter], agent
    outcomes = {outcome for calls in first.values() for _, _, outcome in calls}
    assert outcomes >= {"answered", "machine", "noAnswer"}, "preview agents hear every outcome"
    assert first != second, "the runs differ in length: the agents did interleave differently"
