"""Crafted run results for the report tests."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

import pytest

from botagent.report import (
    CallTotals,
    EndpointStats,
    PhaseStats,
    Reconciliation,
    RuleViolationRecord,
    RunResult,
    StateSample,
    StepErrorRecord,
    ThresholdResult,
    TimelinePoint,
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


TIMELINE_ENDPOINTS = ("POST /connection", "POST /dialer/disposition", "GET /messaging/messages (sse)")


def make_timeline(seconds: int = 60, step: float = 1.0) -> list[TimelinePoint]:
    """A timeline of ``seconds`` s in ``step``-second intervals: a ramp, a plateau and a log-off burst
    at the end, with a latency for each of `TIMELINE_ENDPOINTS` that has samples in the interval."""
    points = []
    for index in range(int(seconds / step)):
        at = index * step
        load = min(1.0, at / 5.0)
        burst = at >= seconds - 5
        latency = {
            "POST /dialer/disposition": (20.0 + 5 * math.sin(at / 7), 60.0 + 20 * math.sin(at / 5)),
            "GET /messaging/messages (sse)": (900.0, 1800.0 + 300 * load),
        }
        if at < 3 or burst:
            latency["POST /connection"] = (3.0, 9.0 if burst else 5.0)
        points.append(
            TimelinePoint(
                elapsed=at,
                seconds=step,
                requests=int((40 if burst else 12) * step * max(load, 0.2)),
                failures=1 if index == 30 else 0,
                calls=int(index % 3 == 0 and not burst),
                latency=latency,
            )
        )
    return points


def make_phases() -> list[PhaseStats]:
    """Ramp-up for 3 s, steady until 55 s, then the stop phase's log-off burst until 60 s."""
    steady = [make_row("POST /dialer/disposition", count=30, p95=70.0), make_row("POST /connection", count=2)]
    burst = [make_row("POST /dialer/log-off", count=5, p50=8.0, p90=12.0, p95=14.0, p99=14.0, max=15.0)]
    ramp = [make_row("POST /connection", count=2)]
    pops, grants = [make_row("wait-for-pop")], [make_row("logoff-grant")]
    return [
        PhaseStats(phase="ramp-up", started=0.0, ended=3.0, endpoints=ramp),
        PhaseStats(phase="steady", started=3.0, ended=55.0, endpoints=steady, kpis=pops),
        PhaseStats(phase="stop", started=55.0, ended=60.0, endpoints=burst, kpis=grants),
    ]


@pytest.fixture
def phased_result(busy_result: RunResult) -> RunResult:
    """The busy run with phases (steady judged), a timeline and agent states over its whole minute."""
    states = [
        StateSample(elapsed=float(t), counts={"ready": 1, "on call": 1} if t < 55 else {"logging off": 2})
        for t in range(61)
    ]
    return dataclasses.replace(
        busy_result, phases=make_phases(), judged_phase="steady", timeline=make_timeline(), states=states
    )
