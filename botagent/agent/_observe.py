"""Step 1 of `Agent.handle` for messages: learn facts, check the server against the rules."""

from __future__ import annotations

from botagent.wire import (
    AsyncOperationCompletedMessage,
    AvailableCampaign,
    AvailableCampaignsMessage,
    BreakStatus,
    BreakStatusMessage,
    DataPopCall,
    DataPopMessage,
    LogoutGrantedMessage,
    Message,
    PreviewPopCall,
)

from ._calls import HeldCall, is_placed
from ._checks import check_break_granted, check_logout_granted, check_pop
from ._core import KPI_BREAK_GRANT, KPI_LOGOFF_GRANT, KPI_PREVIEW_CONNECT, AgentCore
from ._errors import RuleViolation

__all__ = ["MessageObserver"]


class MessageObserver(AgentCore):
    """Turns each message into facts, KPIs and violations; it never changes the state itself."""

    def _observe(self, message: Message) -> None:
        match message:
            case DataPopMessage(call=call):
                self._observe_pop(call)
            case BreakStatusMessage():
                self._observe_break(message)
            case AvailableCampaignsMessage():
                self._observe_campaigns(message.agent_has_logon_campaign_right, message.campaigns_added)
            case LogoutGrantedMessage():
                self._observe_logout(message)
            case AsyncOperationCompletedMessage():
                self._observe_async(message)

    def _observe_pop(self, call: DataPopCall | PreviewPopCall) -> None:
        f = self._facts
        known = f.find(call.interaction_id)
        if known is not None:
            self._observe_placed(known, call)
            return
        if call.interaction_id in f.finished_ids:
            return
        try:
            check_pop(f, call)
        except RuleViolation as violation:
            self._violation(violation)
        f.queued.append(HeldCall(call=call, popped_at=self._now, placed=is_placed(call)))
        self._count("calls_popped")
        if not call.labels:
            self._violation(RuleViolation("R24", f"call {call.interaction_id} offers no disposition labels"))
            self._fail_later("dataPop", None, None, f"call {call.interaction_id} cannot be dispositioned")

    def _observe_placed(self, held: HeldCall, call: DataPopCall | PreviewPopCall) -> None:
        if not isinstance(call, PreviewPopCall) or not call.call_placed or held.placed:
            return
        held.placed = True
        if held.place_sent_at is not None and not held.connect_recorded:
            held.connect_recorded = True
            self._kpi(KPI_PREVIEW_CONNECT, held.place_sent_at)

    def _observe_break(self, message: BreakStatusMessage) -> None:
        f = self._facts
        f.break_status_seen = True
        if message.agent_has_logon_campaign_right is not None:
            self._observe_campaigns(message.agent_has_logon_campaign_right, message.campaigns_added)
        f.on_break = message.break_status is BreakStatus.ON_BREAK
        if not f.on_break:
            return
        try:
            check_break_granted(f)
        except RuleViolation as violation:
            self._violation(violation)
        if f.status_changed_at is not None:
            f.break_seen_while_away = True
        if f.break_requested_at is not None and not f.break_granted:
            f.break_granted = True
            self._count("breaks_taken")
            self._kpi(KPI_BREAK_GRANT, f.break_requested_at)

    def _observe_campaigns(self, right: bool, added: list[AvailableCampaign] | None) -> None:
        self._facts.right = right
        for campaign in added or ():
            self._facts.offered[campaign.id] = campaign.name

    def _observe_logout(self, message: LogoutGrantedMessage) -> None:
        f = self._facts
        try:
            check_logout_granted(f, message)
        except RuleViolation as violation:
            self._violation(violation)
        if f.logoff_ids is None:
            return
        f.granted_ids |= message.campaign_ids
        f.dialer_granted = f.dialer_granted or message.logged_out_of_dialer
        if f.logoff_complete() and not f.logoff_kpi_recorded and f.logoff_sent_at is not None:
            f.logoff_kpi_recorded = True
            self._kpi(KPI_LOGOFF_GRANT, f.logoff_sent_at)

    def _observe_async(self, message: AsyncOperationCompletedMessage) -> None:
        step = self._facts.pending_async.pop(message.request_id, None)
        if step is not None and message.error is not None:
            error = message.error
            self._fail_later(step, None, error.error_id, error.message)
