"""`botagent mock` at its most verbose log level never writes a password, wrong or right."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow

RIGHT = "Rt-pass-4f9a1c77e2"
WRONG = "Wr-pass-8b3d0e55a6"
READY = re.compile(r"botagent mock listening on (http://127\.0\.0\.1:\d+)")
SCENARIO = f"""
users:
  - names: [logger01]
    password: {RIGHT}
faults:
  - kind: latency
    seconds: 0.01
    endpoints: ["POST /connection"]
  - kind: error
    status: 503
    endpoints: ["GET /connection"]
"""


def _wait_for_url(stdout: Path, process: subprocess.Popen[bytes], timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = READY.search(stdout.read_text())
        if match:
            return match.group(1)
        assert process.poll() is None, "the mock exited early"
        time.sleep(0.05)
    raise AssertionError("no ready line")


def _log_in(url: str, password: str) -> httpx.Response:
    body = {"applicationName": "log test", "userID": "logger01", "password": password}
    return httpx.post(f"{url}/icws/connection", json=body, headers={"Accept-Language": "en-us"})


def test_cli_mock_when_logging_at_trace_never_writes_passwords(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(SCENARIO)
    stdout, stderr = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    command = [sys.executable, "-m", "botagent", "mock", "--port", "0", "--scenario", str(scenario)]
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen([*command, "--log-level", "trace"], stdout=out, stderr=err)
        try:
            url = _wait_for_url(stdout, process)
            assert _log_in(url, WRONG).status_code == 401
            response = _log_in(url, RIGHT)
            assert response.status_code == 201
            session_id = response.headers["ININ-ICWS-Session-ID"]
            assert httpx.get(f"{url}/icws/{session_id}/connection").status_code == 503
        finally:
            process.terminate()
            assert process.wait(timeout=15) == 0
    written = stdout.read_text() + stderr.read_text()
    assert "ASGI [" in written and "fault 2 (error) hit GET /connection" in written
    assert RIGHT not in written and WRONG not in written
