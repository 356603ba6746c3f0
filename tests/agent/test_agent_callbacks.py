"""Reschedules as the official disposition page (D/disposition/index.htm) allows them: scheduledTime
only with a label whose wrap-up category is "Scheduled", scheduledAgent only with scheduledTime and
only when the pop's allowAgentCallbacks is true."""

from __future__ import annotations

import random
from typing import Any

import pytest
from agent_harness import CATEGORIES, USER, FakeRng, Harness, pop

from botagent.agent import SubmitDisposition, TimerKind
from botagent.agent._calls import SCHEDULED_CATEGORY


def _disposition(h: Harness, **pop_args: Any) -> SubmitDisposition:
    h.log_in()
    h.message(pop("i1", **pop_args))
    h.fire(TimerKind.TALK)
    h.fire(TimerKind.WRAP_UP)
    return h.expect(SubmitDisposition)


def test_reschedule_when_the_pop_forbids_agent_callbacks_sends_no_scheduled_agent_and_counts_it() -> None:
    """disposition: "The allowAgentCallbacks value in the dataPop/previewPop indicates whether setting
    an agent-owned callback is allowed for this call" — official disposition page."""
    h = Harness(rng=FakeRng([0.0, 0.0]), reschedule_probability=1.0, reschedule_agent="self")

    disposition = _disposition(h, callbacks=False)
    h.succeed()

    assert disposition.label == "Callback"
    assert disposition.scheduled_time is not None
    assert disposition.scheduled_agent is None
    assert h.agent.counters.reschedules == 1
    assert h.agent.counters.reschedules_unowned == 1


def test_reschedule_when_the_pop_allows_agent_callbacks_sends_the_owner() -> None:
    """disposition: scheduledAgent sets an agent-owned callback where allowAgentCallbacks is true —
    official disposition page; R26."""
    h = Harness(rng=FakeRng([0.0, 0.0]), reschedule_probability=1.0, reschedule_agent="self")

    disposition = _disposition(h, callbacks=True)

    assert disposition.scheduled_agent == USER
    assert h.agent.counters.reschedules_unowned == 0


def test_reschedule_when_no_owner_is_wanted_and_callbacks_are_forbidden_counts_nothing_unowned() -> None:
    """disposition: a callback without scheduledAgent needs no allowAgentCallbacks — official
    disposition page."""
    h = Harness(rng=FakeRng([0.0, 0.0]), reschedule_probability=1.0, reschedule_agent="none")

    disposition = _disposition(h, callbacks=False)

    assert disposition.scheduled_agent is None and disposition.scheduled_time is not None
    assert h.agent.counters.reschedules_unowned == 0


def test_reschedule_when_the_drawn_label_is_scheduled_keeps_it() -> None:
    """disposition: "The corresponding wrap-up category for the disposition must be 'Scheduled'" —
    official disposition page."""
    h = Harness(rng=FakeRng([0.0, 0.0]), reschedule_probability=1.0, disposition_weights={"Callback": 1.0})

    assert _disposition(h).label == "Callback"


def test_reschedule_when_the_call_offers_no_scheduled_label_sends_no_schedule_and_counts_it() -> None:
    """disposition: scheduledTime needs a label whose wrap-up category is "Scheduled" — official
    disposition page; without one the call is dispositioned plainly."""
    h = Harness(rng=FakeRng([0.0, 0.0]), reschedule_probability=1.0)

    disposition = _disposition(h, labels=("Sale", "No Answer"))
    h.succeed()

    assert disposition == SubmitDisposition(label="Sale")
    assert h.agent.counters.reschedules == 0
    assert h.agent.counters.reschedules_dropped == 1


def test_reschedule_when_plan_labels_are_given_uses_only_those_scheduled_on_the_call() -> None:
    """disposition: the plan's reschedule labels are checked against the pop's dispositions — only a
    "Scheduled" one may carry scheduledTime (official disposition page)."""
    h = Harness(
        rng=FakeRng([0.0, 0.0]),
        reschedule_probability=1.0,
        reschedule_labels=("Sale", "Callback"),
    )

    assert _disposition(h).label == "Callback"


def test_reschedule_when_the_plans_labels_are_not_scheduled_on_this_call_is_dropped() -> None:
    """disposition: "Sale" is a Success label on this call, so it never carries scheduledTime —
    official disposition page."""
    h = Harness(rng=FakeRng([0.0, 0.0]), reschedule_probability=1.0, reschedule_labels=("Sale",))

    disposition = _disposition(h)

    assert disposition.scheduled_time is None and disposition.scheduled_agent is None
    assert h.agent.counters.reschedules_dropped == 1


def test_submit_disposition_when_given_an_agent_without_a_time_is_refused() -> None:
    """disposition: "When this value is provided, the scheduledTime must also be provided" — official
    disposition page."""
    with pytest.raises(ValueError, match="scheduled_time"):
        SubmitDisposition(label="Callback", scheduled_agent=USER)


@pytest.mark.parametrize("callbacks", [True, False])
def test_reschedule_when_drawn_many_times_never_breaks_the_disposition_page(callbacks: bool) -> None:
    """disposition: over many draws, scheduledTime only with a "Scheduled" label, scheduledAgent only
    with scheduledTime and allowAgentCallbacks — official disposition page."""
    for seed in range(60):
        h = Harness(rng=random.Random(seed), reschedule_probability=0.7, disposition_weights={"any": 1.0})
        disposition = _disposition(h, callbacks=callbacks)
        if disposition.scheduled_time is not None:
            assert CATEGORIES[disposition.label] == SCHEDULED_CATEGORY
        if disposition.scheduled_agent is not None:
            assert disposition.scheduled_time is not None and callbacks
