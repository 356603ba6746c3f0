"""Every benchmark script still runs: each in its tiny ``--smoke`` mode, all at once, in child processes.

Nothing here is timed: the tests check that a script exits 0 and writes its results JSON with the keys
the README and ``run_all.py`` read. The scripts start their own servers and Locust on loopback and stop
them before they exit.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
COMMON_KEYS = {"benchmark", "mode", "finished_at", "machine", "table"}
EXPECTED: dict[str, set[str]] = {
    "client_overhead": {"ratios", "targets", "goal", "goal_met"},
    "agents_per_core": {"runs", "goal", "goal_met", "fd_cap"},
    "mock_capacity": {"floor", "dialer", "cycles", "many", "ratios", "goal_met"},
    "measurement_error": {"endpoints", "worst_added_p99_ms", "agents", "mock_side", "goal_met"},
    "scale_out": {"runs", "no_identity_collision", "calls_ratio", "requests_ratio"},
    "soak": {"series", "verdicts", "flat", "fault_note", "bounds"},
}
TIMEOUT = 240


@pytest.fixture(scope="module")
def smoke_runs(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, tuple[subprocess.Popen[str], Path]]]:
    """Start every benchmark in smoke mode at once; stop any still running at the end."""
    runs: dict[str, tuple[subprocess.Popen[str], Path]] = {}
    for name in EXPECTED:
        out = tmp_path_factory.mktemp(name)
        command = [sys.executable, str(ROOT / "bench" / f"{name}.py"), "--smoke", "--out", str(out)]
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        runs[name] = (process, out)
    yield runs
    for process, _ in runs.values():
        if process.poll() is None:
            process.kill()
            process.wait(10)


_results: dict[str, dict[str, Any]] = {}


def finished(runs: dict[str, tuple[subprocess.Popen[str], Path]], name: str) -> dict[str, Any]:
    """Wait for one benchmark and return its results JSON (read once)."""
    if name in _results:
        return _results[name]
    process, out = runs[name]
    try:
        output, _ = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    assert process.returncode == 0, f"{name} --smoke failed:\n{output[-4000:]}"
    result: dict[str, Any] = json.loads((out / f"{name}.json").read_text())
    _results[name] = result
    return result


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_benchmark_when_run_in_smoke_mode_writes_results_with_expected_keys(
    smoke_runs: dict[str, tuple[subprocess.Popen[str], Path]], name: str
) -> None:
    result = finished(smoke_runs, name)
    assert result["benchmark"] == name
    assert result["mode"] == "smoke"
    missing = (COMMON_KEYS | EXPECTED[name]) - result.keys()
    assert not missing, f"{name} results lack {sorted(missing)}"
    assert result["table"].strip()


def test_client_overhead_when_smoke_run_reports_every_ratio(
    smoke_runs: dict[str, tuple[subprocess.Popen[str], Path]],
) -> None:
    result = finished(smoke_runs, "client_overhead")
    assert set(result["ratios"]) == {"a/b", "a/c", "d/b"}
    assert all(ratio > 0 for ratio in result["ratios"].values())


def test_scale_out_when_smoke_run_compares_one_and_two_processes(
    smoke_runs: dict[str, tuple[subprocess.Popen[str], Path]],
) -> None:
    result = finished(smoke_runs, "scale_out")
    assert [run["processes"] for run in result["runs"]] == [1, 2]
    assert all(run["collisions_403"] == 0 for run in result["runs"])
