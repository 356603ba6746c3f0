"""Thresholds judge the phase the result names (the steady one, for a profile's default): its rows, its
requests; a named limit with no sample there judges the whole run and says so; the log-off burst of the
stop phase does not count against a steady-state limit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botagent.profile import Thresholds
from botagent.report import EndpointStats, PhaseStats, RunResult, ThresholdResult, evaluate_thresholds

Row = Callable[..., EndpointStats]
Result = Callable[..., RunResult]
NOTE = "no samples in the steady phase: judged over the whole run"


def check(spec: dict[str, Any], result: RunResult, during_run: bool = False) -> dict[str, ThresholdResult]:
    """Evaluate ``spec`` (no defaults, no built-in checks) by threshold name."""
    base = {"rule_violations": None, "ledger_reconciles": False, "builtin_checks": False}
    thresholds = Thresholds.model_validate(base | spec)
    return {t.name: t for t in evaluate_thresholds(thresholds, result, during_run=during_run)}


def burst_run(row: Row, result: Result, judged_phase: str | None = "steady") -> RunResult:
    """A run whose steady disposition is fast, and whose log-offs all came in the slow stop phase."""
    steady = [row("POST /dialer/disposition", count=90, p95=40.0, p99=60.0, max=80.0)]
    stop = [
        row("POST /dialer/log-off", count=200, failures=2, p95=2500.0, p99=2900.0, max=3000.0),
        row("POST /dialer/disposition", count=10, p95=1500.0, p99=1600.0, max=1700.0),
    ]
    whole = [
        row("POST /dialer/disposition", count=100, p95=900.0, p99=1500.0, max=1700.0),
        row("POST /dialer/log-off", count=200, failures=2, p95=2500.0, p99=2900.0, max=3000.0),
    ]
    phases = [
        PhaseStats(phase="ramp-up", started=0.0, ended=4.0),
        PhaseStats(phase="steady", started=4.0, ended=45.0, endpoints=steady),
        PhaseStats(phase="stop", started=45.0, ended=48.0, endpoints=stop),
    ]
    return result(endpoints=whole, phases=phases, judged_phase=judged_phase)


def test_wildcard_when_steady_phase_is_judged_applies_to_its_rows_only(row: Row, result: Result) -> None:
    checks = check({"endpoints": {"*": {"p95": 300}}}, burst_run(row, result))

    [found] = checks.values()
    assert (found.name, found.observed, found.passed) == (
        "POST /dialer/disposition p95 <= 300 ms",
        40.0,
        True,
    )


def test_wildcard_when_whole_run_is_judged_sees_the_log_off_burst(row: Row, result: Result) -> None:
    checks = check({"endpoints": {"*": {"p95": 300}}}, burst_run(row, result, judged_phase=None))

    assert not checks["POST /dialer/disposition p95 <= 300 ms"].passed
    assert not checks["POST /dialer/log-off p95 <= 300 ms"].passed


def test_named_row_when_absent_from_steady_phase_judges_the_whole_run_and_says_so(
    row: Row, result: Result
) -> None:
    spec = {"endpoints": {"POST /dialer/log-off": {"p95": 3000, "error_ratio": 0.05}}}
    checks = check(spec, burst_run(row, result))

    latency = checks["POST /dialer/log-off p95 <= 3000 ms"]
    ratio = checks["POST /dialer/log-off error ratio <= 5%"]
    assert (latency.observed, latency.passed, latency.detail) == (2500.0, True, NOTE)
    assert ratio.detail == f"2 of 200 failed; {NOTE}"


def test_named_row_when_absent_from_steady_phase_during_the_run_is_not_judged_yet(
    row: Row, result: Result
) -> None:
    spec = {"endpoints": {"POST /dialer/log-off": {"p95": 1}}}
    found = check(spec, burst_run(row, result), during_run=True)["POST /dialer/log-off p95 <= 1 ms"]

    assert (found.passed, found.observed, found.detail) == (True, None, "no samples")


def test_named_row_when_never_sampled_passes_with_no_samples(row: Row, result: Result) -> None:
    spec = {"endpoints": {"POST /dialer/request-break": {"p95": 1}}}
    found = check(spec, burst_run(row, result))["POST /dialer/request-break p95 <= 1 ms"]

    assert (found.passed, found.detail) == (True, "no samples")


def test_min_count_when_steady_phase_is_judged_counts_its_samples(row: Row, result: Result) -> None:
    spec = {"endpoints": {"POST /dialer/disposition": {"min_count": 100}}}
    found = check(spec, burst_run(row, result))["POST /dialer/disposition count >= 100"]

    assert (found.passed, found.observed) == (False, 90)


def test_error_ratio_when_steady_phase_is_judged_counts_its_requests(row: Row, result: Result) -> None:
    found = check({"error_ratio": 0}, burst_run(row, result))["error ratio <= 0%"]

    assert (found.passed, found.detail) == (True, "0 of 90 requests failed")


def test_error_ratio_when_steady_phase_has_no_requests_judges_the_whole_run(row: Row, result: Result) -> None:
    run = burst_run(row, result)
    run.phases = [phase for phase in run.phases if phase.phase != "steady"]

    found = check({"error_ratio": 0}, run)["error ratio <= 0%"]

    assert (found.passed, found.detail) == (False, f"2 of 300 requests failed; {NOTE}")


def test_kpis_when_steady_phase_is_judged_use_its_kpi_rows(row: Row, result: Result) -> None:
    run = burst_run(row, result)
    run.kpis = [row("wait-for-pop", p95=9000.0, max=9500.0), row("logoff-grant", p95=8000.0, max=9000.0)]
    run.phases[1] = PhaseStats(
        phase="steady", started=4.0, ended=45.0, kpis=[row("wait-for-pop", p95=500.0, max=600.0)]
    )

    checks = check({"kpis": {"*": {"p95": 1000}}}, run)

    assert list(checks) == ["wait-for-pop p95 <= 1000 ms"]
    assert checks["wait-for-pop p95 <= 1000 ms"].passed
