"""Campaigns with the Logon Campaign right: their status and isLoggedIn decide what is joined, a
campaign that starts later is joined, one that is removed is forgotten, and every further campaign
needs ready-for-calls again (official log-in and ready-for-calls pages; R13-R16)."""

from __future__ import annotations

from agent_harness import (
    POWER,
    PREDICTIVE,
    PREVIEW,
    Harness,
    auto_login,
    break_status,
    campaign_changed,
    campaign_wire,
    campaigns_with,
    pop,
    reach,
)

from botagent.agent import (
    AgentState,
    DialerLogIn,
    ReadyForCalls,
    SetStatus,
    SubmitDisposition,
    TimerKind,
)

S = AgentState
ON, OFF, PAUSED = 1, 2, 16


def _offered(h: Harness, *added: dict[str, object]) -> None:
    """Open the session and log in to Dialer; the log-in messages offer ``added`` with the right."""
    h.start()
    h.succeed()
    h.message(break_status(0))
    h.message(campaigns_with(True, *added))
    h.succeed()


def _campaign_logins(h: Harness) -> list[str | None]:
    return [request.campaign_id for request in h.requests(DialerLogIn)][1:]


def _finish_joining(h: Harness) -> None:
    while h.state in (S.JOINING_CAMPAIGN, S.READYING, S.SETTING_AVAILABLE):
        h.succeed()


def test_join_when_a_chosen_campaign_is_off_logs_in_only_to_the_running_ones() -> None:
    """log-in: the campaign must be available to log in; a stopped campaign is not joined (a
    log-in to it is refused) — official log-in page; R15."""
    h = Harness()
    _offered(
        h,
        campaign_wire(PREDICTIVE, status=[ON]),
        campaign_wire(POWER, status=[OFF]),
        campaign_wire(PREVIEW, status=[ON, PAUSED]),
    )
    _finish_joining(h)

    assert _campaign_logins(h) == [PREDICTIVE, PREVIEW]
    assert h.requests(ReadyForCalls) == [ReadyForCalls(campaign_ids=(PREDICTIVE, PREVIEW))]
    assert h.state is S.WAITING_FOR_POP
    assert h.step_errors() == []


def test_join_when_a_campaign_says_it_is_logged_in_already_does_not_log_in_again() -> None:
    """log-in: "individual campaigns should not be logged into more than once" — official log-in
    page; the campaign still counts in ready-for-calls."""
    h = Harness()
    _offered(h, campaign_wire(PREDICTIVE, status=[ON], isLoggedIn=True), campaign_wire(POWER, status=[ON]))
    _finish_joining(h)

    assert _campaign_logins(h) == [POWER]
    assert h.requests(ReadyForCalls) == [ReadyForCalls(campaign_ids=(PREDICTIVE, POWER))]


def test_login_when_no_chosen_campaign_runs_waits_without_a_campaign_log_in() -> None:
    """log-in: a campaign log-in needs a running campaign; the agent waits for one instead of
    failing at once with 403 — official log-in page; R14."""
    h = Harness(campaigns=(POWER,))
    _offered(h, campaign_wire(PREDICTIVE, status=[ON]), campaign_wire(POWER, status=[OFF]))

    assert h.state is S.AWAITING_CAMPAIGNS
    assert _campaign_logins(h) == []
    assert h.outstanding is None
    assert h.step_errors() == []
    assert TimerKind.LOGIN_MESSAGES in h.timers


def test_login_when_no_chosen_campaign_starts_by_the_deadline_names_the_campaigns_and_statuses() -> None:
    """R11: the wait for a running campaign ends in a step error that says what was offered."""
    h = Harness(campaigns=(POWER, PREVIEW))
    _offered(h, campaign_wire(POWER, status=[OFF]), campaign_wire(PREVIEW, status=[2, 8]))

    h.fire(TimerKind.LOGIN_MESSAGES)

    error = h.step_errors()[0]
    assert error.step == "wait for a running campaign"
    assert "Power Collections (c-power): off" in error.message
    assert "Preview Callbacks (c-preview): off+auto" in error.message
    assert _campaign_logins(h) == []


def test_login_when_a_chosen_campaign_starts_while_waiting_joins_it_and_gets_ready() -> None:
    """availableCampaignsMessage campaignsChanged: a campaign that starts running is joined — official
    log-in page ("log-in method again when the agent selects a campaign")."""
    h = Harness(campaigns=(POWER,))
    _offered(h, campaign_wire(POWER, status=[OFF]))

    h.message(campaigns_with(True, campaignsChanged=[campaign_changed(POWER, ON)]))
    _finish_joining(h)

    assert _campaign_logins(h) == [POWER]
    assert h.requests(ReadyForCalls) == [ReadyForCalls(campaign_ids=(POWER,))]
    assert h.state is S.WAITING_FOR_POP


def test_campaign_when_it_starts_after_ready_is_joined_and_ready_for_calls_is_sent_again() -> None:
    """ready-for-calls: "Any time an agent is manually or automatically logged in to an additional
    campaign, ready-for-calls must be called again" — official ready-for-calls page."""
    h = reach(S.JOINING_ANOTHER)
    assert h.expect(DialerLogIn) == DialerLogIn(campaign_id=POWER)

    h.succeed()
    assert h.expect(ReadyForCalls) == ReadyForCalls(campaign_ids=(PREDICTIVE, POWER))
    h.succeed()

    assert h.state is S.WAITING_FOR_POP
    assert h.requests(SetStatus) == [SetStatus(status_id="Available")], "still Available: not set again"
    assert TimerKind.POP in h.timers


def test_campaign_when_it_starts_but_is_not_chosen_is_left_alone() -> None:
    """log-in: only the campaigns the agent selects are logged in to — official log-in page; R15."""
    h = Harness(campaigns=(PREDICTIVE,))
    _offered(h, campaign_wire(PREDICTIVE, status=[ON]), campaign_wire(POWER, status=[OFF]))
    _finish_joining(h)

    h.message(campaigns_with(True, campaignsChanged=[campaign_changed(POWER, ON)]))

    assert h.state is S.WAITING_FOR_POP
    assert _campaign_logins(h) == [PREDICTIVE]
    assert len(h.requests(ReadyForCalls)) == 1


def test_campaign_when_it_starts_during_a_call_is_joined_once_the_agent_waits_again() -> None:
    """ready-for-calls must be called again after the further log-in — official ready-for-calls page;
    the agent joins between calls, never on a call (R23)."""
    h = Harness(campaigns=(PREDICTIVE, POWER))
    _offered(h, campaign_wire(PREDICTIVE, status=[ON]), campaign_wire(POWER, status=[OFF]))
    _finish_joining(h)
    h.message(pop("i1"))

    h.message(campaigns_with(True, campaignsChanged=[campaign_changed(POWER, ON)]))
    assert _campaign_logins(h) == [PREDICTIVE]
    h.fire(TimerKind.TALK)
    h.fire(TimerKind.WRAP_UP)
    assert h.expect(SubmitDisposition)
    h.succeed()
    h.succeed()

    assert h.expect(DialerLogIn) == DialerLogIn(campaign_id=POWER)
    h.succeed()
    assert h.expect(ReadyForCalls) == ReadyForCalls(campaign_ids=(PREDICTIVE, POWER))


def test_campaign_when_it_stops_and_runs_again_is_joined_again() -> None:
    """Dialer Manager: agents must log on again when a stopped campaign is restarted; the log-in page
    forbids a second log-in only while the agent is in the campaign."""
    h = Harness(campaigns=(PREDICTIVE,))
    _offered(h, campaign_wire(PREDICTIVE, status=[ON]))
    _finish_joining(h)

    h.message(campaigns_with(True, campaignsChanged=[campaign_changed(PREDICTIVE, OFF)]))
    assert h.outstanding is None
    h.message(campaigns_with(True, campaignsChanged=[campaign_changed(PREDICTIVE, ON)]))

    assert h.expect(DialerLogIn) == DialerLogIn(campaign_id=PREDICTIVE)
    assert _campaign_logins(h) == [PREDICTIVE, PREDICTIVE]


def test_campaign_when_removed_before_it_runs_is_never_joined() -> None:
    """availableCampaignsMessage campaignsRemoved: the campaign is no longer available to log in to —
    official log-in page."""
    h = Harness(campaigns=(PREDICTIVE, POWER))
    _offered(h, campaign_wire(PREDICTIVE, status=[ON]), campaign_wire(POWER, status=[OFF]))
    _finish_joining(h)

    h.message(campaigns_with(True, campaignsRemoved=[{"id": POWER}]))
    h.message(campaigns_with(True, campaignsChanged=[campaign_changed(PREDICTIVE, ON)]))

    assert h.state is S.WAITING_FOR_POP
    assert _campaign_logins(h) == [PREDICTIVE]


def test_ready_when_dialer_logs_an_agent_without_the_right_in_to_another_campaign_is_sent_again() -> None:
    """ready-for-calls must be called again after an automatic log-in — official ready-for-calls page;
    without the right, Dialer logs the agent in to every running campaign (R13)."""
    h = Harness()
    h.start()
    h.succeed()
    h.message(break_status(0))
    h.message(
        campaigns_with(False, campaign_wire(PREDICTIVE, status=[ON]), campaign_wire(POWER, status=[OFF]))
    )
    h.succeed()
    _finish_joining(h)
    assert h.state is S.WAITING_FOR_POP

    h.message(campaigns_with(False, campaignsChanged=[campaign_changed(POWER, ON)]))

    assert h.expect(ReadyForCalls) == ReadyForCalls(campaign_ids=None)
    h.succeed()
    assert h.state is S.WAITING_FOR_POP
    assert _campaign_logins(h) == [], "without the right no campaign is logged in to by id"


def test_ready_when_an_auto_login_message_arrives_is_sent_again() -> None:
    """ready-for-calls after an automatic log-in to an additional campaign (autoLoginMessage) —
    official ready-for-calls page."""
    h = reach(S.WAITING_FOR_POP)

    h.message(auto_login(POWER))

    assert h.expect(ReadyForCalls) == ReadyForCalls(campaign_ids=None)
    assert len(h.requests(ReadyForCalls)) == 2


def test_pop_wait_when_it_times_out_for_an_agent_with_the_right_names_the_campaigns() -> None:
    """R11: the pop wait's step error says which campaigns run and which the agent is in."""
    h = Harness(campaigns=(PREDICTIVE, POWER))
    _offered(h, campaign_wire(PREDICTIVE, status=[ON]), campaign_wire(POWER, status=[OFF]))
    _finish_joining(h)

    h.fire(TimerKind.POP)

    message = h.step_errors()[0].message
    assert message.startswith("nothing within 300 s")
    assert "Predictive Sales (c-predictive): on, logged in" in message
    assert "Power Collections (c-power): off" in message


def test_pop_when_its_campaign_was_joined_later_is_no_r16_violation() -> None:
    """R16: calls come only from campaigns the agent logged in to; one joined later counts."""
    h = reach(S.JOINING_ANOTHER)
    h.succeed()
    h.succeed()

    h.message(pop("i1", POWER))

    assert h.violations() == []
    assert h.state is S.TALKING


def test_campaigns_when_offered_without_status_are_taken_as_running() -> None:
    """availableCampaign: status is optional; a campaign without one is joined and Dialer decides."""
    h = Harness()

    h.log_in(right=True)

    assert _campaign_logins(h) == [PREDICTIVE, POWER, PREVIEW]
