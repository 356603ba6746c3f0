"""The result line: an interrupted run says so, with its reason, how long it ran and what it breached."""

from __future__ import annotations

from collections.abc import Callable

from botagent.report import RunResult, ThresholdResult, format_summary

Result = Callable[..., RunResult]
FAILED = ThresholdResult(name="wait-for-pop p95 <= 500 ms", observed=612.0, limit=500, passed=False)
PASSED = ThresholdResult(name="error ratio <= 1%", observed=0.0, limit=0.01, passed=True)


def test_result_line_when_interrupted_says_by_what_and_after_how_long(result: Result) -> None:
    run = result(duration=12.34, aborted="interrupted (Ctrl-C)", interrupted=True, thresholds=[PASSED])

    last = format_summary(run).splitlines()[-1]

    assert last == "RESULT: INTERRUPTED, the run was interrupted (Ctrl-C) after 12.3 s (exit code 130)"


def test_result_line_when_interrupted_with_breaches_counts_them(result: Result) -> None:
    run = result(duration=5.0, aborted="interrupted (SIGTERM)", interrupted=True, thresholds=[PASSED, FAILED])

    last = format_summary(run).splitlines()[-1]

    assert last == (
        "RESULT: INTERRUPTED, the run was interrupted (SIGTERM) after 5.0 s; 1 of 2 thresholds breached"
        " (exit code 130)"
    )
