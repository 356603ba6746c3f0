"""``summary.json``: the run in machine-readable form, with stable keys and a schema version.

Top-level keys (`SUMMARY_KEYS`), in this order: ``schema_version``, ``profile``, ``target``,
``started_at`` (ISO 8601 UTC), ``duration_s``, ``users``, ``passed``, ``exit_code``, ``aborted``,
``endpoints``, ``kpis``, ``calls``, ``reconciliation`` (null without a ledger), ``rule_violations``,
``rule_violations_total``, ``step_errors``, ``step_errors_total``, ``thresholds``. Lists of violations
and step errors are capped at `MAX_LISTED`; the ``_total`` keys say how many there were. Times are
milliseconds, ratios are 0..1, a number that could not be measured is null. A new key is added without
a version change; renaming or removing one bumps `SCHEMA_VERSION`.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from botagent.report._exit import exit_code_for
from botagent.report._fmt import finite, iso_utc
from botagent.report._result import CallTotals, EndpointStats, Reconciliation, RunResult, ThresholdResult

__all__ = ["MAX_LISTED", "SCHEMA_VERSION", "SUMMARY_KEYS", "summary_dict", "write_summary_json"]

SCHEMA_VERSION = 1
"""Version of the ``summary.json`` layout."""
MAX_LISTED = 200
"""At most this many rule violations and step errors are listed in ``summary.json``."""
SUMMARY_KEYS = (
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
)
"""The top-level keys of ``summary.json``, in order."""


def summary_dict(result: RunResult) -> dict[str, Any]:
    """The content of ``summary.json`` as plain JSON-ready data, keys in `SUMMARY_KEYS` order."""
    return {
        "schema_version": SCHEMA_VERSION,
        "profile": result.profile_name,
        "target": result.target,
        "started_at": iso_utc(result.started_at),
        "duration_s": round(result.duration, 3),
        "users": result.users,
        "passed": result.passed,
        "exit_code": exit_code_for(result),
        "aborted": result.aborted,
        "endpoints": [_row(e) for e in result.endpoints],
        "kpis": [_row(k) for k in result.kpis],
        "calls": _calls(result.calls),
        "reconciliation": _reconciliation(result.reconciliation),
        "rule_violations": [asdict(v) for v in result.rule_violations[:MAX_LISTED]],
        "rule_violations_total": len(result.rule_violations),
        "step_errors": [asdict(s) for s in result.step_errors[:MAX_LISTED]],
        "step_errors_total": (
            len(result.step_errors) if result.step_errors_total is None else result.step_errors_total
        ),
        "thresholds": [_threshold(t) for t in result.thresholds],
    }


def write_summary_json(result: RunResult, folder: Path) -> Path:
    """Write ``summary.json`` into ``folder`` (created if missing) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "summary.json"
    text = json.dumps(summary_dict(result), indent=2, allow_nan=False, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def _row(stats: EndpointStats) -> dict[str, Any]:
    return {
        "type": stats.request_type,
        "name": stats.name,
        "count": stats.count,
        "failures": stats.failures,
        "error_ratio": finite(stats.error_ratio),
        "p50": finite(stats.p50),
        "p90": finite(stats.p90),
        "p95": finite(stats.p95),
        "p99": finite(stats.p99),
        "max": finite(stats.max),
        "mean": finite(stats.mean),
        "rps": finite(stats.rps),
    }


def _calls(calls: CallTotals) -> dict[str, Any]:
    return {**asdict(calls), "per_agent": finite(calls.per_agent)}


def _reconciliation(rec: Reconciliation | None) -> dict[str, Any] | None:
    return None if rec is None else {**asdict(rec), "reconciles": rec.reconciles}


def _threshold(t: ThresholdResult) -> dict[str, Any]:
    return {
        "name": t.name,
        "observed": finite(t.observed),
        "limit": finite(t.limit),
        "passed": t.passed,
        "detail": t.detail,
    }
