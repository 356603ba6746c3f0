"""Campaigns started, stopped or paused while the mock runs, and what their agents are told.

The ICWS Dialer API cannot start or stop a campaign (official Dialer overview page); a supervisor does
that outside ICWS. ``CampaignControl`` plays that supervisor for ``POST /mock/campaigns/{campaign}``.

Statuses are the campaign status values of the Dialer enum (``CampaignStatus``): on and auto run; off,
paused, completed, scheduleOnly and invalid do not. A campaign that does not run pops no more calls
and dials no more lines: no agent is idle in it, so the allocator gives its agents to their other
campaigns, and the pacer starts no dial for it (``_pacing.py``). Dials already placed still end; one
answered waits ``abandon_grace`` for an agent in vain and is abandoned. It refuses a campaign log-in
with ``campaignLogonError`` code 3 (CampaignStopping). Agents logged in to it stay logged in.

Every logged-in agent eligible for the campaign is told in an availableCampaignsMessage (``isDelta``
true): by default ``campaignsChanged`` with the new ``status``; with the ``campaign_stop_removes`` knob
a stop is ``campaignsRemoved`` and a start ``campaignsAdded``. When a campaign starts, agents without the
Logon Campaign right are logged in to it automatically (official log-in page: they are logged in to
every running campaign they are eligible for) and get an autoLoginMessage; they must send
ready-for-calls again before it pops them calls (official ready-for-calls page).
"""

from __future__ import annotations

from typing import Any, Final

from botagent.mock._dialer import available_campaign
from botagent.mock._errors import EngineError, ErrorIds
from botagent.mock._pacing import Pacer
from botagent.mock._state import CampaignState, DialerAgent, World
from botagent.wire import (
    AutoLoginMessage,
    AvailableCampaignsMessage,
    CampaignStatus,
    ChangedCampaign,
    RemovedCampaign,
)

__all__ = ["STATUS_NAMES", "CampaignControl", "campaign_status", "status_name"]

STATUS_NAMES: Final = {
    "invalid": CampaignStatus.INVALID,
    "on": CampaignStatus.ON,
    "off": CampaignStatus.OFF,
    "scheduleOnly": CampaignStatus.SCHEDULE_ONLY,
    "auto": CampaignStatus.AUTO,
    "paused": CampaignStatus.PAUSED,
    "completed": CampaignStatus.COMPLETED,
}
"""The campaign status values by name (the wire carries the number)."""

_ALIASES: Final = {"running": CampaignStatus.ON, "stopped": CampaignStatus.OFF}
_BY_FOLDED: Final = {name.casefold(): status for name, status in (STATUS_NAMES | _ALIASES).items()}
_INITIATOR: Final = "Dialer"


def campaign_status(value: object) -> CampaignStatus:
    """Read a status given by name (any case; ``running``/``stopped`` are on/off) or by number.

    Raises:
        EngineError: 400 naming the property ``status`` when the value is none of them.
    """
    if isinstance(value, str) and value.casefold() in _BY_FOLDED:
        return _BY_FOLDED[value.casefold()]
    if isinstance(value, int) and not isinstance(value, bool) and value in set(CampaignStatus):
        return CampaignStatus(value)
    names = [*STATUS_NAMES, *_ALIASES]
    message = f"status must be one of {names} or its number (got {value!r})."
    raise EngineError.invalid_property("status", message)


def status_name(status: CampaignStatus) -> str:
    """The name of a campaign status value, as ``/mock/campaigns`` shows it."""
    return next(name for name, value in STATUS_NAMES.items() if value is status)


class CampaignControl:
    """Changes campaign statuses and tells the agents concerned."""

    def __init__(self, world: World, pacer: Pacer) -> None:
        self.world = world
        self.pacer = pacer

    def find(self, ref: str) -> CampaignState:
        """Return the campaign with this id or name.

        Raises:
            EngineError: 404 when there is none.
        """
        campaigns = self.world.campaigns
        found = campaigns.get(ref) or next((c for c in campaigns.values() if c.name == ref), None)
        if found is None:
            raise EngineError(404, ErrorIds.UNKNOWN_CAMPAIGN, f"No campaign has the id or name '{ref}'.")
        return found

    def set_status(self, ref: str, status: CampaignStatus) -> CampaignState:
        """Give a campaign a new status and tell every logged-in agent eligible for it.

        Raises:
            EngineError: 404 for an unknown campaign (nothing changes).
        """
        campaign = self.find(ref)
        if campaign.status is status:
            return campaign
        was_running, campaign.status = campaign.running, status
        started = campaign.running and not was_running
        for agent in self._agents(campaign):
            if started and not agent.user.spec.has_logon_campaign_right:
                self._auto_log_in(agent, campaign)
            self._announce(agent, campaign, was_running)
            self.pacer.refresh(agent)
        self.world.dirty[campaign] = None
        return campaign

    def _agents(self, campaign: CampaignState) -> list[DialerAgent]:
        return [
            agent
            for agent in self.world.agents.values()
            if agent.logged_in and campaign.id in agent.user.spec.campaign_ids
        ]

    def _auto_log_in(self, agent: DialerAgent, campaign: CampaignState) -> None:
        if campaign.id in agent.campaigns:
            return
        agent.campaigns[campaign.id] = campaign
        self.world.send_agent(agent, AutoLoginMessage(campaign_id=campaign.id, initiator_name=_INITIATOR))

    def _announce(self, agent: DialerAgent, campaign: CampaignState, was_running: bool) -> None:
        right = agent.user.spec.has_logon_campaign_right
        change: dict[str, Any] = {
            "campaigns_changed": [
                ChangedCampaign(id=campaign.id, name=campaign.name, status=[int(campaign.status)])
            ]
        }
        if self.world.behaviour.campaign_stop_removes and campaign.running != was_running:
            change = (
                {"campaigns_added": [available_campaign(campaign, agent)]}
                if campaign.running
                else {"campaigns_removed": [RemovedCampaign(id=campaign.id)]}
            )
        message = AvailableCampaignsMessage(is_delta=True, agent_has_logon_campaign_right=right, **change)
        self.world.send_agent(agent, message)

    def describe(self, campaign: CampaignState) -> dict[str, Any]:
        """Summarise a campaign for the ``/mock/campaigns`` routes."""
        return {
            "id": campaign.id,
            "name": campaign.name,
            "mode": campaign.spec.mode,
            "status": status_name(campaign.status),
            "statusValue": int(campaign.status),
            "running": campaign.running,
            "agentsLoggedIn": sum(1 for a in self.world.agents.values() if campaign.id in a.campaigns),
        }
