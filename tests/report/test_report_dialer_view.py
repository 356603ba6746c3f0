"""The Dialer tab's rows say what summary.json says: agents, calls, KPIs, findings and the ledger."""

from __future__ import annotations

from collections.abc import Callable

from botagent.report import (
    CallTotals,
    EndpointStats,
    Reconciliation,
    RuleViolationRecord,
    RunResult,
    StateSample,
    StepErrorRecord,
    ThresholdResult,
    TimelinePoint,
    dialer_view_rows,
)

Result = Callable[..., RunResult]
STARTED_AT = 1_714_557_600.0


def _by_section(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for row in rows:
        table.setdefault(row["section"], {}).setdefault(row["item"], row["value"])
    return table


def test_dialer_view_when_a_run_has_agents_calls_and_kpis_lists_each_with_its_figure(
    result: Result, row: Callable[..., EndpointStats]
) -> None:
    run = result(
        duration=120.0,
        states=[StateSample(elapsed=1.0, counts={"on call": 3, "ready": 2, "logging in": 0})],
        calls=CallTotals(popped=12, dispositioned=10, rescheduled=2, agents=5),
        kpis=[row("wait-for-pop", count=10, p95=480.0, max=500.0)],
    )
    table = _by_section(dialer_view_rows(run))
    assert table["Agents"] == {"total": "5", "on call": "3", "ready": "2"}
    assert table["Calls"] == {
        "popped": "12",
        "dispositioned": "10",
        "rescheduled": "2",
        "dispositioned per minute": "5",
    }
    assert list(table["Agents"]) == ["total", "ready", "on call"]  # in the report buckets' order
    kpi = next(line for line in dialer_view_rows(run) if line["item"] == "wait-for-pop")
    assert kpi["value"] == "10 samples" and "p95 480" in kpi["detail"]


def test_dialer_view_when_findings_exist_counts_them_and_names_agent_step_and_status(result: Result) -> None:
    run = result(
        rule_violations=[RuleViolationRecord(at=STARTED_AT, agent="agent0001", rule="R18", detail="early")],
        step_errors=[
            StepErrorRecord(
                at=STARTED_AT, agent="agent0002", step="dial", status=401, error_id=None, message="no"
            )
        ],
        step_errors_total=7,
    )
    rows = dialer_view_rows(run)
    table = _by_section(rows)
    assert table["Rule violations"] == {"total": "1", "R18": "agent0001"}
    assert table["Step errors"] == {"total": "7", "dial": "agent0002"}
    error = next(line for line in rows if line["item"] == "dial")
    assert error["detail"] == "HTTP 401 · no"


def test_dialer_view_when_the_ledger_is_pending_or_checked_says_which(result: Result) -> None:
    pending = _by_section(dialer_view_rows(result(ledger_expected=True)))
    assert pending["Ledger"]["verdict"] == "pending"
    broken = Reconciliation(ledger_popped=3, ledger_dispositioned=2, bot_dispositioned=2, lost=["i-1"])
    checked = dialer_view_rows(result(ledger_expected=True, reconciliation=broken))
    ledger = next(row for row in checked if row["section"] == "Ledger")
    assert ledger["value"] == "does not reconcile" and ledger["detail"].startswith("1 lost")


def test_dialer_view_when_live_says_so_far_and_when_final_says_final(result: Result) -> None:
    run = result(duration=42.4)
    assert dialer_view_rows(run)[0] == {
        "section": "Run",
        "item": "figures",
        "value": "so far",
        "detail": "42 s since the run started",
    }
    assert dialer_view_rows(run, final=True)[0]["value"] == "final"


def test_dialer_view_when_final_counts_agents_that_took_part_not_their_last_state(result: Result) -> None:
    run = result(
        users=5,
        states=[StateSample(elapsed=30.0, counts={"on call": 5})],
        calls=CallTotals(popped=9, dispositioned=9, rescheduled=0, agents=7),
    )
    agents = _by_section(dialer_view_rows(run, final=True))["Agents"]
    assert agents == {"peak": "5", "took part": "7"}


def test_dialer_view_when_timeline_given_counts_calls_of_the_last_minute(result: Result) -> None:
    timeline = [
        TimelinePoint(elapsed=float(t), seconds=10.0, requests=0, failures=0, calls=1)
        for t in range(0, 100, 10)
    ]
    calls = _by_section(dialer_view_rows(result(timeline=timeline)))["Calls"]
    assert calls["dispositioned in the last minute"] == "6"
    assert "dispositioned in the last minute" not in _by_section(dialer_view_rows(result()))["Calls"]


def test_dialer_view_when_thresholds_judged_says_how_many_passed_and_names_the_breached(
    result: Result,
) -> None:
    judged = [
        ThresholdResult(name="error ratio <= 0%", observed=0.0, limit=0.0, passed=True),
        ThresholdResult(name="rule violations <= 0", observed=2, limit=0, passed=False),
    ]
    rows = dialer_view_rows(result(thresholds=judged), final=True)
    assert rows[-1] == {
        "section": "Thresholds",
        "item": "verdict",
        "value": "1 passed, 1 failed",
        "detail": "breached: rule violations <= 0",
    }
    assert all(row["section"] != "Thresholds" for row in dialer_view_rows(result()))
