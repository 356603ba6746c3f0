"""`botagent run` with thresholds no run can meet: exit code 1, and each breach named everywhere.

The run (`cli_rig.impossible_profile`: 3 agents, 6 s) starts with the smoke run of test_run_smoke.py,
so the two overlap; its tests share it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from cli_rig import IMPOSSIBLE_THRESHOLDS, FinishedRun, LongRuns

pytestmark = pytest.mark.slow

BREACHED = IMPOSSIBLE_THRESHOLDS


@pytest.fixture(scope="module")
def breached_run(long_runs: LongRuns) -> FinishedRun:
    return long_runs.breached()


def test_run_when_a_threshold_is_breached_exits_1(breached_run: FinishedRun) -> None:
    assert breached_run.result.returncode == 1, breached_run.explain()
    assert "Traceback" not in breached_run.result.stdout + breached_run.result.stderr


def test_run_console_when_a_threshold_is_breached_names_it_and_fails(breached_run: FinishedRun) -> None:
    out = breached_run.result.stdout

    for name in BREACHED:
        assert re.search(rf"^  FAIL  {re.escape(name)} ", out, re.M), f"{name}:\n{out}"
    assert re.search(r"^RESULT: FAIL, [3-9]\d* of \d+ thresholds breached \(exit code 1\)$", out, re.M), out


def test_run_junit_xml_when_a_threshold_is_breached_has_a_failure_for_it(breached_run: FinishedRun) -> None:
    root = ET.parse(breached_run.reports / "junit.xml").getroot()
    suite = next(s for s in root.iter("testsuite") if s.get("name") == "thresholds")
    failed = {case.get("name"): case.find("failure") for case in suite.iter("testcase")}

    for name in BREACHED:
        failure = failed.get(name)
        assert failure is not None, f"{name} has no failure element in junit.xml"
        assert failure.get("message", "").startswith("observed ")
    assert int(suite.get("failures", "0")) >= len(BREACHED)
    assert int(root.get("failures", "0")) >= len(BREACHED)


def test_run_summary_json_when_a_threshold_is_breached_marks_it_failed(breached_run: FinishedRun) -> None:
    summary = breached_run.summary
    thresholds = {t["name"]: t for t in summary["thresholds"]}

    assert (summary["profile"], summary["passed"], summary["exit_code"]) == ("impossible", False, 1)
    assert summary["aborted"] is None
    for name in BREACHED:
        assert thresholds[name]["passed"] is False, thresholds.get(name)
    assert thresholds["wait-for-pop p50 <= 1 ms"]["observed"] >= 100
    assert thresholds["calls per agent >= 10000"]["limit"] == 10000


def test_run_report_html_when_a_threshold_is_breached_shows_fail(breached_run: FinishedRun) -> None:
    page = (breached_run.reports / "report.html").read_text(encoding="utf-8")

    assert '<div class="verdict failed">FAIL</div>' in page
    assert "calls per agent &gt;= 10000" in page
