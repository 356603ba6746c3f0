"""What every part of the agent shares: its facts, timers, counters, and how it reports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

from botagent.wire import DataPopCall, PreviewPopCall

from ._actions import (
    Action,
    CallFinished,
    CallOutcome,
    RecordKpi,
    ReportStepError,
    ReportViolation,
    Request,
    Send,
    SetTimer,
    Timer,
)
from ._calls import HeldCall
from ._errors import IllegalAction, RuleViolation
from ._facts import Facts
from ._plan import AgentPlan, Rng
from ._state import AgentState, TimerKind

__all__ = [
    "KPI_BREAK_GRANT",
    "KPI_LOGOFF_GRANT",
    "KPI_NAMES",
    "KPI_PREVIEW_CONNECT",
    "KPI_WAIT_FOR_POP",
    "AgentCore",
    "AgentCounters",
]

KPI_WAIT_FOR_POP = "wait-for-pop"
KPI_BREAK_GRANT = "break-grant"
KPI_LOGOFF_GRANT = "logoff-grant"
KPI_PREVIEW_CONNECT = "preview-connect"
KPI_NAMES = (KPI_WAIT_FOR_POP, KPI_BREAK_GRANT, KPI_LOGOFF_GRANT, KPI_PREVIEW_CONNECT)
"""Every Dialer KPI the agent records."""


@dataclass(frozen=True, slots=True)
class AgentCounters:
    """What one agent has done so far."""

    calls_popped: int = 0
    calls_handled: int = 0
    previews_placed: int = 0
    reschedules: int = 0
    breaks_taken: int = 0
    status_changes: int = 0
    violations: int = 0
    step_errors: int = 0


class AgentCore:
    """The state, facts and reporting helpers `Agent` is built on."""

    def __init__(self, plan: AgentPlan, rng: Rng, clock: Callable[[], float]) -> None:
        self._plan = plan
        self._rng = rng
        self._clock = clock
        self._state = AgentState.IDLE
        self._entered = True
        self._outstanding: Request | None = None
        self._timers: dict[TimerKind, Timer] = {}
        self._serial = 0
        self._facts = Facts()
        self._counts = dict.fromkeys((f.name for f in fields(AgentCounters)), 0)
        self._out: list[Action] = []
        self._now = 0.0
        self._leave_reason: str | None = None
        self._stop_asked = False
        self._failure: str | None = None
        self._fail_pending = False
        self._gap_break = False
        self._gap_status = False
        self._broken: IllegalAction | None = None

    # --- public surface -------------------------------------------------------------------------

    @property
    def state(self) -> AgentState:
        """The current state; ``state.bucket`` is its report group."""
        return self._state

    @property
    def plan(self) -> AgentPlan:
        """The plan the agent follows."""
        return self._plan

    @property
    def outstanding(self) -> Request | None:
        """The request of the last `Send`, until its outcome is fed back."""
        return self._outstanding

    @property
    def current_call(self) -> DataPopCall | PreviewPopCall | None:
        """The call being handled, from its pop until it is finished (for logs and report context)."""
        held = self._facts.current
        return held.call if held is not None else None

    @property
    def counters(self) -> AgentCounters:
        """A snapshot of what the agent has done so far."""
        return AgentCounters(**self._counts)

    @property
    def calls_handled(self) -> int:
        """Calls dispositioned successfully."""
        return self._counts["calls_handled"]

    @property
    def breaks_taken(self) -> int:
        """Breaks granted (breakStatus 2 after a break request)."""
        return self._counts["breaks_taken"]

    # --- reporting -------------------------------------------------------------------------------

    def _send(self, request: Request) -> None:
        assert self._outstanding is None
        self._outstanding = request
        self._out.append(Send(request=request))

    def _leave(self, reason: str) -> None:
        if self._leave_reason is None:
            self._leave_reason = reason

    def _arm(self, kind: TimerKind, delay: float) -> None:
        self._serial += 1
        timer = Timer(kind=kind, serial=self._serial)
        self._timers[kind] = timer
        self._out.append(SetTimer(timer=timer, delay=delay))

    def _kpi(self, name: str, since: float, at: float | None = None) -> None:
        end = self._now if at is None else at
        self._out.append(RecordKpi(name=name, milliseconds=max(0.0, end - since) * 1000.0))

    def _violation(self, violation: RuleViolation) -> None:
        self._count("violations")
        self._out.append(ReportViolation(rule=violation.rule, detail=violation.detail))

    def _report_step(self, step: str, status: int | None, error_id: str | None, message: str) -> None:
        self._count("step_errors")
        if self._failure is None:
            self._failure = f"{step} failed: {message}"
        self._out.append(ReportStepError(step=step, status=status, error_id=error_id, message=message))

    def _fail_later(self, step: str, status: int | None, error_id: str | None, message: str) -> None:
        self._report_step(step, status, error_id, message)
        self._fail_pending = True

    def _finish_call(self, held: HeldCall, outcome: CallOutcome) -> None:
        f = self._facts
        if f.current is held:
            f.current = None
        elif held in f.queued:
            f.queued.remove(held)
        f.finished_ids.append(held.interaction_id)
        self._out.append(CallFinished(record=held.record(outcome)))

    def _count(self, name: str) -> None:
        self._counts[name] += 1
