"""Shared parts of the benchmarks: options, child processes pinned to cores, /proc readings, tables, results.

Every benchmark is a plain script run from the repository root (``python bench/NAME.py``); this module
sits beside them and is imported as ``_common``. The scripts themselves never import Locust (it
gevent-patches the process): Locust and the servers always run as child processes, each pinned to
one core, and every child is stopped in a ``finally`` (SIGTERM, then SIGKILL).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = [
    "BENCH",
    "RESULTS",
    "ROOT",
    "Child",
    "Sampler",
    "add_mode_options",
    "bench_args",
    "children_of",
    "client_and_server_cores",
    "cpu_seconds",
    "fd_count",
    "format_table",
    "goal",
    "http_json",
    "machine_info",
    "percentile",
    "pinned",
    "raise_nofile",
    "read_ready_line",
    "resolve_mode",
    "results_folder",
    "rss_kib",
    "socket_count",
    "start_mock",
    "start_python",
    "stopping",
    "wait_for",
    "write_result",
    "write_yaml",
]

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
READY_PREFIX = "botagent mock listening on "
_TICKS = os.sysconf("SC_CLK_TCK")


# --- options and results --------------------------------------------------------------------------------


def bench_args(description: str, argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the options every benchmark has: ``--quick``, ``--smoke`` and ``--out``."""
    parser = argparse.ArgumentParser(description=description)
    add_mode_options(parser)
    return resolve_mode(parser.parse_args(argv))


def add_mode_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--quick``, ``--smoke`` and ``--out`` to ``parser``; `resolve_mode` reads them."""
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="smaller sizes and shorter windows")
    mode.add_argument("--smoke", action="store_true", help="tiny sizes: only checks that the script runs")
    parser.add_argument(
        "--out",
        type=Path,
        help="folder for the results JSON (default: bench/results for full runs, "
        "bench/results/quick or bench/results/smoke for the others)",
    )


def resolve_mode(args: argparse.Namespace) -> argparse.Namespace:
    """Set ``args.mode`` (``full``, ``quick`` or ``smoke``) and, unless given, ``args.out`` from it."""
    args.mode = "smoke" if args.smoke else "quick" if args.quick else "full"
    args.out = args.out or results_folder(args.mode)
    return args


def results_folder(mode: str) -> Path:
    """Where a run in ``mode`` writes its results by default.

    Full runs write ``bench/results/``, the committed numbers the READMEs cite; quick and smoke runs
    write ``bench/results/<mode>/`` (git-ignored), so they never overwrite those.
    """
    return RESULTS if mode == "full" else RESULTS / mode


def machine_info() -> dict[str, Any]:
    """Cores, CPU model, Python version and load average, to print beside every table."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "cpu_model": model or platform.processor(),
        "python": platform.python_version(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def goal(value: float | bool | None, target: float | bool, met: bool) -> dict[str, Any]:
    """One goal of a benchmark, as every results file names it under ``goals``: the value measured (None
    when it could not be), the target, and whether it was met."""
    return {"value": value, "goal": target, "met": bool(met) and value is not None}


def write_result(name: str, args: argparse.Namespace, data: dict[str, Any], table: str) -> Path:
    """Write ``<out>/<name>.json`` with the mode, the machine, the data and the printed table."""
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{name}.json"
    body = {
        "benchmark": name,
        "mode": args.mode,
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine_info(),
        **data,
        "table": table,
    }
    path.write_text(json.dumps(body, indent=2, default=str) + "\n")
    return path


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table, right-aligned numbers, floats to three significant places."""
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row, raw in zip(cells, rows, strict=True):
        parts = [
            c.rjust(w) if isinstance(v, int | float) and not isinstance(v, bool) else c.ljust(w)
            for c, v, w in zip(row, raw, widths, strict=True)
        ]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if value != value:
            return "-"
        magnitude = abs(value)
        if magnitude >= 100:
            return f"{value:,.0f}"
        if magnitude >= 10:
            return f"{value:.1f}"
        return f"{value:.2f}" if magnitude >= 0.1 or value == 0 else f"{value:.3f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The nearest-rank percentile of unsorted values; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


# --- cores, limits and child processes ---------------------------------------------------------------


def client_and_server_cores() -> tuple[int, int]:
    """Two distinct cores when the machine has them: (client core, server core)."""
    cores = sorted(os.sched_getaffinity(0))
    return cores[0], cores[-1]


def raise_nofile() -> int:
    """Raise this process's open-file soft limit to the hard limit; return the new limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def pinned(core: int | None) -> Callable[[], None]:
    """A ``preexec_fn``: pin the child to ``core`` (None: leave it), raise its file limit, own group."""

    def setup() -> None:
        if core is not None:
            os.sched_setaffinity(0, {core})
        raise_nofile()
        os.setpgrp()

    return setup


class Child:
    """A child process that ``stop()`` always ends, with its whole process group (Locust workers too)."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        core: int | None,
        env: dict[str, str] | None = None,
        stdout: Any = subprocess.DEVNULL,
        stderr: Any = subprocess.PIPE,
        text: bool = True,
    ) -> None:
        path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")]))
        full_env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": path, **(env or {})}
        self.command = list(command)
        self.process = subprocess.Popen(
            self.command,
            stdout=stdout,
            stderr=stderr,
            env=full_env,
            cwd=ROOT,
            text=text,
            preexec_fn=pinned(core),
        )
        self.pid = self.process.pid
        self._stderr_tail: list[str] = []
        if stderr is subprocess.PIPE:
            threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _drain_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self._stderr_tail.append(line)
            del self._stderr_tail[:-40]

    @property
    def stderr_tail(self) -> str:
        """The last lines the child wrote to stderr."""
        return "".join(self._stderr_tail)

    def alive(self) -> bool:
        """True while the child runs."""
        return self.process.poll() is None

    def wait(self, timeout: float) -> int | None:
        """Wait up to ``timeout`` seconds; return the exit code, or None if still running."""
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM the child's process group, then SIGKILL what is left after ``grace`` seconds."""
        if self.process.poll() is None:
            _signal_group(self.pid, signal.SIGTERM)
            if self.wait(grace) is None:
                _signal_group(self.pid, signal.SIGKILL)
                self.process.wait(10)
        _signal_group(self.pid, signal.SIGKILL)  # workers left behind by a dead parent


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def start_python(
    args: Sequence[str],
    *,
    core: int | None,
    env: dict[str, str] | None = None,
    stdout: Any = subprocess.DEVNULL,
) -> Child:
    """Start ``python ARGS`` from the repository root, pinned to ``core``."""
    return Child([sys.executable, *args], core=core, env=env, stdout=stdout)


def start_mock(
    scenario: Path | None,
    core: int | None,
    timeout: float = 60.0,
    host: str = "127.0.0.1",
    prefix: Sequence[str] = (),
) -> tuple[Child, str]:
    """Start ``botagent mock --port 0`` pinned to ``core``; return the child and its base URL.

    ``prefix`` goes before ``-m botagent`` (a wrapper script and its arguments, like ``_tracemem.py``).
    """
    command = [*prefix, "-m", "botagent", "mock", "--host", host, "--port", "0"]
    if scenario is not None:
        command += ["--scenario", str(scenario)]
    child = start_python(command, core=core, stdout=subprocess.PIPE)
    return child, read_ready_line(child, READY_PREFIX, timeout)


def read_ready_line(child: Child, prefix: str, timeout: float) -> str:
    """Wait for the child's ``<prefix><url>`` line on stdout and return the URL."""
    found: list[str] = []

    def read() -> None:
        assert child.process.stdout is not None
        for line in child.process.stdout:
            if line.startswith(prefix):
                found.append(line[len(prefix) :].strip())
                break
        for _ in child.process.stdout:  # keep draining so the child never blocks on a full pipe
            pass

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + timeout
    while not found and time.monotonic() < deadline and child.alive():
        time.sleep(0.02)
    if not found:
        child.stop()
        raise RuntimeError(f"{' '.join(child.command)} did not start:\n{child.stderr_tail}")
    return found[0]


def wait_for(predicate: Callable[[], bool], timeout: float, interval: float = 0.2) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` seconds pass; return its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


# --- /proc readings ------------------------------------------------------------------------------------


def rss_kib(pid: int) -> int:
    """Resident memory of a process in KiB (VmRSS), 0 when it is gone."""
    try:
        match = re.search(r"^VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text(), re.MULTILINE)
    except OSError:
        return 0
    return int(match.group(1)) if match else 0


def fd_count(pid: int) -> int:
    """Open file descriptors of a process, 0 when it is gone."""
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


def socket_count(pid: int) -> int:
    """Open sockets of a process, 0 when it is gone."""
    count = 0
    try:
        for name in os.listdir(f"/proc/{pid}/fd"):
            try:
                count += os.readlink(f"/proc/{pid}/fd/{name}").startswith("socket:")
            except OSError:
                continue
    except OSError:
        return 0
    return count


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds a process has used, 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS


def children_of(pid: int) -> list[int]:
    """Every live descendant of a process."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(entry))
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class Sampler:
    """CPU use of some processes over a window: ``start()``, then ``percent()`` of one core."""

    def __init__(self, pids: Sequence[int]) -> None:
        self.pids = list(pids)
        self._cpu = 0.0
        self._wall = 0.0

    def start(self) -> None:
        """Begin the window."""
        self._cpu = sum(cpu_seconds(p) for p in self.pids)
        self._wall = time.monotonic()

    def percent(self) -> float:
        """CPU used since ``start()`` as a percentage of one core."""
        wall = time.monotonic() - self._wall
        used = sum(cpu_seconds(p) for p in self.pids) - self._cpu
        return 100.0 * used / wall if wall > 0 else 0.0

    def cpu_used(self) -> float:
        """CPU seconds used since ``start()``."""
        return sum(cpu_seconds(p) for p in self.pids) - self._cpu


# --- HTTP and files --------------------------------------------------------------------------------------


def http_json(method: str, url: str, body: object | None = None, timeout: float = 30.0) -> tuple[int, Any]:
    """One JSON request with urllib (loopback only); returns (status, decoded body or None)."""
    if not url.startswith(("http://127.", "http://localhost")):
        raise ValueError(f"benchmarks talk to loopback only (got {url})")
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            return exc.code, json.loads(raw) if raw else None
        except ValueError:
            return exc.code, None


AGENT_PATTERN = "agent{n:05d}"
PASSWORD = "botagent"


def mock_users(last: int) -> list[dict[str, Any]]:
    """The scenario's users agent00001..agent<last>, all with the bench password."""
    return [{"pattern": AGENT_PATTERN, "range": [1, last], "password": PASSWORD}]


def pattern_identities(last: int) -> dict[str, Any]:
    """The profile's identities for the same users as `mock_users(last)`."""
    return {"source": "pattern", "pattern": AGENT_PATTERN, "first": 1, "last": last, "password": PASSWORD}


def three_campaigns(timing: dict[str, Any]) -> list[dict[str, Any]]:
    """The default scenario's three campaigns, one per dialing mode, with the given delays."""
    modes = (
        ("Predictive Sales", "predictive"),
        ("Power Collections", "power"),
        ("Preview Callbacks", "preview"),
    )
    return [{"name": name, "mode": mode, **timing} for name, mode in modes]


def write_yaml(path: Path, data: dict[str, Any]) -> Path:
    """Write plain data as YAML (JSON is YAML, and needs no extra dependency here)."""
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path


@contextmanager
def stopping(children: list[Child]) -> Iterator[list[Child]]:
    """Yield a list to put children in; every one of them is stopped on the way out."""
    try:
        yield children
    finally:
        for child in reversed(children):
            child.stop()
