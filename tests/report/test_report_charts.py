"""Charts: three PNGs on one time axis, drawn from the run's states and timeline, for any run."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import make_row, make_timeline

from botagent.report import (
    LATENCY_CHART,
    STATE_CHART,
    THROUGHPUT_CHART,
    RunResult,
    StateSample,
    TimelinePoint,
    write_latency_chart,
    write_state_chart,
    write_throughput_chart,
)
from botagent.report._charts import MAX_LATENCY_LINES, _calls_per_minute, time_span

Result = Callable[..., RunResult]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
WRITERS = (write_state_chart, write_throughput_chart, write_latency_chart)
PHASE_NAMES = ("ramp-up", "steady", "stop")


def is_png(path: Path) -> bool:
    return path.read_bytes()[:8] == PNG_MAGIC


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """What each chart saved showed: its x range, phase lines and names, and legend labels."""
    from matplotlib.figure import Figure

    seen: list[dict[str, Any]] = []
    save = Figure.savefig

    def spy(figure: Figure, *args: Any, **kwargs: Any) -> None:
        axes = figure.axes[0]
        legend = axes.get_legend()
        seen.append(
            {
                "xlim": tuple(axes.get_xlim()),
                "lines": sorted({line.get_xdata()[0] for line in axes.lines if _vertical(line)}),
                "names": [text.get_text().strip() for text in axes.texts],
                "legend": [] if legend is None else [text.get_text() for text in legend.get_texts()],
            }
        )
        save(figure, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", spy)
    yield seen


def _vertical(line: Any) -> bool:
    xs = list(line.get_xdata())
    return len(xs) == 2 and xs[0] == xs[1] and line.get_linestyle() == "--"


def test_state_chart_when_states_sampled_writes_png(busy_result: RunResult, tmp_path: Path) -> None:
    path = write_state_chart(busy_result, tmp_path)
    assert path == tmp_path / STATE_CHART and is_png(path)


def test_state_chart_when_one_sample_only_writes_png(result: Result, tmp_path: Path) -> None:
    run = result(states=[StateSample(elapsed=0.0, counts={"ready": 3})])
    assert is_png(write_state_chart(run, tmp_path))


def test_charts_when_run_has_phases_and_timeline_write_three_pngs(
    phased_result: RunResult, tmp_path: Path
) -> None:
    paths = [write(phased_result, tmp_path) for write in WRITERS]
    assert [p.name for p in paths] == [STATE_CHART, THROUGHPUT_CHART, LATENCY_CHART]
    assert all(is_png(p) for p in paths)


def test_charts_when_run_is_empty_write_pngs_with_a_note(
    empty_result: RunResult, tmp_path: Path, drawn: list[dict[str, Any]]
) -> None:
    assert all(is_png(write(empty_result, tmp_path / "new")) for write in WRITERS)
    assert [d["names"] for d in drawn] == [
        ["not enough agent state samples to draw"],
        ["no timeline to draw"],
        ["no latency samples in the timeline"],
    ]


def test_charts_when_drawn_share_one_time_axis_from_start_to_end(
    phased_result: RunResult, tmp_path: Path, drawn: list[dict[str, Any]]
) -> None:
    longer = dataclasses.replace(phased_result, duration=58.0)  # the timeline and phases reach 60 s
    for write in WRITERS:
        write(longer, tmp_path)
    assert [d["xlim"] for d in drawn] == [(0.0, 60.0)] * 3


def test_charts_when_run_has_phases_mark_where_each_begins(
    phased_result: RunResult, tmp_path: Path, drawn: list[dict[str, Any]]
) -> None:
    for write in WRITERS:
        write(phased_result, tmp_path)
    for chart in drawn:
        assert chart["lines"] == [3.0, 55.0]
        # ramp-up (3 s of 60) is too short to name; the line after it names the steady phase
        assert [name for name in chart["names"] if name in PHASE_NAMES] == ["steady", "stop"]


def test_charts_when_run_has_no_phases_draw_no_phase_lines(
    busy_result: RunResult, tmp_path: Path, drawn: list[dict[str, Any]]
) -> None:
    run = dataclasses.replace(busy_result, timeline=make_timeline(10))
    for write in WRITERS:
        write(run, tmp_path)
    assert all(chart["lines"] == [] for chart in drawn)


def test_time_span_when_nothing_was_recorded_is_the_duration_or_one_second(result: Result) -> None:
    assert time_span(result(duration=42.0)) == (0.0, 42.0)
    assert time_span(result(duration=0.0)) == (0.0, 1.0)


def test_throughput_chart_when_timeline_given_plots_requests_failures_and_calls(
    phased_result: RunResult, tmp_path: Path, drawn: list[dict[str, Any]]
) -> None:
    write_throughput_chart(phased_result, tmp_path)
    assert drawn[0]["legend"] == ["requests/s", "failures/s", "calls/min (over 6 s)"]


def test_calls_per_minute_when_calls_are_steady_reads_their_rate_everywhere() -> None:
    points = [TimelinePoint(elapsed=2.0 * t, seconds=2.0, requests=0, failures=0, calls=1) for t in range(20)]
    assert _calls_per_minute(points, 9.0) == pytest.approx([30.0] * 20)


def test_calls_per_minute_when_intervals_are_longer_than_the_window_keeps_their_rate() -> None:
    points = [TimelinePoint(elapsed=at, seconds=120, requests=0, failures=0, calls=6) for at in (0, 120, 240)]
    assert _calls_per_minute(points, 60.0) == pytest.approx([3.0] * 3)


def test_latency_chart_when_timeline_given_draws_each_endpoint_slowest_first(
    phased_result: RunResult, tmp_path: Path, drawn: list[dict[str, Any]]
) -> None:
    write_latency_chart(phased_result, tmp_path)
    assert drawn[0]["legend"] == [
        "GET /messaging/messages (sse)",
        "POST /dialer/disposition",
        "POST /connection",
        "p95 (solid)",
        "p50 (dashed)",
    ]


def test_latency_chart_when_many_endpoints_draws_only_the_slowest_by_whole_run_p95(
    result: Result, tmp_path: Path, drawn: list[dict[str, Any]]
) -> None:
    names = [f"GET /endpoint{n:02d}" for n in range(MAX_LATENCY_LINES + 3)]
    latency = {name: (1.0, 2.0) for name in names}
    run = result(
        timeline=[TimelinePoint(elapsed=0, seconds=1, requests=1, failures=0, calls=0, latency=latency)],
        endpoints=[make_row(name, p95=float(n)) for n, name in enumerate(names)],
    )
    write_latency_chart(run, tmp_path)
    assert drawn[0]["legend"][:MAX_LATENCY_LINES] == names[::-1][:MAX_LATENCY_LINES]
    assert len(drawn[0]["legend"]) == MAX_LATENCY_LINES + 2


@pytest.mark.slow
def test_import_botagent_report_when_fresh_does_not_import_matplotlib() -> None:
    code = "import sys, botagent.report; print('matplotlib' in sys.modules)"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "False"
