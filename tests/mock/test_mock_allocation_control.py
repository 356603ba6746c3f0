"""Allocation and pacing together with the strict mock: campaigns stopped and started while a run goes
on, ready-for-calls for campaigns joined later, and one Dialer agent for a group of sessions.

The allocator (``_allocation.py``) only ever gives an agent a campaign it is idle in, so these rules of
the official pages bound it: a campaign that does not run pops and dials nothing (official Dialer
overview page, reference 6-7), a campaign joined after the last ready-for-calls is not served (official
ready-for-calls page), and the sessions of one user and one application name are one Dialer session
(official Dialer overview page).
"""

from __future__ import annotations

import random

import pytest
from mock_rig import EngineRig, VirtualTeam, campaign, scenario

from botagent.mock import ServerSession
from botagent.wire import CampaignStatus

CONSUMER_LIST = {
    "outcomes": {"answered": 0.3, "no_answer": 0.5, "busy": 0.2},
    "outcome_delays": {"no_answer": 25, "busy": 3},
    "ring_delay": {"kind": "uniform", "low": 5, "high": 12},
}


def talk_and_wrap(rng: random.Random) -> float:
    return rng.lognormvariate(3.6, 0.5) + 8.0


def _next_campaigns(rig: EngineRig, session: ServerSession, count: int) -> list[str]:
    """Disposition the held call and take ``count`` more; the campaign of each."""
    names = []
    for _ in range(count):
        rig.disposition(session)
        rig.status(session)
        names.append(rig.pop(session)["attributes"]["IS_ATTR_CampaignName"])
    return names


@pytest.mark.parametrize("stop_at", [300.0, 455.0, 610.7])
def test_predictive_when_stopped_while_its_agents_are_busy_dials_no_more_lines(stop_at: float) -> None:
    """A campaign that does not run pops no more calls (reference 6-7; ``_campaigns.py``): nor does
    the predictive model dial ahead of its busy agents once it is stopped."""
    rig = EngineRig(scenario(campaign("Q", "predictive", **CONSUMER_LIST)))
    team = VirtualTeam(rig, [f"t{n:02d}" for n in range(1, 21)], handle=talk_and_wrap)
    team.run(stop_at)
    rig.engine.set_campaign_status("Q", CampaignStatus.OFF, rig.now)
    dialed, popped = team.campaign("Q")["dialed"], len(team.popped)
    team.run(600)
    assert (team.campaign("Q")["dialed"], len(team.popped)) == (dialed, popped)


def test_allocation_when_a_campaign_stops_gives_its_agents_to_the_others_and_back_when_it_starts() -> None:
    """Agents stay logged in to a stopped campaign (``_campaigns.py``) and, ready for it still, get
    its calls again once it runs: first, since it missed its weighted turns while stopped."""
    rig = EngineRig(scenario(campaign("P"), campaign("Q")))
    session = rig.agent("a")
    assert rig.pop(session)["attributes"]["IS_ATTR_CampaignName"] == "P"
    rig.engine.set_campaign_status("P", CampaignStatus.OFF, rig.now)
    assert _next_campaigns(rig, session, 3) == ["Q", "Q", "Q"]
    rig.engine.set_campaign_status("P", CampaignStatus.ON, rig.now)
    assert _next_campaigns(rig, session, 1) == ["P"]


def test_allocation_when_a_campaign_is_joined_after_ready_for_calls_keeps_the_agent_from_it() -> None:
    """Official ready-for-calls page: "Any time an agent is manually or automatically logged in to an
    additional campaign, ready-for-calls must be called again." Its higher priority does not matter."""
    rig = EngineRig(scenario(campaign("P"), campaign("Q", status="off", priority=1)))
    session = rig.agent("a")
    rig.pop(session)
    rig.engine.set_campaign_status("Q", CampaignStatus.ON, rig.now)
    assert _next_campaigns(rig, session, 2) == ["P", "P"]
    rig.ready(session)
    assert _next_campaigns(rig, session, 2) == ["Q", "Q"]


def test_allocation_when_ready_covers_later_campaigns_gives_the_joined_campaign_the_agent() -> None:
    """The ``ready_covers_later_campaigns`` leniency: a ready-for-calls naming no campaign also covers
    campaigns joined later, so the allocator may pick the joined campaign at once."""
    campaigns = (campaign("P"), campaign("Q", status="off", priority=1))
    rig = EngineRig(scenario(*campaigns, behaviour={"ready_covers_later_campaigns": True}))
    session = rig.agent("a")
    rig.pop(session)
    rig.engine.set_campaign_status("Q", CampaignStatus.ON, rig.now)
    assert _next_campaigns(rig, session, 2) == ["Q", "Q"]


def test_allocation_when_one_user_has_two_sessions_of_one_application_works_them_as_one_agent() -> None:
    """Official Dialer overview page: sessions of one user and one application name act as one
    session, "as long as the agent has at least one tab open"; the allocator attaches that one agent
    and counts its time once, until its last session closes."""
    rig = EngineRig(scenario(campaign("P")))
    first = rig.agent("a")
    second = rig.open("a")
    for session in (first, second):
        rig.engine.stream_opened(session)
    call = rig.pop(first)
    assert rig.pop(second, limit=0)["interactionId"] == call["interactionId"]
    rig.tick(3600)
    rig.engine.close_session(first, rig.now)
    rig.disposition(second)
    rig.status(second)
    assert rig.pop(second)["interactionId"] != call["interactionId"]
    rig.tick(1800)
    rig.engine.close_session(second, rig.now)
    assert rig.engine.ledger()["campaigns"]["P"]["agentHours"] == pytest.approx(1.5, abs=0.01)
    rig.tick(3600)
    rig.pop(rig.agent("b"))
    assert rig.engine.ledger()["campaigns"]["P"]["agentHours"] == pytest.approx(1.5, abs=0.01)
