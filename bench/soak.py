"""Compressed soak: do memory and open sockets stay flat while agents work through faults?

Hundreds of agents (quick: 50) take calls for ten minutes (quick: 60 s) with short talk and wrap-up,
breaks, and a log-off every few calls (so sessions come and go), against the mock with faults on:
latency on 5% of requests, 503 with ``Retry-After`` on 0.2% of status and ready requests, event
streams cut after 20 events on 5% of streams, and an occasional lost session. The faults are posted
to ``POST /mock/faults``; a mock without that route gets none, and the table says so.

Every few seconds it samples RSS, open file descriptors and sockets of the Locust process(es) and of
the mock (from /proc), and the mock's call count. After a warm-up (a third of the run) it fits a line
through each series and checks that growth stays under the bounds: RSS at most 2 MiB/min and 10% over
the window, file descriptors at most 10% + 20 over the window. RSS growth is also shown per call
placed in the window, whose goal is under 0.05 KiB: the mock keeps settled calls in an SQLite file and
the run reconciles as it goes, so neither should keep anything per call; a compressed soak, with many
calls a minute, makes any such growth visible.

    python bench/soak.py [--quick | --smoke] [--out DIR] [--trace-memory]

``--trace-memory`` runs both processes with ``tracemalloc`` on (through ``_tracemem.py``), takes a
snapshot of each at the end of the warm-up and another at the last sample, and writes the allocation
sites that grew most in between to ``soak-memory-locust.txt`` and ``soak-memory-mock.txt`` in the
results folder. Tracing slows both processes and adds memory of its own: use it to find what grows,
not for the table.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _common as common
import _tracemem

NAME = "soak"
SIZES = {
    "smoke": {"agents": 8, "seconds": 12, "sample": 2.0, "spawn_rate": 20},
    "quick": {"agents": 50, "seconds": 60, "sample": 3.0, "spawn_rate": 25},
    "full": {"agents": 300, "seconds": 600, "sample": 10.0, "spawn_rate": 30},
}
RSS_SLOPE_MIB_PER_MIN = 2.0
RSS_GROWTH = 0.10
RSS_KIB_PER_CALL = 0.05
"""Goal: after the warm-up, each process's RSS grows by less than this per call placed (memory that
depends on the agents, not on the calls)."""
FD_GROWTH, FD_SLACK = 0.10, 20
FAULTS = [
    {"kind": "latency", "rate": 0.05, "seconds": {"low": 0.005, "high": 0.05}},
    {
        "kind": "error",
        "status": 503,
        "retry_after": 0.5,
        "rate": 0.002,
        "endpoints": ["PUT /status/user-statuses", "POST /dialer/ready-for-calls"],
    },
    {"kind": "sse_cut", "after_events": 20, "rate": 0.05},
    {"kind": "session_loss", "rate": 0.0005, "endpoints": ["PUT /status/user-statuses"]},
]
FAST = {"dial_delay": 0.2, "ring_delay": 0.3, "preview_timeout": 30}


def write_inputs(folder: Path, size: dict[str, Any]) -> tuple[Path, Path]:
    users = size["agents"] + 50
    campaigns = common.three_campaigns(FAST)
    scenario = common.write_yaml(
        folder / "scenario.yaml",
        {
            "session_idle_expiry": 120,
            "campaigns": campaigns,
            "users": common.mock_users(users),
        },
    )
    profile = common.write_yaml(
        folder / "profile.yaml",
        {
            "name": "soak-compressed",
            "target": "mock",
            "load": {
                "users": size["agents"],
                "spawn_rate": size["spawn_rate"],
                "run_time": f"{size['seconds']}s",
                "processes": 1,
            },
            "identities": common.pattern_identities(users),
            "messaging": {"mode": "sse"},
            "behaviour": {
                "talk_time": {"kind": "uniform", "low": 1, "high": 3},
                "preview_think_time": 0.5,
                "wrap_up_time": {"kind": "uniform", "low": 0.5, "high": 1},
                "dispositions": {"any": 1},
                "reschedule": {
                    "probability": 0.1,
                    "offset": {"kind": "uniform", "low": 5, "high": 20},
                    "agent": "self",
                },
                "breaks": {
                    "every_calls": 5,
                    "probability": 0,
                    "length": {"kind": "uniform", "low": 1, "high": 3},
                },
                "logoff": {"after_calls": 12, "after_time": None, "scope": "all"},
            },
            "timeouts": {"request": 15, "pop": 60, "break_grant": 60, "logoff_grant": 60, "session_open": 15},
            "on_error": {"policy": "restart", "pause": "1s"},
        },
    )
    return scenario, profile


def add_faults(url: str) -> tuple[list[str], str]:
    """Post the faults; return their ids and a note (empty when all went in)."""
    ids: list[str] = []
    for fault in FAULTS:
        status, body = common.http_json("POST", f"{url}/mock/faults", fault)
        if status == 404 or status == 405:
            return ids, "faults skipped: this mock has no POST /mock/faults"
        if status != 201:
            return ids, f"fault {fault['kind']} refused: {status} {body}"
        ids.append(str((body or {}).get("id")))
    return ids, ""


def sample(locust: common.Child, mock: common.Child, started: float, url: str) -> dict[str, Any]:
    pids = [locust.pid, *common.children_of(locust.pid)]
    status, health = common.http_json("GET", f"{url}/mock/health")
    return {
        "calls": (health or {}).get("calls", 0) if status == 200 else 0,
        "t": time.monotonic() - started,
        "locust_rss_mib": sum(common.rss_kib(p) for p in pids) / 1024,
        "locust_fds": sum(common.fd_count(p) for p in pids),
        "locust_sockets": sum(common.socket_count(p) for p in pids),
        "mock_rss_mib": common.rss_kib(mock.pid) / 1024,
        "mock_fds": common.fd_count(mock.pid),
        "mock_sockets": common.socket_count(mock.pid),
    }


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (t, y), per minute."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    var = sum((t - mean_t) ** 2 for t, _ in points)
    if var == 0:
        return 0.0
    return 60.0 * sum((t - mean_t) * (y - mean_y) for t, y in points) / var


def judge(series: list[dict[str, Any]], warmup: float) -> dict[str, dict[str, Any]]:
    """Per measure: value after warm-up, at the end, slope per minute, and whether it stayed flat."""
    steady = [s for s in series if s["t"] >= warmup] or series[-1:]
    verdicts = {}
    calls = steady[-1]["calls"] - steady[0]["calls"]
    for key in ("locust_rss_mib", "mock_rss_mib", "locust_fds", "mock_fds", "locust_sockets", "mock_sockets"):
        first, last = steady[0][key], steady[-1][key]
        per_minute = slope([(s["t"], s[key]) for s in steady])
        growth = last - first
        if key.endswith("rss_mib"):
            per_call = growth * 1024 / calls if calls else 0.0
            flat = per_minute <= RSS_SLOPE_MIB_PER_MIN and growth <= RSS_GROWTH * first
            flat = flat and per_call < RSS_KIB_PER_CALL
            bound = f"<= {RSS_SLOPE_MIB_PER_MIN:g} MiB/min, {RSS_GROWTH:.0%}, {RSS_KIB_PER_CALL:g} KiB/call"
        else:
            flat = growth <= FD_GROWTH * first + FD_SLACK
            bound = f"<= {FD_GROWTH:.0%} + {FD_SLACK}"
        verdicts[key] = {
            "after_warmup": first,
            "end": last,
            "growth": growth,
            "slope_per_min": per_minute,
            "bound": bound,
            "flat": flat,
            "calls_in_window": calls,
            "kib_per_call": growth * 1024 / calls if calls and key.endswith("rss_mib") else None,
        }
    return verdicts


class MemoryTrace:
    """Snapshots of the traced Locust process and mock: one after the warm-up, one at the end."""

    NAMES = ("locust", "mock")

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.taken = 0

    def prefix(self, name: str) -> list[str]:
        """What goes before ``-m MODULE`` to run process ``name`` traced."""
        return [str(common.BENCH / "_tracemem.py"), str(self.folder), name]

    def snapshot(self, pids: dict[str, int], timeout: float = 120.0) -> None:
        """Ask each process for its next snapshot and wait (at most ``timeout`` s) until all are written."""
        self.taken += 1
        for pid in pids.values():
            try:
                os.kill(pid, signal.SIGUSR1)
            except ProcessLookupError:
                continue
        done = [_tracemem.done_path(self.folder, name, self.taken) for name in pids]
        common.wait_for(lambda: all(path.exists() for path in done), timeout, interval=0.5)

    def write_growth(self, out: Path) -> list[Path]:
        """Write each process's top growing allocation sites between the two snapshots into ``out``."""
        written = []
        out.mkdir(parents=True, exist_ok=True)
        for name in self.NAMES:
            first = _tracemem.snapshot_path(self.folder, name, 1)
            second = _tracemem.snapshot_path(self.folder, name, 2)
            if not (first.exists() and second.exists()):
                continue
            path = out / f"soak-memory-{name}.txt"
            garbage = _tracemem.garbage_path(self.folder, name, 2)
            path.write_text(_tracemem.top_growth(first, second, garbage=garbage))
            written.append(path)
        return written


def run(size: dict[str, Any], folder: Path, trace: MemoryTrace | None = None) -> dict[str, Any]:
    client_core, server_core = common.client_and_server_cores()
    scenario, profile = write_inputs(folder, size)
    reports = folder / "reports"
    series: list[dict[str, Any]] = []
    children: list[common.Child] = []
    warmup = size["seconds"] / 3
    with common.stopping(children):
        mock, url = common.start_mock(scenario, server_core, prefix=trace.prefix("mock") if trace else ())
        children.append(mock)
        fault_ids, note = add_faults(url)
        locust = common.start_python(
            [
                *(trace.prefix("locust") if trace else []),
                "-m",
                "locust",
                "-f",
                "bench/locustfiles/bot.py",
                "--headless",
                "-u",
                str(size["agents"]),
                "-r",
                str(size["spawn_rate"]),
                "--run-time",
                f"{size['seconds']}s",
                "--host",
                url,
                "--profile",
                str(profile),
                "--reports",
                str(reports),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            core=client_core,
        )
        children.append(locust)
        started = time.monotonic()
        # sample while the agents work; the last sample comes before Locust starts stopping them
        while locust.alive() and time.monotonic() - started < size["seconds"] - 1.0:
            series.append(sample(locust, mock, started, url))
            if trace and trace.taken == 0 and series[-1]["t"] >= warmup and series[-1]["calls"]:
                trace.snapshot({"locust": locust.pid, "mock": mock.pid})
            time.sleep(min(size["sample"], max(0.0, started + size["seconds"] - 1.0 - time.monotonic())))
        if trace and trace.taken == 1 and locust.alive():
            trace.snapshot({"locust": locust.pid, "mock": mock.pid})
        status, faults = common.http_json("GET", f"{url}/mock/faults")
        fired = (
            {str(f.get("kind")): f.get("fired") for f in (faults or {}).get("faults", [])}
            if status == 200
            else {}
        )
        if locust.wait(size["seconds"] + 120) is None:
            raise RuntimeError(f"Locust did not finish:\n{locust.stderr_tail}")
    summary_path = reports / "summary.json"
    summary = json.loads(summary_path.read_text()) if summary_path.exists() else {}
    return {
        "series": series,
        "warmup_s": warmup,
        "verdicts": judge(series, warmup),
        "faults": FAULTS if fault_ids else [],
        "faults_fired": fired,
        "fault_note": note,
        "calls": summary.get("calls"),
        "step_errors": summary.get("step_errors_total"),
        "reconciliation": summary.get("reconciliation"),
        "failures": sum(e["failures"] for e in summary.get("endpoints", [])),
    }


def render(result: dict[str, Any]) -> str:
    series_table = common.format_table(
        [
            "t s",
            "calls",
            "Locust RSS MiB",
            "Locust fds",
            "Locust sockets",
            "mock RSS MiB",
            "mock fds",
            "mock sockets",
        ],
        [
            [
                s["t"],
                s["calls"],
                s["locust_rss_mib"],
                s["locust_fds"],
                s["locust_sockets"],
                s["mock_rss_mib"],
                s["mock_fds"],
                s["mock_sockets"],
            ]
            for s in result["series"]
        ],
    )
    verdict_table = common.format_table(
        ["measure", "after warm-up", "end", "growth", "slope /min", "KiB per call", "bound", "flat"],
        [
            [
                key,
                v["after_warmup"],
                v["end"],
                v["growth"],
                v["slope_per_min"],
                v["kib_per_call"],
                v["bound"],
                "yes" if v["flat"] else "NO",
            ]
            for key, v in result["verdicts"].items()
        ],
    )
    calls = result["calls"] or {}
    faults = result["fault_note"] or f"faults fired: {result['faults_fired']}"
    tail = (
        f"calls dispositioned {calls.get('dispositioned')}, failed requests {result['failures']}, "
        f"step errors {result['step_errors']}; {faults}"
    )
    return f"{series_table}\n\nwarm-up {result['warmup_s']:.0f} s\n{verdict_table}\n{tail}"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The common options plus ``--trace-memory``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    common.add_mode_options(parser)
    parser.add_argument(
        "--trace-memory",
        action="store_true",
        help="trace allocations in both processes and write the top growing sites after the warm-up "
        "to soak-memory-locust.txt and soak-memory-mock.txt in the results folder",
    )
    return common.resolve_mode(parser.parse_args(argv))


def main() -> int:
    args = parse_args()
    size = SIZES[args.mode]
    common.raise_nofile()
    with tempfile.TemporaryDirectory(prefix="bench-soak-") as folder:
        trace = MemoryTrace(Path(folder) / "trace") if args.trace_memory else None
        result = run(size, Path(folder), trace)
        growth = trace.write_growth(args.out) if trace else []
    table = render(result)
    print(f"soak ({args.mode})\n{table}")
    for path in growth:
        print(f"memory growth: {path}")
    if args.trace_memory and not growth:
        print("memory growth: no snapshots (no calls after the warm-up); try a longer run")
    flat = all(v["flat"] for v in result["verdicts"].values())
    data = {
        **result,
        "flat": flat,
        "goals": {
            f"{key}_kib_per_call": common.goal(
                result["verdicts"][f"{key}_rss_mib"]["kib_per_call"],
                RSS_KIB_PER_CALL,
                (result["verdicts"][f"{key}_rss_mib"]["kib_per_call"] or 0.0) < RSS_KIB_PER_CALL,
            )
            for key in ("locust", "mock")
        },
        "bounds": {
            "rss_slope_mib_per_min": RSS_SLOPE_MIB_PER_MIN,
            "rss_growth": RSS_GROWTH,
            "rss_kib_per_call": RSS_KIB_PER_CALL,
            "fd_growth": FD_GROWTH,
            "fd_slack": FD_SLACK,
        },
        "sizes": size,
        "traced": bool(args.trace_memory),
    }
    print(f"results: {common.write_result(NAME, args, data, table)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
