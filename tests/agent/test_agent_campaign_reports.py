"""What the agent reports about campaigns: which campaign a wait, a call and a failed step were for,
and the logonError code of a refused campaign log-in (official log-in page)."""

from __future__ import annotations

from agent_harness import (
    CAMPAIGNS,
    POWER,
    PREDICTIVE,
    PREVIEW,
    Harness,
    break_status,
    campaign_wire,
    campaigns_with,
    pop,
)

from botagent.agent import (
    AgentState,
    CampaignJoined,
    CampaignRef,
    DialerLogIn,
    RecordKpi,
    ReportStepError,
    RequestFailed,
    TimerKind,
)
from botagent.wire import CampaignLogonErrorCode, Endpoint

S = AgentState
ON = 1


def test_campaign_login_when_refused_reports_the_campaign_and_its_logon_error() -> None:
    """log-in: a campaign log-in Dialer refuses answers 403 campaignLogonError with its logonError
    code (official log-in page); the step error carries both."""
    h = Harness()
    h.start()
    h.succeed()
    h.message(break_status(0))
    h.message(campaigns_with(True, campaign_wire(POWER, status=[ON])))
    h.succeed()
    request = h.expect(DialerLogIn)
    assert request.campaign_id == POWER
    h.outstanding = None
    code = CampaignLogonErrorCode.CAMPAIGN_STOPPING
    h.feed(
        RequestFailed(
            request=request, status=403, error_id="error.campaignLogon", message="no", logon_error=code
        )
    )
    (error,) = h.step_errors()
    assert error.step == Endpoint.DIALER_LOG_IN
    assert (error.campaign, error.logon_error) == (CampaignRef(id=POWER, name=CAMPAIGNS[POWER]), code)


def test_dialer_login_when_refused_reports_no_campaign() -> None:
    """log-in: the Dialer log-in itself (no campaign) is nobody's campaign (R2)."""
    h = Harness()
    h.start()
    h.succeed()
    h.fail(status=403, error_id="error.request.dialer.noRight")
    (error,) = h.step_errors()
    assert (error.step, error.campaign, error.logon_error) == (Endpoint.DIALER_LOG_IN, None, None)


def test_wait_for_pop_when_a_call_pops_is_about_the_call_campaign_named_as_offered() -> None:
    """The wait from Available to a pop ends with the call's campaign (R7)."""
    h = Harness()
    h.log_in()
    h.message(pop("i1", POWER))
    (kpi,) = [k for k in h.of_type(RecordKpi) if k.name == "wait-for-pop"]
    assert kpi.campaign == CampaignRef(id=POWER, name="Power Collections")


def test_finished_call_when_a_preview_was_placed_carries_its_campaign_name_and_the_placing() -> None:
    """A preview the agent places (R6) counts as placed for its campaign; a data pop does not."""
    h = Harness()
    h.log_in()
    h.message(pop("p1", PREVIEW, preview=True))
    h.fire(TimerKind.THINK)
    h.succeed()
    h.message(pop("p1", PREVIEW, preview=True, placed=True))
    (connect,) = [k for k in h.of_type(RecordKpi) if k.name == "preview-connect"]
    assert connect.campaign == CampaignRef(id=PREVIEW, name="Preview Callbacks")
    h.fire(TimerKind.TALK)
    h.fire(TimerKind.WRAP_UP)
    h.succeed()
    h.succeed()
    h.take_call("i2", campaign_id=PREDICTIVE)
    preview, data = h.records["p1"], h.records["i2"]
    assert (preview.campaign_name, preview.preview_placed) == ("Preview Callbacks", True)
    assert (data.campaign_name, data.preview_placed) == ("Predictive Sales", False)


def test_disposition_when_it_fails_is_a_step_error_of_the_call_campaign() -> None:
    """A failed disposition (R11) is attributed to the campaign of the call it was for."""
    h = Harness()
    h.log_in()
    h.message(pop("i1", POWER))
    h.fire(TimerKind.TALK)
    h.fire(TimerKind.WRAP_UP)
    h.fail(status=500)
    errors: list[ReportStepError] = h.step_errors()
    assert errors[0].step == Endpoint.DISPOSITION
    assert errors[0].campaign == CampaignRef(id=POWER, name="Power Collections")


def test_campaign_joined_when_a_campaign_login_succeeds_is_reported_once_with_its_name() -> None:
    """log-in: with the Logon Campaign right the agent logs in to each chosen running campaign (R15)."""
    h = Harness()
    h.log_in(right=True, offered=(PREDICTIVE, POWER))
    joined = [action.campaign for action in h.of_type(CampaignJoined)]
    assert joined == [
        CampaignRef(id=PREDICTIVE, name=CAMPAIGNS[PREDICTIVE]),
        CampaignRef(id=POWER, name=CAMPAIGNS[POWER]),
    ]


def test_campaign_joined_when_dialer_logs_an_agent_without_the_right_in_is_reported_for_each() -> None:
    """Without the Logon Campaign right, Dialer logs the agent in to every running campaign (R13)."""
    h = Harness()
    h.log_in(right=False)
    assert {action.campaign.name for action in h.of_type(CampaignJoined)} == set(CAMPAIGNS.values())
    h.take_call()
    assert len(h.of_type(CampaignJoined)) == len(CAMPAIGNS), "a call is no new log-in"
