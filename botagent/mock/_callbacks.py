"""Scheduled callbacks and follow-up calls: when they fall due, who gets them, and what is counted.

A disposition with ``scheduledTime`` books a callback for the contact (R25). ``relativeTo`` says how
to read the time: ``0`` (UTC, also when absent) as seconds since the epoch, UTC; ``1`` (Contact) as the
contact's own wall clock written in epoch seconds, so the callback falls due at ``scheduledTime`` less
the contact's UTC offset (``contacts.utc_offset`` hours, or the contact's ``contacts.utc_offset_column``).
The ICWS pages give the enum but not its reading; this one is the mock's assumption.

A callback with ``scheduledAgent`` is *agent-owned* (R26): when it falls due it waits for its owner
for ``callbacks.owner_window`` seconds, as Interaction Dialer's "Reschedule Delay" of agent callbacks
(60 minutes by default) does. Then ``callbacks.fallback`` decides: ``campaign`` turns it into a
campaign-wide callback that any agent of the campaign may get (Dialer's "convert to campaign-wide"),
``expire`` drops it. ``owner_window: null`` keeps it for its owner for ever. The window's timer runs
only while the callback waits in its owner's queue: taken, the callback lets go of it (so a dialed
callback is not kept for the rest of its window), and given back, it gets one for what is left of the
window, or falls back at once when the window has passed.

``placeAdditionalFollowUpCall: true`` asks Dialer to call the contact once more after this call (the
ICWS pages name the flag without saying more; the mock's reading): the follow-up is a callback due
``callbacks.follow_up_delay`` seconds after the disposition, owned by the agent that dispositioned
(``follow_up: agent``), campaign-wide (``campaign``) or not placed at all (``ignore``).

Due callbacks come before fresh contacts. Each one falling due counts ``callbacksDue``; when it is
dialed (or, in preview, popped) it counts ``callbacksKept`` when that happens within
``callbacks.on_time`` seconds of falling due, else ``callbacksLate``. ``callbacksFallenBack`` and
``callbacksExpired`` count what the owner window did; ``followUps`` the follow-ups booked.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from botagent.wire import RelativeTo

if TYPE_CHECKING:
    from botagent.mock._state import Callback, CampaignState, World

__all__ = ["CallbackDesk", "CallbackPolicy", "due_time"]


class CallbackPolicy(BaseModel):
    """A campaign's callback knobs (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    owner_window: float | None = Field(3600.0, ge=0.0, le=30 * 86400.0)
    """Seconds a due agent-owned callback waits for its owner; None: for ever."""
    fallback: Literal["campaign", "expire"] = "campaign"
    """What an agent-owned callback becomes when the owner window passes."""
    on_time: float = Field(60.0, ge=0.0, le=86400.0)
    """A callback dialed within this many seconds of falling due is kept, later ones are late."""
    follow_up: Literal["agent", "campaign", "ignore"] = "agent"
    """Who gets the call ``placeAdditionalFollowUpCall`` asks for."""
    follow_up_delay: float = Field(0.0, ge=0.0, le=86400.0)
    """Seconds from the disposition until the follow-up call falls due."""


def due_time(scheduled_time: int, relative_to: int | None, utc_offset_hours: float) -> float:
    """When (epoch seconds, UTC) a callback booked for ``scheduled_time`` falls due."""
    if relative_to == RelativeTo.CONTACT:
        return scheduled_time - utc_offset_hours * 3600.0
    return float(scheduled_time)


class CallbackDesk:
    """Books callbacks on the engine's timers and keeps each campaign's due queues."""

    def __init__(self, world: World) -> None:
        self.world = world

    def book(self, callback: Callback, campaign: CampaignState, now: float) -> None:
        """Queue a callback now when it is due already, else when its time comes."""
        if callback.due <= now:
            self._fall_due(callback, campaign, now)
            return
        self.world.timers.schedule(callback.due, lambda at: self._fall_due(callback, campaign, at))

    def _fall_due(self, callback: Callback, campaign: CampaignState, now: float) -> None:
        self._count(campaign, "callbacksDue")
        callback.fell_due = now
        self.queue(callback, campaign)

    def _watch_window(self, callback: Callback, campaign: CampaignState) -> None:
        window = campaign.spec.callbacks.owner_window
        if window is None or callback.fell_due is None or callback.window is not None:
            return
        ends = callback.fell_due + window
        if ends < self.world.now:
            callback.window_over = True
            return
        callback.window = self.world.timers.schedule(ends, lambda at: self._window_over(callback, campaign))

    def _window_over(self, callback: Callback, campaign: CampaignState) -> None:
        callback.window = None
        callback.window_over = True
        queue = campaign.due_for.get(callback.agent or "")
        if queue is not None and callback in queue:
            queue.remove(callback)
            if not queue:
                del campaign.due_for[callback.agent or ""]
            self.queue(callback, campaign)

    def queue(self, callback: Callback, campaign: CampaignState, *, front: bool = False) -> None:
        """Put a due callback in its owner's queue, the campaign's, or nowhere once it expired."""
        if callback.agent is not None:
            self._watch_window(callback, campaign)
        if callback.agent is not None and callback.window_over:
            if campaign.spec.callbacks.fallback == "expire":
                self._count(campaign, "callbacksExpired")
                return
            self._count(campaign, "callbacksFallenBack")
            callback.agent = None
        if callback.agent is None:
            target = campaign.due_any
        else:
            target = campaign.due_for.setdefault(callback.agent, deque())
        if front:
            target.appendleft(callback)
        else:
            target.append(callback)
        self.world.dirty[campaign] = None

    def take_for(self, campaign: CampaignState, user_id: str) -> Callback | None:
        """Take the oldest due callback owned by this user, or None."""
        queue = campaign.due_for.get(user_id)
        if not queue:
            return None
        callback = queue.popleft()
        if not queue:
            del campaign.due_for[user_id]
        if callback.window is not None:
            callback.window.cancel()
            callback.window = None
        return callback

    def dialed(self, callback: Callback, campaign: CampaignState, now: float) -> None:
        """Count a callback as kept or late, the first time it is dialed or popped."""
        if callback.counted:
            return
        callback.counted = True
        fell_due = callback.due if callback.fell_due is None else callback.fell_due
        late = now - fell_due > campaign.spec.callbacks.on_time
        self._count(campaign, "callbacksLate" if late else "callbacksKept")

    def _count(self, campaign: CampaignState, what: str) -> None:
        self.world.ledger.count(campaign.name, what)
