"""The engine's mutable state: users, sessions, Dialer agents, campaigns, dials and live calls.

Plain slotted dataclasses compared by identity; the rules that change them live in ``_pacing.py``,
``_dialer.py``, ``_campaigns.py`` and ``_engine.py``. ``World`` bundles everything one engine owns, so a
reset is a new ``World``.

One ``DialerAgent`` stands for a group of sessions: those of one user with one application name act
on Dialer as one session (official Dialer overview page), so every Dialer message goes to each of them
(``World.send_agent``) and the agent lives as long as one of them is open.
"""

from __future__ import annotations

import random
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from botagent.mock._ledger import Ledger
from botagent.mock._scenario import CampaignSpec, ResolvedUser, Scenario, StatusSpec
from botagent.mock._timers import Timer, TimerHeap
from botagent.wire import (
    BreakStatus,
    CampaignStatus,
    DataPopCall,
    Disposition,
    LedgerEntry,
    PreviewPopCall,
    WireModel,
)

__all__ = [
    "Callback",
    "CampaignState",
    "Contact",
    "Dial",
    "DialerAgent",
    "LiveCall",
    "ServerSession",
    "UserState",
    "World",
]

RUNNING_STATUSES: frozenset[CampaignStatus] = frozenset({CampaignStatus.ON, CampaignStatus.AUTO})
"""The campaign statuses in which agents may log in to a campaign and get its calls."""


@dataclass(slots=True, eq=False)
class Contact:
    """A person a campaign calls."""

    contact_id: str
    phone: str
    attributes: dict[str, str]


@dataclass(slots=True, eq=False)
class Callback:
    """A rescheduled contact: due at ``due`` (epoch seconds), for ``agent`` only when set."""

    contact: Contact
    callback_of: str
    agent: str | None
    due: float


@dataclass(slots=True, eq=False)
class CampaignState:
    """A campaign: its status, contact cursor, due callbacks, and the agents idle in it (FIFO)."""

    spec: CampaignSpec
    dispositions: list[Disposition]
    labels: frozenset[str]
    categories: dict[str, str]
    status: CampaignStatus
    next_index: int = 0
    returned: deque[Contact] = field(default_factory=deque)
    due_any: deque[Callback] = field(default_factory=deque)
    due_for: dict[str, deque[Callback]] = field(default_factory=dict)
    idle: dict[DialerAgent, None] = field(default_factory=dict)
    unreserved_dials: int = 0

    @classmethod
    def from_spec(cls, spec: CampaignSpec) -> CampaignState:
        """Build the runtime state of a campaign."""
        dispositions = [
            Disposition(
                label=d.label,
                wrap_up_category=d.wrap_up_category,
                wrap_up_code=d.wrap_up_code,
                abandon=d.abandon,
            )
            for d in spec.dispositions
        ]
        return cls(
            spec=spec,
            dispositions=dispositions,
            labels=frozenset(d.label for d in spec.dispositions),
            categories={d.label: d.wrap_up_category for d in spec.dispositions},
            status=CampaignStatus.ON if spec.status == "on" else CampaignStatus.OFF,
        )

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def running(self) -> bool:
        """True when agents may log in to the campaign and get its calls (status on or auto)."""
        return self.status in RUNNING_STATUSES

    def next_contact(self) -> Contact | None:
        """Return the next fresh contact (returned ones first), or None when the list is used up."""
        if self.returned:
            return self.returned.popleft()
        contacts = self.spec.contacts
        if self.next_index >= contacts.size:
            if not contacts.recycle:
                return None
            self.next_index = 0
        contact_id, phone, attributes = contacts.contact(self.next_index)
        self.next_index += 1
        return Contact(contact_id, phone, attributes)


@dataclass(slots=True, eq=False)
class UserState:
    """A user with a status; ``dialer_agent`` is the agent logged in to Dialer for it, if any."""

    spec: ResolvedUser
    status: StatusSpec
    status_changed: float
    dialer_agent: DialerAgent | None = None
    watchers: dict[ServerSession, None] = field(default_factory=dict)

    @property
    def user_id(self) -> str:
        return self.spec.user_id


@dataclass(slots=True, eq=False)
class LiveCall:
    """A Dialer call an agent holds until it is dispositioned."""

    record: LedgerEntry
    campaign: CampaignState
    contact: Contact
    callback: Callback | None
    wire: DataPopCall | PreviewPopCall
    timers: list[Timer] = field(default_factory=list)

    def cancel_timers(self) -> None:
        """Stop the call's pending connect and preview-timeout timers."""
        for timer in self.timers:
            timer.cancel()
        self.timers.clear()


@dataclass(slots=True, eq=False)
class Dial:
    """A contact being dialed (predictive/power) or about to be previewed, maybe reserved for an agent."""

    campaign: CampaignState
    contact: Contact
    callback: Callback | None
    reserved: DialerAgent | None
    placed_at: float
    timer: Timer | None = None


@dataclass(slots=True, eq=False)
class DialerAgent:
    """The Dialer side of a group of sessions (one user, one application name) (R2..R31).

    ``ready`` holds the campaigns the agent said it is ready for; ``ready_all`` notes that its last
    ready-for-calls named no campaign.
    """

    user: UserState
    key: tuple[str, str, str]
    sessions: dict[ServerSession, None] = field(default_factory=dict)
    logged_in: bool = False
    campaigns: dict[str, CampaignState] = field(default_factory=dict)
    ready_all: bool = False
    ready: set[str] = field(default_factory=set)
    break_status: BreakStatus = BreakStatus.NOT_ON_BREAK
    awaiting_available: bool = False
    call: LiveCall | None = None
    reservation: Dial | None = None
    logoff_pending: dict[str, None] = field(default_factory=dict)
    logoff_all_pending: bool = False
    idle_in: set[CampaignState] = field(default_factory=set)

    def reset(self) -> None:
        """Forget everything Dialer-related, as after a full log-off."""
        self.logged_in = False
        self.campaigns = {}
        self.ready_all = False
        self.ready = set()
        self.break_status = BreakStatus.NOT_ON_BREAK
        self.awaiting_available = False
        self.call = None
        self.reservation = None
        self.logoff_pending = {}
        self.logoff_all_pending = False

    @property
    def connected(self) -> bool:
        """True while at least one session of the group is open."""
        return bool(self.sessions)


@dataclass(slots=True, eq=False)
class ServerSession:
    """An ICWS session: credentials, the message queue, subscriptions and its (shared) Dialer agent."""

    session_id: str
    user: UserState
    agent: DialerAgent
    csrf_token: str
    cookie_value: str
    created_at: float
    last_seen: float
    application_name: str = ""
    queue: list[dict[str, Any]] = field(default_factory=list)
    open: bool = True
    open_streams: int = 0
    station: dict[str, Any] | None = None
    watching: dict[str, None] = field(default_factory=dict)
    expiry: Timer | None = None


class World:
    """Everything one engine owns; ``send`` queues a message and remembers which session to wake."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.behaviour = scenario.behaviour
        self.rng = random.Random(scenario.seed)
        self.timers = TimerHeap()
        self.ledger = Ledger()
        self.users: dict[str, UserState] = {}
        self.sessions: dict[str, ServerSession] = {}
        self.agents: dict[tuple[str, str, str], DialerAgent] = {}
        self.campaigns = {spec.id: CampaignState.from_spec(spec) for spec in scenario.campaigns}
        self.woken: set[str] = set()
        self.dirty: dict[CampaignState, None] = {}
        self._interaction = 1_000_000_000

    def send(self, session: ServerSession, message: WireModel) -> None:
        """Queue a message for a session (JSON-ready dict) and mark the session to be woken."""
        session.queue.append(message.to_wire())
        self.woken.add(session.session_id)

    def send_agent(self, agent: DialerAgent, message: WireModel) -> None:
        """Queue a Dialer message for every open session of the agent's group."""
        wire = message.to_wire()
        for session in agent.sessions:
            session.queue.append(wire)
            self.woken.add(session.session_id)

    def user(self, user_id: str, now: float) -> UserState | None:
        """Return the user's state, creating it with the initial status on first use; None if unknown."""
        state = self.users.get(user_id)
        if state is None:
            spec = self.scenario.user_table.get(user_id)
            if spec is None:
                return None
            status = self.scenario.status(self.scenario.initial_status)
            assert status is not None
            state = self.users[user_id] = UserState(spec=spec, status=status, status_changed=now)
        return state

    def new_interaction_id(self) -> str:
        """Return a fresh CIC-style interaction id (a digit string)."""
        self._interaction += 1
        return str(self._interaction)

    def new_guid(self) -> str:
        """Return a fresh upper-case GUID drawn from the seeded RNG."""
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4)).upper()
