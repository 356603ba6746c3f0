"""The transition table: every row fires as written, the table is well formed, the diagram is current."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from agent_harness import (
    BLENDED,
    CALL_CONTROL,
    LICENCES,
    PREDICTIVE,
    PREVIEW,
    Harness,
    auto_login,
    logout_granted,
    pop,
    queue,
    reach,
)

import botagent.agent as agent_api
from botagent.agent import (
    TRANSITIONS,
    Action,
    AgentState,
    Event,
    ReportBucket,
    Request,
    TimerKind,
    Trigger,
)
from botagent.agent._diagram import STATES_FILE, render
from botagent.agent._state import (
    DEADLINE_TIMERS,
    DECISION_STATES,
    SENDING_STATES,
    STATE_TIMERS,
    TERMINAL_STATES,
)

S = AgentState
T = Trigger
Row = tuple[AgentState, Trigger]


def _bad_pop(h: Harness) -> None:
    h.message(pop("bad", labels=()))


def _after(state: AgentState, inject: Callable[[Harness], object], **plan: object) -> Callable[[], Harness]:
    """Reach ``state`` (a request out), inject something, then answer the request."""

    def run() -> Harness:
        h = reach(state, **plan)  # type: ignore[arg-type]
        inject(h)
        h.succeed()
        return h

    return run


def _then(state: AgentState, act: Callable[[Harness], object], **plan: object) -> Callable[[], Harness]:
    def run() -> Harness:
        h = reach(state, **plan)  # type: ignore[arg-type]
        act(h)
        return h

    return run


SPECIAL: dict[Row, Callable[[], Harness]] = {
    (S.IDLE, T.START): _then(S.IDLE, lambda h: h.start()),
    (S.ACQUIRING_LICENCES, T.SKIP_STEP): _after(S.OPENING_SESSION, lambda h: None),
    (S.ACQUIRING_LICENCES, T.LEAVE): _after(S.OPENING_SESSION, lambda h: h.stop(), licences=LICENCES),
    (S.DIALER_LOGIN, T.LEAVE): _after(S.ACQUIRING_LICENCES, lambda h: h.stop()),
    (S.READING_RIGHTS, T.FAIL): _after(S.OPENING_SESSION, _bad_pop),
    (S.WATCHING_QUEUE, T.FAIL): _after(S.READING_RIGHTS, _bad_pop),
    (S.DIALER_LOGIN, T.FAIL): _after(S.WATCHING_QUEUE, _bad_pop),
    (S.JOINING_CAMPAIGN, T.LEAVE): _after(S.JOINING_CAMPAIGN, lambda h: h.stop()),
    (S.JOINING_CAMPAIGN, T.FAIL): _after(S.JOINING_CAMPAIGN, _bad_pop),
    (S.JOINING_CAMPAIGN, T.ALL_JOINED): _after(S.JOINING_CAMPAIGN, lambda h: h.succeed()),
    (S.SETTING_AVAILABLE, T.LEAVE): _after(S.READYING, lambda h: h.stop()),
    (S.SETTING_AVAILABLE, T.FAIL): _after(S.READYING, _bad_pop),
    (S.DISPOSITIONING, T.LEAVE): _then(S.LOGGING_OFF_ON_CALL, lambda h: None),
    (S.FINAL_DISPOSITIONING, T.FAIL): _after(S.LOGGING_OFF_ON_CALL, _bad_pop, logoff_after_calls=1),
    (S.BETWEEN_CALLS, T.FAIL): _after(S.DISPOSITIONING, _bad_pop),
    (S.BETWEEN_CALLS, T.LEAVE): _after(S.DISPOSITIONING, lambda h: h.stop()),
    (S.BETWEEN_CALLS, T.POP_PLACED): _after(S.DISPOSITIONING, lambda h: h.message(pop("i2"))),
    (S.BETWEEN_CALLS, T.POP_PREVIEW): _after(
        S.DISPOSITIONING, lambda h: h.message(pop("p2", PREVIEW, preview=True))
    ),
    (S.BETWEEN_CALLS, T.TAKE_BREAK): _then(S.REQUESTING_BREAK, lambda h: None),
    (S.BETWEEN_CALLS, T.CHANGE_STATUS): _then(S.CHANGING_STATUS, lambda h: None),
    (S.BETWEEN_CALLS, T.GO_AVAILABLE): _after(S.DISPOSITIONING, lambda h: None),
    (S.AWAITING_CAMPAIGNS, T.CAMPAIGNS_OFFERED): _then(S.JOINING_CAMPAIGN, lambda h: None),
    (S.AWAITING_CAMPAIGNS, T.CAMPAIGNS_AUTO): _then(S.READYING, lambda h: None),
    (S.WAITING_FOR_POP, T.POP_PLACED): _then(S.WAITING_FOR_POP, lambda h: h.message(pop("i1"))),
    (S.WAITING_FOR_POP, T.POP_PREVIEW): _then(S.PREVIEWING, lambda h: None),
    (S.PREVIEWING, T.PLACED_BY_DIALER): _then(
        S.PREVIEWING, lambda h: h.message(pop("p1", PREVIEW, preview=True, placed=True))
    ),
    (S.READYING, T.FAIL): _then(
        S.JOINING_CAMPAIGN, lambda h: (h.succeed(), h.succeed()), features={"dialer": 3}
    ),
    (S.WAITING_FOR_POP, T.CAMPAIGNS_OFFERED): _then(S.JOINING_ANOTHER, lambda h: None),
    (S.WAITING_FOR_POP, T.READY_AGAIN): _then(S.WAITING_FOR_POP, lambda h: h.message(auto_login(PREDICTIVE))),
    (S.JOINING_ANOTHER, T.ALL_JOINED): _then(S.JOINING_ANOTHER, lambda h: h.succeed()),
    (S.JOINING_ANOTHER, T.LEAVE): _after(S.JOINING_ANOTHER, lambda h: h.stop()),
    (S.JOINING_ANOTHER, T.FAIL): _after(S.JOINING_ANOTHER, _bad_pop),
    (S.PREVIEWING, T.SKIP_PREVIEW): _then(S.SKIPPING_PREVIEW, lambda h: None),
    (S.AWAITING_BREAK, T.BREAK_GRANTED): _then(S.ON_BREAK, lambda h: None),
    (S.AWAITING_LOGOFF_GRANT, T.POP_PLACED): _then(S.AWAITING_LOGOFF_GRANT, lambda h: h.message(pop("late"))),
    (S.AWAITING_LOGOFF_GRANT, T.POP_PREVIEW): _then(
        S.AWAITING_LOGOFF_GRANT, lambda h: h.message(pop("late", PREVIEW, preview=True))
    ),
    (S.AWAITING_LOGOFF_GRANT, T.LOGOFF_GRANTED): _then(
        S.AWAITING_LOGOFF_GRANT, lambda h: h.message(logout_granted(""))
    ),
    (S.FINAL_DISPOSITIONING, T.PLACE_FIRST): _then(S.FINAL_PLACING, lambda h: None),
    (S.CLEANUP_DISPOSITIONING, T.PLACE_FIRST): _then(S.CLEANUP_PLACING, lambda h: None),
    (S.READING_RIGHTS, T.SKIP_STEP): _then(S.OPENING_SESSION, lambda h: h.succeed()),
    (S.WATCHING_QUEUE, T.SKIP_STEP): _then(S.OPENING_SESSION, lambda h: h.succeed()),
    (S.TALKING, T.HUNG_UP): _then(S.TALKING, lambda h: h.message(queue("i1", "E")), features=CALL_CONTROL),
    (S.DISCONNECTING, T.SKIP_STEP): _then(S.TALKING, lambda h: h.fire(TimerKind.TALK)),
    (S.FINAL_DISPOSITIONING, T.DISCONNECT_FIRST): _then(S.FINAL_DISCONNECTING, lambda h: None),
    (S.CLEANUP_DISPOSITIONING, T.DISCONNECT_FIRST): _then(S.CLEANUP_DISCONNECTING, lambda h: None),
    (S.WAITING_FOR_POP, T.ACD_ALERT): _then(
        S.WAITING_FOR_POP, lambda h: h.message(queue("acd1", "A", added=True)), **BLENDED
    ),
    (S.ACD_TALKING, T.HUNG_UP): _then(S.ACD_TALKING, lambda h: h.message(queue("acd1", "E"))),
    (S.CLEANING_UP, T.CLEANUP_LOGOFF): _then(S.CLEANUP_LOGGING_OFF, lambda h: None),
    (S.CLEANING_UP, T.CLEANUP_DISPOSITION): _then(S.CLEANUP_DISPOSITIONING, lambda h: None),
    (S.CLEANING_UP, T.CLEANUP_CLOSE): _then(S.CLEANUP_CLOSING, lambda h: None),
    (S.CLEANING_UP, T.CLEANUP_DONE): _then(S.ERROR, lambda h: None),
}


def _generic(row: Row) -> Callable[[], Harness]:
    state, trigger = row
    if trigger is T.SUCCEEDED:
        return _then(state, lambda h: h.succeed())
    if trigger is T.FAILED:
        return _then(state, lambda h: h.fail())
    if trigger in (T.TIMEOUT, T.ELAPSED):
        return _then(state, lambda h: h.fire(STATE_TIMERS[state]))
    if trigger is T.LEAVE:
        return _then(state, lambda h: h.stop())
    if trigger is T.FAIL:
        return _then(state, _bad_pop)
    raise AssertionError(f"no scenario for {row}")


def _scenario(row: Row) -> Callable[[], Harness]:
    return SPECIAL.get(row) or _generic(row)


@pytest.mark.parametrize("row", list(TRANSITIONS), ids=lambda row: f"{row[0].name}-{row[1].name}")
def test_transition_when_its_row_is_exercised_fires_to_the_tables_target(row: Row) -> None:
    h = _scenario(row)()

    assert (row[0], row[1], TRANSITIONS[row]) in h.agent.fired


def test_transition_rows_when_compared_with_scenarios_have_no_stale_special_case() -> None:
    assert set(SPECIAL) <= set(TRANSITIONS)


def _graph() -> dict[AgentState, set[AgentState]]:
    graph: dict[AgentState, set[AgentState]] = {state: set() for state in AgentState}
    for (state, _), target in TRANSITIONS.items():
        graph[state].add(target)
    return graph


def _reachable(start: AgentState, graph: dict[AgentState, set[AgentState]]) -> set[AgentState]:
    seen, todo = {start}, [start]
    while todo:
        for target in graph[todo.pop()] - seen:
            seen.add(target)
            todo.append(target)
    return seen


def test_table_when_walked_from_idle_reaches_every_state() -> None:
    assert _reachable(S.IDLE, _graph()) == set(AgentState)


def test_table_when_walked_from_any_state_can_always_end() -> None:
    graph = _graph()

    stuck = [state for state in AgentState if not _reachable(state, graph) & TERMINAL_STATES]

    assert stuck == []


def test_terminal_states_when_looked_up_have_no_rows() -> None:
    assert [row for row in TRANSITIONS if row[0] in TERMINAL_STATES] == []


def test_sending_states_when_looked_up_each_handles_success_and_failure() -> None:
    missing = [
        (state, trigger)
        for state in SENDING_STATES
        for trigger in (T.SUCCEEDED, T.FAILED)
        if (state, trigger) not in TRANSITIONS
    ]

    assert missing == []


def test_only_sending_states_when_looked_up_handle_request_outcomes() -> None:
    outcome_states = {state for state, trigger in TRANSITIONS if trigger in (T.SUCCEEDED, T.FAILED)}

    assert outcome_states == set(SENDING_STATES)


def test_timed_states_when_looked_up_each_handles_its_own_timer() -> None:
    for state, kind in STATE_TIMERS.items():
        trigger = T.TIMEOUT if kind in DEADLINE_TIMERS else T.ELAPSED
        assert (state, trigger) in TRANSITIONS, state
        assert state not in SENDING_STATES


def test_decision_states_when_entered_always_leave_within_the_same_event() -> None:
    for state in DECISION_STATES:
        assert state not in SENDING_STATES and state not in STATE_TIMERS
        assert any(row[0] is state for row in TRANSITIONS)


def test_report_buckets_when_every_state_is_mapped_cover_all_buckets() -> None:
    assert {state.bucket for state in AgentState} == set(ReportBucket)
    assert S.TALKING.bucket is ReportBucket.ON_CALL
    assert S.WAITING_FOR_POP.bucket is ReportBucket.READY
    assert S.ERROR.bucket is ReportBucket.ERROR


def test_bucket_of_when_asked_gives_the_plain_report_label() -> None:
    assert agent_api.bucket_of(S.AWAY) == "break"
    assert type(agent_api.bucket_of(S.AWAY)) is str
    assert {agent_api.bucket_of(state) for state in AgentState} == {b.value for b in ReportBucket}


def test_state_diagram_when_regenerated_matches_the_checked_in_file() -> None:
    assert STATES_FILE.read_text(encoding="utf-8") == render(), "run: python -m botagent.agent._diagram"


def test_state_diagram_when_rendered_names_every_state() -> None:
    text = render()

    assert all(state.name in text for state in AgentState)


def _subclasses(base: type) -> set[str]:
    """Names of the subclasses botagent.agent itself defines (not ones a test made up)."""
    found: set[str] = set()
    sub: type
    for sub in base.__subclasses__():
        if sub.__module__.startswith("botagent.agent"):
            found |= {sub.__name__} | _subclasses(sub)
    return found


def test_public_api_when_listed_is_sorted_and_exports_every_event_action_and_request() -> None:
    exported = set(agent_api.__all__)

    assert agent_api.__all__ == sorted(agent_api.__all__)
    assert _subclasses(Event) | _subclasses(Action) | _subclasses(Request) <= exported
    assert all(hasattr(agent_api, name) for name in exported)


def test_requests_when_listed_each_name_a_stable_endpoint() -> None:
    endpoints = {getattr(agent_api, name).endpoint for name in _subclasses(Request)}

    assert "POST /dialer/log-in" in endpoints
    assert all(endpoint.split()[0] in {"POST", "PUT", "DELETE", "GET"} for endpoint in endpoints)
    assert PREDICTIVE not in str(endpoints)
