"""The agent: feed it events, get back the actions that carry out an Interaction Dialer agent's day.

Theory of operation
-------------------
`Agent.handle` takes one event and returns a list of actions; it does no I/O, reads the time only from
the clock it was given and draws every behaviour from the rng it was given. Each event is handled in
three steps:

1. Observe. A message updates the facts (`Facts`): break status, campaigns, popped calls, log-off
   grants. This is where rule checks run, at arrival, against what the agent has *sent* so far, so a
   grant that races with our own request is not a violation. A server that breaks a rule produces a
   `ReportViolation` and the agent keeps going. A response or a timer is matched with what is
   outstanding; a mismatch is a bug in the driver and raises `IllegalAction`.
2. Transition. Responses and timers become a `Trigger` and move the state through
   ``TRANSITIONS`` (``_state.py`` holds every state-changing rule).
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
``restart_pause`` when ``on_error == "restart"`` (and no stop was asked for), else None.
"""

from __future__ import annotations

from collections.abc import Callable

from ._actions import (
    Action,
    CallOutcome,
    CancelTimer,
    CloseSession,
    DialerLogIn,
    DialerLogOff,
    EndBreak,
    Finished,
    OpenSession,
    PlacePreviewCall,
    ReadyForCalls,
    Request,
    RequestBreak,
    SetStatus,
    SubmitDisposition,
    Timer,
)
from ._calls import HeldCall, choose_disposition, first_label_disposition
from ._core import KPI_WAIT_FOR_POP
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
from ._state import (
    DEADLINE_TIMERS,
    STATE_TIMERS,
    TERMINAL_STATES,
    TRANSITIONS,
    AgentState,
    TimerKind,
    Trigger,
)

__all__ = ["Agent"]

S = AgentState
T = Trigger

_SESSION_GONE = frozenset({401, 410})
"""Failures after which the session cannot be used, so cleanup sends nothing more."""

_WAIT_STEPS = {
    TimerKind.LOGIN_MESSAGES: "wait for log-in messages",
    TimerKind.POP: "wait for pop",
    TimerKind.BREAK_GRANT: "wait for break grant",
    TimerKind.LOGOFF_GRANT: "wait for logout grant",
}


class Agent(MessageObserver):
    """The lifecycle of one Dialer agent, free of I/O.

    Args:
        plan: the agent's behaviour.
        rng: the seeded random source every behaviour is drawn from.
        clock: Unix epoch seconds (``time.time`` in production); used for KPIs and reschedule times.
    """

    def handle(self, event: Event) -> list[Action]:
        """Process one event and return the actions to carry out, in order.

        Returns:
            Actions; at most one `Send`, and none while an earlier `Send` is unanswered.

        Raises:
            IllegalAction: the event is not allowed now (a response nobody waits for, a second Start,
                anything after an IllegalAction). The agent is then in ERROR and refuses every event.
        """
        if self._broken is not None:
            raise IllegalAction(self._state, event, f"the agent stopped after {self._broken}")
        self._now = self._clock()
        self._out = []
        try:
            self._dispatch(event)
            self._settle()
        except IllegalAction as exc:
            self._broken = exc
            self._state = S.ERROR
            raise
        return self._out

    # --- step 1: events --------------------------------------------------------------------------

    def _dispatch(self, event: Event) -> None:
        late = MessageReceived | TimerFired | StopRequested | ReaderFailed
        if self._state in TERMINAL_STATES and isinstance(event, late):
            return
        match event:
            case Start():
                self._on_start(event)
            case RequestSucceeded():
                self._on_succeeded(event)
            case RequestFailed():
                self._on_failed(event)
            case MessageReceived(message=message):
                self._observe(message)
            case TimerFired(timer=timer):
                self._on_timer(event, timer)
            case StopRequested(reason=reason):
                self._stop_asked = True
                self._leave(reason)
            case ReaderFailed(status=status, error_id=error_id, message=message):
                self._lose_session(status)
                self._fail_later("read messages", status, error_id, message)
            case _:
                raise IllegalAction(self._state, event, "not an agent event")

    def _on_start(self, event: Start) -> None:
        if self._state is not S.IDLE:
            raise IllegalAction(self._state, event, "Start is allowed once, in IDLE")
        if self._plan.logoff_after_seconds is not None:
            self._arm(TimerKind.PLAN_END, self._plan.logoff_after_seconds)
        self._fire(T.START)

    def _take_response(self, event: RequestSucceeded | RequestFailed) -> Request:
        if self._outstanding is None or event.request != self._outstanding:
            why = f"no such request outstanding (outstanding: {self._outstanding!r})"
            raise IllegalAction(self._state, event, why)
        self._outstanding = None
        if not isinstance(event.request, SubmitDisposition):
            self._facts.r9_window = False
        return event.request

    def _on_succeeded(self, event: RequestSucceeded) -> None:
        request = self._take_response(event)
        f = self._facts
        match request:
            case OpenSession():
                f.session_open = True
            case CloseSession():
                f.session_open = False
            case DialerLogIn(campaign_id=None):
                f.dialer_logged_in = True
            case DialerLogIn(campaign_id=str(campaign_id)):
                f.joined.append(campaign_id)
            case SetStatus(status_id=status_id):
                self._on_status_set(status_id, event.body)
            case SubmitDisposition():
                self._on_dispositioned()
        self._fire(T.SUCCEEDED)

    def _on_status_set(self, status_id: str, body: object | None) -> None:
        if status_id == self._plan.available_status:
            self._facts.available_since = self._now
        request_id = getattr(body, "request_id", None)
        if isinstance(body, dict):
            request_id = body.get("requestId", request_id)
        if isinstance(request_id, str):
            self._facts.pending_async[request_id] = SetStatus.endpoint.value

    def _on_dispositioned(self) -> None:
        held = self._facts.current
        assert held is not None and held.disposition is not None
        self._finish_call(held, CallOutcome.DISPOSITIONED)
        self._count("calls_handled")
        if held.disposition.scheduled_time is not None:
            self._count("reschedules")
        if self._state is S.DISPOSITIONING:
            self._draw_gap()

    def _on_failed(self, event: RequestFailed) -> None:
        request = self._take_response(event)
        self._lose_session(event.status)
        self._report_step(request.endpoint.value, event.status, event.error_id, event.message)
        if isinstance(request, SubmitDisposition) and self._facts.current is not None:
            self._finish_call(self._facts.current, CallOutcome.DISPOSITION_FAILED)
        self._fire(T.FAILED)

    def _lose_session(self, status: int | None) -> None:
        f = self._facts
        if status in _SESSION_GONE:
            f.session_lost = f.session_open
            f.session_gone = True

    def _on_timer(self, event: TimerFired, timer: Timer) -> None:
        if self._timers.get(timer.kind) != timer:
            return
        del self._timers[timer.kind]
        if timer.kind is TimerKind.PLAN_END:
            self._leave("plan complete")
            return
        if STATE_TIMERS.get(self._state) is not timer.kind:
            raise IllegalAction(self._state, event, "a state timer fired outside its state")
        if timer.kind in DEADLINE_TIMERS:
            self._report_step(_WAIT_STEPS[timer.kind], None, None, self._timeout_message(timer.kind))
            self._fire(T.TIMEOUT)
            return
        if timer.kind is TimerKind.WRAP_UP:
            self._check_plan_count()
        elif timer.kind is TimerKind.AWAY:
            self._check_away_break()
        self._fire(T.ELAPSED)

    def _timeout_message(self, kind: TimerKind) -> str:
        plan = self._plan
        if kind is TimerKind.LOGIN_MESSAGES:
            missing = [
                name
                for name, seen in (
                    ("breakStatusMessage (R12)", self._facts.break_status_seen),
                    ("availableCampaignsMessage", self._facts.right is not None),
                )
                if not seen
            ]
            return f"no {' and no '.join(missing)} within {plan.login_timeout:g} s of the Dialer log-in"
        seconds = {
            TimerKind.POP: plan.pop_timeout,
            TimerKind.BREAK_GRANT: plan.break_grant_timeout,
            TimerKind.LOGOFF_GRANT: plan.logoff_grant_timeout,
        }[kind]
        return f"nothing within {seconds:g} s"

    def _check_plan_count(self) -> None:
        limit = self._plan.logoff_after_calls
        if limit is not None and self._counts["calls_handled"] + 1 >= limit:
            self._leave("plan complete")

    def _check_away_break(self) -> None:
        if not self._facts.break_seen_while_away:
            status = self._plan.status_change_to
            self._violation(RuleViolation("R22", f"no break (breakStatus 2) while in status {status!r}"))

    # --- step 2: transitions ---------------------------------------------------------------------

    def _fire(self, trigger: Trigger) -> None:
        old = self._state
        new = TRANSITIONS.get((old, trigger))
        if new is None:
            raise IllegalAction(old, trigger, "no row for this pair in TRANSITIONS")
        kind = STATE_TIMERS.get(old)
        if kind is not None and kind in self._timers:
            self._out.append(CancelTimer(timer=self._timers.pop(kind)))
        self._state = new
        self._entered = False
        if trigger in (T.POP_PLACED, T.POP_PREVIEW):
            self._take_queued_call(old)
        if new in TERMINAL_STATES:
            self._finish()

    def _take_queued_call(self, old: AgentState) -> None:
        f = self._facts
        held = f.queued.popleft()
        f.current = held
        if old is S.WAITING_FOR_POP and f.available_since is not None:
            self._kpi(KPI_WAIT_FOR_POP, f.available_since, at=held.popped_at)

    def _finish(self) -> None:
        for timer in self._timers.values():
            self._out.append(CancelTimer(timer=timer))
        self._timers.clear()
        for held in list(self._facts.calls()):
            self._finish_call(held, CallOutcome.UNDISPOSITIONED)
        if self._state is S.FINISHED:
            self._out.append(Finished(reason=self._leave_reason or "plan complete"))
            return
        wanted = self._plan.on_error == "restart" or self._facts.session_lost
        restart = wanted and not self._stop_asked
        reason = self._failure or "failed"
        self._out.append(Finished(reason=reason, restart_after=self._plan.restart_pause if restart else None))

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
        state = self._state
        if self._fail_pending and (state, T.FAIL) in TRANSITIONS:
            self._fail_pending = False
            return T.FAIL
        if self._leave_reason is not None and (state, T.LEAVE) in TRANSITIONS:
            return T.LEAVE
        decide = _DECIDERS.get(state)
        return decide(self) if decide is not None else None

    def _decide_campaigns(self) -> Trigger | None:
        f = self._facts
        if not f.break_status_seen or f.right is None:
            return None
        if not f.right:
            return T.CAMPAIGNS_AUTO
        f.to_join = self._choose_campaigns()
        if f.to_join:
            return T.CAMPAIGNS_OFFERED
        wanted = ", ".join(self._plan.campaigns) or "any"
        offered = ", ".join(f"{name} ({cid})" for cid, name in f.offered.items()) or "none"
        self._report_step("choose campaigns", None, None, f"wanted {wanted}; offered {offered} (R14)")
        return T.FAIL

    def _choose_campaigns(self) -> list[str]:
        offered = self._facts.offered
        if not self._plan.campaigns:
            return list(offered)
        chosen: list[str] = []
        for wanted in self._plan.campaigns:
            for campaign_id, name in offered.items():
                if wanted in (campaign_id, name) and campaign_id not in chosen:
                    chosen.append(campaign_id)
        return chosen

    def _decide_join(self) -> Trigger | None:
        return None if self._facts.to_join else T.ALL_JOINED

    def _decide_pop(self) -> Trigger | None:
        queued = self._facts.queued
        if not queued:
            return None
        return T.POP_PLACED if queued[0].placed else T.POP_PREVIEW

    def _decide_preview(self) -> Trigger | None:
        held = self._facts.current
        return T.PLACED_BY_DIALER if held is not None and held.placed else None

    def _decide_gap(self) -> Trigger:
        pop = self._decide_pop()
        if pop is not None:
            return pop
        if self._gap_break:
            self._gap_break = False
            return T.TAKE_BREAK
        if self._gap_status:
            self._gap_status = False
            return T.CHANGE_STATUS
        return T.GO_AVAILABLE

    def _decide_break(self) -> Trigger | None:
        return T.BREAK_GRANTED if self._facts.break_granted else None

    def _decide_logoff(self) -> Trigger | None:
        pop = self._decide_pop()
        if pop is not None:
            return pop
        return T.LOGOFF_GRANTED if self._facts.logoff_complete() else None

    def _decide_cleanup(self) -> Trigger:
        f = self._facts
        if f.session_gone:
            return T.CLEANUP_DONE
        if f.dialer_logged_in and f.logoff_ids is None:
            return T.CLEANUP_LOGOFF
        if self._next_open_call() is not None:
            return T.CLEANUP_DISPOSITION
        if f.session_open and not f.close_sent:
            return T.CLEANUP_CLOSE
        return T.CLEANUP_DONE

    def _next_open_call(self) -> HeldCall | None:
        f = self._facts
        while f.current is None or not f.current.open or not f.current.call.labels:
            if f.current is not None:
                self._finish_call(f.current, CallOutcome.UNDISPOSITIONED)
            if not f.queued:
                return None
            f.current = f.queued.popleft()
        return f.current

    def _draw_gap(self) -> None:
        plan, done = self._plan, self._counts["calls_handled"]
        every = plan.break_every_calls
        self._gap_break = every is not None and done % every == 0
        if not self._gap_break and plan.break_probability > 0:
            self._gap_break = self._rng.random() < plan.break_probability
        change = plan.status_change_probability
        self._gap_status = change > 0 and self._rng.random() < change

    # --- step 3: entries -------------------------------------------------------------------------

    def _enter(self) -> None:
        enter = _ENTRIES.get(self._state)
        if enter is not None:
            enter(self)
            return
        kind = STATE_TIMERS.get(self._state)
        if kind is not None:
            self._arm(kind, self._timer_delay(kind))

    def _timer_delay(self, kind: TimerKind) -> float:
        plan = self._plan
        deadlines = {
            TimerKind.LOGIN_MESSAGES: plan.login_timeout,
            TimerKind.POP: plan.pop_timeout,
            TimerKind.BREAK_GRANT: plan.break_grant_timeout,
            TimerKind.LOGOFF_GRANT: plan.logoff_grant_timeout,
        }
        if kind in deadlines:
            return deadlines[kind]
        delays = {
            TimerKind.THINK: plan.preview_think_time,
            TimerKind.TALK: plan.talk_time,
            TimerKind.WRAP_UP: plan.wrap_up_time,
            TimerKind.BREAK: plan.break_length,
            TimerKind.AWAY: plan.status_change_length,
        }
        return max(0.0, delays[kind].sample(self._rng))

    def _enter_dialer_login(self) -> None:
        self._facts.dialer_login_sent = True
        self._send(DialerLogIn(campaign_id=None))

    def _enter_join(self) -> None:
        campaign_id = self._facts.to_join.pop(0)
        self._facts.join_sent.add(campaign_id)
        self._send(DialerLogIn(campaign_id=campaign_id))

    def _enter_ready(self) -> None:
        f = self._facts
        self._send(ReadyForCalls(campaign_ids=tuple(f.joined) if f.right else None))

    def _enter_available(self) -> None:
        f = self._facts
        f.available = f.ever_available = True
        f.on_break = False
        f.status_changed_at = None
        self._send(SetStatus(status_id=self._plan.available_status))

    def _enter_place_preview(self) -> None:
        held = self._facts.current
        assert held is not None
        held.place_sent_at = self._now
        self._count("previews_placed")
        self._send(PlacePreviewCall())

    def _enter_disposition(self) -> None:
        held = self._facts.current
        assert held is not None
        self._send_disposition(held, choose_disposition(self._plan, self._rng, held, self._now))

    def _enter_cleanup_disposition(self) -> None:
        held = self._facts.current
        assert held is not None
        self._send_disposition(held, first_label_disposition(held))

    def _send_disposition(self, held: HeldCall, disposition: SubmitDisposition) -> None:
        if not held.open:
            raise IllegalAction(self._state, disposition, f"{held.interaction_id} was dispositioned already")
        held.disposition = disposition
        self._facts.available = False
        self._facts.r9_window = True
        self._send(disposition)

    def _enter_request_break(self) -> None:
        self._facts.break_requested_at = self._now
        self._facts.break_granted = False
        self._send(RequestBreak())

    def _enter_end_break(self) -> None:
        f = self._facts
        f.break_requested_at = None
        f.break_granted = False
        f.on_break = False
        self._send(EndBreak())

    def _enter_change_status(self) -> None:
        f = self._facts
        f.available = False
        f.status_changed_at = self._now
        f.break_seen_while_away = f.on_break
        self._count("status_changes")
        self._send(SetStatus(status_id=self._plan.status_change_to))

    def _enter_logoff(self) -> None:
        f = self._facts
        ids: tuple[str, ...] = ()
        if self._plan.logoff_scope == "campaigns":
            ids = tuple(f.joined) if f.right else tuple(f.offered)
        f.logoff_ids = ids
        f.logoff_sent_at = self._now
        f.break_requested_at = None
        f.status_changed_at = None
        self._send(DialerLogOff(campaign_ids=ids))

    def _enter_close(self) -> None:
        self._facts.close_sent = True
        self._send(CloseSession())


def _opener(request: Request) -> Callable[[Agent], None]:
    def enter(agent: Agent) -> None:
        agent._send(request)

    return enter


_DECIDERS: dict[AgentState, Callable[[Agent], Trigger | None]] = {
    S.AWAITING_CAMPAIGNS: Agent._decide_campaigns,
    S.JOINING_CAMPAIGN: Agent._decide_join,
    S.WAITING_FOR_POP: Agent._decide_pop,
    S.PREVIEWING: Agent._decide_preview,
    S.BETWEEN_CALLS: Agent._decide_gap,
    S.AWAITING_BREAK: Agent._decide_break,
    S.AWAITING_LOGOFF_GRANT: Agent._decide_logoff,
    S.CLEANING_UP: Agent._decide_cleanup,
}

_ENTRIES: dict[AgentState, Callable[[Agent], None]] = {
    S.OPENING_SESSION: _opener(OpenSession()),
    S.DIALER_LOGIN: Agent._enter_dialer_login,
    S.JOINING_CAMPAIGN: Agent._enter_join,
    S.READYING: Agent._enter_ready,
    S.SETTING_AVAILABLE: Agent._enter_available,
    S.PLACING_PREVIEW: Agent._enter_place_preview,
    S.DISPOSITIONING: Agent._enter_disposition,
    S.FINAL_DISPOSITIONING: Agent._enter_disposition,
    S.CLEANUP_DISPOSITIONING: Agent._enter_cleanup_disposition,
    S.REQUESTING_BREAK: Agent._enter_request_break,
    S.ENDING_BREAK: Agent._enter_end_break,
    S.CHANGING_STATUS: Agent._enter_change_status,
    S.LOGGING_OFF_ON_CALL: Agent._enter_logoff,
    S.LOGGING_OFF: Agent._enter_logoff,
    S.CLEANUP_LOGGING_OFF: Agent._enter_logoff,
    S.CLOSING: Agent._enter_close,
    S.CLEANUP_CLOSING: Agent._enter_close,
}
