"""The results of a run: Locust's stats and the run recorder as one `RunResult`, reconciled with the
mock's ledger and judged against the profile's thresholds; then the reports and the printed summary."""

from __future__ import annotations

import time
from pathlib import Path

from locust.env import Environment
from locust.stats import StatsEntry

from botagent.locust._ledger import read_ledger
from botagent.locust._recorder import RunRecorder
from botagent.locust._run import KPI_REQUEST_TYPE, DialerRun
from botagent.report import (
    CallTotals,
    EndpointStats,
    Reconciliation,
    RunResult,
    evaluate_thresholds,
    format_summary,
    reconcile,
    was_dispositioned,
    write_reports,
)

__all__ = [
    "build_result",
    "endpoint_stats",
    "final_result",
    "reconcile_with_ledger",
    "report_run",
]


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


def report_run(result: RunResult, environment: Environment, folder: Path) -> None:
    """Write the reports into ``folder`` and print the summary."""
    write_reports(result, folder, _stats_history_csv(environment), _locust_html(environment))
    print("\n" + format_summary(result) + f"\nreports: {folder}", flush=True)


def final_result(run: DialerRun, *, aborted: str | None, ledger_expected: bool) -> RunResult:
    """The whole run, reconciled with the mock's ledger and judged against the profile's thresholds."""
    target = run.target
    reconciliation = reconcile_with_ledger(run.recorder, target)
    result = build_result(
        run.environment, run.recorder, run.profile.name, target, reconciliation, ledger_expected
    )
    result.thresholds = evaluate_thresholds(run.profile.thresholds, result)
    result.aborted = aborted
    return result


def _peak_agents(recorder: RunRecorder) -> int:
    return max((sum(sample.counts.values()) for sample in recorder.states), default=0)


def _stats_history_csv(environment: Environment) -> Path | None:
    options = environment.parsed_options
    prefix = getattr(options, "csv_prefix", None)
    if prefix and getattr(options, "stats_history_enabled", False):
        return Path(f"{prefix}_stats_history.csv")
    return None


def _locust_html(environment: Environment) -> str | None:
    html_file = getattr(environment.parsed_options, "html_file", None)
    return Path(html_file).name if html_file else None
