"""Blended agents' inbound ACD interactions (R33) in the reports: the calls line, the ledger check in the
console text, report.html and junit.xml."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from botagent.report import (
    CallTotals,
    Reconciliation,
    RunResult,
    format_summary,
    write_html_report,
    write_junit_xml,
)

Result = Callable[..., RunResult]


def _blended(result: Result, left_connected: list[str]) -> RunResult:
    calls = CallTotals(popped=4, dispositioned=4, rescheduled=0, agents=2, acd_handled=3)
    rec = Reconciliation(
        ledger_popped=4,
        ledger_dispositioned=4,
        bot_dispositioned=4,
        acd_alerted=4,
        acd_handled=3,
        bot_acd_handled=3,
        acd_left_connected=left_connected,
    )
    run: RunResult = result(calls=calls, reconciliation=rec, ledger_expected=True)
    return run


def test_summary_when_blended_agents_handled_acd_work_counts_it_beside_the_calls(result: Result) -> None:
    """R33: the calls line says how many inbound ACD interactions the bots handled."""
    text = format_summary(_blended(result, []))
    assert "; 3 inbound ACD interactions handled" in text
    assert "ACD: 4 alerted, 3 picked up and ended (bots saw 3 end)" in text


def test_reports_when_an_acd_interaction_stays_connected_fail_the_ledger_check(
    result: Result, tmp_path: Path
) -> None:
    """R33: an ACD interaction left connected breaks reconciliation, like a call left connected."""
    run = _blended(result, ["1000000042"])
    assert not run.reconciliation.reconciles  # type: ignore[union-attr]
    assert "ACD connected     1  1000000042" in format_summary(run)
    html = write_html_report(run, tmp_path).read_text(encoding="utf-8")
    assert "ACD interactions left connected" in html and "1000000042" in html
    root = ET.parse(write_junit_xml(run, tmp_path)).getroot()
    case = root.find(".//testcase[@name='no ACD interaction left connected']")
    assert case is not None and case.find("failure") is not None
