"""Two `botagent run`s of the default scenario with the same seeds give each agent the same calls.

Calls reach agents as dataPop or previewPop messages (R5-R7); which campaign, contact and outcome an
agent gets is Dialer's business, which the ICWS API neither configures nor describes (official Dialer
overview page, help.genesys.com/developer/cic/docs/icws/webhelp/icws/(sessionId)/dialer/Dialer.htm).
Over real HTTP the requests' timing differs from run to run; what each agent gets from the mock's
Dialer depends only on the scenario's seed, the profile's seed and the agent's own history
(``botagent/mock/_pacing.py``, Reproducibility). Both runs (30 agents, 40 s, the smoke profile's
behaviour, embedded mock) go at once, so their waits overlap; each keeps the mock's ledger in an SQLite
file (profile ``mock: {ledger_file}``), read after the run.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_rig import BackgroundRun, smoke_profile

pytestmark = pytest.mark.slow

AGENTS = 30
WEIGHTS = {"Predictive Sales": 3 / 6, "Power Collections": 2 / 6, "Preview Callbacks": 1 / 6}
Call = tuple[str, str, str | None]


def _start(folder: Path) -> tuple[BackgroundRun, Path]:
    folder.mkdir()
    ledger = folder / "ledger.sqlite"
    profile = smoke_profile(folder, users=AGENTS, run_time="40s", mock={"ledger_file": str(ledger)})
    return BackgroundRun("run", str(profile), "-r", "30", "--reports", str(folder / "reports")), ledger


def _entries(ledger: Path) -> Iterator[dict[str, object]]:
    with sqlite3.connect(ledger) as db:
        for (entry,) in db.execute("SELECT entry FROM calls ORDER BY created"):
            yield json.loads(entry)


def _regular_calls(ledger: Path) -> dict[str, list[Call]]:
    """Each agent's non-callback calls with an outcome, in the order they were created."""
    calls: dict[str, list[Call]] = {}
    for entry in _entries(ledger):
        agent, outcome = entry["agent"], entry["outcome"]
        if isinstance(agent, str) and entry["callbackOf"] is None and outcome is not None:
            call = (str(entry["campaignName"]), str(entry["contactId"]), str(outcome))
            calls.setdefault(agent, []).append(call)
    return calls


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, list[Call]], dict[str, list[Call]]]:
    base = tmp_path_factory.mktemp("reproducible")
    runs = [_start(base / "first"), _start(base / "second")]
    for run, ledger in runs:
        result = run.finish(timeout=150)
        assert ledger.is_file(), f"exit code {result.returncode}\n{result.stdout}\n{result.stderr}"
    return _regular_calls(runs[0][1]), _regular_calls(runs[1][1])


def test_runs_when_seeds_are_the_same_give_each_agent_the_same_calls(
    two_runs: tuple[dict[str, list[Call]], dict[str, list[Call]]],
) -> None:
    """Same contacts, outcomes and order per agent, up to the shorter run (``_pacing.py``,
    Reproducibility; allocation in ``_allocation.py``, draws in ``_streams.py``)."""
    first, second = two_runs
    assert first.keys() == second.keys()
    assert len(first) == AGENTS
    lengths = []
    for agent, calls in first.items():
        shorter = min(len(calls), len(second[agent]))
        lengths.append(shorter)
        assert calls[:shorter] == second[agent][:shorter], agent
    assert sorted(lengths)[AGENTS // 10] >= 3, f"too few calls to compare: {sorted(lengths)}"


def test_runs_when_weights_are_3_2_1_take_calls_within_10_points_of_them(
    two_runs: tuple[dict[str, list[Call]], dict[str, list[Call]]],
) -> None:
    """The default scenario weights its campaigns 3:2:1 (``_allocation.py``)."""
    for run in two_runs:
        names = [name for calls in run.values() for name, _, _ in calls]
        shares = {name: names.count(name) / len(names) for name in WEIGHTS}
        assert all(abs(shares[name] - weight) <= 0.10 for name, weight in WEIGHTS.items()), shares
