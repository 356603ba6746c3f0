"""Watching the thresholds while a run goes on, for a profile with ``thresholds.abort_on_fail``."""

from __future__ import annotations

from collections.abc import Callable

import gevent

from botagent.profile import Thresholds
from botagent.report import RunResult, breached, evaluate_thresholds, threshold_abort_reason

__all__ = ["ABORT_CHECK_INTERVAL", "watch_thresholds"]

ABORT_CHECK_INTERVAL = 2.0


def watch_thresholds(
    thresholds: Thresholds, result_so_far: Callable[[], RunResult], abort: Callable[[str], None]
) -> None:
    """Every `ABORT_CHECK_INTERVAL` seconds, check the limits that can be judged during the run; call
    ``abort`` with the reason and return at the first breach (run it in a greenlet)."""
    while True:
        gevent.sleep(ABORT_CHECK_INTERVAL)
        failed = breached(evaluate_thresholds(thresholds, result_so_far(), during_run=True))
        if failed:
            abort(threshold_abort_reason(failed))
            return
