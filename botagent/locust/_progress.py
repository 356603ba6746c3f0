"""The progress line a run prints every few seconds with ``--progress``: agents by state, calls, errors."""

from __future__ import annotations

import time

import gevent

from botagent.locust._run import DialerRun

__all__ = ["PROGRESS_INTERVAL", "print_progress", "progress_line"]

PROGRESS_INTERVAL = 5.0


def print_progress(run: DialerRun) -> None:
    """Print a progress line every `PROGRESS_INTERVAL` seconds, for ever (run it in a greenlet)."""
    started = time.monotonic()
    run_time = getattr(run.environment.parsed_options, "run_time", None)
    while True:
        gevent.sleep(PROGRESS_INTERVAL)
        print(progress_line(run, time.monotonic() - started, run_time), flush=True)


def progress_line(run: DialerRun, elapsed: float, run_time: float | None) -> str:
    """``[00:10 / 00:40] agents 5 (break 3, wrap-up 2) | calls 8 | requests 74 | ...``."""
    recorder = run.recorder
    states = recorder.current_states()
    parts = ", ".join(f"{bucket} {count}" for bucket, count in sorted(states.items()) if count)
    stats = run.environment.stats.total
    clock = _clock(elapsed) + (f" / {_clock(run_time)}" if run_time else "")
    return (
        f"[{clock}] agents {sum(states.values())} ({parts or 'none'}) | calls {len(recorder.calls)} | "
        f"requests {stats.num_requests} | failures {stats.num_failures} | "
        f"step errors {recorder.step_error_total} | rule violations {len(recorder.violations)}"
    )


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes:02d}:{secs:02d}"
