"""Whole lifecycles: log-in variants, predictive and preview calls, breaks, status changes, reschedules,
and leaving at the end of the plan."""

from __future__ import annotations

from agent_harness import (
    CAMPAIGNS,
    EPOCH,
    LABELS,
    POWER,
    PREDICTIVE,
    PREVIEW,
    USER,
    FakeRng,
    Harness,
    break_status,
    campaigns,
    logout_granted,
    pop,
    reach,
)

from botagent.agent import (
    KPI_BREAK_GRANT,
    KPI_LOGOFF_GRANT,
    KPI_PREVIEW_CONNECT,
    KPI_WAIT_FOR_POP,
    AgentState,
    CallOutcome,
    CloseSession,
    DialerLogIn,
    DialerLogOff,
    EndBreak,
    Finished,
    Fixed,
    OpenSession,
    PlacePreviewCall,
    ReadyForCalls,
    RequestBreak,
    SetStatus,
    SubmitDisposition,
    TimerKind,
)

S = AgentState


def _names(h: Harness) -> list[str]:
    return [type(request).__name__ for request in h.sent]


def test_login_when_agent_lacks_campaign_right_goes_straight_to_ready_and_available_r2_r3_r4_r13() -> None:
    h = Harness()

    h.log_in(right=False)

    assert h.sent == [
        OpenSession(),
        DialerLogIn(campaign_id=None),
        ReadyForCalls(campaign_ids=None),
        SetStatus(status_id="Available"),
    ]
    assert h.state.bucket.value == "ready"


def test_login_when_messages_arrive_after_the_login_answer_waits_for_both_r12() -> None:
    h = Harness()
    h.start()
    h.succeed()
    h.succeed()

    h.message(campaigns(False))
    assert h.state is S.AWAITING_CAMPAIGNS
    h.message(break_status(0))

    assert h.expect(ReadyForCalls) == ReadyForCalls(campaign_ids=None)


def test_login_when_campaign_fields_ride_on_the_break_status_message_tolerates_them_r12() -> None:
    h = Harness()
    h.start()
    h.succeed()
    h.succeed()

    h.message(
        break_status(0, agentHasLogonCampaignRight=True, campaignsAdded=[{"id": POWER, "name": "Power"}])
    )

    assert h.expect(DialerLogIn) == DialerLogIn(campaign_id=POWER)


def test_login_when_agent_has_campaign_right_logs_in_to_each_chosen_campaign_r14_r15() -> None:
    h = Harness(campaigns=("Power Collections", PREDICTIVE))

    h.log_in(right=True)

    assert h.requests(DialerLogIn) == [
        DialerLogIn(campaign_id=None),
        DialerLogIn(campaign_id=POWER),
        DialerLogIn(campaign_id=PREDICTIVE),
    ]
    assert h.requests(ReadyForCalls) == [ReadyForCalls(campaign_ids=(POWER, PREDICTIVE))]


def test_login_when_plan_names_no_campaign_joins_every_offered_campaign_r15() -> None:
    h = Harness()

    h.log_in(right=True)

    assert [r.campaign_id for r in h.requests(DialerLogIn)] == [None, *CAMPAIGNS]


def test_login_when_no_offered_campaign_matches_the_plan_reports_a_step_error_r14() -> None:
    h = Harness(campaigns=("Nonexistent",))
    h.start()
    h.succeed()
    h.message(break_status(0))
    h.message(campaigns(True, PREDICTIVE))

    h.succeed()

    error = h.step_errors()[0]
    assert error.step == "choose campaigns"
    assert "Nonexistent" in error.message and "Predictive Sales" in error.message
    assert h.expect(DialerLogOff) == DialerLogOff(campaign_ids=())


def test_predictive_call_when_popped_is_talked_wrapped_dispositioned_and_available_again_r5_r7_r23_r27() -> (
    None
):
    h = Harness()
    h.log_in()
    h.clock.advance(12.5)

    h.message(pop("i1"))
    assert h.state is S.TALKING
    assert h.kpis(KPI_WAIT_FOR_POP) == [12500.0]
    h.fire(TimerKind.TALK)
    assert h.state is S.WRAPPING_UP
    h.fire(TimerKind.WRAP_UP)
    disposition = h.expect(SubmitDisposition)
    h.succeed()

    assert disposition.label in LABELS
    assert h.expect(SetStatus) == SetStatus(status_id="Available")
    assert h.requests(PlacePreviewCall) == []
    assert h.records["i1"].outcome is CallOutcome.DISPOSITIONED
    assert h.records["i1"].label == disposition.label
    assert h.agent.calls_handled == 1


def test_predictive_calls_when_several_pop_in_turn_are_each_dispositioned_once_r23() -> None:
    h = Harness()
    h.log_in()

    for number in range(3):
        h.take_call(f"i{number}")
        h.succeed()

    assert len(h.requests(SubmitDisposition)) == 3
    assert h.agent.counters.calls_handled == 3
    assert h.agent.counters.calls_popped == 3
    assert h.state is S.WAITING_FOR_POP


def test_preview_call_when_popped_is_thought_over_then_placed_and_talked_r6() -> None:
    h = Harness()
    h.log_in()

    h.message(pop("p1", PREVIEW, preview=True))
    assert h.state is S.PREVIEWING
    h.fire(TimerKind.THINK)
    assert h.expect(PlacePreviewCall) == PlacePreviewCall()
    h.clock.advance(0.25)
    h.succeed()
    assert h.state is S.TALKING
    h.clock.advance(1.0)
    h.message(pop("p1", PREVIEW, preview=True, placed=True))

    assert h.kpis(KPI_PREVIEW_CONNECT) == [1250.0]
    assert h.state is S.TALKING
    assert h.agent.counters.previews_placed == 1


def test_preview_call_when_connect_notice_arrives_after_the_call_ended_is_ignored_r6() -> None:
    h = Harness()
    h.log_in()
    h.message(pop("p1", PREVIEW, preview=True))
    h.fire(TimerKind.THINK)
    h.succeed()
    h.fire(TimerKind.TALK)
    h.fire(TimerKind.WRAP_UP)
    h.succeed()

    h.message(pop("p1", PREVIEW, preview=True, placed=True))

    assert h.violations() == []
    assert h.agent.counters.calls_popped == 1


def test_preview_call_when_dialer_places_it_during_think_time_is_not_placed_again_r6() -> None:
    h = Harness()
    h.log_in()
    h.message(pop("p1", PREVIEW, preview=True))

    h.message(pop("p1", PREVIEW, preview=True, placed=True))

    assert h.state is S.TALKING
    assert h.requests(PlacePreviewCall) == []
    assert TimerKind.THINK not in h.timers


def test_preview_pop_when_already_placed_is_talked_without_a_place_request_r6_r7() -> None:
    h = Harness()
    h.log_in()

    h.message(pop("p1", PREVIEW, preview=True, placed=True))

    assert h.state is S.TALKING
    assert h.requests(PlacePreviewCall) == []


def test_break_when_due_is_requested_granted_taken_and_ended_r17_r19_r21() -> None:
    h = Harness(break_every_calls=1)
    h.log_in()
    h.take_call("i1")
    assert h.expect(RequestBreak) == RequestBreak()
    h.succeed()
    assert h.state is S.AWAITING_BREAK
    h.clock.advance(2.0)

    h.message(break_status(2))
    assert h.state is S.ON_BREAK
    h.fire(TimerKind.BREAK)
    assert h.expect(EndBreak) == EndBreak()
    h.succeed()

    assert h.kpis(KPI_BREAK_GRANT) == [2000.0]
    assert h.agent.breaks_taken == 1
    assert _names(h)[-4:] == ["SubmitDisposition", "RequestBreak", "EndBreak", "SetStatus"]
    assert h.state is S.SETTING_AVAILABLE


def test_break_when_grant_arrives_before_the_request_answer_is_taken_at_once_r19() -> None:
    h = reach(S.REQUESTING_BREAK)

    h.message(break_status(2))
    h.succeed()

    assert h.state is S.ON_BREAK
    assert h.kpis(KPI_BREAK_GRANT) == [0.0]


def test_break_when_every_second_call_is_planned_skips_the_first_call() -> None:
    h = Harness(break_every_calls=2)
    h.log_in()

    h.take_call("i1")
    assert h.expect(SetStatus)
    h.succeed()
    h.take_call("i2")

    assert h.expect(RequestBreak)


def test_break_when_probability_draw_is_below_it_is_taken() -> None:
    h = Harness(rng=FakeRng([0.5, 0.1]), break_probability=0.2)
    h.log_in()

    h.take_call("i1")

    assert h.expect(RequestBreak)


def test_break_when_probability_draw_is_above_it_is_skipped() -> None:
    h = Harness(rng=FakeRng([0.5, 0.9]), break_probability=0.2)
    h.log_in()

    h.take_call("i1")

    assert h.expect(SetStatus) == SetStatus(status_id="Available")


def test_status_change_when_drawn_sets_non_acd_status_waits_and_returns_to_available_r22() -> None:
    h = Harness(status_change_probability=1.0)
    h.log_in()
    h.take_call("i1")
    assert h.expect(SetStatus) == SetStatus(status_id="Do Not Disturb")
    h.succeed()
    assert h.state is S.AWAY
    h.message(break_status(2))

    h.fire(TimerKind.AWAY)

    assert h.expect(SetStatus) == SetStatus(status_id="Available")
    assert h.violations() == []
    assert h.agent.counters.status_changes == 1


def test_break_and_status_change_when_both_drawn_happen_in_that_order_before_available() -> None:
    h = Harness(break_every_calls=1, status_change_probability=1.0)
    h.log_in()
    h.take_call("i1")
    h.succeed()
    h.message(break_status(2))
    h.fire(TimerKind.BREAK)
    h.succeed()
    h.succeed()
    h.message(break_status(2))
    h.fire(TimerKind.AWAY)

    assert _names(h)[-5:] == ["SubmitDisposition", "RequestBreak", "EndBreak", "SetStatus", "SetStatus"]
    assert h.requests(SetStatus)[-2:] == [
        SetStatus(status_id="Do Not Disturb"),
        SetStatus(status_id="Available"),
    ]


def test_reschedule_when_drawn_for_self_sends_epoch_seconds_and_own_user_r25_r26() -> None:
    """The drawn label "Sale" is not Scheduled, so the reschedule takes "Callback", the call's one
    label with wrap-up category "Scheduled" (official disposition page)."""
    h = Harness(rng=FakeRng([0.0, 0.0]), reschedule_probability=0.5, reschedule_offset=Fixed(1800.4))
    h.log_in()
    h.message(pop("i1"))
    h.fire(TimerKind.TALK)

    h.fire(TimerKind.WRAP_UP)

    expected_time = int(EPOCH + 30.0 + 5.0 + 1800.4)
    assert h.expect(SubmitDisposition) == SubmitDisposition(
        label="Callback", scheduled_time=expected_time, scheduled_agent=USER
    )
    h.succeed()
    assert h.records["i1"].scheduled_time == expected_time
    assert h.agent.counters.reschedules == 1


def test_reschedule_when_owner_is_another_user_sends_that_user_r26() -> None:
    h = Harness(rng=FakeRng([0.0, 0.0]), reschedule_probability=1.0, reschedule_agent="agent0042")
    h.log_in()
    h.message(pop("i1"))
    h.fire(TimerKind.TALK)

    h.fire(TimerKind.WRAP_UP)

    assert h.expect(SubmitDisposition).scheduled_agent == "agent0042"


def test_reschedule_when_owner_is_none_omits_the_scheduled_agent_r25() -> None:
    h = Harness(rng=FakeRng([0.0, 0.0]), reschedule_probability=1.0, reschedule_agent="none")
    h.log_in()
    h.message(pop("i1"))
    h.fire(TimerKind.TALK)

    h.fire(TimerKind.WRAP_UP)

    disposition = h.expect(SubmitDisposition)
    assert disposition.scheduled_agent is None
    assert isinstance(disposition.scheduled_time, int)


def test_reschedule_when_not_drawn_sends_neither_time_nor_agent_r25() -> None:
    h = Harness(rng=FakeRng([0.0, 0.99]), reschedule_probability=0.5)
    h.log_in()
    h.message(pop("i1"))
    h.fire(TimerKind.TALK)

    h.fire(TimerKind.WRAP_UP)

    assert h.expect(SubmitDisposition) == SubmitDisposition(label="Sale")


def test_disposition_label_when_weighted_comes_from_the_calls_own_labels_r24() -> None:
    h = Harness(rng=FakeRng([0.99]), disposition_weights={"Sale": 1.0, "Not Offered": 50.0, "Callback": 3.0})
    h.log_in()
    h.message(pop("i1", labels=("Sale", "Callback", "No Answer")))
    h.fire(TimerKind.TALK)

    h.fire(TimerKind.WRAP_UP)

    assert h.expect(SubmitDisposition).label == "Callback"


def test_logoff_when_the_plans_call_count_is_reached_logs_off_before_the_disposition_r8_r10_r32() -> None:
    h = Harness(logoff_after_calls=1)
    h.log_in()
    h.message(pop("i1"))
    h.fire(TimerKind.TALK)
    h.fire(TimerKind.WRAP_UP)
    assert h.expect(DialerLogOff) == DialerLogOff(campaign_ids=())
    h.succeed()
    assert h.expect(SubmitDisposition)
    h.succeed()
    assert h.state is S.AWAITING_LOGOFF_GRANT
    h.clock.advance(3.0)

    h.message(logout_granted(""))
    assert h.expect(CloseSession)
    h.succeed()

    assert _names(h)[-3:] == ["DialerLogOff", "SubmitDisposition", "CloseSession"]
    assert h.kpis(KPI_LOGOFF_GRANT) == [3000.0]
    assert h.finished == Finished(reason="plan complete")
    assert h.state is S.FINISHED
    assert h.state.bucket.value == "logged off"


def test_logoff_when_scope_is_campaigns_logs_off_the_joined_campaigns_r28_r29_r30() -> None:
    h = Harness(campaigns=(PREDICTIVE, POWER), logoff_scope="campaigns", logoff_after_seconds=60.0)
    h.log_in(right=True)

    h.fire(TimerKind.PLAN_END)
    assert h.expect(DialerLogOff) == DialerLogOff(campaign_ids=(PREDICTIVE, POWER))
    h.succeed()
    h.message(logout_granted(PREDICTIVE))
    assert h.state is S.AWAITING_LOGOFF_GRANT
    h.message(logout_granted(POWER))

    assert h.expect(CloseSession)


def test_logoff_when_grant_is_a_bare_empty_string_means_all_of_dialer_r29() -> None:
    h = reach(S.AWAITING_LOGOFF_GRANT)

    h.message(logout_granted("", bare=True))

    assert h.expect(CloseSession)


def test_logoff_when_grant_names_only_another_campaign_keeps_waiting_r29() -> None:
    h = reach(S.AWAITING_LOGOFF_GRANT)

    h.message(logout_granted(POWER))

    assert h.state is S.AWAITING_LOGOFF_GRANT
    assert h.outstanding is None


def test_logoff_when_grant_arrives_before_the_logoff_answer_closes_right_after_it_r10() -> None:
    h = reach(S.LOGGING_OFF)

    h.message(logout_granted(""))
    h.succeed()

    assert h.expect(CloseSession)
    assert TimerKind.LOGOFF_GRANT not in h.timers


def test_logoff_when_the_plans_time_runs_out_while_waiting_logs_off_and_finishes() -> None:
    h = Harness(logoff_after_seconds=120.0)
    h.log_in()

    h.fire(TimerKind.PLAN_END)
    h.succeed()
    h.message(logout_granted(""))
    h.succeed()

    assert h.finished == Finished(reason="plan complete", restart_after=None)
    assert TimerKind.POP not in h.timers


def test_logoff_when_the_plans_time_runs_out_mid_call_finishes_the_call_first_r32() -> None:
    h = Harness(logoff_after_seconds=10.0)
    h.log_in()
    h.message(pop("i1"))

    h.fire(TimerKind.PLAN_END)

    assert h.expect(DialerLogOff)
    h.succeed()
    assert h.expect(SubmitDisposition)


def test_dialer_call_when_popped_right_after_a_disposition_is_taken_without_available_r9() -> None:
    h = reach(S.DISPOSITIONING)

    h.message(pop("i2"))
    h.succeed()

    assert h.state is S.TALKING
    assert h.violations() == []
    assert h.requests(SetStatus) == [SetStatus(status_id="Available")]
    h.fire(TimerKind.TALK)
    h.fire(TimerKind.WRAP_UP)
    h.succeed()
    assert set(h.records) == {"i1", "i2"}


def test_dialer_call_when_popped_while_the_request_after_a_disposition_is_out_is_still_r9_grace() -> None:
    h = reach(S.DISPOSITIONING)
    h.succeed()
    assert h.expect(SetStatus)

    h.message(pop("i2"))

    assert h.violations() == []


def test_counters_when_read_are_a_snapshot() -> None:
    h = Harness()
    h.log_in()
    before = h.agent.counters

    h.take_call("i1")

    assert before.calls_handled == 0
    assert h.agent.counters.calls_handled == 1
