"""The Dialer agent rules: log-in, campaigns, ready, breaks, status effects, disposition and log-off.

Every public method checks everything first and raises ``EngineError`` before it changes any state;
only then does it act. Rule numbers (R..) are those of the ICWS reference, section 8; where an official
ICWS page says otherwise the official page is followed and named (log-in, log-off, ready-for-calls,
request-break, disposition). Leniencies kept for older clients are ``ServerBehaviour`` knobs.
"""

from __future__ import annotations

from botagent.mock._errors import CAMPAIGN_LOGON_ERROR, EngineError, ErrorIds
from botagent.mock._pacing import Pacer
from botagent.mock._scenario import StatusSpec
from botagent.mock._state import CampaignState, DialerAgent, LiveCall, World
from botagent.wire import (
    AvailableCampaign,
    AvailableCampaignsMessage,
    BreakStatus,
    BreakStatusMessage,
    CampaignLogonErrorCode,
    CampaignType,
    DispositionRequest,
    FormDefinition,
    FormMisc,
    LoggedOutCampaign,
    LogoutGrantedMessage,
    PreviewPopCall,
    RelativeTo,
)

__all__ = ["SKIP_LABEL", "Dialer", "available_campaign"]

SKIP_LABEL = "Skipped - Agent Skip"
"""The label that skips a preview pop whose ``allowSkip`` is true (official disposition page)."""

_SCHEDULED = "Scheduled"
_LATEST_TIME = 253_402_300_799  # 9999-12-31T23:59:59Z

_CAMPAIGN_TYPES = {
    "predictive": CampaignType.PREDICTIVE,
    "power": CampaignType.POWER,
    "preview": CampaignType.PREVIEW,
}


def available_campaign(campaign: CampaignState, agent: DialerAgent) -> AvailableCampaign:
    """Describe a campaign as availableCampaignsMessage lists it for this agent."""
    return AvailableCampaign(
        id=campaign.id,
        name=campaign.name,
        workgroup=campaign.spec.workgroup,
        status=[int(campaign.status)],
        is_logged_in=campaign.id in agent.campaigns,
        campaign_type=_CAMPAIGN_TYPES[campaign.spec.mode],
    )


class Dialer:
    """Applies the Dialer requests of one engine to its agents (sessions' Dialer side)."""

    def __init__(self, world: World, pacer: Pacer) -> None:
        self.world = world
        self.pacer = pacer

    # --- log-in (R2, R12..R16) ---------------------------------------------------------------------------

    def log_in(self, agent: DialerAgent, campaign_id: str | None) -> None:
        """Log in to Dialer (no or empty campaign id) or to one campaign, logging in to Dialer first.

        A campaign log-in needs the Logon Campaign right (official log-in page; the 403 wording of
        mark-call-for-finishing) and a running campaign the agent is eligible for.
        """
        if campaign_id and not agent.user.spec.has_logon_campaign_right:
            raise EngineError(
                403,
                ErrorIds.LOGON_CAMPAIGN_RIGHT_REQUIRED,
                f"User '{agent.user.user_id}' may not log in to a specific campaign without the "
                '"Logon Campaign" security right.',
            )
        campaign = self._campaign_for_log_in(agent, campaign_id) if campaign_id else None
        if not agent.logged_in:
            self._check_not_logged_in_elsewhere(agent)
            self._enter(agent)
        elif campaign is None:
            self._send_log_in_messages(agent)
        if campaign is not None and campaign.id not in agent.campaigns:
            agent.campaigns[campaign.id] = campaign
        self.pacer.refresh(agent)

    def _campaign_for_log_in(self, agent: DialerAgent, campaign_id: str) -> CampaignState:
        campaign = self.world.campaigns.get(campaign_id)
        if campaign is None:
            raise _logon_error(
                CampaignLogonErrorCode.CAMPAIGN_NOT_FOUND, f"No campaign has the id '{campaign_id}'."
            )
        if campaign.id not in agent.user.spec.campaign_ids:
            raise _logon_error(
                CampaignLogonErrorCode.WRONG_WORKGROUP,
                f"User '{agent.user.user_id}' is not eligible for campaign '{campaign.name}'.",
            )
        if not campaign.running:
            raise _logon_error(
                CampaignLogonErrorCode.CAMPAIGN_STOPPING, f"Campaign '{campaign.name}' is not running."
            )
        return campaign

    def _check_not_logged_in_elsewhere(self, agent: DialerAgent) -> None:
        other = agent.user.dialer_agent
        if other is None or other is agent:
            return
        if not self.world.behaviour.refuse_duplicate_dialer_login:
            self.leave(other)
            return
        where = ", ".join(session.session_id for session in other.sessions)
        raise EngineError(
            403,
            ErrorIds.ALREADY_LOGGED_IN_ELSEWHERE,
            f"User '{agent.user.user_id}' is already logged in to Dialer in session {where}.",
        )

    def _enter(self, agent: DialerAgent) -> None:
        agent.reset()
        agent.logged_in = True
        agent.user.dialer_agent = agent
        if not agent.user.spec.has_logon_campaign_right:
            for campaign in self._eligible(agent):
                if campaign.running:
                    agent.campaigns[campaign.id] = campaign
        self._send_log_in_messages(agent)

    def _eligible(self, agent: DialerAgent) -> list[CampaignState]:
        campaigns = self.world.campaigns
        return [campaigns[i] for i in agent.user.spec.campaign_ids if i in campaigns]

    def _send_log_in_messages(self, agent: DialerAgent) -> None:
        self._send_break(agent)
        added = [available_campaign(c, agent) for c in self._eligible(agent)]
        right = agent.user.spec.has_logon_campaign_right
        self.world.send_agent(
            agent, AvailableCampaignsMessage(agent_has_logon_campaign_right=right, campaigns_added=added)
        )

    # --- ready (R3) ---------------------------------------------------------------------------------------

    def ready_for_calls(self, agent: DialerAgent, campaign_ids: list[str] | None) -> None:
        """Mark the agent ready for the given campaigns, or for every campaign it is logged in to now.

        A campaign joined later needs ready-for-calls again (official ready-for-calls page) unless
        ``ready_covers_later_campaigns``.
        """
        self._require_logged_in(agent, 403)
        for campaign_id in campaign_ids or ():
            self._require_campaign(agent, campaign_id)
        agent.ready.update(campaign_ids or agent.campaigns)
        agent.ready_all = agent.ready_all or not campaign_ids
        self.pacer.refresh(agent)

    def _require_logged_in(self, agent: DialerAgent, status: int) -> None:
        if not agent.logged_in:
            raise EngineError(status, ErrorIds.NOT_LOGGED_IN, "The agent is not logged in to Dialer.")

    def _require_campaign(self, agent: DialerAgent, campaign_id: str) -> CampaignState:
        campaign = self.world.campaigns.get(campaign_id)
        if campaign is None:
            raise EngineError.invalid_property("campaignIds", f"No campaign has the id '{campaign_id}'.")
        if campaign_id not in agent.campaigns:
            raise EngineError(
                403,
                ErrorIds.NOT_LOGGED_IN_TO_CAMPAIGN,
                f"The agent is not logged in to campaign '{campaign.name}'.",
            )
        return campaign

    # --- breaks (R17..R22) ------------------------------------------------------------------------------

    def request_break(self, agent: DialerAgent) -> None:
        """Ask for a break: one breakStatusMessage at once (requested), another when it is granted.

        Granted at once when no call is held (R19), else when the call is dispositioned (R18); the
        official request-break page: "A breakStatusMessage is immediately sent to indicate a break has
        been requested and a separate breakStatusMessage is sent when the break is granted."
        """
        self._require_logged_in(agent, 400)
        if agent.break_status != BreakStatus.NOT_ON_BREAK:
            self._send_break(agent)
            return
        self.pacer.release(agent)
        agent.break_status = BreakStatus.BREAK_PENDING
        self._send_break(agent)
        if agent.call is None:
            agent.break_status = BreakStatus.ON_BREAK
            self._send_break(agent)
        self.pacer.refresh(agent)

    def _begin_break(self, agent: DialerAgent) -> None:
        self.pacer.release(agent)
        agent.break_status = BreakStatus.BREAK_PENDING if agent.call else BreakStatus.ON_BREAK
        self._send_break(agent)
        self.pacer.refresh(agent)

    def _send_break(self, agent: DialerAgent) -> None:
        self.world.send_agent(agent, BreakStatusMessage(break_status=agent.break_status))

    def end_break(self, agent: DialerAgent) -> None:
        """End the break, or cancel a pending one, at once; always granted (R21).

        Without a break there is nothing to end: the request succeeds and no message is sent, since
        breakStatusMessage reports changes of the break status.
        """
        self._require_logged_in(agent, 400)
        if agent.break_status != BreakStatus.NOT_ON_BREAK:
            self._stop_break(agent)

    def _stop_break(self, agent: DialerAgent) -> None:
        agent.break_status = BreakStatus.NOT_ON_BREAK
        self._send_break(agent)
        self.pacer.refresh(agent)

    def status_changed(self, agent: DialerAgent, old: StatusSpec, new: StatusSpec) -> None:
        """Apply a user status change to its Dialer agent (R22).

        A non-ACD status starts a break (pending while a call is held); any return to an ACD-available
        status from a status that is not available ends the break, whatever came in between (such as
        the campaign's follow-up status that a disposition sets).
        """
        if new.available:
            agent.awaiting_available = False
        if agent.logged_in:
            if not new.acd and agent.break_status == BreakStatus.NOT_ON_BREAK:
                self._begin_break(agent)
            elif new.available and not old.available and agent.break_status != BreakStatus.NOT_ON_BREAK:
                self._stop_break(agent)
        self.pacer.refresh(agent)

    # --- preview (R6) ---------------------------------------------------------------------------------

    def place_preview_call(self, agent: DialerAgent, attributes: dict[str, str] | None, now: float) -> None:
        """Dial the agent's current preview call."""
        self._require_logged_in(agent, 403)
        call = agent.call
        if call is None:
            raise EngineError(404, ErrorIds.NO_CURRENT_CALL, "The agent has no current Dialer call.")
        if not isinstance(call.wire, PreviewPopCall):
            raise EngineError(403, ErrorIds.NOT_PREVIEW_CALL, "The current call is not a preview call.")
        if call.record.state != "popped":
            raise EngineError(403, ErrorIds.CALL_ALREADY_PLACED, "The preview call has already been placed.")
        self.pacer.place_preview(agent, attributes, now)

    # --- disposition (R9, R23..R27) -----------------------------------------------------------------

    def disposition(self, agent: DialerAgent, request: DispositionRequest, now: float) -> StatusSpec | None:
        """Finish the agent's current call; return the status the user must now take, if any.

        Grants a log-off held back by the call (R31) and a pending break (R18), and queues a callback
        when ``scheduled_time`` is given (R25, R26).
        """
        self._require_logged_in(agent, 403)
        call = agent.call
        if call is None:
            raise EngineError(
                404, ErrorIds.NO_CURRENT_CALL, "The agent has no current Dialer call to disposition."
            )
        self._check_disposition(call, request)
        call.cancel_timers()
        record = call.record
        record.state = "dispositioned"
        record.dispositioned_at = now
        record.label = request.label
        record.scheduled_time = request.scheduled_time
        record.scheduled_agent = request.scheduled_agent or None
        record.disposition_count += 1
        record.attributes.update(request.call_attributes or {})
        agent.call = None
        self.pacer.interactions.dispositioned(call, now)
        self.world.ledger.count(call.campaign.name, "dispositioned")
        self.pacer.dispositioned(call, request, agent.user.user_id, now)
        return self._after_call(agent)

    def _check_disposition(self, call: LiveCall, request: DispositionRequest) -> None:
        skip = _skippable(call) and request.label == SKIP_LABEL
        if not skip:
            _check_label(call.campaign, request.label)
            self._check_placed(call)
        if request.scheduled_agent and request.scheduled_time is None:
            raise EngineError.missing_property(
                "scheduledTime", "scheduledTime is required when scheduledAgent is given."
            )
        if request.scheduled_time is not None:
            self._check_schedule(call.campaign, request.label, request.scheduled_time)
        if request.scheduled_agent:
            self._check_scheduled_agent(call.campaign, request.scheduled_agent)
        if request.relative_to not in (None, *RelativeTo):
            raise EngineError.invalid_property(
                "relativeTo", f"relativeTo must be 0 (UTC) or 1 (Contact), not {request.relative_to}."
            )

    def _check_placed(self, call: LiveCall) -> None:
        unplaced = isinstance(call.wire, PreviewPopCall) and call.record.state == "popped"
        if unplaced and not self.world.behaviour.disposition_unplaced_preview:
            raise EngineError(
                403,
                ErrorIds.PREVIEW_NOT_PLACED,
                "The preview call has not been placed; place it first (its allowSkip is false, so it "
                f"cannot be skipped with '{SKIP_LABEL}').",
            )

    def _check_schedule(self, campaign: CampaignState, label: str, scheduled_time: int) -> None:
        if not 0 <= scheduled_time <= _LATEST_TIME:
            raise EngineError(
                400,
                ErrorIds.INVALID_SCHEDULED_TIME,
                "scheduledTime must be seconds since the Unix epoch (UTC), between 0 and 9999-12-31.",
                property_name="scheduledTime",
            )
        category = campaign.categories.get(label, "")
        if category != _SCHEDULED and not self.world.behaviour.reschedule_any_label:
            raise EngineError(
                400,
                ErrorIds.NOT_A_SCHEDULED_DISPOSITION,
                f"A reschedule needs a disposition whose wrap-up category is '{_SCHEDULED}'; "
                f"'{label}' is '{category}'.",
                property_name="scheduledTime",
            )

    def _check_scheduled_agent(self, campaign: CampaignState, user_id: str) -> None:
        if not campaign.spec.allow_agent_callbacks:
            raise EngineError(
                400,
                ErrorIds.AGENT_CALLBACKS_NOT_ALLOWED,
                f"Campaign '{campaign.name}' does not allow agent-owned callbacks.",
                property_name="scheduledAgent",
            )
        spec = self.world.scenario.user_table.get(user_id)
        if spec is None or campaign.id not in spec.campaign_ids:
            raise EngineError(
                400,
                ErrorIds.INVALID_SCHEDULED_AGENT,
                f"'{user_id}' is not a user eligible for campaign '{campaign.name}'.",
                property_name="scheduledAgent",
            )

    def _after_call(self, agent: DialerAgent) -> StatusSpec | None:
        if agent.logoff_all_pending:
            self.leave(agent)
        else:
            if agent.logoff_pending:
                self._grant_logoff(agent, list(agent.logoff_pending))
                agent.logoff_pending = {}
            if agent.break_status == BreakStatus.BREAK_PENDING:
                agent.break_status = BreakStatus.ON_BREAK
                self._send_break(agent)
            if self.world.behaviour.require_available_after_disposition:
                agent.awaiting_available = True
        self.pacer.refresh(agent)
        name = self.world.behaviour.after_disposition_status
        return None if name is None else self.world.scenario.status(name)

    # --- log-off (R8, R10, R28..R32) --------------------------------------------------------------------

    def log_off(self, agent: DialerAgent, campaign_ids: list[str] | None) -> None:
        """Log off the named campaigns, or all of Dialer when none are named; held back by a call (R31).

        ``campaignIds`` is ``List [1,*]``: a global log-off omits it (official log-off page), so an
        empty list is refused with 400 unless ``accept_empty_log_off_campaign_ids``.
        """
        self._check_log_off_ids(campaign_ids)
        self._require_logged_in(agent, 403)
        for campaign_id in campaign_ids or ():
            self._require_campaign(agent, campaign_id)
        if not campaign_ids:
            self._log_off_all(agent)
            return
        held_id = agent.call.campaign.id if agent.call else None
        if held_id is not None and held_id in campaign_ids:
            agent.logoff_pending[held_id] = None
        now_ids = [i for i in dict.fromkeys(campaign_ids) if i != held_id]
        if now_ids:
            self._grant_logoff(agent, now_ids)
        if agent.reservation is not None and agent.reservation.campaign.id not in agent.campaigns:
            self.pacer.release(agent)
        self.pacer.refresh(agent)

    def _check_log_off_ids(self, campaign_ids: list[str] | None) -> None:
        if campaign_ids == [] and not self.world.behaviour.accept_empty_log_off_campaign_ids:
            raise EngineError.invalid_property(
                "campaignIds",
                "campaignIds must name at least one campaign; omit it to log off all of Dialer.",
            )

    def _log_off_all(self, agent: DialerAgent) -> None:
        if agent.call is None:
            self.leave(agent)
            return
        agent.logoff_all_pending = True
        self.pacer.refresh(agent)

    def _grant_logoff(self, agent: DialerAgent, campaign_ids: list[str]) -> None:
        campaigns = [agent.campaigns.pop(i) for i in campaign_ids if i in agent.campaigns]
        agent.ready.difference_update(campaign_ids)
        granted = [LoggedOutCampaign(id=c.id, name=c.name) for c in campaigns]
        self.world.send_agent(agent, LogoutGrantedMessage(campaigns=granted))

    def leave(self, agent: DialerAgent, *, notify: bool = True) -> None:
        """Log the agent out of Dialer completely; a held call stays in the ledger as it is."""
        campaigns = list(agent.campaigns.values())
        self.pacer.release(agent)
        if agent.call is not None:
            agent.call.cancel_timers()
        agent.reset()
        if agent.user.dialer_agent is agent:
            agent.user.dialer_agent = None
        self.pacer.refresh(agent)
        if notify:
            granted = [LoggedOutCampaign(id=c.id, name=c.name) for c in campaigns]
            granted.append(LoggedOutCampaign(id=""))
            self.world.send_agent(agent, LogoutGrantedMessage(campaigns=granted))

    # --- form definition -------------------------------------------------------------------------------

    def form_definition(self, agent: DialerAgent, campaign_id: str | None) -> FormDefinition:
        """Return the campaign's form: one page with its dispositions, and the misc switches."""
        self._require_logged_in(agent, 403)
        if campaign_id is None:
            if not agent.campaigns:
                raise EngineError(
                    403, ErrorIds.NOT_LOGGED_IN_TO_CAMPAIGN, "The agent is not logged in to a campaign."
                )
            campaign = next(iter(agent.campaigns.values()))
        else:
            campaign = self.world.campaigns.get(campaign_id) or _raise_unknown_campaign(campaign_id)
        return _form(campaign)


def _skippable(call: LiveCall) -> bool:
    return isinstance(call.wire, PreviewPopCall) and call.wire.allow_skip


def _check_label(campaign: CampaignState, label: str) -> None:
    if label not in campaign.labels:
        raise EngineError(
            400,
            ErrorIds.INVALID_DISPOSITION_LABEL,
            f"'{label}' is not a disposition of this call; use one of {sorted(campaign.labels)}.",
            property_name="label",
        )


def _raise_unknown_campaign(campaign_id: str) -> CampaignState:
    raise EngineError.invalid_property("campaignId", f"No campaign has the id '{campaign_id}'.")


def _logon_error(code: CampaignLogonErrorCode, message: str) -> EngineError:
    return EngineError(
        403, ErrorIds.CAMPAIGN_LOGON, message, error_type=CAMPAIGN_LOGON_ERROR, logon_error=code
    )


def _form(campaign: CampaignState) -> FormDefinition:
    spec = campaign.spec
    dispositions = [
        {
            "label": d.label,
            "wrapUpCategory": d.wrap_up_category,
            "wrapUpCode": d.wrap_up_code,
            "recordStatus": "Scheduled" if d.wrap_up_category == "Scheduled" else "Final",
            "abandon": d.abandon,
            "isContact": True,
        }
        for d in spec.dispositions
    ]
    page = {
        "name": "Main",
        "text": spec.name,
        "foregroundColor": "#000000",
        "backgroundColor": "#FFFFFF",
        "controls": [],
        "dispositions": dispositions,
    }
    misc = FormMisc(
        allow_break=True,
        allow_skip=spec.allow_skip,
        allow_agent_owned=spec.allow_agent_callbacks,
        military_time=True,
        pickup_call=False,
        allow_schedule_phone=True,
        auto_disconnect=spec.auto_disconnect_on_disposition,
        allow_editing_of_number_to_dial=False,
        allow_agents_additional_calls=False,
        allow_editing_additional_call_numbers=False,
        override_dnc_block=False,
        override_zone_block=False,
        override_skills_block=False,
        override_daily_limit_block=False,
    ).to_wire()
    return FormDefinition(pages=[page], misc=misc, extensions=[])
