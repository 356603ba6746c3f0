"""Turn Locust's stats and the run recorder into one `RunResult`."""

from __future__ import annotations

import time

from locust.env import Environment
from locust.stats import StatsEntry

from botagent.locust._ledger import read_ledger
from botagent.locust._recorder import RunRecorder
from botagent.report import (
    CallTotals,
    EndpointStats,
    Reconciliation,
    RunResult,
    reconcile,
    was_dispositioned,
)

__all__ = ["KPI_REQUEST_TYPE", "REQUEST_TYPE", "build_result", "endpoint_stats", "reconcile_with_ledger"]

REQUEST_TYPE = "ICWS"
KPI_REQUEST_TYPE = "DIALER"


def endpoint_stats(entry: StatsEntry) -> EndpointStats:
    """One Locust stats row as `EndpointStats`."""
    has_samples = entry.num_requests > 0

    def percentile(fraction: float) -> float | None:
        return float(entry.get_response_time_percentile(fraction)) if has_samples else None

    return EndpointStats(
        request_type=entry.method or "",
        name=entry.name,
        count=entry.num_requests,
        failures=entry.num_failures,
        p50=percentile(0.5),
        p90=percentile(0.9),
        p95=percentile(0.95),
        p99=percentile(0.99),
        max=float(entry.max_response_time) if has_samples else None,
        mean=float(entry.avg_response_time) if has_samples else None,
        rps=float(entry.total_rps),
    )


def build_result(
    environment: Environment,
    recorder: RunRecorder,
    profile_name: str,
    target: str,
    reconciliation: Reconciliation | None,
    ledger_expected: bool = False,
) -> RunResult:
    """Gather the run: endpoint and KPI rows, calls, errors, violations, states, reconciliation."""
    rows = [endpoint_stats(entry) for entry in environment.stats.entries.values()]
    calls = [bot_call.call for bot_call in recorder.calls]
    return RunResult(
        profile_name=profile_name,
        target=target,
        started_at=recorder.started_at,
        duration=time.time() - recorder.started_at,
        users=_peak_agents(recorder),
        endpoints=sorted((r for r in rows if r.request_type != KPI_REQUEST_TYPE), key=lambda r: r.name),
        kpis=sorted((r for r in rows if r.request_type == KPI_REQUEST_TYPE), key=lambda r: r.name),
        step_errors=list(recorder.step_errors),
        step_errors_total=recorder.step_error_total,
        rule_violations=list(recorder.violations),
        calls=CallTotals(
            popped=len(calls),
            dispositioned=sum(1 for call in calls if was_dispositioned(call)),
            rescheduled=sum(1 for call in calls if call.scheduled_time),
            agents=len(recorder.agents_seen),
        ),
        reconciliation=reconciliation,
        ledger_expected=ledger_expected,
        states=list(recorder.states),
    )


def reconcile_with_ledger(recorder: RunRecorder, target: str) -> Reconciliation | None:
    """The bots' calls against the ledger of the mock at ``target``; None when it has no ledger."""
    ledger = read_ledger(target)
    if ledger is None:
        return None
    calls = [bot_call.call for bot_call in recorder.calls]
    return reconcile(calls, ledger, agents=recorder.agents_seen, since=recorder.started_at - 1)


def _peak_agents(recorder: RunRecorder) -> int:
    return max((sum(sample.counts.values()) for sample in recorder.states), default=0)
