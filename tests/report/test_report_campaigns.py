"""Per-campaign results in the reports, and per-campaign thresholds (``thresholds.campaigns``)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from conftest import make_result, make_row

from botagent.profile import Thresholds
from botagent.report import (
    CampaignStats,
    RunResult,
    ThresholdResult,
    dialer_view_rows,
    evaluate_thresholds,
    exit_code_for,
    format_summary,
    junit_element,
    write_html_report,
    write_summary_json,
)

NO_DEFAULTS = {"rule_violations": None, "ledger_reconciles": False, "builtin_checks": False}
SALES = CampaignStats(
    id="c-sales",
    name="Spring Sales",
    log_ins=3,
    popped=12,
    placed=0,
    dispositioned=11,
    rescheduled=2,
    labels={"Sale": 7, "No Sale": 4},
    kpis=[make_row("wait-for-pop", count=12, p50=900.0, p95=1500.0, max=1600.0)],
)
PREVIEWS = CampaignStats(
    id="c-preview",
    name="Preview Callbacks",
    popped=4,
    placed=3,
    dispositioned=4,
    skipped=1,
    kpis=[make_row("preview-connect", count=3, p95=1000.0, max=1000.0)],
)
STOPPING = CampaignStats(
    id="c-stop", name="Autumn Sales", login_refusals={"CampaignStopping": 2}, step_errors=2
)


def judged(spec: dict[str, Any], *campaigns: CampaignStats) -> tuple[RunResult, dict[str, ThresholdResult]]:
    result = make_result(campaigns=list(campaigns))
    thresholds = Thresholds.model_validate(NO_DEFAULTS | {"campaigns": spec})
    result.thresholds = evaluate_thresholds(thresholds, result)
    return result, {t.name: t for t in result.thresholds}


def test_campaign_calls_when_a_named_campaign_never_popped_fails_with_its_reason() -> None:
    result, checks = judged(
        {"Spring Sales": {"calls": {"min": 1}}, "Winter Sales": {"calls": {"min": 1}}}, SALES
    )
    assert checks["campaign Spring Sales calls >= 1"].passed
    winter = checks["campaign Winter Sales calls >= 1"]
    assert (winter.passed, winter.observed, winter.campaign) == (False, 0, "Winter Sales")
    assert winter.detail == "campaign Winter Sales: 0 calls popped in 60 s"
    assert exit_code_for(result) == 1
    assert "RESULT: FAIL, campaign Winter Sales: 0 calls popped in 60 s" in format_summary(result)


def test_campaign_key_when_it_is_the_id_names_the_campaign_and_another_spelling_does_not() -> None:
    _, checks = judged(
        {
            "c-sales": {"calls": {"min": 12}},
            "Preview Callbacks": {"calls": {"min": 5}},
            "spring sales": {"calls": {"min": 1}},
        },
        SALES,
        PREVIEWS,
    )
    assert checks["campaign Spring Sales calls >= 12"].passed
    assert not checks["campaign Preview Callbacks calls >= 5"].passed
    assert not checks["campaign spring sales calls >= 1"].passed


def test_campaign_wildcard_when_set_judges_every_campaign_seen_but_the_named_ones() -> None:
    _, checks = judged(
        {"*": {"calls": {"min": 5}}, "Preview Callbacks": {"calls": {"min": 1}}}, SALES, PREVIEWS
    )
    assert sorted(checks) == ["campaign Preview Callbacks calls >= 1", "campaign Spring Sales calls >= 5"]
    assert all(check.passed for check in checks.values())


def test_campaign_login_refusals_when_refused_fails_naming_the_logon_error() -> None:
    """log-in: a campaign that does not run refuses with campaignLogonError CampaignStopping (official
    log-in page; the mock's code 3)."""
    result, checks = judged({"Autumn Sales": {"login_refusals": 0}}, STOPPING)
    refusals = checks["campaign Autumn Sales log-in refusals <= 0"]
    assert (refusals.passed, refusals.observed) == (False, 2)
    assert refusals.detail == "campaign Autumn Sales: log-in refused (CampaignStopping x2)"
    assert "RESULT: FAIL, campaign Autumn Sales: log-in refused (CampaignStopping x2)" in format_summary(
        result
    )


def test_campaign_error_ratio_when_calls_were_not_dispositioned_fails_with_counts() -> None:
    _, checks = judged({"Spring Sales": {"error_ratio": 0}}, SALES)
    ratio = checks["campaign Spring Sales error ratio <= 0%"]
    assert not ratio.passed
    assert ratio.detail == "campaign Spring Sales: 1 of 12 calls not dispositioned"


def test_campaign_kpis_when_over_the_limit_fails_with_the_value() -> None:
    _, checks = judged(
        {"*": {"kpis": {"wait-for-pop": {"p95": 1000}, "preview-connect": {"p95": 2000}}}}, SALES
    )
    wait = checks["campaign Spring Sales wait-for-pop p95 <= 1000 ms"]
    assert not wait.passed
    assert wait.detail == "campaign Spring Sales: wait-for-pop p95 <= 1000 ms (got 1500 ms)"
    assert checks["campaign Spring Sales preview-connect p95 <= 2000 ms"].detail == "no samples"


def test_campaign_calls_when_judged_during_the_run_are_left_for_the_end() -> None:
    thresholds = Thresholds.model_validate(
        NO_DEFAULTS | {"campaigns": {"*": {"calls": {"min": 1}, "login_refusals": 0}}}
    )
    checks = evaluate_thresholds(thresholds, make_result(campaigns=[STOPPING]), during_run=True)
    assert [t.name for t in checks] == ["campaign Autumn Sales log-in refusals <= 0"]


def test_summary_when_a_run_saw_campaigns_lists_each_with_calls_waits_and_refusals(tmp_path: Path) -> None:
    result, _ = judged({"Spring Sales": {"calls": {"min": 1}}}, SALES, STOPPING)
    summary = json.loads(write_summary_json(result, tmp_path).read_text())
    sales, stopping = summary["campaigns"]
    assert (sales["name"], sales["id"], sales["popped"], sales["undispositioned"]) == (
        "Spring Sales",
        "c-sales",
        12,
        1,
    )
    assert sales["labels"] == {"Sale": 7, "No Sale": 4}
    assert [(k["name"], k["p95"]) for k in sales["kpis"]] == [("wait-for-pop", 1500.0)]
    assert (stopping["login_refusals"], stopping["step_errors"]) == ({"CampaignStopping": 2}, 2)
    assert summary["thresholds"][0]["campaign"] == "Spring Sales"


def test_console_when_a_run_saw_campaigns_shows_one_row_each() -> None:
    text = format_summary(make_result(campaigns=[PREVIEWS, SALES]))
    lines = text.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("Campaign "))
    assert lines[head].split()[:4] == ["Campaign", "popped", "placed", "disp"]
    assert lines[head + 1].startswith("(wait: wait-for-pop")
    assert lines[head + 2].split()[:7] == ["Preview", "Callbacks", "4", "3", "4", "0", "1"]
    assert all(len(line) <= 110 for line in lines[head : head + 4])
    assert lines[head + 3].split() == [
        "Spring",
        "Sales",
        "12",
        "0",
        "11",
        "2",
        "0",
        "900",
        "1500",
        "-",
        "0",
        "0",
    ]


def test_console_when_a_named_campaign_was_never_seen_warns_on_one_line() -> None:
    result, _ = judged({"Winter Sales": {"calls": {"min": 1}}}, SALES)
    warning = [line for line in format_summary(result).splitlines() if line.startswith("warning:")]
    assert warning == [
        "warning: thresholds.campaigns['Winter Sales']: no agent saw this campaign in a pop or a log-in;"
        " check its name (seen: Spring Sales)"
    ]


def test_junit_when_campaigns_are_judged_has_one_suite_per_campaign_with_its_checks() -> None:
    result, _ = judged({"*": {"calls": {"min": 1}}, "Winter Sales": {"calls": {"min": 1}}}, SALES)
    root = junit_element(result)
    suites = {suite.get("name"): suite for suite in root}
    assert "campaign Spring Sales" in suites and "campaign Winter Sales" in suites
    winter = suites["campaign Winter Sales"]
    assert (winter.get("tests"), winter.get("failures")) == ("2", "1")
    failure = winter.find("testcase[@name='campaign Winter Sales calls >= 1']/failure")
    assert failure is not None and "0 calls popped" in (failure.text or "")
    sales_out = suites["campaign Spring Sales"].find("testcase[@name='calls popped']/system-out")
    assert sales_out is not None and (sales_out.text or "").startswith(
        "3 log-ins, 12 popped, 0 placed, 11 dispositioned"
    )
    assert all(case.get("name", "").startswith("campaign ") is False for case in suites["thresholds"])
    ET.fromstring(ET.tostring(root))


def test_html_when_campaigns_are_seen_has_the_campaign_table_and_the_reason(tmp_path: Path) -> None:
    result, _ = judged({"Winter Sales": {"calls": {"min": 1}}}, SALES, STOPPING)
    html = write_html_report(result, tmp_path, charts=[]).read_text()
    assert "<h3>Campaigns</h3>" in html
    assert "Spring Sales" in html and "CampaignStopping x2" in html and "Sale 7, No Sale 4" in html
    assert "campaign Winter Sales: 0 calls popped in 60 s" in html


def test_dialer_view_when_campaigns_are_seen_has_a_row_per_campaign() -> None:
    rows = [
        r for r in dialer_view_rows(make_result(campaigns=[SALES, STOPPING])) if r["section"] == "Campaign"
    ]
    assert [(r["item"], r["value"]) for r in rows] == [
        ("Spring Sales", "12 popped"),
        ("Autumn Sales", "0 popped"),
    ]
    assert "wait-for-pop p50 900 · p95 1500 ms" in rows[0]["detail"]
    assert "2 log-ins refused (CampaignStopping x2)" in rows[1]["detail"]
