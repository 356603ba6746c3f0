"""What an agent knows beyond its state, in small records: each changes only through its own methods.

`SessionFacts` is the session and the Dialer log-in, `CampaignFacts` the Logon Campaign right and the
campaigns, `AvailabilityFacts` the Available status the agent set, `BreakFacts` the break status and
the break or non-ACD status the agent asked for, `LogoffFacts` the log-off and its grants,
`PendingAsync` the requests the server answered 202, and `Departure` whether and why the agent leaves.
The calls live in `CallBook` (``_calls.py``). Anyone in the agent may read the fields; the rule
checks do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from botagent.wire import AvailableCampaign, BreakStatus

__all__ = [
    "AvailabilityFacts",
    "BreakFacts",
    "CampaignFacts",
    "Departure",
    "LogoffFacts",
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

    def opened(self) -> None:
        """The session was created."""
        self.open = True

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


@dataclass(slots=True)
class CampaignFacts:
    """The Logon Campaign right and the campaigns offered, chosen, asked for and joined (R13-R16)."""

    right: bool | None = None
    """Whether the agent holds the Logon Campaign right; None until a message said."""
    offered: dict[str, str] = field(default_factory=dict)
    """Campaign id -> name, as availableCampaignsMessage offered them."""
    to_join: list[str] = field(default_factory=list)
    join_sent: set[str] = field(default_factory=set)
    joined: list[str] = field(default_factory=list)

    def offer(self, right: bool, added: Iterable[AvailableCampaign] | None) -> None:
        """Learn the right and the campaigns added from a message."""
        self.right = right
        for campaign in added or ():
            self.offered[campaign.id] = campaign.name

    def choose(self, wanted: tuple[str, ...]) -> bool:
        """Pick the offered campaigns to join: those named (by id or name) in ``wanted``, or all.

        Returns:
            False when none of the offered campaigns fits (R14).
        """
        if not wanted:
            self.to_join = list(self.offered)
            return bool(self.to_join)
        chosen: list[str] = []
        for name in wanted:
            for campaign_id, offered_name in self.offered.items():
                if name in (campaign_id, offered_name) and campaign_id not in chosen:
                    chosen.append(campaign_id)
        self.to_join = chosen
        return bool(chosen)

    def next_to_join(self) -> str:
        """Take the next chosen campaign and note that its log-in is being sent (R15)."""
        campaign_id = self.to_join.pop(0)
        self.join_sent.add(campaign_id)
        return campaign_id

    def join(self, campaign_id: str) -> None:
        """Dialer accepted the log-in to this campaign."""
        self.joined.append(campaign_id)

    def ready_ids(self) -> tuple[str, ...] | None:
        """The campaigns to name in ready-for-calls: the joined ones with the right, else none (R3)."""
        return tuple(self.joined) if self.right else None

    def logoff_ids(self) -> tuple[str, ...]:
        """The campaigns the agent is in: the joined ones with the right, else every offered one."""
        return tuple(self.joined) if self.right else tuple(self.offered)

    def may_pop(self, campaign_id: str) -> bool:
        """False when the agent holds the right but never asked to join this campaign (R16)."""
        return not self.right or campaign_id in self.join_sent

    def describe_offered(self) -> str:
        """The offered campaigns as "name (id)", for messages."""
        return ", ".join(f"{name} ({cid})" for cid, name in self.offered.items()) or "none"


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

    def failure_taken(self) -> None:
        """A state took the pending failure."""
        self.fail_pending = False
