"""Measurement error: what the harness adds to the latencies it reports.

botagent's agents (bench/locustfiles/bot.py, one Locust process pinned to one core) take calls
against the mock (pinned to the other core) at about half of what that core can carry: a short
calibration run measures the Locust process's CPU, and up to two more at the counts it suggests pick
the agent count for ~50% (`calibrate`).
Then, per endpoint, over the same steady window, it compares what the client recorded (exact, and
Locust's own rounded percentiles from the run's summary.json) with what the server took as the wire
shows it: a packet capture on loopback (bench/_wire.py, kernel receive timestamps, as tcpdump shows
them) from each request's arrival at the server's side to its answer's arrival at the client's. The
difference ("added") is the harness's own share: what lies between the client starting its clock and
its request reaching the wire, and between its answer arriving and the client stopping its clock.
Beside it, the mock's own time for the same requests (``GET /mock/timings``, from when it read each
request; when the mock does not offer it, the mock's app runs in bench/_servers.py ``mock-timed``):
the wire's time minus the mock's is the server's own queueing that its clock cannot see (a request
waiting in the kernel while the event loop works through others). Without packet capture (it needs
Linux and CAP_NET_RAW) "added" is taken against the mock's time instead, and includes that queueing.

Goal: the harness adds < 1 ms at p99.

    python bench/measurement_error.py [--quick | --smoke] [--out DIR]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _common as common
from _servers import READY_PREFIX as SERVER_READY
from _wire import READY as WIRE_READY

NAME = "measurement_error"
GOAL_MS = 1.0
TARGET_CPU = 50.0
CALIBRATION_ROUNDS = 3
CLOSE_ENOUGH = 5.0
"""Points of CPU % from the target at which a calibration run's count is kept."""
MAX_STEP = 2
"""The most a calibration scales up the agent count of the run nearest to the target."""
# levels: (client CPU % to aim at, gc.freeze() once the agents are up); the first one is the goal's
SIZES: dict[str, dict[str, Any]] = {
    "smoke": {
        "calibrate": None,
        "agents": 10,
        "steady": 3.0,
        "spawn_rate": 50,
        "max_agents": 10,
        "levels": [(TARGET_CPU, False)],
    },
    "quick": {
        "calibrate": (300, 5.0),
        "agents": None,
        "steady": 12.0,
        "spawn_rate": 100,
        "max_agents": 1500,
        "levels": [(TARGET_CPU, False)],
    },
    "full": {
        "calibrate": (300, 8.0),
        "agents": None,
        "steady": 40.0,
        "spawn_rate": 100,
        "max_agents": 3000,
        "levels": [(TARGET_CPU, False), (TARGET_CPU, True), (10.0, False)],
    },
}
FAST = {"dial_delay": 0.05, "ring_delay": 0.05, "preview_timeout": 30}


def write_inputs(folder: Path, users: int) -> tuple[Path, Path]:
    campaigns = common.three_campaigns(FAST)
    scenario = common.write_yaml(
        folder / "scenario.yaml",
        {
            "session_idle_expiry": 3600,
            "campaigns": campaigns,
            "users": common.mock_users(users),
        },
    )
    profile = common.write_yaml(
        folder / "profile.yaml",
        {
            "name": "measurement",
            "target": "mock",
            "load": {"users": 1, "spawn_rate": 1, "run_time": "1h", "processes": 1},
            "identities": common.pattern_identities(users),
            "messaging": {"mode": "sse"},
            "behaviour": {
                "talk_time": {"kind": "uniform", "low": 0.2, "high": 0.6},
                "preview_think_time": 0.1,
                "wrap_up_time": {"kind": "uniform", "low": 0.05, "high": 0.2},
                "dispositions": {"any": 1},
            },
            "timeouts": {"request": 30, "pop": 120, "session_open": 30},
            "on_error": {"policy": "restart", "pause": "2s"},
        },
    )
    return scenario, profile


def start_server(scenario: Path, core: int) -> tuple[common.Child, str, str]:
    """The mock, or the bench's timed copy of its app when it has no ``/mock/timings``."""
    mock, url = common.start_mock(scenario, core)
    status, _ = common.http_json("DELETE", f"{url}/mock/timings")
    if status in (200, 204):
        return mock, url, "mock /mock/timings"
    mock.stop()
    child = common.start_python(
        ["bench/_servers.py", "mock-timed", "--scenario", str(scenario)], core=core, stdout=subprocess.PIPE
    )
    return child, common.read_ready_line(child, SERVER_READY, 60), "bench mock-timed (no /mock/timings)"


def start_wire(url: str, out: Path, core: int) -> common.Child | None:
    """The packet capture of the server's traffic (bench/_wire.py), or None where it cannot run."""
    port = url.rsplit(":", 1)[1]
    child = common.start_python(["bench/_wire.py", port, str(out)], core=core, stdout=subprocess.PIPE)
    try:
        common.read_ready_line(child, WIRE_READY, 10)
    except RuntimeError as exc:
        print(f"  no packet capture, the mock's own times are the reference: {exc}", flush=True)
        return None
    return child


def run_bot(
    agents: int, steady: float, size: dict[str, Any], folder: Path, tag: str, gc_freeze: bool = False
) -> dict[str, Any]:
    """Run ``agents`` agents; measure over ``steady`` seconds after the ramp; collect both sides."""
    client_core, server_core = common.client_and_server_cores()
    scenario, profile = write_inputs(folder, size["max_agents"] + 10)
    timings_out, lag_out = folder / f"{tag}-times.json", folder / f"{tag}-lag.json"
    reports = folder / f"reports-{tag}"
    ramp = agents / size["spawn_rate"] + 3.0
    children: list[common.Child] = []
    with common.stopping(children):
        server, url, source = start_server(scenario, server_core)
        children.append(server)
        wire_out = folder / f"{tag}-wire.json"
        wire = start_wire(url, wire_out, server_core)
        if wire is not None:
            children.append(wire)
        env = {
            "BENCH_TIMINGS_RESULT": str(timings_out),
            "BENCH_LAG_RESULT": str(lag_out),
            "BENCH_GC_RESULT": str(folder / f"{tag}-gc.json"),
            "BENCH_GARBAGE_RESULT": str(folder / f"{tag}-garbage.json"),
            **({"BENCH_GC_FREEZE": "1"} if gc_freeze else {}),
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
                f"{int(ramp + steady + 1)}s",
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
            env=env,
        )
        children.append(locust)
        time.sleep(ramp)
        sampler = common.Sampler([locust.pid])
        sampler.start()
        rss_start = common.rss_kib(locust.pid)
        window = (time.time(), 0.0)
        time.sleep(steady)
        window = (window[0], time.time())
        cpu = sampler.percent()
        rss_end = common.rss_kib(locust.pid)
        status, body = common.http_json("GET", f"{url}/mock/timings", timeout=60)
        mock_requests = body["requests"] if status == 200 and body else []
        if wire is not None:
            wire.stop()
        if locust.wait(120) is None:
            raise RuntimeError(f"Locust did not finish:\n{locust.stderr_tail}")
    if not timings_out.exists():
        raise RuntimeError(f"no client timings:\n{locust.stderr_tail}")
    client = json.loads(timings_out.read_text())["times_ms"]
    summary_path = reports / "summary.json"
    summary = json.loads(summary_path.read_text()) if summary_path.exists() else {}
    lag = json.loads(lag_out.read_text()) if lag_out.exists() else {"lags_ms": [], "at": []}
    lags = [ms for ms, at in zip(lag["lags_ms"], lag["at"], strict=True) if window[0] <= at <= window[1]]
    gc_out = folder / f"{tag}-gc.json"
    gc_pauses = json.loads(gc_out.read_text())["pauses"] if gc_out.exists() else []
    garbage_out = folder / f"{tag}-garbage.json"
    garbage = json.loads(garbage_out.read_text()) if garbage_out.exists() else {}
    captured = json.loads(wire_out.read_text()) if wire is not None and wire_out.exists() else None
    return {
        "agents": agents,
        "cpu_percent": cpu,
        "window": window,
        "source": source,
        "client": client,
        "mock": mock_requests,
        "wire": captured,
        "summary": summary,
        "timer_lags_ms": lags,
        "gc_pauses": gc_pauses,
        "gc_freeze": gc_freeze,
        "rss_kib": (rss_start, rss_end),
        "garbage": garbage,
    }


def compare(run: dict[str, Any]) -> list[dict[str, Any]]:
    """Per endpoint, same window: client p50/p99 (exact and Locust's), the wire's and the mock's; what
    the client adds over the wire (over the mock's own time without a capture)."""
    start, end = run["window"]

    def in_window(pairs: list[tuple[float, float]]) -> list[float]:
        return [ms for at, ms in pairs if start <= at <= end]

    mock: dict[str, list[float]] = {}
    for entry in run["mock"]:
        if start <= entry["startedAt"] <= end:
            mock.setdefault(entry["endpoint"], []).append(entry["handlingMs"])
    wire = {name: in_window(pairs) for name, pairs in (run["wire"] or {}).get("requests", {}).items()}
    locust_rows = {row["name"]: row for row in run["summary"].get("endpoints", [])}
    rows = []
    for name, samples in sorted(run["client"].items()):
        client = in_window(samples)
        handled, seen = mock.get(name, []), wire.get(name, [])
        reference = seen if run["wire"] is not None else handled
        if not client or not reference:
            continue
        row = {
            "endpoint": name,
            "count": len(client),
            "mock_count": len(handled),
            "wire_count": len(seen),
            "client_p50": common.percentile(client, 0.5),
            "client_p99": common.percentile(client, 0.99),
            "wire_p50": common.percentile(seen, 0.5) if seen else None,
            "wire_p99": common.percentile(seen, 0.99) if seen else None,
            "mock_p50": common.percentile(handled, 0.5) if handled else None,
            "mock_p99": common.percentile(handled, 0.99) if handled else None,
            "locust_p50": locust_rows.get(name, {}).get("p50"),
            "locust_p99": locust_rows.get(name, {}).get("p99"),
        }
        row["added_p50"] = row["client_p50"] - common.percentile(reference, 0.5)
        row["added_p99"] = row["client_p99"] - common.percentile(reference, 0.99)
        rows.append(row)
    return rows


def calibrate(size: dict[str, Any], folder: Path) -> tuple[list[tuple[int, float]], dict[str, Any] | None]:
    """Client CPU % at a few agent counts, from short runs (none in smoke mode: a fixed count is used).

    The first run has a fixed count; each next one the count `agents_for` the target gives from the
    runs so far, until one lands within `CLOSE_ENOUGH` points of it: CPU is not proportional to the
    agents (the mock's pacing gives more agents fewer calls each), so one run overshoots.
    """
    if size["calibrate"] is None:
        return [], None
    agents, steady = size["calibrate"]
    points: list[tuple[int, float]] = []
    for round_ in range(CALIBRATION_ROUNDS):
        run = run_bot(agents, steady, size, folder, f"calibration-{round_}")
        points.append((agents, run["cpu_percent"]))
        print(f"  calibration: {agents} agents -> {run['cpu_percent']:.1f}% CPU", flush=True)
        agents = agents_for(TARGET_CPU, points, size)
        if abs(run["cpu_percent"] - TARGET_CPU) <= CLOSE_ENOUGH or agents in (n for n, _ in points):
            break
    return points, {"runs": [{"agents": n, "cpu_percent": cpu} for n, cpu in points]}


def agents_for(target: float, points: list[tuple[int, float]], size: dict[str, Any]) -> int:
    """The agent count for ``target`` % CPU: interpolated between the two calibration runs nearest to it
    on either side, else scaled from the run nearest to it (up by `MAX_STEP` at most)."""
    if not points:
        return int(size["agents"])
    below = [p for p in points if p[1] <= target]
    above = [p for p in points if p[1] > target]
    if below and above:
        (n0, c0), (n1, c1) = max(below, key=lambda p: p[1]), min(above, key=lambda p: p[1])
        wanted = int(n0 + (target - c0) * (n1 - n0) / (c1 - c0))
    else:
        agents, cpu = min(points, key=lambda p: abs(p[1] - target))
        wanted = int(agents * target / cpu) if cpu > 0 else agents * MAX_STEP
        # a process starved of its core by others uses less CPU than it asks for: never chase it far
        wanted = min(agents * MAX_STEP, wanted)
    return max(10, min(size["max_agents"], wanted))


def measure_level(
    target: float, gc_freeze: bool, points: list[tuple[int, float]], size: dict[str, Any], folder: Path
) -> dict[str, Any]:
    agents = agents_for(target, points, size)
    tag = f"level-{target:g}-{'freeze' if gc_freeze else 'plain'}"
    run = run_bot(agents, size["steady"], size, folder, tag, gc_freeze)
    rows = compare(run)
    lags = run["timer_lags_ms"]
    start, end = run["window"]
    steady_gc = [
        pause for generation, pause, at in run["gc_pauses"] if generation == 2 and start <= at <= end
    ]
    garbage = run["garbage"]
    calls = garbage.get("calls")
    level = {
        "target_cpu_percent": target,
        "gc_freeze": gc_freeze,
        "agents": agents,
        "client_cpu_percent": run["cpu_percent"],
        "mock_side": run["source"],
        "reference": (
            f"added = client - wire (packet capture, {run['wire']['packets']} segments, "
            f"{run['wire']['dropped']} dropped)"
            if run["wire"] is not None
            else "added = client - mock (no packet capture)"
        ),
        "endpoints": rows,
        "worst_added_p99_ms": max((r["added_p99"] for r in rows), default=None),
        "timer_lag_p50_ms": common.percentile(lags, 0.5),
        "timer_lag_p99_ms": common.percentile(lags, 0.99),
        "timer_lag_samples": len(lags),
        "gc_gen2_pauses_ms": [round(p, 1) for p in steady_gc],
        "rss_window_mib": [round(kib / 1024, 1) for kib in run["rss_kib"]],
        "calls_dispositioned": calls,
        "cyclic_garbage_objects": garbage.get("unreachable"),
        "cyclic_garbage_per_call": garbage["unreachable"] / calls if calls else None,
        "step_errors": run["summary"].get("step_errors_total"),
        "load_average": list(os.getloadavg()),
    }
    print(f"  {render_level(level)}", flush=True)
    return level


def render_level(level: dict[str, Any]) -> str:
    return (
        f"{level['agents']} agents, client CPU {level['client_cpu_percent']:.0f}% of a core"
        f"{', gc.freeze() after spawning' if level['gc_freeze'] else ''}; agents' timer lag p50 "
        f"{level['timer_lag_p50_ms'] or 0:.2f} ms, p99 {level['timer_lag_p99_ms'] or 0:.2f} ms; "
        f"full GC pauses {level['gc_gen2_pauses_ms']} ms; load average {level['load_average'][0]:.2f}\n"
        f"Locust RSS {level['rss_window_mib'][0]} -> {level['rss_window_mib'][1]} MiB over the window; "
        f"{level['cyclic_garbage_objects']} objects of cyclic garbage left past the young generations "
        f"by {level['calls_dispositioned']} calls"
    )


def render(levels: list[dict[str, Any]]) -> str:
    parts = [f"times in ms; {levels[0]['reference']}; mock side: {levels[0]['mock_side']}"]
    for level in levels:
        parts += ["", render_level(level), render_rows(level["endpoints"])]
    return "\n".join(parts)


def render_rows(rows: list[dict[str, Any]]) -> str:
    return common.format_table(
        [
            "endpoint",
            "n",
            "client p50",
            "client p99",
            "Locust p50",
            "Locust p99",
            "wire p50",
            "wire p99",
            "mock p50",
            "mock p99",
            "added p50",
            "added p99",
            f"goal < {GOAL_MS:g} ms",
        ],
        [
            [
                r["endpoint"],
                r["count"],
                r["client_p50"],
                r["client_p99"],
                r["locust_p50"],
                r["locust_p99"],
                r["wire_p50"],
                r["wire_p99"],
                r["mock_p50"],
                r["mock_p99"],
                r["added_p50"],
                r["added_p99"],
                "met" if r["added_p99"] < GOAL_MS else "NOT met",
            ]
            for r in rows
        ],
    )


def main() -> int:
    args = common.bench_args(__doc__.split("\n", 1)[0])
    size = SIZES[args.mode]
    common.raise_nofile()
    with tempfile.TemporaryDirectory(prefix="bench-error-") as name:
        folder = Path(name)
        points, calibration = calibrate(size, folder)
        levels = [measure_level(t, freeze, points, size, folder) for t, freeze in size["levels"]]
    table = render(levels)
    print(f"measurement error ({args.mode})\n{table}")
    goal_level = levels[0]
    worst = goal_level["worst_added_p99_ms"]
    data = {
        "goal": {"added_p99_ms": GOAL_MS, "at_client_cpu_percent": TARGET_CPU},
        "goal_met": worst is not None and worst < GOAL_MS,
        "goals": {"added_p99_ms": common.goal(worst, GOAL_MS, worst is not None and worst < GOAL_MS)},
        "worst_added_p99_ms": worst,
        "agents": goal_level["agents"],
        "client_cpu_percent": goal_level["client_cpu_percent"],
        "mock_side": goal_level["mock_side"],
        "reference": goal_level["reference"],
        "endpoints": goal_level["endpoints"],
        "levels": levels,
        "calibration": calibration,
        "sizes": size,
    }
    print(f"results: {common.write_result(NAME, args, data, table)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
