"""Every benchmark script still runs: each in its tiny ``--smoke`` mode, all at once, in child processes.

Nothing here is timed: the tests check that a script exits 0 and writes its results JSON with the keys
the README and ``run_all.py`` read. The scripts start their own servers and Locust on loopback and stop
them before they exit. One of them (`DEFAULT_OUT`) runs without ``--out``, to show that a smoke run
writes ``bench/results/smoke/`` and leaves the committed full-run results alone.
"""

from __future__ import annotations

import importlib
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
    "client_overhead": {"ratios", "targets", "goal", "goal_met", "goals"},
    "agents_per_core": {"runs", "goal", "goal_met", "fd_cap", "goals"},
    "mock_capacity": {"floor", "dialer", "cycles", "many", "ratios", "goal_met", "goals"},
    "measurement_error": {"endpoints", "worst_added_p99_ms", "agents", "mock_side", "goal_met", "goals"},
    "scale_out": {"runs", "no_identity_collision", "calls_ratio", "requests_ratio", "goals"},
    "soak": {"series", "verdicts", "flat", "fault_note", "bounds", "goals"},
    "dialer_realism": {"minutes", "runs", "goals"},
}
TIMEOUT = 240
RESULTS = ROOT / "bench" / "results"
DEFAULT_OUT = "client_overhead"
"""The benchmark run without ``--out``: its results go to the smoke folder, ``bench/results/smoke/``."""


def committed_results() -> dict[str, bytes]:
    """The full-run results in ``bench/results/`` (the numbers the READMEs cite), by file name."""
    return {path.name: path.read_bytes() for path in sorted(RESULTS.glob("*.json"))}


@pytest.fixture(scope="module")
def committed_before() -> dict[str, bytes]:
    """`committed_results` before any benchmark of this module ran."""
    return committed_results()


@pytest.fixture(scope="module")
def smoke_runs(
    tmp_path_factory: pytest.TempPathFactory, committed_before: dict[str, bytes]
) -> Iterator[dict[str, tuple[subprocess.Popen[str], Path]]]:
    """Start every benchmark in smoke mode at once; stop any still running at the end."""
    runs: dict[str, tuple[subprocess.Popen[str], Path]] = {}
    (RESULTS / "smoke" / f"{DEFAULT_OUT}.json").unlink(missing_ok=True)
    for name in EXPECTED:
        command = [sys.executable, str(ROOT / "bench" / f"{name}.py"), "--smoke"]
        if name == DEFAULT_OUT:
            out = RESULTS / "smoke"
        else:
            out = tmp_path_factory.mktemp(name)
            command += ["--out", str(out)]
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


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_benchmark_when_run_in_smoke_mode_names_each_goal_with_its_value_target_and_verdict(
    smoke_runs: dict[str, tuple[subprocess.Popen[str], Path]], name: str
) -> None:
    goals = finished(smoke_runs, name)["goals"]
    assert goals, f"{name} names no goal"
    for goal_name, goal in goals.items():
        assert set(goal) == {"value", "goal", "met"}, goal_name
        assert isinstance(goal["met"], bool), goal_name
        assert goal["value"] is not None or goal["met"] is False, goal_name


def test_client_overhead_when_smoke_run_reports_every_ratio(
    smoke_runs: dict[str, tuple[subprocess.Popen[str], Path]],
) -> None:
    result = finished(smoke_runs, "client_overhead")
    assert set(result["ratios"]) == {"a/b", "a/c", "d/b"}
    assert all(ratio > 0 for ratio in result["ratios"].values())


def test_dialer_realism_when_smoke_run_covers_every_mode_and_states_every_goal(
    smoke_runs: dict[str, tuple[subprocess.Popen[str], Path]],
) -> None:
    result = finished(smoke_runs, "dialer_realism")
    assert {(run["mode"], run["agents"]) for run in result["runs"]} == {
        (mode, agents) for mode in ("predictive", "power", "preview") for agents in (1, 10, 50)
    }
    assert set(result["goals"]) == {
        "predictive_abandon_within_1pt",
        "predictive_over_power_pops",
        "power_never_abandons",
    }
    assert all({"value", "goal", "met"} <= set(goal) for goal in result["goals"].values())
    assert result["goals"]["power_never_abandons"]["met"] is True


def test_scale_out_when_smoke_run_compares_one_and_two_processes(
    smoke_runs: dict[str, tuple[subprocess.Popen[str], Path]],
) -> None:
    result = finished(smoke_runs, "scale_out")
    assert [run["processes"] for run in result["runs"]] == [1, 2]
    assert all(run["collisions_403"] == 0 for run in result["runs"])


def test_benchmark_when_smoke_run_without_out_writes_its_own_folder_not_the_committed_results(
    smoke_runs: dict[str, tuple[subprocess.Popen[str], Path]], committed_before: dict[str, bytes]
) -> None:
    result = finished(smoke_runs, DEFAULT_OUT)  # read from bench/results/smoke/
    assert result["mode"] == "smoke"
    assert committed_results() == committed_before
    for written in (f"bench/results/smoke/{DEFAULT_OUT}.json", "bench/results/quick/soak.json"):
        ignored = subprocess.run(["git", "check-ignore", "-q", written], cwd=ROOT)
        assert ignored.returncode == 0, f"{written} is not git-ignored"


@pytest.mark.parametrize(
    ("options", "out"),
    [
        ([], RESULTS),
        (["--quick"], RESULTS / "quick"),
        (["--smoke"], RESULTS / "smoke"),
        (["--quick", "--out", "elsewhere"], Path("elsewhere")),
    ],
    ids=["full", "quick", "smoke", "quick-with-out"],
)
def test_run_all_options_when_mode_given_pick_the_results_folder(
    monkeypatch: pytest.MonkeyPatch, options: list[str], out: Path
) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    run_all = importlib.import_module("run_all")

    args = run_all.parse_options(options)

    assert args.out == out
