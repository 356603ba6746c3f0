"""Call control: the agent reads its own Logon Campaign right, watches its user queue, follows each Dialer
call's interaction and disconnects it before the disposition unless the server will on disposition.

Pages: disposition ("Dialer does not actually disconnect the call. The application, agent, or caller must
disconnect the call.") https://help.genesys.com/developer/cic/docs/icws/webhelp/icws/(sessionId)/dialer/
disposition/index.htm; queue subscription .../icws/(sessionId)/messaging/subscriptions/queues/
(subscriptionId)/index.htm; configuration users .../icws/(sessionId)/configuration/users/(id)/client/
index.htm.
"""

from __future__ import annotations

from agent_harness import CALL_CONTROL, PREDICTIVE, PREVIEW, Harness, break_status, campaigns, pop, queue

from botagent.agent import (
    KPI_CONNECT_TO_DISCONNECT,
    AgentState,
    DialerLogIn,
    DialerLogOff,
    DisconnectCall,
    ReadRights,
    SubmitDisposition,
    TimerKind,
    WatchQueue,
)

S = AgentState


def _talking(auto_disconnect: bool = False, **plan: object) -> Harness:
    h = Harness(features=CALL_CONTROL, **plan)
    h.log_in()
    h.message(pop("i1", auto_disconnect=auto_disconnect))
    h.message(queue("i1", "C", added=True))
    assert h.state is S.TALKING
    return h


def _finish(h: Harness) -> None:
    """Talk, wrap up and disposition the current call."""
    h.fire(TimerKind.TALK)
    h.fire(TimerKind.WRAP_UP)
    h.expect(SubmitDisposition)
    h.succeed()


def test_log_in_when_the_server_serves_call_control_reads_rights_and_watches_the_queue_first() -> None:
    """Production agent pages read securityRights.loginCampaign and watch the user queue (queue type 1)
    asking for Eic_State before the Dialer log-in."""
    h = Harness(features=CALL_CONTROL)
    h.start()
    h.succeed()
    h.expect(ReadRights)
    h.succeed()
    watch = h.expect(WatchQueue)
    assert "Eic_State" in watch.attribute_names
    h.succeed()
    h.expect(DialerLogIn)


def test_log_in_when_the_server_lacks_queues_or_interactions_skips_straight_to_dialer() -> None:
    """Official Versioning page: a feature not listed is not supported, so the agent does not use it."""
    h = Harness(features={"messaging": 2, "dialer": 4, "queues": 1, "configuration": 1})
    h.start()
    h.succeed()
    h.expect(ReadRights)
    h.succeed()
    h.expect(DialerLogIn)


def test_talk_end_when_the_pop_leaves_disconnecting_to_the_agent_disconnects_before_the_disposition() -> None:
    """Disposition page: the application must disconnect; autoDisconnectOnDisposition false says so."""
    h = _talking()
    h.fire(TimerKind.TALK)
    assert h.expect(DisconnectCall).interaction_id == "i1"
    h.succeed()
    h.clock.advance(0.5)
    h.message(queue("i1", "I", removed=True))
    assert h.kpis(KPI_CONNECT_TO_DISCONNECT) == [30_500.0]
    h.fire(TimerKind.WRAP_UP)
    h.expect(SubmitDisposition)
    assert h.agent.counters.calls_disconnected == 1


def test_talk_end_when_the_pop_says_the_server_disconnects_sends_no_disconnect() -> None:
    """A pop's autoDisconnectOnDisposition true: the server hangs up when the call is dispositioned."""
    h = _talking(auto_disconnect=True)
    h.fire(TimerKind.TALK)
    h.fire(TimerKind.WRAP_UP)
    h.expect(SubmitDisposition)
    assert h.requests(DisconnectCall) == []


def test_plan_when_disconnecting_is_off_leaves_the_call_to_the_server() -> None:
    """Profile calls.disconnect false: the agent never sends the disconnect."""
    h = _talking(disconnect_calls=False)
    h.fire(TimerKind.TALK)
    h.fire(TimerKind.WRAP_UP)
    h.expect(SubmitDisposition)
    assert h.requests(DisconnectCall) == []


def test_remote_hang_up_when_the_far_end_disconnects_ends_the_talk_early_and_goes_to_wrap_up() -> None:
    """An interaction the far end disconnected (Eic_State E) ends the talk; nothing is left to hang up."""
    h = _talking()
    h.message(queue("i1", "E"))
    assert h.state is S.WRAPPING_UP and TimerKind.TALK not in h.timers
    h.fire(TimerKind.WRAP_UP)
    h.expect(SubmitDisposition)
    assert h.requests(DisconnectCall) == []
    assert h.agent.counters.remote_hang_ups == 1


def test_call_when_its_interaction_never_shows_up_is_hung_up_and_dispositioned_without_waiting() -> None:
    """A call whose interaction has not reached the queue (its message may be on the way) is hung up all
    the same; a 404 (no such interaction) does not stop the agent, nor does it wait for the queue."""
    h = Harness(features=CALL_CONTROL)
    h.log_in()
    h.message(pop("i1", auto_disconnect=False))
    h.fire(TimerKind.TALK)
    h.expect(DisconnectCall)
    h.fail(404, "error.request.notFound", "The interaction does not exist.")
    h.fire(TimerKind.WRAP_UP)
    h.expect(SubmitDisposition)
    assert h.step_errors() == []


def test_preview_when_skipped_unplaced_is_never_hung_up() -> None:
    """A preview nobody placed has no call to hang up ("Skipped - Agent Skip", official disposition page)."""
    h = Harness(features=CALL_CONTROL, preview_skip_probability=1.0)
    h.log_in()
    h.message(pop("p1", PREVIEW, preview=True, skip=True, auto_disconnect=False))
    h.fire(TimerKind.THINK)
    assert h.expect(SubmitDisposition).label == "Skipped - Agent Skip"
    assert h.requests(DisconnectCall) == []


def test_call_when_still_connected_after_its_disposition_is_a_violation_at_the_next_pop() -> None:
    """Disposition page: Dialer does not disconnect; a call left up after its disposition is reported."""
    h = _talking(auto_disconnect=True)
    _finish(h)
    h.message(pop("i2"))
    assert h.violations() == ["disconnect"]


def test_call_when_the_server_disconnects_it_on_disposition_is_no_violation() -> None:
    """autoDisconnectOnDisposition true and the queue shows the interaction ended: nothing to report."""
    h = _talking(auto_disconnect=True)
    _finish(h)
    h.message(queue("i1", "I", removed=True))
    h.message(pop("i2"))
    assert h.violations() == []


def test_stop_when_talking_logs_off_then_disconnects_then_dispositions() -> None:
    """R32 (log off before the disposition) and the disposition page (disconnect before it)."""
    h = _talking()
    h.stop()
    h.expect(DialerLogOff)
    h.succeed()
    h.expect(DisconnectCall)
    h.succeed()
    h.expect(SubmitDisposition)


def test_logon_campaign_right_when_configuration_and_dialer_disagree_is_a_violation() -> None:
    """R13: agentHasLogonCampaignRight should match the user's securityRights.loginCampaign."""
    h = Harness(features=CALL_CONTROL)
    h.configured_right = True
    h.start()
    h.succeed()
    h.succeed()
    h.succeed()
    h.message(break_status(0))
    h.message(campaigns(False, PREDICTIVE))
    assert h.violations() == ["R13"]


def test_disconnect_when_answered_404_counts_as_done_since_the_far_end_hung_up_first() -> None:
    """A 404 to the disconnect means the interaction no longer exists (the far end's hang-up crossed the
    request): the agent goes on to wrap up, with no step error."""
    h = _talking()
    h.fire(TimerKind.TALK)
    h.expect(DisconnectCall)
    h.fail(404, "error.request.notFound", "The interaction does not exist.")
    assert h.state is S.WRAPPING_UP and h.step_errors() == []


def test_disconnect_when_it_fails_otherwise_is_a_step_error() -> None:
    """R11: a failed step stops the agent's normal flow."""
    h = _talking()
    h.fire(TimerKind.TALK)
    h.fail(500)
    assert [e.step for e in h.step_errors()] == ["POST /interactions/disconnect"]
