"""Blended agents (seed rule R33): inbound ACD interactions alerting on the agent's own queue are picked
up while it waits for a pop, talked and disconnected; a Dialer-only agent ignores them; an ACD alert
beside a Dialer call, or a pop beside an ACD interaction, is a rule violation naming R33.

Pages: seed rule R33; Eic_State ("A" alerting, "C" connected, "E" disconnected by the remote party)
https://help.genesys.com/cic/mergedProjects/wh_tr/mergedProjects/wh_tr_attributes/desktop/eic_state.htm;
queue subscription https://help.genesys.com/developer/cic/docs/icws/webhelp/icws/(sessionId)/messaging/
subscriptions/queues/(subscriptionId)/index.htm.
"""

from __future__ import annotations

from agent_harness import CALL_CONTROL, Harness, pop, queue

from botagent.agent import (
    KPI_ACD_ALERT_TO_PICKUP,
    KPI_ACD_TALK,
    KPI_CONNECT_TO_DISCONNECT,
    AgentState,
    DisconnectCall,
    PickUpInteraction,
    TimerKind,
)

S = AgentState


def _waiting(blended: bool = True) -> Harness:
    h = Harness(features=CALL_CONTROL, blended=blended)
    h.log_in()
    return h


def _talking_acd() -> Harness:
    h = _waiting()
    h.message(queue("acd1", "A", added=True))
    h.clock.advance(0.25)
    assert h.expect(PickUpInteraction).interaction_id == "acd1"
    h.succeed()
    h.message(queue("acd1", "C"))
    assert h.state is S.ACD_TALKING
    return h


def test_acd_alert_when_a_blended_agent_waits_for_a_pop_is_picked_up_talked_and_disconnected() -> None:
    """R33: a blended agent takes the inbound ACD interaction alerting (A) on its queue, talks for the
    profile's ACD talk time, disconnects it, and waits for a pop again."""
    h = _talking_acd()
    assert h.kpis(KPI_ACD_ALERT_TO_PICKUP) == [250.0]
    h.fire(TimerKind.ACD_TALK)
    assert h.expect(DisconnectCall).interaction_id == "acd1"
    h.succeed()
    assert h.state is S.WAITING_FOR_POP
    h.message(queue("acd1", "I", removed=True))
    assert h.kpis(KPI_ACD_TALK) == [30_000.0]
    assert h.kpis(KPI_CONNECT_TO_DISCONNECT) == []
    assert h.agent.counters.acd_handled == 1 and h.violations() == []


def test_acd_alert_when_the_agent_is_not_blended_is_ignored() -> None:
    """Profile blended.enabled false: the alert is left alone, as a Dialer-only agent page leaves it."""
    h = _waiting(blended=False)
    h.message(queue("acd1", "A", added=True))
    assert h.state is S.WAITING_FOR_POP and h.requests(PickUpInteraction) == []


def test_acd_talk_when_the_caller_hangs_up_first_ends_at_once_and_sends_no_disconnect() -> None:
    """Eic_State E: the remote party disconnected; the agent waits for a pop again with nothing to hang up."""
    h = _talking_acd()
    h.message(queue("acd1", "E"))
    assert h.state is S.WAITING_FOR_POP and TimerKind.ACD_TALK not in h.timers
    assert h.requests(DisconnectCall) == [] and h.agent.counters.acd_handled == 1


def test_acd_pick_up_when_the_alert_is_gone_answers_404_and_the_agent_waits_again() -> None:
    """An alert that went back to its workgroup before the pick-up arrived is not an error [inferred]."""
    h = _waiting()
    h.message(queue("acd1", "A", added=True))
    h.expect(PickUpInteraction)
    h.fail(status=404, error_id="error.notFound")
    assert h.state is S.WAITING_FOR_POP and h.step_errors() == []


def test_acd_alert_when_the_agent_holds_a_dialer_call_is_a_rule_violation_and_not_picked_up() -> None:
    """R33: a blended agent gets no ACD interaction while it holds a Dialer call."""
    h = _waiting()
    h.message(pop("i1", auto_disconnect=False))
    h.message(queue("i1", "C", added=True))
    h.message(queue("acd1", "A", added=True))
    assert h.violations() == ["R33"]
    assert h.state is S.TALKING and h.requests(PickUpInteraction) == []


def test_dialer_pop_when_the_agent_holds_an_acd_interaction_is_a_rule_violation() -> None:
    """R33: Dialer gives no call to an agent holding an ACD interaction."""
    h = _talking_acd()
    h.message(pop("i1"))
    assert h.violations() == ["R33"]
    assert h.state is S.ACD_TALKING


def test_leave_when_on_an_acd_interaction_disconnects_it_before_logging_off() -> None:
    """Leaving disconnects the ACD interaction first, so none is left connected behind the agent."""
    h = _talking_acd()
    h.stop()
    assert h.expect(DisconnectCall).interaction_id == "acd1"
    h.succeed()
    assert h.state is S.LOGGING_OFF
