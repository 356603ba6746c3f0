"""Runs one agent machine against one ICWS session inside a gevent greenlet.

The machine decides; the driver only carries out its actions in order. A `Send` becomes one session
call whose outcome goes back to the machine as exactly one event: a success with the call's HTTP status
and its typed result, or a failure with the error. Timers live in a dict of deadlines; messages arrive
from a reader greenlet through the inbox. Between actions the driver blocks on the inbox until the
earliest deadline, so an idle agent costs no CPU.

Besides the machine's actions, the driver tells its reporter the alternate hosts each new session's
server named (``alternateHostList``) and when the agent first got ready for calls in the shift, and,
when asked to, polls ``switchover-status`` in a greenlet of its own as agent pages do.
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
    Action,
    Agent,
    CallFinished,
    CampaignJoined,
    CancelTimer,
    CloseSession,
    Event,
    Finished,
    RecordKpi,
    ReportBucket,
    ReportStepError,
    ReportViolation,
    Request,
    Send,
    SetTimer,
    Start,
    StopRequested,
    Timer,
    TimerFired,
)
from botagent.icws import Session, SessionState
from botagent.locust._requests import send_request
from botagent.wire import ConnectionResponse, IcwsError

__all__ = ["AgentDriver", "DriverReporter", "MessageReader"]

logger = logging.getLogger(__name__)


class DriverReporter(Protocol):
    """Where the driver sends what the machine reports."""

    def kpi(self, action: RecordKpi) -> None: ...
    def violation(self, action: ReportViolation) -> None: ...
    def step_error(self, action: ReportStepError) -> None: ...
    def call_finished(self, action: CallFinished) -> None: ...
    def campaign_joined(self, action: CampaignJoined) -> None: ...
    def connected(self, alternate_hosts: list[str]) -> None: ...
    def working(self) -> None: ...
    def primary_host(self, host: str) -> None: ...


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
        switchover_poll: seconds between ``GET switchover-status`` polls while the session is open;
            None (or 0) for none.
    """

    def __init__(
        self,
        agent: Agent,
        session: Session,
        read_messages: MessageReader,
        reporter: DriverReporter,
        clock: Callable[[], float] = time.monotonic,
        switchover_poll: float | None = None,
    ) -> None:
        self.agent = agent
        self.session = session
        self._read_messages = read_messages
        self._reporter = reporter
        self._clock = clock
        self._inbox: Queue[Event] = Queue()
        self._timers: dict[Timer, float] = {}
        self._reader: gevent.Greenlet | None = None
        self._poller: gevent.Greenlet | None = None
        self._switchover_poll = switchover_poll
        self._working = False

    @property
    def worked(self) -> bool:
        """Whether the agent got ready for calls in this shift."""
        return self._working

    def request_stop(self, reason: str) -> None:
        """Ask the agent to wind down (log off, close); safe from any greenlet."""
        self._inbox.put(StopRequested(reason=reason))

    def run(self) -> Finished:
        """Run the lifecycle until the machine finishes; always stops the reader and closes the session.

        Returns:
            The machine's `Finished` action, which says why it ended and whether to start over.
        """
        finished: Finished | None = None
        try:
            pending: deque[Action] = deque(self.agent.handle(Start()))
            while True:
                finished = self._carry_out(pending)
                if finished is not None:
                    return finished
                pending.extend(self.agent.handle(self._next_event()))
                self._note_working()
        finally:
            self._stop_reader()
            if finished is not None and finished.session_lost:
                self.session.abandon()  # the server dropped it: a DELETE would only be refused
            else:
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
                case RecordKpi() as kpi:
                    self._reporter.kpi(kpi)
                case ReportViolation() as violation:
                    self._reporter.violation(violation)
                case ReportStepError() as step_error:
                    self._reporter.step_error(step_error)
                case CallFinished() as call_finished:
                    self._reporter.call_finished(call_finished)
                case CampaignJoined() as joined:
                    self._reporter.campaign_joined(joined)
                case Send(request=request):
                    pending.extend(self.agent.handle(self._send(request)))
                    self._note_working()
                case other:
                    raise TypeError(f"the driver cannot carry out {other!r}")
        return None

    def _note_working(self) -> None:
        if not self._working and self.agent.state.bucket is ReportBucket.READY:
            self._working = True
            self._reporter.working()

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
        if isinstance(request, CloseSession):
            self._stop_reader()
        return send_request(self.session, request, self._opened)

    def _opened(self, connection: ConnectionResponse) -> None:
        self._reporter.connected(connection.alternate_host_list or [])
        self._start_reader()

    def _close_quietly(self) -> None:
        try:
            self.session.close()
        except IcwsError as exc:
            logger.debug("closing the session failed: %s", exc)

    def _start_reader(self) -> None:
        self._stop_reader()
        self._reader = gevent.spawn(self._read_messages, self.session, self._inbox.put)
        if self._switchover_poll:
            poll = self._switchover_poll
            self._poller = gevent.spawn(
                poll_switchover_status, self.session, poll, self._reporter.primary_host
            )

    def _stop_reader(self) -> None:
        for greenlet in (self._reader, self._poller):
            if greenlet is not None:
                greenlet.kill(block=False)
        self._reader = self._poller = None


def poll_switchover_status(session: Session, interval: float, report: Callable[[str], None]) -> None:
    """``GET switchover-status`` every ``interval`` seconds until the session ends or fails, reporting
    each answer's ``primaryHost`` (the current primary of a pair: official switchover-status page).

    The answer changes nothing the agent does: a switchover shows to the agent as its session ending.
    Each poll is a request in the statistics; a failed one ends the polling (the session is gone, or
    the server does not serve the call, connection 11).
    """
    while session.state is SessionState.OPEN:
        gevent.sleep(interval)
        try:
            status = session.switchover_status()
        except (IcwsError, RuntimeError):
            return
        report(status.primary_host)
