"""The progress line a run prints every few seconds with ``--progress``: agents by state, calls, errors.

Its request and failure counts are botagent's own (the recorder's samples, merged from every worker on
a master), the counts the summary ends with; Dialer KPIs are not requests. A last line, printed once
the agents have stopped, has the final counts.
"""

from __future__ import annotations

import gevent

from botagent.locust._run import DialerRun

__all__ = ["PROGRESS_INTERVAL", "print_progress", "print_progress_line", "progress_line"]

PROGRESS_INTERVAL = 5.0


def print_progress(run: DialerRun) -> None:
    """Print a progress line every `PROGRESS_INTERVAL` seconds, for ever (run it in a greenlet)."""
    while True:
        gevent.sleep(PROGRESS_INTERVAL)
        print_progress_line(run)


def print_progress_line(run: DialerRun) -> None:
    """Print the progress line for now, timed from the start of the test."""
    run_time = getattr(run.environment.parsed_options, "run_time", None)
    print(progress_line(run, run.recorder.phases.elapsed(), run_time), flush=True)


def progress_line(run: DialerRun, elapsed: float, run_time: float | None) -> str:
    """``[00:10 / 00:40] agents 5 (break 3, wrap-up 2) | calls 8 | requests 74 | ...``."""
    recorder = run.recorder
    states = recorder.current_states()
    parts = ", ".join(f"{bucket} {count}" for bucket, count in sorted(states.items()) if count)
    samples = recorder.samples
    clock = _clock(elapsed) + (f" / {_clock(run_time)}" if run_time else "")
    return (
        f"[{clock}] agents {sum(states.values())} ({parts or 'none'}) | calls {recorder.calls_popped} | "
        f"requests {samples.requests} | failures {samples.failures} | "
        f"step errors {recorder.step_error_total} | rule violations {len(recorder.violations)}"
    )


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes:02d}:{secs:02d}"
