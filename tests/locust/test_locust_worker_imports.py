"""A Locust worker runs agents only: it never loads the mock ICWS, nor the web server the mock runs on.

The master of a distributed run (``--processes 2``) against the embedded mock starts that mock; its
workers, forked from it before it did and told the mock's URL, must not import ``botagent.mock``,
Starlette or uvicorn (memory and start-up time in every worker, for nothing).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from locust_rig import REPO

pytestmark = pytest.mark.slow

MODULES_LOCUSTFILE = Path(__file__).with_name("modules_locustfile.py")
MOCK_ONLY = ("botagent.mock", "starlette", "uvicorn")


def loaded(folder: Path, role: str) -> list[set[str]]:
    """The modules each process of this role had loaded, one set per process."""
    return [set(json.loads(path.read_text())) for path in sorted(folder.glob(f"modules-{role}-*.json"))]


def mock_modules(modules: set[str]) -> set[str]:
    """The modules of the mock and its web server among these."""
    return {name for name in modules for top in MOCK_ONLY if name == top or name.startswith(f"{top}.")}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_workers_when_master_runs_the_embedded_mock_never_import_the_mock(tmp_path: Path) -> None:
    port = str(free_port())
    command = [
        sys.executable, "-m", "locust", "-f", str(MODULES_LOCUSTFILE), "--headless",
        "--profile", "profiles/smoke.yaml", "-u", "2", "-r", "2", "-t", "5s",
        "--reports", str(tmp_path / "reports"), "--processes", "2",
        "--master-bind-host", "127.0.0.1", "--master-bind-port", port,
        "--master-host", "127.0.0.1", "--master-port", port,
    ]  # fmt: skip
    env = {**os.environ, "BOTAGENT_TEST_RECORD": str(tmp_path)}

    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)

    output = result.stdout + result.stderr
    summary = json.loads((tmp_path / "reports" / "summary.json").read_text())
    assert summary["reconciliation"]["reconciles"], output
    [master] = loaded(tmp_path, "master")
    assert "botagent.mock" in master, "the master did not start the embedded mock"
    workers = loaded(tmp_path, "worker")
    assert len(workers) == 2, output
    for worker in workers:
        assert "botagent.locust" in worker
        assert mock_modules(worker) == set()
