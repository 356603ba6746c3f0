"""``report.html``: one self-contained page (inline CSS, charts as base64 data URIs) for people."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from html import escape
from pathlib import Path

from botagent.report._exit import EXIT_OK, EXIT_RUN_ERROR, exit_code_for
from botagent.report._fmt import counted, iso_utc, moment, ms, number, percent, short_list, threshold_value
from botagent.report._result import EndpointStats, Reconciliation, RunResult, StepErrorRecord, ThresholdResult

__all__ = ["MAX_ROWS", "write_html_report"]

MAX_ROWS = 200
"""At most this many rule violations or step-error kinds are listed."""

_STATS = ("p50", "p90", "p95", "p99", "max", "mean")
_CSS = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:.9em}
th,td{border:1px solid #ddd;padding:.25em .6em;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.fail td{background:#fdecea}
.verdict{font-size:1.4em;font-weight:bold;padding:.5em 1em;border-radius:4px;color:#fff}
.pass{background:#2e7d32}.failed{background:#c62828}.error{background:#6d4c41}
img{max-width:100%;display:block;margin:1em 0}
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
    sections = [
        _header(result, locust_html_name),
        _thresholds(result),
        "".join(_image(path) for path in charts if path.is_file()),
        _section("ICWS endpoints", _stats_table(result.endpoints)),
        _section("Dialer KPIs", _stats_table(result.kpis)),
        _calls(result),
        _ledger(result.reconciliation),
        _violations(result),
        _step_errors(result.step_errors),
    ]
    title = f"botagent: {result.profile_name}: {_verdict(result)[0]}"
    page = (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{_CSS}</style></head><body>\n" + "\n".join(sections) + "\n</body></html>\n"
    )
    path = folder / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


def _verdict(result: RunResult) -> tuple[str, str]:
    code = exit_code_for(result)
    if code == EXIT_OK:
        return "PASS", "pass"
    return ("ERROR", "error") if code == EXIT_RUN_ERROR else ("FAIL", "failed")


def _header(result: RunResult, locust_html_name: str | None) -> str:
    word, css = _verdict(result)
    facts = [
        ("Profile", result.profile_name),
        ("Target", result.target),
        ("Started", iso_utc(result.started_at)),
        ("Duration", f"{result.duration:.1f} s"),
        ("Agents", str(result.users)),
        ("Exit code", str(exit_code_for(result))),
    ]
    if result.aborted:
        facts.append(("Aborted", result.aborted))
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in facts)
    link = ""
    if locust_html_name:
        href = escape(locust_html_name, quote=True)
        link = f'<p>Locust\'s own report: <a href="{href}">{escape(locust_html_name)}</a></p>'
    return (
        f'<h1>botagent run report</h1>\n<div class="verdict {css}">{word}</div>\n<table>{rows}</table>{link}'
    )


def _thresholds(result: RunResult) -> str:
    if not result.thresholds:
        return _section("Thresholds", "<p>No threshold set.</p>")
    rows = [(_threshold_row(t), not t.passed) for t in result.thresholds]
    return _section("Thresholds", _table(["Result", "Threshold", "Observed", "Limit", "Detail"], rows))


def _threshold_row(t: ThresholdResult) -> list[str]:
    verdict = "PASS" if t.passed else "FAIL"
    return [verdict, t.name, threshold_value(t, t.observed), threshold_value(t, t.limit), t.detail]


def _stats_table(rows: Sequence[EndpointStats]) -> str:
    if not rows:
        return "<p>None recorded.</p>"
    headers = ["Name", "Count", "Failures", "Error ratio", *(f"{s} ms" for s in _STATS), "Req/s"]
    body = [(_stats_row(r), r.failures > 0) for r in rows]
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
    return _section("Calls", _table(["", ""], [([k, v], False) for k, v in facts], header=False))


def _ledger(rec: Reconciliation | None) -> str:
    if rec is None:
        return _section("Ledger reconciliation", "<p>No ledger: the target is not the mock.</p>")
    rows = [
        (["Ledger popped", str(rec.ledger_popped)], False),
        (["Ledger dispositioned", str(rec.ledger_dispositioned)], False),
        (["Bots dispositioned", str(rec.bot_dispositioned)], False),
    ]
    for label, ids in (("Lost", rec.lost), ("Duplicated", rec.duplicated), ("Mismatched", rec.mismatched)):
        rows.append(([label, f"{len(ids)}  {short_list(ids, 50)}".strip()], bool(ids)))
    orphaned = f"{len(rec.orphaned)}  {short_list(rec.orphaned, 50)}".strip()
    rows.append((["Orphaned (session dropped by the server)", orphaned], False))
    verdict = "reconciles" if rec.reconciles else "<b>does not reconcile</b>"
    body = f"<p>The ledger {verdict}.</p>" + _table(["", ""], rows, header=False)
    return _section("Ledger reconciliation", body)


def _violations(result: RunResult) -> str:
    violations = result.rule_violations
    if not violations:
        return _section("Rule violations", "<p>None.</p>")
    rows = [([moment(v.at, result.started_at), v.agent, v.rule, v.detail], True) for v in violations]
    table = _table(["At", "Agent", "Rule", "Detail"], rows[:MAX_ROWS])
    more = _more(len(violations) - MAX_ROWS, "violation")
    return _section(f"Rule violations ({len(violations)})", table + more)


def _step_errors(errors: Sequence[StepErrorRecord]) -> str:
    if not errors:
        return _section("Agent step errors", "<p>None.</p>")
    kinds: dict[tuple[str, int | None, str | None], list[StepErrorRecord]] = {}
    for e in errors:
        kinds.setdefault((e.step, e.status, e.error_id), []).append(e)
    ranked = sorted(kinds.values(), key=len, reverse=True)
    rows = [(_step_row(group), True) for group in ranked[:MAX_ROWS]]
    table = _table(["Step", "Status", "errorId", "Count", "Agents", "First message"], rows)
    more = _more(len(kinds) - MAX_ROWS, "kind of error", "kinds of error")
    return _section(f"Agent step errors ({len(errors)})", table + more)


def _step_row(group: list[StepErrorRecord]) -> list[str]:
    first = group[0]
    status = "-" if first.status is None else str(first.status)
    agents = len({e.agent for e in group})
    return [first.step, status, first.error_id or "", str(len(group)), str(agents), first.message]


def _image(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{escape(path.stem.replace("_", " "))}">'


def _section(title: str, body: str) -> str:
    return f"<h2>{escape(title)}</h2>\n{body}"


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
    numeric = text.replace(".", "", 1).replace("%", "").replace("-", "", 1).isdigit()
    return f'<td class="n">{escape(text)}</td>' if numeric else f"<td>{escape(text)}</td>"
