"""Log-off bodies: a global log-off names no campaign; campaigns are logged off one by one only with
the Logon Campaign right (official log-off page, D/log-off/index.htm)."""

from __future__ import annotations

from agent_harness import (
    POWER,
    PREDICTIVE,
    PREVIEW,
    Harness,
    campaign_wire,
    campaigns_with,
    logout_granted,
    reach,
)

from botagent.agent import AgentState, CloseSession, DialerLogOff, TimerKind

S = AgentState


def test_logoff_when_agent_lacks_the_campaign_right_is_global_even_with_campaigns_scope() -> None:
    """log-off: "Without the Logon Campaign security right, this should be avoided and the log-off
    message should be sent as a global logout without a campaignId specified" — official log-off page."""
    h = Harness(logoff_scope="campaigns", logoff_after_seconds=60.0)
    h.log_in(right=False)

    h.fire(TimerKind.PLAN_END)

    assert h.expect(DialerLogOff) == DialerLogOff(campaign_ids=())


def test_logoff_when_agent_lacks_the_right_is_granted_by_the_dialer_wide_grant() -> None:
    """log-off: a blank campaign id in logoutGrantedMessage means logged out of Dialer — official
    log-off page; R29."""
    h = Harness(logoff_scope="campaigns", logoff_after_seconds=60.0)
    h.log_in(right=False)
    h.fire(TimerKind.PLAN_END)
    h.succeed()

    h.message(logout_granted(""))

    assert h.expect(CloseSession)


def test_logoff_when_scope_is_all_and_agent_holds_the_right_is_global() -> None:
    """log-off: "If no campaign is specified, then the agent is completely logged out of Dialer" —
    official log-off page."""
    h = Harness(campaigns=(PREDICTIVE,), logoff_after_seconds=60.0)
    h.log_in(right=True)

    h.fire(TimerKind.PLAN_END)

    assert h.expect(DialerLogOff) == DialerLogOff(campaign_ids=())


def test_logoff_when_the_right_holder_joined_no_campaign_is_global() -> None:
    """log-off: campaignIds is List [1,*], so with nothing joined the log-off is global — official
    log-off page."""
    h = Harness(campaigns=(POWER,), logoff_scope="campaigns")
    h.start()
    h.succeed()
    h.message(campaigns_with(True, campaign_wire(POWER, status=[2])))
    h.message({"__type": "urn:inin.com:dialer:breakStatusMessage", "isDelta": False, "breakStatus": 0})
    h.succeed()
    assert h.state is S.AWAITING_CAMPAIGNS

    h.stop()

    assert h.expect(DialerLogOff) == DialerLogOff(campaign_ids=())


def test_logoff_when_a_joined_campaign_was_removed_names_only_the_campaigns_still_joined() -> None:
    """log-off: with the right, individual campaigns are logged off by id — official log-off page;
    a campaign in campaignsRemoved is no longer one the agent is in."""
    h = Harness(logoff_scope="campaigns", logoff_after_seconds=60.0)
    h.log_in(right=True)
    h.message(campaigns_with(True, campaignsRemoved=[{"id": POWER}]))

    h.fire(TimerKind.PLAN_END)

    assert h.expect(DialerLogOff) == DialerLogOff(campaign_ids=(PREDICTIVE, PREVIEW))


def test_logoff_when_the_cleanup_logs_off_an_agent_without_the_right_is_global() -> None:
    """log-off after a failure (R11) is global too without the right — official log-off page."""
    h = reach(S.WAITING_FOR_POP, logoff_scope="campaigns")

    h.fire(TimerKind.POP)

    assert h.expect(DialerLogOff) == DialerLogOff(campaign_ids=())
