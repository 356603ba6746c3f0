"""`botagent run profiles/switchover.yaml`: 200 agents ride through a switchover of the mock pair.

Feature request (switchover): a CIC switchover pair answers the connection request on the backup with
503 and ``alternateHostList`` (seed reference 1.1); sessions on the failed server end; Dialer state
carries over. The run must lose no call (ledger reconciled), break no Dialer rule, and report how long
until every agent was working again.
"""

from __future__ import annotations

import pytest
from cli_rig import REPO, FinishedRun, run_botagent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def switchover_run(tmp_path_factory: pytest.TempPathFactory) -> FinishedRun:
    reports = tmp_path_factory.mktemp("switchover") / "reports"
    profile = str(REPO / "profiles" / "switchover.yaml")
    return FinishedRun(run_botagent("run", profile, "--reports", str(reports), timeout=300), reports)


def test_switchover_run_when_the_pair_switches_mid_run_passes(switchover_run: FinishedRun) -> None:
    """Zero calls lost, zero rule violations, every agent back at work, and exit code 0."""
    summary = switchover_run.summary
    assert switchover_run.result.returncode == 0, switchover_run.explain()
    rec = summary["reconciliation"]
    assert (rec["lost"], rec["duplicated"], rec["mismatched"]) == ([], [], []), rec
    assert summary["rule_violations_total"] == 0
    assert summary["step_errors_total"] == 0, summary["step_errors"][:5]


def test_switchover_run_when_it_ends_reports_the_time_until_every_agent_works(
    switchover_run: FinishedRun,
) -> None:
    """The summary (console and summary.json) says when the switchover was, how many agents it cut
    off and how long until the last of them was ready for calls again."""
    (switchover,) = switchover_run.summary["switchovers"]
    assert 14 <= switchover["at_s"] <= 17
    assert switchover["agents_lost"] == switchover["agents_back"] == 200
    assert switchover["recovered_after_s"] is not None and 0 < switchover["recovered_after_s"] < 20
    assert switchover["step_errors"] >= 200
    assert "agents lost their session; all working again after" in switchover_run.result.stdout


def test_switchover_run_when_agents_poll_the_status_counts_the_polls(switchover_run: FinishedRun) -> None:
    """Agent pages poll switchover-status (feature request); the profile's poll_interval makes the
    bots do it, and every poll is a request row of its own."""
    rows = {row["name"]: row for row in switchover_run.summary["endpoints"]}
    assert rows["GET /connection/switchover-status"]["count"] >= 200
    assert rows["GET /connection/switchover-status"]["failures"] == 0


def test_switchover_run_when_it_ends_leaves_no_session_deleted_twice(switchover_run: FinishedRun) -> None:
    """The agents send nothing more on a session the switchover ended: no DELETE it would refuse."""
    rows = {row["name"]: row for row in switchover_run.summary["endpoints"]}
    assert rows["DELETE /connection"]["failures"] == 0
