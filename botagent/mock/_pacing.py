"""Pacing: who may get a call, dialing contacts, and popping calls to agents.

An agent is *free* when it is logged in to Dialer, holds no call and no reservation, is not on break
nor waiting for one, has no log-off pending, and its user's status is an available (ACD) status it has
set since its last disposition (R4, R16, R18, R27, R31). A free agent is *idle* in each of its
campaigns that is running and that it is ready for (R3; a campaign joined after the last
ready-for-calls is not, per the official ready-for-calls page, unless
``ready_covers_later_campaigns``); ``CampaignState.idle`` keeps those agents in the order they became
idle, and ``refresh(agent)`` keeps the sets true after every change.

Dialing, per campaign mode:

- power: one dial per idle agent, reserved for it; answered after ``dial_delay + ring_delay`` with
  probability ``answer_rate``, then popped as a ``dataPop`` (R5, R7).
- predictive: ``ceil(idle * lines_per_agent)`` unreserved dials; an answered call goes to the
  longest-idle agent, or is ``abandoned`` when none is idle.
- preview: the idle agent is reserved and, after ``dial_delay``, gets a ``previewPop`` it must place
  (R6); the call connects ``ring_delay`` after it is placed.

A reserved agent that stops being free loses its reservation: a dial in progress goes on unreserved,
a preview not yet popped gives its contact back. Due callbacks come before fresh contacts; a callback
for a named agent waits for that agent (dialing mode OwnAgentCallback).
"""

from __future__ import annotations

import math
from collections import deque
from datetime import UTC, datetime

from botagent.mock._state import Callback, CampaignState, Contact, Dial, DialerAgent, LiveCall, World
from botagent.wire import BreakStatus, DataPopCall, DataPopMessage, DialingMode, LedgerEntry, PreviewPopCall

__all__ = ["Pacer"]


class Pacer:
    """Keeps idle sets true, paces dials per campaign, and turns answered dials into pops."""

    def __init__(self, world: World) -> None:
        self.world = world

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
            and agent.connected
        )

    def refresh(self, agent: DialerAgent) -> None:
        """Bring the agent's idle-set membership up to date; drop a reservation it no longer deserves."""
        dial = agent.reservation
        if dial is not None and not (
            self.is_free(agent, ignore_reservation=True) and dial.campaign in self._wanted(agent)
        ):
            self.release(agent)
            return
        target = self._wanted(agent) if self.is_free(agent) else set()
        for campaign in agent.idle_in - target:
            campaign.idle.pop(agent, None)
        for campaign in target - agent.idle_in:
            campaign.idle[agent] = None
            self.world.dirty[campaign] = None
        agent.idle_in = target

    def _wanted(self, agent: DialerAgent) -> set[CampaignState]:
        later = agent.ready_all and self.world.behaviour.ready_covers_later_campaigns
        return {
            campaign
            for campaign in agent.campaigns.values()
            if campaign.running and (later or campaign.id in agent.ready)
        }

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
            self._give_back(dial)
        else:
            dial.campaign.unreserved_dials += 1
        self.refresh(agent)

    def _give_back(self, dial: Dial) -> None:
        campaign, callback = dial.campaign, dial.callback
        if callback is None:
            campaign.returned.appendleft(dial.contact)
        elif callback.agent is None:
            campaign.due_any.appendleft(callback)
        else:
            campaign.due_for.setdefault(callback.agent, deque()).appendleft(callback)
        self.world.dirty[campaign] = None

    # --- pacing ------------------------------------------------------------------------------------

    def pace_dirty(self, now: float) -> None:
        """Pace every campaign whose idle set or queues changed since the last pacing."""
        dirty = self.world.dirty
        while dirty:
            campaign = next(iter(dirty))
            del dirty[campaign]
            self._pace(campaign, now)

    def _pace(self, campaign: CampaignState, now: float) -> None:
        if not campaign.running or not campaign.idle:
            return
        self._serve_own_callbacks(campaign, now)
        if campaign.spec.mode == "predictive":
            self._pace_predictive(campaign, now)
            return
        for agent in list(campaign.idle):
            source = self._take_any(campaign)
            if source is None:
                return
            self._start(campaign, source, agent, now)

    def _serve_own_callbacks(self, campaign: CampaignState, now: float) -> None:
        for user_id in list(campaign.due_for):
            user = self.world.users.get(user_id)
            agent = user.dialer_agent if user is not None else None
            if agent is None or agent not in campaign.idle:
                continue
            queue = campaign.due_for[user_id]
            callback = queue.popleft()
            if not queue:
                del campaign.due_for[user_id]
            self._start(campaign, (callback.contact, callback), agent, now)

    def _pace_predictive(self, campaign: CampaignState, now: float) -> None:
        target = math.ceil(len(campaign.idle) * campaign.spec.lines_per_agent)
        while campaign.unreserved_dials < target:
            source = self._take_any(campaign)
            if source is None:
                return
            self._start(campaign, source, None, now)

    def _take_any(self, campaign: CampaignState) -> tuple[Contact, Callback | None] | None:
        if campaign.due_any:
            callback = campaign.due_any.popleft()
            return callback.contact, callback
        contact = campaign.next_contact()
        return None if contact is None else (contact, None)

    def _start(
        self,
        campaign: CampaignState,
        source: tuple[Contact, Callback | None],
        agent: DialerAgent | None,
        now: float,
    ) -> None:
        spec = campaign.spec
        contact, callback = source
        dial = Dial(campaign, contact, callback, agent, placed_at=now + spec.dial_delay)
        if spec.mode == "preview":
            dial.timer = self.world.timers.schedule(
                now + spec.dial_delay, lambda at: self._preview_pop(dial, at)
            )
        else:
            self.world.ledger.count(spec.name, "dialed")
            answer_at = now + spec.dial_delay + spec.ring_delay
            dial.timer = self.world.timers.schedule(answer_at, lambda at: self._answered(dial, at))
        if agent is None:
            campaign.unreserved_dials += 1
        else:
            agent.reservation = dial
            self.refresh(agent)

    # --- dials end -----------------------------------------------------------------------------------

    def _answered(self, dial: Dial, now: float) -> None:
        campaign, agent = dial.campaign, dial.reserved
        if agent is None:
            campaign.unreserved_dials -= 1
        else:
            agent.reservation = None
            self.refresh(agent)
        self.world.dirty[campaign] = None
        if self.world.rng.random() >= campaign.spec.answer_rate:
            self.world.ledger.count(campaign.name, "noAnswer")
            return
        self.world.ledger.count(campaign.name, "answered")
        if agent is None or agent not in campaign.idle:
            agent = next(iter(campaign.idle), None)
        if agent is None:
            self._abandon(dial, now)
        else:
            self._pop_data(agent, dial, now)

    def _abandon(self, dial: Dial, now: float) -> None:
        campaign = dial.campaign
        self.world.ledger.count(campaign.name, "abandoned")
        record = self._record(dial, "dataPop", DialingMode.REGULAR, None)
        record.state = "abandoned"
        record.placed_at = dial.placed_at
        record.connected_at = now
        self.world.ledger.add(record)

    def _record(self, dial: Dial, kind: str, mode: int, agent: DialerAgent | None) -> LedgerEntry:
        callback = dial.callback
        return LedgerEntry(
            call_id=self.world.new_guid(),
            interaction_id=self.world.new_interaction_id(),
            campaign_id=dial.campaign.id,
            campaign_name=dial.campaign.name,
            contact_id=dial.contact.contact_id,
            kind="previewPop" if kind == "previewPop" else "dataPop",
            dialing_mode=mode,
            callback_of=callback.callback_of if callback else None,
            agent=agent.user.user_id if agent else None,
            attributes=dict(dial.contact.attributes),
        )

    def _attributes(self, record: LedgerEntry, dial: Dial) -> dict[str, str]:
        record.attributes.update(
            {
                "IS_ATTR_CallId": record.call_id,
                "IS_ATTR_CampaignId": record.campaign_id,
                "IS_ATTR_CampaignName": record.campaign_name,
                "IS_ATTR_ContactId": record.contact_id,
                "IS_ATTR_NumberToDial": dial.contact.phone,
            }
        )
        return record.attributes

    def _pop_data(self, agent: DialerAgent, dial: Dial, now: float) -> None:
        own = dial.callback is not None and dial.callback.agent == agent.user.user_id
        mode = DialingMode.OWN_AGENT_CALLBACK if own else DialingMode.REGULAR
        record = self._record(dial, "dataPop", mode, agent)
        record.state = "connected"
        record.placed_at = dial.placed_at
        record.popped_at = record.connected_at = now
        spec = dial.campaign.spec
        wire = DataPopCall(
            interaction_id=record.interaction_id,
            campaign_id=spec.id,
            attributes=self._attributes(record, dial),
            auto_disconnect_on_disposition=spec.auto_disconnect_on_disposition,
            allow_agent_callbacks=spec.allow_agent_callbacks,
            dispositions=dial.campaign.dispositions,
            dialing_mode=mode,
        )
        self._hand_over(agent, LiveCall(record, dial.campaign, dial.contact, dial.callback, wire))

    def _preview_pop(self, dial: Dial, now: float) -> None:
        agent = dial.reserved
        assert agent is not None
        agent.reservation = None
        own = dial.callback is not None and dial.callback.agent is not None
        mode = DialingMode.OWN_AGENT_CALLBACK_PREVIEW if own else DialingMode.PREVIEW
        record = self._record(dial, "previewPop", mode, agent)
        record.popped_at = now
        spec = dial.campaign.spec
        timeout = spec.preview_timeout
        wire = PreviewPopCall(
            interaction_id=record.interaction_id,
            campaign_id=spec.id,
            attributes=self._attributes(record, dial),
            auto_disconnect_on_disposition=spec.auto_disconnect_on_disposition,
            allow_agent_callbacks=spec.allow_agent_callbacks,
            dispositions=dial.campaign.dispositions,
            dialing_mode=mode,
            call_placed=False,
            preview_timeout=None if timeout is None else datetime.fromtimestamp(now + timeout, UTC),
            allow_skip=spec.allow_skip,
        )
        call = LiveCall(record, dial.campaign, dial.contact, dial.callback, wire)
        if timeout is not None and self.world.behaviour.preview_timeout_action == "place":
            call.timers.append(
                self.world.timers.schedule(now + timeout, lambda at: self._preview_timed_out(call, at))
            )
        self._hand_over(agent, call)

    def _hand_over(self, agent: DialerAgent, call: LiveCall) -> None:
        self.world.ledger.add(call.record)
        self.world.ledger.count(call.campaign.name, "popped")
        agent.call = call
        self.refresh(agent)
        self.world.send_agent(agent, DataPopMessage(call=call.wire))

    # --- preview calls -----------------------------------------------------------------------------------

    def place_preview(self, agent: DialerAgent, attributes: dict[str, str] | None, now: float) -> None:
        """Dial the agent's preview call; it connects ``ring_delay`` later. Checks are the caller's."""
        call = agent.call
        assert call is not None and isinstance(call.wire, PreviewPopCall)
        call.cancel_timers()
        call.record.state = "dialing"
        call.record.placed_at = now
        if attributes:
            call.record.attributes.update(attributes)
        connect_at = now + call.campaign.spec.ring_delay
        call.timers.append(
            self.world.timers.schedule(connect_at, lambda at: self._preview_connected(agent, call, at))
        )

    def _preview_timed_out(self, call: LiveCall, now: float) -> None:
        agent = self._holder(call)
        if agent is not None and call.record.state == "popped":
            self.place_preview(agent, None, now)

    def _preview_connected(self, agent: DialerAgent, call: LiveCall, now: float) -> None:
        call.timers.clear()
        call.record.state = "connected"
        call.record.connected_at = now
        if self.world.behaviour.preview_connect_message and agent.call is call and agent.connected:
            wire = call.wire.model_copy(update={"call_placed": True})
            self.world.send_agent(agent, DataPopMessage(call=wire))

    def _holder(self, call: LiveCall) -> DialerAgent | None:
        user = self.world.users.get(call.record.agent or "")
        agent = user.dialer_agent if user is not None else None
        return agent if agent is not None and agent.call is call else None

    # --- callbacks ---------------------------------------------------------------------------------------

    def schedule_callback(self, callback: Callback, campaign: CampaignState, now: float) -> None:
        """Queue a rescheduled contact: due now, or when its time comes."""
        if callback.due <= now:
            self._callback_due(callback, campaign)
            return
        self.world.timers.schedule(callback.due, lambda at: self._callback_due(callback, campaign))

    def _callback_due(self, callback: Callback, campaign: CampaignState) -> None:
        if callback.agent is None:
            campaign.due_any.append(callback)
        else:
            campaign.due_for.setdefault(callback.agent, deque()).append(callback)
        self.world.dirty[campaign] = None
