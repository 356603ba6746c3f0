"""Runs one agent machine against one ICWS session inside a gevent greenlet.

The machine decides; the driver only carries out its actions in order. A `Send` becomes one session
call whose outcome goes back to the machine as exactly one event: a success with the call's HTTP status
and its typed result, or a failure with the error. Timers live in a dict of deadlines; messages arrive
from a reader greenlet through the inbox. Between actions the driver blocks on the inbox until the
earliest deadline, so an idle agent costs no CPU.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

import gevent
from gevent.queue import Empty, Queue

from botagent.agent import (
    Acknowledged,
    Action,
    Agent,
    CallFinished,
    CancelTimer,
    CloseSession,
    DialerLogIn,
    DialerLogOff,
    DisconnectCall,
    EndBreak,
    Event,
    Finished,
    OpenSession,
    PlacePreviewCall,
    ReadRights,
    ReadyForCalls,
    RecordKpi,
    ReportStepError,
    ReportViolation,
    Request,
    RequestBreak,
    RequestFailed,
    RequestResult,
    RequestSucceeded,
    RightsRead,
    Send,
    SessionOpened,
    SetStatus,
    SetTimer,
    Start,
    StatusSet,
    StopRequested,
    SubmitDisposition,
    Timer,
    TimerFired,
    WatchQueue,
)
from botagent.icws import Session
from botagent.wire import IcwsError, IcwsStatusError

__all__ = ["AgentDriver", "DriverReporter", "MessageReader"]

logger = logging.getLogger(__name__)


class DriverReporter(Protocol):
    """Where the driver sends what the machine reports."""

    def kpi(self, name: str, milliseconds: float) -> None: ...
    def violation(self, action: ReportViolation) -> None: ...
    def step_error(self, action: ReportStepError) -> None: ...
    def call_finished(self, action: CallFinished) -> None: ...


class MessageReader(Protocol):
    """Reads the session's messages until stopped, putting each into `deliver`."""

    def __call__(self, session: Session, deliver: Callable[[Event], None]) -> None: ...


class AgentDriver:
    """Carries out one agent's lifecycle.

    Args:
        agent: the lifecycle machine, fresh (not yet started).
        session: the ICWS session the agent acts through (unopened).
        read_messages: the message loop to run in a reader greenlet once the session is open.
        reporter: receives KPIs, violations, step errors and finished calls.
        clock: monotonic seconds, for timer deadlines.
    """

    def __init__(
        self,
        agent: Agent,
        session: Session,
        read_messages: MessageReader,
        reporter: DriverReporter,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.agent = agent
        self.session = session
        self._read_messages = read_messages
        self._reporter = reporter
        self._clock = clock
        self._inbox: Queue[Event] = Queue()
        self._timers: dict[Timer, float] = {}
        self._reader: gevent.Greenlet | None = None

    def request_stop(self, reason: str) -> None:
        """Ask the agent to wind down (log off, close); safe from any greenlet."""
        self._inbox.put(StopRequested(reason=reason))

    def run(self) -> Finished:
        """Run the lifecycle until the machine finishes; always stops the reader and closes the session.

        Returns:
            The machine's `Finished` action, which says why it ended and whether to start over.
        """
        try:
            pending: deque[Action] = deque(self.agent.handle(Start()))
            while True:
                finished = self._carry_out(pending)
                if finished is not None:
                    return finished
                pending.extend(self.agent.handle(self._next_event()))
        finally:
            self._stop_reader()
            self._close_quietly()

    def _carry_out(self, pending: deque[Action]) -> Finished | None:
        while pending:
            match pending.popleft():
                case Finished() as finished:
                    return finished
                case SetTimer(timer=timer, delay=delay):
                    self._timers[timer] = self._clock() + delay
                case CancelTimer(timer=timer):
                    self._timers.pop(timer, None)
                case RecordKpi(name=name, milliseconds=milliseconds):
                    self._reporter.kpi(name, milliseconds)
                case ReportViolation() as violation:
                    self._reporter.violation(violation)
                case ReportStepError() as step_error:
                    self._reporter.step_error(step_error)
                case CallFinished() as call_finished:
                    self._reporter.call_finished(call_finished)
                case Send(request=request):
                    pending.extend(self.agent.handle(self._send(request)))
                case other:
                    raise TypeError(f"the driver cannot carry out {other!r}")
        return None

    def _next_event(self) -> Event:
        while True:
            timeout = None
            if self._timers:
                timer, deadline = min(self._timers.items(), key=lambda item: item[1])
                timeout = deadline - self._clock()
                if timeout <= 0:
                    del self._timers[timer]
                    return TimerFired(timer=timer)
            try:
                event: Event = self._inbox.get(timeout=timeout)
                return event
            except Empty:
                continue

    def _send(self, request: Request) -> Event:
        try:
            result = self._call(request)
        except IcwsStatusError as exc:
            return RequestFailed(
                request=request, status=exc.status, error_id=exc.error_id, message=exc.message
            )
        except IcwsError as exc:
            return RequestFailed(request=request, status=None, error_id=None, message=str(exc))
        status = self.session.last_status
        assert status is not None, "every request the agent sends is at least one HTTP call"
        return RequestSucceeded(request=request, status=status, result=result)

    def _call(self, request: Request) -> RequestResult:
        """Make the session call for `request`; return its result as the agent types it."""
        session = self.session
        match request:
            case OpenSession():
                session.open()
                self._start_reader()
                return SessionOpened(features=session.features())
            case CloseSession():
                self._stop_reader()
                session.close()
            case DialerLogIn(campaign_id=campaign_id):
                session.dialer_log_in(campaign_id)
            case ReadyForCalls(campaign_ids=campaign_ids):
                session.ready_for_calls(campaign_ids)
            case SetStatus(status_id=status_id):
                return StatusSet(accepted=session.set_status(status_id))
            case PlacePreviewCall(initiated_by_timer=by_timer):
                session.place_preview_call(call_initiated_by_timer=True if by_timer else None)
            case SubmitDisposition(
                label=label, scheduled_time=scheduled_time, scheduled_agent=scheduled_agent
            ):
                session.disposition(label, scheduled_time=scheduled_time, scheduled_agent=scheduled_agent)
            case RequestBreak():
                session.request_break()
            case EndBreak():
                session.end_break()
            case DialerLogOff(campaign_ids=campaign_ids):
                session.dialer_log_off(campaign_ids)
            case ReadRights():
                rights = session.configuration_user().security_rights
                login_campaign = rights.login_campaign if rights is not None else None
                return RightsRead(logon_campaign=login_campaign.effective_value if login_campaign else None)
            case WatchQueue(subscription_id=subscription_id, attribute_names=attribute_names):
                session.subscribe_user_queue(subscription_id, attribute_names)
            case DisconnectCall(interaction_id=interaction_id):
                session.disconnect_interaction(interaction_id)
            case _:
                raise TypeError(f"the driver cannot send {request!r}")
        return Acknowledged()

    def _close_quietly(self) -> None:
        try:
            self.session.close()
        except IcwsError as exc:
            logger.debug("closing the session failed: %s", exc)

    def _start_reader(self) -> None:
        self._stop_reader()
        self._reader = gevent.spawn(self._read_messages, self.session, self._inbox.put)

    def _stop_reader(self) -> None:
        if self._reader is not None:
            self._reader.kill(block=False)
            self._reader = None
