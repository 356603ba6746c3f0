"""Check a run against the profile's thresholds: one `ThresholdResult` per limit that is set, after the
built-in checks every run gets.

**Built-in checks** (final evaluation only, unless ``builtin_checks: false``), first in the list and
named in the result line when they fail:

- ``Dialer log-ins >= 1``: some agent's ``POST /dialer/log-in`` succeeded; when none did, the detail
  names the step that stopped them ("no agent logged in to Dialer: POST /connection failed 40 of 40
  (HTTP 401)");
- ``calls dispositioned >= 1``: some call was dispositioned (not checked with ``expect_calls: false``);
- ``no endpoint failed every request``: no ICWS endpoint whose every request failed, apart from
  endpoints the profile gives an explicit ``error_ratio`` of their own.

**Phases.** Endpoint and KPI bounds and the overall error ratio judge the rows of the phase
`RunResult.judged_phase` names (the steady phase, by default), or the whole run when it is None. A bound
under ``"*"`` applies to every row of the judged phase that is not named explicitly; a named row uses
only its own bounds. A named row with no sample in the judged phase is judged over the whole run, and
its detail says so; one that never got a sample at all passes with the detail "no samples", and only
``min_count`` can fail it. While the run goes on (``during_run``) nothing falls back to the whole run.
Calls per agent, rule violations, the ledger and the built-in checks judge the whole run.

**Campaigns.** Limits under ``campaigns`` judge each campaign over the whole run, from what the bots saw
(`RunResult.campaigns`); a key is a campaign's name or id, as Dialer spells it; ``"*"`` every campaign seen
that no key names. A named campaign no bot saw has 0 calls and no refusals. Each check carries its
campaign, and a failed one says why in words fit for the result line: ``campaign Spring Sales: 0 calls
popped in 60 s``, ``campaign Spring Sales: log-in refused (CampaignStopping)``; refused log-ins come
first, since they stop a campaign from popping. Calls and the error ratio
(calls popped but not dispositioned) are judged only once the run is over.

A row's samples are its ``count`` (failures included, as Locust counts). The overall error ratio counts
ICWS requests only (the ``endpoints`` rows), not the Dialer KPIs. Without a ledger (a real server),
"ledger reconciles" passes with a detail saying so; when the target is the mock and its ledger could
not be read, it fails.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from botagent.agent import KPI_PREVIEW_CONNECT, KPI_WAIT_FOR_POP
from botagent.report._fmt import counted, number, percent, short_list, threshold_value
from botagent.report._result import (
    CampaignStats,
    EndpointStats,
    Reconciliation,
    RunResult,
    ThresholdResult,
)
from botagent.wire import Endpoint

if TYPE_CHECKING:
    from botagent.profile import Bounds, CampaignBounds, Thresholds

_CAMPAIGN_KPIS = (KPI_WAIT_FOR_POP, KPI_PREVIEW_CONNECT)
"""The KPIs a campaign has: those that end with one of its calls."""

__all__ = ["breached", "evaluate_thresholds"]

_LATENCIES = ("p50", "p90", "p95", "p99", "max")
_LOG_IN_STEPS = (Endpoint.CONNECT, Endpoint.SET_STATION, Endpoint.DIALER_LOG_IN)
"""The requests an agent makes up to its Dialer log-in, in order."""


def evaluate_thresholds(
    thresholds: Thresholds, result: RunResult, *, during_run: bool = False
) -> list[ThresholdResult]:
    """Check the built-in checks and every limit set in ``thresholds`` against ``result``; pure, no I/O.

    Args:
        thresholds: the profile's ``thresholds`` section.
        result: the run so far, or the finished run; its ``judged_phase`` says which rows are judged.
        during_run: leave out the checks only a finished run can meet (built-in checks, ``min_count``,
            calls per agent, ledger reconciliation), for an ``abort_on_fail`` check while the run goes on.

    Returns:
        One result per check, in a stable order: the built-in checks, endpoint rows (in the judged
        rows' order, then named rows without samples there), KPI rows likewise, then overall error
        ratio, calls per agent, rule violations, ledger reconciliation, and the campaigns (those ``"*"``
        covers, then the named ones).
    """
    final = not during_run
    judged = _Judged(result, final)
    checks = _builtin_checks(thresholds, result) if final else []
    checks += _rows(thresholds.endpoints, judged, "endpoints")
    checks += _rows(thresholds.kpis, judged, "kpis")
    if thresholds.error_ratio is not None:
        checks.append(_overall_error_ratio(thresholds.error_ratio, judged))
    if thresholds.calls_per_agent.min is not None and final:
        checks.append(_calls_per_agent(thresholds.calls_per_agent.min, result))
    if thresholds.rule_violations is not None:
        checks.append(_rule_violations(thresholds.rule_violations, result))
    if thresholds.ledger_reconciles and final:
        checks.append(_ledger(result.reconciliation, result.ledger_expected))
    checks += _campaigns(thresholds.campaigns, result, final)
    return checks


def breached(results: Iterable[ThresholdResult]) -> list[ThresholdResult]:
    """The results that did not pass, in their order."""
    return [r for r in results if not r.passed]


class _Judged:
    """The rows the limits judge: those of the judged phase, or of the whole run.

    Args:
        result: the run, with its phases and ``judged_phase``.
        final: the run is over, so a limit with no sample in the phase may judge the whole run.
    """

    def __init__(self, result: RunResult, final: bool) -> None:
        self.result = result
        self.final = final
        self.phase = result.judged_phase
        stats = next((p for p in result.phases if p.phase == self.phase), None)
        self._phase_rows = {
            "endpoints": [] if stats is None else [r for r in stats.endpoints if r.count],
            "kpis": [] if stats is None else [r for r in stats.kpis if r.count],
        }

    def rows(self, kind: str) -> list[EndpointStats]:
        """The rows of ``kind`` (``endpoints`` or ``kpis``) a wildcard bound applies to."""
        whole: list[EndpointStats] = getattr(self.result, kind)
        return whole if self.phase is None else self._phase_rows[kind]

    def fallback(self, kind: str, name: str | None = None) -> tuple[list[EndpointStats], str]:
        """The whole run's rows of ``kind`` (only ``name``'s, if given) to judge instead of the phase's
        empty ones, with the note that says so; no rows while the run goes on or without samples."""
        whole = [r for r in getattr(self.result, kind) if r.count and name in (None, r.name)]
        if self.phase is None or not self.final or not whole:
            return [], ""
        return whole, f"no samples in the {self.phase} phase: judged over the whole run"


def _with_note(checks: list[ThresholdResult], note: str) -> list[ThresholdResult]:
    if not note:
        return checks
    return [dataclasses.replace(t, detail=f"{t.detail}; {note}" if t.detail else note) for t in checks]


def _rows(bounds_by_name: Mapping[str, Bounds], judged: _Judged, kind: str) -> list[ThresholdResult]:
    checks: list[ThresholdResult] = []
    wildcard = bounds_by_name.get("*")
    rows = judged.rows(kind)
    for row in rows:
        bounds = bounds_by_name.get(row.name, wildcard)
        if bounds is not None:
            checks.extend(_row_checks(row.name, bounds, row, judged.final))
    seen = {row.name for row in rows}
    for name, bounds in bounds_by_name.items():
        if name != "*" and name not in seen:
            whole, note = judged.fallback(kind, name)
            named = _row_checks(name, bounds, whole[0] if whole else None, judged.final)
            checks.extend(_with_note(named, note))
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


def _overall_error_ratio(limit: float, judged: _Judged) -> ThresholdResult:
    rows, note = judged.rows("endpoints"), ""
    if not rows:
        rows, note = judged.fallback("endpoints")
    total, failures = sum(r.count for r in rows), sum(r.failures for r in rows)
    observed = failures / total if total else None
    detail = f"{failures} of {counted(total, 'request')} failed"
    check = _at_most(f"error ratio <= {percent(limit)}", observed, limit, "no requests", detail)
    return _with_note([check], note)[0]


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
    problems = {
        "lost": rec.lost,
        "duplicated": rec.duplicated,
        "mismatched": rec.mismatched,
        "left connected": rec.left_connected,
    }
    detail = "; ".join(f"{kind}: {short_list(ids)}" for kind, ids in problems.items() if ids)
    count = sum(len(ids) for ids in problems.values())
    passed = count == 0
    return ThresholdResult(name="ledger reconciles", observed=count, limit=0, passed=passed, detail=detail)


def _campaigns(limits: Mapping[str, CampaignBounds], result: RunResult, final: bool) -> list[ThresholdResult]:
    named = {key: bounds for key, bounds in limits.items() if key != "*"}
    wildcard = limits.get("*")
    checks: list[ThresholdResult] = []
    for campaign in result.campaigns:
        if wildcard is not None and not any(campaign.matches(key) for key in named):
            checks += _campaign_checks(campaign.title, wildcard, campaign, result.duration, final)
    for key, bounds in named.items():
        found = next((c for c in result.campaigns if c.matches(key)), None)
        title = key if found is None else found.title
        checks += _campaign_checks(title, bounds, found, result.duration, final)
    return checks


def _campaign_checks(
    title: str, bounds: CampaignBounds, campaign: CampaignStats | None, seconds: float, final: bool
) -> list[ThresholdResult]:
    prefix = f"campaign {title}"
    seen = CampaignStats(id=title, name=title) if campaign is None else campaign
    checks: list[ThresholdResult] = []
    if bounds.login_refusals is not None:
        causes = ", ".join(cause if n == 1 else f"{cause} x{n}" for cause, n in seen.login_refusals.items())
        detail = f"{prefix}: log-in refused ({causes})" if causes else ""
        limit = bounds.login_refusals
        name = f"{prefix} log-in refusals <= {limit}"
        checks.append(_campaign_check(name, seen.refused, limit, seen.refused <= limit, detail))
    if bounds.calls.min is not None and final:
        detail = f"{prefix}: {counted(seen.popped, 'call')} popped in {seconds:.0f} s"
        minimum = bounds.calls.min
        passed = seen.popped >= minimum
        checks.append(_campaign_check(f"{prefix} calls >= {minimum}", seen.popped, minimum, passed, detail))
    if bounds.error_ratio is not None and final:
        checks.append(_campaign_error_ratio(prefix, bounds.error_ratio, seen))
    checks += _campaign_kpis(prefix, bounds.kpis, seen, final)
    return [dataclasses.replace(check, campaign=title) for check in checks]


def _campaign_check(name: str, observed: float, limit: float, passed: bool, detail: str) -> ThresholdResult:
    return ThresholdResult(name=name, observed=observed, limit=limit, passed=passed, detail=detail)


def _campaign_error_ratio(prefix: str, limit: float, campaign: CampaignStats) -> ThresholdResult:
    name = f"{prefix} error ratio <= {percent(limit)}"
    if not campaign.popped:
        return _at_most(name, None, limit, "no calls")
    detail = f"{prefix}: {campaign.undispositioned} of {counted(campaign.popped, 'call')} not dispositioned"
    return _at_most(name, campaign.error_ratio, limit, "", detail)


def _campaign_kpis(
    prefix: str, bounds_by_name: Mapping[str, Bounds], campaign: CampaignStats, final: bool
) -> list[ThresholdResult]:
    checks: list[ThresholdResult] = []
    wildcard = bounds_by_name.get("*")
    for kpi in _CAMPAIGN_KPIS:
        bounds = bounds_by_name.get(kpi, wildcard)
        if bounds is not None:
            checks += _row_checks(f"{prefix} {kpi}", bounds, campaign.kpi(kpi), final)
    return [_with_reason(check, prefix) for check in checks]


def _with_reason(check: ThresholdResult, prefix: str) -> ThresholdResult:
    """A failed campaign KPI check whose detail reads ``campaign X: wait-for-pop p95 <= 5 ms (got 7 ms)``."""
    if check.passed:
        return check
    what = check.name.removeprefix(prefix).strip()
    got = threshold_value(check, check.observed)
    return dataclasses.replace(check, detail=f"{prefix}: {what} (got {got})")


def _builtin_checks(thresholds: Thresholds, result: RunResult) -> list[ThresholdResult]:
    """The checks every run gets, whatever its profile (see the module docstring)."""
    if not thresholds.builtin_checks:
        return []
    checks = [_dialer_log_ins(result)]
    if thresholds.expect_calls:
        checks.append(_calls_dispositioned(result))
    relaxed = {name for name, b in thresholds.endpoints.items() if name != "*" and b.error_ratio is not None}
    checks.append(_no_endpoint_failing_every_request(result, relaxed))
    return checks


def _builtin(name: str, observed: int, limit: int, passed: bool, cause: str) -> ThresholdResult:
    detail = "" if passed else cause
    return ThresholdResult(
        name=name, observed=observed, limit=limit, passed=passed, detail=detail, builtin=True
    )


def _failed_every(row: EndpointStats) -> str:
    """``POST /connection failed 40 of 40 (HTTP 401)``."""
    causes = sorted(row.failure_causes.items(), key=lambda item: (-item[1], item[0]))
    why = ", ".join(cause if len(causes) == 1 else f"{cause} x{count}" for cause, count in causes)
    return f"{row.name} failed {row.failures} of {row.count}" + (f" ({why})" if why else "")


def _dialer_log_ins(result: RunResult) -> ThresholdResult:
    rows = {row.name: row for row in result.endpoints}
    log_in = rows.get(Endpoint.DIALER_LOG_IN)
    succeeded = 0 if log_in is None else log_in.count - log_in.failures
    cause = f"no agent logged in to Dialer: {_log_in_blocker(rows)}"
    return _builtin("Dialer log-ins >= 1", succeeded, 1, succeeded >= 1, cause)


def _log_in_blocker(rows: Mapping[str, EndpointStats]) -> str:
    """What kept every agent from logging in to Dialer: the first step whose every request failed."""
    for step in _LOG_IN_STEPS:
        row = rows.get(step)
        if row is not None and row.count and row.failures == row.count:
            return _failed_every(row)
    if not rows:
        return "no ICWS request was made"
    return f"{Endpoint.DIALER_LOG_IN} was never sent"


def _calls_dispositioned(result: RunResult) -> ThresholdResult:
    calls = result.calls
    cause = (
        f"no call was dispositioned ({calls.popped} popped, {counted(calls.agents, 'agent')};"
        " thresholds.expect_calls: false allows it)"
    )
    return _builtin("calls dispositioned >= 1", calls.dispositioned, 1, calls.dispositioned >= 1, cause)


def _no_endpoint_failing_every_request(result: RunResult, relaxed: set[str]) -> ThresholdResult:
    dead = [r for r in result.endpoints if r.count and r.failures == r.count and r.name not in relaxed]
    cause = "every request of an endpoint failed: " + "; ".join(_failed_every(row) for row in dead)
    return _builtin("no endpoint failed every request", len(dead), 0, not dead, cause)
