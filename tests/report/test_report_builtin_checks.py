"""Built-in checks: every run, whatever its profile, fails when no agent logged in to Dialer, when no
call was dispositioned, or when every request of an endpoint failed; the profile relaxes them only
explicitly, and the result line names the cause."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botagent.profile import Thresholds
from botagent.report import (
    EndpointStats,
    RunResult,
    ThresholdResult,
    evaluate_thresholds,
    exit_code_for,
    format_summary,
)
from botagent.report._result import CallTotals

Row = Callable[..., EndpointStats]
Result = Callable[..., RunResult]
LOG_INS = "Dialer log-ins >= 1"
CALLS = "calls dispositioned >= 1"
ENDPOINTS = "no endpoint failed every request"
CALLED = CallTotals(popped=12, dispositioned=12, rescheduled=0, agents=3)
NO_CALLS = CallTotals(popped=0, dispositioned=0, rescheduled=0, agents=3)


def builtins(result: RunResult, **spec: Any) -> dict[str, ThresholdResult]:
    """The built-in checks of ``result`` under a profile's thresholds ``spec``, by name."""
    thresholds = Thresholds.model_validate({"rule_violations": None, "ledger_reconciles": False, **spec})
    return {t.name: t for t in evaluate_thresholds(thresholds, result) if t.builtin}


def working_run(row: Row, result: Result, **changes: Any) -> RunResult:
    """Three agents that logged in and took calls."""
    endpoints = [row("POST /connection", count=3), row("POST /dialer/log-in", count=3)]
    return result(**({"endpoints": endpoints, "calls": CALLED} | changes))


def test_builtin_checks_when_agents_logged_in_and_took_calls_pass_without_detail(
    row: Row, result: Result
) -> None:
    checks = builtins(working_run(row, result))

    assert list(checks) == [LOG_INS, CALLS, ENDPOINTS]
    assert all(t.passed and t.detail == "" for t in checks.values())
    assert (checks[LOG_INS].observed, checks[CALLS].observed, checks[ENDPOINTS].observed) == (3, 12, 0)


def test_dialer_log_ins_when_every_connection_was_refused_names_the_step_and_status(
    row: Row, result: Result
) -> None:
    refused = row("POST /connection", count=40, failures=40, failure_causes={"HTTP 401": 40})
    run = result(endpoints=[refused], calls=NO_CALLS)

    found = builtins(run)[LOG_INS]

    assert (found.passed, found.observed) == (False, 0)
    assert found.detail == "no agent logged in to Dialer: POST /connection failed 40 of 40 (HTTP 401)"


def test_dialer_log_ins_when_every_log_in_failed_for_several_causes_counts_each(
    row: Row, result: Result
) -> None:
    causes = {"HTTP 403": 4, "no response": 1}
    log_in = row("POST /dialer/log-in", count=5, failures=5, failure_causes=causes)
    run = result(endpoints=[row("POST /connection", count=5), log_in], calls=NO_CALLS)

    found = builtins(run)[LOG_INS]

    expected = "POST /dialer/log-in failed 5 of 5 (HTTP 403 x4, no response x1)"
    assert found.detail == f"no agent logged in to Dialer: {expected}"


def test_dialer_log_ins_when_no_request_was_made_says_so(result: Result) -> None:
    found = builtins(result(calls=NO_CALLS))[LOG_INS]

    assert not found.passed
    assert found.detail == "no agent logged in to Dialer: no ICWS request was made"


def test_dialer_log_ins_when_one_of_many_succeeded_passes(row: Row, result: Result) -> None:
    log_in = row("POST /dialer/log-in", count=5, failures=4, failure_causes={"HTTP 403": 4})
    assert builtins(working_run(row, result, endpoints=[log_in]))[LOG_INS].passed


def test_calls_dispositioned_when_none_was_fails_and_says_how_to_allow_it(row: Row, result: Result) -> None:
    found = builtins(working_run(row, result, calls=NO_CALLS))[CALLS]

    assert (found.passed, found.observed) == (False, 0)
    assert found.detail == (
        "no call was dispositioned (0 popped, 3 agents; thresholds.expect_calls: false allows it)"
    )


def test_calls_dispositioned_when_profile_expects_no_calls_is_not_checked(row: Row, result: Result) -> None:
    checks = builtins(working_run(row, result, calls=NO_CALLS), expect_calls=False)

    assert list(checks) == [LOG_INS, ENDPOINTS]
    assert all(t.passed for t in checks.values())


def test_endpoint_check_when_every_request_of_one_failed_names_it(row: Row, result: Result) -> None:
    dead = row("POST /dialer/request-break", count=6, failures=6, failure_causes={"HTTP 501": 6})
    run = working_run(row, result)
    run.endpoints.append(dead)

    found = builtins(run)[ENDPOINTS]

    assert (found.passed, found.observed) == (False, 1)
    assert found.detail == (
        "every request of an endpoint failed: POST /dialer/request-break failed 6 of 6 (HTTP 501)"
    )


def test_endpoint_check_when_the_endpoint_has_its_own_error_ratio_leaves_it_to_that(
    row: Row, result: Result
) -> None:
    run = working_run(row, result)
    run.endpoints.append(row("POST /dialer/request-break", count=6, failures=6))

    checks = builtins(run, endpoints={"POST /dialer/request-break": {"error_ratio": 1}})

    assert checks[ENDPOINTS].passed


def test_endpoint_check_when_only_a_wildcard_error_ratio_is_set_still_applies(
    row: Row, result: Result
) -> None:
    run = working_run(row, result)
    run.endpoints.append(row("POST /dialer/request-break", count=6, failures=6))

    assert not builtins(run, endpoints={"*": {"error_ratio": 1}})[ENDPOINTS].passed


def test_builtin_checks_when_turned_off_are_left_out(result: Result) -> None:
    assert builtins(result(calls=NO_CALLS), builtin_checks=False) == {}


def test_builtin_checks_when_judged_during_the_run_are_left_out(result: Result) -> None:
    thresholds = Thresholds()
    during = evaluate_thresholds(thresholds, result(calls=NO_CALLS), during_run=True)

    assert [t for t in during if t.builtin] == []


def test_result_line_when_no_agent_logged_in_names_the_cause_and_exits_1(row: Row, result: Result) -> None:
    refused = row("POST /connection", count=40, failures=40, failure_causes={"HTTP 401": 40})
    run = result(endpoints=[refused], calls=NO_CALLS)
    run.thresholds = evaluate_thresholds(Thresholds(), run)

    last = format_summary(run).splitlines()[-1]

    assert exit_code_for(run) == 1
    assert last.startswith(
        "RESULT: FAIL, no agent logged in to Dialer: POST /connection failed 40 of 40 (HTTP 401); "
    )
    assert last.endswith(" thresholds breached (exit code 1)")
