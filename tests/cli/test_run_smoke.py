"""`botagent run` of a shortened smoke profile, as CI runs it: exit code, console, and every report file.

One run (3 agents, 15 s, embedded mock; started with the run of test_run_thresholds.py so the two
overlap) is shared by every test of this module.
"""

from __future__ import annotations

import base64
import csv
import re
import sys
import xml.etree.ElementTree as ET

import pytest
from cli_rig import SECRET, FinishedRun, LongRuns

from botagent.profile import ENDPOINT_NAMES, KPI_NAMES

pytestmark = pytest.mark.slow

USERS = LongRuns.SMOKE_USERS
# The keys of summary.json at schema version 2; renaming or removing one must bump the version.
SUMMARY_V2_KEYS = [
    "schema_version",
    "profile",
    "target",
    "started_at",
    "duration_s",
    "users",
    "passed",
    "exit_code",
    "aborted",
    "interrupted",
    "endpoints",
    "kpis",
    "judged_phase",
    "phases",
    "calls",
    "reconciliation",
    "rule_violations",
    "rule_violations_total",
    "step_errors",
    "step_errors_total",
    "thresholds",
    "timeline",
    "harness",
    "switchovers",
]
TIMES = {"p50", "p90", "p95", "p99", "max", "mean"}
ROW_KEYS = {"type", "name", "count", "failures", "error_ratio", "rps", *TIMES}
REPORT_FILES = [
    "summary.json",
    "junit.xml",
    "report.html",
    "agents_by_state.png",
    "throughput.png",
    "latency_percentiles.png",
    "locust.html",
    "locust.log",
    "locust_stats.csv",
    "locust_stats_history.csv",
    "locust_failures.csv",
]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def smoke_run(long_runs: LongRuns) -> FinishedRun:
    return long_runs.smoke()


def test_smoke_run_when_every_threshold_holds_exits_0(smoke_run: FinishedRun) -> None:
    assert smoke_run.result.returncode == 0, smoke_run.explain()


def test_smoke_run_when_finished_writes_every_report_file(smoke_run: FinishedRun) -> None:
    missing = [name for name in REPORT_FILES if not (smoke_run.reports / name).is_file()]

    assert missing == [], smoke_run.explain()
    assert all((smoke_run.reports / name).stat().st_size > 0 for name in REPORT_FILES)


def test_smoke_run_when_finished_prints_summary_table_and_pass(smoke_run: FinishedRun) -> None:
    out = smoke_run.result.stdout

    header = r"^ICWS endpoint +count +fail +req/s +mean ms +p50 ms +p95 ms +p99 ms +max ms$"
    assert re.search(header, out, re.M), out
    assert re.search(r"^Dialer KPI +count +fail ", out, re.M)
    assert re.search(r"^POST /dialer/disposition +[1-9]\d* +0 ", out, re.M)
    assert re.search(r"^wait-for-pop +[1-9]\d* +0 ", out, re.M)
    assert re.search(r"^Ledger reconciles: ", out, re.M)
    assert re.search(r"^RESULT: PASS, all \d+ thresholds passed \(exit code 0\)$", out, re.M)
    assert "Traceback" not in out + smoke_run.result.stderr


def test_smoke_run_when_running_prints_progress_lines(smoke_run: FinishedRun) -> None:
    line = r"^\[\d\d:\d\d / 00:15\] agents \d+ .*\| calls \d+ \|"
    progress = re.findall(line, smoke_run.result.stdout, re.M)

    assert progress, smoke_run.explain()


def test_smoke_run_progress_when_run_ends_counts_the_summary_requests(smoke_run: FinishedRun) -> None:
    counts = [int(n) for n in re.findall(r"\| requests (\d+) \|", smoke_run.result.stdout)]
    failures = [int(n) for n in re.findall(r"\| failures (\d+) \|", smoke_run.result.stdout)]
    endpoints = smoke_run.summary["endpoints"]

    assert counts == sorted(counts), counts
    assert counts[-1] == sum(row["count"] for row in endpoints), smoke_run.explain()
    assert failures[-1] == sum(row["failures"] for row in endpoints)


def test_smoke_run_summary_json_when_passed_has_stable_keys_and_values(smoke_run: FinishedRun) -> None:
    summary = smoke_run.summary

    assert [key for key in summary if key in SUMMARY_V2_KEYS] == SUMMARY_V2_KEYS
    assert summary["schema_version"] == 2
    assert (summary["profile"], summary["passed"], summary["exit_code"], summary["aborted"]) == (
        "smoke",
        True,
        0,
        None,
    )
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", summary["target"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", summary["started_at"])
    assert 10 <= summary["duration_s"] <= 60
    assert summary["users"] == USERS
    assert (summary["rule_violations_total"], summary["step_errors_total"]) == (0, 0)
    assert (summary["interrupted"], summary["judged_phase"]) == (False, "steady")


def test_smoke_run_summary_json_when_passed_counts_calls_that_reconcile(smoke_run: FinishedRun) -> None:
    calls, ledger = smoke_run.summary["calls"], smoke_run.summary["reconciliation"]

    assert calls["popped"] > 0
    assert calls["dispositioned"] > 0
    assert calls["agents"] == USERS
    assert calls["per_agent"] >= 1
    assert (ledger["lost"], ledger["duplicated"], ledger["mismatched"]) == ([], [], [])
    assert ledger["reconciles"] is True
    assert ledger["ledger_popped"] == ledger["ledger_dispositioned"] == ledger["bot_dispositioned"] > 0


def test_smoke_run_summary_json_rows_when_passed_use_stable_names_and_no_failures(
    smoke_run: FinishedRun,
) -> None:
    summary = smoke_run.summary
    endpoints = {row["name"]: row for row in summary["endpoints"]}
    kpis = {row["name"]: row for row in summary["kpis"]}

    assert set(endpoints) <= set(ENDPOINT_NAMES)
    assert {"POST /connection", "POST /dialer/log-in", "POST /dialer/disposition"} <= set(endpoints)
    assert set(kpis) <= set(KPI_NAMES)
    assert "wait-for-pop" in kpis
    assert all(set(row) == ROW_KEYS for row in [*endpoints.values(), *kpis.values()])
    assert all(row["count"] > 0 and row["failures"] == 0 for row in endpoints.values())
    assert {row["type"] for row in endpoints.values()} == {"ICWS"}
    assert {row["type"] for row in kpis.values()} == {"DIALER"}


def test_smoke_run_summary_json_when_passed_lists_every_threshold_passed(smoke_run: FinishedRun) -> None:
    thresholds = smoke_run.summary["thresholds"]
    names = [t["name"] for t in thresholds]

    assert thresholds
    assert all(t["passed"] for t in thresholds), [t for t in thresholds if not t["passed"]]
    assert {"error ratio <= 0%", "calls per agent >= 1", "rule violations <= 0", "ledger reconciles"} <= set(
        names
    )
    assert "POST /dialer/disposition p99 <= 2000 ms" in names


def test_smoke_run_junit_xml_when_passed_has_one_case_per_threshold_and_no_failure(
    smoke_run: FinishedRun,
) -> None:
    root = ET.parse(smoke_run.reports / "junit.xml").getroot()
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    cases = [case.get("name") for case in suites["thresholds"].iter("testcase")]

    assert root.tag == "testsuites"
    campaigns = {f"campaign {c['name']}" for c in smoke_run.summary["campaigns"]}
    assert campaigns, "every call belongs to a campaign, and each campaign seen has its suite"
    assert set(suites) == {"run", "thresholds", "agent steps", "dialer rules", "ledger"} | campaigns
    assert cases == [t["name"] for t in smoke_run.summary["thresholds"]]
    assert (root.get("failures"), root.get("errors")) == ("0", "0")
    assert root.find(".//failure") is None
    assert int(root.get("tests", "0")) == len(list(root.iter("testcase")))


def test_smoke_run_report_html_when_written_embeds_every_chart(smoke_run: FinishedRun) -> None:
    page = (smoke_run.reports / "report.html").read_text(encoding="utf-8")
    images = dict(re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)">', page))
    charts = {alt: base64.b64decode(data) for data, alt in images.items()}

    assert set(charts) == {"agents by state", "throughput", "latency percentiles"}
    assert all(png.startswith(PNG_SIGNATURE) for png in charts.values())
    assert charts["agents by state"] == (smoke_run.reports / "agents_by_state.png").read_bytes()
    assert '<div class="verdict pass">PASS</div>' in page
    assert '<a href="locust.html">' in page


def test_smoke_run_charts_when_written_are_png_files(smoke_run: FinishedRun) -> None:
    for name in ("agents_by_state.png", "throughput.png", "latency_percentiles.png"):
        assert (smoke_run.reports / name).read_bytes().startswith(PNG_SIGNATURE), name


def test_smoke_run_locust_reports_when_written_hold_only_the_icws_rows_and_their_sum(
    smoke_run: FinishedRun,
) -> None:
    with (smoke_run.reports / "locust_stats.csv").open(newline="", encoding="utf-8") as handle:
        rows = {(row["Type"], row["Name"]): row for row in csv.DictReader(handle)}
    with (smoke_run.reports / "locust_stats_history.csv").open(newline="", encoding="utf-8") as handle:
        history = list(csv.DictReader(handle))

    icws = [row for key, row in rows.items() if key[0] == "ICWS"]

    assert int(rows[("ICWS", "POST /dialer/disposition")]["Request Count"]) > 0
    assert {key[0] for key in rows} == {"ICWS", ""}, "no Dialer KPI is a Locust row"
    for column in ("Request Count", "Failure Count"):
        assert int(rows[("", "Aggregated")][column]) == sum(int(row[column]) for row in icws), column
    assert int(rows[("", "Aggregated")]["Failure Count"]) == 0
    assert any(row["Name"] == "Aggregated" for row in history)
    assert "<html" in (smoke_run.reports / "locust.html").read_text(encoding="utf-8").lower()


def test_smoke_run_when_finished_never_shows_the_password(smoke_run: FinishedRun) -> None:
    secret = SECRET.encode()
    leaks = [path.name for path in sorted(smoke_run.reports.iterdir()) if secret in path.read_bytes()]

    assert smoke_run.summary["calls"]["popped"] > 0  # the agents did log in with it
    assert leaks == []
    assert SECRET not in smoke_run.result.stdout
    assert SECRET not in smoke_run.result.stderr


def test_smoke_run_when_finished_reports_the_harness_own_timer_lag(smoke_run: FinishedRun) -> None:
    harness = smoke_run.summary["harness"]
    lag = harness["timer_lag"]

    # one probe every 0.1 s while the test runs
    assert lag["count"] >= 10 * (smoke_run.summary["duration_s"] - 5) * 0.5
    assert 0 <= lag["p50"] <= lag["p99"] <= lag["max"]
    assert all(row["count"] >= 1 and row["max"] >= 0 for row in harness["gc_pauses"])
    assert re.search(
        r"^Harness: timer lag p50 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms; ", smoke_run.result.stdout, re.M
    )


@pytest.mark.skipif(sys.platform != "linux", reason="the kernel's receive timestamps are Linux's")
def test_smoke_run_against_the_mock_over_plain_http_times_every_request_to_its_answer_s_arrival(
    smoke_run: FinishedRun,
) -> None:
    ends = smoke_run.summary["harness"]["response_times_end"]
    requests = sum(row["count"] for row in smoke_run.summary["endpoints"])

    assert ends == {"arrival": requests, "read": 0}
    assert requests > 0
    assert "; 100% of response times end at the answer's arrival" in smoke_run.result.stdout
