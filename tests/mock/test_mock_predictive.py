"""Pacing per dialing mode on the pure engine: line counts, the abandon target, the grace, the line cap.

The abandon grace follows Interaction Dialer's "Include no available agent as abandon After N seconds"
(Dialer Manager, Abandon Call Definition); the target and the model are the mock's (``_predictive.py``).
"""

from __future__ import annotations

import random

import pytest
from mock_rig import EngineRig, VirtualTeam, campaign, scenario

from botagent.mock._predictive import HandleTimes, PredictiveModel

CONSUMER_LIST = {
    "outcomes": {"answered": 0.3, "no_answer": 0.5, "busy": 0.2},
    "outcome_delays": {"no_answer": 25, "busy": 3},
    "ring_delay": {"kind": "uniform", "low": 5, "high": 12},
}


def talk_and_wrap(rng: random.Random) -> float:
    return rng.lognormvariate(3.6, 0.5) + 8.0


def team_of(mode: str, agents: int, seconds: float, **knobs: object) -> VirtualTeam:
    rig = EngineRig(scenario(campaign("C", mode, **{**CONSUMER_LIST, **knobs})))
    team = VirtualTeam(rig, [f"t{n:02d}" for n in range(1, agents + 1)], handle=talk_and_wrap)
    team.run(seconds)
    return team


def test_predictive_when_run_for_an_hour_holds_the_abandon_target_within_a_point() -> None:
    figures = team_of("predictive", 40, 3600, abandon_target=0.03).campaign("C")
    assert figures["abandonRate"] == pytest.approx(0.03, abs=0.01)
    assert figures["connected"] > 1000


def test_predictive_when_target_is_lower_abandons_less_and_dials_fewer_lines() -> None:
    loose = team_of("predictive", 30, 2400, abandon_target=0.05).campaign("C")
    tight = team_of("predictive", 30, 2400, abandon_target=0.01).campaign("C")
    assert tight["abandonRate"] < loose["abandonRate"]
    assert tight["popsPerAgentHour"] < loose["popsPerAgentHour"]


def test_predictive_when_answer_rate_is_low_gives_more_pops_per_agent_hour_than_power() -> None:
    predictive = team_of("predictive", 30, 2400).campaign("C")
    power = team_of("power", 30, 2400).campaign("C")
    assert predictive["popsPerAgentHour"] > 1.4 * power["popsPerAgentHour"]
    assert predictive["utilisation"] > power["utilisation"]


def test_power_when_answer_rate_is_low_dials_one_line_per_agent_and_never_abandons() -> None:
    rig = EngineRig(scenario(campaign("C", "power", **CONSUMER_LIST)))
    team = VirtualTeam(rig, [f"t{n:02d}" for n in range(1, 21)], handle=talk_and_wrap)
    most_out = []

    def lines_out() -> None:
        figures = rig.engine.ledger()["campaigns"].get("C", {})
        ended = sum(figures.get(key, 0) for key in ("answered", "noAnswer", "busy"))
        most_out.append(figures.get("dialed", 0) - ended)

    team.run(900, on_step=lines_out)
    assert max(most_out) <= 20
    assert team.campaign("C")["abandoned"] == 0


def test_predictive_when_max_lines_set_never_has_more_dials_out() -> None:
    rig = EngineRig(scenario(campaign("C", "predictive", max_lines=12, **CONSUMER_LIST)))
    team = VirtualTeam(rig, [f"t{n:02d}" for n in range(1, 21)], handle=talk_and_wrap)
    most_out = []

    def lines_out() -> None:
        figures = rig.engine.ledger()["campaigns"].get("C", {})
        ended = sum(figures.get(key, 0) for key in ("answered", "noAnswer", "busy"))
        most_out.append(figures.get("dialed", 0) - ended)

    team.run(900, on_step=lines_out)
    assert max(most_out) == 12


def test_predictive_when_answered_and_no_agent_free_waits_the_grace_then_abandons() -> None:
    """Three lines for one agent: the first call pops, the other two wait ``abandon_grace`` seconds."""
    rig = EngineRig(scenario(campaign("Q", "predictive", lines_per_agent=3.0, abandon_grace=2.0)))
    session = rig.agent("a")
    rig.pop(session)
    rig.tick(1.9)
    assert rig.engine.ledger()["campaigns"]["Q"]["abandoned"] == 0
    rig.tick(0.2)
    assert rig.engine.ledger()["campaigns"]["Q"]["abandoned"] == 2
    assert rig.engine.ledger()["campaigns"]["Q"]["abandonRate"] == pytest.approx(2 / 3)


def test_predictive_when_an_agent_frees_within_the_grace_takes_the_waiting_call() -> None:
    rig = EngineRig(scenario(campaign("Q", "predictive", lines_per_agent=2.0, abandon_grace=2.0)))
    session = rig.agent("a")
    first = rig.pop(session)
    rig.tick(1.0)
    rig.disposition(session)
    rig.status(session)
    second = rig.pop(session, limit=0)
    assert first["interactionId"] != second["interactionId"]
    assert rig.engine.ledger()["campaigns"]["Q"]["abandoned"] == 0


def test_predictive_when_grace_is_zero_abandons_at_the_answer() -> None:
    rig = EngineRig(scenario(campaign("Q", "predictive", lines_per_agent=2.0, abandon_grace=0)))
    rig.pop(rig.agent("a"))
    assert rig.engine.ledger()["campaigns"]["Q"]["abandoned"] == 1


def test_predictive_model_when_agents_are_due_to_free_up_dials_ahead_of_them() -> None:
    model = PredictiveModel.fresh(0.03, connect_time_guess=10.0)
    for _ in range(200):
        model.call_finished(60.0)
    assert model.expected_free([55.0, 20.0]) == pytest.approx(1.0, abs=0.01)
    assert model.lines_wanted(0, model.expected_free([55.0, 55.0, 55.0]), 0, 100) >= 2
    assert model.lines_wanted(0, model.expected_free([20.0, 20.0, 20.0]), 0, 100) == 0


def test_predictive_model_when_connect_rate_falls_asks_for_more_lines() -> None:
    model = PredictiveModel.fresh(0.03, connect_time_guess=10.0)
    before = model.lines_wanted(10, 0.0, 0, 1000)
    rng = random.Random(2)
    for _ in range(500):
        model.dial_ended(model.dial_started(), rng.random() < 0.25, 10.0)
    assert before == 10
    assert 20 < model.lines_wanted(10, 0.0, 0, 1000) < 40


def test_predictive_model_when_dials_end_out_of_order_learns_in_start_order() -> None:
    model = PredictiveModel.fresh(0.03, connect_time_guess=10.0)
    slow, fast = model.dial_started(), model.dial_started()
    model.dial_ended(fast, True, 8.0)
    assert model.connect_rate.count == 5, "the fast connect waits for the older dial"
    model.dial_ended(slow, False, 25.0)
    assert model.connect_rate.count == 7


def test_predictive_model_when_calls_are_abandoned_lowers_its_gain_and_raises_it_on_connects() -> None:
    model = PredictiveModel.fresh(0.03, connect_time_guess=10.0)
    model.answered_call(abandoned=True)
    low = model.log_gain
    for _ in range(100):
        model.answered_call(abandoned=False)
    assert low < 0 < model.log_gain


def test_handle_times_when_busy_past_every_known_call_give_no_chance() -> None:
    times = HandleTimes()
    for seconds in range(1, 201):
        times.add(float(seconds))
    assert times.chance_done(300.0, 10.0) == 0.0
    assert times.chance_done(100.0, 10.0) == pytest.approx(10.5 / 101)
    assert len(times.ordered) == len(times.recent) == 200
