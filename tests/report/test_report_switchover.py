"""What a switchover did to a run, in the summary: agents cut off, the time until every one of them
worked again, and the step errors it caused (feature request: switchover; sessions on the failed
server end, so every agent logs in again on the new primary)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from botagent.report import (
    AgentMoment,
    RunResult,
    StepErrorRecord,
    SwitchoverOutcome,
    distinct_switchovers,
    format_summary,
    switchover_outcome,
    write_html_report,
    write_summary_json,
)

T = 1_000.0


def moment(agent: str, at: float) -> AgentMoment:
    return AgentMoment(agent=agent, at=at)


def error(at: float, status: int | None, step: str = "POST /dialer/disposition") -> StepErrorRecord:
    return StepErrorRecord(at=at, agent="agent0001", step=step, status=status, error_id=None, message="x")


def test_outcome_when_every_agent_came_back_counts_until_the_last_one() -> None:
    lost = [moment("a", T + 0.2), moment("b", T + 0.5), moment("c", T - 30)]
    back = [moment("a", T + 1.0), moment("b", T + 3.5), moment("c", T - 20)]

    outcome, _ = switchover_outcome(T, T - 15, lost, back, [], window=60)

    assert outcome == SwitchoverOutcome(
        at=15, agents_lost=2, agents_back=2, recovered_after=3.5, step_errors=0
    )


def test_outcome_when_an_agent_never_came_back_has_no_recovery_time() -> None:
    outcome, _ = switchover_outcome(
        T, T, [moment("a", T + 1), moment("b", T + 1)], [moment("a", T + 2)], [], 60
    )

    assert (outcome.agents_lost, outcome.agents_back, outcome.recovered_after) == (2, 1, None)


def test_outcome_when_step_errors_are_the_switchovers_doing_keeps_only_the_others() -> None:
    errors = [error(T + 1, 401), error(T + 2, None), error(T + 3, 410), error(T + 4, 403), error(T - 1, 401)]

    outcome, kept = switchover_outcome(T, T, [], [], errors, window=60)

    assert outcome.step_errors == 3
    assert [(e.at, e.status) for e in kept] == [(T + 4, 403), (T - 1, 401)]


def test_summary_when_a_switchover_happened_says_how_long_until_all_worked(
    result: Callable[..., RunResult], tmp_path: Path
) -> None:
    outcome = SwitchoverOutcome(
        at=15.04, agents_lost=200, agents_back=200, recovered_after=2.9, step_errors=200
    )
    run = result(switchovers=[outcome])

    text = format_summary(run)
    data = json.loads(write_summary_json(run, tmp_path).read_text())

    assert (
        "Switchover at 15.0 s: 200 agents lost their session; all working again after 2.9 s "
        "(200 step errors from it, not counted below)"
    ) in text
    assert data["switchovers"] == [
        {"at_s": 15.04, "agents_lost": 200, "agents_back": 200, "recovered_after_s": 2.9, "step_errors": 200}
    ]


def test_summary_when_no_switchover_happened_says_nothing_of_one(result: Callable[..., RunResult]) -> None:
    assert "Switchover" not in format_summary(result())


def test_html_when_a_switchover_happened_shows_it_beside_the_calls(
    result: Callable[..., RunResult], tmp_path: Path
) -> None:
    outcome = SwitchoverOutcome(at=15.0, agents_lost=3, agents_back=2, recovered_after=None, step_errors=4)
    page = write_html_report(result(switchovers=[outcome]), tmp_path).read_text(encoding="utf-8")

    assert "<h3>Switchovers</h3>" in page
    assert page.index("<h3>Calls</h3>") < page.index("<h3>Switchovers</h3>") < page.index("<h3>Ledger</h3>")
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", page[page.index("<h3>Switchovers</h3>") :])
    assert cells[:5] == ["+15.0 s", "3", "2", "never", "4"]
    assert '<tr class="fail"><td class="n">+15.0 s' in page, "a switchover some agents never came back from"


def test_distinct_switchovers_when_seen_twice_within_the_window_keeps_the_first() -> None:
    """The controller that made a switchover and the agents' polls that saw it report one switchover."""
    assert distinct_switchovers([T + 0.4, T, T + 200, T + 30], window=60) == [T, T + 200]
