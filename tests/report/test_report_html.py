"""report.html: self-contained; failures first, then the measurements and charts, then the passes."""

from __future__ import annotations

import base64
import dataclasses
import re
from collections.abc import Callable
from html import escape
from pathlib import Path

from botagent.report import (
    Reconciliation,
    RunResult,
    StepErrorRecord,
    ThresholdResult,
    write_html_report,
    write_latency_chart,
    write_state_chart,
    write_throughput_chart,
)

Result = Callable[..., RunResult]


def page_of(run: RunResult, folder: Path, **kwargs: object) -> str:
    return write_html_report(run, folder, **kwargs).read_text(encoding="utf-8")  # type: ignore[arg-type]


def headings(page: str, level: int = 2) -> list[str]:
    return re.findall(rf"<h{level}[^>]*>(.*?)</h{level}>", page)


def section(page: str, anchor: str) -> str:
    """The part of the page from the ``<h2 id=anchor>`` heading to the next ``<h2``."""
    start = page.index(f'<h2 id="{anchor}">')
    end = page.find("<h2", start + 1)
    return page[start : end if end != -1 else len(page)]


def test_html_when_run_failed_puts_what_failed_first_and_folds_the_passes(
    phased_result: RunResult, tmp_path: Path
) -> None:
    page = page_of(phased_result, tmp_path)
    assert '<div class="verdict failed">FAIL</div>\n<p class="why">2 of 3 thresholds breached</p>' in page
    assert headings(page) == ["What failed", "Measurements", "Passed thresholds"]
    failed = section(page, "failures")
    assert headings(failed, 3) == [
        "Breached thresholds (2 of 3)",
        "Agent step errors (3)",
        "Dialer rule violations (1)",
        "The ledger does not reconcile",
    ]
    assert escape("POST /dialer/disposition p95 <= 500 ms") in failed and "call-17, call-23" in failed
    assert "error ratio &lt;= 5%" not in failed
    passes = section(page, "passes")
    assert "<details><summary>1 of 3 thresholds passed</summary>" in passes
    assert "error ratio &lt;= 5%" in passes


def test_html_when_nothing_failed_says_so_in_one_line(result: Result, tmp_path: Path) -> None:
    ok = ThresholdResult(name="rule violations <= 0", observed=0, limit=0, passed=True)
    rec = Reconciliation(ledger_popped=3, ledger_dispositioned=3, bot_dispositioned=3)
    page = page_of(result(thresholds=[ok], reconciliation=rec), tmp_path)
    assert '<div class="verdict pass">PASS</div>\n<p class="why">every threshold passed</p>' in page
    assert headings(section(page, "failures"), 3) == []
    assert (
        '<p class="ok">Nothing failed: every threshold passed, no agent step failed, the server broke no'
        " Dialer rule, and the ledger reconciles.</p>"
    ) in page


def test_html_when_run_is_empty_says_pass_and_none_recorded(empty_result: RunResult, tmp_path: Path) -> None:
    page = page_of(empty_result, tmp_path)
    assert '<div class="verdict pass">PASS</div>\n<p class="why">no threshold set</p>' in page
    assert "No threshold set." in page and "Ledger: none: the target is not the mock." in page
    assert headings(section(page, "measurements"), 3) == [
        "ICWS endpoints, whole run",
        "Dialer KPIs, whole run",
        "Calls",
        "Ledger",
    ]


def test_html_when_run_has_phases_shows_judged_phase_then_whole_run_then_stop_burst(
    phased_result: RunResult, tmp_path: Path
) -> None:
    measured = section(page_of(phased_result, tmp_path), "measurements")
    assert headings(measured, 3) == [
        "Phases",
        "ICWS endpoints, steady phase, judged by the thresholds",
        "Dialer KPIs, steady phase, judged by the thresholds",
        "ICWS endpoints, whole run",
        "Dialer KPIs, whole run",
        "ICWS endpoints, stop phase: the log-off burst",
        "Dialer KPIs, stop phase: the log-off burst",
        "Calls",
        "Ledger",
    ]
    burst = measured[measured.index("stop phase: the log-off burst") :]
    assert "POST /dialer/log-off" in burst and "logoff-grant" in burst
    assert "<td>steady (judged)</td>" in measured


def test_html_when_stop_phase_is_empty_or_judged_shows_no_burst_of_its_own(
    phased_result: RunResult, tmp_path: Path
) -> None:
    empty_stop = [
        dataclasses.replace(p, endpoints=[], kpis=[]) if p.phase == "stop" else p
        for p in phased_result.phases
    ]
    quiet = dataclasses.replace(phased_result, phases=empty_stop)
    judged = dataclasses.replace(phased_result, judged_phase="stop")
    assert "log-off burst" not in page_of(quiet, tmp_path / "quiet")
    page = page_of(judged, tmp_path / "judged")
    assert "log-off burst" not in page and "ICWS endpoints, stop phase, judged by the thresholds" in page


def test_html_when_a_threshold_breached_marks_its_row_in_the_judged_table(
    phased_result: RunResult, tmp_path: Path
) -> None:
    measured = section(page_of(phased_result, tmp_path), "measurements")
    judged = measured[: measured.index("whole run")]
    assert '<tr class="fail"><td>POST /dialer/disposition</td>' in judged
    assert "<tr><td>POST /connection</td>" in judged


def test_html_when_run_interrupted_says_so_before_anything_else(
    busy_result: RunResult, tmp_path: Path
) -> None:
    run = dataclasses.replace(busy_result, aborted="interrupted (SIGTERM)", interrupted=True)
    failed = section(page_of(run, tmp_path), "failures")
    first = failed.split("\n")[1]
    expected = (
        '<p class="problem"><b>The run was interrupted (Ctrl-C or SIGTERM):</b> interrupted (SIGTERM)</p>'
    )
    assert first == expected
    assert '<div class="verdict error">INTERRUPTED</div>' in page_of(run, tmp_path)


def test_html_when_mock_ledger_unreadable_lists_it_as_a_failure(result: Result, tmp_path: Path) -> None:
    failed = section(page_of(result(ledger_expected=True), tmp_path), "failures")
    assert '<p class="problem">The mock\'s ledger could not be read' in failed


def test_html_when_charts_given_embeds_them_as_data_uris_under_one_heading(
    phased_result: RunResult, tmp_path: Path
) -> None:
    writers = (write_state_chart, write_throughput_chart, write_latency_chart)
    charts = [write(phased_result, tmp_path) for write in writers]
    page = page_of(phased_result, tmp_path, charts=charts)
    uris = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert [base64.b64decode(uri) for uri in uris] == [chart.read_bytes() for chart in charts]
    assert headings(page) == ["What failed", "Measurements", "Charts", "Passed thresholds"]
    assert 'src="agents' not in page


def test_html_when_written_fetches_nothing_from_the_network(phased_result: RunResult, tmp_path: Path) -> None:
    charts = [write_state_chart(phased_result, tmp_path)]
    page = page_of(phased_result, tmp_path, charts=charts, locust_html_name="locust.html")
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    assert "<script" not in page and "<link" not in page and "url(" not in page and "@import" not in page


def test_html_when_locust_report_named_links_it(empty_result: RunResult, tmp_path: Path) -> None:
    page = page_of(empty_result, tmp_path, locust_html_name="locust_report.html")
    assert '<a href="locust_report.html">locust_report.html</a>' in page


def test_html_when_server_message_has_markup_escapes_it(result: Result, tmp_path: Path) -> None:
    error = StepErrorRecord(
        at=1.0,
        agent="agent0001",
        step="POST /connection",
        status=500,
        error_id=None,
        message="<script>alert(1)</script>",
    )
    page = page_of(result(step_errors=[error], aborted="crashed"), tmp_path)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert '<div class="verdict error">ERROR</div>\n<p class="why">stopped early</p>' in page
