"""PNG charts of a run: agents by state over time, and latency percentiles over time.

matplotlib is imported inside the functions that draw, so importing `botagent.report` stays fast.
Figures are drawn on the Agg canvas directly (no pyplot), so drawing changes no global backend and
is safe in any process. Missing or empty data gives a chart with a note instead of an error.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from botagent.report._result import RunResult, StateSample

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "LATENCY_CHART",
    "STATE_BUCKETS",
    "STATE_CHART",
    "LatencyHistory",
    "read_stats_history",
    "write_latency_chart",
    "write_state_chart",
]

STATE_CHART = "agents_by_state.png"
"""File name of the agents-by-state chart."""
LATENCY_CHART = "latency_percentiles.png"
"""File name of the latency-percentiles chart."""
STATE_BUCKETS = (
    "logging in",
    "ready",
    "on call",
    "wrap-up",
    "break",
    "logging off",
    "logged off",
    "error",
)
"""Report buckets in stacking order; any other bucket found in the samples is stacked after them."""

_COLORS = {
    "logging in": "#9ecae1",
    "ready": "#31a354",
    "on call": "#3182bd",
    "wrap-up": "#fdae6b",
    "break": "#bcbddc",
    "logging off": "#c6dbef",
    "logged off": "#bdbdbd",
    "error": "#de2d26",
}
_PERCENTILES = (("50%", "p50"), ("95%", "p95"), ("99%", "p99"))


@dataclass(slots=True)
class LatencyHistory:
    """The ``Aggregated`` rows of a Locust stats history: time (epoch s), users and percentiles (ms)."""

    timestamps: list[float] = field(default_factory=list)
    users: list[float] = field(default_factory=list)
    percentiles: dict[str, list[float]] = field(default_factory=lambda: {p: [] for _, p in _PERCENTILES})
    note: str = ""


def read_stats_history(path: Path | None) -> LatencyHistory:
    """Read the ``Aggregated`` rows of Locust's ``<prefix>_stats_history.csv``.

    A missing path, an unreadable file or an odd row gives what could be read and a ``note`` saying
    why, never an exception: a chart must not fail a finished run.
    """
    history = LatencyHistory()
    if path is None:
        history.note = "no Locust stats history (run Locust with --csv PREFIX --csv-full-history)"
        return history
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row.get("Name") == "Aggregated":
                    _append(history, row)
    except (OSError, csv.Error, UnicodeDecodeError) as exc:
        history.note = f"could not read {path.name}: {exc}"
    return history


def _append(history: LatencyHistory, row: dict[str, str]) -> None:
    timestamp = _float(row.get("Timestamp"))
    if math.isnan(timestamp):
        return
    history.timestamps.append(timestamp)
    history.users.append(_float(row.get("User Count")))
    for column, key in _PERCENTILES:
        history.percentiles[key].append(_float(row.get(column)))


def _float(text: str | None) -> float:
    try:
        return float(text) if text not in (None, "", "N/A") else math.nan
    except ValueError:
        return math.nan


def write_state_chart(result: RunResult, folder: Path) -> Path:
    """Draw agents by state over time (stacked areas of ``result.states``) to ``agents_by_state.png``."""
    figure, axes = _figure("Agents by state", "agents")
    samples = result.states
    buckets = _buckets(samples)
    if len(samples) < 2 or not buckets:
        _note(axes, "not enough agent state samples to draw")
    else:
        x = [s.elapsed for s in samples]
        ys = [[s.counts.get(b, 0) for s in samples] for b in buckets]
        colors = [_COLORS.get(b, "#969696") for b in buckets]
        axes.stackplot(x, *ys, labels=buckets, colors=colors, alpha=0.9)
        axes.set_xlim(x[0], x[-1])
        axes.set_ylim(bottom=0)
        _integer_ticks(axes)
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    return _save(figure, folder / STATE_CHART)


def _buckets(samples: list[StateSample]) -> list[str]:
    present = {b for s in samples for b, n in s.counts.items() if n}
    known = [b for b in STATE_BUCKETS if b in present]
    return known + sorted(present.difference(STATE_BUCKETS))


def write_latency_chart(result: RunResult, folder: Path, stats_history_csv: Path | None) -> Path:
    """Draw the run's p50/p95/p99 over time, with the user count, to ``latency_percentiles.png``.

    Reads the ``Aggregated`` rows of Locust's stats history, so the lines cover every Locust row,
    ICWS requests and Dialer KPIs alike. Time is seconds since ``result.started_at``.
    """
    history = read_stats_history(stats_history_csv)
    figure, axes = _figure("Latency percentiles (all Locust rows)", "milliseconds")
    x = [t - result.started_at for t in history.timestamps]
    drawable = {k: v for k, v in history.percentiles.items() if any(not math.isnan(y) for y in v)}
    if not drawable:
        _note(axes, history.note or "no latency samples in the stats history")
    else:
        for key, ys in drawable.items():
            axes.plot(x, ys, label=key, linewidth=1.5)
        axes.set_ylim(bottom=0)
        _draw_users(axes, x, history.users)
    return _save(figure, folder / LATENCY_CHART)


def _draw_users(axes: Axes, x: list[float], users: list[float]) -> None:
    users_axes = axes.twinx()
    users_axes.plot(x, users, color="#969696", linestyle="--", linewidth=1, label="users")
    users_axes.set_ylabel("users")
    users_axes.set_ylim(bottom=0)
    _integer_ticks(users_axes)
    lines = axes.get_lines() + users_axes.get_lines()
    axes.legend(lines, [str(line.get_label()) for line in lines], loc="upper left", fontsize="small")


def _integer_ticks(axes: Axes) -> None:
    from matplotlib.ticker import MaxNLocator

    axes.yaxis.set_major_locator(MaxNLocator(integer=True))


def _figure(title: str, ylabel: str) -> tuple[Figure, Axes]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 4.5), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.set_title(title)
    axes.set_xlabel("seconds since start")
    axes.set_ylabel(ylabel)
    axes.grid(True, alpha=0.3)
    return figure, axes


def _note(axes: Axes, text: str) -> None:
    axes.text(0.5, 0.5, text, transform=axes.transAxes, ha="center", va="center", color="#636363")


def _save(figure: Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png")
    return path
