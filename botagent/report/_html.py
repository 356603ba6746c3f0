"""``report.html``: one self-contained page (inline CSS, charts as base64 data URIs) for people.

The page reads from the top down in the order a reader needs it:

1. the verdict, with what the run was (profile, target, start, duration, agents, exit code);
2. what failed: why the run stopped early (aborted or interrupted), breached thresholds, agent step
   errors, Dialer rule violations, and a ledger that does not reconcile; or one line saying nothing did;
3. the measurements: the phases, the endpoint and KPI tables of the phase the thresholds judged and of
   the whole run, the stop phase's log-off burst on its own, calls, the ledger, and the charts;
4. the thresholds that passed, folded in a ``<details>`` element.

Nothing is fetched from the network: the page opens the same from a CI artefact or an e-mail.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from html import escape
from pathlib import Path

from botagent.agent import KPI_PREVIEW_CONNECT, KPI_WAIT_FOR_POP
from botagent.report._exit import EXIT_INTERRUPTED, EXIT_OK, EXIT_RUN_ERROR, exit_code_for
from botagent.report._fmt import counted, iso_utc, moment, ms, number, percent, short_list, threshold_value
from botagent.report._result import (
    CampaignStats,
    EndpointStats,
    PhaseStats,
    Reconciliation,
    RunResult,
    StepErrorRecord,
    ThresholdResult,
)

__all__ = ["MAX_ROWS", "write_html_report"]

MAX_ROWS = 200
"""At most this many rule violations or step-error kinds are listed."""

_STATS = ("p50", "p90", "p95", "p99", "max", "mean")
_STOP_PHASE = "stop"
_CSS = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}
h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}
h3{margin:1.4em 0 .3em}
table{border-collapse:collapse;margin:.5em 0 1em;font-size:.9em}
th,td{border:1px solid #ddd;padding:.25em .6em;text-align:left}
th{background:#f5f5f5}
td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.fail td{background:#fdecea}
nav a{margin-right:1em}
.verdict{font-size:1.4em;font-weight:bold;padding:.5em 1em;border-radius:4px;color:#fff}
.why{font-weight:bold;margin:.4em 0 1em}
.pass{background:#2e7d32}.failed{background:#c62828}.error{background:#6d4c41}
.problem{background:#fdecea;border-left:4px solid #c62828;padding:.5em 1em}
.ok{background:#edf7ed;border-left:4px solid #2e7d32;padding:.5em 1em}
.note{color:#555;font-size:.9em}
details{margin:.5em 0 2em}summary{cursor:pointer;font-weight:bold}
img{max-width:100%;display:block;margin:.5em 0 1.5em}
"""


def write_html_report(
    result: RunResult,
    folder: Path,
    charts: Sequence[Path] = (),
    locust_html_name: str | None = None,
) -> Path:
    """Write ``report.html`` into ``folder`` (created if missing) and return its path.

    Args:
        result: the finished run, with its thresholds evaluated.
        folder: where to write.
        charts: PNG files to embed, in order; a missing file is skipped.
        locust_html_name: file name of Locust's own HTML report beside this one, linked if given.
    """
    folder.mkdir(parents=True, exist_ok=True)
    images = _charts(charts)
    sections = [
        _header(result, locust_html_name),
        _nav(with_charts=bool(images)),
        _failures(result),
        _measurements(result),
        images,
        _passes(result.thresholds),
    ]
    title = f"botagent: {result.profile_name}: {_verdict(result)[0]}"
    page = (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{_CSS}</style></head><body>\n" + "\n".join(sections) + "\n</body></html>\n"
    )
    path = folder / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


# --- the verdict ------------------------------------------------------------------------------------


def _verdict(result: RunResult) -> tuple[str, str]:
    code = exit_code_for(result)
    if code == EXIT_OK:
        return "PASS", "pass"
    if code == EXIT_INTERRUPTED:
        return "INTERRUPTED", "error"
    return ("ERROR", "error") if code == EXIT_RUN_ERROR else ("FAIL", "failed")


def _verdict_reason(result: RunResult) -> str:
    """Why the verdict is what it is, in a few words: ``stopped early; 2 of 5 thresholds breached``."""
    failed = sum(not t.passed for t in result.thresholds)
    reasons = []
    if result.aborted is not None:
        reasons.append("interrupted" if result.interrupted else "stopped early")
    reasons += [t.detail for t in result.thresholds if t.campaign and not t.passed and t.detail][:1]
    if failed:
        reasons.append(f"{failed} of {counted(len(result.thresholds), 'threshold')} breached")
    elif result.aborted is None:
        reasons.append("every threshold passed" if result.thresholds else "no threshold set")
    return "; ".join(reasons)


def _header(result: RunResult, locust_html_name: str | None) -> str:
    word, css = _verdict(result)
    facts = [
        ("Profile", result.profile_name),
        ("Target", result.target),
        ("Started", iso_utc(result.started_at)),
        ("Duration", f"{result.duration:.1f} s"),
        ("Agents", str(result.users)),
        ("Exit code", str(exit_code_for(result))),
        ("Thresholds judged", _judged_scope(result)),
    ]
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in facts)
    link = ""
    if locust_html_name:
        href = escape(locust_html_name, quote=True)
        link = f'<p>Locust\'s own report: <a href="{href}">{escape(locust_html_name)}</a></p>'
    return (
        f"<h1>botagent run report: {escape(result.profile_name)}</h1>\n"
        f'<div class="verdict {css}">{word}</div>\n<p class="why">{escape(_verdict_reason(result))}</p>\n'
        f"<table>{rows}</table>{link}"
    )


def _nav(with_charts: bool) -> str:
    sections = [("failures", "What failed"), ("measurements", "Measurements")]
    sections += [("charts", "Charts")] if with_charts else []
    sections += [("passes", "Passed thresholds")]
    return "<nav>" + "".join(f'<a href="#{key}">{title}</a>' for key, title in sections) + "</nav>"


def _judged_scope(result: RunResult) -> str:
    phase = _judged(result)
    return f"the {phase.phase} phase" if phase is not None else "the whole run"


# --- what failed ------------------------------------------------------------------------------------


def _failures(result: RunResult) -> str:
    parts = [
        _stopped_early(result),
        _breached(result.thresholds),
        _step_errors(result),
        _violations(result),
        _ledger_problem(result),
    ]
    found = [part for part in parts if part]
    body = "\n".join(found) if found else f'<p class="ok">{_nothing_failed(result)}</p>'
    return f'<h2 id="failures">What failed</h2>\n{body}'


def _nothing_failed(result: RunResult) -> str:
    ledger = ", and the ledger reconciles" if result.reconciliation is not None else ""
    thresholds = "every threshold passed" if result.thresholds else "no threshold was set"
    return f"Nothing failed: {thresholds}, no agent step failed, the server broke no Dialer rule{ledger}."


def _stopped_early(result: RunResult) -> str:
    if result.aborted is None:
        return ""
    how = "was interrupted (Ctrl-C or SIGTERM)" if result.interrupted else "stopped early"
    return f'<p class="problem"><b>The run {how}:</b> {escape(result.aborted)}</p>'


def _breached(thresholds: Sequence[ThresholdResult]) -> str:
    failed = [t for t in thresholds if not t.passed]
    if not failed:
        return ""
    rows = [(_threshold_row(t), True) for t in failed]
    table = _table(["Threshold", "Observed", "Limit", "Detail"], rows)
    return f"<h3>Breached thresholds ({len(failed)} of {len(thresholds)})</h3>\n{table}"


def _threshold_row(t: ThresholdResult) -> list[str]:
    return [t.name, threshold_value(t, t.observed), threshold_value(t, t.limit), t.detail]


def _step_errors(result: RunResult) -> str:
    errors = result.step_errors
    if not errors:
        return ""
    total = result.step_errors_total if result.step_errors_total is not None else len(errors)
    kinds: dict[tuple[str, int | None, str | None], list[StepErrorRecord]] = {}
    for e in errors:
        kinds.setdefault((e.step, e.status, e.error_id), []).append(e)
    ranked = sorted(kinds.values(), key=len, reverse=True)
    rows = [(_step_row(group), True) for group in ranked[:MAX_ROWS]]
    table = _table(["Step", "Status", "errorId", "Count", "Agents", "First message"], rows)
    more = _more(len(kinds) - MAX_ROWS, "kind of error", "kinds of error")
    kept = "" if total == len(errors) else f'<p class="note">The first {len(errors)} are grouped here.</p>'
    return f"<h3>Agent step errors ({total})</h3>\n{kept}{table}{more}"


def _step_row(group: list[StepErrorRecord]) -> list[str]:
    first = group[0]
    status = "-" if first.status is None else str(first.status)
    agents = len({e.agent for e in group})
    return [first.step, status, first.error_id or "", str(len(group)), str(agents), first.message]


def _violations(result: RunResult) -> str:
    violations = result.rule_violations
    if not violations:
        return ""
    rows = [([moment(v.at, result.started_at), v.agent, v.rule, v.detail], True) for v in violations]
    table = _table(["At", "Agent", "Rule", "Detail"], rows[:MAX_ROWS])
    more = _more(len(violations) - MAX_ROWS, "violation")
    return f"<h3>Dialer rule violations ({len(violations)})</h3>\n{table}{more}"


def _ledger_problem(result: RunResult) -> str:
    rec = result.reconciliation
    if rec is None:
        if not result.ledger_expected:
            return ""
        text = "The mock's ledger could not be read, so no call could be checked against it."
        return f'<h3>Ledger</h3>\n<p class="problem">{text}</p>'
    if rec.reconciles:
        return ""
    rows = [
        ([label, str(len(ids)), short_list(ids, 50)], True)
        for label, ids in (
            ("Lost", rec.lost),
            ("Duplicated", rec.duplicated),
            ("Mismatched", rec.mismatched),
            ("ACD interactions left connected", rec.acd_left_connected),
            ("ACD interactions left behind", rec.acd_lost),
        )
        if ids
    ]
    table = _table(["Problem", "Calls", "Interaction ids"], rows)
    return f"<h3>The ledger does not reconcile</h3>\n{table}"


# --- the measurements -------------------------------------------------------------------------------


def _measurements(result: RunResult) -> str:
    breached = _breached_rows(result.thresholds)
    judged = _judged(result)
    parts = ['<h2 id="measurements">Measurements</h2>', _phases(result)]
    if judged is not None:
        scope = f"{judged.phase} phase, judged by the thresholds"
        parts += _row_tables(scope, judged.endpoints, judged.kpis, breached)
    parts += _row_tables("whole run", result.endpoints, result.kpis, set() if judged else breached)
    burst = _phase(result, _STOP_PHASE)
    if burst is not None and burst is not judged and (burst.endpoints or burst.kpis):
        parts.append(f'<p class="note">{_BURST_NOTE}</p>')
        parts += _row_tables("stop phase: the log-off burst", burst.endpoints, burst.kpis, set())
    parts += [_calls(result), _campaigns(result), _switchovers(result), _ledger(result)]
    return "\n".join(part for part in parts if part)


_BURST_NOTE = (
    "When the test stops, every agent logs off, dispositions the call it holds and closes its session "
    "at once: that burst is shown on its own, and left out of the judged phase."
)


def _judged(result: RunResult) -> PhaseStats | None:
    return _phase(result, result.judged_phase) if result.judged_phase else None


def _phase(result: RunResult, name: str) -> PhaseStats | None:
    return next((p for p in result.phases if p.phase == name), None)


def _phases(result: RunResult) -> str:
    if not result.phases:
        return ""
    rows = [(_phase_row(p, result), False) for p in result.phases]
    table = _table(["Phase", "From", "To", "Duration", "ICWS requests", "Failed"], rows)
    return f"<h3>Phases</h3>\n{table}"


def _phase_row(phase: PhaseStats, result: RunResult) -> list[str]:
    ended = phase.ended if phase.ended is not None else result.duration
    name = f"{phase.phase} (judged)" if phase.phase == result.judged_phase else phase.phase
    requests = sum(e.count for e in phase.endpoints)
    failed = sum(e.failures for e in phase.endpoints)
    span = [f"+{phase.started:.1f} s", f"+{ended:.1f} s", f"{ended - phase.started:.1f} s"]
    return [name, *span, str(requests), str(failed)]


def _row_tables(
    scope: str, endpoints: Sequence[EndpointStats], kpis: Sequence[EndpointStats], breached: set[str]
) -> list[str]:
    return [
        f"<h3>ICWS endpoints, {escape(scope)}</h3>\n{_stats_table(endpoints, breached)}",
        f"<h3>Dialer KPIs, {escape(scope)}</h3>\n{_stats_table(kpis, breached)}",
    ]


def _breached_rows(thresholds: Sequence[ThresholdResult]) -> set[str]:
    """What breached thresholds are about: ``POST /dialer/disposition p95 <= 300 ms`` is about the row
    ``POST /dialer/disposition``; the overall ones (``error ratio <= 0%``) about no row."""
    rows = set()
    for t in thresholds:
        subject = t.name.partition(" <= ")[0].partition(" >= ")[0]
        for stat in _ROW_STATS:
            if not t.passed and subject.endswith(stat) and subject != stat.lstrip():
                rows.add(subject.removesuffix(stat))
    return rows


_ROW_STATS = (" p50", " p90", " p95", " p99", " max", " error ratio", " count")


def _stats_table(rows: Sequence[EndpointStats], breached: set[str]) -> str:
    if not rows:
        return "<p>None recorded.</p>"
    headers = ["Name", "Count", "Failures", "Error ratio", *(f"{s} ms" for s in _STATS), "Req/s"]
    body = [(_stats_row(r), r.failures > 0 or r.name in breached) for r in rows]
    return _table(headers, body)


def _stats_row(r: EndpointStats) -> list[str]:
    times = [ms(getattr(r, s)) for s in _STATS]
    return [r.name, str(r.count), str(r.failures), percent(r.error_ratio), *times, f"{r.rps:.2f}"]


def _calls(result: RunResult) -> str:
    c = result.calls
    facts = [
        ("Popped", str(c.popped)),
        ("Dispositioned", str(c.dispositioned)),
        ("Rescheduled", str(c.rescheduled)),
        ("Agents", str(c.agents)),
        ("Calls per agent", number(round(c.per_agent, 2))),
    ]
    if c.acd_handled:
        facts.append(("Inbound ACD interactions handled", str(c.acd_handled)))
    return "<h3>Calls</h3>\n" + _table(["", ""], [([k, v], False) for k, v in facts], header=False)


_CAMPAIGN_HEADERS = [
    "Campaign", "Log-ins", "Popped", "Placed", "Dispositioned", "Rescheduled", "Skipped",
    "Wait p50 ms", "Wait p95 ms", "Connect p95 ms", "Log-ins refused", "Step errors", "Labels",
]  # fmt: skip


def _campaigns(result: RunResult) -> str:
    """Each campaign as the bots saw it; a row is red when a breached threshold is about it."""
    if not result.campaigns:
        return ""
    breached = {t.campaign for t in result.thresholds if t.campaign and not t.passed}
    rows = [(_campaign_row(c), c.title in breached or c.refused > 0) for c in result.campaigns]
    return "<h3>Campaigns</h3>\n" + _table(_CAMPAIGN_HEADERS, rows)


def _campaign_row(c: CampaignStats) -> list[str]:
    wait, connect = c.kpi(KPI_WAIT_FOR_POP), c.kpi(KPI_PREVIEW_CONNECT)
    counts = [c.log_ins, c.popped, c.placed, c.dispositioned, c.rescheduled, c.skipped]
    times = [
        ms(wait.p50 if wait else None),
        ms(wait.p95 if wait else None),
        ms(connect.p95 if connect else None),
    ]
    refused = ", ".join(f"{cause} x{n}" for cause, n in c.login_refusals.items()) or "0"
    labels = ", ".join(f"{label} {n}" for label, n in c.labels.items())
    return [c.title, *(str(n) for n in counts), *times, refused, str(c.step_errors), labels]
def _switchovers(result: RunResult) -> str:
    """Each switchover of the mock pair: when, the agents it cut off, and when all worked again."""
    if not result.switchovers:
        return ""
    rows = [
        (
            [
                f"+{s.at:.1f} s",
                str(s.agents_lost),
                str(s.agents_back),
                "never" if s.recovered_after is None else f"{s.recovered_after:.1f} s",
                str(s.step_errors),
            ],
            s.recovered_after is None,
        )
        for s in result.switchovers
    ]
    headers = ["At", "Agents cut off", "Back at work", "All working again after", "Step errors from it"]
    return "<h3>Switchovers</h3>\n" + _table(headers, rows)


def _ledger(result: RunResult) -> str:
    rec: Reconciliation | None = result.reconciliation
    if rec is None:
        missing = "could not be read" if result.ledger_expected else "none: the target is not the mock"
        return f"<h3>Ledger</h3>\n<p>Ledger: {missing}.</p>"
    rows = [
        (["Ledger popped", str(rec.ledger_popped)], False),
        (["Ledger dispositioned", str(rec.ledger_dispositioned)], False),
        (["Bots dispositioned", str(rec.bot_dispositioned)], False),
        (["Lost", str(len(rec.lost))], bool(rec.lost)),
        (["Duplicated", str(len(rec.duplicated))], bool(rec.duplicated)),
        (["Mismatched", str(len(rec.mismatched))], bool(rec.mismatched)),
        (["Left connected after disposition", _ids(rec.left_connected)], bool(rec.left_connected)),
        (["Orphaned (session dropped by the server)", _ids(rec.orphaned)], False),
    ]
    if rec.acd_alerted:
        rows += [
            (["ACD interactions alerted", str(rec.acd_alerted)], False),
            (["ACD picked up and ended (bots saw)", f"{rec.acd_handled} ({rec.bot_acd_handled})"], False),
            (["ACD left connected", _ids(rec.acd_left_connected)], bool(rec.acd_left_connected)),
            (["ACD left behind", _ids(rec.acd_lost)], bool(rec.acd_lost)),
        ]
    verdict = "reconciles" if rec.reconciles else "<b>does not reconcile</b>"
    return f"<h3>Ledger</h3>\n<p>The ledger {verdict}.</p>" + _table(["", ""], rows, header=False)


def _ids(ids: Sequence[str]) -> str:
    return f"{len(ids)}  {short_list(ids, 50)}".strip()


def _charts(charts: Sequence[Path]) -> str:
    images = "".join(_image(path) for path in charts if path.is_file())
    if not images:
        return ""
    note = (
        '<p class="note">Every chart has the same time axis, seconds since the run started; a dashed '
        "line marks where each phase begins.</p>"
    )
    return f'<h2 id="charts">Charts</h2>\n{note}{images}'


# --- what passed ------------------------------------------------------------------------------------


def _passes(thresholds: Sequence[ThresholdResult]) -> str:
    heading = '<h2 id="passes">Passed thresholds</h2>\n'
    if not thresholds:
        return heading + "<p>No threshold set.</p>"
    passed = [t for t in thresholds if t.passed]
    if not passed:
        return heading + "<p>None passed.</p>"
    table = _table(["Threshold", "Observed", "Limit", "Detail"], [(_threshold_row(t), False) for t in passed])
    summary = f"{len(passed)} of {counted(len(thresholds), 'threshold')} passed"
    return f"{heading}<details><summary>{summary}</summary>\n{table}</details>"


# --- HTML pieces ------------------------------------------------------------------------------------


def _image(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{escape(path.stem.replace("_", " "))}">'


def _more(count: int, noun: str, plural: str | None = None) -> str:
    if count <= 0:
        return ""
    return f"<p>(+{counted(count, 'more ' + noun, plural and 'more ' + plural)} not listed)</p>"


def _table(headers: list[str], rows: list[tuple[list[str], bool]], header: bool = True) -> str:
    head = "<tr>" + "".join(f"<th>{escape(h)}</th>" for h in headers) + "</tr>" if header else ""
    body = "".join(
        ('<tr class="fail">' if failed else "<tr>") + "".join(_cell(c) for c in cells) + "</tr>"
        for cells, failed in rows
    )
    return f"<table>{head}{body}</table>"


def _cell(text: str) -> str:
    numeric = _NUMBER.fullmatch(text) is not None
    return f'<td class="n">{escape(text)}</td>' if numeric else f"<td>{escape(text)}</td>"


_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?( ?(%|ms|s))?")
"""A cell that is a number, maybe with its unit (``612 ms``, ``+30.0 s``, ``2.44%``): right-aligned."""
