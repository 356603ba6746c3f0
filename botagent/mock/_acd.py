"""Inbound ACD interactions for blended agents (R33): arrivals, alerts, pick-ups and time-outs.

Theory of operation
-------------------
A blended agent takes inbound ACD interactions as well as Dialer calls (seed rule R33). Each scenario
workgroup (``WorkgroupSpec``) has callers arriving at random, a Poisson process with its own RNG seeded
from the scenario's seed and the workgroup's name; the first arrival is drawn when the first session
opens, so a clock that jumps to the present makes no burst. An arrival waits in its workgroup's queue
(first come, first served; at most ``max_waiting``, later arrivals are only counted ``refused``).

``distribute`` alerts a free member for each waiting interaction: a member of the workgroup with an
open session, in an available ACD status, holding no ACD interaction, and whose Dialer agent (when it
has one) holds no Dialer call and no reservation; the one free the longest goes first. The interaction
appears on that user's queue alerting (``Eic_State`` ``A``) and the user holds it: the pacer's notion
of a free agent excludes it, so Dialer neither pops nor reserves a call for it meanwhile (R33 both
ways). ``pick_up`` connects it; the agent or the caller (``caller_hangup``) disconnects it, or it ends
with the user's last session (``session`` when the client closed it, ``server`` when the server lost
it). An alert not picked up within ``alert_timeout`` leaves the
user's queue and waits again; one that waited ``abandon_after`` without being picked up is abandoned.

Every ACD interaction has an ``AcdEntry`` in the ledger's ``acd`` list; the Dialer campaign metrics
never count them.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field

from botagent.mock._errors import EngineError, ErrorIds
from botagent.mock._interactions import Interaction, Interactions
from botagent.mock._pacing import Pacer
from botagent.mock._scenario import WorkgroupSpec
from botagent.mock._state import ServerSession, UserState, World
from botagent.mock._timers import Timer
from botagent.wire import AcdEntry, InteractionState

__all__ = ["Acd"]


@dataclass(slots=True, eq=False)
class _Workgroup:
    """A workgroup's runtime state: its draws, the interactions waiting and the next arrival."""

    spec: WorkgroupSpec
    rng: random.Random
    members: frozenset[str]
    waiting: deque[_Waiting] = field(default_factory=deque)
    arrival: Timer | None = None


@dataclass(slots=True, eq=False)
class _Waiting:
    """An ACD interaction nobody holds: its entry and the timer that abandons it."""

    entry: AcdEntry
    abandon: Timer | None = None


@dataclass(slots=True, eq=False)
class _Held:
    """An ACD interaction alerting or connected to a user, with its alert timer."""

    interaction: Interaction
    workgroup: _Workgroup
    waiting: _Waiting
    alert_timer: Timer | None = None


class Acd:
    """Every workgroup's arrivals and the ACD interactions users hold."""

    def __init__(self, world: World, interactions: Interactions, pacer: Pacer) -> None:
        self.world = world
        self.interactions = interactions
        self.pacer = pacer
        self._started = False
        self._held: dict[str, _Held] = {}
        scenario = world.scenario
        self._workgroups = [
            _Workgroup(
                spec,
                random.Random(f"{scenario.seed}/acd/{spec.name}"),
                frozenset(u.user_id for u in scenario.user_table.values() if spec.name in u.workgroups),
            )
            for spec in scenario.workgroups
        ]

    # --- arrivals ---------------------------------------------------------------------------------------

    def start(self, now: float) -> None:
        """Draw each workgroup's first arrival (once; later calls do nothing)."""
        if self._started:
            return
        self._started = True
        for workgroup in self._workgroups:
            self._arm_arrival(workgroup, now)

    def _arm_arrival(self, workgroup: _Workgroup, now: float) -> None:
        rate = workgroup.spec.arrivals_per_minute / 60.0
        if rate <= 0.0:
            return
        after = workgroup.rng.expovariate(rate)
        workgroup.arrival = self.world.timers.schedule(now + after, lambda at: self._arrive(workgroup, at))

    def _arrive(self, workgroup: _Workgroup, now: float) -> None:
        self._arm_arrival(workgroup, now)
        if len(workgroup.waiting) >= workgroup.spec.max_waiting:
            self.world.ledger.acd_refused += 1
            return
        entry = AcdEntry(
            interaction_id=self.world.new_interaction_id(), workgroup=workgroup.spec.name, arrived_at=now
        )
        self.world.ledger.add_acd(entry)
        waiting = _Waiting(entry)
        if workgroup.spec.abandon_after is not None:
            waiting.abandon = self.world.timers.schedule(
                now + workgroup.spec.abandon_after, lambda at: self._abandon(workgroup, waiting, at)
            )
        workgroup.waiting.append(waiting)

    def _abandon(self, workgroup: _Workgroup, waiting: _Waiting, now: float) -> None:
        entry = waiting.entry
        if entry.state == "waiting":
            workgroup.waiting.remove(waiting)
            entry.state, entry.disconnected_by, entry.disconnected_at = "abandoned", "remote", now
        elif entry.state == "alerting":
            held = self._held[entry.interaction_id]
            entry.state = "abandoned"
            self.interactions.end(held.interaction, "remote", now)
        self.world.ledger.changes += 1

    # --- alerts -----------------------------------------------------------------------------------------

    def distribute(self, now: float) -> None:
        """Alert a free member for each waiting interaction, oldest first, while any member is free."""
        for workgroup in self._workgroups:
            while workgroup.waiting:
                user = self._free_member(workgroup)
                if user is None:
                    break
                self._alert(workgroup, workgroup.waiting.popleft(), user, now)

    def _free_member(self, workgroup: _Workgroup) -> UserState | None:
        free = [
            user
            for user_id in self.world.online
            if user_id in workgroup.members and (user := self.world.users.get(user_id)) is not None
            if self.is_free(user)
        ]
        return min(free, key=lambda user: user.acd_since, default=None)

    def is_free(self, user: UserState) -> bool:
        """True when an ACD interaction may alert the user (R33: no Dialer call, no reservation)."""
        agent = user.dialer_agent
        busy = agent is not None and (agent.call is not None or agent.reservation is not None)
        return user.acd is None and user.status.available and not busy

    def _alert(self, workgroup: _Workgroup, waiting: _Waiting, user: UserState, now: float) -> None:
        entry = waiting.entry
        entry.state, entry.agent, entry.alerted_at = "alerting", user.user_id, now
        entry.alerts += 1
        user.acd = entry
        interaction = self.interactions.alert(entry, user, self._ended)
        held = self._held[entry.interaction_id] = _Held(interaction, workgroup, waiting)
        held.alert_timer = self.world.timers.schedule(
            now + workgroup.spec.alert_timeout, lambda at: self._alert_timed_out(held, at)
        )
        self.world.ledger.changes += 1
        self._refresh(user)

    def _alert_timed_out(self, held: _Held, now: float) -> None:
        if held.interaction.state is InteractionState.ALERTING:
            self._requeue(held, now)

    def _requeue(self, held: _Held, now: float) -> None:
        entry = held.waiting.entry
        user = held.interaction.user
        self.interactions.recall(held.interaction)
        del self._held[entry.interaction_id]
        entry.state, entry.agent, entry.interaction_state = "waiting", None, None
        self._free(user, now)
        held.workgroup.waiting.appendleft(held.waiting)
        self.world.ledger.changes += 1

    # --- the agent's side -------------------------------------------------------------------------------

    def pick_up(self, session: ServerSession, interaction_id: str, now: float) -> None:
        """``POST /interactions/{id}/pickup``: connect an ACD interaction alerting the session's user.

        Picking up one already connected changes nothing.

        Raises:
            EngineError: 404 for an interaction that is not on the user's queue; 400 for one that is
                not alerting or connected (a Dialer call, or one that ended).
        """
        interaction = self.interactions.mine(session, interaction_id)
        held = self._held.get(interaction_id)
        if held is None or not interaction.live:
            raise EngineError(
                400, ErrorIds.INVALID_PROPERTY, f"The interaction {interaction_id} cannot be picked up."
            )
        if interaction.state is not InteractionState.ALERTING:
            return
        if held.alert_timer is not None:
            held.alert_timer.cancel()
        entry = held.waiting.entry
        entry.state, entry.picked_up_at = "connected", now
        if held.waiting.abandon is not None:
            held.waiting.abandon.cancel()
        self.interactions.pick_up(interaction, held.workgroup.spec.caller_hangup, held.workgroup.rng, now)
        self.world.ledger.changes += 1

    def _ended(self, interaction: Interaction) -> None:
        held = self._held.pop(interaction.interaction_id)
        entry = held.waiting.entry
        if entry.state != "abandoned":
            entry.state = "disconnected"
        if held.alert_timer is not None:
            held.alert_timer.cancel()
        if held.waiting.abandon is not None:
            held.waiting.abandon.cancel()
        self._free(interaction.user, entry.disconnected_at or self.world.now)
        self.world.ledger.changes += 1

    def _free(self, user: UserState, now: float) -> None:
        user.acd = None
        user.acd_since = now
        self._refresh(user)

    def _refresh(self, user: UserState) -> None:
        if user.dialer_agent is not None:
            self.pacer.refresh(user.dialer_agent)

    # --- sessions -----------------------------------------------------------------------------------------

    def session_opened(self, user: UserState) -> None:
        """Count one more open session of the user."""
        self.world.online[user.user_id] = self.world.online.get(user.user_id, 0) + 1

    def session_closed(self, user: UserState, now: float, *, lost: bool) -> None:
        """Count one session less; when it was the user's last, its ACD interaction ends or waits again.

        A connected one ends by ``session`` when the client closed the session or let it expire (the
        agent left it behind), by ``server`` when the server lost the session (a fault, a restart, a
        switchover): then no agent could have ended it.
        """
        left = self.world.online.get(user.user_id, 1) - 1
        if left > 0:
            self.world.online[user.user_id] = left
            return
        self.world.online.pop(user.user_id, None)
        entry = user.acd
        if entry is None:
            return
        held = self._held[entry.interaction_id]
        if held.interaction.state is InteractionState.ALERTING:
            self._requeue(held, now)
        else:
            self.interactions.end(held.interaction, "server" if lost else "session", now)
