"""report.html: self-contained, with the verdict, thresholds, tables and embedded charts."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from html import escape
from pathlib import Path

from botagent.report import (
    RunResult,
    StepErrorRecord,
    write_html_report,
    write_latency_chart,
    write_state_chart,
)

Result = Callable[..., RunResult]


def test_html_when_run_is_busy_shows_verdict_thresholds_and_tables(
    busy_result: RunResult, tmp_path: Path
) -> None:
    page = write_html_report(busy_result, tmp_path).read_text(encoding="utf-8")
    assert '<div class="verdict failed">FAIL</div>' in page
    for t in busy_result.thresholds:
        assert escape(t.name) in page
    for heading in ("Thresholds", "ICWS endpoints", "Dialer KPIs", "Calls", "Ledger reconciliation"):
        assert f"<h2>{heading}</h2>" in page
    assert "POST /dialer/disposition" in page and "wait-for-pop" in page and "call-17, call-23" in page
    assert "<h2>Rule violations (1)</h2>" in page and "<h2>Agent step errors (3)</h2>" in page


def test_html_when_run_is_empty_says_pass(empty_result: RunResult, tmp_path: Path) -> None:
    page = write_html_report(empty_result, tmp_path).read_text(encoding="utf-8")
    assert '<div class="verdict pass">PASS</div>' in page
    assert "No threshold set." in page and "No ledger" in page


def test_html_when_charts_given_embeds_them_as_data_uris(busy_result: RunResult, tmp_path: Path) -> None:
    charts = [write_state_chart(busy_result, tmp_path), write_latency_chart(busy_result, tmp_path)]
    page = write_html_report(busy_result, tmp_path, charts).read_text(encoding="utf-8")
    uris = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(uris) == 2
    assert base64.b64decode(uris[0]) == charts[0].read_bytes()
    assert 'src="agents' not in page


def test_html_when_locust_report_named_links_it(empty_result: RunResult, tmp_path: Path) -> None:
    page = write_html_report(empty_result, tmp_path, locust_html_name="locust_report.html").read_text()
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
    page = write_html_report(result(step_errors=[error], aborted="crashed"), tmp_path).read_text()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert '<div class="verdict error">ERROR</div>' in page
