"""`botagent run PROFILE`: one command for a whole headless run, embedded mock included.

It validates the profile, starts the embedded mock ICWS when the profile targets `mock`, checks that the
target answers, then runs Locust headless on the packaged locustfile with the report folder set up.
Locust's own tables and logs go to `locust.log` in the report folder; progress lines and the
end-of-test summary (printed by botagent's Locust listeners on stdout) reach the terminal. The exit
code is Locust's, which botagent sets from the thresholds (see `botagent.report` for the codes).
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx

from botagent.icws import ProfileError
from botagent.mock import MockProcess, MockStartError
from botagent.profile import Profile, load_profile
from botagent.report import EXIT_BAD_INPUT, EXIT_OK, EXIT_RUN_ERROR, EXIT_THRESHOLDS

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

    Returns:
        0 when every threshold passed, 1 when one failed, 2 for a bad profile or option, 3 when the
        run could not complete (target unreachable, mock failed to start, Locust crashed).
    """
    try:
        profile = load_profile(options.profile, overrides=_overrides(options))
    except ProfileError as exc:
        _say(f"bad profile:\n{exc}")
        return EXIT_BAD_INPUT
    reports = options.reports or Path("reports") / f"{datetime.now():%Y%m%d-%H%M%S}-{profile.name}"
    reports.mkdir(parents=True, exist_ok=True)
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
        return _run_locust(options.profile, profile, target, reports)
    except MockStartError as exc:
        _say(str(exc))
        return EXIT_RUN_ERROR
    finally:
        if mock is not None:
            mock.stop()


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
        "--run-time", f"{int(load.run_time)}s",
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
        command += ["--processes", str(load.processes)]
    return command


def _run_locust(profile_path: Path, profile: Profile, target: str, reports: Path) -> int:
    command = _locust_command(profile_path, profile, target, reports)
    log_path = reports / "locust.log"
    with open(log_path, "w") as log:
        code = subprocess.call(command, stderr=log)
    if code not in KNOWN_EXIT_CODES:
        _say(f"Locust ended with exit code {code}; the end of {log_path}:\n{_tail(log_path)}")
        return EXIT_RUN_ERROR
    if code != EXIT_OK and code != EXIT_THRESHOLDS:
        _say(f"the run failed (exit code {code}); the end of {log_path}:\n{_tail(log_path)}")
    return code


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
