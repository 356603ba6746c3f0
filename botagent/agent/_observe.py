"""Step 1 of `Agent.handle` for messages: learn facts, check the server against the rules."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from botagent.wire import (
    AsyncOperationCompletedMessage,
    AutoLoginMessage,
    AvailableCampaignsMessage,
    BreakStatusMessage,
    DataPopCall,
    DataPopMessage,
    LogoutGrantedMessage,
    Message,
    PreviewPopCall,
    QueueContentsMessage,
)

from ._calls import CallBook, HeldCall
from ._checks import check_break_granted, check_logout_granted, check_pop
from ._errors import RuleViolation
from ._outbox import (
    KPI_ACD_TALK,
    KPI_BREAK_GRANT,
    KPI_CONNECT_TO_DISCONNECT,
    KPI_LOGOFF_GRANT,
    KPI_PREVIEW_CONNECT,
    Outbox,
)
from ._queue import QueueFacts
from ._records import (
    AvailabilityFacts,
    BreakFacts,
    CampaignFacts,
    Departure,
    LogoffFacts,
    PendingAsync,
    SessionFacts,
)

__all__ = ["MessageObserver"]


@dataclass(frozen=True, eq=False, slots=True, kw_only=True)
class MessageObserver:
    """Turns each message into facts, KPIs and violations; it never changes the agent's state.

    It writes the records below only through their own methods, and reports to ``out``. A failure it
    learns (a pop it cannot disposition, an asynchronous error) is a step error plus
    ``departure.fail()``, which the agent takes as soon as no request is out.
    """

    calls: CallBook
    session: SessionFacts
    campaigns: CampaignFacts
    availability: AvailabilityFacts
    breaks: BreakFacts
    logoff: LogoffFacts
    pending: PendingAsync
    departure: Departure
    queue: QueueFacts
    out: Outbox

    def observe(self, message: Message, now: float) -> None:
        """Take in one message that arrived at ``now``; unknown kinds are ignored."""
        match message:
            case DataPopMessage(call=call):
                self._pop(call, now)
            case BreakStatusMessage():
                self._break_status(message, now)
            case AvailableCampaignsMessage():
                self._campaigns(message)
            case AutoLoginMessage(campaign_id=campaign_id) if campaign_id:
                self.campaigns.auto_joined(campaign_id)
            case LogoutGrantedMessage():
                self._logout_granted(message, now)
            case AsyncOperationCompletedMessage():
                self._async_completed(message)
            case QueueContentsMessage():
                self._queue_changed(message, now)

    def _queue_changed(self, message: QueueContentsMessage, now: float) -> None:
        queue = self.queue
        alerting = set(queue.alerts)
        for interaction_id, connected_at in queue.observe(message, now):
            if queue.is_acd(interaction_id):
                self._acd_ended(interaction_id, now)
            elif connected_at is not None:
                self.out.kpi(KPI_CONNECT_TO_DISCONNECT, connected_at, now)
        held = next(iter(self.calls.calls()), None)
        for interaction_id in queue.alerts.keys() - alerting:
            if held is not None:
                detail = f"ACD interaction {interaction_id} alerted while call {held.interaction_id} was held"
                self.out.violation(RuleViolation("R33", detail))

    def _acd_ended(self, interaction_id: str, now: float) -> None:
        """The agent's own ACD interaction ended (its disconnect or the caller's): the talk is over."""
        if interaction_id != self.queue.acd_current:
            return
        picked_up_at = self.queue.acd_done()
        if picked_up_at is not None:
            self.out.count("acd_handled")
            self.out.kpi(KPI_ACD_TALK, picked_up_at, now)

    def _check_left_connected(self, when: str) -> None:
        """A dispositioned call must not stay connected: "Dialer does not actually disconnect the call.
        The application, agent, or caller must disconnect the call." (official disposition page)."""
        for interaction_id in self.queue.left_connected():
            detail = f"call {interaction_id} was still connected after its disposition, {when}"
            self.out.violation(RuleViolation("disconnect", detail))

    def _check_right(self) -> None:
        conflict = self.campaigns.right_conflict()
        if conflict is not None:
            self.out.violation(RuleViolation("R13", conflict))

    def _campaigns(self, message: AvailableCampaignsMessage) -> None:
        campaigns = self.campaigns
        campaigns.offer(message.agent_has_logon_campaign_right, message.campaigns_added)
        campaigns.change(message.campaigns_changed or ())
        campaigns.remove(removed.id for removed in message.campaigns_removed or ())
        self._check_right()

    def _pop(self, call: DataPopCall | PreviewPopCall, now: float) -> None:
        known = self.calls.find(call.interaction_id)
        if known is not None:
            self._placed(known, call, now)
            return
        if self.calls.was_finished(call.interaction_id):
            return
        self._check_left_connected("when the next call popped")
        acd = self.queue.holding_acd()
        if acd is not None:
            detail = f"call {call.interaction_id} popped while ACD interaction {acd} was held"
            self.out.violation(RuleViolation("R33", detail))
        with self._reporting_violations():
            check_pop(
                call,
                calls=self.calls,
                session=self.session,
                campaigns=self.campaigns,
                availability=self.availability,
                breaks=self.breaks,
            )
        self.calls.add(call, now)
        self.out.count("calls_popped")
        if not call.labels:
            interaction_id = call.interaction_id
            self.out.violation(RuleViolation("R24", f"call {interaction_id} offers no disposition labels"))
            self._fail("dataPop", None, f"call {interaction_id} cannot be dispositioned")

    def _placed(self, held: HeldCall, call: DataPopCall | PreviewPopCall, now: float) -> None:
        if isinstance(call, PreviewPopCall) and call.call_placed:
            asked_at = held.placed_by_dialer()
            if asked_at is not None:
                self.out.kpi(KPI_PREVIEW_CONNECT, asked_at, now, self.campaigns.named(held.campaign))

    def _break_status(self, message: BreakStatusMessage, now: float) -> None:
        if message.agent_has_logon_campaign_right is not None:
            self.campaigns.offer(message.agent_has_logon_campaign_right, message.campaigns_added)
            self._check_right()
        requested_at = self.breaks.observe(message.break_status)
        if self.breaks.on_break:
            with self._reporting_violations():
                check_break_granted(self.calls)
        if requested_at is not None:
            self.out.count("breaks_taken")
            self.out.kpi(KPI_BREAK_GRANT, requested_at, now)

    def _logout_granted(self, message: LogoutGrantedMessage, now: float) -> None:
        self._check_left_connected("when the log-off was granted")
        with self._reporting_violations():
            check_logout_granted(self.calls, message)
        sent_at = self.logoff.grant(message.campaign_ids, message.logged_out_of_dialer)
        if sent_at is not None:
            self.out.kpi(KPI_LOGOFF_GRANT, sent_at, now)

    def _async_completed(self, message: AsyncOperationCompletedMessage) -> None:
        step = self.pending.complete(message.request_id)
        if step is not None and message.error is not None:
            self._fail(step, message.error.error_id, message.error.message)

    @contextmanager
    def _reporting_violations(self) -> Iterator[None]:
        try:
            yield
        except RuleViolation as violation:
            self.out.violation(violation)

    def _fail(self, step: str, error_id: str | None, message: str) -> None:
        self.out.step_error(step, None, error_id, message)
        self.departure.fail()
