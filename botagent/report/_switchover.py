"""What a switchover did to a run: the agents whose sessions it ended, and how long until they worked again.

A switchover ends every session on the failed server (feature request: switchover), so each agent
learns that its session is gone (a 401 or 410, or its message reader failing) and logs in again on
the new primary. The Locust glue records two moments per agent: when it lost its session, and when it
was next ready for calls. Here they are matched against the switchover's time:

- the agents lost are those that lost a session within ``window`` seconds after the switchover;
- the run recovered when the last of them was working again; ``recovered_after`` counts from the
  switchover, and is None while any of them never came back;
- step errors in that window with the status of a dropped session (401, 410) or no answer at all are
  the switchover's doing: they are counted here and left out of the run's step errors, which a run
  without a switchover would not have had.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from botagent.report._result import AgentMoment, StepErrorRecord, SwitchoverOutcome

__all__ = ["distinct_switchovers", "switchover_outcome"]

_SESSION_ENDED = frozenset({401, 410, None})


def switchover_outcome(
    switched_at: float,
    started_at: float,
    lost: Iterable[AgentMoment],
    back: Iterable[AgentMoment],
    step_errors: Sequence[StepErrorRecord],
    window: float,
) -> tuple[SwitchoverOutcome, list[StepErrorRecord]]:
    """The outcome of the switchover at epoch ``switched_at``, and the step errors it did not cause.

    Args:
        switched_at: when the switchover happened (epoch seconds).
        started_at: when the run started (epoch seconds).
        lost: when agents lost their session.
        back: when agents were working again after losing it.
        step_errors: the run's step errors.
        window: seconds after the switchover in which losses and step errors count as its doing.
    """
    end = switched_at + window
    first_loss: dict[str, float] = {}
    for moment in sorted(lost, key=lambda m: m.at):
        if switched_at <= moment.at <= end:
            first_loss.setdefault(moment.agent, moment.at)
    returns: dict[str, float] = {}
    for moment in sorted(back, key=lambda m: m.at):
        loss = first_loss.get(moment.agent)
        if loss is not None and moment.at >= loss:
            returns.setdefault(moment.agent, moment.at)
    everyone_back = len(returns) == len(first_loss)
    recovered = max(returns.values(), default=switched_at) - switched_at if everyone_back else None
    caused = [e for e in step_errors if switched_at <= e.at <= end and e.status in _SESSION_ENDED]
    outcome = SwitchoverOutcome(
        at=switched_at - started_at,
        agents_lost=len(first_loss),
        agents_back=len(returns),
        recovered_after=recovered,
        step_errors=len(caused),
    )
    kept = [e for e in step_errors if not (switched_at <= e.at <= end and e.status in _SESSION_ENDED)]
    return outcome, kept


def distinct_switchovers(times: Iterable[float], window: float) -> list[float]:
    """The switchovers among ``times`` (epoch seconds), oldest first: a time within ``window`` seconds
    after a switchover kept is the same switchover, seen again (by the controller that made it and by
    the agents' polls, or by several Locust processes)."""
    kept: list[float] = []
    for at in sorted(times):
        if not kept or at > kept[-1] + window:
            kept.append(at)
    return kept
