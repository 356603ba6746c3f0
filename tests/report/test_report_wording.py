"""Counts read as English in every report: "1 agent", "2 agents", "1 kind", never "1 agents"."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

import botagent.report._html as html_module
import botagent.report._junit as junit_module
import botagent.report._text as text_module
from botagent.profile import Thresholds
from botagent.report import (
    CallTotals,
    EndpointStats,
    Reconciliation,
    RuleViolationRecord,
    RunResult,
    StepErrorRecord,
    ThresholdResult,
    evaluate_thresholds,
    format_summary,
    write_html_report,
    write_junit_xml,
)

Row = Callable[..., EndpointStats]
Result = Callable[..., RunResult]
ONE_AGENT = CallTotals(popped=1, dispositioned=1, rescheduled=0, agents=1)


def step_error(step: str, agent: str = "agent0001") -> StepErrorRecord:
    return StepErrorRecord(at=1.0, agent=agent, step=step, status=503, error_id=None, message="busy")


def violation(agent: str) -> RuleViolationRecord:
    return RuleViolationRecord(at=1.0, agent=agent, rule="R18", detail="break before disposition")


def passed(name: str) -> ThresholdResult:
    return ThresholdResult(name=name, observed=0, limit=0, passed=True)


def test_console_summary_when_one_agent_says_agent_not_agents(result: Result) -> None:
    text = format_summary(result(users=1, calls=ONE_AGENT))

    assert "ran 60.0 s with 1 agent\n" in text
    assert "rescheduled by 1 agent (1 per agent)" in text
    assert "1 agents" not in text


def test_console_summary_when_two_agents_says_agents(result: Result) -> None:
    calls = CallTotals(popped=2, dispositioned=2, rescheduled=0, agents=2)
    text = format_summary(result(users=2, calls=calls))

    assert "ran 60.0 s with 2 agents\n" in text
    assert "rescheduled by 2 agents (1 per agent)" in text


def test_console_summary_when_one_kind_of_step_error_says_kind(result: Result) -> None:
    errors = [step_error("POST /connection"), step_error("POST /connection")]

    assert "Agent step errors: 2 (1 kind)\n" in format_summary(result(step_errors=errors))


def test_console_summary_when_one_kind_left_out_says_one_more_kind(
    result: Result, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text_module, "MAX_LINES", 1)
    errors = [step_error("POST /connection"), step_error("GET /connection")]

    text = format_summary(result(step_errors=errors))

    assert "Agent step errors: 2 (2 kinds)\n" in text
    assert "  (+1 more kind)\n" in text


def test_console_verdict_when_one_threshold_passed_says_threshold(result: Result) -> None:
    last = format_summary(result(thresholds=[passed("rule violations <= 0")])).splitlines()[-1]

    assert last == "RESULT: PASS, 1 threshold passed (exit code 0)"


def test_console_verdict_when_the_one_threshold_failed_says_1_of_1_threshold(result: Result) -> None:
    failed = ThresholdResult(name="rule violations <= 0", observed=1, limit=0, passed=False)

    last = format_summary(result(thresholds=[failed])).splitlines()[-1]

    assert last == "RESULT: FAIL, 1 of 1 threshold breached (exit code 1)"


def test_html_report_when_one_violation_left_out_says_one_more_violation(
    result: Result, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(html_module, "MAX_ROWS", 1)
    run = result(
        rule_violations=[violation("agent0001"), violation("agent0002")],
        step_errors=[step_error("POST /connection"), step_error("GET /connection")],
    )

    page = write_html_report(run, tmp_path).read_text(encoding="utf-8")

    assert "<p>(+1 more violation not listed)</p>" in page
    assert "<p>(+1 more kind of error not listed)</p>" in page


def test_html_report_when_three_left_out_says_plural(
    result: Result, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(html_module, "MAX_ROWS", 1)
    agents = [f"agent000{i}" for i in range(4)]
    run = result(
        rule_violations=[violation(agent) for agent in agents],
        step_errors=[step_error(f"POST /x{i}") for i in range(4)],
    )

    page = write_html_report(run, tmp_path).read_text(encoding="utf-8")

    assert "<p>(+3 more violations not listed)</p>" in page
    assert "<p>(+3 more kinds of error not listed)</p>" in page


def test_junit_when_one_case_left_out_counts_it_in_the_singular(
    result: Result, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(junit_module, "MAX_CASES", 2)
    agents = [f"agent000{i}" for i in range(3)]
    run = result(
        step_errors=[step_error("POST /connection", agent) for agent in agents],
        rule_violations=[violation(agent) for agent in agents],
        reconciliation=Reconciliation(
            ledger_popped=1, ledger_dispositioned=0, bot_dispositioned=0, lost=["call-1"]
        ),
    )

    root = ET.parse(write_junit_xml(run, tmp_path)).getroot()

    failures = {case.get("name"): case.find("failure") for case in root.iter("testcase")}
    messages = {name: None if f is None else f.get("message") for name, f in failures.items()}
    assert messages["1 more agent step failed"] == "1 agent/step pair not listed"
    assert messages["1 more rule violation"] == "1 rule violation not listed"
    assert messages["no popped call lost"] == "1 call popped but never dispositioned: call-1"


def test_thresholds_when_counts_are_one_say_sample_request_call_and_agent(row: Row, result: Result) -> None:
    run = result(endpoints=[row("POST /connection", count=1)], calls=ONE_AGENT)
    spec = {
        "endpoints": {"POST /connection": {"min_count": 1}},
        "error_ratio": 0,
        "calls_per_agent": {"min": 1},
        "rule_violations": None,
        "ledger_reconciles": False,
        "builtin_checks": False,
    }

    details = {t.name: t.detail for t in evaluate_thresholds(Thresholds.model_validate(spec), run)}

    assert details["POST /connection count >= 1"] == "1 sample"
    assert details["error ratio <= 0%"] == "0 of 1 request failed"
    assert details["calls per agent >= 1"] == "1 call dispositioned by 1 agent"
