"""Scale-out: the same profile with ``botagent run --processes 2`` against ``--processes 1``.

Both runs use ``python -m botagent run PROFILE --processes N --target URL --reports DIR`` against one
mock started here (nothing pinned: the Locust processes and the mock share both cores, as a real
two-core load generator would). The profile has more agents than one process can keep up with, with
short talk and wrap-up times so calls flow. Per run: peak agents, calls/s, requests/s, Locust CPU,
and identity collisions, seen two ways: the mock refuses a second Dialer log-in of a user with 403
``alreadyLoggedInElsewhere`` (counted in the run's step errors), and ``GET /mock/sessions``, sampled
every two seconds, must never show one user in two open sessions.

    python bench/scale_out.py [--quick | --smoke] [--out DIR]
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import _common as common

NAME = "scale_out"
SIZES = {
    "smoke": {"agents": 6, "seconds": 4, "spawn_rate": 20},
    "quick": {"agents": 600, "seconds": 20, "spawn_rate": 200},
    "full": {"agents": 1000, "seconds": 60, "spawn_rate": 150},
}
FAST = {"dial_delay": 0.05, "ring_delay": 0.05, "preview_timeout": 30}
COLLISION = "alreadyLoggedInElsewhere"


def write_inputs(folder: Path, size: dict[str, Any]) -> tuple[Path, Path]:
    users = size["agents"] + 50
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
            "name": "scale-out",
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


class SessionWatch:
    """Samples ``/mock/sessions`` in a thread: sessions, distinct users, the most sessions of one user."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.samples: list[dict[str, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> SessionWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(30)

    def _run(self) -> None:
        while not self._stop.wait(2.0):
            status, sessions = common.http_json("GET", f"{self.url}/mock/sessions", timeout=20)
            if status != 200 or not isinstance(sessions, list):
                continue
            users = Counter(s.get("userId") for s in sessions)
            dialer = Counter(s.get("userId") for s in sessions if s.get("dialerLoggedIn"))
            self.samples.append(
                {
                    "sessions": len(sessions),
                    "users": len(users),
                    "max_sessions_per_user": max(users.values(), default=0),
                    "max_dialer_logins_per_user": max(dialer.values(), default=0),
                }
            )


def run_once(processes: int, size: dict[str, Any], folder: Path) -> dict[str, Any]:
    folder.mkdir(parents=True, exist_ok=True)
    scenario, profile = write_inputs(folder, size)
    reports = folder / f"reports-{processes}"
    children: list[common.Child] = []
    with common.stopping(children):
        mock, url = common.start_mock(scenario, None)
        children.append(mock)
        run = common.start_python(
            [
                "-m",
                "botagent",
                "run",
                str(profile),
                "--processes",
                str(processes),
                "--target",
                url,
                "--reports",
                str(reports),
            ],
            core=None,
        )
        children.append(run)
        locust_cpu: dict[int, float] = {}
        with SessionWatch(url) as watch:
            deadline = time.monotonic() + size["seconds"] + 120
            while run.alive() and time.monotonic() < deadline:
                for pid in common.children_of(run.pid):
                    locust_cpu[pid] = max(locust_cpu.get(pid, 0.0), common.cpu_seconds(pid))
                time.sleep(0.5)
        code = run.wait(30)
        mock_cpu = common.cpu_seconds(mock.pid)
    summary_path = reports / "summary.json"
    if not summary_path.exists():
        raise RuntimeError(f"--processes {processes}: no summary.json (exit {code}):\n{run.stderr_tail}")
    summary = json.loads(summary_path.read_text())
    result = digest(processes, summary, watch.samples, code)
    result["locust_cpu_percent"] = 100.0 * sum(locust_cpu.values()) / result["duration_s"]
    result["mock_cpu_percent"] = 100.0 * mock_cpu / result["duration_s"]
    return result


def digest(
    processes: int, summary: dict[str, Any], samples: list[dict[str, int]], code: int | None
) -> dict[str, Any]:
    duration = summary["duration_s"] or 1.0
    requests = sum(e["count"] for e in summary["endpoints"])
    collisions = sum(1 for e in summary["step_errors"] if COLLISION in (e.get("error_id") or ""))
    login_failures = sum(e["failures"] for e in summary["endpoints"] if e["name"] == "POST /dialer/log-in")
    return {
        "processes": processes,
        "exit_code": code,
        "duration_s": duration,
        "agents": summary["users"],
        "calls": summary["calls"]["dispositioned"],
        "calls_per_s": summary["calls"]["dispositioned"] / duration,
        "requests": requests,
        "requests_per_s": requests / duration,
        "failures": sum(e["failures"] for e in summary["endpoints"]),
        "step_errors": summary["step_errors_total"],
        "collisions_403": collisions,
        "login_failures": login_failures,
        "max_sessions_per_user": max((s["max_sessions_per_user"] for s in samples), default=None),
        "max_dialer_logins_per_user": max((s["max_dialer_logins_per_user"] for s in samples), default=None),
        "peak_sessions": max((s["sessions"] for s in samples), default=None),
        "peak_distinct_users": max((s["users"] for s in samples), default=None),
        "session_samples": len(samples),
        "reconciliation": summary.get("reconciliation"),
    }


def render(rows: list[dict[str, Any]]) -> str:
    table = common.format_table(
        [
            "processes",
            "agents",
            "calls/s",
            "req/s",
            "Locust CPU %",
            "mock CPU %",
            "failures",
            "step errors",
            "403 collisions",
            "log-in failures",
            "peak sessions",
            "distinct users",
            "max sessions/user",
        ],
        [
            [
                r["processes"],
                r["agents"],
                r["calls_per_s"],
                r["requests_per_s"],
                r["locust_cpu_percent"],
                r["mock_cpu_percent"],
                r["failures"],
                r["step_errors"],
                r["collisions_403"],
                r["login_failures"],
                r["peak_sessions"],
                r["peak_distinct_users"],
                r["max_sessions_per_user"],
            ]
            for r in rows
        ],
    )
    one, two = rows[0], rows[-1]
    ratio = two["calls_per_s"] / one["calls_per_s"] if one["calls_per_s"] else 0.0
    return (
        f"{table}\n\n2 processes / 1 process: calls/s x{ratio:.2f}, "
        f"req/s x{two['requests_per_s'] / (one['requests_per_s'] or 1):.2f}"
    )


def main() -> int:
    args = common.bench_args(__doc__.split("\n", 1)[0])
    size = SIZES[args.mode]
    common.raise_nofile()
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as folder:
        rows = [run_once(n, size, Path(folder) / f"p{n}") for n in (1, 2)]
    table = render(rows)
    print(f"scale-out ({args.mode})\n{table}")
    no_collision = all(
        r["collisions_403"] == 0 and r["login_failures"] == 0 and (r["max_sessions_per_user"] or 0) <= 1
        for r in rows
    )
    data = {
        "runs": rows,
        "no_identity_collision": no_collision,
        "goals": {"no_identity_collision": common.goal(no_collision, True, no_collision)},
        "calls_ratio": rows[1]["calls_per_s"] / (rows[0]["calls_per_s"] or 1),
        "requests_ratio": rows[1]["requests_per_s"] / (rows[0]["requests_per_s"] or 1),
        "sizes": size,
    }
    print(f"results: {common.write_result(NAME, args, data, table)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
