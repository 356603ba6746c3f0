"""What an agent knows beyond its state, in small records: each changes only through its own methods.

`SessionFacts` is the session, its server's feature versions and the Dialer log-in, `CampaignFacts`
the Logon Campaign right and the campaigns with their statuses, `AvailabilityFacts` the Available
status the agent set, `BreakFacts` the break status and the break or non-ACD status the agent asked
for, `LogoffFacts` the log-off and its grants, `PendingAsync` the requests the server answered 202,
and `Departure` whether and why the agent leaves. The calls live in `CallBook` (``_calls.py``).
Anyone in the agent may read the fields; the rule checks do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from botagent.wire import AvailableCampaign, BreakStatus, CampaignStatus, ChangedCampaign

from ._actions import CampaignRef

__all__ = [
    "AvailabilityFacts",
    "BreakFacts",
    "CampaignFacts",
    "Departure",
    "LogoffFacts",
    "OfferedCampaign",
    "PendingAsync",
    "SessionFacts",
]

_SESSION_GONE = frozenset({401, 410})
"""Failures after which the session cannot be used, so cleanup sends nothing more."""


@dataclass(slots=True)
class SessionFacts:
    """The ICWS session and the Dialer log-in, as far as the agent's requests went."""

    open: bool = False
    gone: bool = False
    """The server dropped the session: nothing more can be sent on it."""
    lost: bool = False
    """The session was open when the server dropped it: the agent starts over on a new one."""
    close_sent: bool = False
    dialer_login_sent: bool = False
    dialer_logged_in: bool = False
    features: dict[str, int] = field(default_factory=dict)
    """The server's feature versions, feature id -> version, as the session's opening listed them."""

    def opened(self, features: Mapping[str, int]) -> None:
        """The session was created on a server with these feature versions."""
        self.open = True
        self.features = dict(features)

    def lacks(self, feature_id: str, version: int) -> str | None:
        """Why the server cannot serve a call that needs ``feature_id`` at ``version`` or later.

        Returns:
            None when it can; else what the server lists instead. A feature the server does not list
            is one it does not support (official Versioning page).
        """
        have = self.features.get(feature_id)
        if have is not None and have >= version:
            return None
        found = f"version {have}" if have is not None else "no such feature"
        listed = ", ".join(f"{name} {number}" for name, number in sorted(self.features.items())) or "none"
        return f"needs feature {feature_id} version {version} or later; the server lists {found} ({listed})"

    def closing(self) -> None:
        """The agent sent the request that deletes the session."""
        self.close_sent = True

    def closed(self) -> None:
        """The session was deleted."""
        self.open = False

    def logging_in(self) -> None:
        """The agent sent the Dialer log-in (R2)."""
        self.dialer_login_sent = True

    def logged_in(self) -> None:
        """Dialer accepted the log-in."""
        self.dialer_logged_in = True

    def failed_with(self, status: int | None) -> None:
        """A request or the message reader failed with ``status``; 401 and 410 mean the session is gone."""
        if status in _SESSION_GONE:
            self.lost = self.open
            self.gone = True


_RUNNING = frozenset({CampaignStatus.ON, CampaignStatus.SCHEDULE_ONLY})
_STOPPED = frozenset({CampaignStatus.OFF, CampaignStatus.INVALID})


@dataclass(slots=True)
class OfferedCampaign:
    """One campaign as availableCampaignsMessage described it (``status`` None: not said)."""

    id: str
    name: str
    status: tuple[int, ...] | None = None
    logged_in: bool = False

    @property
    def running(self) -> bool:
        """Dialer runs it (On, or On for scheduled calls only, and not Off); an unknown status counts."""
        if not self.status:
            return True
        statuses = set(self.status)
        return bool(statuses & _RUNNING) and not statuses & _STOPPED

    def describe(self) -> str:
        """The campaign as "name (id): status", for messages."""
        joined = ", logged in" if self.logged_in else ""
        return f"{self.name} ({self.id}): {_status_text(self.status)}{joined}"


def _status_text(status: tuple[int, ...] | None) -> str:
    if not status:
        return "status not given"
    names = (_STATUS_NAMES.get(s, str(s)) for s in status)
    return "+".join(names)


_STATUS_NAMES = {status.value: status.name.lower().replace("_", " ") for status in CampaignStatus}


@dataclass(slots=True)
class CampaignFacts:
    """The Logon Campaign right and the campaigns offered, asked for and joined (R13-R16).

    With the right the agent logs in to each chosen campaign that is running and that it is not in
    yet (official log-in page: "individual campaigns should not be logged into more than once").
    Joining another campaign after ready-for-calls, by hand or automatically, makes ready-for-calls
    due again (official ready-for-calls page).
    """

    right: bool | None = None
    """Whether the agent holds the Logon Campaign right; None until a message said."""
    configured_right: bool | None = None
    """The Logon Campaign right the user's configuration gives; None until read."""
    conflict_told: bool = False
    offered: dict[str, OfferedCampaign] = field(default_factory=dict)
    """Campaign id -> campaign, as availableCampaignsMessage offered and changed them."""
    asked: set[str] = field(default_factory=set)
    """Campaigns the agent asked to join or was told it is in (for the R16 check of pops)."""
    joined: list[str] = field(default_factory=list)
    """Campaigns the agent is in, with the right."""
    ready_sent: bool = False
    ready_due: bool = False
    """The agent joined another campaign since its last ready-for-calls."""

    def offer(self, right: bool, added: Iterable[AvailableCampaign] | None) -> None:
        """Learn the right and the campaigns added from a message."""
        self.right = right
        for wire in added or ():
            old = self.offered.get(wire.id)
            status = None if wire.status is None else tuple(wire.status)
            campaign = OfferedCampaign(wire.id, wire.name, status, bool(wire.is_logged_in))
            self.offered[wire.id] = campaign
            self._started(old, campaign)
            if campaign.logged_in and right:
                self.join(campaign.id)

    def configured(self, right: bool | None) -> None:
        """Learn the right from the user's configuration (``securityRights.loginCampaign``)."""
        self.configured_right = right

    def right_conflict(self) -> str | None:
        """Once, what differs when the configuration and Dialer's message disagree on the right."""
        if self.right is None or self.configured_right is None or self.right == self.configured_right:
            return None
        if self.conflict_told:
            return None
        self.conflict_told = True
        return (
            f"the user's configuration gives the Logon Campaign right {self.configured_right} "
            f"(securityRights.loginCampaign.effectiveValue) but Dialer says {self.right} "
            "(agentHasLogonCampaignRight)"
        )

    def change(self, changed: Iterable[ChangedCampaign]) -> None:
        """Learn changed names and statuses; a stopped campaign has to be joined again once it runs."""
        for wire in changed:
            old = self.offered.get(wire.id)
            status = None if wire.status is None else tuple(wire.status)
            logged_in = old is not None and old.logged_in
            campaign = OfferedCampaign(wire.id, wire.name, status, logged_in)
            self.offered[wire.id] = campaign
            self._started(old, campaign)
            if not campaign.running:
                self._leave(wire.id)

    def remove(self, campaign_ids: Iterable[str]) -> None:
        """Forget campaigns that are no longer available."""
        for campaign_id in campaign_ids:
            self.offered.pop(campaign_id, None)
            self._leave(campaign_id)

    def auto_joined(self, campaign_id: str) -> None:
        """Dialer logged the agent in to a campaign on its own (autoLoginMessage)."""
        if self.right:
            self.join(campaign_id)
        elif self.ready_sent:
            self.ready_due = True

    def _started(self, old: OfferedCampaign | None, new: OfferedCampaign) -> None:
        # Without the right, Dialer logs the agent in to every running campaign by itself (R13).
        if self.right is False and self.ready_sent and new.running and (old is None or not old.running):
            self.ready_due = True

    def _leave(self, campaign_id: str) -> None:
        if campaign_id in self.joined:
            self.joined.remove(campaign_id)
        campaign = self.offered.get(campaign_id)
        if campaign is not None:
            campaign.logged_in = False

    def named(self, campaign: CampaignRef) -> CampaignRef:
        """``campaign`` with the name availableCampaignsMessage gave it, when it has none of its own."""
        offered = self.offered.get(campaign.id)
        if campaign.name or offered is None:
            return campaign
        return CampaignRef(id=campaign.id, name=offered.name)

    def fits(self, wanted: tuple[str, ...]) -> bool:
        """True when an offered campaign is one of ``wanted`` (by id or name), or any is wanted (R14)."""
        return bool(self._chosen(wanted))

    def next_to_join(self, wanted: tuple[str, ...]) -> str | None:
        """The next wanted campaign, in the order wanted, that runs and that the agent is not in yet."""
        for campaign in self._chosen(wanted):
            if campaign.running and campaign.id not in self.joined:
                return campaign.id
        return None

    def _chosen(self, wanted: tuple[str, ...]) -> list[OfferedCampaign]:
        """The offered campaigns named in ``wanted`` (by id or name), in its order; all when it is empty."""
        if not wanted:
            return list(self.offered.values())
        chosen: list[OfferedCampaign] = []
        for name in wanted:
            for campaign in self.offered.values():
                if name in (campaign.id, campaign.name) and campaign not in chosen:
                    chosen.append(campaign)
        return chosen

    def joining(self, campaign_id: str) -> None:
        """The agent sent its log-in to this campaign (R15)."""
        self.asked.add(campaign_id)

    def join(self, campaign_id: str) -> None:
        """The agent is in this campaign: Dialer accepted its log-in, or said so."""
        self.asked.add(campaign_id)
        if campaign_id not in self.joined:
            self.joined.append(campaign_id)
            self.ready_due = self.ready_sent
        campaign = self.offered.get(campaign_id)
        if campaign is not None:
            campaign.logged_in = True

    def ready_ids(self) -> tuple[str, ...] | None:
        """The campaigns to name in ready-for-calls: the joined ones with the right, else none (R3)."""
        return tuple(self.joined) if self.right else None

    def readied(self) -> None:
        """The agent sent ready-for-calls: nothing is due until it joins another campaign."""
        self.ready_sent = True
        self.ready_due = False

    def working(self) -> list[str]:
        """The campaigns the agent is in: those it joined with the right; without it, every running
        campaign offered, since Dialer logs it in to each by itself (R13)."""
        if self.right is False:
            return [campaign.id for campaign in self.offered.values() if campaign.running]
        return list(self.joined)

    def logoff_ids(self) -> tuple[str, ...]:
        """The campaigns to log off one by one: the joined ones with the right, else none.

        Without the right a log-off names no campaign (official log-off page: "this should be avoided
        and the log-off message should be sent as a global logout").
        """
        return tuple(self.joined) if self.right else ()

    def may_pop(self, campaign_id: str) -> bool:
        """False when the agent holds the right but never asked to join this campaign (R16)."""
        return not self.right or campaign_id in self.asked

    def describe_offered(self, wanted: tuple[str, ...] = ()) -> str:
        """The offered campaigns (the ``wanted`` ones, when some are named) as "name (id): status"."""
        return "; ".join(campaign.describe() for campaign in self._chosen(wanted)) or "none"


@dataclass(slots=True)
class AvailabilityFacts:
    """Whether the agent set itself Available, and the R9 grace after a disposition."""

    available: bool = False
    ever_available: bool = False
    available_since: float | None = None
    """When the server last answered the Available status (the wait-for-pop KPI starts there)."""
    r9_grace: bool = False
    """A disposition or the request after it is unanswered, so Dialer may still hand a placed call."""

    def setting_available(self) -> None:
        """The agent sent its Available status (R4, R27)."""
        self.available = self.ever_available = True

    def available_at(self, now: float) -> None:
        """The server answered the Available status."""
        self.available_since = now

    def leaving(self) -> None:
        """The agent sent another status."""
        self.available = False

    def dispositioning(self) -> None:
        """The agent sent a disposition: not Available, and the R9 grace begins."""
        self.available = False
        self.r9_grace = True

    def answered(self) -> None:
        """A request other than a disposition was answered: the R9 grace is over."""
        self.r9_grace = False


@dataclass(slots=True)
class BreakFacts:
    """Dialer's break status, and the break or non-ACD status the agent asked for (R17-R22)."""

    status_seen: bool = False
    """A breakStatusMessage arrived since the log-in (R12)."""
    on_break: bool = False
    requested_at: float | None = None
    granted: bool = False
    away_since: float | None = None
    """When the agent set a non-ACD status; None when it is not in one."""
    seen_while_away: bool = False

    def observe(self, status: BreakStatus) -> float | None:
        """Learn the break status from a message.

        Returns:
            The time of the break request this message grants (for the break-grant KPI), else None.
        """
        self.status_seen = True
        self.on_break = status is BreakStatus.ON_BREAK
        if not self.on_break:
            return None
        if self.away_since is not None:
            self.seen_while_away = True
        if self.requested_at is None or self.granted:
            return None
        self.granted = True
        return self.requested_at

    def request(self, now: float) -> None:
        """The agent sent a break request (R17)."""
        self.requested_at = now
        self.granted = False

    def end(self) -> None:
        """The agent sent end-break (R21)."""
        self.requested_at = None
        self.granted = False
        self.on_break = False

    def go_available(self) -> None:
        """The agent sent its Available status, which ends any break and non-ACD status."""
        self.on_break = False
        self.away_since = None

    def go_away(self, now: float) -> None:
        """The agent sent a non-ACD status (R22)."""
        self.away_since = now
        self.seen_while_away = self.on_break

    def logging_off(self) -> None:
        """The agent sent its log-off: it waits for no break any more."""
        self.requested_at = None
        self.away_since = None


@dataclass(slots=True)
class LogoffFacts:
    """The log-off the agent sent and the grants that came for it (R10, R28-R31)."""

    campaign_ids: tuple[str, ...] | None = None
    """The campaigns logged off, () for all of Dialer; None until the log-off is sent."""
    sent_at: float | None = None
    granted_ids: set[str] = field(default_factory=set)
    dialer_granted: bool = False
    kpi_recorded: bool = False

    @property
    def sent(self) -> bool:
        """True once the log-off was sent."""
        return self.campaign_ids is not None

    def send(self, campaign_ids: tuple[str, ...], now: float) -> None:
        """The agent sent its log-off."""
        self.campaign_ids = campaign_ids
        self.sent_at = now

    def grant(self, campaign_ids: Iterable[str], dialer: bool) -> float | None:
        """Learn a logoutGrantedMessage.

        Returns:
            When the log-off was sent, the first time the grants cover it (for the logoff-grant KPI).
        """
        if self.campaign_ids is None:
            return None
        self.granted_ids.update(campaign_ids)
        self.dialer_granted = self.dialer_granted or dialer
        if not self.complete() or self.kpi_recorded:
            return None
        self.kpi_recorded = True
        return self.sent_at

    def complete(self) -> bool:
        """True once the grants cover the log-off sent (R10, R29)."""
        if self.campaign_ids is None:
            return False
        if self.dialer_granted:
            return True
        return bool(self.campaign_ids) and set(self.campaign_ids) <= self.granted_ids


@dataclass(slots=True)
class PendingAsync:
    """Requests the server accepted with 202, by request id, until their completion message."""

    steps: dict[str, str] = field(default_factory=dict)

    def expect(self, request_id: str, step: str) -> None:
        """Wait for the completion of ``request_id``, made by ``step`` (an endpoint name)."""
        self.steps[request_id] = step

    def complete(self, request_id: str) -> str | None:
        """Forget ``request_id`` and return its step; None for an id the agent never waited for."""
        return self.steps.pop(request_id, None)


@dataclass(slots=True)
class Departure:
    """Whether and why the agent leaves: a wish to leave, a stop, a failure learnt from a message."""

    reason: str | None = None
    """Why the agent leaves (the first reason given); None while it stays."""
    stop_asked: bool = False
    fail_pending: bool = False
    restartable: bool = True
    """False once a failure showed that starting over cannot help (the server lacks a feature)."""

    def leave(self, reason: str) -> None:
        """Leave when the state allows (its LEAVE row); the first reason counts."""
        if self.reason is None:
            self.reason = reason

    def stop(self, reason: str) -> None:
        """The driver asked the agent to stop: leave, and never restart."""
        self.stop_asked = True
        self.leave(reason)

    def fail(self) -> None:
        """A failure was learnt outside a request; the next state with a FAIL row takes it."""
        self.fail_pending = True

    def cannot_restart(self) -> None:
        """Starting over cannot help: the agent ends for good, whatever its plan says."""
        self.restartable = False

    def failure_taken(self) -> None:
        """A state took the pending failure."""
        self.fail_pending = False
