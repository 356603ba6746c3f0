"""Thresholds: each kind of limit passes and fails on crafted runs, with readable names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from botagent.profile import Thresholds
from botagent.report import (
    EndpointStats,
    Reconciliation,
    RuleViolationRecord,
    RunResult,
    ThresholdResult,
    breached,
    evaluate_thresholds,
)
from botagent.report._result import CallTotals

Row = Callable[..., EndpointStats]
Result = Callable[..., RunResult]
NO_DEFAULTS = {"rule_violations": None, "ledger_reconciles": False, "builtin_checks": False}


def check(spec: dict[str, Any], result: RunResult) -> dict[str, ThresholdResult]:
    """Evaluate ``spec`` (the thresholds section as YAML would give it) by threshold name."""
    thresholds = Thresholds.model_validate(NO_DEFAULTS | spec)
    return {t.name: t for t in evaluate_thresholds(thresholds, result)}


@pytest.mark.parametrize("stat", ["p50", "p90", "p95", "p99", "max"])
def test_endpoint_latency_when_over_limit_fails_and_names_the_limit(
    stat: str, row: Row, result: Result
) -> None:
    run = result(endpoints=[row("POST /dialer/disposition", **({"max": 1000.0} | {stat: 612.0}))])
    checks = check({"endpoints": {"POST /dialer/disposition": {stat: 500}}}, run)
    found = checks[f"POST /dialer/disposition {stat} <= 500 ms"]
    assert (found.passed, found.observed, found.limit) == (False, 612.0, 500)


@pytest.mark.parametrize("stat", ["p50", "p90", "p95", "p99", "max"])
def test_endpoint_latency_when_at_limit_passes(stat: str, row: Row, result: Result) -> None:
    run = result(endpoints=[row("POST /dialer/disposition", **({"max": 1000.0} | {stat: 500.0}))])
    checks = check({"endpoints": {"POST /dialer/disposition": {stat: 500}}}, run)
    assert checks[f"POST /dialer/disposition {stat} <= 500 ms"].passed


def test_wildcard_when_row_not_named_applies_to_every_row(row: Row, result: Result) -> None:
    run = result(endpoints=[row("POST /connection", p95=90.0), row("POST /dialer/log-in", p95=110.0)])
    checks = check({"endpoints": {"*": {"p95": 100}}}, run)
    assert checks["POST /connection p95 <= 100 ms"].passed
    assert not checks["POST /dialer/log-in p95 <= 100 ms"].passed


def test_wildcard_when_row_named_explicitly_uses_only_its_own_bounds(row: Row, result: Result) -> None:
    run = result(endpoints=[row("POST /dialer/log-in", p95=110.0, p99=300.0, max=400.0)])
    checks = check({"endpoints": {"*": {"p95": 100}, "POST /dialer/log-in": {"p99": 250}}}, run)
    assert list(checks) == ["POST /dialer/log-in p99 <= 250 ms"]
    assert not checks["POST /dialer/log-in p99 <= 250 ms"].passed


def test_kpi_latency_when_over_limit_fails(row: Row, result: Result) -> None:
    run = result(kpis=[row("wait-for-pop", p95=4000.0, max=5000.0), row("break-grant", p95=900.0)])
    checks = check({"kpis": {"wait-for-pop": {"p95": 3000}, "*": {"p95": 1000}}}, run)
    assert not checks["wait-for-pop p95 <= 3000 ms"].passed
    assert checks["break-grant p95 <= 1000 ms"].passed


def test_row_error_ratio_when_exceeded_fails_with_counts(row: Row, result: Result) -> None:
    run = result(endpoints=[row("POST /dialer/disposition", count=100, failures=2)])
    found = check({"endpoints": {"*": {"error_ratio": 0.01}}}, run)[
        "POST /dialer/disposition error ratio <= 1%"
    ]
    assert (found.passed, found.observed) == (False, 0.02)
    assert found.detail == "2 of 100 failed"


def test_named_row_when_it_has_no_samples_passes_with_no_samples(result: Result) -> None:
    checks = check({"kpis": {"preview-connect": {"p95": 1000, "error_ratio": 0}}}, result())
    assert [(t.passed, t.observed, t.detail) for t in checks.values()] == [(True, None, "no samples")] * 2


def test_row_latency_when_row_present_without_samples_passes_with_no_samples(
    row: Row, result: Result
) -> None:
    run = result(endpoints=[row("POST /dialer/log-in", count=0, p95=None)])
    found = check({"endpoints": {"*": {"p95": 100}}}, run)["POST /dialer/log-in p95 <= 100 ms"]
    assert (found.passed, found.observed, found.detail) == (True, None, "no samples")


def test_min_count_when_row_has_no_samples_fails(result: Result) -> None:
    checks = check({"kpis": {"preview-connect": {"p95": 1000, "min_count": 1}}}, result())
    assert checks["preview-connect p95 <= 1000 ms"].passed
    found = checks["preview-connect count >= 1"]
    assert (found.passed, found.observed, found.detail) == (False, 0, "no samples")


def test_min_count_when_enough_samples_passes(row: Row, result: Result) -> None:
    run = result(kpis=[row("wait-for-pop", count=10, failures=1)])
    found = check({"kpis": {"*": {"min_count": 10}}}, run)["wait-for-pop count >= 10"]
    assert (found.passed, found.observed) == (True, 10)


def test_overall_error_ratio_when_any_request_failed_and_limit_zero_fails(row: Row, result: Result) -> None:
    run = result(endpoints=[row("POST /connection", count=50), row("GET /connection", count=50, failures=1)])
    found = check({"error_ratio": 0}, run)["error ratio <= 0%"]
    assert (found.passed, found.observed, found.detail) == (False, 0.01, "1 of 100 requests failed")


def test_overall_error_ratio_ignores_kpi_failures(row: Row, result: Result) -> None:
    run = result(endpoints=[row("POST /connection")], kpis=[row("wait-for-pop", failures=5)])
    assert check({"error_ratio": 0}, run)["error ratio <= 0%"].passed


def test_overall_error_ratio_when_no_requests_passes(result: Result) -> None:
    found = check({"error_ratio": 0.05}, result())["error ratio <= 5%"]
    assert found.passed and found.detail == "no requests"


def test_calls_per_agent_when_below_minimum_fails(result: Result) -> None:
    run = result(calls=CallTotals(popped=3, dispositioned=3, rescheduled=0, agents=4))
    found = check({"calls_per_agent": {"min": 1}}, run)["calls per agent >= 1"]
    assert (found.passed, found.observed) == (False, 0.75)
    assert found.detail == "3 calls dispositioned by 4 agents"


def test_calls_per_agent_when_at_minimum_passes(result: Result) -> None:
    run = result(calls=CallTotals(popped=9, dispositioned=8, rescheduled=1, agents=4))
    assert check({"calls_per_agent": {"min": 2}}, run)["calls per agent >= 2"].passed


def test_rule_violations_when_above_maximum_fails_and_names_rules(result: Result) -> None:
    violation = RuleViolationRecord(at=1.0, agent="agent0001", rule="R18", detail="break before disposition")
    found = check({"rule_violations": 0}, result(rule_violations=[violation, violation]))[
        "rule violations <= 0"
    ]
    assert (found.passed, found.observed, found.detail) == (False, 2, "R18 x2")


def test_rule_violations_when_none_seen_passes(result: Result) -> None:
    assert check({"rule_violations": 0}, result())["rule violations <= 0"].passed


def test_ledger_when_calls_lost_fails_and_lists_them(result: Result) -> None:
    rec = Reconciliation(ledger_popped=3, ledger_dispositioned=1, bot_dispositioned=1, lost=["c-1", "c-2"])
    found = check({"ledger_reconciles": True}, result(reconciliation=rec))["ledger reconciles"]
    assert (found.passed, found.observed, found.detail) == (False, 2, "lost: c-1, c-2")


def test_ledger_when_a_call_was_left_connected_after_its_disposition_fails_and_lists_it(
    result: Result,
) -> None:
    """Official disposition page: Dialer does not disconnect the call; a call left up is a ledger finding."""
    rec = Reconciliation(ledger_popped=1, ledger_dispositioned=1, bot_dispositioned=1, left_connected=["c-1"])
    found = check({"ledger_reconciles": True}, result(reconciliation=rec))["ledger reconciles"]
    assert (found.passed, found.observed, found.detail) == (False, 1, "left connected: c-1")


def test_ledger_when_it_reconciles_passes(result: Result) -> None:
    rec = Reconciliation(ledger_popped=3, ledger_dispositioned=3, bot_dispositioned=3)
    assert check({"ledger_reconciles": True}, result(reconciliation=rec))["ledger reconciles"].passed


def test_ledger_when_target_has_no_ledger_passes_and_says_so(result: Result) -> None:
    found = check({"ledger_reconciles": True}, result())["ledger reconciles"]
    assert found.passed and found.observed is None and "no ledger" in found.detail


def test_ledger_when_the_mock_ledger_could_not_be_read_fails(result: Result) -> None:
    found = check({"ledger_reconciles": True}, result(ledger_expected=True))["ledger reconciles"]
    assert not found.passed and found.detail == "the mock's ledger could not be read"


def test_evaluate_thresholds_when_profile_defaults_checks_builtins_rules_and_ledger(result: Result) -> None:
    names = [t.name for t in evaluate_thresholds(Thresholds(), result())]
    assert names == [
        "Dialer log-ins >= 1",
        "calls dispositioned >= 1",
        "no endpoint failed every request",
        "rule violations <= 0",
        "ledger reconciles",
    ]


def test_evaluate_thresholds_orders_endpoints_then_kpis_then_run_wide(row: Row, result: Result) -> None:
    run = result(endpoints=[row("POST /connection")], kpis=[row("wait-for-pop")])
    spec = {"kpis": {"*": {"p95": 1}}, "endpoints": {"*": {"p95": 1}}, "error_ratio": 0, "rule_violations": 0}
    assert list(check(spec, run)) == [
        "POST /connection p95 <= 1 ms",
        "wait-for-pop p95 <= 1 ms",
        "error ratio <= 0%",
        "rule violations <= 0",
    ]


def test_breached_when_some_fail_returns_only_those_in_order() -> None:
    results = [
        ThresholdResult(name="a", observed=1, limit=0, passed=False),
        ThresholdResult(name="b", observed=0, limit=0, passed=True),
        ThresholdResult(name="c", observed=2, limit=0, passed=False),
    ]
    assert [t.name for t in breached(results)] == ["a", "c"]


def test_evaluate_thresholds_when_during_run_leaves_out_end_of_run_limits(row: Row, result: Result) -> None:
    spec = {
        "kpis": {"*": {"p95": 1000, "min_count": 5}},
        "calls_per_agent": {"min": 1},
        "rule_violations": 0,
        "ledger_reconciles": True,
    }
    thresholds = Thresholds.model_validate(spec)
    names = [
        t.name for t in evaluate_thresholds(thresholds, result(kpis=[row("wait-for-pop")]), during_run=True)
    ]
    assert names == ["wait-for-pop p95 <= 1000 ms", "rule violations <= 0"]
