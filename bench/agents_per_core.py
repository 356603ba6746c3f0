"""Agents per core: what N idle agents cost one Locust process.

One Locust process (botagent's agents, bench/locustfiles/bot.py) pinned to one core holds N agents
logged in, ready, Available and connected to their event stream, with no calls flowing (the mock,
pinned to the other core, runs one power campaign whose dial delay is an hour). Once every agent
waits for a pop with its stream open, it measures its own CPU while idle, then timer lag (how late
a sleeping greenlet wakes) and RSS. N = 1k, 2k, 5k, 10k (quick: 200, 500).

Each agent holds two sockets (its request connection and its stream), in the Locust process and in
the mock, so N is capped by the open-file hard limit (``ulimit -Hn``): a size that does not fit is
run at the largest N that does, and the table says so.

Goal: 5,000 agents per process with idle CPU < 10% of a core and timer lag p99 < 50 ms.

    python bench/agents_per_core.py [--quick | --smoke] [--out DIR]
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _common as common

NAME = "agents_per_core"
GOAL_AGENTS, GOAL_CPU, GOAL_LAG = 5000, 10.0, 50.0
SIZES = {
    "smoke": {"agents": [20], "window": 2.0, "spawn_rate": 100},
    "quick": {"agents": [200, 500], "window": 5.0, "spawn_rate": 200},
    "full": {"agents": [1000, 2000, 5000, 10000], "window": 15.0, "spawn_rate": 250},
}
FDS_PER_AGENT = 2
FD_RESERVE = 300


def fd_cap() -> int:
    """The most agents whose sockets fit under the hard open-file limit, on either side."""
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    return (hard - FD_RESERVE) // FDS_PER_AGENT


def write_inputs(folder: Path, agents: int) -> tuple[Path, Path]:
    scenario = common.write_yaml(
        folder / "idle-scenario.yaml",
        {
            "session_idle_expiry": 3600,
            "users": common.mock_users(max(agents, 100)),
            "campaigns": [{"name": "Power Collections", "mode": "power", "dial_delay": 3600}],
            "behaviour": {"sse_keepalive": 15},
        },
    )
    profile = common.write_yaml(
        folder / "idle-profile.yaml",
        {
            "name": "idle-agents",
            "target": "mock",
            "load": {"users": agents, "spawn_rate": 100, "run_time": "1h", "processes": 1},
            "identities": common.pattern_identities(max(agents, 100)),
            "messaging": {"mode": "sse"},
            "timeouts": {"request": 60, "pop": 3600, "session_open": 60},
            "on_error": {"policy": "restart", "pause": "5s"},
        },
    )
    return scenario, profile


def measure(agents: int, size: dict[str, Any], folder: Path) -> dict[str, Any]:
    client_core, server_core = common.client_and_server_cores()
    scenario, profile = write_inputs(folder, agents)
    out = folder / f"idle-{agents}.json"
    children: list[common.Child] = []
    with common.stopping(children):
        mock, url = common.start_mock(scenario, server_core)
        children.append(mock)
        ramp = agents / size["spawn_rate"]
        limit = ramp * 3 + size["window"] * 2 + 120
        env = {
            "BENCH_IDLE_RESULT": str(out),
            "BENCH_IDLE_AGENTS": str(agents),
            "BENCH_IDLE_WINDOW": str(size["window"]),
        }
        locust = common.start_python(
            [
                "-m",
                "locust",
                "-f",
                "bench/locustfiles/bot.py",
                "--headless",
                "-u",
                str(agents),
                "-r",
                str(size["spawn_rate"]),
                "--run-time",
                f"{int(limit)}s",
                "--host",
                url,
                "--profile",
                str(profile),
                "--reports",
                str(folder / f"reports-{agents}"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            core=client_core,
            env=env,
        )
        children.append(locust)
        started = time.monotonic()
        common.wait_for(lambda: out.exists() or not locust.alive(), limit, interval=0.5)
        mock_rss = common.rss_kib(mock.pid)
        mock_fds = common.fd_count(mock.pid)
        locust_fds = common.fd_count(locust.pid)
        locust.stop(grace=0)
        if not out.exists():
            raise RuntimeError(
                f"{agents} agents: no result after {time.monotonic() - started:.0f} s:\n{locust.stderr_tail}"
            )
    result: dict[str, Any] = json.loads(out.read_text())
    lags = result.pop("lags_ms")
    result.update(
        {
            "cpu_percent": 100.0 * result["idle_cpu_seconds"] / result["idle_seconds"],
            "rss_mib": result["rss_kib"] / 1024,
            "kib_per_agent": (result["rss_kib"] - result["rss_base_kib"]) / agents,
            "lag_p50_ms": common.percentile(lags, 0.5),
            "lag_p99_ms": common.percentile(lags, 0.99),
            "lag_max_ms": max(lags) if lags else None,
            "lag_samples": len(lags),
            "mock_rss_mib": mock_rss / 1024,
            "mock_fds": mock_fds,
            "locust_fds": locust_fds,
        }
    )
    return result


def run(size: dict[str, Any], folder: Path) -> list[dict[str, Any]]:
    cap = fd_cap()
    rows = []
    for wanted in size["agents"]:
        agents = min(wanted, cap)
        result = measure(agents, size, folder)
        result["asked"] = wanted
        result["capped_by"] = (
            f"open-file hard limit {resource.getrlimit(resource.RLIMIT_NOFILE)[1]}"
            if agents < wanted
            else None
        )
        rows.append(result)
        print(
            f"  {agents} agents: idle CPU {result['cpu_percent']:.1f}%, "
            f"lag p99 {result['lag_p99_ms']:.1f} ms",
            flush=True,
        )
    return rows


def verdict(result: dict[str, Any]) -> str:
    ok = result["cpu_percent"] < GOAL_CPU and (result["lag_p99_ms"] or 0) < GOAL_LAG
    return "met" if ok else "NOT met"


def render(rows: list[dict[str, Any]]) -> str:
    table = common.format_table(
        [
            "agents",
            "ready after s",
            "idle CPU %",
            "RSS MiB",
            "KiB/agent",
            "lag p50 ms",
            "lag p99 ms",
            "lag max ms",
            "fds",
            "mock RSS MiB",
            "errors",
            "goal (CPU<10%, p99<50ms)",
        ],
        [
            [
                r["agents"],
                r["ready_seconds"],
                r["cpu_percent"],
                r["rss_mib"],
                r["kib_per_agent"],
                r["lag_p50_ms"],
                r["lag_p99_ms"],
                r["lag_max_ms"],
                r["locust_fds"],
                r["mock_rss_mib"],
                r["step_errors"],
                verdict(r) + (f" (asked {r['asked']:,}; {r['capped_by']})" if r["capped_by"] else ""),
            ]
            for r in rows
        ],
    )
    return table


def main() -> int:
    args = common.bench_args(__doc__.split("\n", 1)[0])
    size = SIZES[args.mode]
    common.raise_nofile()
    with tempfile.TemporaryDirectory(prefix="bench-agents-") as folder:
        rows = run(size, Path(folder))
    table = render(rows)
    print(f"agents per core ({args.mode})\n{table}")
    at_goal = [r for r in rows if r["agents"] >= GOAL_AGENTS]
    biggest = max(at_goal, key=lambda r: r["agents"]) if at_goal else None
    cpu = biggest["cpu_percent"] if biggest else None
    lag = biggest["lag_p99_ms"] if biggest else None
    data = {
        "goals": {
            "idle_cpu_percent_at_5000_agents": common.goal(cpu, GOAL_CPU, cpu is not None and cpu < GOAL_CPU),
            "timer_lag_p99_ms_at_5000_agents": common.goal(lag, GOAL_LAG, lag is not None and lag < GOAL_LAG),
        },
        "goal": {"agents": GOAL_AGENTS, "idle_cpu_percent": GOAL_CPU, "lag_p99_ms": GOAL_LAG},
        "goal_met": bool(at_goal) and all(verdict(r) == "met" for r in at_goal),
        "runs": rows,
        "fd_cap": fd_cap(),
        "sizes": size,
    }
    print(f"results: {common.write_result(NAME, args, data, table)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
