"""The end-of-run console summary: plain aligned text that reads well in a terminal and in CI logs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from botagent.agent import KPI_PREVIEW_CONNECT, KPI_WAIT_FOR_POP
from botagent.report._exit import EXIT_INTERRUPTED, EXIT_OK, EXIT_RUN_ERROR, exit_code_for
from botagent.report._fmt import counted, iso_utc, ms, number, short_list, threshold_value
from botagent.report._harness import HarnessHealth
from botagent.report._result import (
    EndpointStats,
    Reconciliation,
    RuleViolationRecord,
    RunResult,
    StepErrorRecord,
    SwitchoverOutcome,
    ThresholdResult,
)

__all__ = ["format_summary"]

MAX_LINES = 10
"""At most this many rule violations and step-error kinds are listed."""

_RED, _GREEN, _BOLD, _RESET = "\033[31m", "\033[32m", "\033[1m", "\033[0m"
_STATS = ("mean", "p50", "p95", "p99", "max")
WIDTH = 110
"""The endpoint and KPI tables fit a terminal this many columns wide; a longer name is shortened."""
_NUMBERS = 71
"""Columns the numbers of a table row take: count, fail, req/s and the five times, two spaces apart."""


def format_summary(result: RunResult, color: bool = False) -> str:
    """The end-of-run summary as text: tables, calls, ledger, findings, thresholds and the verdict.

    Args:
        result: the finished run, with its thresholds already evaluated.
        color: add ANSI colours to PASS/FAIL and the verdict (only for a terminal).
    """
    names = [len("ICWS endpoint"), *(len(r.name) for r in [*result.endpoints, *result.kpis])]
    width = min(max(names), WIDTH - _NUMBERS)
    parts = [
        _header(result),
        _table("ICWS endpoint", result.endpoints, width, "req/s"),
        _table("Dialer KPI", result.kpis, width, "per s"),
        _campaigns(result),
        _calls(result),
        *(_switchover(outcome) for outcome in result.switchovers),
        _violations(result.rule_violations),
        _step_errors(result.step_errors),
        _harness(result.harness),
        _thresholds(result.thresholds, color),
        _verdict(result, color),
    ]
    return "\n\n".join(p for p in parts if p) + "\n"


def _switchover(outcome: SwitchoverOutcome) -> str:
    """``Switchover at 15.2 s: 200 agents lost their session; all working again after 2.1 s ...``"""
    lost = f"Switchover at {outcome.at:.1f} s: {counted(outcome.agents_lost, 'agent')} lost their session"
    if outcome.recovered_after is None:
        back = f"only {outcome.agents_back} working again by the end"
    else:
        back = f"all working again after {outcome.recovered_after:.1f} s"
    return f"{lost}; {back} ({counted(outcome.step_errors, 'step error')} from it, not counted below)"


def _header(result: RunResult) -> str:
    return (
        f'botagent run of profile "{result.profile_name}" against {result.target}\n'
        f"started {iso_utc(result.started_at)}, ran {result.duration:.1f} s"
        f" with {counted(result.users, 'agent')}"
    )


def _table(title: str, rows: Sequence[EndpointStats], width: int, rate: str) -> str:
    """One aligned table: name, count, failures, ``rate`` (per second), then mean and percentiles."""
    if not rows:
        return f"{title}s: none recorded"
    times = "".join(f"  {s + ' ms':>7}" for s in _STATS)
    lines = [f"{title:<{width}}  {'count':>7}  {'fail':>6}  {rate:>7}{times}"]
    for r in rows:
        cells = "".join(f"  {ms(getattr(r, s)):>7}" for s in _STATS)
        name = _shorten(r.name, width)
        lines.append(f"{name:<{width}}  {r.count:>7}  {r.failures:>6}  {_rate(r.rps):>7}{cells}")
    return "\n".join(lines)


def _shorten(name: str, width: int) -> str:
    """``name`` cut in the middle to ``width`` characters, at slashes where it can: the method and the
    path's first part, ``…``, and the path's end (``DELETE /messaging…/status/user-statuses``)."""
    if len(name) <= width:
        return name
    room = width - 1
    cut = name.rfind("/", 0, room // 2 + 1)
    head = name[:cut] if cut > 0 else name[: room // 2]
    start = name.find("/", len(name) - (room - len(head)))
    tail = name[start:] if start != -1 else name[len(name) - (room - len(head)) :]
    return f"{head}…{tail}"


def _rate(per_second: float) -> str:
    """Requests per second with about three significant digits: ``0.25``, ``12.5``, ``240``."""
    if per_second >= 100:
        return f"{per_second:.0f}"
    return f"{per_second:.1f}" if per_second >= 10 else f"{per_second:.2f}"


_CAMPAIGN_COLUMNS = ("popped", "placed", "disp", "resched", "skipped", "wait50", "wait95", "conn95")
_CAMPAIGN_TAIL = ("refused", "errors")
_CAMPAIGN_CELL = 7
_CAMPAIGN_LEGEND = "(wait: wait-for-pop, conn: preview-connect, in ms)"


def _campaigns(result: RunResult) -> str:
    """The campaign table: calls, waits (ms) and refusals per campaign, from the bots' own view; then
    the campaigns a threshold names that no bot saw."""
    unseen = [t.campaign for t in result.thresholds if t.campaign and not _seen(result, t.campaign)]
    if not result.campaigns and not unseen:
        return ""
    names = (*_CAMPAIGN_COLUMNS, *_CAMPAIGN_TAIL)
    numbers = len(names) * (_CAMPAIGN_CELL + 2)
    width = min(max([len("Campaign"), *(len(c.title) for c in result.campaigns)]), WIDTH - numbers)
    columns = "".join(f"  {name:>{_CAMPAIGN_CELL}}" for name in names)
    lines = [f"{'Campaign':<{width}}{columns}", _CAMPAIGN_LEGEND] if result.campaigns else []
    for c in result.campaigns:
        wait, connect = c.kpi(KPI_WAIT_FOR_POP), c.kpi(KPI_PREVIEW_CONNECT)
        cells: list[object] = [c.popped, c.placed, c.dispositioned, c.rescheduled, c.skipped]
        cells += [ms(wait.p50 if wait else None), ms(wait.p95 if wait else None)]
        cells += [ms(connect.p95 if connect else None), c.refused, c.step_errors]
        row = "".join(f"  {cell!s:>{_CAMPAIGN_CELL}}" for cell in cells)
        lines.append(f"{_shorten(c.title, width):<{width}}{row}")
    seen = ", ".join(c.title for c in result.campaigns) or "none"
    lines += [
        f"warning: thresholds.campaigns[{name!r}]: no agent saw this campaign in a pop or a log-in;"
        f" check its name (seen: {seen})"
        for name in dict.fromkeys(unseen)
    ]
    return "\n".join(lines)


def _seen(result: RunResult, title: str) -> bool:
    return any(c.title == title for c in result.campaigns)


def _calls(result: RunResult) -> str:
    c = result.calls
    line = (
        f"Calls: {c.popped} popped, {c.dispositioned} dispositioned, {c.rescheduled} rescheduled"
        f" by {counted(c.agents, 'agent')} ({number(round(c.per_agent, 2))} per agent)"
    )
    if c.acd_handled:
        line += f"; {counted(c.acd_handled, 'inbound ACD interaction')} handled"
    return line if result.reconciliation is None else f"{line}\n{_ledger(result.reconciliation)}"


def _ledger(rec: Reconciliation) -> str:
    verdict = "reconciles" if rec.reconciles else "DOES NOT reconcile"
    lines = [
        f"Ledger {verdict}: {rec.ledger_popped} popped, {rec.ledger_dispositioned} dispositioned"
        f" (bots dispositioned {rec.bot_dispositioned})"
    ]
    for label, ids in (("lost", rec.lost), ("duplicated", rec.duplicated), ("mismatched", rec.mismatched)):
        lines.append(f"  {label:<10} {len(ids):>5}" + (f"  {short_list(ids)}" if ids else ""))
    if rec.left_connected:
        listed = short_list(rec.left_connected)
        lines.append(
            f"  {'connected':<10} {len(rec.left_connected):>5}  {listed} (left connected after disposition)"
        )
    if rec.acd_alerted:
        lines.append(
            f"  ACD: {rec.acd_alerted} alerted, {rec.acd_handled} picked up and ended"
            f" (bots saw {rec.bot_acd_handled} end)"
            + (f", {rec.acd_orphaned} orphaned (session dropped by the server)" if rec.acd_orphaned else "")
        )
    for label, ids in (("ACD connected", rec.acd_left_connected), ("ACD lost", rec.acd_lost)):
        if ids:
            lines.append(f"  {label:<10} {len(ids):>5}  {short_list(ids)}")
    if rec.orphaned:
        listed = short_list(rec.orphaned)
        lines.append(f"  {'orphaned':<10} {len(rec.orphaned):>5}  {listed} (session dropped by the server)")
    return "\n".join(lines)


def _harness(health: HarnessHealth) -> str:
    """One line on the harness's own delays, and a warning when they reach the latency tail."""
    if health.empty:
        return ""
    lag = health.timer_lag
    line = (
        f"Harness: timer lag p50 {_ms(lag.percentile(0.5))}, p99 {_ms(lag.percentile(0.99))},"
        f" max {_ms(lag.maximum if lag.count else None)}"
    )
    full = health.gc_pauses.get(2)
    collections = sum(pauses.count for pauses in health.gc_pauses.values())
    line += f"; {counted(collections, 'GC pause')}, longest {_ms(health.longest_gc_pause)}"
    if full is not None and full.count:
        line += f" ({counted(full.count, 'full collection')})"
    share = health.arrival_stamped_share
    if share is not None:
        line += f"; {share:.0%} of response times end at the answer's arrival"
    warning = health.tail_warning()
    return line if warning is None else f"{line}\n  warning: {warning}"


def _ms(value: float | None) -> str:
    shown = ms(value)
    return shown if shown == "-" else f"{shown} ms"


def _violations(violations: Sequence[RuleViolationRecord]) -> str:
    if not violations:
        return "Rule violations: none"
    lines = [f"Rule violations: {len(violations)}"]
    lines += [f"  {v.rule}  {v.agent}  {v.detail}" for v in violations[:MAX_LINES]]
    if len(violations) > MAX_LINES:
        lines.append(f"  (+{len(violations) - MAX_LINES} more)")
    return "\n".join(lines)


def _step_errors(errors: Sequence[StepErrorRecord]) -> str:
    if not errors:
        return "Agent step errors: none"
    kinds = Counter((e.step, e.status, e.error_id) for e in errors)
    example = {(e.step, e.status, e.error_id): e.message for e in reversed(errors)}
    lines = [f"Agent step errors: {len(errors)} ({counted(len(kinds), 'kind')})"]
    for (step, status, error_id), count in kinds.most_common(MAX_LINES):
        status_text = "no response" if status is None else str(status)
        error_text = f" {error_id}" if error_id else ""
        lines.append(f"  {count:>6} x {step} {status_text}{error_text}: {example[(step, status, error_id)]}")
    if len(kinds) > MAX_LINES:
        lines.append(f"  (+{counted(len(kinds) - MAX_LINES, 'more kind')})")
    return "\n".join(lines)


def _thresholds(results: Sequence[ThresholdResult], color: bool) -> str:
    if not results:
        return "Thresholds: none set"
    failed = sum(not t.passed for t in results)
    width = max(len(t.name) for t in results)
    lines = [f"Thresholds: {len(results) - failed} passed, {failed} failed"]
    for t in results:
        mark = _paint("PASS", _GREEN, color) if t.passed else _paint("FAIL", _RED, color)
        line = f"  {mark}  {t.name:<{width}}  {threshold_value(t, t.observed):>10}"
        lines.append(f"{line}  {t.detail}".rstrip())
    return "\n".join(lines)


def _verdict(result: RunResult, color: bool) -> str:
    code = exit_code_for(result)
    text, tone = _verdict_text(result, code)
    return _paint(f"{text} (exit code {code})", _BOLD + tone, color)


def _verdict_text(result: RunResult, code: int) -> tuple[str, str]:
    """The result line without its exit code, and its colour.

    A failed campaign check is named first, with its reason ("campaign Spring Sales: 0 calls popped in
    60 s"); else a failed built-in check, with its cause ("no agent logged in to Dialer: ...").
    """
    if code == EXIT_OK:
        calls = [t.detail for t in result.thresholds if t.campaign and " calls >= " in t.name and t.detail]
        return "RESULT: PASS, " + "; ".join([_all_passed(len(result.thresholds)), *calls[:3]]), _GREEN
    if code == EXIT_RUN_ERROR:
        return f"RESULT: ERROR, the run did not complete: {result.aborted}", _RED
    failed = sum(not t.passed for t in result.thresholds)
    breached = f"{failed} of {counted(len(result.thresholds), 'threshold')} breached"
    if code == EXIT_INTERRUPTED:
        stopped = f"the run was {result.aborted or 'interrupted'} after {result.duration:.1f} s"
        return f"RESULT: INTERRUPTED, {stopped}" + (f"; {breached}" if failed else ""), _RED
    causes = [t.detail for t in result.thresholds if t.campaign and not t.passed and t.detail][:1]
    causes += [t.detail for t in result.thresholds if t.builtin and not t.passed][: 1 - len(causes)]
    reason = [result.aborted] if result.aborted else []
    return "RESULT: FAIL, " + "; ".join([*causes, breached, *reason]), _RED


def _all_passed(count: int) -> str:
    if count == 0:
        return "no threshold set"
    return "1 threshold passed" if count == 1 else f"all {count} thresholds passed"


def _paint(text: str, code: str, color: bool) -> str:
    return f"{code}{text}{_RESET}" if color else text
