"""Running the `botagent` command in a child process, as a user would, for the tests of tests/cli.

Locust never runs in the pytest process (importing it gevent-patches everything): every run is
`python -m botagent ...` in a child. `smoke_profile` writes a shortened copy of profiles/smoke.yaml whose
agents log in with `SECRET` against an embedded mock that knows that password, so a test can check the
password never leaks. `BackgroundRun` runs the command while the test watches its output and signals it.
`LongRuns` starts the suite's two long runs together (a passing smoke run, and one whose thresholds no
run can meet), so their waits overlap.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import yaml

REPO = Path(__file__).resolve().parents[2]
SMOKE_PROFILE = REPO / "profiles" / "smoke.yaml"
SECRET = "Zq7-cli-secret-Kp2"
"""The agents' password in `smoke_profile` runs; no report or console line may contain it."""


def run_botagent(*args: str, cwd: Path = REPO, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """Run `python -m botagent ARGS` and return what it printed and its exit code."""
    return subprocess.run(
        [sys.executable, "-m", "botagent", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@dataclass(frozen=True)
class FinishedRun:
    """A `botagent run` that ended: what it printed and exited with, and its report folder."""

    result: subprocess.CompletedProcess[str]
    reports: Path

    @property
    def summary(self) -> dict[str, Any]:
        """The run's summary.json."""
        data: dict[str, Any] = json.loads((self.reports / "summary.json").read_text(encoding="utf-8"))
        return data

    def explain(self) -> str:
        """Exit code and output, for assertion messages."""
        result = self.result
        return f"exit code {result.returncode}\n{result.stdout}\n--- stderr ---\n{result.stderr}"


def smoke_profile(folder: Path, *, users: int = 3, run_time: str = "15s", **changes: Any) -> Path:
    """Write a shortened profiles/smoke.yaml into ``folder`` and return its path.

    Its agents use the password `SECRET`, which the embedded mock's scenario (written beside it) expects.
    ``changes`` replace top-level keys of the profile (``thresholds=...``, ``name=...``).
    """
    profile = yaml.safe_load(SMOKE_PROFILE.read_text())
    profile["load"].update(users=users, run_time=run_time)
    profile["identities"]["password"] = SECRET
    profile["mock_scenario"] = "scenario.yaml"
    profile.update(changes)
    last = profile["identities"]["last"]
    scenario = {"users": [{"pattern": "agent{n:04d}", "range": [1, last], "password": SECRET}]}
    (folder / "scenario.yaml").write_text(yaml.safe_dump(scenario, sort_keys=False))
    path = folder / "profile.yaml"
    path.write_text(yaml.safe_dump(profile, sort_keys=False))
    return path


def closed_port() -> int:
    """A loopback port nothing listens on (just released by the OS)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _interruptible() -> None:
    """Let Ctrl-C reach the command, as it reaches a terminal's foreground job, even when the tests
    themselves run in the background of a shell, which starts them with SIGINT ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class BackgroundRun:
    """`python -m botagent ARGS` running in its own session, with its output read as it comes.

    Args:
        args: the command's arguments.
        cwd: where it runs.
    """

    def __init__(self, *args: str, cwd: Path = REPO) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "botagent", *args],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
            preexec_fn=_interruptible,
        )
        self._lines: queue.Queue[str] = queue.Queue()
        self._out: list[str] = []
        self._err: list[str] = []
        self._readers = [
            self._read(self.process.stdout, self._out),
            self._read(self.process.stderr, self._err),
        ]

    def _read(self, stream: IO[str] | None, into: list[str]) -> threading.Thread:
        def read() -> None:
            assert stream is not None
            for line in stream:
                into.append(line)
                self._lines.put(line)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        return reader

    def wait_for_line(self, pattern: str, timeout: float = 60) -> re.Match[str]:
        """The first match of ``pattern`` in a line printed (stdout or stderr) from now on."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._lines.get(timeout=min(left, 1.0))
            except queue.Empty:
                if self.process.poll() is not None and self._lines.empty():
                    break
                continue
            if match := re.search(pattern, line):
                return match
        raise AssertionError(f"no line matching {pattern!r}; so far:\n{self.output()}")

    def signal_group(self, signum: int) -> None:
        """Send ``signum`` to the command's whole process group, as a terminal's Ctrl-C does."""
        os.killpg(self.process.pid, signum)

    def signal_process(self, signum: int) -> None:
        """Send ``signum`` to the command's process only, as `kill PID` does."""
        self.process.send_signal(signum)

    def finish(self, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Wait for the command to exit (killing its group after ``timeout``) and return its output."""
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.signal_group(signal.SIGKILL)
            self.process.wait()
            self.process.__exit__(None, None, None)
            raise AssertionError(f"still running after {timeout} s:\n{self.output()}") from None
        for reader in self._readers:
            reader.join(10)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        return subprocess.CompletedProcess(self.process.args, code, "".join(self._out), "".join(self._err))

    def output(self) -> str:
        return "".join(self._out) + "\n--- stderr ---\n" + "".join(self._err)


IMPOSSIBLE_THRESHOLDS = [
    "wait-for-pop p50 <= 1 ms",
    "POST /dialer/ready-for-calls count >= 100000",
    "calls per agent >= 10000",
]
"""What `LongRuns.breached` must fail: the mock dials for 500 ms before any pop, and no agent takes 10000
calls, or readies itself 100000 times, in a few seconds."""


def impossible_profile(folder: Path) -> Path:
    """A short smoke profile named "impossible", with the smoke thresholds and `IMPOSSIBLE_THRESHOLDS`."""
    thresholds = yaml.safe_load(SMOKE_PROFILE.read_text())["thresholds"]
    thresholds["kpis"]["wait-for-pop"] = {"p50": 1}
    thresholds["endpoints"]["POST /dialer/ready-for-calls"] = {"min_count": 100000}
    thresholds["calls_per_agent"] = {"min": 10000}
    return smoke_profile(folder, users=3, run_time="6s", name="impossible", thresholds=thresholds)


class LongRuns:
    """The suite's two long `botagent run`s, started at once; each is awaited when first asked for.

    Args:
        smoke_folder: folder of the passing run (3 agents, 15 s, the smoke thresholds).
        breached_folder: folder of the run breaching `IMPOSSIBLE_THRESHOLDS` (3 agents, 6 s).
    """

    SMOKE_USERS = 3

    def __init__(self, smoke_folder: Path, breached_folder: Path) -> None:
        self._runs = {
            "smoke": self._start(smoke_profile(smoke_folder, users=self.SMOKE_USERS, run_time="15s")),
            "breached": self._start(impossible_profile(breached_folder)),
        }
        self._finished: dict[str, FinishedRun] = {}

    @staticmethod
    def _start(profile: Path) -> tuple[BackgroundRun, Path]:
        reports = profile.parent / "reports"
        return BackgroundRun("run", str(profile), "--reports", str(reports)), reports

    def smoke(self) -> FinishedRun:
        """The passing smoke run, once it has ended."""
        return self._finish("smoke")

    def breached(self) -> FinishedRun:
        """The run with impossible thresholds, once it has ended."""
        return self._finish("breached")

    def _finish(self, name: str) -> FinishedRun:
        if name not in self._finished:
            run, reports = self._runs[name]
            self._finished[name] = FinishedRun(run.finish(timeout=150), reports)
        return self._finished[name]

    def close(self) -> None:
        """Stop the runs no test asked for (as `kill PID` would) and wait for them."""
        for name, (run, _) in self._runs.items():
            if name not in self._finished:
                if run.process.poll() is None:
                    run.signal_process(signal.SIGTERM)
                self._finish(name)
