"""`botagent run PROFILE`: one command for a whole headless run, embedded mock included.

It validates the profile, then runs Locust headless on the packaged locustfile. Everything else about
the run is done inside Locust by botagent's run controller (`botagent.locust`), the same as for a plain
``locust -f`` run: it starts the embedded mock when the target is ``mock``, checks that the target
answers, runs and stops the agents, reconciles, judges and reports the run, and sets the exit code.

What is left here is what only this command has: Locust's command line (the profile's load, target and
report files), the Locust child process, the signals and the exit code. The report folder is named and
made here, before Locust starts, because Locust opens its own files there (``locust.log``, CSV) before
botagent's listeners run. Locust's tables and logs go to ``locust.log``; botagent's own lines reach the
terminal: progress and the summary on stdout, problems and the start line on stderr (on the file
descriptor handed down as ``BOTAGENT_CONSOLE_FD``). Ctrl-C or SIGTERM reaches Locust once, from here,
as the same signal: it stops the agents and writes the reports as at the end of a run, marked
interrupted, and exits with `EXIT_INTERRUPTED` (130); Locust also stops if botagent itself is killed.
Interrupted before Locust has started its test (while the profile loads, Locust starts, the mock starts
or the target is probed), botagent says so on one line and exits with 130, with no traceback.
"""

from __future__ import annotations

import math
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from botagent._child import end_with_parent
from botagent.profile import Profile, load_profile
from botagent.report import (
    EXIT_BAD_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_RUN_ERROR,
    EXIT_THRESHOLDS,
    default_reports_folder,
)
from botagent.wire import ProfileError

__all__ = ["RunOptions", "run_profile"]

LOCUSTFILE = Path(__file__).parent / "locust" / "locustfile.py"
CONSOLE_FD_VARIABLE = "BOTAGENT_CONSOLE_FD"
"""Where botagent's lines go in the Locust child: read by ``botagent.locust._console``."""
_LOCUST_FILES = (
    "locust.log",
    "locust.html",
    "locust_stats.csv",
    "locust_stats_history.csv",
    "locust_failures.csv",
    "locust_exceptions.csv",
)
"""What Locust opens in the report folder before a run starts."""
EXPLAINED_EXIT_CODES = {EXIT_OK, EXIT_THRESHOLDS, EXIT_BAD_INPUT, EXIT_RUN_ERROR, EXIT_INTERRUPTED}
"""Exit codes botagent sets in Locust; for 2, 3 and 130 it has said why on the terminal."""
NOT_STARTED = "interrupted before the run started"


@dataclass(frozen=True, slots=True, kw_only=True)
class RunOptions:
    """What `botagent run` may override in the profile; None keeps the profile's value."""

    profile: Path
    users: int | None = None
    spawn_rate: float | None = None
    run_time: str | None = None
    processes: int | None = None
    target: str | None = None
    reports: Path | None = None


def run_profile(options: RunOptions) -> int:
    """Run the profile headless and return the exit code.

    Ctrl-C and SIGTERM stop the run the same way: Locust stops the agents, prints the summary and
    writes the reports before botagent exits with `EXIT_INTERRUPTED`.

    Returns:
        0 when every threshold passed, 1 when one failed, 2 for a bad profile or option, 3 when the
        run could not complete (target unreachable, mock failed to start, Locust crashed), 130 when it
        was interrupted (Ctrl-C, SIGTERM), at any moment.
    """
    signals = _Interrupts()
    with signals.as_keyboard_interrupt():
        try:
            return _run(options, signals)
        except KeyboardInterrupt:
            _say(NOT_STARTED)
            return EXIT_INTERRUPTED


def _run(options: RunOptions, signals: _Interrupts) -> int:
    try:
        profile = load_profile(options.profile, overrides=_overrides(options))
    except ProfileError as exc:
        _say(f"bad profile:\n{exc}")
        return EXIT_BAD_INPUT
    if profile.load.run_time <= 0:
        _say(f"bad profile:\n{options.profile}: load.run_time: botagent run needs a run time above 0 (got 0)")
        return EXIT_BAD_INPUT
    reports = options.reports or default_reports_folder(profile.name)
    created = not reports.exists()
    try:
        reports.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _say(f"cannot create the report folder {reports}: {exc.strerror or exc}")
        return EXIT_BAD_INPUT
    code = _run_locust(_locust_command(options.profile, profile, reports), reports, signals)
    if not (reports / "summary.json").exists():
        _discard_empty_reports(reports, created)
    return code


def _discard_empty_reports(reports: Path, created: bool) -> None:
    """A run that never started leaves no report: remove the empty files Locust opened, and the folder
    too when this run made it and nothing else is in it. A log with something in it is kept."""
    for name in _LOCUST_FILES:
        path = reports / name
        if path.is_file() and path.stat().st_size == 0:
            path.unlink()
    if created and not any(reports.iterdir()):
        reports.rmdir()


class _Interrupts:
    """Ctrl-C and SIGTERM as KeyboardInterrupt, noting which signal came, to pass it on to Locust."""

    def __init__(self) -> None:
        self.last: int | None = None

    @contextmanager
    def as_keyboard_interrupt(self) -> Iterator[None]:
        """Make SIGINT and SIGTERM raise KeyboardInterrupt (main thread only; an ignored one stays
        ignored, as for a job started in the background) and note the signal."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        heeded = [signum for signum in _INTERRUPTS if signal.getsignal(signum) is not signal.SIG_IGN]
        previous = {signum: signal.signal(signum, self._interrupt) for signum in heeded}
        try:
            yield
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _interrupt(self, signum: int, frame: FrameType | None) -> None:
        self.last = signum
        raise KeyboardInterrupt


_INTERRUPTS = (signal.SIGINT, signal.SIGTERM)


def _overrides(options: RunOptions) -> dict[str, object]:
    load = {
        key: value
        for key, value in (
            ("users", options.users),
            ("spawn_rate", options.spawn_rate),
            ("run_time", options.run_time),
            ("processes", options.processes),
        )
        if value is not None
    }
    overrides: dict[str, object] = {"load": load} if load else {}
    if options.target is not None:
        overrides["target"] = options.target
    return overrides


def _locust_command(profile_path: Path, profile: Profile, reports: Path) -> list[str]:
    """Locust's command line: the profile's load and target (``mock`` or a URL), and the report files."""
    load = profile.load
    command = [
        sys.executable, "-m", "locust",
        "-f", str(LOCUSTFILE),
        "--headless",
        "--users", str(load.users),
        "--spawn-rate", str(load.spawn_rate),
        "--run-time", f"{math.ceil(load.run_time)}s",
        "--host", profile.target,
        "--profile", str(profile_path),
        "--reports", str(reports),
        "--progress",
        "--csv", str(reports / "locust"),
        "--csv-full-history",
        "--html", str(reports / "locust.html"),
        "--only-summary",
        "--loglevel", "WARNING",
    ]  # fmt: skip
    if load.processes != 1:
        port = str(_free_loopback_port())
        command += ["--processes", str(load.processes)]
        # Master and workers talk over loopback on a port of this run's own, so two runs on one
        # machine never join each other's workers (Locust's default is port 5557 on every interface).
        command += ["--master-bind-host", "127.0.0.1", "--master-bind-port", port]
        command += ["--master-host", "127.0.0.1", "--master-port", port]
    return command


def _free_loopback_port() -> int:
    """A TCP port free on 127.0.0.1 just now, for the Locust master to bind."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run_locust(command: list[str], reports: Path, signals: _Interrupts) -> int:
    log_path = reports / "locust.log"
    with open(log_path, "w") as log:
        locust = _start_locust(command, log.fileno())
        code, interrupted = _wait_for_locust(locust, signals)
    if interrupted and code != EXIT_INTERRUPTED and not (reports / "summary.json").exists():
        # Locust ended on the signal before botagent's part in it was up to say so (a traceback in
        # locust.log, exit code 1 or the signal's), or before its run had started.
        _say(NOT_STARTED)
        return EXIT_INTERRUPTED
    if code in EXPLAINED_EXIT_CODES:
        return code
    _say(f"Locust ended with exit code {code}; the end of {log_path}:\n{_tail(log_path)}")
    return EXIT_RUN_ERROR


def _start_locust(command: list[str], log: int) -> subprocess.Popen[bytes]:
    """Start Locust with its stderr in ``log`` and this terminal's stderr as botagent's console."""
    console = os.dup(sys.stderr.fileno())
    try:
        # Its own process group (see _wait_for_locust) and no terminal input: Locust's key commands
        # would change the terminal's mode from a background group, which stops the process.
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stderr=log,
            pass_fds=(console,),
            env={**os.environ, CONSOLE_FD_VARIABLE: str(console)},
            process_group=0,
            preexec_fn=end_with_parent(),
        )
    finally:
        os.close(console)


def _wait_for_locust(locust: subprocess.Popen[bytes], signals: _Interrupts) -> tuple[int, bool]:
    """Wait for Locust to exit; pass each interrupt on as the same signal, and keep waiting.

    Locust runs in its own process group, so a terminal's Ctrl-C reaches it only from here, once: it
    stops the agents (log off, close sessions), prints the summary and writes the reports, then exits.

    Returns:
        Locust's exit code, and whether it was interrupted.
    """
    interrupted = False
    while True:
        try:
            return locust.wait(), interrupted
        except KeyboardInterrupt:
            if not interrupted:
                _say("interrupted: stopping the agents and writing the reports")
            interrupted = True
            locust.send_signal(signals.last or signal.SIGINT)


def _tail(path: Path, lines: int = 20) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _say(message: str) -> None:
    sys.stderr.write(f"botagent: {message}\n")
    sys.stderr.flush()
