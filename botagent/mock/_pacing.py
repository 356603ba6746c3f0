"""Pacing: which campaign each free agent works for, how many lines each campaign dials, what each dial
becomes, and who gets the answered calls.

Theory of operation
-------------------
*Free and idle.* An agent (a group of sessions of one user and one application name) is *free* when it
is logged in to Dialer, holds no call and no reservation, is not on break nor waiting for one, has no
log-off pending, has a session open, and its user's status is an available (ACD) status it has set
since its last disposition (R4, R16, R18, R27, R31). A free agent is *idle* in each of its campaigns
that is running now (``campaign.running``: its live status, which ``_campaigns.py`` changes while a run
goes on) and that it is ready for (R3; a campaign joined after the last ready-for-calls is not, per the
official ready-for-calls page, unless ``ready_covers_later_campaigns``); ``CampaignState.idle`` keeps
those agents in the order they became idle, and ``refresh(agent)`` keeps the sets true after every
change.

*Allocation.* An agent works for one campaign at a time (``agent.assigned``): it is attached while
reserved for one of its dials, waiting in its predictive pool, or on or wrapping up one of its calls,
and is detached when it is free again (or goes on break, or logs off). A free agent attached nowhere is
*unassigned*. Each pacing round, for every campaign that changed, due callbacks go to their free
owners; then every unassigned agent, oldest first, is given to the campaign ``_allocation.choose``
picks among those it is idle in that have work (priority, then smooth weighted round robin over the
regular calls the agent itself took from each, then scenario order); then answered calls waiting for
an agent take free agents of their campaign (its pool, else an unassigned agent idle in it).

*Dialing, per mode.*

- preview: the assigned agent is reserved; after ``dial_delay`` it gets a ``previewPop`` (R6) which it
  places; the call rings and ends in an outcome the agent hears, whatever it is.
- power: one dial per assigned agent, reserved for it (one line per free agent). A connected call pops
  to it as a ``dataPop`` (R5, R7); any other outcome frees it again.
- predictive: assigned agents wait in the campaign's pool and dials are not reserved. The lines to have
  out come from ``_predictive.PredictiveModel`` (connect rate, connect time and handle time observed,
  agents due to free up within the connect time counted in, abandon target held by a controller), or
  are ``ceil(pool * lines_per_agent)`` when the scenario fixes the ratio. While its agents are busy
  the campaign paces again every quarter of its connect time (a second at least), so it dials ahead
  of agents as they come closer to being free.

``max_lines`` caps the power and predictive dials out at once. Every dial draws its outcome when it
starts (``_outcomes.py``; a preview when it is placed) and counts ``dialed`` and, when it ends, its
outcome. A connected call goes to its reserved agent, else to the pool's longest-waiting agent, else
to an unassigned agent idle in the campaign; with none, it waits ``abandon_grace`` seconds for one and
is then ``abandoned``.

A reserved agent that stops being free loses its reservation: a dial in progress goes on unreserved, a
preview not yet popped gives its contact back. Due callbacks come before fresh contacts; a callback owned
by an agent waits for that agent within its window (``_callbacks.py``, dialing mode OwnAgentCallback).

*Reproducibility.* Nothing here iterates a set or reads a clock: agents, campaigns and calls are kept in
insertion-ordered dicts and ties go to the scenario's order, so the same scenario and the same requests
at the same times give the same ledger. Over real HTTP the requests' timing differs from run to run, so
each agent's sequence of regular calls (campaign, contact, outcome, in order) depends only on the seeds
and that agent's own history:

- allocation reads the agent's own calls (``_allocation.py``), not the other agents';
- every draw that decides what an agent gets comes from its own stream in the campaign, keyed by
  (scenario seed, campaign id, user id) (``_streams.py``): the preview contact and its outcome; the
  power dial reserved for it (contact and outcome); and, for a connected call dialed for no agent
  (predictive, or a power dial whose agent stopped being free), the contact it carries, bound when it
  connects from the stream of the agent it reaches, with whether a person or (machine detection off) a
  machine is on the line. Such a dial takes a contact from the campaign's own stream while it rings,
  and gives it back to the list when it connects;
- the campaign's own RNG (seeded from the scenario's ``seed`` and the campaign id) draws the rest,
  which is timing: dial and ring delays, the predictive dials that reach no agent (no answer, busy,
  fax, SIT, a detected machine, abandoned), and the callbacks' outcomes.

Callbacks fall due at their scheduled time, which is real time: a callback's contact and owner are
reproducible, where it falls between an agent's regular calls is not, so callbacks are outside the
reproducible part. They take no draw from the agent's stream and do not count in its weighted turns,
so they shift none of its regular calls. Two agents' streams may draw the same contact, and a
reservation dropped while its dial rings (the agent stopped being free) goes on without it: those are
matters of timing too. A preview contact whose reservation is dropped goes back to its agent, which
gets it next.
"""

from __future__ import annotations

import math

from botagent.mock._allocation import choose
from botagent.mock._callbacks import CallbackDesk, due_time
from botagent.mock._interactions import Interactions
from botagent.mock._outcomes import Outcome, draw_outcome, reaches_agent
from botagent.mock._pops import abandoned_record, data_pop, pop_message, preview_pop
from botagent.mock._predictive import MAX_LINES_PER_AGENT
from botagent.mock._state import Callback, CampaignState, Contact, Dial, DialerAgent, LiveCall, World
from botagent.mock._streams import AgentStream, Draws
from botagent.wire import BreakStatus, DataPopMessage, DispositionRequest, PreviewPopCall

__all__ = ["Pacer"]

Source = tuple[Contact, Callback | None]

_NO_STREAM = AgentStream(key=b"")
"""Stands for the stream of an agent that has none in a campaign yet: nothing given back to it."""
_REPACE_SHARE = 0.25
"""While agents are busy, a predictive campaign paces again every quarter of its connect time..."""
_REPACE_LEAST = 1.0
"""...but not more often than once a second."""


class Pacer:
    """Keeps idle sets true, allocates agents, paces dials per campaign and turns dials into pops."""

    def __init__(self, world: World, interactions: Interactions) -> None:
        self.world = world
        self.interactions = interactions
        self.callbacks = CallbackDesk(world)
        self.unassigned: dict[DialerAgent, None] = {}
        self._ledger_changes = 0

    # --- who is idle where -------------------------------------------------------------------------

    def is_free(self, agent: DialerAgent, *, ignore_reservation: bool = False) -> bool:
        """True when nothing but campaign membership stands between the agent and a call."""
        return (
            agent.logged_in
            and agent.call is None
            and (ignore_reservation or agent.reservation is None)
            and agent.break_status == BreakStatus.NOT_ON_BREAK
            and not agent.logoff_all_pending
            and not agent.logoff_pending
            and not agent.awaiting_available
            and agent.user.status.available
            and agent.user.acd is None
            and agent.connected
        )

    def refresh(self, agent: DialerAgent) -> None:
        """Bring the agent's idle sets and attachment up to date; drop a reservation it no longer deserves."""
        free = self.is_free(agent, ignore_reservation=True)
        dial = agent.reservation
        if dial is not None:
            if not (free and dial.campaign in self._wanted(agent)):
                self.release(agent)  # it no longer deserves the reservation
                return
            target: dict[CampaignState, None] = {}  # reserved: idle nowhere
        else:
            target = dict.fromkeys(self._wanted(agent)) if free else {}
        for campaign in agent.idle_in:
            if campaign not in target:
                campaign.idle.pop(agent, None)
        for campaign in target:
            if campaign not in agent.idle_in:
                campaign.idle[agent] = None
                self.world.dirty[campaign] = None
        agent.idle_in = target
        self._reattach(agent)

    def _wanted(self, agent: DialerAgent) -> list[CampaignState]:
        later = agent.ready_all and self.world.behaviour.ready_covers_later_campaigns
        return [
            campaign
            for campaign in agent.campaigns.values()
            if campaign.running and (later or campaign.id in agent.ready)
        ]

    def release(self, agent: DialerAgent) -> None:
        """Take away the agent's reservation; a preview not yet popped gives its contact back."""
        dial = agent.reservation
        if dial is None:
            return
        agent.reservation = None
        dial.reserved = None
        if dial.campaign.spec.mode == "preview":
            assert dial.timer is not None
            dial.timer.cancel()
            self._give_back(dial, agent)
        else:
            dial.campaign.unreserved_dials += 1
        self.refresh(agent)

    def _give_back(self, dial: Dial, agent: DialerAgent) -> None:
        """A preview contact goes back to the agent it was drawn for, a callback to its queue."""
        if dial.callback is None:
            dial.campaign.stream(agent.user.user_id).returned.insert(0, dial.contact)
            self.world.dirty[dial.campaign] = None
        else:
            self.callbacks.queue(dial.callback, dial.campaign, front=True)

    # --- attachment ----------------------------------------------------------------------------------

    def _reattach(self, agent: DialerAgent) -> None:
        campaign = agent.assigned
        if campaign is not None and not self._still_attached(agent, campaign):
            self._detach(agent)
        if agent.assigned is None and agent.idle_in:
            self.unassigned[agent] = None
        else:
            self.unassigned.pop(agent, None)

    def _still_attached(self, agent: DialerAgent, campaign: CampaignState) -> bool:
        if agent.call is not None or agent.reservation is not None:
            return True
        if agent.pooled:
            return campaign in agent.idle_in
        wrapping_up = agent.took_call and not agent.idle_in and agent.logged_in
        return wrapping_up and agent.break_status == BreakStatus.NOT_ON_BREAK and not agent.logoff_pending

    def _attach(self, agent: DialerAgent, campaign: CampaignState) -> None:
        if agent.assigned is campaign:
            return
        if agent.assigned is not None:
            self._detach(agent)
        agent.assigned = campaign
        self.unassigned.pop(agent, None)
        self.world.ledger.start_stretch(agent, campaign.name, False, self.world.now)

    def _detach(self, agent: DialerAgent) -> None:
        campaign = agent.assigned
        assert campaign is not None
        now = self.world.now
        popped_at = campaign.busy.pop(agent, None)
        if popped_at is not None and campaign.model is not None and agent.idle_in:
            campaign.model.call_finished(now - popped_at)
        campaign.pool.pop(agent, None)
        agent.assigned, agent.pooled, agent.took_call = None, False, False
        self.world.ledger.end_stretch(agent, now)

    def _claim(self, agent: DialerAgent, campaign: CampaignState) -> None:
        """Attach the agent to the campaign for a call, taking it out of any pool."""
        self._attach(agent, campaign)
        if agent.pooled:
            agent.pooled = False
            campaign.pool.pop(agent, None)

    # --- pacing ------------------------------------------------------------------------------------

    def pace_dirty(self, now: float) -> None:
        """Pace every campaign whose agents or queues changed since the last pacing."""
        self.world.now = max(self.world.now, now)
        dirty = self.world.dirty
        while dirty:
            campaigns = list(dirty)
            dirty.clear()
            for campaign in campaigns:
                self._serve_owners(campaign, now)
            self._allocate(now)
            for campaign in campaigns:
                self._serve_waiting(campaign, now)
                if campaign.spec.mode == "predictive":
                    self._pace_predictive(campaign, now)
        if self.world.ledger.changes != self._ledger_changes:
            self._ledger_changes = self.world.ledger.changes
            self.world.settled = max(self.world.settled, now)

    def _serve_waiting(self, campaign: CampaignState, now: float) -> None:
        while campaign.waiting:
            agent = self._free_agent_for(campaign)
            if agent is None:
                return
            dial = next(iter(campaign.waiting))
            del campaign.waiting[dial]
            assert dial.timer is not None
            dial.timer.cancel()
            self._pop_data(agent, dial, now)

    def _free_agent_for(self, campaign: CampaignState) -> DialerAgent | None:
        agent = next(iter(campaign.pool), None)
        if agent is not None:
            return agent
        return next((a for a in campaign.idle if a.assigned is None), None)

    def _serve_owners(self, campaign: CampaignState, now: float) -> None:
        for user_id in list(campaign.due_for):
            user = self.world.users.get(user_id)
            agent = user.dialer_agent if user is not None else None
            if agent is None or agent not in campaign.idle:
                continue
            callback = self.callbacks.take_for(campaign, user_id)
            assert callback is not None
            self._claim(agent, campaign)
            self._start(campaign, (callback.contact, callback), agent, now)

    def _allocate(self, now: float) -> None:
        for agent in list(self.unassigned):
            campaign = self._choose_for(agent)
            if campaign is None:
                continue
            self._attach(agent, campaign)
            if campaign.spec.mode == "predictive":
                agent.pooled = True
                campaign.pool[agent] = None
                self.world.dirty[campaign] = None
            else:
                source = self._take_any(campaign, campaign.stream(agent.user.user_id))
                assert source is not None
                self._start(campaign, source, agent, now)

    def _choose_for(self, agent: DialerAgent) -> CampaignState | None:
        """The campaign the agent works for next, from its own calls (``_allocation.py``)."""
        user_id = agent.user.user_id
        if len(agent.idle_in) == 1:  # the only candidate: nothing to choose between
            only = next(iter(agent.idle_in))
            return only if self._has_work_for(only, user_id) else None
        candidates = (c for c in agent.idle_in if self._has_work_for(c, user_id))
        return choose(candidates, lambda c: c.share, lambda c: c.stream(user_id).turn)

    def _has_work_for(self, campaign: CampaignState, user_id: str) -> bool:
        """Has work, or (preview) a contact given back to this agent waiting for it."""
        if self._has_work(campaign):
            return True
        returned = campaign.running and bool(campaign.streams.get(user_id, _NO_STREAM).returned)
        return returned and not self._at_line_cap(campaign)

    def _has_work(self, campaign: CampaignState) -> bool:
        if not campaign.running:
            return False
        if campaign.spec.mode == "predictive":
            return campaign.has_contacts() or campaign.dials_out > 0 or bool(campaign.waiting)
        return campaign.has_contacts() and not self._at_line_cap(campaign)

    def _at_line_cap(self, campaign: CampaignState) -> bool:
        cap = campaign.spec.max_lines
        return cap is not None and campaign.dials_out >= cap

    def _pace_predictive(self, campaign: CampaignState, now: float) -> None:
        if not self._has_work(campaign):
            self._empty_pool(campaign)
            return
        for _ in range(self._lines_wanted(campaign, now)):
            source = self._take_any(campaign, campaign.rng)
            if source is None:
                break
            self._start(campaign, source, None, now)
        self._arm_repace(campaign, now)

    def _lines_wanted(self, campaign: CampaignState, now: float) -> int:
        spec, model = campaign.spec, campaign.model
        cap = MAX_LINES_PER_AGENT * (len(campaign.pool) + len(campaign.busy))
        if spec.max_lines is not None:
            cap = min(cap, spec.max_lines)
        room = max(0, cap - campaign.dials_out)
        if spec.lines_per_agent is not None:
            fixed = math.ceil(len(campaign.pool) * spec.lines_per_agent) - campaign.unreserved_dials
            return min(room, fixed)
        assert model is not None
        free = len(campaign.pool) - len(campaign.waiting)
        soon = model.expected_free(now - since for since in campaign.busy.values())
        return min(room, model.lines_wanted(free, soon, campaign.unreserved_dials, cap))

    def _arm_repace(self, campaign: CampaignState, now: float) -> None:
        """Pace again a little later while agents are busy: each comes closer to being free."""
        model = campaign.model
        if model is None or campaign.repace is not None or not campaign.busy or campaign.spec.lines_per_agent:
            return
        due = now + max(_REPACE_LEAST, model.horizon * _REPACE_SHARE)
        campaign.repace = self.world.timers.schedule(due, lambda at: self._repace(campaign))

    def _repace(self, campaign: CampaignState) -> None:
        campaign.repace = None
        self.world.dirty[campaign] = None

    def _empty_pool(self, campaign: CampaignState) -> None:
        for agent in list(campaign.pool):
            self._detach(agent)
            self._reattach(agent)
            for other in agent.idle_in:
                if other is not campaign:
                    self.world.dirty[other] = None

    def _take_any(self, campaign: CampaignState, draws: Draws) -> Source | None:
        """A due campaign-wide callback, else a contact given back to the agent, else a fresh one."""
        if campaign.due_any:
            callback = campaign.due_any.popleft()
            return callback.contact, callback
        if isinstance(draws, AgentStream) and draws.returned:
            return draws.returned.pop(0), None
        contact = campaign.draw_contact(draws)
        return None if contact is None else (contact, None)

    def _draws(self, campaign: CampaignState, agent: DialerAgent | None, callback: Callback | None) -> Draws:
        """The agent's own stream for its regular calls; the campaign's for callbacks and unreserved dials."""
        if agent is None or callback is not None:
            return campaign.rng
        return campaign.stream(agent.user.user_id)

    # --- dials -------------------------------------------------------------------------------------

    def _start(self, campaign: CampaignState, source: Source, agent: DialerAgent | None, now: float) -> None:
        spec = campaign.spec
        contact, callback = source
        placed_at = now + spec.dial_delay.sample(campaign.rng)
        dial = Dial(campaign, contact, callback, agent, placed_at=placed_at, started_at=now)
        if callback is not None:
            self.callbacks.dialed(callback, campaign, now)
        if spec.mode == "preview":
            dial.timer = self.world.timers.schedule(placed_at, lambda at: self._preview_pop(dial, at))
        else:
            self.world.ledger.count(spec.name, "dialed")
            dial.outcome = draw_outcome(campaign.outcomes, self._draws(campaign, agent, callback))
            ends_at = placed_at + self._ring_time(campaign, dial.outcome)
            dial.timer = self.world.timers.schedule(ends_at, lambda at: self._dial_ended(dial, at))
            campaign.dials_out += 1
            if campaign.model is not None:
                dial.ticket = campaign.model.dial_started()
        if agent is None:
            campaign.unreserved_dials += 1
        else:
            agent.reservation = dial
            self.refresh(agent)

    def _ring_time(self, campaign: CampaignState, outcome: Outcome) -> float:
        """Seconds from placing a dial until its outcome is known (machine detection included)."""
        spec = campaign.spec
        delay = spec.outcome_delays.for_outcome(outcome) or spec.ring_delay
        seconds = delay.sample(campaign.rng)
        detects = spec.machine_detection and spec.mode != "preview"
        if detects and outcome in (Outcome.ANSWERED, Outcome.MACHINE):
            seconds += spec.machine_detection_delay.sample(campaign.rng)
        return seconds

    def _dial_ended(self, dial: Dial, now: float) -> None:
        campaign, agent, outcome = dial.campaign, dial.reserved, dial.outcome
        assert outcome is not None
        campaign.dials_out -= 1
        if agent is None:
            campaign.unreserved_dials -= 1
        self.world.dirty[campaign] = None
        self.world.ledger.count(campaign.name, outcome.value)
        connected = reaches_agent(outcome, campaign.spec.machine_detection)
        if campaign.model is not None and dial.ticket is not None:
            campaign.model.dial_ended(dial.ticket, connected, now - dial.started_at)
        if agent is not None and connected:
            self._pop_data(agent, dial, now)
            return
        if agent is not None:
            agent.reservation = None
            self.refresh(agent)
        if connected:
            self._connect(dial, now)

    def _connect(self, dial: Dial, now: float) -> None:
        campaign = dial.campaign
        agent = self._free_agent_for(campaign)
        if agent is not None:
            self._pop_data(agent, dial, now)
        elif campaign.spec.abandon_grace > 0:
            campaign.waiting[dial] = None
            grace = campaign.spec.abandon_grace
            dial.timer = self.world.timers.schedule(now + grace, lambda at: self._give_up(dial, at))
        else:
            self._abandon(dial, now)

    def _give_up(self, dial: Dial, now: float) -> None:
        waiting = dial.campaign.waiting
        if dial in waiting:
            del waiting[dial]
            self._abandon(dial, now)

    def _abandon(self, dial: Dial, now: float) -> None:
        campaign = dial.campaign
        self.world.ledger.count(campaign.name, "abandoned")
        if campaign.model is not None:
            campaign.model.answered_call(abandoned=True)
        self.world.ledger.add(abandoned_record(self.world, dial, now))

    # --- pops ----------------------------------------------------------------------------------------

    def _pop_data(self, agent: DialerAgent, dial: Dial, now: float) -> None:
        campaign = dial.campaign
        if dial.callback is None and dial.reserved is not agent:
            self._bind(agent, dial)
        agent.reservation = None
        self._claim(agent, campaign)
        self.world.ledger.count(campaign.name, "connected")
        if campaign.model is not None:
            campaign.model.answered_call(abandoned=False)
        self._hand_over(agent, data_pop(self.world, dial, agent, now), now)

    def _bind(self, agent: DialerAgent, dial: Dial) -> None:
        """Give a connected call that was not dialed for this agent a contact and outcome of its own."""
        campaign = dial.campaign
        stream = campaign.stream(agent.user.user_id)
        campaign.deck.give_back(dial.contact.index)
        dial.contact = campaign.draw_contact(stream) or dial.contact
        dial.outcome = draw_outcome(campaign.connects, stream)

    def _preview_pop(self, dial: Dial, now: float) -> None:
        agent = dial.reserved
        assert agent is not None
        agent.reservation = None
        call = preview_pop(self.world, dial, agent, now)
        timeout = dial.campaign.spec.preview_timeout
        if timeout is not None and self.world.behaviour.preview_timeout_action == "place":
            call.timers.append(
                self.world.timers.schedule(now + timeout, lambda at: self._preview_timed_out(call, at))
            )
        self._hand_over(agent, call, now)

    def _hand_over(self, agent: DialerAgent, call: LiveCall, now: float) -> None:
        campaign = call.campaign
        self.world.ledger.add(call.record)
        self.world.ledger.count(campaign.name, "popped")
        agent.call = call
        agent.took_call = True
        if call.callback is None:
            campaign.stream(agent.user.user_id).calls += 1
        campaign.busy[agent] = now
        self.world.ledger.start_stretch(agent, campaign.name, True, now)
        self.refresh(agent)
        self.world.send_agent_wire(agent, pop_message(call))
        if not isinstance(call.wire, PreviewPopCall):
            self.interactions.connected_pop(call, agent.user, now)

    # --- preview calls -----------------------------------------------------------------------------------

    def place_preview(self, agent: DialerAgent, attributes: dict[str, str] | None, now: float) -> None:
        """Dial the agent's preview call; its outcome is known a ring time later. Checks are the caller's."""
        call = agent.call
        assert call is not None and isinstance(call.wire, PreviewPopCall)
        call.cancel_timers()
        call.record.state = "dialing"
        call.record.placed_at = now
        self.interactions.placed(call, agent.user)
        if attributes:
            call.record.attributes.update(attributes)
        campaign = call.campaign
        self.world.ledger.count(campaign.name, "dialed")
        outcome = draw_outcome(campaign.outcomes, self._draws(campaign, agent, call.callback))
        ends_at = now + self._ring_time(campaign, outcome)
        call.timers.append(
            self.world.timers.schedule(ends_at, lambda at: self._preview_ended(agent, call, outcome, at))
        )

    def _preview_timed_out(self, call: LiveCall, now: float) -> None:
        agent = self._holder(call)
        if agent is not None and call.record.state == "popped":
            self.place_preview(agent, None, now)

    def _preview_ended(self, agent: DialerAgent, call: LiveCall, outcome: Outcome, now: float) -> None:
        call.timers.clear()
        campaign = call.campaign
        call.record.outcome = outcome.value
        self.world.ledger.count(campaign.name, outcome.value)
        if outcome in (Outcome.ANSWERED, Outcome.MACHINE):
            call.record.state = "connected"
            call.record.connected_at = now
            self.world.ledger.count(campaign.name, "connected")
            self.interactions.answered(call, now)
        else:
            self.interactions.unanswered(call, now)
        if self.world.behaviour.preview_connect_message and agent.call is call and agent.connected:
            wire = call.wire.model_copy(update={"call_placed": True})
            self.world.send_agent(agent, DataPopMessage(call=wire))

    def _holder(self, call: LiveCall) -> DialerAgent | None:
        user = self.world.users.get(call.record.agent or "")
        agent = user.dialer_agent if user is not None else None
        return agent if agent is not None and agent.call is call else None

    # --- dispositions and callbacks --------------------------------------------------------------------

    def dispositioned(self, call: LiveCall, request: DispositionRequest, user_id: str, now: float) -> None:
        """Book the callback and follow-up a disposition asks for; count an abandon it marks."""
        campaign, record = call.campaign, call.record
        if request.scheduled_time is not None:
            due = due_time(request.scheduled_time, request.relative_to, call.contact.utc_offset)
            callback = Callback(call.contact, record.call_id, record.scheduled_agent, due)
            self.callbacks.book(callback, campaign, now)
        if request.place_additional_follow_up_call:
            self._follow_up(call, user_id, now)
        if request.is_abandon or _abandon_label(campaign, request.label):
            self.world.ledger.count(campaign.name, "abandonedByAgent")
            if campaign.model is not None:
                campaign.model.answered_call(abandoned=True)

    def _follow_up(self, call: LiveCall, user_id: str, now: float) -> None:
        policy = call.campaign.spec.callbacks
        if policy.follow_up == "ignore":
            return
        owner = user_id if policy.follow_up == "agent" else None
        callback = Callback(call.contact, call.record.call_id, owner, now + policy.follow_up_delay)
        self.world.ledger.count(call.campaign.name, "followUps")
        self.callbacks.book(callback, call.campaign, now)


def _abandon_label(campaign: CampaignState, label: str) -> bool:
    return any(d.abandon for d in campaign.spec.dispositions if d.label == label)
