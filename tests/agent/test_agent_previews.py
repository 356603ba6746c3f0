"""Previews: skipped with "Skipped - Agent Skip" only where the pop's allowSkip is true (official
disposition page), placed by the timer at the previewTimeout with callInitiatedByTimer (official
place-preview-call page), and never acted on once the server placed them (R6)."""

from __future__ import annotations

from datetime import UTC, datetime

from agent_harness import EPOCH, PREVIEW, FakeRng, Harness, logout_granted, pop

from botagent.agent import (
    AgentState,
    CallOutcome,
    DialerLogOff,
    PlacePreviewCall,
    SetStatus,
    SubmitDisposition,
    TimerKind,
)
from botagent.agent._calls import SKIP_LABEL

S = AgentState


def _at(seconds_after_epoch: float) -> str:
    """An ICWS date ``seconds_after_epoch`` after the harness's start time."""
    return datetime.fromtimestamp(EPOCH + seconds_after_epoch, UTC).strftime("%Y%m%dT%H%M%SZ")


def _preview(h: Harness, **pop_args: object) -> None:
    h.log_in()
    h.message(pop("p1", PREVIEW, preview=True, **pop_args))  # type: ignore[arg-type]


def test_preview_when_skippable_and_the_skip_is_drawn_is_dispositioned_skipped_without_placing() -> None:
    """disposition: "For a previewPop with an allowSkip value of true, pass in a label of "Skipped -
    Agent Skip" to skip the call" — official disposition page."""
    h = Harness(rng=FakeRng([0.1]), preview_skip_probability=0.5)
    _preview(h, skip=True)

    h.fire(TimerKind.THINK)
    assert h.expect(SubmitDisposition) == SubmitDisposition(label=SKIP_LABEL)
    h.succeed()

    assert h.requests(PlacePreviewCall) == []
    assert h.records["p1"].outcome is CallOutcome.DISPOSITIONED
    assert h.records["p1"].label == SKIP_LABEL
    assert h.agent.counters.previews_skipped == 1
    assert h.expect(SetStatus) == SetStatus(status_id="Available")


def test_preview_when_its_pop_does_not_allow_skipping_is_never_skipped() -> None:
    """disposition: the skip label is only for a previewPop whose allowSkip is true — official
    disposition page."""
    h = Harness(preview_skip_probability=1.0)
    _preview(h, skip=False)

    h.fire(TimerKind.THINK)

    assert h.expect(PlacePreviewCall) == PlacePreviewCall()
    assert h.agent.counters.previews_skipped == 0


def test_preview_when_the_skip_is_not_drawn_is_placed() -> None:
    """R6: a preview that is not skipped is placed."""
    h = Harness(rng=FakeRng([0.9]), preview_skip_probability=0.5)
    _preview(h, skip=True)

    h.fire(TimerKind.THINK)

    assert h.expect(PlacePreviewCall)


def test_preview_when_dialer_places_a_call_meant_to_be_skipped_is_talked_and_dispositioned_normally() -> None:
    """place-preview-call: once the previewPop says the call is placed it is no longer skippable; the
    agent does not act on a preview the server placed (R6)."""
    h = Harness(preview_skip_probability=1.0)
    _preview(h, skip=True)

    h.message(pop("p1", PREVIEW, preview=True, placed=True, skip=True))
    assert h.state is S.TALKING
    h.fire(TimerKind.TALK)
    h.fire(TimerKind.WRAP_UP)

    assert h.expect(SubmitDisposition).label != SKIP_LABEL
    assert h.requests(PlacePreviewCall) == []


def test_preview_when_thinking_would_pass_its_timeout_is_placed_by_the_timer_just_before() -> None:
    """place-preview-call: callInitiatedByTimer "Indicates whether the call is initiated automatically
    due to expired preview timer" — official place-preview-call page."""
    h = Harness()
    _preview(h, timeout=_at(3.0))

    assert h.timers[TimerKind.THINK].delay == 2.0, "previewTimeout minus the one second lead"
    h.fire(TimerKind.THINK)

    assert h.expect(PlacePreviewCall) == PlacePreviewCall(initiated_by_timer=True)
    assert h.agent.counters.previews_by_timer == 1


def test_preview_when_thinking_ends_before_its_timeout_is_placed_by_the_agent() -> None:
    """place-preview-call: a call the agent places itself is not initiated by the timer — official
    place-preview-call page."""
    h = Harness()
    _preview(h, timeout=_at(60.0))

    assert h.timers[TimerKind.THINK].delay == 4.0
    h.fire(TimerKind.THINK)

    assert h.expect(PlacePreviewCall) == PlacePreviewCall(initiated_by_timer=False)
    assert h.agent.counters.previews_by_timer == 0


def test_preview_when_its_timeout_has_passed_already_is_placed_by_the_timer_at_once() -> None:
    """place-preview-call: an expired preview timer places the call — official place-preview-call page."""
    h = Harness()
    _preview(h, timeout=_at(-5.0))

    assert h.timers[TimerKind.THINK].delay == 0.0
    h.fire(TimerKind.THINK)

    assert h.expect(PlacePreviewCall) == PlacePreviewCall(initiated_by_timer=True)


def test_preview_when_a_skip_would_pass_the_timeout_is_skipped_before_it() -> None:
    """disposition: a skipped preview is dispositioned before the server's preview timer would place
    it — official disposition and place-preview-call pages."""
    h = Harness(preview_skip_probability=1.0)
    _preview(h, skip=True, timeout=_at(3.0))

    assert h.timers[TimerKind.THINK].delay == 2.0
    h.fire(TimerKind.THINK)

    assert h.expect(SubmitDisposition) == SubmitDisposition(label=SKIP_LABEL)


def test_preview_when_the_agent_leaves_while_reading_one_to_skip_logs_off_then_skips_it() -> None:
    """R32 (log off before the disposition) with the skip label of the official disposition page."""
    h = Harness(preview_skip_probability=1.0)
    _preview(h, skip=True)

    h.stop()
    assert h.expect(DialerLogOff)
    h.succeed()

    assert h.expect(SubmitDisposition) == SubmitDisposition(label=SKIP_LABEL)
    h.succeed()
    h.message(logout_granted(""))
    assert h.requests(PlacePreviewCall) == []


def test_preview_skip_when_it_reaches_the_plans_call_count_logs_off_after_it() -> None:
    """A skipped preview is a dispositioned call: it counts toward logoff_after_calls (R8)."""
    h = Harness(preview_skip_probability=1.0, logoff_after_calls=1)
    _preview(h, skip=True)

    h.fire(TimerKind.THINK)
    h.succeed()

    assert h.expect(DialerLogOff) == DialerLogOff(campaign_ids=())
    assert h.agent.calls_handled == 1


def test_disposition_label_when_the_pop_offers_the_skip_label_is_never_drawn_for_a_placed_call() -> None:
    """disposition: "Skipped - Agent Skip" skips a preview — official disposition page; a call that was
    placed and talked is dispositioned with one of its other labels."""
    for draw in (0.0, 0.5, 0.99):
        h = Harness(rng=FakeRng([draw]))
        h.log_in()
        h.message(pop("i1", labels=("Sale", SKIP_LABEL)))
        h.fire(TimerKind.TALK)
        h.fire(TimerKind.WRAP_UP)

        assert h.expect(SubmitDisposition) == SubmitDisposition(label="Sale")


def test_preview_when_the_agent_leaves_before_placing_a_skippable_one_skips_it() -> None:
    """disposition: a preview that was never placed is dispositioned "Skipped - Agent Skip" where its
    pop allows it — official disposition page — not with a label of a call that was talked."""
    h = Harness(preview_skip_probability=0.0)
    _preview(h, skip=True)

    h.stop()
    h.succeed()

    assert h.expect(SubmitDisposition) == SubmitDisposition(label=SKIP_LABEL)


def test_preview_when_the_agent_leaves_before_placing_one_that_cannot_be_skipped_places_it_first() -> None:
    """disposition: without allowSkip the skip label is not for this call, and an unplaced preview cannot
    be dispositioned, so it is placed first — official disposition page, R6."""
    h = Harness()
    _preview(h, skip=False)

    h.stop()
    h.succeed()
    assert h.expect(PlacePreviewCall) == PlacePreviewCall(initiated_by_timer=False)
    h.succeed()

    assert h.expect(SubmitDisposition).label != SKIP_LABEL
