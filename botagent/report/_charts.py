"""PNG charts of a run, all on one time axis: agents by state, throughput, and latency per endpoint.

Every chart's x axis is seconds since the run started and spans the same range (`time_span`), and
each has the same size and margins, so the charts stacked in ``report.html`` line up second for
second. When the run has phases (ramp-up, steady, stop), a dashed line marks where each one begins.

The data is botagent's own: ``result.states`` for agents by state, ``result.timeline`` for
throughput and latency. matplotlib is imported inside the functions that draw, so importing
`botagent.report` stays fast. Figures are drawn on the Agg canvas directly (no pyplot), so drawing
changes no global backend and is safe in any process. Missing or empty data gives a chart with a
note instead of an error.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from botagent.report._result import PhaseStats, RunResult, StateSample, TimelinePoint

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "LATENCY_CHART",
    "MAX_LATENCY_LINES",
    "STATE_BUCKETS",
    "STATE_CHART",
    "THROUGHPUT_CHART",
    "time_span",
    "write_latency_chart",
    "write_state_chart",
    "write_throughput_chart",
]

STATE_CHART = "agents_by_state.png"
"""File name of the agents-by-state chart."""
THROUGHPUT_CHART = "throughput.png"
"""File name of the throughput chart (requests/s and calls/min)."""
LATENCY_CHART = "latency_percentiles.png"
"""File name of the per-endpoint latency chart (p50 and p95 over time)."""
MAX_LATENCY_LINES = 8
"""At most this many endpoints are drawn on the latency chart: the slowest by p95 over the run."""
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
# One geometry for every chart, so their x axes line up when stacked; legends go in the right margin.
_SIZE = (12.0, 3.8)
_MARGINS = {"left": 0.06, "right": 0.74, "bottom": 0.14, "top": 0.83}
_LEGEND_X = 1.09  # right of the second y axis the throughput chart has
_SMOOTHING = (5.0, 60.0)
"""Shortest and longest window (s) over which calls per minute are counted."""


def time_span(result: RunResult) -> tuple[float, float]:
    """The x range every chart shows: from the run's start to the last moment anything was recorded."""
    ends = [result.duration]
    ends += [s.elapsed for s in result.states[-1:]]
    ends += [p.elapsed + p.seconds for p in result.timeline[-1:]]
    ends += [p.ended if p.ended is not None else p.started for p in result.phases]
    end = max((e for e in ends if math.isfinite(e)), default=0.0)
    return 0.0, end if end > 0 else 1.0


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
        axes.set_ylim(bottom=0)
        _integer_ticks(axes)
        _legend(axes)
    return _finish(figure, axes, result, folder / STATE_CHART)


def _buckets(samples: list[StateSample]) -> list[str]:
    present = {b for s in samples for b, n in s.counts.items() if n}
    known = [b for b in STATE_BUCKETS if b in present]
    return known + sorted(present.difference(STATE_BUCKETS))


def write_throughput_chart(result: RunResult, folder: Path) -> Path:
    """Draw requests/s (and failures/s) per interval of ``result.timeline``, with calls dispositioned
    per minute on a second axis, to ``throughput.png``."""
    figure, axes = _figure("Throughput", "ICWS requests/s")
    points = [p for p in result.timeline if p.seconds > 0]
    if not points:
        _note(axes, "no timeline to draw")
        return _finish(figure, axes, result, folder / THROUGHPUT_CHART)
    x = [p.elapsed + p.seconds / 2 for p in points]
    axes.plot(x, [p.requests / p.seconds for p in points], color="#3182bd", label="requests/s")
    if any(p.failures for p in points):
        axes.plot(x, [p.failures / p.seconds for p in points], color="#de2d26", label="failures/s")
    axes.set_ylim(bottom=0)
    calls_axes = axes.twinx()
    window = _smoothing_window(result)
    calls_axes.plot(
        x, _calls_per_minute(points, window), color="#31a354", label=f"calls/min (over {window:.0f} s)"
    )
    calls_axes.set_ylabel("calls dispositioned/min")
    calls_axes.set_ylim(bottom=0)
    _legend(axes, calls_axes, x=_LEGEND_X)
    return _finish(figure, axes, result, folder / THROUGHPUT_CHART)


def _smoothing_window(result: RunResult) -> float:
    low, high = _SMOOTHING
    return min(max(time_span(result)[1] / 10, low), high)


def _calls_per_minute(points: Sequence[TimelinePoint], window: float) -> list[float]:
    """Calls dispositioned per minute around each point, averaged over ``window`` seconds centred on
    it (cut at the run's ends), since an interval of a second holds only a call or two.

    An interval partly inside the window counts for the part inside, so the average moves smoothly.
    """
    starts = [p.elapsed for p in points]
    rates = []
    for point in points:
        middle = point.elapsed + point.seconds / 2
        low, high = middle - window / 2, middle + window / 2
        calls = seconds = 0.0
        for near in points[max(bisect_left(starts, low) - 1, 0) : bisect_right(starts, high)]:
            inside = min(near.elapsed + near.seconds, high) - max(near.elapsed, low)
            if inside > 0:
                calls += near.calls * inside / near.seconds
                seconds += inside
        rates.append(60.0 * calls / seconds)
    return rates


def write_latency_chart(result: RunResult, folder: Path) -> Path:
    """Draw p95 (solid) and p50 (dashed) over time for the slowest endpoints of ``result.timeline`` to
    ``latency_percentiles.png``; at most `MAX_LATENCY_LINES` endpoints, the title says how many."""
    names = _slowest_endpoints(result)
    shown = names[:MAX_LATENCY_LINES]
    title = "Latency per ICWS endpoint"
    if len(names) > len(shown):
        title += f" (the {len(shown)} slowest by p95 of {len(names)})"
    figure, axes = _figure(title, "milliseconds")
    if not shown:
        _note(axes, "no latency samples in the timeline")
        return _finish(figure, axes, result, folder / LATENCY_CHART)
    _draw_latency_lines(axes, result.timeline, shown)
    return _finish(figure, axes, result, folder / LATENCY_CHART)


def _slowest_endpoints(result: RunResult) -> list[str]:
    """Every endpoint with a latency in the timeline, slowest first by its p95 over the run."""
    peak: dict[str, float] = {}
    for point in result.timeline:
        for name, (_, p95) in point.latency.items():
            peak[name] = max(peak.get(name, 0.0), p95)
    whole_run = {e.name: e.p95 for e in result.endpoints if e.p95 is not None}
    return sorted(peak, key=lambda name: (-whole_run.get(name, peak[name]), name))


def _draw_latency_lines(axes: Axes, timeline: Sequence[TimelinePoint], names: Sequence[str]) -> None:
    from matplotlib import colormaps
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter

    palette = colormaps["tab10"]
    x = [p.elapsed + p.seconds / 2 for p in timeline]
    values: list[float] = []
    for index, name in enumerate(names):
        p50 = [p.latency[name][0] if name in p.latency else math.nan for p in timeline]
        p95 = [p.latency[name][1] if name in p.latency else math.nan for p in timeline]
        color = palette(index % 10)
        axes.plot(x, p95, color=color, linewidth=1.6, marker=".", markersize=3, label=name)
        axes.plot(x, p50, color=color, linewidth=1.0, linestyle="--", alpha=0.8)
        values += [v for v in (*p50, *p95) if v > 0]
    if values and max(values) / min(values) > 30:
        axes.set_yscale("log", nonpositive="mask")
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    else:
        axes.set_ylim(bottom=0)
    styles = [
        Line2D([], [], color="#444444", linewidth=1.6, label="p95 (solid)"),
        Line2D([], [], color="#444444", linewidth=1.0, linestyle="--", label="p50 (dashed)"),
    ]
    _legend(axes, extra=styles)


def _mark_phases(axes: Axes, phases: Sequence[PhaseStats], span: tuple[float, float]) -> None:
    """A dashed line where each phase begins, and its name just above the plot.

    A phase too short to hold its name is named only when it is the last one, to the left of its
    line (a short first phase needs no name: the line after it names the next one).
    """
    start, end = span
    for index, phase in enumerate(phases):
        at = phase.started
        if index > 0 or at > start:
            axes.axvline(at, color="#444444", linestyle="--", linewidth=1, zorder=5)
        ends_at = phase.ended if phase.ended is not None else end
        wide = ends_at - at >= 0.1 * (end - start)
        last = index == len(phases) - 1
        if wide:
            _phase_name(axes, at, f" {phase.phase}", "left")
        elif last:
            _phase_name(axes, at, f"{phase.phase} ", "right")


def _phase_name(axes: Axes, at: float, text: str, align: str) -> None:
    transform = axes.get_xaxis_transform()
    axes.text(at, 1.01, text, transform=transform, ha=align, va="bottom", fontsize="small", color="#444444")


def _legend(axes: Axes, *more: Axes, x: float = 1.01, extra: Sequence[Artist] = ()) -> None:
    """One legend in the right margin for the lines of ``axes`` and of ``more`` axes, then ``extra``."""
    handles: list[Artist] = []
    labels: list[str] = []
    for each in (axes, *more):
        these, texts = each.get_legend_handles_labels()
        handles += these
        labels += texts
    handles += extra
    labels += [str(artist.get_label()) for artist in extra]
    axes.legend(handles, labels, loc="upper left", bbox_to_anchor=(x, 1.0), fontsize="small")


def _integer_ticks(axes: Axes) -> None:
    from matplotlib.ticker import MaxNLocator

    axes.yaxis.set_major_locator(MaxNLocator(integer=True))


def _figure(title: str, ylabel: str) -> tuple[Figure, Axes]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=_SIZE, dpi=100)
    FigureCanvasAgg(figure)
    figure.subplots_adjust(**_MARGINS)
    axes = figure.add_subplot()
    axes.set_title(title, pad=18)
    axes.set_xlabel("seconds since the run started")
    axes.set_ylabel(ylabel)
    axes.grid(True, alpha=0.3)
    return figure, axes


def _note(axes: Axes, text: str) -> None:
    axes.text(0.5, 0.5, text, transform=axes.transAxes, ha="center", va="center", color="#636363")


def _finish(figure: Figure, axes: Axes, result: RunResult, path: Path) -> Path:
    """Give the chart the run's time span and phase marks, and save it to ``path``."""
    span = time_span(result)
    axes.set_xlim(*span)
    _mark_phases(axes, result.phases, span)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png")
    return path
