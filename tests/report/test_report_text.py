"""The console summary: aligned, plain by default, naming what failed."""

from __future__ import annotations

from collections.abc import Callable

from botagent.report import RunResult, format_summary

Result = Callable[..., RunResult]


def test_format_summary_when_threshold_breached_marks_it_fail(busy_result: RunResult) -> None:
    text = format_summary(busy_result)
    fail_lines = [line for line in text.splitlines() if line.lstrip().startswith("FAIL")]
    assert any("POST /dialer/disposition p95 <= 500 ms" in line and "612 ms" in line for line in fail_lines)
    assert any(line.lstrip().startswith("PASS  error ratio <= 5%") for line in text.splitlines())


def test_format_summary_when_calls_lost_shows_their_ids(busy_result: RunResult) -> None:
    text = format_summary(busy_result)
    assert "Ledger DOES NOT reconcile: 42 popped, 40 dispositioned" in text
    lost_line = next(line for line in text.splitlines() if line.strip().startswith("lost"))
    assert "call-17, call-23" in lost_line


def test_format_summary_last_line_is_the_verdict(busy_result: RunResult, empty_result: RunResult) -> None:
    assert (
        format_summary(busy_result).splitlines()[-1]
        == "RESULT: FAIL, 2 of 3 thresholds breached (exit code 1)"
    )
    assert format_summary(empty_result).splitlines()[-1] == "RESULT: PASS, no threshold set (exit code 0)"


def test_format_summary_when_run_aborted_says_error_and_why(result: Result) -> None:
    last = format_summary(result(aborted="target unreachable")).splitlines()[-1]
    assert last == "RESULT: ERROR, the run did not complete: target unreachable (exit code 3)"


def test_format_summary_endpoint_table_when_names_differ_keeps_columns_aligned(
    busy_result: RunResult,
) -> None:
    lines = format_summary(busy_result).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("ICWS endpoint"))
    table = lines[start : start + 3]
    assert len({len(line) for line in table}) == 1
    assert table[1].split()[-6:] == ["2", "0", "20.0", "50.0", "80.0", "120"]


def test_format_summary_lists_kpis_violations_and_grouped_step_errors(busy_result: RunResult) -> None:
    text = format_summary(busy_result)
    assert "wait-for-pop" in text and "4000" in text
    assert "R18  agent0002  break before disposition" in text
    assert "2 x POST /dialer/disposition 404 error.request.dialer.noCall: no current call" in text


def test_format_summary_when_color_is_false_has_no_escape_codes(busy_result: RunResult) -> None:
    assert "\033[" not in format_summary(busy_result)


def test_format_summary_when_color_is_true_paints_fail_red(busy_result: RunResult) -> None:
    assert "\033[31mFAIL\033[0m" in format_summary(busy_result, color=True)
