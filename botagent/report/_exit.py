"""Process exit codes of a botagent run, so CI can tell a slow target from a broken run.

    EXIT_OK = 0          the run completed and every threshold passed
    EXIT_THRESHOLDS = 1  the run completed (or was stopped by ``abort_on_fail``) and a threshold was breached
    EXIT_BAD_INPUT = 2   the profile or the command line is invalid; nothing was run
    EXIT_RUN_ERROR = 3   the run could not complete: target unreachable, mock failed to start, Locust crashed
    EXIT_INTERRUPTED = 130  Ctrl-C or SIGTERM stopped the run, or botagent before the run started

An interrupted run (`RunResult.interrupted`) exits with `EXIT_INTERRUPTED` whatever its thresholds say:
its figures cover only the part that ran. 130 is the shell's code for a process ended by Ctrl-C
(128 + SIGINT); botagent uses it for SIGTERM too, since it stops the run the same clean way.
A run stopped early (`RunResult.aborted` set) is a run error unless it was stopped for a breached
threshold: its reason starts with `THRESHOLD_ABORT_PREFIX` (write it with `threshold_abort_reason`) or
names a threshold that the final evaluation also found breached.
"""

from __future__ import annotations

from collections.abc import Sequence

from botagent.report._result import RunResult, ThresholdResult

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_RUN_ERROR",
    "EXIT_THRESHOLDS",
    "THRESHOLD_ABORT_PREFIX",
    "exit_code_for",
    "threshold_abort_reason",
]

EXIT_OK = 0
"""Every threshold passed."""
EXIT_THRESHOLDS = 1
"""At least one threshold was breached."""
EXIT_BAD_INPUT = 2
"""Bad profile or command line: nothing was run."""
EXIT_RUN_ERROR = 3
"""The run could not complete (target unreachable, mock failed to start, Locust crashed)."""
EXIT_INTERRUPTED = 130
"""Ctrl-C or SIGTERM stopped the run (its reports cover the part that ran), or botagent before it began."""

THRESHOLD_ABORT_PREFIX = "threshold breached"
"""Start of `RunResult.aborted` when ``abort_on_fail`` stopped the run."""


def threshold_abort_reason(breached: Sequence[ThresholdResult]) -> str:
    """The `RunResult.aborted` text for a run that ``abort_on_fail`` stopped, naming what was breached."""
    names = ", ".join(t.name for t in breached)
    return f"{THRESHOLD_ABORT_PREFIX}: {names}" if names else THRESHOLD_ABORT_PREFIX


def exit_code_for(result: RunResult) -> int:
    """The exit code for a finished run: `EXIT_INTERRUPTED`, `EXIT_RUN_ERROR`, `EXIT_THRESHOLDS` or
    `EXIT_OK`.

    An interrupted run exits with `EXIT_INTERRUPTED`. A run aborted for another reason than a breached
    threshold is a run error even when thresholds also failed, since its numbers describe an incomplete
    run.
    """
    if result.interrupted:
        return EXIT_INTERRUPTED
    if result.aborted is not None and not _stopped_by_threshold(result.aborted, result.thresholds):
        return EXIT_RUN_ERROR
    if result.aborted is not None or any(not t.passed for t in result.thresholds):
        return EXIT_THRESHOLDS
    return EXIT_OK


def _stopped_by_threshold(reason: str, thresholds: Sequence[ThresholdResult]) -> bool:
    return reason.startswith(THRESHOLD_ABORT_PREFIX) or any(
        not t.passed and t.name in reason for t in thresholds
    )
