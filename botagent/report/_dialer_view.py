"""The Dialer view of a run: the rows the Dialer tab of Locust's web UI shows, built from a `RunResult`.

The tab and ``summary.json`` read the same `RunResult`, so the figures a user watches while the run
goes on are the figures the reports keep at its end. Once the test has stopped, the tab shows the
final result: reconciled with the ledger and judged against the thresholds.
"""

from __future__ import annotations

from collections.abc import Sequence

from botagent.agent import KPI_WAIT_FOR_POP
from botagent.report._charts import STATE_BUCKETS
from botagent.report._fmt import ms, number, short_list
from botagent.report._result import (
    CampaignStats,
    EndpointStats,
    Reconciliation,
    RunResult,
    TimelinePoint,
)

__all__ = ["DIALER_VIEW_COLUMNS", "dialer_view_rows"]

DIALER_VIEW_COLUMNS = (("section", "Section"), ("item", "Item"), ("value", "Value"), ("detail", "Detail"))
"""(key, title) of each column of the Dialer tab's table."""

MAX_FINDINGS = 50
"""At most this many rule violations and step errors are listed (the totals count them all)."""

_RECENT = 60.0
"""Seconds over which the recent call rate is counted."""


def dialer_view_rows(result: RunResult, *, final: bool = False) -> list[dict[str, str]]:
    """Every row of the Dialer tab, section by section: the run, agents, calls, KPIs, campaigns,
    violations, step errors, the ledger and, once judged, the thresholds.

    Args:
        result: the run so far, or the final result.
        final: ``result`` is the final result of a run that has stopped.
    """
    return [
        _run(result, final),
        *_agents(result, final),
        *_calls(result),
        *(_kpi(row) for row in result.kpis),
        *(_campaign(campaign) for campaign in result.campaigns),
        *_violations(result),
        *_step_errors(result),
        _ledger(result),
        *_thresholds(result),
    ]


def _row(section: str, item: str, value: object, detail: str = "") -> dict[str, str]:
    return {"section": section, "item": item, "value": str(value), "detail": detail}


def _run(result: RunResult, final: bool) -> dict[str, str]:
    if final:
        return _row("Run", "figures", "final", f"the test has stopped after {result.duration:.0f} s")
    return _row("Run", "figures", "so far", f"{result.duration:.0f} s since the run started")


def _agents(result: RunResult, final: bool) -> list[dict[str, str]]:
    """Agents per state now; once the run is over (everyone logged off), how many took part."""
    if final:
        return [
            _row("Agents", "peak", result.users, "most agents at once"),
            _row("Agents", "took part", result.calls.agents, "identities that logged in"),
        ]
    latest = result.states[-1].counts if result.states else {}
    order = {bucket: index for index, bucket in enumerate(STATE_BUCKETS)}
    present = sorted((b for b, n in latest.items() if n), key=lambda b: (order.get(b, len(order)), b))
    return [_row("Agents", "total", sum(latest.values())), *(_row("Agents", b, latest[b]) for b in present)]


def _calls(result: RunResult) -> list[dict[str, str]]:
    calls = result.calls
    minutes = result.duration / 60.0
    per_minute = number(round(calls.dispositioned / minutes, 1)) if minutes > 0 else "0"
    rows = [
        _row("Calls", "popped", calls.popped),
        _row("Calls", "dispositioned", calls.dispositioned),
        _row("Calls", "rescheduled", calls.rescheduled),
        _row("Calls", "dispositioned per minute", per_minute, "over the whole run"),
    ]
    if result.timeline:
        recent, seconds = _recent_calls(result.timeline)
        rows.append(_row("Calls", "dispositioned in the last minute", recent, f"the last {seconds:.0f} s"))
    return rows


def _recent_calls(timeline: Sequence[TimelinePoint]) -> tuple[int, float]:
    """Calls dispositioned in the intervals of the last `_RECENT` seconds, and how long they cover."""
    end = timeline[-1].elapsed + timeline[-1].seconds
    recent = [p for p in timeline if p.elapsed >= end - _RECENT]
    return sum(p.calls for p in recent), sum(p.seconds for p in recent)


def _kpi(row: EndpointStats) -> dict[str, str]:
    detail = f"p50 {ms(row.p50)} · p95 {ms(row.p95)} · p99 {ms(row.p99)} · max {ms(row.max)} ms"
    return _row("Dialer KPI", row.name, f"{row.count} samples", detail)


def _campaign(c: CampaignStats) -> dict[str, str]:
    wait = c.kpi(KPI_WAIT_FOR_POP)
    parts = [
        f"{c.log_ins} log-ins",
        f"{c.dispositioned} dispositioned",
        f"{c.rescheduled} rescheduled",
        f"{c.placed} placed",
    ]
    parts.append(f"{c.skipped} skipped")
    if wait is not None:
        parts.append(f"wait-for-pop p50 {ms(wait.p50)} · p95 {ms(wait.p95)} ms")
    if c.refused:
        causes = ", ".join(f"{cause} x{n}" for cause, n in c.login_refusals.items())
        parts.append(f"{c.refused} log-ins refused ({causes})")
    parts.append(f"{c.step_errors} step errors")
    return _row("Campaign", c.title, f"{c.popped} popped", " · ".join(parts))


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
    if rec.left_connected:
        detail += f", {len(rec.left_connected)} left connected"
    return _row("Ledger", "verdict", verdict, detail)


def _thresholds(result: RunResult) -> list[dict[str, str]]:
    if not result.thresholds:
        return []
    failed = [t.name for t in result.thresholds if not t.passed]
    value = f"{len(result.thresholds) - len(failed)} passed, {len(failed)} failed"
    return [_row("Thresholds", "verdict", value, f"breached: {short_list(failed, 3)}" if failed else "")]
