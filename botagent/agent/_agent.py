"""The agent: feed it events, get back the actions that carry out an Interaction Dialer agent's day.

Theory of operation
-------------------
`Agent.handle` takes one event and returns a list of actions; it does no I/O, reads the time only from
the clock it was given and draws every behaviour from the rng it was given. The agent owns its state,
its collaborators and a few small records of facts, each written only through its own methods:

- records (``_records.py``, ``_calls.py``): the session and Dialer log-in, the campaigns and the Logon
  Campaign right, the Available status, the break facts, the log-off and its grants, the book of
  popped calls, the requests answered asynchronously, and whether and why the agent leaves;
- `MessageObserver` (``_observe.py``) learns facts from messages and checks the server's rules;
- `Steps` (``_steps.py``) learns from the answers to the agent's requests (the session's opening
  brings the server's feature versions; a licence not acquired is a failure), decides the triggers a
  state's facts imply (a missing feature version before a Dialer call is a FAIL), and makes the
  request of each sending state;
- `Outbox` and `Timers` (``_outbox.py``) collect the actions, reports, counters and armed timers.

Each event is handled in three steps:

1. Observe. A message updates the records: break status, campaigns, popped calls, log-off grants.
   This is where rule checks run, at arrival, against what the agent has *sent* so far, so a grant
   that races with our own request is not a violation. A server that breaks a rule produces a
   `ReportViolation` and the agent keeps going. A response or a timer is matched with what is
   outstanding (a response also with its request's result type); a mismatch is a bug in the driver and
   raises `IllegalAction`.
2. Transition. Responses and timers become a `Trigger` and move the state through ``TRANSITIONS``
   (``_state.py`` holds every state-changing rule).
3. Settle. While no request is outstanding the agent looks for a trigger that its facts already imply
   (a failure to clean up after, a wish to leave, a queued pop, a granted break or log-off, a decision
   between calls) and fires it; when none is left it carries out the entry of the state it rests in:
   one `Send`, or one `SetTimer`. Messages that arrive while a request is outstanding therefore take
   effect as soon as it is answered, so at most one `Send` is ever outstanding.

Leaving (a `StopRequested`, the plan's call count or time) is a fact too: the next state that has a
LEAVE row takes it, which gives the R32 order on a call (log off, then disposition) and R20 on a break.
Failures (R11) report a `ReportStepError` and go to CLEANING_UP, which logs off, dispositions held calls
with their first label and closes the session, each at most once and never retrying the failed step,
then ends in ERROR with `Finished(reason, restart_after)`: ``restart_after`` is the plan's
``restart_pause`` when ``on_error == "restart"`` or the server dropped the session (and no stop was
asked for, and the server did not lack a feature the agent needs), else None.
"""

from __future__ import annotations

from collections.abc import Callable

from botagent.wire import DataPopCall, PreviewPopCall

from ._actions import Action, CampaignJoined, CampaignRef, Finished, Request, Send, SubmitDisposition
from ._calls import CallBook
from ._errors import IllegalAction, RuleViolation
from ._events import (
    Event,
    MessageReceived,
    ReaderFailed,
    RequestFailed,
    RequestSucceeded,
    Start,
    StopRequested,
    TimerFired,
)
from ._observe import MessageObserver
from ._outbox import AgentCounters, Outbox, Timers
from ._plan import AgentPlan, Rng
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
from ._state import (
    DEADLINE_TIMERS,
    STATE_TIMERS,
    TERMINAL_STATES,
    TRANSITIONS,
    AgentState,
    TimerKind,
    Trigger,
)
from ._steps import Steps

__all__ = ["Agent"]

S = AgentState
T = Trigger

_LATE_EVENTS = (MessageReceived, TimerFired, StopRequested, ReaderFailed)
"""Events that may still arrive after the lifecycle ended; they are ignored then."""


class Agent:
    """The lifecycle of one Dialer agent, free of I/O.

    Args:
        plan: the agent's behaviour.
        rng: the seeded random source every behaviour is drawn from.
        clock: Unix epoch seconds (``time.time`` in production); used for KPIs and reschedule times.
    """

    def __init__(self, plan: AgentPlan, rng: Rng, clock: Callable[[], float]) -> None:
        self._plan = plan
        self._clock = clock
        self._state = AgentState.IDLE
        self._entered = True
        self._outstanding: Request | None = None
        self._broken: IllegalAction | None = None
        self._now = 0.0
        self._out = Outbox()
        self._timers = Timers(self._out)
        self._calls = CallBook()
        self._session = SessionFacts()
        self._availability = AvailabilityFacts()
        self._breaks = BreakFacts()
        self._departure = Departure()
        campaigns, logoff, pending, queue = CampaignFacts(), LogoffFacts(), PendingAsync(), QueueFacts()
        self._campaigns = campaigns
        self._observer = MessageObserver(
            calls=self._calls,
            session=self._session,
            campaigns=campaigns,
            availability=self._availability,
            breaks=self._breaks,
            logoff=logoff,
            pending=pending,
            departure=self._departure,
            queue=queue,
            out=self._out,
        )
        self._steps = Steps(
            plan=plan,
            rng=rng,
            calls=self._calls,
            session=self._session,
            campaigns=campaigns,
            availability=self._availability,
            breaks=self._breaks,
            logoff=logoff,
            pending=pending,
            departure=self._departure,
            queue=queue,
            out=self._out,
        )

    # --- public surface --------------------------------------------------------------------------

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
        held = self._calls.current
        return held.call if held is not None else None

    @property
    def counters(self) -> AgentCounters:
        """A snapshot of what the agent has done so far."""
        return self._out.counters

    @property
    def calls_handled(self) -> int:
        """Calls dispositioned successfully."""
        return self._out.counted("calls_handled")

    @property
    def breaks_taken(self) -> int:
        """Breaks granted (breakStatus 2 after a break request)."""
        return self._out.counted("breaks_taken")

    def handle(self, event: Event) -> list[Action]:
        """Process one event and return the actions to carry out, in order.

        Returns:
            Actions; at most one `Send`, and none while an earlier `Send` is unanswered.

        Raises:
            IllegalAction: the event is not allowed now (a response nobody waits for or with a result
                of the wrong kind, a second Start, anything after an IllegalAction). The agent is then
                in ERROR and refuses every event.
        """
        if self._broken is not None:
            raise IllegalAction(self._state, event, f"the agent stopped after {self._broken}")
        self._now = self._clock()
        joined = set(self._campaigns.working())
        try:
            self._dispatch(event)
            self._settle()
            self._report_joins(joined)
        except IllegalAction as exc:
            self._broken = exc
            self._state = S.ERROR
            self._out.take()
            raise
        return self._out.take()

    def _report_joins(self, before: set[str]) -> None:
        for campaign_id in self._campaigns.working():
            if campaign_id not in before:
                campaign = self._campaigns.named(CampaignRef(id=campaign_id))
                self._out.add(CampaignJoined(campaign=campaign))

    # --- step 1: events --------------------------------------------------------------------------

    def _dispatch(self, event: Event) -> None:
        if self._state in TERMINAL_STATES and isinstance(event, _LATE_EVENTS):
            return
        match event:
            case Start():
                self._on_start(event)
            case RequestSucceeded():
                self._on_succeeded(event)
            case RequestFailed():
                self._on_failed(event)
            case MessageReceived(message=message):
                self._observer.observe(message, self._now)
            case TimerFired():
                self._on_timer(event)
            case StopRequested(reason=reason):
                self._departure.stop(reason)
            case ReaderFailed(status=status, error_id=error_id, message=message):
                self._session.failed_with(status)
                self._out.step_error("read messages", status, error_id, message)
                self._departure.fail()
            case _:
                raise IllegalAction(self._state, event, "not an agent event")

    def _on_start(self, event: Start) -> None:
        if self._state is not S.IDLE:
            raise IllegalAction(self._state, event, "Start is allowed once, in IDLE")
        if self._plan.logoff_after_seconds is not None:
            self._timers.arm(TimerKind.PLAN_END, self._plan.logoff_after_seconds)
        self._fire(T.START)

    def _take_response(self, event: RequestSucceeded | RequestFailed) -> Request:
        if self._outstanding is None or event.request != self._outstanding:
            why = f"no such request outstanding (outstanding: {self._outstanding!r})"
            raise IllegalAction(self._state, event, why)
        self._outstanding = None
        if not isinstance(event.request, SubmitDisposition):
            self._availability.answered()
        return event.request

    def _on_succeeded(self, event: RequestSucceeded) -> None:
        request = self._take_response(event)
        if not isinstance(event.result, request.result_type):
            got, expected = type(event.result).__name__, request.result_type.__name__
            why = f"{type(request).__name__} succeeds with {expected}, not {got}"
            raise IllegalAction(self._state, event, why)
        self._steps.succeeded(request, event.result, self._state, self._now)
        self._fire(T.SUCCEEDED)

    def _on_failed(self, event: RequestFailed) -> None:
        request = self._take_response(event)
        if self._steps.already_done(request, event.status):
            self._fire(T.SUCCEEDED)
            return
        self._session.failed_with(event.status)
        campaign = self._steps.campaign_of(request)
        step = request.endpoint.value
        logon_error = event.logon_error
        self._out.step_error(
            step, event.status, event.error_id, event.message, campaign=campaign, logon_error=logon_error
        )
        self._steps.failed(request)
        self._fire(T.FAILED)

    def _on_timer(self, event: TimerFired) -> None:
        kind = event.timer.kind
        if not self._timers.fired(event.timer):
            return
        if kind is TimerKind.PLAN_END:
            self._departure.leave("plan complete")
            return
        if STATE_TIMERS.get(self._state) is not kind:
            raise IllegalAction(self._state, event, "a state timer fired outside its state")
        if kind in DEADLINE_TIMERS:
            self._steps.timed_out(kind)
            self._fire(T.TIMEOUT)
            return
        if kind is TimerKind.THINK and self._steps.skipping():
            self._check_plan_count()
            self._fire(T.SKIP_PREVIEW)
            return
        if kind is TimerKind.WRAP_UP:
            self._check_plan_count()
        elif kind is TimerKind.AWAY:
            self._check_away_break()
        self._fire(T.ELAPSED)

    def _check_plan_count(self) -> None:
        limit = self._plan.logoff_after_calls
        if limit is not None and self.calls_handled + 1 >= limit:
            self._departure.leave("plan complete")

    def _check_away_break(self) -> None:
        if not self._breaks.seen_while_away:
            status = self._plan.status_change_to
            self._out.violation(RuleViolation("R22", f"no break (breakStatus 2) while in status {status!r}"))

    # --- step 2: transitions ---------------------------------------------------------------------

    def _fire(self, trigger: Trigger) -> None:
        old = self._state
        new = TRANSITIONS.get((old, trigger))
        if new is None:
            raise IllegalAction(old, trigger, "no row for this pair in TRANSITIONS")
        kind = STATE_TIMERS.get(old)
        if kind is not None:
            self._timers.cancel(kind)
        self._state = new
        self._entered = False
        if trigger in (T.POP_PLACED, T.POP_PREVIEW):
            self._steps.take_call(waited=old is S.WAITING_FOR_POP)
        if new in TERMINAL_STATES:
            self._finish()

    def _finish(self) -> None:
        self._timers.cancel_all()
        self._steps.drop_calls()
        departure = self._departure
        if self._state is S.FINISHED:
            self._out.add(Finished(reason=departure.reason or "plan complete"))
            return
        wanted = self._plan.on_error == "restart" or self._session.lost
        allowed = departure.restartable and not departure.stop_asked
        restart = self._plan.restart_pause if wanted and allowed else None
        reason = self._out.failure or "failed"
        self._out.add(Finished(reason=reason, restart_after=restart, session_lost=self._session.lost))

    # --- step 3: settle --------------------------------------------------------------------------

    def _settle(self) -> None:
        while self._outstanding is None and self._state not in TERMINAL_STATES:
            trigger = self._next_trigger()
            if trigger is not None:
                self._fire(trigger)
            elif self._entered:
                return
            else:
                self._entered = True
                self._enter()

    def _next_trigger(self) -> Trigger | None:
        state, departure = self._state, self._departure
        if departure.fail_pending and (state, T.FAIL) in TRANSITIONS:
            departure.failure_taken()
            return T.FAIL
        if departure.reason is not None and (state, T.LEAVE) in TRANSITIONS:
            return T.LEAVE
        return self._steps.decide(state)

    def _enter(self) -> None:
        request = self._steps.entry(self._state, self._now)
        if request is not None:
            self._outstanding = request
            self._out.add(Send(request=request))
            return
        kind = STATE_TIMERS.get(self._state)
        if kind is not None:
            self._timers.arm(kind, self._steps.delay(kind, self._now))
