"""Crafted run results for the report tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from botagent.report import (
    CallTotals,
    EndpointStats,
    Reconciliation,
    RuleViolationRecord,
    RunResult,
    StateSample,
    StepErrorRecord,
    ThresholdResult,
)

STARTED_AT = 1_714_557_600.0  # 2024-05-01T10:00:00Z


def make_row(name: str, **overrides: Any) -> EndpointStats:
    """One Locust row with plausible numbers; any field can be overridden."""
    fields: dict[str, Any] = {
        "request_type": "DIALER" if "/" not in name else "ICWS",
        "name": name,
        "count": 100,
        "failures": 0,
        "p50": 20.0,
        "p90": 40.0,
        "p95": 50.0,
        "p99": 80.0,
        "max": 120.0,
        "mean": 25.0,
        "rps": 3.3,
    }
    return EndpointStats(**(fields | overrides))


def make_result(**overrides: Any) -> RunResult:
    """A run with no samples at all; any field can be overridden."""
    fields: dict[str, Any] = {
        "profile_name": "smoke",
        "target": "http://127.0.0.1:8019",
        "started_at": STARTED_AT,
        "duration": 60.0,
        "users": 2,
    }
    return RunResult(**(fields | overrides))


@pytest.fixture
def row() -> Callable[..., EndpointStats]:
    return make_row


@pytest.fixture
def result() -> Callable[..., RunResult]:
    return make_result


@pytest.fixture
def empty_result() -> RunResult:
    return make_result()


@pytest.fixture
def busy_result() -> RunResult:
    """A run with every section filled, a lost call, a violation, step errors and one breached threshold."""
    return make_result(
        endpoints=[
            make_row("POST /connection", count=2),
            make_row("POST /dialer/disposition", count=41, failures=1, p95=612.0, p99=700.0, max=950.0),
        ],
        kpis=[make_row("wait-for-pop", count=41, p50=1500.0, p95=4000.0, p99=5000.0, max=6000.0)],
        step_errors=[
            StepErrorRecord(
                at=STARTED_AT + 12,
                agent="agent0001",
                step="POST /dialer/disposition",
                status=404,
                error_id="error.request.dialer.noCall",
                message="no current call",
            ),
            StepErrorRecord(
                at=STARTED_AT + 14,
                agent="agent0001",
                step="POST /dialer/disposition",
                status=404,
                error_id="error.request.dialer.noCall",
                message="no current call",
            ),
            StepErrorRecord(
                at=STARTED_AT + 20,
                agent="agent0002",
                step="POST /dialer/log-in",
                status=None,
                error_id=None,
                message="connection reset <b>",
            ),
        ],
        rule_violations=[
            RuleViolationRecord(
                at=STARTED_AT + 30, agent="agent0002", rule="R18", detail="break before disposition"
            )
        ],
        calls=CallTotals(popped=42, dispositioned=40, rescheduled=5, agents=2),
        reconciliation=Reconciliation(
            ledger_popped=42, ledger_dispositioned=40, bot_dispositioned=40, lost=["call-17", "call-23"]
        ),
        states=[
            StateSample(elapsed=0.0, counts={"logging in": 2}),
            StateSample(elapsed=1.0, counts={"ready": 1, "on call": 1}),
            StateSample(elapsed=2.0, counts={"on call": 1, "wrap-up": 1}),
            StateSample(elapsed=3.0, counts={"break": 1, "ready": 1, "paused": 0}),
        ],
        thresholds=[
            ThresholdResult(
                name="POST /dialer/disposition p95 <= 500 ms", observed=612.0, limit=500.0, passed=False
            ),
            ThresholdResult(
                name="error ratio <= 5%",
                observed=0.024,
                limit=0.05,
                passed=True,
                detail="1 of 42 requests failed",
            ),
            ThresholdResult(
                name="ledger reconciles", observed=2, limit=0, passed=False, detail="lost: call-17, call-23"
            ),
        ],
    )


@pytest.fixture
def stats_history(tmp_path: Path) -> Path:
    """A Locust ``_stats_history.csv`` with per-row and ``Aggregated`` lines and an N/A."""
    header = (
        "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,"
        "99.99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,"
        "Total Average Response Time,Total Min Response Time,Total Max Response Time,"
        "Total Average Content Size"
    )
    lines = [header]
    for second in range(5):
        stamp = int(STARTED_AT) + second
        p50 = "N/A" if second == 0 else str(10 + second)
        lines.append(f"{stamp},2,POST,/dialer/disposition,1,0,{p50},1,1,1,1,999,1,999,1,1,1,5,0,1,1,1,1,0")
        lines.append(
            f"{stamp},2,,Aggregated,1,0,{p50},1,1,1,1,{40 + second},1,{60 + second},1,1,1,5,0,1,1,1,1,0"
        )
    path = tmp_path / "run_stats_history.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
