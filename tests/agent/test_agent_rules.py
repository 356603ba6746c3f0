"""What the agent detects when the server breaks a seed rule, and what it does not flag."""

from __future__ import annotations

from agent_harness import (
    POWER,
    PREDICTIVE,
    PREVIEW,
    Harness,
    break_status,
    campaigns,
    logout_granted,
    pop,
    reach,
)

from botagent.agent import (
    AgentState,
    CallOutcome,
    PlacePreviewCall,
    ReportViolation,
    SetStatus,
    SubmitDisposition,
    TimerKind,
)

S = AgentState


def test_break_grant_when_a_call_is_undispositioned_is_a_violation_r18() -> None:
    h = reach(S.TALKING)

    h.message(break_status(2))

    assert h.violations() == ["R18"]
    assert "i1" in h.of_type(ReportViolation)[0].detail
    assert h.state is S.TALKING


def test_break_status_when_it_races_the_disposition_answer_is_not_a_violation_r18() -> None:
    h = reach(S.DISPOSITIONING)

    h.message(break_status(2))
    h.succeed()

    assert h.violations() == []
    assert h.records["i1"].outcome is CallOutcome.DISPOSITIONED


def test_pop_when_no_campaign_is_joined_yet_is_a_violation_r16() -> None:
    h = reach(S.JOINING_CAMPAIGN)

    h.message(pop("early", POWER))

    assert h.violations() == ["R16"]


def test_pop_when_for_a_campaign_the_agent_did_not_join_is_a_violation_r16() -> None:
    h = Harness(campaigns=(PREDICTIVE,))
    h.log_in(right=True)

    h.message(pop("other", POWER))

    assert h.violations() == ["R16"]


def test_pop_when_agent_never_went_available_is_a_violation_and_still_handled_r4_r23() -> None:
    h = reach(S.READYING)

    h.message(pop("early"))
    h.succeed()
    h.succeed()

    assert h.violations() == ["R4"]
    assert h.state is S.TALKING
    h.fire(TimerKind.TALK)
    h.fire(TimerKind.WRAP_UP)
    h.succeed()
    assert h.records["early"].outcome is CallOutcome.DISPOSITIONED


def test_pop_when_agent_is_on_break_is_a_violation_r27() -> None:
    h = reach(S.ON_BREAK, break_every_calls=1)

    h.message(pop("i2"))

    assert h.violations() == ["R27"]
    assert "on break" in h.of_type(ReportViolation)[0].detail
    assert h.state is S.ON_BREAK


def test_pop_when_agent_is_away_in_a_non_acd_status_is_a_violation_r27() -> None:
    h = reach(S.AWAY, status_change_probability=1.0)

    h.message(pop("i2"))

    assert h.violations() == ["R27"]


def test_pop_when_unplaced_preview_arrives_right_after_disposition_is_a_violation_r27() -> None:
    h = reach(S.DISPOSITIONING)

    h.message(pop("p2", PREVIEW, preview=True))

    assert h.violations() == ["R27"]


def test_pop_when_it_races_a_logoff_sent_while_available_is_dispositioned_before_the_grant_r23() -> None:
    h = reach(S.AWAITING_LOGOFF_GRANT)

    h.message(pop("late"))
    assert h.expect(SubmitDisposition)
    h.succeed()
    h.message(logout_granted(""))

    assert h.violations() == []
    assert h.records["late"].outcome is CallOutcome.DISPOSITIONED
    assert h.state is S.CLOSING


def test_pop_when_unplaced_preview_arrives_after_the_final_disposition_is_a_violation_r27() -> None:
    h = reach(S.FINAL_DISPOSITIONING, logoff_after_calls=1)
    h.succeed()

    h.message(pop("p9", PREVIEW, preview=True))

    assert h.violations() == ["R27"]
    assert h.expect(PlacePreviewCall), "an unplaced preview is placed before its disposition (R6)"
    h.succeed()
    assert h.expect(SubmitDisposition)


def test_pop_when_another_call_is_undispositioned_is_a_violation_and_both_are_dispositioned_r9() -> None:
    h = reach(S.TALKING)

    h.message(pop("i2"))
    h.fire(TimerKind.TALK)
    h.fire(TimerKind.WRAP_UP)
    h.succeed()
    assert h.state is S.TALKING
    h.fire(TimerKind.TALK)
    h.fire(TimerKind.WRAP_UP)
    h.succeed()

    assert h.violations() == ["R9"]
    assert {r.interaction_id for r in h.records.values() if r.outcome is CallOutcome.DISPOSITIONED} == {
        "i1",
        "i2",
    }
    assert h.expect(SetStatus)


def test_pop_when_the_same_call_pops_again_is_ignored() -> None:
    h = reach(S.TALKING)

    h.message(pop("i1"))

    assert h.violations() == []
    assert h.agent.counters.calls_popped == 1


def test_pop_when_it_has_no_disposition_labels_is_a_violation_that_stops_the_agent_r24() -> None:
    h = reach(S.WAITING_FOR_POP)

    h.message(pop("bare", labels=()))
    while h.outstanding is not None:
        h.succeed()

    assert h.violations() == ["R24"]
    assert h.step_errors()[0].step == "dataPop"
    assert h.records["bare"].outcome is CallOutcome.UNDISPOSITIONED
    assert h.requests(SubmitDisposition) == []
    assert h.state is S.ERROR


def test_logout_grant_when_the_calls_campaign_is_undispositioned_is_a_violation_r31() -> None:
    h = reach(S.LOGGING_OFF_ON_CALL, logoff_after_calls=1)

    h.message(logout_granted(PREDICTIVE))

    assert h.violations() == ["R31"]


def test_logout_grant_when_all_of_dialer_is_granted_during_a_call_is_a_violation_r31() -> None:
    h = reach(S.TALKING)

    h.message(logout_granted(""))

    assert h.violations() == ["R31"]


def test_logout_grant_when_for_a_different_campaign_is_not_a_violation_r31() -> None:
    h = reach(S.TALKING)

    h.message(logout_granted(POWER))

    assert h.violations() == []
    assert h.state is S.TALKING


def test_logout_grant_when_it_races_the_final_disposition_answer_is_not_a_violation_r31() -> None:
    h = reach(S.FINAL_DISPOSITIONING, logoff_after_calls=1)

    h.message(logout_granted(""))
    h.succeed()

    assert h.violations() == []
    assert h.state is S.CLOSING


def test_non_acd_status_when_no_break_follows_is_a_violation_r22() -> None:
    h = reach(S.AWAY, status_change_probability=1.0)

    h.fire(TimerKind.AWAY)

    assert h.violations() == ["R22"]
    assert h.expect(SetStatus) == SetStatus(status_id="Available")


def test_end_break_when_answered_goes_on_without_waiting_for_a_message_r21() -> None:
    h = reach(S.ENDING_BREAK, break_every_calls=1)

    h.succeed()

    assert h.expect(SetStatus) == SetStatus(status_id="Available")
    assert h.timers == {}


def test_available_after_break_when_pop_arrives_before_break_status_zero_is_not_a_violation_r21() -> None:
    h = reach(S.ENDING_BREAK, break_every_calls=1)
    h.succeed()
    h.succeed()

    h.message(pop("i2"))

    assert h.violations() == []
    assert h.state is S.TALKING


def test_logon_campaign_right_when_absent_sends_no_campaign_login_r13() -> None:
    h = Harness(campaigns=(POWER,))

    h.log_in(right=False)

    assert h.violations() == []
    assert len(h.sent) == 4


def test_violations_when_counted_match_the_reports() -> None:
    h = reach(S.TALKING)

    h.message(break_status(2))
    h.message(logout_granted(""))
    h.message(campaigns(False))

    assert h.agent.counters.violations == len(h.violations()) == 2
