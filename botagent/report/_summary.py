"""``summary.json``: the run in machine-readable form, with stable keys and a schema version.

Top-level keys (`SUMMARY_KEYS`), in this order: ``schema_version``, ``profile``, ``target``,
``started_at`` (ISO 8601 UTC), ``duration_s``, ``users``, ``passed``, ``exit_code``, ``aborted`` (why
the run stopped early, or null), ``interrupted`` (stopped by Ctrl-C or SIGTERM), ``endpoints``,
``kpis`` (the whole run), ``judged_phase`` (the phase the thresholds judged; null: the whole run),
``phases`` (each phase's ``phase``, ``started_s``, ``ended_s``, ``endpoints`` and ``kpis``),
``calls``, ``campaigns`` (each campaign seen in a pop or a log-in, by name: ``id``, ``name``, ``log_ins``,
``popped``, ``placed``, ``dispositioned``, ``rescheduled``, ``skipped``, ``undispositioned``,
``labels`` (label -> calls), ``kpis`` (its ``wait-for-pop`` and ``preview-connect`` rows),
``login_refusals`` (cause -> count, such as ``CampaignStopping``) and ``step_errors``),
``reconciliation`` (null without a ledger), ``rule_violations``, ``rule_violations_total``,
``step_errors`` (each with the ``campaign`` it was for, or null), ``step_errors_total``, ``thresholds``
(``builtin`` marks the checks every run gets, ``campaign`` names the campaign of a per-campaign check),
``timeline`` (per interval: ``elapsed_s``, ``seconds``, ``requests``, ``failures``, ``calls``
dispositioned and ``latency``: endpoint -> ``p50``, ``p95``), ``harness`` (the harness's own delays:
``timer_lag`` ``count``, ``p50``, ``p99``, ``max``; ``gc_pauses`` per ``generation``: ``count``,
``total``, ``p99``, ``max``; ``response_times_end``: how many response times end at the answer's
``arrival`` in the kernel and how many when the harness ``read`` it; ``tail_warning``: when the
harness's delays are worth a reader's attention, and why, or null),
``switchovers`` (each switchover of a mock switchover pair: ``at_s``, ``agents_lost``, ``agents_back``,
``recovered_after_s`` (until every agent it cut off was ready for calls again; null: some never were)
and ``step_errors``, the step errors it caused, left out of ``step_errors``). Lists of violations and
step errors are capped at `MAX_LISTED`; the ``_total`` keys say how many there were. Times are
milliseconds unless the key ends in ``_s``, ratios are 0..1, a number that could not be measured is
null. A new key is added without a version change; renaming or removing one, or changing what one
means, bumps `SCHEMA_VERSION`.

Version 2: endpoint and KPI rows are botagent's own measurements (exact counts, max and mean,
percentiles within 0.5%), no longer Locust's rounded ones; added ``interrupted``, ``judged_phase``,
``phases``, ``timeline`` and each threshold's ``builtin``. Added since, without a version change:
``campaigns``, ``campaign`` in each step error and threshold, and the harness's ``response_times_end``.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from botagent.report._exit import exit_code_for
from botagent.report._fmt import finite, iso_utc
from botagent.report._result import (
    CallTotals,
    CampaignStats,
    EndpointStats,
    PhaseStats,
    Reconciliation,
    RunResult,
    SwitchoverOutcome,
    ThresholdResult,
    TimelinePoint,
)

__all__ = ["MAX_LISTED", "SCHEMA_VERSION", "SUMMARY_KEYS", "summary_dict", "write_summary_json"]

SCHEMA_VERSION = 2
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
        "interrupted": result.interrupted,
        "endpoints": [_row(e) for e in result.endpoints],
        "kpis": [_row(k) for k in result.kpis],
        "judged_phase": result.judged_phase,
        "phases": [_phase(p) for p in result.phases],
        "calls": _calls(result.calls),
        "campaigns": [_campaign(c) for c in result.campaigns],
        "reconciliation": _reconciliation(result.reconciliation),
        "rule_violations": [asdict(v) for v in result.rule_violations[:MAX_LISTED]],
        "rule_violations_total": len(result.rule_violations),
        "step_errors": [asdict(s) for s in result.step_errors[:MAX_LISTED]],
        "step_errors_total": (
            len(result.step_errors) if result.step_errors_total is None else result.step_errors_total
        ),
        "thresholds": [_threshold(t) for t in result.thresholds],
        "timeline": [_point(p) for p in result.timeline],
        "harness": _harness(result),
        "switchovers": [_switchover(s) for s in result.switchovers],
    }


def _switchover(outcome: SwitchoverOutcome) -> dict[str, Any]:
    recovered = outcome.recovered_after
    return {
        "at_s": round(outcome.at, 3),
        "agents_lost": outcome.agents_lost,
        "agents_back": outcome.agents_back,
        "recovered_after_s": None if recovered is None else round(recovered, 3),
        "step_errors": outcome.step_errors,
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


def _phase(phase: PhaseStats) -> dict[str, Any]:
    return {
        "phase": phase.phase,
        "started_s": round(phase.started, 3),
        "ended_s": None if phase.ended is None else round(phase.ended, 3),
        "endpoints": [_row(e) for e in phase.endpoints],
        "kpis": [_row(k) for k in phase.kpis],
    }


def _point(point: TimelinePoint) -> dict[str, Any]:
    latency = {name: {"p50": finite(p50), "p95": finite(p95)} for name, (p50, p95) in point.latency.items()}
    return {
        "elapsed_s": round(point.elapsed, 3),
        "seconds": point.seconds,
        "requests": point.requests,
        "failures": point.failures,
        "calls": point.calls,
        "latency": latency,
    }


def _harness(result: RunResult) -> dict[str, Any]:
    reading = result.harness.summary()
    lag = reading["timer_lag"]
    lag.update({key: finite(lag[key]) for key in ("p50", "p99", "max")})
    for pauses in reading["gc_pauses"]:
        pauses.update({key: finite(pauses[key]) for key in ("total", "p99", "max")})
    return reading


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
        "builtin": t.builtin,
        "campaign": t.campaign,
    }


def _campaign(campaign: CampaignStats) -> dict[str, Any]:
    return {
        "id": campaign.id,
        "name": campaign.name,
        "log_ins": campaign.log_ins,
        "popped": campaign.popped,
        "placed": campaign.placed,
        "dispositioned": campaign.dispositioned,
        "rescheduled": campaign.rescheduled,
        "skipped": campaign.skipped,
        "undispositioned": campaign.undispositioned,
        "labels": dict(campaign.labels),
        "kpis": [_row(k) for k in campaign.kpis],
        "login_refusals": dict(campaign.login_refusals),
        "step_errors": campaign.step_errors,
    }
