"""Check a run against the profile's thresholds: one `ThresholdResult` per limit that is set.

Endpoint and KPI bounds apply per Locust row. A bound under ``"*"`` applies to every row that is not
named explicitly; a named row uses only its own bounds. A row named in the thresholds that never got a
sample is still checked: its latency and error-ratio limits pass with the detail "no samples", and
only ``min_count`` can fail it. A row's samples are its ``count`` (failures included, as Locust
counts). The overall error ratio counts ICWS requests only (the ``endpoints`` rows), not the Dialer
KPIs. Without a ledger (a real server), "ledger reconciles" passes with a detail saying so; when the
target is the mock and its ledger could not be read, it fails.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from botagent.report._fmt import counted, number, percent, short_list
from botagent.report._result import EndpointStats, Reconciliation, RunResult, ThresholdResult

if TYPE_CHECKING:
    from botagent.profile import Bounds, Thresholds

__all__ = ["breached", "evaluate_thresholds"]

_LATENCIES = ("p50", "p90", "p95", "p99", "max")


def evaluate_thresholds(
    thresholds: Thresholds, result: RunResult, *, during_run: bool = False
) -> list[ThresholdResult]:
    """Check every limit set in ``thresholds`` against ``result``; pure, no I/O.

    Args:
        thresholds: the profile's ``thresholds`` section.
        result: the run so far, or the finished run.
        during_run: leave out the limits only a finished run can meet (``min_count``, calls per agent,
            ledger reconciliation), for an ``abort_on_fail`` check while the run goes on.

    Returns:
        One result per limit, in a stable order: endpoint rows (in ``result`` order, then named rows
        without samples), KPI rows likewise, then overall error ratio, calls per agent, rule
        violations and ledger reconciliation.
    """
    final = not during_run
    checks = [
        *_rows(thresholds.endpoints, result.endpoints, final),
        *_rows(thresholds.kpis, result.kpis, final),
    ]
    if thresholds.error_ratio is not None:
        checks.append(_overall_error_ratio(thresholds.error_ratio, result))
    if thresholds.calls_per_agent.min is not None and final:
        checks.append(_calls_per_agent(thresholds.calls_per_agent.min, result))
    if thresholds.rule_violations is not None:
        checks.append(_rule_violations(thresholds.rule_violations, result))
    if thresholds.ledger_reconciles and final:
        checks.append(_ledger(result.reconciliation, result.ledger_expected))
    return checks


def breached(results: Iterable[ThresholdResult]) -> list[ThresholdResult]:
    """The results that did not pass, in their order."""
    return [r for r in results if not r.passed]


def _rows(
    bounds_by_name: Mapping[str, Bounds], rows: Sequence[EndpointStats], final: bool
) -> list[ThresholdResult]:
    checks: list[ThresholdResult] = []
    wildcard = bounds_by_name.get("*")
    for row in rows:
        bounds = bounds_by_name.get(row.name, wildcard)
        if bounds is not None:
            checks.extend(_row_checks(row.name, bounds, row, final))
    seen = {row.name for row in rows}
    for name, bounds in bounds_by_name.items():
        if name != "*" and name not in seen:
            checks.extend(_row_checks(name, bounds, None, final))
    return checks


def _row_checks(name: str, bounds: Bounds, row: EndpointStats | None, final: bool) -> list[ThresholdResult]:
    samples = 0 if row is None else row.count
    checks = []
    for stat in _LATENCIES:
        limit: float | None = getattr(bounds, stat)
        if limit is not None:
            observed = None if row is None else getattr(row, stat)
            checks.append(_at_most(f"{name} {stat} <= {number(limit)} ms", observed, limit, "no samples"))
    if bounds.error_ratio is not None:
        checks.append(_row_error_ratio(name, bounds.error_ratio, row))
    if bounds.min_count is not None and final:
        checks.append(_min_count(name, bounds.min_count, samples))
    return checks


def _row_error_ratio(name: str, limit: float, row: EndpointStats | None) -> ThresholdResult:
    title = f"{name} error ratio <= {percent(limit)}"
    if row is None or row.count == 0:
        return _at_most(title, None, limit, "no samples")
    detail = f"{row.failures} of {row.count} failed"
    return _at_most(title, row.error_ratio, limit, "", detail)


def _at_most(
    name: str, observed: float | None, limit: float, missing: str, detail: str = ""
) -> ThresholdResult:
    if observed is None:
        return ThresholdResult(name=name, observed=None, limit=limit, passed=True, detail=missing)
    return ThresholdResult(name=name, observed=observed, limit=limit, passed=observed <= limit, detail=detail)


def _min_count(name: str, minimum: int, samples: int) -> ThresholdResult:
    detail = "no samples" if samples == 0 else counted(samples, "sample")
    return ThresholdResult(
        name=f"{name} count >= {minimum}",
        observed=samples,
        limit=minimum,
        passed=samples >= minimum,
        detail=detail,
    )


def _overall_error_ratio(limit: float, result: RunResult) -> ThresholdResult:
    total, failures = result.total_requests, result.total_failures
    observed = failures / total if total else None
    detail = f"{failures} of {counted(total, 'request')} failed"
    return _at_most(f"error ratio <= {percent(limit)}", observed, limit, "no requests", detail)


def _calls_per_agent(minimum: float, result: RunResult) -> ThresholdResult:
    calls = result.calls
    return ThresholdResult(
        name=f"calls per agent >= {number(minimum)}",
        observed=calls.per_agent,
        limit=minimum,
        passed=calls.per_agent >= minimum,
        detail=f"{counted(calls.dispositioned, 'call')} dispositioned by {counted(calls.agents, 'agent')}",
    )


def _rule_violations(maximum: int, result: RunResult) -> ThresholdResult:
    by_rule = Counter(v.rule for v in result.rule_violations)
    detail = ", ".join(f"{rule} x{count}" for rule, count in sorted(by_rule.items()))
    return ThresholdResult(
        name=f"rule violations <= {maximum}",
        observed=len(result.rule_violations),
        limit=maximum,
        passed=len(result.rule_violations) <= maximum,
        detail=detail,
    )


def _ledger(rec: Reconciliation | None, expected: bool) -> ThresholdResult:
    if rec is None:
        detail = "the mock's ledger could not be read" if expected else "no ledger: the target is not a mock"
        return ThresholdResult(
            name="ledger reconciles", observed=None, limit=0, passed=not expected, detail=detail
        )
    problems = {"lost": rec.lost, "duplicated": rec.duplicated, "mismatched": rec.mismatched}
    detail = "; ".join(f"{kind}: {short_list(ids)}" for kind, ids in problems.items() if ids)
    count = sum(len(ids) for ids in problems.values())
    passed = count == 0
    return ThresholdResult(name="ledger reconciles", observed=count, limit=0, passed=passed, detail=detail)
