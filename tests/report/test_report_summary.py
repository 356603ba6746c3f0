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
    RunResult,
    StepErrorRecord,
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
        "endpoints",
        "kpis",
        "calls",
        "reconciliation",
        "rule_violations",
        "rule_violations_total",
        "step_errors",
        "step_errors_total",
        "thresholds",
    ]


def test_summary_when_run_is_busy_states_its_facts(busy_result: RunResult, tmp_path: Path) -> None:
    summary = load(busy_result, tmp_path)
    assert summary["schema_version"] == SCHEMA_VERSION == 1
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
    }
    assert summary["rule_violations"][0]["rule"] == "R18"


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
    }
