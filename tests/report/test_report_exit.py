"""Exit codes: a breached threshold, a run error and a clean run are told apart."""

from __future__ import annotations

from collections.abc import Callable

import botagent.report as report
from botagent.report import RunResult, ThresholdResult
from botagent.report._exit import EXIT_INTERRUPTED

Result = Callable[..., RunResult]
PASSED = ThresholdResult(name="error ratio <= 1%", observed=0.0, limit=0.01, passed=True)
FAILED = ThresholdResult(
    name="POST /dialer/disposition p95 <= 500 ms", observed=612.0, limit=500, passed=False
)


def test_exit_codes_have_their_documented_values() -> None:
    codes = (report.EXIT_OK, report.EXIT_THRESHOLDS, report.EXIT_BAD_INPUT, report.EXIT_RUN_ERROR)
    assert codes == (0, 1, 2, 3)


def test_exit_code_when_every_threshold_passes_is_ok(result: Result) -> None:
    assert report.exit_code_for(result(thresholds=[PASSED])) == report.EXIT_OK


def test_exit_code_when_no_threshold_set_is_ok(result: Result) -> None:
    assert report.exit_code_for(result()) == report.EXIT_OK


def test_exit_code_when_a_threshold_is_breached_is_thresholds(result: Result) -> None:
    assert report.exit_code_for(result(thresholds=[PASSED, FAILED])) == report.EXIT_THRESHOLDS


def test_exit_code_when_aborted_on_breach_is_thresholds(result: Result) -> None:
    run = result(thresholds=[FAILED], aborted=report.threshold_abort_reason([FAILED]))
    assert run.aborted == "threshold breached: POST /dialer/disposition p95 <= 500 ms"
    assert report.exit_code_for(run) == report.EXIT_THRESHOLDS


def test_exit_code_when_run_aborted_for_another_reason_is_run_error(result: Result) -> None:
    run = result(thresholds=[FAILED], aborted="target unreachable: connection refused")
    assert report.exit_code_for(run) == report.EXIT_RUN_ERROR


def test_exit_code_when_abort_reason_names_a_breached_threshold_is_thresholds(result: Result) -> None:
    run = result(thresholds=[FAILED], aborted=f"threshold failed, aborting: {FAILED.name} (observed 612.0)")
    assert report.exit_code_for(run) == report.EXIT_THRESHOLDS


def test_exit_code_when_interrupted_is_130_whatever_the_thresholds(result: Result) -> None:
    for thresholds in ([PASSED], [PASSED, FAILED]):
        run = result(thresholds=thresholds, aborted="interrupted (Ctrl-C)", interrupted=True)
        assert report.exit_code_for(run) == EXIT_INTERRUPTED == 130
