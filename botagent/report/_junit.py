"""``junit.xml``: the run as test results, so CI shows each breached threshold and failed agent step.

One ``<testsuites>`` with five suites and one more per campaign: ``run`` (did the run complete),
``thresholds`` (one case per threshold that is not about one campaign), ``campaign <name>`` for each
campaign seen or named by a threshold (a ``calls popped`` case with its figures, then its own
threshold cases), ``agent steps`` (one case per agent and step that failed, or a passing "no agent step
failed"), ``dialer rules`` (one case per rule violation, or a passing "no rule violation") and
``ledger`` (call reconciliation against the mock, skipped without a ledger). Long lists stop after
`MAX_CASES` cases and end with one case counting the rest.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from botagent.report._fmt import counted, moment, short_list, threshold_value
from botagent.report._result import (
    CampaignStats,
    Reconciliation,
    RunResult,
    StepErrorRecord,
    ThresholdResult,
)

__all__ = ["MAX_CASES", "junit_element", "write_junit_xml"]

MAX_CASES = 500
"""At most this many agent-step or rule-violation cases per suite."""

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def write_junit_xml(result: RunResult, folder: Path) -> Path:
    """Write ``junit.xml`` into ``folder`` (created if missing) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "junit.xml"
    tree = ET.ElementTree(junit_element(result))
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return path


def junit_element(result: RunResult) -> ET.Element:
    """The ``<testsuites>`` element of ``junit.xml``, with every count attribute filled in."""
    root = ET.Element("testsuites", name=_clean(f"botagent {result.profile_name}"))
    _run_suite(root, result)
    _threshold_suite(root, result)
    _campaign_suites(root, result)
    _step_suite(root, result)
    _rule_suite(root, result)
    _ledger_suite(root, result.reconciliation)
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(s.get(key, "0")) for s in root)))
    root.set("time", f"{result.duration:.3f}")
    return root


def _run_suite(root: ET.Element, result: RunResult) -> None:
    suite = _suite(root, "run")
    failure = None if result.aborted is None else ("run aborted", result.aborted)
    _case(suite, "run completed", failure, time=result.duration)
    _count(suite)


def _threshold_suite(root: ET.Element, result: RunResult) -> None:
    suite = _suite(root, "thresholds")
    for t in result.thresholds:
        if t.campaign is None:
            _threshold_case(suite, t)
    _count(suite)


def _threshold_case(suite: ET.Element, t: ThresholdResult) -> None:
    observed, limit = threshold_value(t, t.observed), threshold_value(t, t.limit)
    failure = None if t.passed else (f"observed {observed}, limit {limit}", t.detail)
    _case(suite, t.name, failure)


def _campaign_suites(root: ET.Element, result: RunResult) -> None:
    stats = {c.title: c for c in result.campaigns}
    titles = list(stats) + [t.campaign for t in result.thresholds if t.campaign and t.campaign not in stats]
    for title in dict.fromkeys(titles):
        suite = _suite(root, f"campaign {title}")
        seen = stats.get(title)
        _case(suite, "calls popped")
        suite[-1].append(_system_out(_campaign_line(seen)))
        for t in result.thresholds:
            if t.campaign == title:
                _threshold_case(suite, t)
        _count(suite)


def _campaign_line(campaign: CampaignStats | None) -> str:
    if campaign is None:
        return "not seen in any pop or log-in"
    c = campaign
    refused = f", {c.refused} log-ins refused" if c.refused else ""
    return (
        f"{c.log_ins} log-ins, {c.popped} popped, {c.placed} placed, {c.dispositioned} dispositioned,"
        f" {c.rescheduled} rescheduled, {c.skipped} skipped{refused},"
        f" {counted(c.step_errors, 'step error')} (id {c.id})"
    )


def _system_out(text: str) -> ET.Element:
    element = ET.Element("system-out")
    element.text = _clean(text)
    return element


def _step_suite(root: ET.Element, result: RunResult) -> None:
    suite = _suite(root, "agent steps")
    errors, started_at = result.step_errors, result.started_at
    groups: dict[tuple[str, str], list[StepErrorRecord]] = {}
    for error in errors:
        groups.setdefault((error.agent, error.step), []).append(error)
    for (agent, step), group in list(groups.items())[:MAX_CASES]:
        lines = [f"{moment(e.at, started_at)} {_step_line(e)}" for e in group]
        _case(suite, f"{agent} {step}", (_step_message(group), "\n".join(lines)))
    if len(groups) > MAX_CASES:
        rest = len(groups) - MAX_CASES
        listed = f"{counted(rest, 'agent/step pair')} not listed"
        _case(suite, f"{counted(rest, 'more agent step')} failed", (listed, ""))
    if not groups:
        _case(suite, "no agent step failed")
    _count(suite)


def _step_message(group: list[StepErrorRecord]) -> str:
    first = _step_line(group[0])
    return first if len(group) == 1 else f"failed {len(group)} times; first: {first}"


def _step_line(error: StepErrorRecord) -> str:
    status = "no response" if error.status is None else f"status {error.status}"
    error_id = f" errorId {error.error_id}" if error.error_id else ""
    return f"{status}{error_id}: {error.message}"


def _rule_suite(root: ET.Element, result: RunResult) -> None:
    suite = _suite(root, "dialer rules")
    violations = result.rule_violations
    for v in violations[:MAX_CASES]:
        where = f"agent {v.agent} at {moment(v.at, result.started_at)}"
        _case(suite, f"{v.rule} {v.agent}", (f"{v.rule}: {v.detail}", where))
    if len(violations) > MAX_CASES:
        rest = len(violations) - MAX_CASES
        listed = f"{counted(rest, 'rule violation')} not listed"
        _case(suite, counted(rest, "more rule violation"), (listed, ""))
    if not violations:
        _case(suite, "no rule violation")
    _count(suite)


def _ledger_suite(root: ET.Element, rec: Reconciliation | None) -> None:
    suite = _suite(root, "ledger")
    if rec is None:
        _case(suite, "ledger reconciles", skipped="no ledger: the target is not the mock")
    else:
        _id_case(suite, "no popped call lost", "popped but never dispositioned", rec.lost)
        _id_case(suite, "no call dispositioned twice", "dispositioned more than once", rec.duplicated)
        _id_case(suite, "ledger matches the bots' dispositions", "label or callback differs", rec.mismatched)
        left = rec.left_connected
        _id_case(suite, "no call left connected after its disposition", "still connected", left)
        if rec.acd_alerted:
            _id_case(suite, "no ACD interaction left connected", "still connected", rec.acd_left_connected)
            _id_case(suite, "no ACD interaction left behind", "ended with its agent's session", rec.acd_lost)
    _count(suite)


def _id_case(suite: ET.Element, name: str, problem: str, call_ids: list[str]) -> None:
    failure = (f"{counted(len(call_ids), 'call')} {problem}: {short_list(call_ids)}", "\n".join(call_ids))
    _case(suite, name, failure if call_ids else None)


def _suite(root: ET.Element, name: str) -> ET.Element:
    return ET.SubElement(root, "testsuite", name=name)


def _case(
    suite: ET.Element,
    name: str,
    failure: tuple[str, str] | None = None,
    *,
    skipped: str | None = None,
    time: float = 0.0,
) -> None:
    case = ET.SubElement(suite, "testcase", classname=suite.get("name", ""), name=_clean(name))
    case.set("time", f"{time:.3f}")
    if failure is not None:
        element = ET.SubElement(case, "failure", message=_clean(failure[0]), type="failure")
        element.text = _clean(failure[1]) or None
    if skipped is not None:
        ET.SubElement(case, "skipped", message=_clean(skipped))


def _count(suite: ET.Element) -> None:
    cases = suite.findall("testcase")
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(c.find("failure") is not None for c in cases)))
    suite.set("errors", "0")
    suite.set("skipped", str(sum(c.find("skipped") is not None for c in cases)))
    suite.set("time", f"{sum(float(c.get('time', '0')) for c in cases):.3f}")


def _clean(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (a server message may carry any byte)."""
    return _NOT_XML.sub("\ufffd", text)
