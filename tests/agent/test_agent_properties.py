"""Random event sequences: the agent never crashes except with IllegalAction, never has two requests
out, never dispositions a call twice, and can always be wound down."""

from __future__ import annotations

from typing import Any

from agent_harness import (
    POWER,
    PREDICTIVE,
    PREVIEW,
    RECIPES,
    Harness,
    async_completed,
    auto_login,
    break_status,
    campaign_changed,
    campaign_wire,
    campaigns,
    campaigns_with,
    logout_granted,
    pop,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from botagent.agent import (
    AgentState,
    CloseSession,
    DialerLogIn,
    IllegalAction,
    RequestSucceeded,
    Send,
    SetStatus,
    Start,
    SubmitDisposition,
    Timer,
    TimerFired,
    TimerKind,
)
from botagent.agent._state import SENDING_STATES

CAMPAIGN_IDS = st.sampled_from([PREDICTIVE, POWER, PREVIEW])
INTERACTIONS = st.sampled_from(["i1", "i2", "i3", "i4"])

POPS = st.builds(
    lambda iid, campaign, preview, placed, labels, callbacks, skip, timeout: pop(
        iid,
        campaign,
        preview=preview,
        placed=placed,
        labels=labels,
        callbacks=callbacks,
        skip=skip,
        timeout=timeout,
    ),
    INTERACTIONS,
    CAMPAIGN_IDS,
    st.booleans(),
    st.booleans(),
    st.sampled_from([("Sale", "No Answer"), ("Callback",), ("Sale", "Callback", "Wrong Number"), ()]),
    st.booleans(),
    st.booleans(),
    st.sampled_from([None, "20231114T221322Z", "20991231T000000Z"]),
)

CAMPAIGN_CHANGES = st.builds(
    lambda right, added, changed, removed: campaigns_with(
        right,
        *(campaign_wire(c, status=[s]) for c, s in added),
        campaignsChanged=[campaign_changed(c, s) for c, s in changed],
        campaignsRemoved=[{"id": c} for c in removed],
    ),
    st.booleans(),
    st.lists(st.tuples(CAMPAIGN_IDS, st.sampled_from([1, 2, 16])), max_size=2),
    st.lists(st.tuples(CAMPAIGN_IDS, st.sampled_from([1, 2])), max_size=2),
    st.lists(CAMPAIGN_IDS, max_size=1),
)

MESSAGES = st.one_of(
    POPS,
    POPS,
    st.builds(break_status, st.sampled_from([0, 1, 2, 2])),
    st.builds(lambda right, ids: campaigns(right, *ids), st.booleans(), st.lists(CAMPAIGN_IDS, max_size=3)),
    CAMPAIGN_CHANGES,
    st.builds(auto_login, CAMPAIGN_IDS),
    st.builds(
        lambda ids, bare: logout_granted(*ids, bare=bare),
        st.lists(st.sampled_from(["", PREDICTIVE, POWER]), max_size=2),
        st.booleans(),
    ),
    st.builds(async_completed, st.sampled_from(["r-1", "r-2"]), st.sampled_from([None, {"message": "no"}])),
    st.just({"__type": "urn:inin.com:other:thing", "isDelta": False}),
)

STATUSES = st.sampled_from([None, 400, 401, 403, 404, 410, 500, 503])

LEGAL_MOVES = st.one_of(
    st.tuples(st.just("succeed"), st.sampled_from([None, "r-1"])),
    st.tuples(st.just("succeed"), st.none()),
    st.tuples(st.just("fail"), STATUSES),
    st.tuples(st.just("timer"), st.integers(0, 9)),
    st.tuples(st.just("timer"), st.integers(0, 9)),
    st.tuples(st.just("message"), MESSAGES),
    st.tuples(st.just("message"), MESSAGES),
    st.tuples(st.just("stop"), st.just("random stop")),
)

ILLEGAL_MOVES = st.one_of(
    st.tuples(st.just("start"), st.none()),
    st.tuples(
        st.just("stray response"),
        st.sampled_from([CloseSession(), DialerLogIn(campaign_id=None), SetStatus(status_id="x")]),
    ),
    st.tuples(st.just("stale timer"), st.sampled_from(list(TimerKind))),
)


class Checked(Harness):
    """A harness that also checks every call is dispositioned at most once."""

    def __init__(self, **plan: Any) -> None:
        super().__init__(**plan)
        self.dispositioned: list[str] = []

    @classmethod
    def resting_in(cls, state: AgentState) -> Checked:
        overrides, recipe = RECIPES[state]
        h = cls(**overrides)
        recipe(h)
        assert h.state is state
        return h

    def feed(self, event: Any) -> list[Any]:
        actions = super().feed(event)
        for action in actions:
            if isinstance(action, Send) and isinstance(action.request, SubmitDisposition):
                call = self.agent.current_call
                assert call is not None, "a disposition with no call"
                assert call.interaction_id not in self.dispositioned, (
                    f"{call.interaction_id} dispositioned twice"
                )
                self.dispositioned.append(call.interaction_id)
        assert (self.outstanding is None) == (self.agent.outstanding is None)
        if self.outstanding is not None:
            assert self.state in SENDING_STATES
        return actions


def _apply(h: Checked, move: tuple[str, Any]) -> None:
    kind, value = move
    if kind == "succeed" and h.outstanding is not None:
        h.succeed(request_id=value)
    elif kind == "fail" and h.outstanding is not None:
        h.fail(status=value)
    elif kind == "timer" and h.timers:
        armed = sorted(h.timers, key=lambda k: k.value)
        h.fire(armed[value % len(armed)])
    elif kind == "message":
        h.message(value)
    elif kind == "stop":
        h.stop(value)
    elif kind == "start":
        h.feed(Start())
    elif kind == "stray response" and value == h.outstanding:
        h.succeed()
    elif kind == "stray response":
        h.feed(RequestSucceeded(request=value, status=200))
    elif kind == "stale timer":
        h.feed(TimerFired(timer=Timer(kind=value, serial=10_000)))


def _wind_down(h: Checked, limit: int = 60) -> None:
    h.stop("wind down")
    for _ in range(limit):
        if h.finished is not None:
            return
        if h.outstanding is not None:
            h.succeed()
        elif h.timers:
            h.fire(next(iter(h.timers)))
        else:
            raise AssertionError(f"stuck in {h.state}")
    raise AssertionError(f"never finished, in {h.state}")


PLANS = st.fixed_dictionaries(
    {
        "break_every_calls": st.sampled_from([None, 1, 2]),
        "status_change_probability": st.sampled_from([0.0, 1.0]),
        "logoff_after_calls": st.sampled_from([None, 1, 3]),
        "logoff_after_seconds": st.sampled_from([None, 200.0]),
        "logoff_scope": st.sampled_from(["all", "campaigns"]),
        "reschedule_probability": st.sampled_from([0.0, 1.0]),
        "reschedule_agent": st.sampled_from(["self", "none"]),
        "preview_skip_probability": st.sampled_from([0.0, 1.0]),
        "campaigns": st.sampled_from([(), (PREDICTIVE,), ("Power Collections", PREVIEW)]),
    }
)

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _finish_checks(h: Checked) -> None:
    assert len(h.records) == h.agent.counters.calls_popped
    assert h.state in (AgentState.FINISHED, AgentState.ERROR)


@SETTINGS
@given(plan=PLANS, moves=st.lists(LEGAL_MOVES, max_size=80))
def test_agent_when_fed_random_legal_events_never_raises_and_always_winds_down(
    plan: dict[str, Any], moves: list[Any]
) -> None:
    h = Checked(**plan)
    h.start()

    for move in moves:
        _apply(h, move)
        if h.finished is not None:
            break
    if h.finished is None:
        _wind_down(h)

    _finish_checks(h)


RESTING = st.sampled_from(
    [state for state in RECIPES if state not in (AgentState.FINISHED, AgentState.ERROR)]
)


@SETTINGS
@given(start=RESTING, moves=st.lists(LEGAL_MOVES, max_size=40))
def test_agent_when_fed_random_legal_events_from_any_state_never_raises_and_winds_down(
    start: AgentState, moves: list[Any]
) -> None:
    h = Checked.resting_in(start)

    for move in moves:
        _apply(h, move)
        if h.finished is not None:
            break
    if h.finished is None:
        _wind_down(h)

    _finish_checks(h)


@SETTINGS
@given(start=RESTING, moves=st.lists(st.one_of(LEGAL_MOVES, ILLEGAL_MOVES), max_size=40))
def test_agent_when_fed_random_legal_and_illegal_events_only_ever_raises_illegal_action(
    start: AgentState, moves: list[Any]
) -> None:
    h = Checked.resting_in(start)

    try:
        for move in moves:
            _apply(h, move)
    except IllegalAction:
        assert h.state is AgentState.ERROR
        try:
            h.feed(Start())
        except IllegalAction:
            return
        raise AssertionError("the agent accepted an event after an IllegalAction") from None
    if h.finished is None:
        _wind_down(h)
    _finish_checks(h)


@SETTINGS
@given(moves=st.lists(LEGAL_MOVES, max_size=60))
def test_agent_when_every_response_fails_still_ends_in_error_without_looping(moves: list[Any]) -> None:
    h = Checked()
    h.start()
    for move in moves:
        if move[0] == "succeed":
            move = ("fail", 500)
        _apply(h, move)

    for _ in range(10):
        if h.finished is not None or h.outstanding is None:
            break
        h.fail()

    assert h.outstanding is None
    if h.finished is not None:
        assert len(h.sent) <= 20
        assert h.state in (AgentState.FINISHED, AgentState.ERROR)
