"""junit.xml: valid XML whose suites, cases and counts tell CI what failed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

import botagent.report._junit as junit_module
from botagent.report import RunResult, StepErrorRecord, write_junit_xml

Result = Callable[..., RunResult]


def parse(result: RunResult, folder: Path) -> ET.Element:
    path = write_junit_xml(result, folder)
    assert path == folder / "junit.xml"
    return ET.parse(path).getroot()


def suite(root: ET.Element, name: str) -> ET.Element:
    found = root.find(f"testsuite[@name='{name}']")
    assert found is not None, name
    return found


def counts(element: ET.Element) -> tuple[int, int, int]:
    return (
        int(element.get("tests", "-1")),
        int(element.get("failures", "-1")),
        int(element.get("skipped", "-1")),
    )


def test_junit_when_run_is_busy_lists_the_suites_in_order(busy_result: RunResult, tmp_path: Path) -> None:
    root = parse(busy_result, tmp_path)
    assert root.tag == "testsuites"
    assert [s.get("name") for s in root] == ["run", "thresholds", "agent steps", "dialer rules", "ledger"]


def test_junit_when_threshold_breached_names_it_with_observed_and_limit(
    busy_result: RunResult, tmp_path: Path
) -> None:
    thresholds = suite(parse(busy_result, tmp_path), "thresholds")
    assert counts(thresholds) == (3, 2, 0)
    failure = thresholds.find("testcase[@name='POST /dialer/disposition p95 <= 500 ms']/failure")
    assert failure is not None
    assert failure.get("message") == "observed 612 ms, limit 500 ms"


def test_junit_totals_when_run_is_busy_add_up_over_suites(busy_result: RunResult, tmp_path: Path) -> None:
    root = parse(busy_result, tmp_path)
    for element in root:
        cases = element.findall("testcase")
        assert counts(element) == (
            len(cases),
            sum(c.find("failure") is not None for c in cases),
            sum(c.find("skipped") is not None for c in cases),
        )
    assert counts(root) == (1 + 3 + 2 + 1 + 4, 0 + 2 + 2 + 1 + 1, 0)
    assert root.get("errors") == "0"


def test_junit_agent_steps_when_same_agent_step_fails_twice_groups_them(
    busy_result: RunResult, tmp_path: Path
) -> None:
    steps = suite(parse(busy_result, tmp_path), "agent steps")
    failure = steps.find("testcase[@name='agent0001 POST /dialer/disposition']/failure")
    assert failure is not None
    message = failure.get("message", "")
    assert (
        "failed 2 times" in message and "status 404" in message and "error.request.dialer.noCall" in message
    )
    reset = steps.find("testcase[@name='agent0002 POST /dialer/log-in']/failure")
    assert reset is not None and reset.get("message") == "no response: connection reset <b>"


def test_junit_when_nothing_failed_has_passing_placeholders_and_skipped_ledger(
    empty_result: RunResult, tmp_path: Path
) -> None:
    root = parse(empty_result, tmp_path)
    assert [c.get("name") for c in suite(root, "agent steps")] == ["no agent step failed"]
    assert [c.get("name") for c in suite(root, "dialer rules")] == ["no rule violation"]
    assert counts(suite(root, "ledger")) == (1, 0, 1)
    assert counts(suite(root, "thresholds")) == (0, 0, 0)
    assert counts(root) == (4, 0, 1)


def test_junit_ledger_when_calls_lost_fails_with_their_ids(busy_result: RunResult, tmp_path: Path) -> None:
    ledger = suite(parse(busy_result, tmp_path), "ledger")
    failure = ledger.find("testcase[@name='no popped call lost']/failure")
    assert failure is not None and failure.text == "call-17\ncall-23"
    assert ledger.find("testcase[@name='no call left connected after its disposition']") is not None
    assert counts(ledger) == (4, 1, 0)


def test_junit_when_run_aborted_fails_the_run_case(result: Result, tmp_path: Path) -> None:
    run_suite = suite(parse(result(aborted="mock failed to start"), tmp_path), "run")
    failure = run_suite.find("testcase/failure")
    assert failure is not None and failure.text == "mock failed to start"


def test_junit_when_message_has_control_characters_stays_valid_xml(result: Result, tmp_path: Path) -> None:
    error = StepErrorRecord(
        at=1.0, agent="a\x01", step="POST /connection", status=500, error_id=None, message="bad\x00byte"
    )
    steps = suite(parse(result(step_errors=[error]), tmp_path), "agent steps")
    failure = steps.find("testcase/failure")
    assert failure is not None and failure.get("message") == "status 500: bad\ufffdbyte"


def test_junit_when_more_failures_than_cap_ends_with_a_counting_case(
    result: Result, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(junit_module, "MAX_CASES", 2)
    errors = [
        StepErrorRecord(
            at=1.0, agent=f"agent000{i}", step="POST /connection", status=503, error_id=None, message="busy"
        )
        for i in range(5)
    ]
    steps = suite(parse(result(step_errors=errors), tmp_path), "agent steps")
    assert [c.get("name") for c in steps][-1] == "3 more agent steps failed"
    assert counts(steps) == (3, 3, 0)
