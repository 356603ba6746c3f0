"""Percentiles never show above the row's max: Locust rounds them to its buckets (507 ms -> 510 ms).

A row is made with the rounded percentiles Locust reports; every report built from it, and every
threshold judged on it, shows the max instead.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from botagent.profile import Thresholds
from botagent.report import (
    EndpointStats,
    RunResult,
    evaluate_thresholds,
    format_summary,
    write_html_report,
    write_junit_xml,
    write_summary_json,
)

Row = Callable[..., EndpointStats]
Result = Callable[..., RunResult]
ROUNDED_UP = {"p50": 500.0, "p90": 510.0, "p95": 510.0, "p99": 520.0, "max": 507.0}
"""Locust's answer for a row whose samples are 500..507 ms: the upper percentiles are rounded past max."""


def rounded_run(row: Row, result: Result) -> RunResult:
    return result(
        endpoints=[row("POST /dialer/disposition", **ROUNDED_UP)],
        kpis=[row("wait-for-pop", **ROUNDED_UP)],
    )


def test_endpoint_stats_when_percentile_above_max_is_lowered_to_max(row: Row) -> None:
    stats = row("POST /dialer/disposition", **ROUNDED_UP)

    assert (stats.p50, stats.p90, stats.p95, stats.p99, stats.max) == (500.0, 507.0, 507.0, 507.0, 507.0)


def test_endpoint_stats_when_percentiles_below_max_keeps_them(row: Row) -> None:
    stats = row("POST /connection", p50=20.0, p90=40.0, p95=50.0, p99=80.0, max=120.0)

    assert (stats.p50, stats.p90, stats.p95, stats.p99, stats.max) == (20.0, 40.0, 50.0, 80.0, 120.0)


def test_endpoint_stats_when_row_has_no_samples_keeps_none(row: Row) -> None:
    stats = row("POST /connection", count=0, p50=None, p90=None, p95=None, p99=None, max=None, mean=None)

    assert (stats.p50, stats.p95, stats.max) == (None, None, None)


def test_console_summary_when_percentile_rounded_above_max_prints_max(row: Row, result: Result) -> None:
    text = format_summary(rounded_run(row, result))

    for name in ("POST /dialer/disposition", "wait-for-pop"):
        line = next(line for line in text.splitlines() if line.startswith(name))
        assert line.split()[-4:] == ["500", "507", "507", "507"], line


def test_summary_json_when_percentile_rounded_above_max_writes_max(
    row: Row, result: Result, tmp_path: Path
) -> None:
    summary = json.loads(write_summary_json(rounded_run(row, result), tmp_path).read_text(encoding="utf-8"))

    for stats in (summary["endpoints"][0], summary["kpis"][0]):
        assert [stats[key] for key in ("p50", "p90", "p95", "p99", "max")] == [500, 507, 507, 507, 507]


def test_html_report_when_percentile_rounded_above_max_shows_max(
    row: Row, result: Result, tmp_path: Path
) -> None:
    page = write_html_report(rounded_run(row, result), tmp_path).read_text(encoding="utf-8")

    for name in ("POST /dialer/disposition", "wait-for-pop"):
        row_html = re.search(rf"<tr><td>{re.escape(name)}</td>(.*?)</tr>", page)
        assert row_html is not None, name
        cells = re.findall(r"<td[^>]*>([^<]*)</td>", row_html[1])
        assert cells[3:8] == ["500", "507", "507", "507", "507"], cells  # p50 p90 p95 p99 max


def test_thresholds_when_percentile_rounded_above_max_judge_the_max(
    row: Row, result: Result, tmp_path: Path
) -> None:
    run = rounded_run(row, result)
    thresholds = Thresholds.model_validate(
        {
            "endpoints": {"*": {"p99": 508}},
            "rule_violations": None,
            "ledger_reconciles": False,
            "builtin_checks": False,
        }
    )
    run.thresholds = evaluate_thresholds(thresholds, run)

    [check] = run.thresholds
    assert check.name == "POST /dialer/disposition p99 <= 508 ms"
    assert (check.observed, check.passed) == (507.0, True)
    junit = ET.parse(write_junit_xml(run, tmp_path)).getroot()
    assert junit.find(".//testsuite[@name='thresholds']/testcase/failure") is None
