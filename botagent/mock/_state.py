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
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botagent.mock._allocation import Share
from botagent.mock._ledger import Ledger
from botagent.mock._licences import LicencePools
from botagent.mock._outcomes import Outcome, connected_table, outcome_table
from botagent.mock._predictive import DialTicket, PredictiveModel
from botagent.mock._scenario import CampaignSpec, ResolvedUser, Scenario, StatusSpec
from botagent.mock._streams import AgentStream, ContactDeck, Draws
from botagent.mock._timers import Timer, TimerHeap
from botagent.wire import (
    AcdEntry,
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
_GUID_VERSION_4 = (0x8000 << 48) | (4 << 76)
"""The RFC 4122 variant and version 4 bits of a GUID..."""
_GUID_KEPT = ((1 << 128) - 1) & ~((0xC000 << 48) | (0xF000 << 64))
"""...and the random bits kept around them, as ``uuid.UUID(int=..., version=4)`` sets them."""


@dataclass(slots=True, eq=False)
class Contact:
    """A person a campaign calls; ``index`` is its place in the campaign's contact list."""

    contact_id: str
    phone: str
    attributes: dict[str, str]
    utc_offset: float = 0.0
    index: int = -1


@dataclass(slots=True, eq=False)
class Callback:
    """A rescheduled contact: due at ``due`` (epoch seconds), for ``agent`` only when set.

    ``fell_due`` is when it was queued, ``window_over`` that its owner's window has passed, ``counted``
    that it was counted kept or late, ``window`` the timer of its owner's window while it waits in its
    owner's queue (see ``_callbacks.py``).
    """

    contact: Contact
    callback_of: str
    agent: str | None
    due: float
    fell_due: float | None = None
    window_over: bool = False
    counted: bool = False
    window: Timer | None = None


@dataclass(slots=True, eq=False)
class CampaignState:
    """A campaign: its status, contact deck, due callbacks, and the agents idle in it (FIFO).

    ``status`` is the campaign's live status (``running`` reads it; ``_campaigns.py`` changes it while
    a run goes on), ``categories`` each disposition label's wrap-up category.

    Pacing state: ``share`` (allocation), ``rng`` (the campaign's own draws, seeded from the scenario
    seed and the campaign id: delays, and the dials no agent is reserved for), ``streams`` (each
    agent's draws, by user id; see ``_streams.py``), ``deck`` (the contacts taken in this pass),
    ``outcomes`` (cumulative outcome rates), ``connects`` (what a connected call is: a person, or a
    machine when machine detection is off), ``model`` (predictive only), ``pool``
    (predictive: free agents attached to it), ``busy`` (agents on or wrapping one of its calls, with
    the pop time), ``waiting`` (answered calls waiting for an agent), ``dials_out`` and ``repace`` (a
    timer to pace again when a busy agent is due to free up).
    """

    spec: CampaignSpec
    dispositions: list[Disposition]
    dispositions_wire: list[dict[str, Any]]
    """``dispositions`` in their wire form, made once for every data pop of the campaign."""
    labels: frozenset[str]
    categories: dict[str, str]
    status: CampaignStatus
    deck: ContactDeck = field(default_factory=lambda: ContactDeck(size=1, recycle=True))
    streams: dict[str, AgentStream] = field(default_factory=dict)
    seed: int = 0
    due_any: deque[Callback] = field(default_factory=deque)
    due_for: dict[str, deque[Callback]] = field(default_factory=dict)
    idle: dict[DialerAgent, None] = field(default_factory=dict)
    unreserved_dials: int = 0
    share: Share = field(default_factory=lambda: Share(order=0))
    rng: random.Random = field(default_factory=random.Random)
    outcomes: tuple[tuple[Outcome, float], ...] = ()
    connects: tuple[tuple[Outcome, float], ...] = ()
    model: PredictiveModel | None = None
    pool: dict[DialerAgent, None] = field(default_factory=dict)
    busy: dict[DialerAgent, float] = field(default_factory=dict)
    waiting: dict[Dial, None] = field(default_factory=dict)
    dials_out: int = 0
    repace: Timer | None = None

    @classmethod
    def from_spec(cls, spec: CampaignSpec, seed: int = 0, order: int = 0) -> CampaignState:
        """Build the runtime state of a campaign, the ``order``-th of a scenario seeded with ``seed``."""
        dispositions = [
            Disposition(
                label=d.label,
                wrap_up_category=d.wrap_up_category,
                wrap_up_code=d.wrap_up_code,
                abandon=d.abandon,
            )
            for d in spec.dispositions
        ]
        state = cls(
            spec=spec,
            dispositions=dispositions,
            dispositions_wire=[d.to_wire() for d in dispositions],
            labels=frozenset(d.label for d in spec.dispositions),
            categories={d.label: d.wrap_up_category for d in spec.dispositions},
            status=CampaignStatus.ON if spec.status == "on" else CampaignStatus.OFF,
        )
        state.share = Share(order=order, priority=spec.priority, weight=spec.weight)
        state.rng = random.Random(f"{seed}/{spec.id}")
        state.seed = seed
        state.deck = ContactDeck(size=spec.contacts.size, recycle=spec.contacts.recycle)
        state.outcomes = outcome_table(spec.outcomes, spec.answer_rate)
        state.connects = connected_table(state.outcomes, spec.machine_detection)
        if spec.mode == "predictive":
            guess = spec.dial_delay.average() + spec.ring_delay.average()
            state.model = PredictiveModel.fresh(spec.abandon_target, guess)
        return state

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

    def stream(self, user_id: str) -> AgentStream:
        """The agent's own draws and regular-call count in this campaign (made on first use)."""
        stream = self.streams.get(user_id)
        if stream is None:
            stream = self.streams[user_id] = AgentStream.of(self.seed, self.spec.id, user_id)
        return stream

    def draw_contact(self, draws: Draws) -> Contact | None:
        """Take a fresh contact drawn from ``draws``, or None when the list is used up."""
        index = self.deck.draw(draws)
        if index is None:
            return None
        contacts = self.spec.contacts
        contact_id, phone, attributes = contacts.contact(index)
        return Contact(contact_id, phone, attributes, contacts.utc_offset_of(attributes), index)

    def has_contacts(self) -> bool:
        """True when a fresh or campaign-wide due contact is there to dial."""
        return bool(self.due_any) or self.deck.has_fresh()


@dataclass(slots=True, eq=False)
class UserState:
    """A user with a status; ``dialer_agent`` is the agent logged in to Dialer for it, if any."""

    spec: ResolvedUser
    status: StatusSpec
    status_changed: float
    dialer_agent: DialerAgent | None = None
    watchers: dict[ServerSession, None] = field(default_factory=dict)
    acd: AcdEntry | None = None
    """The inbound ACD interaction alerting the user or connected to it (R33); see ``_acd.py``."""
    acd_since: float = 0.0
    """When the user last stopped holding an ACD interaction: the longest free is alerted first."""

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
    """A contact being dialed (predictive/power) or about to be previewed, maybe reserved for an agent.

    ``outcome`` is drawn when the dial starts; ``started_at`` is when it started; ``ticket`` is the
    predictive model's note of it.
    """

    campaign: CampaignState
    contact: Contact
    callback: Callback | None
    reserved: DialerAgent | None
    placed_at: float
    timer: Timer | None = None
    outcome: Outcome | None = None
    started_at: float = 0.0
    ticket: DialTicket | None = None


@dataclass(slots=True, eq=False)
class DialerAgent:
    """The Dialer side of a group of sessions (one user, one application name) (R2..R31).

    ``ready`` holds the campaigns the agent said it is ready for; ``ready_all`` notes that its last
    ready-for-calls named no campaign. The allocator works with the group as one agent:
    ``assigned`` is the campaign it works for now (see ``_allocation.py``), ``pooled`` that it waits
    free in that campaign's predictive pool, ``took_call`` that it got a call since assigned.
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
    idle_in: dict[CampaignState, None] = field(default_factory=dict)
    assigned: CampaignState | None = None
    pooled: bool = False
    took_call: bool = False

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
    """Everything one engine owns; ``send`` queues a message and remembers which session to wake.

    ``now`` is the engine's clock, the latest moment it was advanced to (the engine sets it);
    ``settled`` the latest moment the ledger changed (the pacer notes it), so that a refused request,
    a poll or a timer that changed nothing leaves every figure of the ledger as it was.
    """

    def __init__(self, scenario: Scenario, ledger_file: Path | None = None) -> None:
        self.scenario = scenario
        self.behaviour = scenario.behaviour
        self.rng = random.Random(scenario.seed)
        self.timers = TimerHeap()
        self.ledger = Ledger(ledger_file)
        self.online: dict[str, int] = {}
        """User id -> how many open sessions it has."""
        self.users: dict[str, UserState] = {}
        self.licences = LicencePools(scenario.licences)
        self.sessions: dict[str, ServerSession] = {}
        self.agents: dict[tuple[str, str, str], DialerAgent] = {}
        self.campaigns = {
            spec.id: CampaignState.from_spec(spec, scenario.seed, order)
            for order, spec in enumerate(scenario.campaigns)
        }
        self.woken: set[str] = set()
        self.dirty: dict[CampaignState, None] = {}
        self.now = 0.0
        self.settled = 0.0
        self._interaction = 1_000_000_000

    def send(self, session: ServerSession, message: WireModel) -> None:
        """Queue a message for a session (JSON-ready dict) and mark the session to be woken."""
        self.send_wire(session, message.to_wire())

    def send_wire(self, session: ServerSession, wire: dict[str, Any]) -> None:
        """Queue a message already in its wire form (what ``to_wire()`` returns) for a session."""
        session.queue.append(wire)
        self.woken.add(session.session_id)

    def send_agent(self, agent: DialerAgent, message: WireModel) -> None:
        """Queue a Dialer message for every open session of the agent's group."""
        self.send_agent_wire(agent, message.to_wire())

    def send_agent_wire(self, agent: DialerAgent, wire: dict[str, Any]) -> None:
        """Queue a Dialer message already in its wire form for every open session of the agent's group."""
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
        """Return a fresh upper-case GUID drawn from the seeded RNG: ``str(uuid.UUID(int=bits,
        version=4)).upper()`` for the next 128 random bits, spelled out without the ``UUID`` object."""
        digits = f"{self.rng.getrandbits(128) & _GUID_KEPT | _GUID_VERSION_4:032X}"
        return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"
