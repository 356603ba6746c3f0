"""The console summary: aligned, plain by default, naming what failed."""

from __future__ import annotations

from collections.abc import Callable

from botagent.report import EndpointStats, RunResult, format_summary
from botagent.wire import CLIENT_ENDPOINTS

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


def _endpoint_table(text: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("ICWS endpoint"))
    return lines[start : lines.index("", start)]


def test_format_summary_endpoint_table_when_names_differ_keeps_columns_aligned(
    busy_result: RunResult,
) -> None:
    table = _endpoint_table(format_summary(busy_result))
    assert len({len(line) for line in table}) == 1
    assert table[0].split()[-13:] == [
        "count", "fail", "req/s", "mean", "ms", "p50", "ms", "p95", "ms", "p99", "ms", "max", "ms"
    ]  # fmt: skip
    assert table[1].split()[-8:] == ["2", "0", "3.30", "25.0", "20.0", "50.0", "80.0", "120"]


def test_format_summary_endpoint_table_when_every_client_endpoint_ran_fits_110_columns(
    result: Result, row: Callable[..., EndpointStats]
) -> None:
    rows = [
        row(str(name), count=1_234_567, failures=12_345, rps=1234.5, max=123_456.0)
        for name in CLIENT_ENDPOINTS
    ]
    table = _endpoint_table(format_summary(result(endpoints=rows)))
    assert len({len(line) for line in table}) == 1 and len(table[0]) <= 110
    assert table[1].split()[-8:] == ["1234567", "12345", "1234", "25.0", "20.0", "50.0", "80.0", "123456"]


def test_format_summary_endpoint_table_when_a_name_is_too_long_shortens_it_in_the_middle(
    result: Result, row: Callable[..., EndpointStats]
) -> None:
    name = "DELETE /messaging/subscriptions/status/user-statuses"
    table = _endpoint_table(format_summary(result(endpoints=[row(name)])))
    assert len(table[1]) == 110
    assert table[1].startswith("DELETE /messaging…/status/user-statuses  ")


def test_format_summary_kpi_table_when_printed_says_samples_per_second(busy_result: RunResult) -> None:
    head = next(line for line in format_summary(busy_result).splitlines() if line.startswith("Dialer KPI"))
    assert head.split()[2:6] == ["count", "fail", "per", "s"]


def test_format_summary_lists_kpis_violations_and_grouped_step_errors(busy_result: RunResult) -> None:
    text = format_summary(busy_result)
    assert "wait-for-pop" in text and "4000" in text
    assert "R18  agent0002  break before disposition" in text
    assert "2 x POST /dialer/disposition 404 error.request.dialer.noCall: no current call" in text


def test_format_summary_when_color_is_false_has_no_escape_codes(busy_result: RunResult) -> None:
    assert "\033[" not in format_summary(busy_result)


def test_format_summary_when_color_is_true_paints_fail_red(busy_result: RunResult) -> None:
    assert "\033[31mFAIL\033[0m" in format_summary(busy_result, color=True)
