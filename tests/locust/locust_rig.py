"""Runs Locust on botagent's agents in a child process against a mock in this process, and reads back
everything the run left: Locust's CSV files, summary.json, the mock's ledger and sessions (sampled while
the run goes on and once after it), and, with the recording locustfile, every request event and the
calls the bots finished.

Locust never runs in the pytest process: importing it would gevent-patch everything.
"""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from botagent.mock import campaign_id_for, scenario_from_dict
from botagent.mock.server import MockServer

REPO = Path(__file__).resolve().parents[2]
DIALER_LOCUSTFILE = REPO / "locustfiles" / "dialer.py"
RECORDING_LOCUSTFILE = Path(__file__).with_name("recording_locustfile.py")

PREDICTIVE, POWER, PREVIEW = "Predictive Sales", "Power Collections", "Preview Callbacks"
CAMPAIGN_IDS = {name: campaign_id_for(name) for name in (PREDICTIVE, POWER, PREVIEW)}

SESSION_ENDPOINTS = frozenset(
    {
        "POST /connection",
        "GET /connection",
        "DELETE /connection",
        "PUT /connection/station",
        "POST /licenses",
        "GET /messaging/messages",
        "GET /messaging/messages (sse)",
        "POST /messaging/heartbeat",
        "PUT /status/user-statuses",
        "GET /status/user-statuses",
        "GET /status/status-messages",
        "GET /configuration/users",
        "PUT /messaging/subscriptions/queues",
        "POST /interactions/disconnect",
    }
)
DIALER_ENDPOINTS = frozenset(
    f"POST /dialer/{name}"
    for name in (
        "log-in",
        "ready-for-calls",
        "request-break",
        "end-break",
        "place-preview-call",
        "disposition",
        "log-off",
        "request-form-definition",
    )
)
KPI_NAMES = frozenset(
    {"wait-for-pop", "break-grant", "logoff-grant", "preview-connect", "connect-to-disconnect"}
)

SAMPLE_INTERVAL = 0.3
"""Seconds between samples of /mock/sessions while Locust runs."""


def scenario(campaigns: list[dict[str, Any]], users: list[dict[str, Any]], **more: Any) -> Any:
    """A mock scenario with these campaigns and users (and ``more`` keys); default statuses and behaviour."""
    return scenario_from_dict({"campaigns": campaigns, "users": users, **more})


def campaign(name: str, mode: str, **changes: Any) -> dict[str, Any]:
    """A campaign that dials and rings in a tenth of a second, unless ``changes`` say otherwise."""
    return {"name": name, "mode": mode, "dial_delay": 0.05, "ring_delay": 0.1, **changes}


def write_profile(folder: Path, profile: dict[str, Any], agents: list[str] | None = None) -> Path:
    """Write a profile (and, given ``agents``, a CSV of those identities beside it); return its path."""
    if agents is not None:
        rows = "".join(f"{agent},botagent\n" for agent in agents)
        (folder / "agents.csv").write_text("username,password\n" + rows)
        profile = {**profile, "identities": {"source": "csv", "file": "agents.csv"}}
    path = folder / "profile.yaml"
    path.write_text(yaml.safe_dump(profile, sort_keys=False))
    return path


@dataclass
class LocustRun:
    """What one Locust run left behind."""

    returncode: int
    wall_time: float
    stdout: str
    stderr: str
    stats: list[dict[str, str]]
    history: list[dict[str, str]]
    failures: list[dict[str, str]]
    summary: dict[str, Any]
    ledger: list[dict[str, Any]]
    sessions_after: list[dict[str, Any]]
    samples: list[list[dict[str, Any]]]
    requests: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    """Recorded request events per Locust process id, in the order they fired."""
    bot_calls: list[dict[str, Any]] = field(default_factory=list)

    def row(self, request_type: str, name: str) -> dict[str, str]:
        """The Locust stats row of this type and name."""
        rows = [r for r in self.stats if r["Type"] == request_type and r["Name"] == name]
        assert rows, f"no {request_type} row named {name!r}; rows: {self.row_names()}"
        return rows[0]

    def row_names(self, request_type: str | None = None) -> set[str]:
        """The names of the stats rows (of one request type), without the Aggregated row."""
        return {
            r["Name"]
            for r in self.stats
            if r["Name"] != "Aggregated" and (request_type is None or r["Type"] == request_type)
        }

    def count(self, name: str) -> int:
        """How many requests (or KPI samples) of this name summary.json counts, failed ones included.

        summary.json is written when Locust quits, so it holds the requests of the agents' final log-off;
        Locust's own stats CSV is refreshed once a second and may miss the last of them.
        """
        rows = [r for r in (*self.summary["endpoints"], *self.summary["kpis"]) if r["name"] == name]
        return sum(int(r["count"]) for r in rows)

    @property
    def summary_failures(self) -> int:
        """Failed requests over every endpoint and KPI row of summary.json."""
        return sum(int(r["failures"]) for r in (*self.summary["endpoints"], *self.summary["kpis"]))

    @property
    def aggregated(self) -> dict[str, str]:
        """The Aggregated stats row."""
        return next(r for r in self.stats if r["Name"] == "Aggregated")

    @property
    def popped(self) -> list[dict[str, Any]]:
        """Ledger entries of calls that reached an agent."""
        return [call for call in self.ledger if call["agent"] is not None]

    def events_by_agent(self) -> dict[str, list[dict[str, Any]]]:
        """Recorded request events per agent, in firing order."""
        by_agent: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for events in self.requests.values():
            for event in events:
                by_agent[event["agent"]].append(event)
        return dict(by_agent)

    def describe(self) -> str:
        """The end of Locust's output, for assertion messages."""
        return f"exit code {self.returncode}\nstdout:\n{self.stdout[-3000:]}\nstderr:\n{self.stderr[-3000:]}"


def run_locust(
    mock: MockServer,
    profile: Path,
    out: Path,
    *,
    users: int | None,
    run_time: int | None,
    processes: int | None = None,
    locustfile: Path = RECORDING_LOCUSTFILE,
    timeout: float = 120.0,
) -> LocustRun:
    """Run Locust headless on ``profile`` against ``mock`` and gather what the run left in ``out``.

    ``users`` and ``run_time`` None leave the load to the locustfile's shape.
    """
    command = [
        sys.executable, "-m", "locust",
        "-f", str(locustfile),
        "--headless",
        "--profile", str(profile),
        "--host", mock.base_url,
        "--csv", str(out / "locust"), "--csv-full-history",
        "--reports", str(out / "reports"),
    ]  # fmt: skip
    if users is not None and run_time is not None:
        command += ["-u", str(users), "-r", str(users), "-t", f"{run_time}s"]
    if processes is not None:
        # A port of its own, on loopback: other distributed runs on this machine must not join this one.
        port = str(_free_port())
        command += ["--processes", str(processes), "--master-bind-host", "127.0.0.1"]
        command += ["--master-bind-port", port, "--master-host", "127.0.0.1", "--master-port", port]
    env = {**os.environ, "BOTAGENT_TEST_RECORD": str(out)}
    started = time.monotonic()
    with (out / "stdout.txt").open("w") as stdout, (out / "stderr.txt").open("w") as stderr:
        process = subprocess.Popen(command, cwd=REPO, stdout=stdout, stderr=stderr, env=env)
        samples = _sample_sessions(mock, process, started + timeout)
    wall_time = time.monotonic() - started
    return LocustRun(
        returncode=process.returncode,
        wall_time=wall_time,
        stdout=(out / "stdout.txt").read_text(),
        stderr=(out / "stderr.txt").read_text(),
        stats=_read_csv(out / "locust_stats.csv"),
        history=_read_csv(out / "locust_stats_history.csv"),
        failures=_read_csv(out / "locust_failures.csv"),
        summary=_read_json(out / "reports" / "summary.json", {}),
        ledger=_get(mock, "/mock/ledger")["calls"],
        sessions_after=_get(mock, "/mock/sessions"),
        samples=samples,
        requests=_read_requests(out),
        bot_calls=_read_json(out / "calls.json", []),
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _sample_sessions(
    mock: MockServer, process: subprocess.Popen[bytes], deadline: float
) -> list[list[dict[str, Any]]]:
    samples: list[list[dict[str, Any]]] = []
    while process.poll() is None:
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise AssertionError("Locust did not finish in time")
        samples.append(_get(mock, "/mock/sessions"))
        time.sleep(SAMPLE_INTERVAL)
    return samples


def _get(mock: MockServer, path: str) -> Any:
    response = httpx.get(mock.base_url + path, timeout=10)
    response.raise_for_status()
    return response.json()


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _read_json(path: Path, missing: Any) -> Any:
    return json.loads(path.read_text()) if path.exists() else missing


def _read_requests(out: Path) -> dict[int, list[dict[str, Any]]]:
    requests: dict[int, list[dict[str, Any]]] = {}
    for path in out.glob("requests-*.jsonl"):
        pid = int(path.stem.removeprefix("requests-"))
        requests[pid] = [json.loads(line) for line in path.read_text().splitlines() if line]
    return requests


def logoff_windows(events: list[dict[str, Any]]) -> list[tuple[float, float]]:
    """Each log-off of one agent as (log-off answered, logout granted), from its recorded events."""
    windows: list[tuple[float, float]] = []
    answered: float | None = None
    for event in events:
        if event["name"] == "POST /dialer/log-off":
            answered = event["at"]
        elif event["name"] == "logoff-grant" and answered is not None:
            windows.append((answered, event["at"]))
            answered = None
    return windows


def run_in_locust_process(code: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run Python ``code`` in a child that has imported Locust and botagent.locust; return what it did."""
    prelude = "import locust, botagent.locust\n"
    result = subprocess.run(
        [sys.executable, "-c", prelude + code], cwd=REPO, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stderr
    return result


def closed_port_url() -> str:
    """The URL of a loopback port nothing listens on (just released by the OS)."""
    return f"http://127.0.0.1:{_free_port()}"
