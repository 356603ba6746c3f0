"""The results of a run: botagent's own samples and the run recorder as one `RunResult`, reconciled with
the mock's ledger and judged against the profile's thresholds; then the reports and the printed summary.

Endpoint and KPI rows come from botagent's histograms (`RunSamples`), for the whole run and for each
phase; Locust's statistics (rounded percentiles, ICWS requests only) feed Locust's own reports.
"""

from __future__ import annotations

import time
from pathlib import Path

from locust.env import Environment

from botagent.agent import KPI_ACD_TALK
from botagent.locust._campaigns import KpiRow
from botagent.locust._follow import reconcile_the_rest
from botagent.locust._phases import PhaseSpan
from botagent.locust._recorder import RunRecorder
from botagent.locust._run import KPI_REQUEST_TYPE, REQUEST_TYPE, DialerRun
from botagent.locust._samples import PhaseSamples, RowSamples
from botagent.report import (
    PHASES,
    CallTotals,
    EndpointStats,
    LatencyHistogram,
    PhaseStats,
    Reconciliation,
    RunResult,
    StepErrorRecord,
    SwitchoverOutcome,
    distinct_switchovers,
    evaluate_thresholds,
    format_summary,
    switchover_outcome,
    write_reports,
)

__all__ = [
    "build_result",
    "final_result",
    "reconcile_with_ledger",
    "report_run",
    "row_stats",
]


def row_stats(request_type: str, name: str, row: RowSamples, seconds: float) -> EndpointStats:
    """One endpoint's or KPI's samples as `EndpointStats`; ``rps`` is per second of ``seconds``."""
    latency = row.latency
    return EndpointStats(
        request_type=request_type,
        name=name,
        count=row.count,
        failures=row.failures,
        p50=latency.percentile(0.5),
        p90=latency.percentile(0.9),
        p95=latency.percentile(0.95),
        p99=latency.percentile(0.99),
        max=latency.maximum if latency.count else None,
        mean=latency.mean,
        rps=row.count / seconds if seconds > 0 else 0.0,
        failure_causes=dict(row.causes),
    )


def _rows(samples: PhaseSamples, seconds: float) -> tuple[list[EndpointStats], list[EndpointStats]]:
    """The endpoint rows and the KPI rows of ``samples``, each sorted by name."""
    endpoints = [row_stats(REQUEST_TYPE, n, row, seconds) for n, row in sorted(samples.endpoints.items())]
    kpis = [row_stats(KPI_REQUEST_TYPE, n, row, seconds) for n, row in sorted(samples.kpis.items())]
    return endpoints, kpis


def build_result(run: DialerRun, reconciliation: Reconciliation | None, ledger_expected: bool) -> RunResult:
    """Gather the run: endpoint and KPI rows (whole run and per phase), calls, errors, violations,
    states, timeline and reconciliation; `RunResult.judged_phase` is the profile's ``thresholds.phase``.
    """
    recorder = run.recorder
    duration = time.time() - recorder.started_at
    endpoints, kpis = _rows(recorder.samples.whole_run(), duration)
    phase = run.profile.thresholds.phase
    switchovers, step_errors = _switchovers(run)
    uncounted = len(recorder.step_errors) - len(step_errors)
    return RunResult(
        profile_name=run.profile.name,
        target=run.target,
        started_at=recorder.started_at,
        duration=duration,
        users=_peak_agents(recorder),
        endpoints=endpoints,
        kpis=kpis,
        step_errors=step_errors,
        step_errors_total=recorder.step_error_total - uncounted,
        rule_violations=list(recorder.violations),
        calls=_call_totals(recorder, _kpi_count(recorder.samples.whole_run(), KPI_ACD_TALK)),
        reconciliation=reconciliation,
        ledger_expected=ledger_expected,
        states=recorder.states.samples(),
        phases=_phase_stats(recorder, duration),
        judged_phase=None if phase == "all" else phase,
        harness=recorder.health,
        timeline=recorder.timeline.points(),
        campaigns=recorder.campaigns.stats(_campaign_kpi_row(duration)),
        switchovers=switchovers,
    )


def _campaign_kpi_row(seconds: float) -> KpiRow:
    """Makes a campaign's KPI row from its histogram, its rate per second of ``seconds``."""

    def row(name: str, latency: LatencyHistogram) -> EndpointStats:
        return row_stats(KPI_REQUEST_TYPE, name, RowSamples(latency=latency), seconds)

    return row


def _switchovers(run: DialerRun) -> tuple[list[SwitchoverOutcome], list[StepErrorRecord]]:
    """Each switchover's outcome, and the step errors no switchover caused."""
    recorder = run.recorder
    outcomes: list[SwitchoverOutcome] = []
    step_errors = list(recorder.step_errors)
    for switched_at in distinct_switchovers(recorder.switchovers, run.profile.switchover.ride_through):
        outcome, step_errors = switchover_outcome(
            switched_at,
            recorder.started_at,
            recorder.sessions_lost,
            recorder.back_at_work,
            step_errors,
            run.profile.switchover.ride_through,
        )
        outcomes.append(outcome)
    return outcomes, step_errors


def _call_totals(recorder: RunRecorder, acd_handled: int) -> CallTotals:
    return CallTotals(
        popped=recorder.calls_popped,
        dispositioned=recorder.calls_dispositioned,
        rescheduled=recorder.calls_rescheduled,
        agents=len(recorder.agents_seen),
        acd_handled=acd_handled,
    )


def _phase_stats(recorder: RunRecorder, duration: float) -> list[PhaseStats]:
    """Each phase this process went through, or that a worker sent samples of, in `PHASES` order."""
    spans = {span.phase: span for span in recorder.phases.spans()}
    stats: list[PhaseStats] = []
    for phase in PHASES:
        samples = recorder.samples.phases.get(phase)
        if phase not in spans and samples is None:
            continue
        # A phase only a worker saw (it cannot be dated here) is shown from the end of the one before.
        since = (stats[-1].ended or stats[-1].started) if stats else 0.0
        span = spans.get(phase) or PhaseSpan(phase=phase, started=since, ended=None)
        seconds = (duration if span.ended is None else span.ended) - span.started
        endpoints, kpis = _rows(samples or PhaseSamples(), seconds)
        stats.append(
            PhaseStats(phase=phase, started=span.started, ended=span.ended, endpoints=endpoints, kpis=kpis)
        )
    return stats


def reconcile_with_ledger(recorder: RunRecorder, target: str) -> Reconciliation | None:
    """The bots' calls against the ledger of the mock at ``target``; None when it has no ledger.

    The calls and entries met as the run went are reconciled already (``_follow.py``); this reads the
    rest."""
    bot_handled = _kpi_count(recorder.samples.whole_run(), KPI_ACD_TALK)
    return reconcile_the_rest(target, recorder.reconciliation, bot_handled)


def _kpi_count(samples: PhaseSamples, name: str) -> int:
    row = samples.kpis.get(name)
    return row.count if row is not None else 0


def report_run(result: RunResult, environment: Environment, folder: Path) -> None:
    """Write the reports into ``folder`` and print the summary."""
    write_reports(result, folder, _locust_html(environment))
    print("\n" + format_summary(result) + f"\nreports: {folder}", flush=True)


def final_result(
    run: DialerRun, *, aborted: str | None, interrupted: bool = False, ledger_expected: bool
) -> RunResult:
    """The whole run, reconciled with the mock's ledger and judged against the profile's thresholds.

    Args:
        run: this process's run (on a master, with every worker's reports merged).
        aborted: why the run stopped early, or None.
        interrupted: it stopped for Ctrl-C or SIGTERM (``aborted`` says which).
        ledger_expected: the target is the mock, so the run must reconcile with its ledger.
    """
    reconciliation = reconcile_with_ledger(run.recorder, run.target)
    result = build_result(run, reconciliation, ledger_expected)
    result.thresholds = evaluate_thresholds(run.profile.thresholds, result)
    result.aborted = aborted
    result.interrupted = interrupted
    return result


def _peak_agents(recorder: RunRecorder) -> int:
    return recorder.states.most_agents()


def _locust_html(environment: Environment) -> str | None:
    html_file = getattr(environment.parsed_options, "html_file", None)
    return Path(html_file).name if html_file else None
