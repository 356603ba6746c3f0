"""The agent's own user queue: each Dialer call's interaction as queueContentsMessages told it.

On a real server a Dialer call is an interaction on the agent's user queue, and "Dialer does not
actually disconnect the call. The application, agent, or caller must disconnect the call" (official
disposition page). The agent subscribes to its queue (queue type 1, official queue subscription page)
asking for ``Eic_State``, and follows each interaction: connected (``C``), disconnected (``I`` on this
side, ``E`` by the far end), or removed from the queue.

An interaction seen alerting (``A``) is an inbound ACD interaction (R33; Dialer calls arrive connected
or dialing): a blended agent picks up the oldest one still alerting, and holds it until it ends.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from botagent.wire import DISCONNECTED_STATES, InteractionState, QueueContentsMessage, QueueInteraction

__all__ = ["QUEUE_ATTRIBUTES", "QUEUE_SUBSCRIPTION_ID", "QueueFacts"]

QUEUE_SUBSCRIPTION_ID = "botagent-user-queue"
"""The id of the agent's one queue subscription; messages for other subscriptions are ignored."""

QUEUE_ATTRIBUTES = ("Eic_CallId", "Eic_State")
"""The interaction attributes the agent asks for: the call's id and its state."""

_STATE = "eic_state"
_REMOVED = ""
"""The state kept for an interaction removed from the queue without a disconnected state."""
_MEMORY = 64
"""How many interactions are remembered, to ignore late notices about ended ones; the oldest are
forgotten first, so an agent's memory stays the same however many calls it takes."""


@dataclass(slots=True)
class QueueFacts:
    """What the agent's queue subscription told it; changed only through its own methods."""

    watching: bool = False
    """The subscription was accepted, so the interactions of Dialer calls are followed."""
    states: dict[str, str] = field(default_factory=dict)
    """Interaction id -> its last ``Eic_State`` (``""`` once removed without one)."""
    connected_at: dict[str, float] = field(default_factory=dict)
    """Interaction id -> when it was first seen connected, until it ends."""
    dispositioned: dict[str, None] = field(default_factory=dict)
    """Dispositioned calls whose interaction had not ended when the disposition was answered."""
    alerts: dict[str, float] = field(default_factory=dict)
    """ACD interaction id -> when it was first seen alerting, until it ends or is picked up."""
    acd: dict[str, None] = field(default_factory=dict)
    """Every ACD interaction seen (trimmed like ``states``), to tell them from Dialer calls."""
    acd_current: str | None = None
    """The ACD interaction the agent picked up, until it ends."""
    acd_picked_up_at: float | None = None

    def subscribed(self) -> None:
        """The server accepted the subscription."""
        self.watching = True

    def observe(self, message: QueueContentsMessage, now: float) -> list[tuple[str, float | None]]:
        """Learn from one queueContentsMessage that arrived at ``now``.

        Returns:
            The interactions that ended with this message, each with when it was seen connected (None
            when it never was), for the connect-to-disconnect KPI.
        """
        if message.subscription_id != QUEUE_SUBSCRIPTION_ID:
            return []
        ended: list[tuple[str, float | None]] = []
        for interaction in [*(message.interactions_added or ()), *(message.interactions_changed or ())]:
            ended.extend(self._change(interaction, now))
        ended.extend(self._removed(message.interactions_removed or ()))
        self._trim()
        return ended

    def _change(self, interaction: QueueInteraction, now: float) -> list[tuple[str, float | None]]:
        interaction_id = interaction.interaction_id
        state = next((v for k, v in interaction.attributes.items() if k.casefold() == _STATE), None)
        if state is None or self.ended(interaction_id):
            return []
        self.states[interaction_id] = state
        if state == InteractionState.ALERTING and interaction_id not in self.acd:
            self.acd[interaction_id] = None
            self.alerts[interaction_id] = now
        if state == InteractionState.CONNECTED:
            self.connected_at.setdefault(interaction_id, now)
        return [self._end(interaction_id)] if state in DISCONNECTED_STATES else []

    def _removed(self, interaction_ids: Iterable[str]) -> list[tuple[str, float | None]]:
        ended = []
        for interaction_id in interaction_ids:
            if not self.ended(interaction_id):
                self.states[interaction_id] = _REMOVED
                ended.append(self._end(interaction_id))
        return ended

    def _end(self, interaction_id: str) -> tuple[str, float | None]:
        self.dispositioned.pop(interaction_id, None)
        self.alerts.pop(interaction_id, None)
        return interaction_id, self.connected_at.pop(interaction_id, None)

    def _trim(self) -> None:
        while len(self.states) > _MEMORY:
            oldest = next(iter(self.states))
            del self.states[oldest]
            self.connected_at.pop(oldest, None)
            self.dispositioned.pop(oldest, None)
            self.acd.pop(oldest, None)

    def live(self, interaction_id: str) -> bool:
        """The interaction is on the queue and has not ended (dialing, alerting, connected, held)."""
        return interaction_id in self.states and not self.ended(interaction_id)

    def ended(self, interaction_id: str) -> bool:
        """The interaction was disconnected or removed from the queue."""
        state = self.states.get(interaction_id)
        return state is not None and (state == _REMOVED or state in DISCONNECTED_STATES)

    def is_acd(self, interaction_id: str) -> bool:
        """The interaction was seen alerting: an inbound ACD one, not a Dialer call."""
        return interaction_id in self.acd

    def next_alert(self) -> str | None:
        """The oldest ACD interaction still alerting and not picked up, if any."""
        return next((i for i in self.alerts if self.live(i)), None)

    def picking_up(self, interaction_id: str) -> float:
        """The agent picks up this alert; returns when it was first seen alerting."""
        self.acd_current = interaction_id
        return self.alerts.pop(interaction_id)

    def picked_up(self, now: float) -> None:
        """The pick-up was answered: the talk starts."""
        self.acd_picked_up_at = now

    def acd_done(self) -> float | None:
        """The agent's ACD interaction is over; returns when it was picked up (None if it never was)."""
        picked_up_at = self.acd_picked_up_at
        self.acd_current, self.acd_picked_up_at = None, None
        return picked_up_at

    def holding_acd(self) -> str | None:
        """An ACD interaction alerting on the queue or picked up and not ended (R33), if any."""
        current = self.acd_current
        if current is not None and self.live(current):
            return current
        return self.next_alert()

    def dispositioned_call(self, interaction_id: str) -> None:
        """The call was dispositioned; while its interaction lives on, it is left connected."""
        if self.live(interaction_id):
            self.dispositioned[interaction_id] = None

    def left_connected(self) -> list[str]:
        """Dispositioned calls whose interaction is still live; each is named once."""
        ids = [i for i in self.dispositioned if self.live(i)]
        self.dispositioned.clear()
        return ids
