"""The interaction of every Dialer call on its agent's user queue, and who disconnects it.

Theory of operation
-------------------
On a real server a Dialer call is an ICWS interaction on the agent's user queue, and "Dialer does not
actually disconnect the call. The application, agent, or caller must disconnect the call" (official
disposition page). `Interactions` models that, on the engine's clock and with no I/O:

- A data pop puts its interaction on the agent's queue connected; a preview's interaction appears when
  it is placed (proceeding) and connects, or ends unanswered, with the dial's outcome.
- It ends once, by one of three parties, each written in the call's ledger entry (``disconnectedBy``,
  ``disconnectedAt``): the ``agent`` (``POST /interactions/{id}/disconnect``), the ``remote`` party
  (after the campaign's drawn ``remote_hangup`` delay, or a preview nobody answered), or the
  ``disposition`` (when the pop's ``autoDisconnectOnDisposition`` is true).
- A session that subscribed to the user's own queue (queue type 1, official queue subscription page)
  gets a ``urn:inin.com:queues:queueContentsMessage`` for each change: ``interactionsAdded`` (the
  first message of a subscription, ``isDelta`` false, lists what is on the queue),
  ``interactionsChanged`` and ``interactionsRemoved``, carrying only the attributes it asked for.

A dispositioned call whose interaction is still connected, or was disconnected after its disposition,
is a ledger finding (see ``botagent.report``'s reconciliation).

Inbound ACD interactions of blended agents (``_acd.py``, R33) live on the same queues: one appears
alerting (``Eic_State`` ``A``), connects when its agent picks it up, goes back to its workgroup when the
alert times out (removed from the user queue, not disconnected), and ends like a Dialer call, by the
``agent`` or the ``remote`` caller, or by the ``server`` when its agent's last session ends.

An ended interaction is remembered, so that disconnecting it again is a no-op rather than a 404, for
its user's latest ``ENDED_KEPT`` ended interactions only: memory follows the agents, not the calls.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from botagent.mock._durations import Delay
from botagent.mock._errors import EngineError, ErrorIds
from botagent.mock._state import LiveCall, ServerSession, UserState, World
from botagent.mock._timers import Timer
from botagent.wire import (
    AcdEntry,
    InteractionState,
    LedgerEntry,
    QueueContentsMessage,
    QueueInteraction,
    QueueSubscriptionRequest,
    QueueType,
)

__all__ = ["Interaction", "Interactions"]

_STATE_WORDS = {
    InteractionState.ALERTING: ("alerting", "Alerting"),
    InteractionState.PROCEEDING: ("proceeding", "Dialing"),
    InteractionState.CONNECTED: ("connected", "Connected"),
    InteractionState.INTERNAL_DISCONNECT: ("disconnected", "Disconnected"),
    InteractionState.EXTERNAL_DISCONNECT: ("disconnected", "Disconnected"),
}
"""Eic_State -> (the ledger's ``interactionState``, the ``Eic_CallStateString`` sent) [inferred]."""


@dataclass(slots=True, eq=False)
class Interaction:
    """One interaction on a user's queue, a Dialer ``call`` or an inbound ``acd`` one (exactly one of
    them is set); changed only by `Interactions`. ``ended`` is told once when it ends."""

    user: UserState
    state: InteractionState
    call: LiveCall | None = None
    acd: AcdEntry | None = None
    hangup: Timer | None = None
    ended: Callable[[Interaction], None] | None = None

    @property
    def record(self) -> LedgerEntry | AcdEntry:
        """The ledger entry its interaction state and disconnect are written in."""
        record = self.call.record if self.call is not None else self.acd
        assert record is not None
        return record

    @property
    def interaction_id(self) -> str:
        return self.record.interaction_id

    @property
    def live(self) -> bool:
        return self.state in _LIVE

    def attributes(self, names: tuple[str, ...]) -> dict[str, str]:
        """The attributes among ``names`` this interaction has (names match in any letter case)."""
        known = {
            "eic_callid": self.interaction_id,
            "eic_state": self.state.value,
            "eic_callstatestring": _STATE_WORDS[self.state][1],
            "eic_objecttype": "Call",
            **self._own_attributes(),
        }
        return {name: known[name.casefold()] for name in names if name.casefold() in known}

    def _own_attributes(self) -> dict[str, str]:
        if self.acd is not None:
            return {"eic_calldirection": "I", "eic_workgroupname": self.acd.workgroup}
        assert self.call is not None
        record = self.call.record
        return {
            "eic_calldirection": "O",
            "eic_remotetn": record.attributes.get("IS_ATTR_NumberToDial", ""),
            **{key.casefold(): value for key, value in record.attributes.items()},
        }


ENDED_KEPT: Final = 4
"""Ended interactions remembered per user (older ones are forgotten: unknown, 404)."""

_LIVE = frozenset({InteractionState.ALERTING, InteractionState.PROCEEDING, InteractionState.CONNECTED})


@dataclass(slots=True, eq=False)
class _Watch:
    """A session's subscription to its user's own queue: its id and the attributes it asked for."""

    session: ServerSession
    subscription_id: str
    attribute_names: tuple[str, ...]


@dataclass(slots=True, eq=False)
class Interactions:
    """Every Dialer call's interaction, the sessions watching user queues, and disconnects."""

    world: World
    _by_id: dict[str, Interaction] = field(default_factory=dict)
    _queues: dict[str, dict[str, Interaction]] = field(default_factory=dict)
    _watches: dict[str, dict[tuple[ServerSession, str], _Watch]] = field(default_factory=dict)
    _ended: dict[str, deque[str]] = field(default_factory=dict)
    """User id -> the ids of its latest ended interactions, oldest first."""

    # --- subscriptions --------------------------------------------------------------------------------

    def subscribe(
        self, session: ServerSession, subscription_id: str, request: QueueSubscriptionRequest
    ) -> None:
        """Create or replace a queue subscription; the session user's own user queue gets its contents.

        Raises:
            EngineError: 400 when ``attributeNames`` or ``queueIds`` is empty (``List [1,*]`` and
                required, official queue subscription page).
        """
        if not request.attribute_names:
            raise EngineError.invalid_property(
                "attributeNames", "attributeNames must name at least one attribute."
            )
        if not request.queue_ids:
            raise EngineError.invalid_property("queueIds", "queueIds must name at least one queue.")
        self.unsubscribe(session, subscription_id)
        user_id = session.user.user_id
        own = any(
            q.queue_type == QueueType.USER and q.queue_name.casefold() == user_id.casefold()
            for q in request.queue_ids
        )
        if not own:
            return
        watch = _Watch(session, subscription_id, tuple(request.attribute_names))
        self._watches.setdefault(user_id, {})[(session, subscription_id)] = watch
        current = [
            QueueInteraction(interaction_id=i.interaction_id, attributes=i.attributes(watch.attribute_names))
            for i in self._queues.get(user_id, {}).values()
        ]
        message = QueueContentsMessage(
            subscription_id=subscription_id, is_delta=False, interactions_added=current
        )
        self.world.send(session, message)

    def unsubscribe(self, session: ServerSession, subscription_id: str) -> None:
        """End one subscription of ``session`` (nothing happens for an unknown one)."""
        self._watches.get(session.user.user_id, {}).pop((session, subscription_id), None)

    def session_closed(self, session: ServerSession) -> None:
        """Drop every subscription of a session that ended."""
        watches = self._watches.get(session.user.user_id, {})
        for key in [key for key in watches if key[0] is session]:
            del watches[key]

    # --- the call's life -------------------------------------------------------------------------------

    def connected_pop(self, call: LiveCall, user: UserState, now: float) -> None:
        """A data pop: the call reaches the agent's queue connected."""
        interaction = Interaction(user, InteractionState.CONNECTED, call=call)
        self._add(interaction)
        self._arm_hangup(interaction, call.campaign.spec.remote_hangup, call.campaign.rng, now)

    def placed(self, call: LiveCall, user: UserState) -> None:
        """A preview was placed: its interaction appears on the queue, dialing."""
        self._add(Interaction(user, InteractionState.PROCEEDING, call=call))

    def answered(self, call: LiveCall, now: float) -> None:
        """A placed preview was answered: its interaction connects."""
        interaction = self._by_id.get(call.record.interaction_id)
        if interaction is None or not interaction.live:
            return
        interaction.state = InteractionState.CONNECTED
        call.record.interaction_state = "connected"
        self._tell(interaction, changed=True)
        self._arm_hangup(interaction, call.campaign.spec.remote_hangup, call.campaign.rng, now)

    def unanswered(self, call: LiveCall, now: float) -> None:
        """A placed preview nobody answered: its interaction ends by the far end."""
        interaction = self._by_id.get(call.record.interaction_id)
        if interaction is not None and interaction.live:
            self._end(interaction, "remote", now)

    def dispositioned(self, call: LiveCall, now: float) -> None:
        """The call was dispositioned: the server disconnects it when its pop says so."""
        interaction = self._by_id.get(call.record.interaction_id)
        if interaction is not None and interaction.live and call.wire.auto_disconnect_on_disposition:
            self._end(interaction, "disposition", now)

    def disconnect(self, session: ServerSession, interaction_id: str, now: float) -> None:
        """``POST /interactions/{id}/disconnect`` by the session's user; one already ended stays as it was.

        Raises:
            EngineError: 404 when no interaction with that id is on the user's queue or was on it.
        """
        interaction = self.mine(session, interaction_id)
        if interaction.live:
            self._end(interaction, "agent", now)

    def mine(self, session: ServerSession, interaction_id: str) -> Interaction:
        """The interaction with this id that is or was on the session user's queue.

        Raises:
            EngineError: 404 when there is none.
        """
        interaction = self._by_id.get(interaction_id)
        if interaction is None or interaction.user is not session.user:
            raise EngineError(404, ErrorIds.NOT_FOUND, f"The interaction {interaction_id} does not exist.")
        return interaction

    # --- inbound ACD interactions (R33) -----------------------------------------------------------------

    def alert(self, entry: AcdEntry, user: UserState, ended: Callable[[Interaction], None]) -> Interaction:
        """An ACD interaction alerts ``user``: it appears on the user's queue, alerting."""
        interaction = Interaction(user, InteractionState.ALERTING, acd=entry, ended=ended)
        self._add(interaction)
        return interaction

    def pick_up(self, interaction: Interaction, hangup: Delay | None, rng: random.Random, now: float) -> None:
        """The alerting interaction's agent picked it up: it connects (the caller may hang up later)."""
        interaction.state = InteractionState.CONNECTED
        interaction.record.interaction_state = "connected"
        self._tell(interaction, changed=True)
        self._arm_hangup(interaction, hangup, rng, now)

    def recall(self, interaction: Interaction) -> None:
        """An alert nobody picked up leaves the user's queue (it goes back to its workgroup)."""
        self._queues.get(interaction.user.user_id, {}).pop(interaction.interaction_id, None)
        self._by_id.pop(interaction.interaction_id, None)
        self._tell(interaction, removed=True)

    def end(self, interaction: Interaction, by: str, now: float) -> None:
        """End a live interaction on behalf of ``by`` (``remote`` or ``server``); an ended one stays."""
        if interaction.live:
            self._end(interaction, by, now)

    # --- inside ------------------------------------------------------------------------------------------

    def _add(self, interaction: Interaction) -> None:
        self._by_id[interaction.interaction_id] = interaction
        self._queues.setdefault(interaction.user.user_id, {})[interaction.interaction_id] = interaction
        interaction.record.interaction_state = _STATE_WORDS[interaction.state][0]
        self._tell(interaction, added=True)

    def _arm_hangup(
        self, interaction: Interaction, delay: Delay | None, rng: random.Random, now: float
    ) -> None:
        if delay is None:
            return
        after = delay.sample(rng)
        interaction.hangup = self.world.timers.schedule(
            now + after, lambda at: self._hung_up(interaction, at)
        )

    def _hung_up(self, interaction: Interaction, now: float) -> None:
        if interaction.live:
            self._end(interaction, "remote", now)

    def _end(self, interaction: Interaction, by: str, now: float) -> None:
        if interaction.hangup is not None:
            interaction.hangup.cancel()
        far = by == "remote"
        interaction.state = (
            InteractionState.EXTERNAL_DISCONNECT if far else InteractionState.INTERNAL_DISCONNECT
        )
        record = interaction.record
        record.interaction_state = "disconnected"
        record.disconnected_by = by
        record.disconnected_at = now
        self._tell(interaction, changed=True)
        self._queues.get(interaction.user.user_id, {}).pop(interaction.interaction_id, None)
        self._remember_ended(interaction)
        self._tell(interaction, removed=True)
        if interaction.ended is not None:
            interaction.ended(interaction)

    def _remember_ended(self, interaction: Interaction) -> None:
        ended = self._ended.get(interaction.user.user_id)
        if ended is None:
            ended = self._ended[interaction.user.user_id] = deque()
        ended.append(interaction.interaction_id)
        if len(ended) > ENDED_KEPT:
            forgotten = ended.popleft()
            if self._by_id.get(forgotten) is not None and not self._by_id[forgotten].live:
                del self._by_id[forgotten]

    def _tell(
        self, interaction: Interaction, *, added: bool = False, changed: bool = False, removed: bool = False
    ) -> None:
        watches = self._watches.get(interaction.user.user_id)
        if not watches:
            return
        for watch in watches.values():
            listed = [
                QueueInteraction(
                    interaction_id=interaction.interaction_id,
                    attributes=interaction.attributes(watch.attribute_names),
                )
            ]
            message = QueueContentsMessage(
                subscription_id=watch.subscription_id,
                is_delta=True,
                interactions_added=listed if added else None,
                interactions_changed=listed if changed else None,
                interactions_removed=[interaction.interaction_id] if removed else None,
            )
            self.world.send(watch.session, message)
