"""`botagent run PROFILE`: one command for a whole headless run, embedded mock included.

It validates the profile, starts the embedded mock ICWS when the profile targets `mock`, checks that the
target answers, then runs Locust headless on the packaged locustfile with the report folder set up.
Locust's own tables and logs go to `locust.log` in the report folder; progress lines and the
end-of-test summary (printed by botagent's Locust listeners on stdout) reach the terminal. The exit
code is Locust's, which botagent sets from the thresholds (see `botagent.report` for the codes).
Ctrl-C or SIGTERM reaches Locust once, from here: it stops the agents and writes the reports as at the
end of a run; Locust also stops if botagent itself is killed.
"""

from __future__ import annotations

import math
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx

from botagent._child import end_with_parent
from botagent.mock import MockProcess, MockStartError
from botagent.profile import Profile, load_profile
from botagent.report import EXIT_BAD_INPUT, EXIT_OK, EXIT_RUN_ERROR, EXIT_THRESHOLDS
from botagent.wire import ProfileError

__all__ = ["RunOptions", "run_profile"]

LOCUSTFILE = Path(__file__).parent / "locust" / "locustfile.py"
KNOWN_EXIT_CODES = {EXIT_OK, EXIT_THRESHOLDS, EXIT_BAD_INPUT, EXIT_RUN_ERROR}


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
    writes the reports before botagent exits with its code.

    Returns:
        0 when every threshold passed, 1 when one failed, 2 for a bad profile or option, 3 when the
        run could not complete (target unreachable, mock failed to start, Locust crashed, interrupted
        before Locust started).
    """
    try:
        profile = load_profile(options.profile, overrides=_overrides(options))
    except ProfileError as exc:
        _say(f"bad profile:\n{exc}")
        return EXIT_BAD_INPUT
    if profile.load.run_time <= 0:
        _say(f"bad profile:\n{options.profile}: load.run_time: botagent run needs a run time above 0 (got 0)")
        return EXIT_BAD_INPUT
    reports = options.reports or Path("reports") / f"{datetime.now():%Y%m%d-%H%M%S}-{profile.name}"
    try:
        reports.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _say(f"cannot create the report folder {reports}: {exc.strerror or exc}")
        return EXIT_BAD_INPUT
    with _sigterm_as_keyboard_interrupt():
        return _run_with_target(options.profile, profile, reports)


def _run_with_target(profile_path: Path, profile: Profile, reports: Path) -> int:
    mock: MockProcess | None = None
    try:
        if profile.target == "mock":
            mock = MockProcess(profile.mock_scenario)
            target = mock.base_url
        else:
            target = profile.target
        problem = _unreachable(target, profile.timeouts.request)
        if problem:
            _say(f"target unreachable: {problem}")
            return EXIT_RUN_ERROR
        _say(f"running {profile.name}: {profile.load.users} agents against {target}; reports in {reports}")
        return _run_locust(profile_path, profile, target, reports)
    except MockStartError as exc:
        _say(str(exc))
        return EXIT_RUN_ERROR
    except KeyboardInterrupt:
        _say("interrupted before the run started")
        return EXIT_RUN_ERROR
    finally:
        if mock is not None:
            mock.stop()


@contextmanager
def _sigterm_as_keyboard_interrupt() -> Iterator[None]:
    """Make SIGTERM raise KeyboardInterrupt, as Ctrl-C does, so both stop a run cleanly."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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


def _locust_command(profile_path: Path, profile: Profile, target: str, reports: Path) -> list[str]:
    load = profile.load
    command = [
        sys.executable, "-m", "locust",
        "-f", str(LOCUSTFILE),
        "--headless",
        "--users", str(load.users),
        "--spawn-rate", str(load.spawn_rate),
        "--run-time", f"{math.ceil(load.run_time)}s",
        "--host", target,
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


def _run_locust(profile_path: Path, profile: Profile, target: str, reports: Path) -> int:
    command = _locust_command(profile_path, profile, target, reports)
    log_path = reports / "locust.log"
    with open(log_path, "w") as log:
        # Its own process group (see _wait_for_locust) and no terminal input: Locust's key commands
        # would change the terminal's mode from a background group, which stops the process.
        locust = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stderr=log, process_group=0, preexec_fn=end_with_parent()
        )
        code = _wait_for_locust(locust)
    if code not in KNOWN_EXIT_CODES:
        _say(f"Locust ended with exit code {code}; the end of {log_path}:\n{_tail(log_path)}")
        return EXIT_RUN_ERROR
    if code != EXIT_OK and code != EXIT_THRESHOLDS:
        _say(f"the run failed (exit code {code}); the end of {log_path}:\n{_tail(log_path)}")
    return code


def _wait_for_locust(locust: subprocess.Popen[bytes]) -> int:
    """Wait for Locust to exit; on an interrupt, pass it on as SIGINT and keep waiting.

    Locust runs in its own process group, so a terminal's Ctrl-C reaches it only from here, once: it
    stops the agents (log off, close sessions), prints the summary and writes the reports, then exits.
    """
    while True:
        try:
            return locust.wait()
        except KeyboardInterrupt:
            _say("interrupted: stopping the agents and writing the reports")
            locust.send_signal(signal.SIGINT)


def _tail(path: Path, lines: int = 20) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _unreachable(target: str, timeout: float) -> str | None:
    try:
        httpx.get(f"{target.rstrip('/')}/icws/connection/version", timeout=timeout, verify=False)
    except httpx.HTTPError as exc:
        return f"{target}: {exc or type(exc).__name__}"
    return None


def _say(message: str) -> None:
    sys.stderr.write(f"botagent: {message}\n")
    sys.stderr.flush()
