"""Where an agent's actions collect: the outbox with its reports and counters, and the armed timers."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal

from ._actions import (
    Action,
    CallFinished,
    CampaignRef,
    CancelTimer,
    FinishedCall,
    RecordKpi,
    ReportStepError,
    ReportViolation,
    SetTimer,
    Timer,
)
from ._errors import RuleViolation
from ._state import TimerKind

__all__ = [
    "KPI_ACD_ALERT_TO_PICKUP",
    "KPI_ACD_TALK",
    "KPI_BREAK_GRANT",
    "KPI_CONNECT_TO_DISCONNECT",
    "KPI_LOGOFF_GRANT",
    "KPI_NAMES",
    "KPI_PREVIEW_CONNECT",
    "KPI_WAIT_FOR_POP",
    "AgentCounters",
    "CounterName",
    "Outbox",
    "Timers",
]

KPI_WAIT_FOR_POP = "wait-for-pop"
KPI_BREAK_GRANT = "break-grant"
KPI_LOGOFF_GRANT = "logoff-grant"
KPI_PREVIEW_CONNECT = "preview-connect"
KPI_CONNECT_TO_DISCONNECT = "connect-to-disconnect"
KPI_ACD_ALERT_TO_PICKUP = "acd-alert-to-pickup"
KPI_ACD_TALK = "acd-talk"
KPI_NAMES = (
    KPI_WAIT_FOR_POP,
    KPI_BREAK_GRANT,
    KPI_LOGOFF_GRANT,
    KPI_PREVIEW_CONNECT,
    KPI_CONNECT_TO_DISCONNECT,
    KPI_ACD_ALERT_TO_PICKUP,
    KPI_ACD_TALK,
)
"""Every Dialer KPI the agent records."""

CounterName = Literal[
    "calls_popped",
    "calls_handled",
    "previews_placed",
    "previews_by_timer",
    "previews_skipped",
    "reschedules",
    "reschedules_unowned",
    "reschedules_dropped",
    "breaks_taken",
    "status_changes",
    "calls_disconnected",
    "remote_hang_ups",
    "acd_handled",
]
"""The counters the agent's own steps move; violations and step errors are counted as reported."""


@dataclass(frozen=True, slots=True)
class AgentCounters:
    """What one agent has done so far."""

    calls_popped: int = 0
    calls_handled: int = 0
    """Calls dispositioned, skipped previews included."""
    previews_placed: int = 0
    previews_by_timer: int = 0
    """Previews placed at their previewTimeout (``callInitiatedByTimer``), of ``previews_placed``."""
    previews_skipped: int = 0
    """Previews dispositioned "Skipped - Agent Skip" instead of placed."""
    reschedules: int = 0
    reschedules_unowned: int = 0
    """Reschedules sent without ``scheduledAgent`` because the pop forbids agent-owned callbacks."""
    reschedules_dropped: int = 0
    """Reschedules drawn but not sent: the call offers no plan label with wrap-up category Scheduled."""
    breaks_taken: int = 0
    status_changes: int = 0
    calls_disconnected: int = 0
    """Calls the agent disconnected itself (``POST interactions/{id}/disconnect``)."""
    remote_hang_ups: int = 0
    """Calls whose far end hung up while the agent talked, which ended the talk early."""
    acd_handled: int = 0
    """Inbound ACD interactions picked up and ended, by the agent or the caller (R33)."""
    violations: int = 0
    step_errors: int = 0


class Outbox:
    """Collects the actions of one event in order, and counts what the agent did over its life."""

    def __init__(self) -> None:
        self._actions: list[Action] = []
        self._counts = dict.fromkeys((f.name for f in fields(AgentCounters)), 0)
        self._failure: str | None = None

    @property
    def counters(self) -> AgentCounters:
        """A snapshot of the counters."""
        return AgentCounters(**self._counts)

    @property
    def failure(self) -> str | None:
        """What the first step error said ("<step> failed: <message>"), None while there was none."""
        return self._failure

    def count(self, name: CounterName) -> None:
        """Add one to a counter."""
        self._counts[name] += 1

    def counted(self, name: CounterName) -> int:
        """The value of a counter."""
        return self._counts[name]

    def add(self, action: Action) -> None:
        """Append an action."""
        self._actions.append(action)

    def take(self) -> list[Action]:
        """The actions collected so far, in order; the outbox is empty afterwards."""
        actions, self._actions = self._actions, []
        return actions

    def kpi(self, name: str, since: float, end: float, campaign: CampaignRef | None = None) -> None:
        """One KPI sample from ``since`` to ``end`` (seconds), never negative, about ``campaign``'s call."""
        milliseconds = max(0.0, end - since) * 1000.0
        self.add(RecordKpi(name=name, milliseconds=milliseconds, campaign=campaign))

    def violation(self, violation: RuleViolation) -> None:
        """Report a rule the server broke."""
        self._counts["violations"] += 1
        self.add(ReportViolation(rule=violation.rule, detail=violation.detail))

    def step_error(
        self,
        step: str,
        status: int | None,
        error_id: str | None,
        message: str,
        *,
        campaign: CampaignRef | None = None,
        logon_error: int | None = None,
    ) -> None:
        """Report a failed step (R11), for ``campaign`` if it was one's; the first becomes the `failure`."""
        self._counts["step_errors"] += 1
        if self._failure is None:
            self._failure = f"{step} failed: {message}"
        self.add(
            ReportStepError(
                step=step,
                status=status,
                error_id=error_id,
                message=message,
                campaign=campaign,
                logon_error=logon_error,
            )
        )

    def call_finished(self, record: FinishedCall) -> None:
        """Report a popped call as done with."""
        self.add(CallFinished(record=record))


class Timers:
    """The agent's armed timers, at most one per kind; arming and cancelling post to the outbox."""

    def __init__(self, out: Outbox) -> None:
        self._out = out
        self._armed: dict[TimerKind, Timer] = {}
        self._serial = 0

    def arm(self, kind: TimerKind, delay: float) -> None:
        """Set a new timer of ``kind`` for ``delay`` seconds."""
        self._serial += 1
        timer = Timer(kind=kind, serial=self._serial)
        self._armed[kind] = timer
        self._out.add(SetTimer(timer=timer, delay=delay))

    def cancel(self, kind: TimerKind) -> None:
        """Cancel the timer of ``kind``, if one is armed."""
        timer = self._armed.pop(kind, None)
        if timer is not None:
            self._out.add(CancelTimer(timer=timer))

    def cancel_all(self) -> None:
        """Cancel every armed timer."""
        for kind in list(self._armed):
            self.cancel(kind)

    def fired(self, timer: Timer) -> bool:
        """Forget ``timer`` and return True when it is the armed one; False for a stale or cancelled one."""
        if self._armed.get(timer.kind) != timer:
            return False
        del self._armed[timer.kind]
        return True
