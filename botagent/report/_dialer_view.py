"""The Dialer view of a run: the rows the Dialer tab of Locust's web UI shows, built from a `RunResult`.

The tab and ``summary.json`` read the same `RunResult`, so the figures a user watches while the run
goes on are the figures the reports keep at its end.
"""

from __future__ import annotations

from botagent.report._fmt import ms, number
from botagent.report._result import EndpointStats, Reconciliation, RunResult

__all__ = ["DIALER_VIEW_COLUMNS", "dialer_view_rows"]

DIALER_VIEW_COLUMNS = (("section", "Section"), ("item", "Item"), ("value", "Value"), ("detail", "Detail"))
"""(key, title) of each column of the Dialer tab's table."""

MAX_FINDINGS = 50
"""At most this many rule violations and step errors are listed (the totals count them all)."""


def dialer_view_rows(result: RunResult) -> list[dict[str, str]]:
    """Every row of the Dialer tab, section by section: agents, calls, KPIs, violations, errors, ledger."""
    return [
        *_agents(result),
        *_calls(result),
        *(_kpi(row) for row in result.kpis),
        *_violations(result),
        *_step_errors(result),
        _ledger(result),
    ]


def _row(section: str, item: str, value: object, detail: str = "") -> dict[str, str]:
    return {"section": section, "item": item, "value": str(value), "detail": detail}


def _agents(result: RunResult) -> list[dict[str, str]]:
    latest = result.states[-1].counts if result.states else {}
    rows = [_row("Agents", bucket, count) for bucket, count in sorted(latest.items()) if count]
    return [_row("Agents", "total", sum(latest.values())), *rows]


def _calls(result: RunResult) -> list[dict[str, str]]:
    calls = result.calls
    minutes = result.duration / 60.0
    per_minute = number(round(calls.dispositioned / minutes, 1)) if minutes > 0 else "0"
    return [
        _row("Calls", "popped", calls.popped),
        _row("Calls", "dispositioned", calls.dispositioned),
        _row("Calls", "rescheduled", calls.rescheduled),
        _row("Calls", "dispositioned per minute", per_minute),
    ]


def _kpi(row: EndpointStats) -> dict[str, str]:
    detail = f"p50 {ms(row.p50)} · p95 {ms(row.p95)} · p99 {ms(row.p99)} · max {ms(row.max)} ms"
    return _row("Dialer KPI", row.name, f"{row.count} samples", detail)


def _violations(result: RunResult) -> list[dict[str, str]]:
    head = _row("Rule violations", "total", len(result.rule_violations))
    rows = [_row("Rule violations", v.rule, v.agent, v.detail) for v in result.rule_violations[:MAX_FINDINGS]]
    return [head, *rows]


def _step_errors(result: RunResult) -> list[dict[str, str]]:
    total = result.step_errors_total if result.step_errors_total is not None else len(result.step_errors)
    rows = [
        _row("Step errors", e.step, e.agent, _error_detail(e.status, e.error_id, e.message))
        for e in result.step_errors[:MAX_FINDINGS]
    ]
    return [_row("Step errors", "total", total), *rows]


def _error_detail(status: int | None, error_id: str | None, message: str) -> str:
    parts = [f"HTTP {status}" if status is not None else "no HTTP answer", error_id or "", message]
    return " · ".join(part for part in parts if part)


def _ledger(result: RunResult) -> dict[str, str]:
    rec: Reconciliation | None = result.reconciliation
    if rec is None:
        waiting = "checked when the run ends" if result.ledger_expected else "no ledger: not the mock"
        return _row("Ledger", "verdict", "pending" if result.ledger_expected else "none", waiting)
    verdict = "reconciles" if rec.reconciles else "does not reconcile"
    detail = f"{len(rec.lost)} lost, {len(rec.duplicated)} duplicated, {len(rec.mismatched)} mismatched"
    return _row("Ledger", "verdict", verdict, detail)
