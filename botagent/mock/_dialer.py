"""The Dialer agent rules: log-in, campaigns, ready, breaks, status effects, disposition and log-off.

Every public method checks everything first and raises ``EngineError`` before it changes any state;
only then does it act. Rule numbers (R..) are those of the ICWS reference, section 8.
"""

from __future__ import annotations

from botagent.mock._errors import CAMPAIGN_LOGON_ERROR, EngineError, ErrorIds
from botagent.mock._pacing import Pacer
from botagent.mock._scenario import StatusSpec
from botagent.mock._state import CampaignState, DialerAgent, World
from botagent.wire import (
    AvailableCampaign,
    AvailableCampaignsMessage,
    BreakStatus,
    BreakStatusMessage,
    CampaignLogonErrorCode,
    CampaignStatus,
    CampaignType,
    DispositionRequest,
    FormDefinition,
    LoggedOutCampaign,
    LogoutGrantedMessage,
    PreviewPopCall,
    RelativeTo,
)

__all__ = ["Dialer"]

_LATEST_TIME = 253_402_300_799  # 9999-12-31T23:59:59Z

_CAMPAIGN_TYPES = {
    "predictive": CampaignType.PREDICTIVE,
    "power": CampaignType.POWER,
    "preview": CampaignType.PREVIEW,
}


class Dialer:
    """Applies the Dialer requests of one engine to its agents (sessions' Dialer side)."""

    def __init__(self, world: World, pacer: Pacer) -> None:
        self.world = world
        self.pacer = pacer

    # --- log-in (R2, R12..R16) ---------------------------------------------------------------------------

    def log_in(self, agent: DialerAgent, campaign_id: str | None) -> None:
        """Log in to Dialer (no or empty campaign id) or to one campaign, logging in to Dialer first."""
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
        if not campaign.spec.running:
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
        raise EngineError(
            403,
            ErrorIds.ALREADY_LOGGED_IN_ELSEWHERE,
            f"User '{agent.user.user_id}' is already logged in to Dialer in session "
            f"{other.session.session_id}.",
        )

    def _enter(self, agent: DialerAgent) -> None:
        agent.reset()
        agent.logged_in = True
        agent.user.dialer_agent = agent
        if not agent.user.spec.has_logon_campaign_right:
            for campaign in self._eligible(agent):
                if campaign.spec.running:
                    agent.campaigns[campaign.id] = campaign
        self._send_log_in_messages(agent)

    def _eligible(self, agent: DialerAgent) -> list[CampaignState]:
        campaigns = self.world.campaigns
        return [campaigns[i] for i in agent.user.spec.campaign_ids if i in campaigns]

    def _send_log_in_messages(self, agent: DialerAgent) -> None:
        self.world.send(agent.session, BreakStatusMessage(break_status=agent.break_status))
        added = [
            AvailableCampaign(
                id=c.id,
                name=c.name,
                workgroup=c.spec.workgroup,
                status=[CampaignStatus.ON if c.spec.running else CampaignStatus.OFF],
                is_logged_in=c.id in agent.campaigns,
                campaign_type=_CAMPAIGN_TYPES[c.spec.mode],
            )
            for c in self._eligible(agent)
        ]
        right = agent.user.spec.has_logon_campaign_right
        self.world.send(
            agent.session,
            AvailableCampaignsMessage(agent_has_logon_campaign_right=right, campaigns_added=added),
        )

    # --- ready (R3) ---------------------------------------------------------------------------------------

    def ready_for_calls(self, agent: DialerAgent, campaign_ids: list[str] | None) -> None:
        """Mark the agent ready for the given campaigns, or for all of them when none are named."""
        self._require_logged_in(agent, 403)
        for campaign_id in campaign_ids or ():
            self._require_campaign(agent, campaign_id)
        if campaign_ids:
            agent.ready.update(campaign_ids)
        else:
            agent.ready_all = True
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
        """Start a break: granted now when no call is held (R19), else pending until disposition (R18)."""
        self._require_logged_in(agent, 400)
        if agent.break_status == BreakStatus.ON_BREAK:
            self._send_break(agent)
        elif agent.break_status == BreakStatus.NOT_ON_BREAK:
            self._begin_break(agent)

    def _begin_break(self, agent: DialerAgent) -> None:
        self.pacer.release(agent)
        agent.break_status = BreakStatus.BREAK_PENDING if agent.call else BreakStatus.ON_BREAK
        self._send_break(agent)
        self.pacer.refresh(agent)

    def _send_break(self, agent: DialerAgent) -> None:
        self.world.send(agent.session, BreakStatusMessage(break_status=agent.break_status))

    def end_break(self, agent: DialerAgent) -> None:
        """End the break (or cancel a pending one) at once (R21); 400 when there is neither."""
        self._require_logged_in(agent, 400)
        if agent.break_status == BreakStatus.NOT_ON_BREAK:
            raise EngineError(
                400, ErrorIds.NOT_ON_BREAK, "The agent is not on break and has no break pending."
            )
        agent.break_status = BreakStatus.NOT_ON_BREAK
        self._send_break(agent)
        self.pacer.refresh(agent)

    def status_changed(self, agent: DialerAgent, old: StatusSpec, new: StatusSpec) -> None:
        """Apply a user status change to its Dialer agent: non-ACD breaks, ACD-available ends it (R22)."""
        if new.available:
            agent.awaiting_available = False
        if agent.logged_in:
            if not new.acd and agent.break_status == BreakStatus.NOT_ON_BREAK:
                self._begin_break(agent)
            elif new.available and not old.acd and agent.break_status != BreakStatus.NOT_ON_BREAK:
                agent.break_status = BreakStatus.NOT_ON_BREAK
                self._send_break(agent)
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
        self._check_disposition(call.campaign, request)
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
        self.world.ledger.count(call.campaign.name, "dispositioned")
        self.pacer.dispositioned(call, request, agent.user.user_id, now)
        return self._after_call(agent)

    def _check_disposition(self, campaign: CampaignState, request: DispositionRequest) -> None:
        if request.label not in campaign.labels:
            raise EngineError(
                400,
                ErrorIds.INVALID_DISPOSITION_LABEL,
                f"'{request.label}' is not a disposition of this call; use one of {sorted(campaign.labels)}.",
                property_name="label",
            )
        if request.scheduled_time is not None and not 0 <= request.scheduled_time <= _LATEST_TIME:
            raise EngineError(
                400,
                ErrorIds.INVALID_SCHEDULED_TIME,
                "scheduledTime must be seconds since the Unix epoch (UTC), between 0 and 9999-12-31.",
                property_name="scheduledTime",
            )
        if request.scheduled_agent:
            self._check_scheduled_agent(campaign, request.scheduled_agent)
        if request.relative_to not in (None, *RelativeTo):
            raise EngineError.invalid_property(
                "relativeTo", f"relativeTo must be 0 (UTC) or 1 (Contact), not {request.relative_to}."
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

    def log_off(self, agent: DialerAgent, campaign_ids: list[str]) -> None:
        """Log off the named campaigns, or all of Dialer for an empty list; held back by a call (R31)."""
        self._require_logged_in(agent, 403)
        for campaign_id in campaign_ids:
            self._require_campaign(agent, campaign_id)
        held_id = agent.call.campaign.id if agent.call else None
        if not campaign_ids:
            if agent.call is None:
                self.leave(agent)
                return
            agent.logoff_all_pending = True
        else:
            for campaign_id in campaign_ids:
                if campaign_id == held_id:
                    agent.logoff_pending[campaign_id] = None
            now_ids = [i for i in dict.fromkeys(campaign_ids) if i != held_id]
            if now_ids:
                self._grant_logoff(agent, now_ids)
        if agent.reservation is not None and agent.reservation.campaign.id not in agent.campaigns:
            self.pacer.release(agent)
        self.pacer.refresh(agent)

    def _grant_logoff(self, agent: DialerAgent, campaign_ids: list[str]) -> None:
        campaigns = [agent.campaigns.pop(i) for i in campaign_ids if i in agent.campaigns]
        agent.ready.difference_update(campaign_ids)
        granted = [LoggedOutCampaign(id=c.id, name=c.name) for c in campaigns]
        self.world.send(agent.session, LogoutGrantedMessage(campaigns=granted))

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
            self.world.send(agent.session, LogoutGrantedMessage(campaigns=granted))

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
    misc = {
        "allowBreak": True,
        "allowSkip": spec.allow_skip,
        "allowAgentOwned": spec.allow_agent_callbacks,
        "militaryTime": True,
        "pickupCall": False,
        "allowSchedulePhone": True,
        "autoDisconnect": spec.auto_disconnect_on_disposition,
    }
    return FormDefinition(pages=[page], misc=misc, extensions=[])
