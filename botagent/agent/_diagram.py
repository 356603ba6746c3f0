"""Draw the lifecycle from `TRANSITIONS` as Markdown with a Mermaid state diagram.

Run ``python -m botagent.agent._diagram`` to rewrite ``STATES.md`` beside this file; a test fails while
the checked-in copy differs from `render()`.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from ._state import (
    DECISION_STATES,
    SENDING_STATES,
    STATE_TIMERS,
    TERMINAL_STATES,
    TRANSITIONS,
    AgentState,
    ReportBucket,
    Trigger,
)

__all__ = ["STATES_FILE", "main", "render"]

STATES_FILE = Path(__file__).with_name("STATES.md")

_FAILURE_TRIGGERS = frozenset({Trigger.FAILED, Trigger.FAIL, Trigger.TIMEOUT})

_HEADER = """\
# Agent lifecycle

Generated from `botagent/agent/_state.py` by `python -m botagent.agent._diagram`; do not edit by hand.

Every state in the first diagram may also fail (see the table below it): a failed request (FAILED), a
wait that timed out (TIMEOUT) or a failure learnt from a message (FAIL) goes to CLEANING_UP, which logs
off, dispositions held calls and closes the session once each, then stops in ERROR.
"""


def _is_failure_edge(state: AgentState, trigger: Trigger, target: AgentState) -> bool:
    in_cleanup = state.bucket is ReportBucket.ERROR
    return trigger in _FAILURE_TRIGGERS and target is AgentState.CLEANING_UP and not in_cleanup


def _edges() -> dict[tuple[AgentState, AgentState], list[str]]:
    edges: dict[tuple[AgentState, AgentState], list[str]] = defaultdict(list)
    for (state, trigger), target in TRANSITIONS.items():
        if not _is_failure_edge(state, trigger, target):
            edges[(state, target)].append(trigger.name)
    return edges


def _mermaid() -> list[str]:
    lines = ["```mermaid", "stateDiagram-v2", f"    [*] --> {AgentState.IDLE.name}"]
    for (state, target), triggers in _edges().items():
        lines.append(f"    {state.name} --> {target.name}: {' / '.join(triggers)}")
    lines.extend(f"    {state.name} --> [*]" for state in AgentState if state in TERMINAL_STATES)
    lines.append("```")
    return lines


def _kind(state: AgentState) -> str:
    if state in SENDING_STATES:
        return "sends one request"
    if state in STATE_TIMERS:
        return f"timer: {STATE_TIMERS[state].value}"
    if state in DECISION_STATES:
        return "decision (passed through)"
    return "terminal" if state in TERMINAL_STATES else "waits for Start"


def _state_table() -> list[str]:
    failures: dict[AgentState, list[str]] = defaultdict(list)
    for (state, trigger), target in TRANSITIONS.items():
        if _is_failure_edge(state, trigger, target):
            failures[state].append(trigger.name)
    lines = ["| State | Report bucket | Entry | To CLEANING_UP on |", "|---|---|---|---|"]
    for state in AgentState:
        on = ", ".join(failures.get(state, [])) or "-"
        lines.append(f"| {state.name} | {state.bucket.value} | {_kind(state)} | {on} |")
    return lines


def render() -> str:
    """The whole ``STATES.md`` text for the current table."""
    parts = [_HEADER, "\n".join(_mermaid()), "", "## States", "", "\n".join(_state_table()), ""]
    return "\n".join(parts)


def main() -> None:
    """Write `render()` to ``STATES.md`` and say where."""
    STATES_FILE.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {STATES_FILE}\n")


if __name__ == "__main__":
    main()
