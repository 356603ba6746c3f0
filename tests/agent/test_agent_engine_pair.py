"""The agent machine joined to the mock's Dialer engine, with no HTTP between them (an
``AgentEnginePair``): whole shifts run on a virtual clock and the engine's ledger must agree."""

from __future__ import annotations

import heapq
import random
from typing import Any

import pytest

from botagent.agent import (
    Acknowledged,
    AcquireLicences,
    Action,
    Agent,
    AgentPlan,
    AgentState,
    CallFinished,
    CancelTimer,
    CloseSession,
    DialerLogIn,
    DialerLogOff,
    DisconnectCall,
    EndBreak,
    Event,
    Finished,
    Fixed,
    LicencesAcquired,
    MessageReceived,
    OpenSession,
    PickUpInteraction,
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
    SubmitDisposition,
    Timer,
    TimerFired,
    WatchQueue,
)
from botagent.mock import DialerEngine, EngineError, ServerSession, campaign_id_for, scenario_from_dict
from botagent.wire import (
    AsyncRequest,
    DispositionRequest,
    LicenseRequest,
    LogInRequest,
    LogOffRequest,
    PlacePreviewCallRequest,
    QueueId,
    QueueSubscriptionRequest,
    QueueType,
    ReadyForCallsRequest,
    UserStatusUpdate,
    parse_message,
)

PASSWORD = "botagent"
FEATURES = {"messaging": 2, "dialer": 4}
"""The feature versions the mock lists on POST /connection."""
CALL_CONTROL = {**FEATURES, "configuration": 1, "queues": 1, "interactions": 1}
"""With these the agent reads its rights, watches its queue and disconnects its calls."""


class AgentEnginePair:
    """Runs one agent against a `DialerEngine` like a driver would, on a shared virtual clock.

    ``messages_first`` delivers the messages a request caused before its answer, the order a real
    message stream may produce.
    """

    def __init__(
        self,
        plan: AgentPlan,
        *,
        seed: int = 1,
        messages_first: bool = False,
        engine: DialerEngine | None = None,
        features: dict[str, int] | None = None,
    ) -> None:
        self.engine = engine or DialerEngine()
        self.features = FEATURES if features is None else features
        self.now = 1_700_000_000.0
        self.agent = Agent(plan, random.Random(seed), lambda: self.now)
        self.user = plan.user_id
        self.messages_first = messages_first
        self.session: ServerSession | None = None
        self.timers: list[tuple[float, int, Timer]] = []
        self.live: set[Timer] = set()
        self.actions: list[Action] = []
        self.finished: Finished | None = None

    def run(self, until: float = 4 * 3600.0) -> Finished:
        self._handle(Start())
        end = self.now + until
        while self.finished is None and self.now < end:
            self._next_moment()
        assert self.finished is not None, f"still {self.agent.state} after {until} s"
        return self.finished

    def _handle(self, event: Event) -> None:
        pending = list(self.agent.handle(event))
        while pending and self.finished is None:
            action = pending.pop(0)
            self.actions.append(action)
            pending[:0] = self._carry_out(action)

    def _carry_out(self, action: Action) -> list[Action]:
        match action:
            case Send(request=request):
                return self._send(request)
            case SetTimer(timer=timer, delay=delay):
                self.live.add(timer)
                heapq.heappush(self.timers, (self.now + delay, timer.serial, timer))
            case CancelTimer(timer=timer):
                self.live.discard(timer)
            case Finished():
                self.finished = action
        return []

    def _send(self, request: Request) -> list[Action]:
        try:
            result = self._call(request)
            accepted = isinstance(result, StatusSet) and result.accepted is not None
            outcome: Event = RequestSucceeded(request=request, status=202 if accepted else 200, result=result)
        except EngineError as exc:
            error = exc.body if hasattr(exc, "body") else None
            outcome = RequestFailed(
                request=request,
                status=exc.status,
                error_id=getattr(error, "error_id", None),
                message=str(exc),
            )
        if self.messages_first:
            self._deliver()
        actions = self.agent.handle(outcome)
        if not self.messages_first:
            actions = actions + self._collect()
        return actions

    def _collect(self) -> list[Action]:
        """Messages due now, as the actions the agent returns for them."""
        actions: list[Action] = []
        for wire in self._take():
            actions.extend(self.agent.handle(MessageReceived(message=parse_message(wire))))
        return actions

    def _deliver(self) -> None:
        for wire in self._take():
            self._handle(MessageReceived(message=parse_message(wire)))

    def _take(self) -> list[dict[str, Any]]:
        if self.session is None or not self.session.open:
            return []
        return self.engine.take_messages(self.session, self.now)

    def _call(self, request: Request) -> RequestResult:
        engine, now = self.engine, self.now
        if isinstance(request, OpenSession):
            self.session = engine.create_session(self.user, PASSWORD, now)
            return SessionOpened(features=self.features)
        session = self.session
        assert session is not None
        match request:
            case AcquireLicences(names=names):
                answer = engine.acquire_licenses(session, LicenseRequest(license_list=list(names)), now)
                return LicencesAcquired(results=tuple(answer.license_operation_result_list))
            case CloseSession():
                engine.close_session(session, now)
            case DialerLogIn(campaign_id=campaign_id):
                engine.dialer_log_in(session, LogInRequest(campaign_id=campaign_id), now)
            case ReadyForCalls(campaign_ids=ids):
                engine.ready_for_calls(
                    session, ReadyForCallsRequest(campaign_ids=list(ids) if ids else None), now
                )
            case SetStatus(status_id=status_id):
                request_id = engine.set_user_status(
                    session, self.user, UserStatusUpdate(status_id=status_id), now
                )
                return StatusSet(accepted=AsyncRequest(request_id=request_id) if request_id else None)
            case PlacePreviewCall(initiated_by_timer=by_timer):
                body = PlacePreviewCallRequest(call_initiated_by_timer=True if by_timer else None)
                engine.place_preview_call(session, body, now)
            case SubmitDisposition(label=label, scheduled_time=when, scheduled_agent=who):
                engine.disposition(
                    session, DispositionRequest(label=label, scheduled_time=when, scheduled_agent=who), now
                )
            case RequestBreak():
                engine.request_break(session, now)
            case EndBreak():
                engine.end_break(session, now)
            case DialerLogOff(campaign_ids=ids):
                engine.dialer_log_off(session, LogOffRequest(campaign_ids=list(ids) or None), now)
            case ReadRights():
                rights = engine.configuration_user(session, self.user, "securityRights", now).security_rights
                right = rights.login_campaign if rights is not None else None
                return RightsRead(logon_campaign=right.effective_value if right is not None else None)
            case WatchQueue(subscription_id=subscription_id, attribute_names=names):
                queue = QueueId(queue_type=QueueType.USER, queue_name=self.user)
                body = QueueSubscriptionRequest(queue_ids=[queue], attribute_names=list(names))
                engine.subscribe_queue(session, subscription_id, body, now)
            case DisconnectCall(interaction_id=interaction_id):
                engine.disconnect_interaction(session, interaction_id, now)
            case PickUpInteraction(interaction_id=interaction_id):
                engine.pick_up_interaction(session, interaction_id, now)
        return Acknowledged()

    def _next_moment(self) -> None:
        while self.timers and self.timers[0][2] not in self.live:
            heapq.heappop(self.timers)
        candidates = [self.timers[0][0]] if self.timers else []
        engine_due = self.engine.next_deadline()
        if engine_due is not None:
            candidates.append(engine_due)
        assert candidates, f"nothing will ever happen in {self.agent.state}"
        self.now = max(self.now, min(candidates))
        self.engine.advance(self.now)
        self._deliver()
        if self.finished is None and self.timers and self.timers[0][0] <= self.now:
            _, _, timer = heapq.heappop(self.timers)
            if timer in self.live:
                self.live.discard(timer)
                self._handle(TimerFired(timer=timer))

    def of_type(self, cls: type[Action]) -> list[Any]:
        return [action for action in self.actions if isinstance(action, cls)]

    def ledger_calls(self) -> list[dict[str, Any]]:
        calls: list[dict[str, Any]] = self.engine.ledger()["calls"]
        return [call for call in calls if call.get("agent") == self.user]


def _plan(user: str, **fields: Any) -> AgentPlan:
    base: dict[str, Any] = {
        "user_id": user,
        "talk_time": Fixed(40.0),
        "wrap_up_time": Fixed(5.0),
        "preview_think_time": Fixed(3.0),
        "break_length": Fixed(30.0),
        "status_change_length": Fixed(20.0),
        "logoff_after_calls": 6,
        "licences": ("I3_ACCESS_CLIENT", "I3_ACCESS_DIALER_ADDON"),
    }
    return AgentPlan(**{**base, **fields})


def _assert_clean_shift(pair: AgentEnginePair, calls: int) -> None:
    assert pair.of_type(ReportViolation) == []
    assert pair.of_type(ReportStepError) == []
    assert pair.agent.state is AgentState.FINISHED
    records = [a.record for a in pair.of_type(CallFinished)]
    assert len(records) == calls == pair.agent.calls_handled
    ledger = pair.ledger_calls()
    popped = [c for c in ledger if c["state"] != "dialing" and c["kind"] in ("dataPop", "previewPop")]
    assert {c["interactionId"] for c in popped if c["dispositionCount"]} == {
        r.interaction_id for r in records
    }
    assert all(c["dispositionCount"] == 1 for c in popped)


@pytest.mark.parametrize("messages_first", [False, True], ids=["answer-first", "messages-first"])
def test_engine_pair_when_a_plain_agent_works_a_shift_follows_every_rule(messages_first: bool) -> None:
    pair = AgentEnginePair(_plan("agent0001"), messages_first=messages_first)

    finished = pair.run()

    assert finished == Finished(reason="plan complete")
    _assert_clean_shift(pair, 6)


@pytest.mark.parametrize("messages_first", [False, True], ids=["answer-first", "messages-first"])
def test_engine_pair_when_the_agent_has_the_campaign_right_joins_the_preview_campaign_and_places_calls(
    messages_first: bool,
) -> None:
    pair = AgentEnginePair(
        _plan("campaignagent0001", campaigns=("Preview Callbacks",)), messages_first=messages_first
    )

    pair.run()

    _assert_clean_shift(pair, 6)
    assert pair.agent.counters.previews_placed == 6


def test_engine_pair_when_breaks_status_changes_and_reschedules_are_drawn_stays_within_the_rules() -> None:
    plan = _plan(
        "agent0002",
        break_every_calls=2,
        status_change_probability=0.5,
        reschedule_probability=0.5,
        reschedule_agent="self",
    )
    pair = AgentEnginePair(plan, seed=5, messages_first=True)

    pair.run()

    _assert_clean_shift(pair, 6)
    assert pair.agent.breaks_taken == 2, "after calls 2 and 4; call 6 ends the plan"
    assert pair.agent.counters.status_changes >= 1, "and no R22 violation: the engine put it on break"
    rescheduled = [c for c in pair.ledger_calls() if c.get("scheduledTime")]
    assert len(rescheduled) == pair.agent.counters.reschedules >= 1
    assert all(c["scheduledAgent"] == "agent0002" for c in rescheduled)


def test_engine_pair_when_the_logoff_scope_is_campaigns_logs_off_only_what_it_joined() -> None:
    plan = _plan("campaignagent0002", campaigns=("Predictive Sales",), logoff_scope="campaigns")
    pair = AgentEnginePair(plan)

    pair.run()

    _assert_clean_shift(pair, 6)
    logoffs = [a.request for a in pair.of_type(Send) if isinstance(a.request, DialerLogOff)]
    assert len(logoffs) == 1 and len(logoffs[0].campaign_ids) == 1


# --- the official Dialer pages, shift by shift ---------------------------------------------------


def _engine(*campaigns: dict[str, Any]) -> DialerEngine:
    """An engine whose campaigns are these (fast dialing), with the default users."""
    fast = {"dial_delay": 0.5, "ring_delay": 1.0}
    return DialerEngine(scenario_from_dict({"campaigns": [{**fast, **c} for c in campaigns]}))


def _sent(pair: AgentEnginePair, cls: type[Request]) -> list[Any]:
    return [a.request for a in pair.of_type(Send) if isinstance(a.request, cls)]


def test_engine_pair_when_a_chosen_campaign_is_off_joins_only_running_ones_and_works_clean() -> None:
    """log-in: a campaign log-in needs a running campaign — official log-in page (D/log-in); the
    stopped one is never asked for, so no 403 and every call is handled."""
    engine = _engine(
        {"name": "Predictive Sales", "mode": "predictive"},
        {"name": "Power Collections", "mode": "power", "status": "off"},
    )
    pair = AgentEnginePair(_plan("campaignagent0003"), engine=engine)

    pair.run()

    _assert_clean_shift(pair, 6)
    assert [r.campaign_id for r in _sent(pair, DialerLogIn)] == [None, campaign_id_for("Predictive Sales")]
    assert _sent(pair, ReadyForCalls) == [ReadyForCalls(campaign_ids=(campaign_id_for("Predictive Sales"),))]


def test_engine_pair_when_agent_callbacks_are_forbidden_reschedules_without_an_owner() -> None:
    """disposition: scheduledAgent only where allowAgentCallbacks is true, and scheduledTime only with a
    "Scheduled" label — official disposition page (D/disposition)."""
    engine = _engine({"name": "Predictive Sales", "mode": "predictive", "allow_agent_callbacks": False})
    plan = _plan("agent0004", reschedule_probability=1.0, reschedule_agent="self")
    pair = AgentEnginePair(plan, engine=engine)

    pair.run()

    _assert_clean_shift(pair, 6)
    ledger = [c for c in pair.ledger_calls() if c["dispositionCount"]]
    assert {c["label"] for c in ledger} == {"Callback"}, "the mock's one Scheduled label"
    assert all(c["scheduledTime"] and c["scheduledAgent"] is None for c in ledger)
    assert pair.agent.counters.reschedules == pair.agent.counters.reschedules_unowned == 6


def test_engine_pair_when_previews_may_be_skipped_skips_some_and_places_the_rest() -> None:
    """disposition: "Skipped - Agent Skip" skips a previewPop whose allowSkip is true — official
    disposition page; a skipped preview is never placed."""
    labels = [{"label": "Sale"}, {"label": "Skipped - Agent Skip", "wrap_up_category": "Skipped"}]
    engine = _engine(
        {"name": "Preview Callbacks", "mode": "preview", "allow_skip": True, "dispositions": labels}
    )
    pair = AgentEnginePair(_plan("agent0005", preview_skip_probability=0.5), engine=engine, seed=3)

    pair.run()

    _assert_clean_shift(pair, 6)
    counters = pair.agent.counters
    skipped = [c for c in pair.ledger_calls() if c["label"] == "Skipped - Agent Skip"]
    assert len(skipped) == counters.previews_skipped >= 1
    assert counters.previews_placed == 6 - counters.previews_skipped >= 1
    assert all(c["connectedAt"] is None for c in skipped)


def test_engine_pair_when_thinking_outlasts_the_preview_timeout_places_each_call_by_the_timer() -> None:
    """place-preview-call: callInitiatedByTimer for a call placed because the preview timer expired —
    official place-preview-call page; the agent places it before the server's own timer does."""
    engine = _engine({"name": "Preview Callbacks", "mode": "preview", "preview_timeout": 5.0})
    pair = AgentEnginePair(_plan("agent0006", preview_think_time=Fixed(30.0)), engine=engine)

    pair.run()

    _assert_clean_shift(pair, 6)
    assert _sent(pair, PlacePreviewCall) == [PlacePreviewCall(initiated_by_timer=True)] * 6
    assert pair.agent.counters.previews_by_timer == 6


def test_engine_pair_when_an_agent_without_the_right_logs_off_campaigns_logs_off_all_of_dialer() -> None:
    """log-off: without the Logon Campaign right the log-off is global, without campaignIds — official
    log-off page (D/log-off)."""
    pair = AgentEnginePair(_plan("agent0007", logoff_scope="campaigns"))

    pair.run()

    _assert_clean_shift(pair, 6)
    assert _sent(pair, DialerLogOff) == [DialerLogOff(campaign_ids=())]
    assert pair.agent.state is AgentState.FINISHED, "the Dialer-wide grant (blank campaign id) came"


@pytest.mark.parametrize(
    ("campaign", "by"),
    [
        ({"auto_disconnect_on_disposition": False}, "agent"),
        ({"auto_disconnect_on_disposition": False, "remote_hangup": 10.0}, "remote"),
        ({"auto_disconnect_on_disposition": True}, "disposition"),
    ],
    ids=["agent", "remote", "disposition"],
)
def test_engine_pair_when_calls_are_interactions_disconnects_each_once_by_the_configured_party(
    campaign: dict[str, Any], by: str
) -> None:
    """Official disposition page: "Dialer does not actually disconnect the call. The application, agent,
    or caller must disconnect the call." The agent hangs up before the disposition unless the far end
    did first or the pop says the server will."""
    scenario = scenario_from_dict(
        {
            "campaigns": [{"name": "Power Collections", "mode": "power", **campaign}],
            "users": [{"names": ["a"]}],
        }
    )
    pair = AgentEnginePair(_plan("a"), engine=DialerEngine(scenario), features=CALL_CONTROL)

    pair.run()

    _assert_clean_shift(pair, 6)
    calls = pair.ledger_calls()
    assert {c["disconnectedBy"] for c in calls} == {by}
    assert all(c["disconnectedAt"] <= c["dispositionedAt"] for c in calls)
    assert pair.agent.counters.calls_disconnected == (6 if by == "agent" else 0)
    assert pair.agent.counters.remote_hang_ups == (6 if by == "remote" else 0)
    assert len([k for k in pair.of_type(RecordKpi) if k.name == "connect-to-disconnect"]) == 6


@pytest.mark.parametrize("messages_first", [False, True], ids=["answer-first", "messages-first"])
def test_engine_pair_when_the_agent_is_blended_never_holds_acd_and_dialer_work_at_once(
    messages_first: bool,
) -> None:
    """R33: a blended agent picks up inbound ACD interactions between Dialer calls; the engine never
    alerts it while it holds a call and never pops one while it holds an ACD interaction."""
    scenario = scenario_from_dict(
        {
            "campaigns": [
                {"name": "Power Collections", "mode": "power", "auto_disconnect_on_disposition": False}
            ],
            "users": [{"names": ["a"], "workgroups": ["Support"]}],
            "workgroups": [{"name": "Support", "arrivals_per_minute": 3, "caller_hangup": 20.0}],
        }
    )
    plan = _plan("a", blended=True, acd_talk_time=Fixed(30.0))
    pair = AgentEnginePair(
        plan, engine=DialerEngine(scenario), features=CALL_CONTROL, messages_first=messages_first
    )

    pair.run()

    _assert_clean_shift(pair, 6)
    acd = [e for e in pair.engine.ledger()["acd"] if e["pickedUpAt"] is not None]
    assert acd and pair.agent.counters.acd_handled == len(acd)
    assert {e["disconnectedBy"] for e in acd} <= {"agent", "remote"}
    spans = sorted(
        [(c["poppedAt"], c["dispositionedAt"]) for c in pair.ledger_calls()]
        + [(e["alertedAt"], e["disconnectedAt"]) for e in acd]
    )
    assert all(later[0] >= earlier[1] for earlier, later in zip(spans, spans[1:], strict=False))
