"""The agent's own steps: what the answer to each request teaches, which trigger a resting state's facts
imply, and which request entering a sending state makes.

`Steps` never changes the state: `Agent` asks it and fires the triggers through ``TRANSITIONS``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

from botagent.wire import Endpoint, LicenseOperationResult, LicenseStatus, PreviewPopCall

from ._actions import (
    AcquireLicences,
    CallOutcome,
    CampaignRef,
    CloseSession,
    DialerLogIn,
    DialerLogOff,
    DisconnectCall,
    EndBreak,
    OpenSession,
    PickUpInteraction,
    PlacePreviewCall,
    ReadRights,
    ReadyForCalls,
    Request,
    RequestBreak,
    SetStatus,
    SubmitDisposition,
    WatchQueue,
)
from ._calls import (
    CallBook,
    HeldCall,
    RescheduleNote,
    choose_disposition,
    first_label_disposition,
    skip_disposition,
)
from ._errors import IllegalAction
from ._outbox import KPI_ACD_ALERT_TO_PICKUP, KPI_WAIT_FOR_POP, CounterName, Outbox
from ._plan import AgentPlan, Rng
from ._queue import QUEUE_ATTRIBUTES, QUEUE_SUBSCRIPTION_ID, QueueFacts
from ._records import (
    AvailabilityFacts,
    BreakFacts,
    CampaignFacts,
    Departure,
    LogoffFacts,
    PendingAsync,
    SessionFacts,
)
from ._results import LicencesAcquired, RequestResult, RightsRead, SessionOpened, StatusSet
from ._state import AgentState, TimerKind, Trigger

__all__ = ["Steps"]

S = AgentState
T = Trigger


@dataclass(eq=False, slots=True, kw_only=True)
class Steps:
    """What one agent does for itself, on the records it shares with its message observer.

    It writes the records only through their own methods, reports to ``out``, and draws from ``rng``.
    What the agent drew to do between calls (a break, a status change) is its own. Before a request
    that needs a server feature version it checks the versions the session listed (``_FEATURES``).
    """

    plan: AgentPlan
    rng: Rng
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
    _break_next: bool = field(default=False, init=False)
    _status_next: bool = field(default=False, init=False)
    _acd_alerted_at: float = field(default=0.0, init=False)

    # --- answers -----------------------------------------------------------------------------------

    def succeeded(self, request: Request, result: RequestResult, state: AgentState, now: float) -> None:
        """Learn from the success of ``request`` (sent from ``state``), answered with ``result``."""
        match request, result:
            case OpenSession(), SessionOpened(features=features):
                self.session.opened(features)
            case AcquireLicences(names=names), LicencesAcquired(results=results):
                self._check_licences(names, results)
            case CloseSession(), _:
                self.session.closed()
            case ReadRights(), RightsRead(logon_campaign=right):
                self.campaigns.configured(right)
            case WatchQueue(), _:
                self.queue.subscribed()
            case DialerLogIn(campaign_id=None), _:
                self.session.logged_in()
            case DialerLogIn(campaign_id=str(campaign_id)), _:
                self.campaigns.join(campaign_id)
            case SetStatus(status_id=status_id), StatusSet(accepted=accepted):
                if status_id == self.plan.available_status:
                    self.availability.available_at(now)
                if accepted is not None:
                    self.pending.expect(accepted.request_id, SetStatus.endpoint.value)
            case SubmitDisposition(), _:
                self._dispositioned(state)
            case PickUpInteraction(), _:
                self.queue.picked_up(now)
                self.out.kpi(KPI_ACD_ALERT_TO_PICKUP, self._acd_alerted_at, now)

    def _check_licences(self, names: tuple[str, ...], results: tuple[LicenseOperationResult, ...]) -> None:
        """A licence asked for and not acquired is a step error, and the agent stops for good (R11).

        The server answers 200 whether or not it gave the licences (official licenses page), so each
        one is looked up; one missing from the answer was not acquired either.
        """
        found = {result.license_name: result for result in results}
        refused = [_refusal(name, found.get(name)) for name in names if not _acquired(found.get(name))]
        if refused:
            self.out.step_error("acquire licences", None, None, "; ".join(refused))
            self.departure.fail()
            self.departure.cannot_restart()

    def _dispositioned(self, state: AgentState) -> None:
        held = self.calls.current
        assert held is not None and held.disposition is not None
        self.queue.dispositioned_call(held.interaction_id)
        self._finish_call(held, CallOutcome.DISPOSITIONED)
        self.out.count("calls_handled")
        if held.disposition.scheduled_time is not None:
            self.out.count("reschedules")
        if state in (S.DISPOSITIONING, S.SKIPPING_PREVIEW):
            self._draw_gap()

    def _draw_gap(self) -> None:
        plan, done = self.plan, self.out.counted("calls_handled")
        every = plan.break_every_calls
        self._break_next = every is not None and done % every == 0
        if not self._break_next and plan.break_probability > 0:
            self._break_next = self.rng.random() < plan.break_probability
        change = plan.status_change_probability
        self._status_next = change > 0 and self.rng.random() < change

    def already_done(self, request: Request, status: int | None) -> bool:
        """True when a failure only says the request's work was done: a disconnect answered 404 finds
        the interaction gone, as when the far end hung up while the request was on its way."""
        if isinstance(request, PickUpInteraction) and status in (400, 404):
            self.queue.acd_done()  # the alert went back to its workgroup or its caller gave up
            return True
        return isinstance(request, DisconnectCall) and status == 404

    def failed(self, request: Request) -> None:
        """Learn from the failure of ``request``: a disposition that failed finishes its call."""
        held = self.calls.current
        if isinstance(request, SubmitDisposition) and held is not None:
            self._finish_call(held, CallOutcome.DISPOSITION_FAILED)

    # --- calls -------------------------------------------------------------------------------------

    def take_call(self, waited: bool) -> None:
        """Make the next queued call current; ``waited``: the agent was waiting for a pop (KPI).

        A preview that is not placed yet and that its pop allows to skip is skipped by the plan's
        chance (official disposition page: "Skipped - Agent Skip" needs ``allowSkip``).
        """
        held = self.calls.take_next()
        since = self.availability.available_since
        if waited and since is not None:
            self.out.kpi(KPI_WAIT_FOR_POP, since, held.popped_at, self.campaigns.named(held.campaign))
        if isinstance(held.call, PreviewPopCall) and not held.placed and held.call.allow_skip:
            chance = self.plan.preview_skip_probability
            if chance > 0 and self.rng.random() < chance:
                held.mark_skip()

    def skipping(self) -> bool:
        """True when the current call is a preview the agent skips."""
        held = self.calls.current
        return held is not None and held.skipping

    def drop_calls(self) -> None:
        """Finish every call still held as undispositioned (the lifecycle ended)."""
        for held in list(self.calls.calls()):
            self._finish_call(held, CallOutcome.UNDISPOSITIONED)

    def _finish_call(self, held: HeldCall, outcome: CallOutcome) -> None:
        record = self.calls.finish(held, outcome)
        name = self.campaigns.named(held.campaign).name
        self.out.call_finished(dataclasses.replace(record, campaign_name=name))

    def campaign_of(self, request: Request) -> CampaignRef | None:
        """The campaign ``request`` was for: the one it logs in to, or the current call's."""
        held = self.calls.current
        match request:
            case DialerLogIn(campaign_id=str(campaign_id)):
                return self.campaigns.named(CampaignRef(id=campaign_id))
            case PlacePreviewCall() | SubmitDisposition() if held is not None:
                return self.campaigns.named(held.campaign)
        return None

    # --- decisions ---------------------------------------------------------------------------------

    def decide(self, state: AgentState) -> Trigger | None:
        """The trigger the facts imply in ``state``, if any (a pop, a grant, a choice, a missing feature)."""
        decide = _DECIDERS.get(state)
        return decide(self) if decide is not None else None

    def _lacking(self, feature_id: str, version: int, what: str) -> Trigger | None:
        """FAIL, with a step error, when the server lacks ``feature_id`` at ``version`` for ``what``."""
        why = self.session.lacks(feature_id, version)
        if why is None:
            return None
        self.out.step_error("check server features", None, None, f"{what} {why}")
        self.departure.cannot_restart()
        return T.FAIL

    def _decide_licences(self) -> Trigger | None:
        return None if self.plan.licences else T.SKIP_STEP

    def _decide_rights(self) -> Trigger | None:
        wanted = self.plan.read_rights and self.session.lacks(*_RIGHTS_FEATURE) is None
        return None if wanted else T.SKIP_STEP

    def _decide_watch(self) -> Trigger | None:
        served = all(self.session.lacks(*feature) is None for feature in _QUEUE_FEATURES)
        return None if self.plan.watch_queue and served else T.SKIP_STEP

    def _decide_talking(self) -> Trigger | None:
        held = self.calls.current
        if held is None or not self.queue.watching or not self.queue.ended(held.interaction_id):
            return None
        self.out.count("remote_hang_ups")
        return T.HUNG_UP

    def _decide_acd_talking(self) -> Trigger | None:
        current = self.queue.acd_current
        return T.HUNG_UP if current is None or self.queue.ended(current) else None

    def _decide_disconnect(self) -> Trigger | None:
        held = self.calls.current
        return None if held is not None and self._must_disconnect(held) else T.SKIP_STEP

    def _must_disconnect(self, held: HeldCall) -> bool:
        """The agent, not the server, hangs this call up, and it may still be up (official disposition page).

        A dialed call whose interaction the queue has not shown yet counts as up: its messages may be on
        their way (a disconnect that finds nothing is answered 404, which `already_done` accepts).
        """
        if not self.plan.disconnect_calls or held.disconnect_sent or held.call.auto_disconnect_on_disposition:
            return False
        dialed = held.placed or held.place_sent_at is not None
        return self.queue.watching and dialed and not self.queue.ended(held.interaction_id)

    def _decide_dialer_login(self) -> Trigger | None:
        return self._lacking(*_FEATURES[Endpoint.DIALER_LOG_IN], Endpoint.DIALER_LOG_IN.value)

    def _decide_ready(self) -> Trigger | None:
        if not self.campaigns.right:
            return None
        return self._lacking(*_READY_WITH_IDS, f"{Endpoint.READY_FOR_CALLS.value} with campaignIds")

    def _decide_campaigns(self) -> Trigger | None:
        campaigns, wanted = self.campaigns, self.plan.campaigns
        if not self.breaks.status_seen or campaigns.right is None:
            return None
        if not campaigns.right:
            return T.CAMPAIGNS_AUTO
        if not campaigns.fits(wanted):
            offered = campaigns.describe_offered()
            message = f"wanted {', '.join(wanted) or 'any'}; offered {offered} (R14)"
            self.out.step_error("choose campaigns", None, None, message)
            return T.FAIL
        if campaigns.joined or campaigns.next_to_join(wanted) is not None:
            return T.CAMPAIGNS_OFFERED
        return None  # no chosen campaign runs yet: wait for one until the log-in deadline

    def _decide_join(self) -> Trigger | None:
        return None if self.campaigns.next_to_join(self.plan.campaigns) else T.ALL_JOINED

    def _decide_waiting(self) -> Trigger | None:
        pop = self._decide_pop()
        if pop is not None:
            return pop
        if self.plan.blended and self.queue.next_alert() is not None:
            return T.ACD_ALERT
        campaigns = self.campaigns
        if campaigns.right and campaigns.next_to_join(self.plan.campaigns) is not None:
            return T.CAMPAIGNS_OFFERED
        return T.READY_AGAIN if campaigns.ready_due else None

    def _decide_pop(self) -> Trigger | None:
        queued = self.calls.next_queued()
        if queued is None:
            return None
        return T.POP_PLACED if queued.placed else T.POP_PREVIEW

    def _decide_preview(self) -> Trigger | None:
        held = self.calls.current
        if held is None:
            return None
        if held.placed:
            return T.PLACED_BY_DIALER
        if held.skipping:
            return None
        return self._lacking(*_FEATURES[Endpoint.PLACE_PREVIEW_CALL], Endpoint.PLACE_PREVIEW_CALL.value)

    def _decide_gap(self) -> Trigger:
        pop = self._decide_pop()
        if pop is not None:
            return pop
        if self._break_next:
            self._break_next = False
            return T.TAKE_BREAK
        if self._status_next:
            self._status_next = False
            return T.CHANGE_STATUS
        return T.GO_AVAILABLE

    def _decide_before_disposition(self) -> Trigger | None:
        held = self.calls.current
        if held is None or not held.open:
            return None
        can_place = self.session.lacks(*_FEATURES[Endpoint.PLACE_PREVIEW_CALL]) is None
        if held.must_place_first and can_place:
            return T.PLACE_FIRST
        return T.DISCONNECT_FIRST if self._must_disconnect(held) else None

    def _decide_break(self) -> Trigger | None:
        return T.BREAK_GRANTED if self.breaks.granted else None

    def _decide_logoff(self) -> Trigger | None:
        pop = self._decide_pop()
        if pop is not None:
            return pop
        return T.LOGOFF_GRANTED if self.logoff.complete() else None

    def _decide_cleanup(self) -> Trigger:
        session = self.session
        if session.gone:
            return T.CLEANUP_DONE
        if session.dialer_logged_in and not self.logoff.sent:
            return T.CLEANUP_LOGOFF
        if self._next_open_call() is not None:
            return T.CLEANUP_DISPOSITION
        if session.open and not session.close_sent:
            return T.CLEANUP_CLOSE
        return T.CLEANUP_DONE

    def _next_open_call(self) -> HeldCall | None:
        calls = self.calls
        while calls.current is None or not calls.current.open or not calls.current.call.labels:
            if calls.current is not None:
                self._finish_call(calls.current, CallOutcome.UNDISPOSITIONED)
            if calls.next_queued() is None:
                return None
            calls.take_next()
        return calls.current

    # --- entries -----------------------------------------------------------------------------------

    def entry(self, state: AgentState, now: float) -> Request | None:
        """The request entering ``state`` makes, None for a state that sends nothing.

        Raises:
            IllegalAction: the agent would disposition a call twice (a bug in botagent).
        """
        enter = _ENTRIES.get(state)
        return enter(self, state, now) if enter is not None else None

    def _open(self, state: AgentState, now: float) -> Request:
        return OpenSession()

    def _acquire_licences(self, state: AgentState, now: float) -> Request:
        return AcquireLicences(names=self.plan.licences)

    def _read_rights(self, state: AgentState, now: float) -> Request:
        return ReadRights()

    def _watch_queue(self, state: AgentState, now: float) -> Request:
        return WatchQueue(subscription_id=QUEUE_SUBSCRIPTION_ID, attribute_names=QUEUE_ATTRIBUTES)

    def _disconnect(self, state: AgentState, now: float) -> Request:
        held = self.calls.current
        assert held is not None
        held.disconnecting()
        self.out.count("calls_disconnected")
        return DisconnectCall(interaction_id=held.interaction_id)

    def _pick_up(self, state: AgentState, now: float) -> Request:
        interaction_id = self.queue.next_alert()
        assert interaction_id is not None, "PICKING_UP_ACD is entered only while an alert waits"
        self._acd_alerted_at = self.queue.picking_up(interaction_id)
        return PickUpInteraction(interaction_id=interaction_id)

    def _acd_disconnect(self, state: AgentState, now: float) -> Request:
        interaction_id = self.queue.acd_current
        assert interaction_id is not None, "ACD_TALKING is left by HUNG_UP once its interaction ended"
        return DisconnectCall(interaction_id=interaction_id)

    def _dialer_login(self, state: AgentState, now: float) -> Request:
        self.session.logging_in()
        return DialerLogIn(campaign_id=None)

    def _join(self, state: AgentState, now: float) -> Request:
        campaign_id = self.campaigns.next_to_join(self.plan.campaigns)
        assert campaign_id is not None, "a join state is left by ALL_JOINED when nothing is left to join"
        self.campaigns.joining(campaign_id)
        return DialerLogIn(campaign_id=campaign_id)

    def _ready(self, state: AgentState, now: float) -> Request:
        self.campaigns.readied()
        return ReadyForCalls(campaign_ids=self.campaigns.ready_ids())

    def _available(self, state: AgentState, now: float) -> Request:
        self.availability.setting_available()
        self.breaks.go_available()
        return SetStatus(status_id=self.plan.available_status)

    def _place_preview(self, state: AgentState, now: float) -> Request:
        held = self.calls.current
        assert held is not None
        held.place(now)
        self.out.count("previews_placed")
        if held.timed:
            self.out.count("previews_by_timer")
        return PlacePreviewCall(initiated_by_timer=held.timed)

    def _skip(self, state: AgentState, now: float) -> Request:
        held = self.calls.current
        assert held is not None
        self.out.count("previews_skipped")
        return self._dispose(state, held, skip_disposition())

    def _disposition(self, state: AgentState, now: float) -> Request:
        held = self.calls.current
        assert held is not None
        if held.skipping or held.skippable:  # a preview never placed is skipped where its pop allows
            return self._skip(state, now)
        disposition, note = choose_disposition(self.plan, self.rng, held, now)
        if note is not None:
            self.out.count(_RESCHEDULE_COUNTERS[note])
        return self._dispose(state, held, disposition)

    def _cleanup_disposition(self, state: AgentState, now: float) -> Request:
        held = self.calls.current
        assert held is not None
        return self._dispose(state, held, first_label_disposition(held))

    def _dispose(self, state: AgentState, held: HeldCall, disposition: SubmitDisposition) -> Request:
        if not held.open:
            raise IllegalAction(state, disposition, f"{held.interaction_id} was dispositioned already")
        held.dispositioned(disposition)
        self.availability.dispositioning()
        return disposition

    def _request_break(self, state: AgentState, now: float) -> Request:
        self.breaks.request(now)
        return RequestBreak()

    def _end_break(self, state: AgentState, now: float) -> Request:
        self.breaks.end()
        return EndBreak()

    def _change_status(self, state: AgentState, now: float) -> Request:
        self.availability.leaving()
        self.breaks.go_away(now)
        self.out.count("status_changes")
        return SetStatus(status_id=self.plan.status_change_to)

    def _log_off(self, state: AgentState, now: float) -> Request:
        ids = self.campaigns.logoff_ids() if self.plan.logoff_scope == "campaigns" else ()
        self.logoff.send(ids, now)
        self.breaks.logging_off()
        return DialerLogOff(campaign_ids=ids)

    def _close(self, state: AgentState, now: float) -> Request:
        self.session.closing()
        return CloseSession()

    # --- waits ------------------------------------------------------------------------------------

    def delay(self, kind: TimerKind, now: float) -> float:
        """The seconds a state timer of ``kind`` runs; reading a preview ends by its previewTimeout.

        When the drawn think time would pass the preview's timeout, the timer ends ``preview_timeout_lead``
        before it and the call is placed by the timer (official place-preview-call page).
        """
        delay = self.plan.timer_delay(kind, self.rng)
        held = self.calls.current
        if kind is not TimerKind.THINK or held is None or not isinstance(held.call, PreviewPopCall):
            return delay
        timeout = held.call.preview_timeout
        if timeout is None:
            return delay
        left = max(0.0, timeout.timestamp() - now - self.plan.preview_timeout_lead)
        if delay <= left:
            return delay
        if not held.skipping:
            held.mark_timed()
        return left

    def timed_out(self, kind: TimerKind) -> None:
        """Report the wait that the deadline timer ``kind`` ended (R11)."""
        seconds = self.plan.deadline(kind)
        assert seconds is not None, f"{kind} is not a deadline"
        step, message = _WAIT_STEPS[kind], f"nothing within {seconds:g} s"
        offered = self.campaigns.describe_offered(self.plan.campaigns)
        if kind is TimerKind.LOGIN_MESSAGES and self._missing_login_messages():
            message = f"no {self._missing_login_messages()} within {seconds:g} s of the Dialer log-in"
        elif kind is TimerKind.LOGIN_MESSAGES:
            step = "wait for a running campaign"
            message = f"no chosen campaign runs within {seconds:g} s of the Dialer log-in: {offered}"
        elif kind is TimerKind.POP and self.campaigns.right:
            message = f"{message} (campaigns: {offered})"
        self.out.step_error(step, None, None, message)

    def _missing_login_messages(self) -> str:
        arrived = {
            "breakStatusMessage (R12)": self.breaks.status_seen,
            "availableCampaignsMessage": self.campaigns.right is not None,
        }
        return " and no ".join(name for name, seen in arrived.items() if not seen)


def _acquired(result: LicenseOperationResult | None) -> bool:
    return result is not None and result.is_available


def _refusal(name: str, result: LicenseOperationResult | None) -> str:
    """``I3_ACCESS_DIALER_ADDON not acquired: licenseStatus 4 (unavailable), errorDetails '...'``."""
    if result is None:
        return f"{name} not acquired: the answer does not list it"
    text = f"{name} not acquired: licenseStatus {LicenseStatus.describe(result.license_status)}"
    return f"{text}, errorDetails {result.error_details!r}" if result.error_details else text


_WAIT_STEPS = {
    TimerKind.LOGIN_MESSAGES: "wait for log-in messages",
    TimerKind.POP: "wait for pop",
    TimerKind.BREAK_GRANT: "wait for break grant",
    TimerKind.LOGOFF_GRANT: "wait for logout grant",
}

_FEATURES: dict[Endpoint, tuple[str, int]] = {
    Endpoint.DIALER_LOG_IN: ("dialer", 2),
    Endpoint.DIALER_LOG_OFF: ("dialer", 2),
    Endpoint.READY_FOR_CALLS: ("dialer", 2),
    Endpoint.DISPOSITION: ("dialer", 2),
    Endpoint.REQUEST_BREAK: ("dialer", 2),
    Endpoint.PLACE_PREVIEW_CALL: ("dialer", 3),
}
"""The feature version each Dialer call needs (official endpoint pages). The Dialer log-in checks the
version its own call needs, which every later call but place-preview-call shares; place-preview-call
is checked when a preview is to be placed."""

_READY_WITH_IDS = ("dialer", 4)
"""ready-for-calls with ``campaignIds`` (official ready-for-calls page)."""

_RIGHTS_FEATURE = ("configuration", 1)
"""``GET configuration/users/{id}``: the user's own Logon Campaign right."""

_QUEUE_FEATURES = (("queues", 1), ("interactions", 1))
"""A user queue subscription (queues 1) and the interaction disconnect (interactions 1); the agent
follows its calls only where it can also hang them up."""

_RESCHEDULE_COUNTERS: dict[RescheduleNote, CounterName] = {
    RescheduleNote.UNOWNED: "reschedules_unowned",
    RescheduleNote.DROPPED: "reschedules_dropped",
}

_DECIDERS: dict[AgentState, Callable[[Steps], Trigger | None]] = {
    S.ACQUIRING_LICENCES: Steps._decide_licences,
    S.DIALER_LOGIN: Steps._decide_dialer_login,
    S.AWAITING_CAMPAIGNS: Steps._decide_campaigns,
    S.JOINING_CAMPAIGN: Steps._decide_join,
    S.READYING: Steps._decide_ready,
    S.WAITING_FOR_POP: Steps._decide_waiting,
    S.JOINING_ANOTHER: Steps._decide_join,
    S.PREVIEWING: Steps._decide_preview,
    S.BETWEEN_CALLS: Steps._decide_gap,
    S.AWAITING_BREAK: Steps._decide_break,
    S.AWAITING_LOGOFF_GRANT: Steps._decide_logoff,
    S.FINAL_DISPOSITIONING: Steps._decide_before_disposition,
    S.CLEANING_UP: Steps._decide_cleanup,
    S.CLEANUP_DISPOSITIONING: Steps._decide_before_disposition,
    S.READING_RIGHTS: Steps._decide_rights,
    S.WATCHING_QUEUE: Steps._decide_watch,
    S.TALKING: Steps._decide_talking,
    S.DISCONNECTING: Steps._decide_disconnect,
    S.ACD_TALKING: Steps._decide_acd_talking,
}

_ENTRIES: dict[AgentState, Callable[[Steps, AgentState, float], Request]] = {
    S.OPENING_SESSION: Steps._open,
    S.ACQUIRING_LICENCES: Steps._acquire_licences,
    S.READING_RIGHTS: Steps._read_rights,
    S.WATCHING_QUEUE: Steps._watch_queue,
    S.DISCONNECTING: Steps._disconnect,
    S.FINAL_DISCONNECTING: Steps._disconnect,
    S.CLEANUP_DISCONNECTING: Steps._disconnect,
    S.PICKING_UP_ACD: Steps._pick_up,
    S.ACD_DISCONNECTING: Steps._acd_disconnect,
    S.DIALER_LOGIN: Steps._dialer_login,
    S.JOINING_CAMPAIGN: Steps._join,
    S.READYING: Steps._ready,
    S.SETTING_AVAILABLE: Steps._available,
    S.JOINING_ANOTHER: Steps._join,
    S.READYING_AGAIN: Steps._ready,
    S.PLACING_PREVIEW: Steps._place_preview,
    S.FINAL_PLACING: Steps._place_preview,
    S.CLEANUP_PLACING: Steps._place_preview,
    S.SKIPPING_PREVIEW: Steps._skip,
    S.DISPOSITIONING: Steps._disposition,
    S.FINAL_DISPOSITIONING: Steps._disposition,
    S.CLEANUP_DISPOSITIONING: Steps._cleanup_disposition,
    S.REQUESTING_BREAK: Steps._request_break,
    S.ENDING_BREAK: Steps._end_break,
    S.CHANGING_STATUS: Steps._change_status,
    S.LOGGING_OFF_ON_CALL: Steps._log_off,
    S.LOGGING_OFF: Steps._log_off,
    S.CLEANUP_LOGGING_OFF: Steps._log_off,
    S.CLOSING: Steps._close,
    S.CLEANUP_CLOSING: Steps._close,
}
