"""summary.json: loads, has the stable keys in order, and states what the run did."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import botagent.report._summary as summary_module
from botagent.report import (
    SCHEMA_VERSION,
    SUMMARY_KEYS,
    PhaseStats,
    RunResult,
    StepErrorRecord,
    TimelinePoint,
    write_summary_json,
)

Result = Callable[..., RunResult]
ROW_KEYS = [
    "type",
    "name",
    "count",
    "failures",
    "error_ratio",
    "p50",
    "p90",
    "p95",
    "p99",
    "max",
    "mean",
    "rps",
]


def load(result: RunResult, folder: Path) -> dict[str, Any]:
    path = write_summary_json(result, folder)
    assert path == folder / "summary.json"
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def test_summary_when_run_is_busy_has_the_stable_keys_in_order(
    busy_result: RunResult, tmp_path: Path
) -> None:
    summary = load(busy_result, tmp_path)
    assert list(summary) == list(SUMMARY_KEYS)
    assert list(SUMMARY_KEYS) == [
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
        "campaigns",
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


def test_summary_when_run_is_busy_states_its_facts(busy_result: RunResult, tmp_path: Path) -> None:
    summary = load(busy_result, tmp_path)
    assert summary["schema_version"] == SCHEMA_VERSION == 2
    assert summary["started_at"] == "2024-05-01T10:00:00Z"
    assert (summary["passed"], summary["exit_code"], summary["aborted"]) == (False, 1, None)
    assert [list(row) for row in summary["endpoints"] + summary["kpis"]] == [ROW_KEYS] * 3
    disposition = summary["endpoints"][1]
    assert (disposition["type"], disposition["count"], disposition["p95"]) == ("ICWS", 41, 612.0)
    assert summary["calls"]["per_agent"] == 20.0
    assert summary["reconciliation"]["lost"] == ["call-17", "call-23"]
    assert summary["reconciliation"]["reconciles"] is False
    assert summary["thresholds"][0] == {
        "name": "POST /dialer/disposition p95 <= 500 ms",
        "observed": 612.0,
        "limit": 500.0,
        "passed": False,
        "detail": "",
        "builtin": False,
        "campaign": None,
    }
    assert summary["rule_violations"][0]["rule"] == "R18"
    assert (summary["interrupted"], summary["judged_phase"], summary["phases"], summary["timeline"]) == (
        False,
        None,
        [],
        [],
    )


def test_summary_when_run_is_empty_has_nulls_not_missing_keys(
    empty_result: RunResult, tmp_path: Path
) -> None:
    summary = load(empty_result, tmp_path)
    assert list(summary) == list(SUMMARY_KEYS)
    assert (summary["reconciliation"], summary["passed"], summary["exit_code"]) == (None, True, 0)
    assert (summary["endpoints"], summary["step_errors"], summary["step_errors_total"]) == ([], [], 0)


def test_summary_when_a_number_is_not_finite_writes_null(
    result: Result, row: Callable[..., Any], tmp_path: Path
) -> None:
    summary = load(result(endpoints=[row("POST /connection", mean=math.nan, rps=math.inf)]), tmp_path)
    assert (summary["endpoints"][0]["mean"], summary["endpoints"][0]["rps"]) == (None, None)


def test_summary_when_many_step_errors_caps_the_list_and_keeps_the_total(
    result: Result, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(summary_module, "MAX_LISTED", 2)
    errors = [
        StepErrorRecord(
            at=float(i), agent="agent0001", step="POST /connection", status=503, error_id=None, message="busy"
        )
        for i in range(5)
    ]
    summary = load(result(step_errors=errors), tmp_path)
    assert (len(summary["step_errors"]), summary["step_errors_total"]) == (2, 5)
    assert summary["step_errors"][0] == {
        "at": 0.0,
        "agent": "agent0001",
        "step": "POST /connection",
        "status": 503,
        "error_id": None,
        "message": "busy",
        "campaign": None,
    }


def test_summary_when_run_has_phases_lists_each_with_its_rows_and_times(
    result: Result, row: Callable[..., Any], tmp_path: Path
) -> None:
    phases = [
        PhaseStats(phase="ramp-up", started=0.0, ended=4.5, endpoints=[row("POST /connection", count=5)]),
        PhaseStats(phase="steady", started=4.5, ended=40.25, kpis=[row("wait-for-pop", count=9)]),
        PhaseStats(phase="stop", started=40.25, ended=None, endpoints=[row("POST /dialer/log-off")]),
    ]
    summary = load(result(phases=phases, judged_phase="steady"), tmp_path)

    assert summary["judged_phase"] == "steady"
    assert [(p["phase"], p["started_s"], p["ended_s"]) for p in summary["phases"]] == [
        ("ramp-up", 0.0, 4.5),
        ("steady", 4.5, 40.25),
        ("stop", 40.25, None),
    ]
    phase_keys = ["phase", "started_s", "ended_s", "endpoints", "kpis"]
    assert [list(p) for p in summary["phases"]] == [phase_keys] * 3
    rows = summary["phases"][0]["endpoints"] + summary["phases"][1]["kpis"]
    assert [list(r) for r in rows] == [ROW_KEYS] * 2
    assert summary["phases"][2]["endpoints"][0]["name"] == "POST /dialer/log-off"


def test_summary_when_run_has_a_timeline_lists_each_point(result: Result, tmp_path: Path) -> None:
    point = TimelinePoint(
        elapsed=2.0, seconds=2.0, requests=7, failures=1, calls=2, latency={"POST /connection": (1.5, 9.25)}
    )
    summary = load(result(timeline=[point]), tmp_path)

    assert summary["timeline"] == [
        {
            "elapsed_s": 2.0,
            "seconds": 2.0,
            "requests": 7,
            "failures": 1,
            "calls": 2,
            "latency": {"POST /connection": {"p50": 1.5, "p95": 9.25}},
        }
    ]


def test_summary_when_run_was_interrupted_says_so_and_why(result: Result, tmp_path: Path) -> None:
    summary = load(result(interrupted=True, aborted="interrupted (Ctrl-C)"), tmp_path)

    assert (summary["interrupted"], summary["aborted"]) == (True, "interrupted (Ctrl-C)")
    assert (summary["passed"], summary["exit_code"]) == (False, 130)
