"""Client overhead: requests per second one core of client gets through, botagent's session vs Locust's.

The same call, ``GET /icws/{sessionId}/connection`` on an open session with the headers botagent
sends, from four clients, each in its own process pinned to one core while the server has the other:

  (a) botagent's ICWS ``Session`` on ``GeventTransport`` inside Locust, reported as Locust request
      events (what the harness does for every call);
  (b) Locust's ``FastHttpUser``;   (c) Locust's ``HttpUser``;
  (d) botagent's ``Session`` on the default httpx transport, in plain threads (no Locust).

The server is ``bench/_servers.py bare`` (a raw uvloop/httptools responder that outruns any Python
client, so the client's core is what saturates); the full run measures against the mock too. The
figure per client is requests per CPU-second of the client process (= requests/s per core when the
client saturates its core; its CPU % is shown), the best of the rounds (the full run interleaves
two): on a shared machine other processes can only lower it. Goal: a/b >= 0.6.

    python bench/client_overhead.py [--quick | --smoke] [--out DIR]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import _common as common
from _servers import READY_PREFIX as SERVER_READY

NAME = "client_overhead"
VARIANTS = ("session", "fasthttp", "httpuser", "httpx")
LABELS = {
    "session": "a botagent Session, gevent, Locust",
    "fasthttp": "b Locust FastHttpUser",
    "httpuser": "c Locust HttpUser",
    "httpx": "d botagent Session, httpx, threads",
}
GOAL_A_OVER_B = 0.6
SIZES = {  # users (Locust) / threads (httpx), warm-up s, window s, rounds, targets
    "smoke": {"users": 4, "threads": 2, "warmup": 0.5, "window": 1.0, "rounds": 1, "targets": ["bare"]},
    "quick": {"users": 24, "threads": 4, "warmup": 1.5, "window": 4.0, "rounds": 1, "targets": ["bare"]},
    "full": {
        "users": 32,
        "threads": 4,
        "warmup": 2.0,
        "window": 6.0,
        "rounds": 2,
        "targets": ["bare", "mock"],
    },
}


def httpx_child(url: str, threads: int, warmup: float, window: float, out: str) -> int:
    """Variant (d): ``threads`` sessions on httpx, each in a thread, calling in a loop."""
    from botagent.icws import Session

    sessions = [Session(url, user_id=f"agent{i + 1:04d}", password="botagent") for i in range(threads)]
    for session in sessions:
        session.open()
    counts = [0] * threads
    stop = threading.Event()

    def loop(index: int) -> None:
        session = sessions[index]
        while not stop.is_set():
            session.connection_state()
            counts[index] += 1

    workers = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(threads)]
    for worker in workers:
        worker.start()
    time.sleep(warmup)
    start_n, start_cpu, start_t = sum(counts), _cpu(), time.monotonic()
    time.sleep(window)
    end_n, end_cpu, end_t = sum(counts), _cpu(), time.monotonic()
    stop.set()
    for worker in workers:
        worker.join(10)
    body = {
        "variant": "httpx",
        "seconds": end_t - start_t,
        "cpu_seconds": end_cpu - start_cpu,
        "requests": end_n - start_n,
        "failures": 0,
        "users": threads,
    }
    Path(out).write_text(json.dumps(body))
    return 0


def _cpu() -> float:
    import os

    times = os.times()
    return times.user + times.system


def start_target(kind: str, core: int, scenario: Path | None) -> tuple[common.Child, str]:
    if kind == "mock":
        return common.start_mock(scenario, core)
    child = common.start_python(["bench/_servers.py", "bare"], core=core, stdout=subprocess.PIPE)
    return child, common.read_ready_line(child, SERVER_READY, 30)


def run_variant(variant: str, url: str, core: int, size: dict[str, Any], tmp: Path) -> dict[str, Any]:
    out = tmp / f"{variant}-{time.monotonic_ns()}.json"
    limit = size["warmup"] + size["window"] + 60
    if variant == "httpx":
        args = [
            "bench/client_overhead.py",
            "--httpx-child",
            url,
            str(size["threads"]),
            str(size["warmup"]),
            str(size["window"]),
            str(out),
        ]
        child = common.start_python(args, core=core)
    else:
        users = size["users"]
        args = [
            "-m",
            "locust",
            "-f",
            "bench/locustfiles/overhead.py",
            "--headless",
            "-u",
            str(users),
            "-r",
            str(users),
            "--run-time",
            f"{int(limit)}s",
            "--host",
            url,
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--stop-timeout",
            "0",
        ]
        env = {
            "BENCH_VARIANT": variant,
            "BENCH_WARMUP": str(size["warmup"]),
            "BENCH_WINDOW": str(size["window"]),
            "BENCH_RESULT": str(out),
        }
        child = common.start_python(args, core=core, env=env)
    try:
        child.wait(limit + 15)
    finally:
        child.stop()
    if not out.exists():
        raise RuntimeError(f"variant {variant} wrote no result:\n{child.stderr_tail}")
    result: dict[str, Any] = json.loads(out.read_text())
    result["rps"] = result["requests"] / result["seconds"]
    result["per_cpu_second"] = result["requests"] / result["cpu_seconds"] if result["cpu_seconds"] else 0.0
    result["cpu_percent"] = 100.0 * result["cpu_seconds"] / result["seconds"]
    return result


def measure_target(kind: str, size: dict[str, Any], tmp: Path) -> dict[str, Any]:
    client_core, server_core = common.client_and_server_cores()
    runs: dict[str, list[dict[str, Any]]] = {v: [] for v in VARIANTS}
    scenario = None
    if kind == "mock":
        users = max(size["users"], size["threads"]) * 2 + 10
        scenario = common.write_yaml(
            tmp / "scenario.yaml",
            {
                "users": [{"pattern": "agent{n:04d}", "range": [1, max(users, 100)], "password": "botagent"}],
                "session_idle_expiry": 3600,
            },
        )
    for _ in range(size["rounds"]):
        for variant in VARIANTS:
            server, url = start_target(kind, server_core, scenario)  # a fresh server: no sessions pile up
            try:
                runs[variant].append(run_variant(variant, url, client_core, size, tmp))
            finally:
                server.stop()
    summary = {v: _best_run(rs) for v, rs in runs.items()}
    return {"runs": runs, "summary": summary, "ratios": _ratios(summary)}


def _best_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The round with the most requests per CPU-second: other load on the machine only lowers it."""
    chosen = dict(max(runs, key=lambda r: r["per_cpu_second"]))
    chosen["per_cpu_second_all"] = [round(r["per_cpu_second"]) for r in runs]
    return chosen


def _ratios(summary: dict[str, dict[str, Any]]) -> dict[str, float]:
    def ratio(x: str, y: str) -> float:
        bottom = summary[y]["per_cpu_second"]
        return summary[x]["per_cpu_second"] / bottom if bottom else 0.0

    return {
        "a/b": ratio("session", "fasthttp"),
        "a/c": ratio("session", "httpuser"),
        "d/b": ratio("httpx", "fasthttp"),
    }


def render(results: dict[str, dict[str, Any]]) -> str:
    rows = []
    for kind, result in results.items():
        for variant in VARIANTS:
            run = result["summary"][variant]
            rows.append(
                [
                    kind,
                    LABELS[variant],
                    run["users"],
                    round(run["rps"]),
                    run["cpu_percent"],
                    round(run["per_cpu_second"]),
                    run["failures"],
                ]
            )
    table = common.format_table(
        ["server", "client", "users", "req/s", "client CPU %", "req per CPU-s", "failures"], rows
    )
    ratio_rows = [
        [
            kind,
            r["ratios"]["a/b"],
            r["ratios"]["a/c"],
            r["ratios"]["d/b"],
            "met" if r["ratios"]["a/b"] >= GOAL_A_OVER_B else "NOT met",
        ]
        for kind, r in results.items()
    ]
    ratios = common.format_table(["server", "a/b", "a/c", "d/b", f"goal a/b >= {GOAL_A_OVER_B}"], ratio_rows)
    return f"{table}\n\n{ratios}"


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--httpx-child":
        url, threads, warmup, window, out = sys.argv[2:7]
        return httpx_child(url, int(threads), float(warmup), float(window), out)
    args = common.bench_args(__doc__.split("\n", 1)[0])
    size = SIZES[args.mode]
    with tempfile.TemporaryDirectory(prefix="bench-overhead-") as folder:
        results = {kind: measure_target(kind, size, Path(folder)) for kind in size["targets"]}
    table = render(results)
    print(f"client overhead ({args.mode})\n{table}")
    ratios = results["bare"]["ratios"]
    data = {
        "goal": {"a/b": GOAL_A_OVER_B},
        "goal_met": ratios["a/b"] >= GOAL_A_OVER_B,
        "goals": {"a_over_b": common.goal(ratios["a/b"], GOAL_A_OVER_B, ratios["a/b"] >= GOAL_A_OVER_B)},
        "ratios": ratios,
        "targets": results,
        "sizes": size,
    }
    print(f"results: {common.write_result(NAME, args, data, table)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
