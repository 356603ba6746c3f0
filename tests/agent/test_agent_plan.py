"""The agent plan: defaults, validation messages, and the behaviour draws made from it."""

from __future__ import annotations

import random
from typing import Any

import pytest
from agent_harness import LABELS, USER, FakeRng, Harness, break_status, pop

from botagent.agent import (
    ANY_LABEL,
    Agent,
    AgentPlan,
    AgentState,
    Fixed,
    SetTimer,
    SubmitDisposition,
    TimerKind,
)
from botagent.agent._calls import choose_label
from botagent.profile import Constant, Lognormal, Uniform


def test_plan_when_only_the_user_is_given_has_documented_defaults() -> None:
    plan = AgentPlan(user_id=USER)

    assert plan.available_status == "Available"
    assert plan.status_change_to == "Do Not Disturb"
    assert dict(plan.disposition_weights) == {ANY_LABEL: 1.0}
    assert (plan.logoff_scope, plan.on_error, plan.reschedule_agent) == ("all", "stop", "self")
    assert plan.campaigns == ()
    assert (plan.reschedule_labels, plan.preview_skip_probability, plan.preview_timeout_lead) == (
        None,
        0.0,
        1.0,
    )


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("user_id", "", "must not be empty"),
        ("break_probability", 1.5, "between 0 and 1"),
        ("reschedule_probability", -0.1, "between 0 and 1"),
        ("pop_timeout", 0.0, "must be > 0"),
        ("login_timeout", float("inf"), "must be > 0"),
        ("break_every_calls", 0, ">= 1"),
        ("logoff_after_calls", -2, ">= 1"),
        ("logoff_after_seconds", -5.0, "must be > 0"),
        ("restart_pause", -1.0, ">= 0"),
        ("preview_timeout_lead", -0.5, ">= 0"),
        ("preview_skip_probability", 1.01, "between 0 and 1"),
        ("reschedule_labels", ("Callback", ""), "must not be empty"),
        ("logoff_scope", "some", "one of all, campaigns"),
        ("on_error", "retry", "one of stop, restart"),
        ("disposition_weights", {"Sale": -1.0}, ">= 0"),
        ("disposition_weights", {"Sale": 0.0}, "at least one weight"),
    ],
)
def test_plan_when_a_field_is_out_of_range_names_the_field_and_value(
    field: str, value: Any, problem: str
) -> None:
    fields: dict[str, Any] = {"user_id": USER, field: value}

    with pytest.raises(ValueError, match=f"AgentPlan.{field}: .*{problem}") as caught:
        AgentPlan(**fields)

    assert repr(value)[:5] in str(caught.value)


def test_plan_when_weights_mapping_is_changed_later_keeps_its_own_copy() -> None:
    weights = {"Sale": 1.0}
    plan = AgentPlan(user_id=USER, disposition_weights=weights)

    weights["Sale"] = 0.0

    assert plan.disposition_weights["Sale"] == 1.0
    with pytest.raises(TypeError):
        plan.disposition_weights["Sale"] = 2.0  # type: ignore[index]


@pytest.mark.parametrize(
    ("draw", "expected"),
    [(0.0, "Sale"), (0.24, "Sale"), (0.26, "No Answer"), (0.74, "Callback"), (0.99, "Wrong Number")],
)
def test_label_when_any_is_weighted_is_uniform_over_the_calls_labels_r24(draw: float, expected: str) -> None:
    assert choose_label({ANY_LABEL: 1.0}, list(LABELS), FakeRng([draw])) == expected


def test_label_when_any_and_a_label_are_weighted_adds_their_shares_r24() -> None:
    weights = {ANY_LABEL: 2.0, "Callback": 2.0}

    assert choose_label(weights, ["Sale", "Callback"], FakeRng([0.3])) == "Callback"
    assert choose_label(weights, ["Sale", "Callback"], FakeRng([0.2])) == "Sale"


def test_label_when_no_offered_label_has_weight_falls_back_to_uniform_r24() -> None:
    assert choose_label({"Elsewhere": 5.0}, ["Sale", "Callback"], FakeRng([0.6])) == "Callback"


def test_label_when_drawn_many_times_follows_the_weights_r24() -> None:
    rng = random.Random(7)
    weights = {"Sale": 3.0, "No Answer": 1.0}

    draws = [choose_label(weights, ["Sale", "No Answer"], rng) for _ in range(4000)]

    assert 0.70 < draws.count("Sale") / len(draws) < 0.80


def test_fixed_when_sampled_returns_its_seconds_without_drawing() -> None:
    rng = FakeRng()

    assert Fixed(2.5).sample(rng) == 2.5
    assert rng.calls == 0


def test_profile_distributions_when_used_as_plan_durations_drive_the_timers() -> None:
    h = Harness(
        talk_time=Uniform(low=10, high=20),
        wrap_up_time=Constant(value=3),
        preview_think_time=Lognormal(median=4, p95=9),
    )
    h.log_in()

    h.message(pop("i1"))

    assert h.timers[TimerKind.TALK].delay == 15.0
    h.fire(TimerKind.TALK)
    assert h.timers[TimerKind.WRAP_UP].delay == 3.0


def _run_seeded(seed: int) -> tuple[list[SubmitDisposition], list[float]]:
    h = Harness(
        rng=random.Random(seed),
        reschedule_probability=0.5,
        break_probability=0.3,
        talk_time=Uniform(low=5, high=50),
        disposition_weights={"Sale": 1.0, "Callback": 2.0, ANY_LABEL: 1.0},
    )
    h.log_in()
    for number in range(8):
        h.take_call(f"i{number}")
        _through_gap(h)
    return h.requests(SubmitDisposition), [t.delay for t in h.of_type(SetTimer)]


def _through_gap(h: Harness) -> None:
    """Answer break steps until the agent waits for the next pop again."""
    while h.state is not AgentState.WAITING_FOR_POP:
        if h.outstanding is not None:
            h.succeed()
        elif h.state is AgentState.AWAITING_BREAK:
            h.message(break_status(2))
        else:
            h.fire(TimerKind.BREAK)


def test_agent_when_seeded_alike_makes_the_same_draws() -> None:
    first = _run_seeded(3)

    assert first == _run_seeded(3)
    assert first != _run_seeded(4)
    assert len(first[0]) == 8


def test_agent_when_built_takes_a_standard_random_source() -> None:
    agent = Agent(AgentPlan(user_id=USER), random.Random(1), lambda: 0.0)

    assert agent.state.name == "IDLE"
    assert agent.plan.user_id == USER
