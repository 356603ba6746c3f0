"""A fake driver for the agent machine: virtual clock, scripted rng, wire-message builders, and
`reach(state)` recipes that bring a fresh agent to rest in any state."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from botagent.agent import (
    AcquireLicences,
    Action,
    Agent,
    AgentPlan,
    AgentState,
    CallFinished,
    CancelTimer,
    Event,
    Finished,
    FinishedCall,
    Fixed,
    LicencesAcquired,
    MessageReceived,
    OpenSession,
    ReadRights,
    RecordKpi,
    ReportStepError,
    ReportViolation,
    Request,
    RequestFailed,
    RequestSucceeded,
    RightsRead,
    Rng,
    Send,
    SessionOpened,
    SetStatus,
    SetTimer,
    Start,
    StatusSet,
    StopRequested,
    TimerFired,
    TimerKind,
    Trigger,
)
from botagent.agent._queue import QUEUE_SUBSCRIPTION_ID
from botagent.wire import (
    AVAILABLE_CAMPAIGNS_MESSAGE,
    BREAK_STATUS_MESSAGE,
    DATA_POP,
    DATA_POP_MESSAGE,
    LOGOUT_GRANTED_MESSAGE,
    PREVIEW_POP,
    AsyncRequest,
    LicenseOperationResult,
    LicenseStatus,
    parse_message,
)

USER = "agent0001"
LICENCES = ("I3_ACCESS_CLIENT", "I3_ACCESS_DIALER_ADDON")
EPOCH = 1_700_000_000.0
PREDICTIVE = "c-predictive"
POWER = "c-power"
PREVIEW = "c-preview"
CAMPAIGNS = {PREDICTIVE: "Predictive Sales", POWER: "Power Collections", PREVIEW: "Preview Callbacks"}
LABELS = ("Sale", "No Answer", "Callback", "Wrong Number")
CATEGORIES = {
    "Sale": "Success",
    "No Answer": "Failure",
    "Callback": "Scheduled",
    "Wrong Number": "Wrong Number",
}
"""Wrap-up category per label; only "Callback" may reschedule (official disposition page)."""
FEATURES = {"messaging": 2, "dialer": 4}
"""The feature versions a session's opening reports unless a test says otherwise."""
CALL_CONTROL = {**FEATURES, "configuration": 1, "queues": 1, "interactions": 1}
"""Feature versions of a server the agent reads its rights from and follows its calls on."""

BLENDED: dict[str, Any] = {"features": CALL_CONTROL, "blended": True}
"""A blended agent (R33) on a server it follows its queue on."""

S = AgentState
R = TypeVar("R", bound=Request)


class FakeRng:
    """Returns scripted `random()` draws (then 0.5); the other draws are their centre values."""

    def __init__(self, draws: Iterable[float] = ()) -> None:
        self.draws = deque(draws)
        self.calls = 0

    def random(self) -> float:
        self.calls += 1
        return self.draws.popleft() if self.draws else 0.5

    def uniform(self, a: float, b: float) -> float:
        return a + (b - a) * self.random()

    def gauss(self, mu: float, sigma: float) -> float:
        return mu

    def lognormvariate(self, mu: float, sigma: float) -> float:
        return math.exp(mu)


class VirtualClock:
    """Unix seconds that move only when told."""

    def __init__(self, now: float = EPOCH) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class RecordingAgent(Agent):
    """An Agent that remembers every (state, trigger, next state) it went through."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.fired: list[tuple[AgentState, Trigger, AgentState]] = []

    def _fire(self, trigger: Trigger) -> None:
        old = self.state
        super()._fire(trigger)
        self.fired.append((old, trigger, self.state))


PLAN_DEFAULTS: dict[str, Any] = {
    "user_id": USER,
    "talk_time": Fixed(30.0),
    "preview_think_time": Fixed(4.0),
    "wrap_up_time": Fixed(5.0),
    "break_length": Fixed(60.0),
    "status_change_length": Fixed(20.0),
    "reschedule_offset": Fixed(3600.0),
}


class Harness:
    """Drives one agent like a driver would and checks the driver contract on every action."""

    def __init__(self, rng: Rng | None = None, features: dict[str, int] | None = None, **plan: Any) -> None:
        self.plan = AgentPlan(**{**PLAN_DEFAULTS, **plan})
        self.features = FEATURES if features is None else features
        self.clock = VirtualClock()
        self.rng: Rng = rng or FakeRng()
        self.agent = RecordingAgent(self.plan, self.rng, self.clock)
        self.actions: list[Action] = []
        self.sent: list[Request] = []
        self.outstanding: Request | None = None
        self.timers: dict[TimerKind, SetTimer] = {}
        self.finished: Finished | None = None
        self.records: dict[str, FinishedCall] = {}
        self.refused: dict[str, LicenseStatus | None] = {}
        """Licences the server does not give: name -> its licenseStatus (None: left out of the answer)."""
        self.configured_right: bool | None = False
        """What a ReadRights answer says the user's Logon Campaign right is."""

    @property
    def state(self) -> AgentState:
        return self.agent.state

    def feed(self, event: Event) -> list[Action]:
        actions = self.agent.handle(event)
        for action in actions:
            self._track(action)
        self.actions.extend(actions)
        return actions

    def _track(self, action: Action) -> None:
        match action:
            case Send(request=request):
                assert self.outstanding is None, f"second outstanding send {request!r}"
                self.outstanding = request
                self.sent.append(request)
            case SetTimer(timer=timer):
                assert timer.kind not in self.timers, f"timer {timer.kind} armed twice"
                self.timers[timer.kind] = action
            case CancelTimer(timer=timer):
                assert self.timers.pop(timer.kind).timer == timer
            case Finished():
                assert self.finished is None, "finished twice"
                self.finished = action
            case CallFinished(record=record):
                assert record.interaction_id not in self.records, f"{record.interaction_id} finished twice"
                self.records[record.interaction_id] = record

    # --- events -----------------------------------------------------------------------------------

    def start(self) -> list[Action]:
        return self.feed(Start())

    def succeed(self, request_id: str | None = None) -> list[Action]:
        """Answer the outstanding request; a SetStatus with ``request_id`` is answered 202 with it, an
        OpenSession with the harness's feature versions."""
        request = self.outstanding
        assert request is not None, "nothing outstanding"
        self.outstanding = None
        if isinstance(request, OpenSession):
            opened = SessionOpened(features=self.features)
            return self.feed(RequestSucceeded(request=request, status=201, result=opened))
        if isinstance(request, AcquireLicences):
            acquired = LicencesAcquired(results=tuple(self._licence_results(request.names)))
            return self.feed(RequestSucceeded(request=request, status=200, result=acquired))
        if isinstance(request, ReadRights):
            rights = RightsRead(logon_campaign=self.configured_right)
            return self.feed(RequestSucceeded(request=request, status=200, result=rights))
        if not isinstance(request, SetStatus):
            return self.feed(RequestSucceeded(request=request, status=200))
        if request_id is None:
            return self.feed(RequestSucceeded(request=request, status=200, result=StatusSet(accepted=None)))
        result = StatusSet(accepted=AsyncRequest(request_id=request_id))
        return self.feed(RequestSucceeded(request=request, status=202, result=result))

    def _licence_results(self, names: Iterable[str]) -> Iterable[LicenseOperationResult]:
        for name in names:
            if name not in self.refused:
                yield LicenseOperationResult(license_name=name, is_available=True, license_status=2)
            elif (status := self.refused[name]) is not None:
                details = f"{name} is not available."
                yield LicenseOperationResult(
                    license_name=name, is_available=False, license_status=status, error_details=details
                )

    def fail(
        self, status: int | None = 500, error_id: str | None = "error.server", message: str = "boom"
    ) -> list[Action]:
        request = self.outstanding
        assert request is not None, "nothing outstanding"
        self.outstanding = None
        return self.feed(RequestFailed(request=request, status=status, error_id=error_id, message=message))

    def message(self, wire: dict[str, Any]) -> list[Action]:
        return self.feed(MessageReceived(message=parse_message(wire)))

    def fire(self, kind: TimerKind) -> list[Action]:
        armed = self.timers.pop(kind)
        self.clock.advance(armed.delay)
        return self.feed(TimerFired(timer=armed.timer))

    def stop(self, reason: str = "test over") -> list[Action]:
        return self.feed(StopRequested(reason=reason))

    def expect(self, cls: type[R]) -> R:
        assert isinstance(self.outstanding, cls), f"expected {cls.__name__}, outstanding {self.outstanding!r}"
        return self.outstanding

    # --- what happened ---------------------------------------------------------------------------

    def of_type(self, cls: type[Action]) -> list[Any]:
        return [action for action in self.actions if isinstance(action, cls)]

    def violations(self) -> list[str]:
        return [v.rule for v in self.of_type(ReportViolation)]

    def step_errors(self) -> list[ReportStepError]:
        return self.of_type(ReportStepError)

    def kpis(self, name: str) -> list[float]:
        return [k.milliseconds for k in self.of_type(RecordKpi) if k.name == name]

    def requests(self, cls: type[Request]) -> list[Any]:
        return [request for request in self.sent if isinstance(request, cls)]

    # --- common paths ----------------------------------------------------------------------------

    def log_in(self, right: bool = False, offered: Iterable[str] = tuple(CAMPAIGNS)) -> None:
        """From IDLE to WAITING_FOR_POP, with the log-in messages arriving before the log-in answer."""
        self.start()
        self.succeed()
        while self.state in (S.READING_RIGHTS, S.WATCHING_QUEUE):
            self.succeed()
        self.message(break_status(0))
        self.message(campaigns(right, *offered))
        self.succeed()
        while self.state is S.JOINING_CAMPAIGN:
            self.succeed()
        self.succeed()
        self.succeed()
        assert self.state is S.WAITING_FOR_POP

    def take_call(self, interaction_id: str = "i1", **pop_args: Any) -> None:
        """From WAITING_FOR_POP through talk and wrap-up to the disposition's answer."""
        self.message(pop(interaction_id, **pop_args))
        self.fire(TimerKind.TALK)
        self.fire(TimerKind.WRAP_UP)
        self.succeed()


# --- wire messages ------------------------------------------------------------------------------------


def break_status(status: int, **extra: Any) -> dict[str, Any]:
    return {"__type": BREAK_STATUS_MESSAGE, "isDelta": False, "breakStatus": status, **extra}


def campaign_wire(campaign_id: str, **extra: Any) -> dict[str, Any]:
    """An availableCampaign; ``extra`` adds wire fields such as ``status=[2]`` or ``isLoggedIn=True``."""
    return {
        "__type": "urn:inin.com:dialer:availableCampaign",
        "id": campaign_id,
        "name": CAMPAIGNS.get(campaign_id, campaign_id),
        "workgroup": "Dialer Agents",
        **extra,
    }


def campaigns(right: bool, *campaign_ids: str, **extra: Any) -> dict[str, Any]:
    """An availableCampaignsMessage adding these campaigns; ``extra`` adds message fields."""
    return {
        "__type": AVAILABLE_CAMPAIGNS_MESSAGE,
        "isDelta": False,
        "agentHasLogonCampaignRight": right,
        "campaignsAdded": [campaign_wire(c) for c in campaign_ids],
        **extra,
    }


def campaigns_with(right: bool, *added: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """An availableCampaignsMessage adding these ``campaign_wire`` entries."""
    return {
        "__type": AVAILABLE_CAMPAIGNS_MESSAGE,
        "isDelta": True,
        "agentHasLogonCampaignRight": right,
        "campaignsAdded": list(added),
        **extra,
    }


def campaign_changed(campaign_id: str, *status: int) -> dict[str, Any]:
    """A changedCampaign entry with this status list."""
    return {
        "__type": "urn:inin.com:dialer:changedCampaign",
        "id": campaign_id,
        "name": CAMPAIGNS.get(campaign_id, campaign_id),
        "status": list(status),
    }


def pop(
    interaction_id: str = "i1",
    campaign_id: str = PREDICTIVE,
    *,
    preview: bool = False,
    placed: bool = False,
    labels: Iterable[str] = LABELS,
    callbacks: bool = True,
    skip: bool = False,
    timeout: str | None = None,
    auto_disconnect: bool = True,
) -> dict[str, Any]:
    """A dataPopMessage; ``callbacks`` is allowAgentCallbacks, ``skip`` a preview's allowSkip,
    ``timeout`` its previewTimeout (ICWS date text), ``auto_disconnect`` autoDisconnectOnDisposition."""
    call: dict[str, Any] = {
        "__type": PREVIEW_POP if preview else DATA_POP,
        "interactionId": interaction_id,
        "campaignId": campaign_id,
        "attributes": {"IS_ATTR_CallId": f"call-{interaction_id}"},
        "autoDisconnectOnDisposition": auto_disconnect,
        "allowAgentCallbacks": callbacks,
        "dispositions": [
            {"label": label, "wrapUpCategory": CATEGORIES.get(label, ""), "wrapUpCode": "", "abandon": False}
            for label in labels
        ],
        "dialingMode": 0 if preview else 2,
    }
    if preview:
        call.update(callPlaced=placed, allowSkip=skip)
        if timeout is not None:
            call["previewTimeout"] = timeout
    return {"__type": DATA_POP_MESSAGE, "isDelta": False, "call": call}


def queue(
    interaction_id: str, state: str | None = "C", *, added: bool = False, removed: bool = False
) -> dict[str, Any]:
    """A queueContentsMessage of the agent's own queue subscription: the interaction added or changed to
    Eic_State ``state`` (none when None), and maybe removed."""
    listed = [{"interactionId": interaction_id, "attributes": {} if state is None else {"Eic_State": state}}]
    message: dict[str, Any] = {
        "__type": "urn:inin.com:queues:queueContentsMessage",
        "isDelta": True,
        "subscriptionId": QUEUE_SUBSCRIPTION_ID,
        ("interactionsAdded" if added else "interactionsChanged"): listed,
    }
    if removed:
        message["interactionsRemoved"] = [interaction_id]
    return message


def logout_granted(*campaign_ids: str, bare: bool = False) -> dict[str, Any]:
    entries: list[Any] = list(campaign_ids) if bare else [{"id": c} for c in campaign_ids]
    return {"__type": LOGOUT_GRANTED_MESSAGE, "isDelta": False, "campaigns": entries}


def auto_login(campaign_id: str) -> dict[str, Any]:
    """An autoLoginMessage: Dialer logged the agent in to this campaign by itself."""
    return {
        "__type": "urn:inin.com:dialer:autoLoginMessage",
        "isDelta": False,
        "campaignId": campaign_id,
        "initiatorName": "supervisor",
    }


def async_completed(request_id: str, error: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "__type": "urn:inin.com:messaging:asyncOperationCompletedMessage",
        "isDelta": False,
        "requestId": request_id,
        "error": error,
    }


# --- reaching every state -------------------------------------------------------------------------


def _to_waiting(h: Harness) -> None:
    h.log_in()


def _to_talking(h: Harness) -> None:
    h.log_in()
    h.message(pop("i1"))


def _to_previewing(h: Harness) -> None:
    h.log_in()
    h.message(pop("p1", PREVIEW, preview=True))


def _to_placing(h: Harness) -> None:
    _to_previewing(h)
    h.fire(TimerKind.THINK)


def _to_wrapping(h: Harness) -> None:
    _to_talking(h)
    h.fire(TimerKind.TALK)


def _to_dispositioning(h: Harness) -> None:
    _to_wrapping(h)
    h.fire(TimerKind.WRAP_UP)


def _to_requesting_break(h: Harness) -> None:
    _to_dispositioning(h)
    h.succeed()


def _to_awaiting_break(h: Harness) -> None:
    _to_requesting_break(h)
    h.succeed()


def _to_on_break(h: Harness) -> None:
    _to_awaiting_break(h)
    h.message(break_status(2))


def _to_ending_break(h: Harness) -> None:
    _to_on_break(h)
    h.fire(TimerKind.BREAK)


def _to_away(h: Harness) -> None:
    _to_requesting_break(h)
    h.succeed()


def _to_logging_off_on_call(h: Harness) -> None:
    _to_dispositioning(h)


def _to_final_dispositioning(h: Harness) -> None:
    _to_dispositioning(h)
    h.succeed()


def _to_final_placing(h: Harness) -> None:
    _to_previewing(h)
    h.fire(TimerKind.PLAN_END)
    h.succeed()


def _to_cleanup_placing(h: Harness) -> None:
    _to_previewing(h)
    h.fire(TimerKind.PLAN_END)
    h.fail()


def _to_logging_off(h: Harness) -> None:
    h.log_in()
    h.fire(TimerKind.PLAN_END)


def _to_awaiting_grant(h: Harness) -> None:
    _to_logging_off(h)
    h.succeed()


def _to_closing(h: Harness) -> None:
    _to_awaiting_grant(h)
    h.message(logout_granted(""))


def _to_finished(h: Harness) -> None:
    _to_closing(h)
    h.succeed()


def _to_cleanup_logoff(h: Harness) -> None:
    h.log_in()
    h.fire(TimerKind.POP)


def _to_cleanup_disposition(h: Harness) -> None:
    _to_logging_off_on_call(h)
    h.fail()


def _to_cleanup_closing(h: Harness) -> None:
    _to_cleanup_logoff(h)
    h.succeed()


def _to_error(h: Harness) -> None:
    _to_cleanup_closing(h)
    h.succeed()


def _to_disconnecting(h: Harness) -> None:
    h.log_in()
    h.message(pop("i1", auto_disconnect=False))
    h.message(queue("i1", "C", added=True))
    h.fire(TimerKind.TALK)


def _to_picking_up_acd(h: Harness) -> None:
    h.log_in()
    h.message(queue("acd1", "A", added=True))


def _to_acd_talking(h: Harness) -> None:
    _to_picking_up_acd(h)
    h.succeed()
    h.message(queue("acd1", "C"))


def _to_acd_disconnecting(h: Harness) -> None:
    _to_acd_talking(h)
    h.fire(TimerKind.ACD_TALK)


def _to_leaving_a_connected_call(h: Harness) -> None:
    h.log_in()
    h.message(pop("i1", auto_disconnect=False))
    h.message(queue("i1", "C", added=True))
    h.fire(TimerKind.PLAN_END)


def _to_final_disconnecting(h: Harness) -> None:
    _to_leaving_a_connected_call(h)
    h.succeed()


def _to_cleanup_disconnecting(h: Harness) -> None:
    _to_leaving_a_connected_call(h)
    h.fail()


def _dialer_login(h: Harness) -> None:
    h.start()
    h.succeed()


def _awaiting_campaigns(h: Harness) -> None:
    _dialer_login(h)
    h.succeed()


def _joining(h: Harness) -> None:
    _dialer_login(h)
    h.message(break_status(0))
    h.message(campaigns(True, PREDICTIVE, POWER))
    h.succeed()


def _readying(h: Harness) -> None:
    _dialer_login(h)
    h.message(break_status(0))
    h.message(campaigns(False))
    h.succeed()


def _setting_available(h: Harness) -> None:
    _readying(h)
    h.succeed()


def _waiting_with_one_campaign_off(h: Harness) -> None:
    """Logged in with the right to PREDICTIVE (on); POWER (off) is wanted too but not running."""
    _dialer_login(h)
    h.message(break_status(0))
    h.message(campaigns_with(True, campaign_wire(PREDICTIVE, status=[1]), campaign_wire(POWER, status=[2])))
    for _ in range(4):
        h.succeed()


def _joining_another(h: Harness) -> None:
    _waiting_with_one_campaign_off(h)
    h.message(campaigns_with(True, campaignsChanged=[campaign_changed(POWER, 1)]))


def _readying_again(h: Harness) -> None:
    _joining_another(h)
    h.succeed()


def _skipping_preview(h: Harness) -> None:
    h.log_in()
    h.message(pop("p1", PREVIEW, preview=True, skip=True))
    h.fire(TimerKind.THINK)


Recipe = tuple[dict[str, Any], Callable[[Harness], object]]

RECIPES: dict[AgentState, Recipe] = {
    S.IDLE: ({}, lambda h: None),
    S.OPENING_SESSION: ({}, lambda h: h.start()),
    S.ACQUIRING_LICENCES: ({"licences": LICENCES}, lambda h: (h.start(), h.succeed())),
    S.READING_RIGHTS: ({"features": CALL_CONTROL}, lambda h: (h.start(), h.succeed())),
    S.WATCHING_QUEUE: ({"features": CALL_CONTROL}, lambda h: (h.start(), h.succeed(), h.succeed())),
    S.DISCONNECTING: ({"features": CALL_CONTROL}, _to_disconnecting),
    S.FINAL_DISCONNECTING: (
        {"features": CALL_CONTROL, "logoff_after_seconds": 600.0},
        _to_final_disconnecting,
    ),
    S.CLEANUP_DISCONNECTING: (
        {"features": CALL_CONTROL, "logoff_after_seconds": 600.0},
        _to_cleanup_disconnecting,
    ),
    S.PICKING_UP_ACD: (BLENDED, _to_picking_up_acd),
    S.ACD_TALKING: (BLENDED, _to_acd_talking),
    S.ACD_DISCONNECTING: (BLENDED, _to_acd_disconnecting),
    S.DIALER_LOGIN: ({}, _dialer_login),
    S.AWAITING_CAMPAIGNS: ({}, _awaiting_campaigns),
    S.JOINING_CAMPAIGN: ({}, _joining),
    S.READYING: ({}, _readying),
    S.SETTING_AVAILABLE: ({}, _setting_available),
    S.WAITING_FOR_POP: ({}, _to_waiting),
    S.JOINING_ANOTHER: ({}, _joining_another),
    S.READYING_AGAIN: ({}, _readying_again),
    S.PREVIEWING: ({}, _to_previewing),
    S.PLACING_PREVIEW: ({}, _to_placing),
    S.SKIPPING_PREVIEW: ({"preview_skip_probability": 1.0}, _skipping_preview),
    S.TALKING: ({}, _to_talking),
    S.WRAPPING_UP: ({}, _to_wrapping),
    S.DISPOSITIONING: ({}, _to_dispositioning),
    S.REQUESTING_BREAK: ({"break_every_calls": 1}, _to_requesting_break),
    S.AWAITING_BREAK: ({"break_every_calls": 1}, _to_awaiting_break),
    S.ON_BREAK: ({"break_every_calls": 1}, _to_on_break),
    S.ENDING_BREAK: ({"break_every_calls": 1}, _to_ending_break),
    S.CHANGING_STATUS: ({"status_change_probability": 1.0}, _to_requesting_break),
    S.AWAY: ({"status_change_probability": 1.0}, _to_away),
    S.LOGGING_OFF_ON_CALL: ({"logoff_after_calls": 1}, _to_logging_off_on_call),
    S.FINAL_PLACING: ({"logoff_after_seconds": 600.0}, _to_final_placing),
    S.FINAL_DISPOSITIONING: ({"logoff_after_calls": 1}, _to_final_dispositioning),
    S.LOGGING_OFF: ({"logoff_after_seconds": 600.0}, _to_logging_off),
    S.AWAITING_LOGOFF_GRANT: ({"logoff_after_seconds": 600.0}, _to_awaiting_grant),
    S.CLOSING: ({"logoff_after_seconds": 600.0}, _to_closing),
    S.FINISHED: ({"logoff_after_seconds": 600.0}, _to_finished),
    S.CLEANUP_LOGGING_OFF: ({}, _to_cleanup_logoff),
    S.CLEANUP_PLACING: ({"logoff_after_seconds": 600.0}, _to_cleanup_placing),
    S.CLEANUP_DISPOSITIONING: ({"logoff_after_calls": 1}, _to_cleanup_disposition),
    S.CLEANUP_CLOSING: ({}, _to_cleanup_closing),
    S.ERROR: ({}, _to_error),
}
"""How to bring a fresh agent to rest in each state it can rest in (decision states are passed through)."""


def reach(state: AgentState, rng: Rng | None = None, **plan: Any) -> Harness:
    """A fresh harness resting in ``state``."""
    overrides, recipe = RECIPES[state]
    h = Harness(rng=rng, **{**overrides, **plan})
    recipe(h)
    assert h.state is state, f"recipe for {state} ended in {h.state}"
    return h
