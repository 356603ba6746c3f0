"""Charts: PNGs are written for empty and busy runs, and the stats history is read leniently."""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from botagent.report import (
    LATENCY_CHART,
    STATE_CHART,
    RunResult,
    StateSample,
    read_stats_history,
    write_latency_chart,
    write_state_chart,
)

Result = Callable[..., RunResult]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def is_png(path: Path) -> bool:
    return path.read_bytes()[:8] == PNG_MAGIC


def test_state_chart_when_states_sampled_writes_png(busy_result: RunResult, tmp_path: Path) -> None:
    path = write_state_chart(busy_result, tmp_path)
    assert path == tmp_path / STATE_CHART and is_png(path)


def test_state_chart_when_no_samples_writes_png_with_note(empty_result: RunResult, tmp_path: Path) -> None:
    assert is_png(write_state_chart(empty_result, tmp_path / "new"))


def test_state_chart_when_one_sample_only_writes_png(result: Result, tmp_path: Path) -> None:
    run = result(states=[StateSample(elapsed=0.0, counts={"ready": 3})])
    assert is_png(write_state_chart(run, tmp_path))


def test_latency_chart_when_history_given_writes_png(
    busy_result: RunResult, stats_history: Path, tmp_path: Path
) -> None:
    path = write_latency_chart(busy_result, tmp_path, stats_history)
    assert path == tmp_path / LATENCY_CHART and is_png(path)


def test_latency_chart_when_no_history_writes_png_with_note(empty_result: RunResult, tmp_path: Path) -> None:
    assert is_png(write_latency_chart(empty_result, tmp_path, None))
    assert is_png(write_latency_chart(empty_result, tmp_path, tmp_path / "missing_stats_history.csv"))


def test_read_stats_history_when_full_history_keeps_only_aggregated_rows(stats_history: Path) -> None:
    history = read_stats_history(stats_history)
    assert len(history.timestamps) == 5
    assert history.percentiles["p95"] == [40.0, 41.0, 42.0, 43.0, 44.0]
    assert history.users == [2.0] * 5
    assert math.isnan(history.percentiles["p50"][0]) and history.percentiles["p50"][1] == 11.0


def test_read_stats_history_when_file_missing_notes_why(tmp_path: Path) -> None:
    history = read_stats_history(tmp_path / "nope.csv")
    assert history.timestamps == [] and "could not read nope.csv" in history.note


def test_read_stats_history_when_rows_are_odd_skips_them(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("Timestamp,Name,50%\nsoon,Aggregated,1\n5,Aggregated,oops\n", encoding="utf-8")
    history = read_stats_history(path)
    assert history.timestamps == [5.0] and math.isnan(history.percentiles["p50"][0])


@pytest.mark.slow
def test_import_botagent_report_when_fresh_does_not_import_matplotlib() -> None:
    code = "import sys, botagent.report; print('matplotlib' in sys.modules)"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "False"
