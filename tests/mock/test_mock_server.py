"""MockServer in a thread, and the ``botagent mock`` command in a child process."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from mock_rig import FakeClock, IcwsClient, campaign, scenario

import botagent.mock as mock_package
from botagent.mock import DialerEngine
from botagent.mock.server import MockServer

READY = re.compile(r"^botagent mock listening on (http://127\.0\.0\.1:(\d+))$")


def test_mock_server_when_handler_fails_answers_500_and_raises_on_exit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("engine bug")

    with pytest.raises(RuntimeError, match="engine bug"):
        with MockServer(scenario(campaign("P"))) as server:
            monkeypatch.setattr(DialerEngine, "dialer_log_in", broken)
            with IcwsClient(server.base_url, user="a") as client:
                client.connect()
                response = client.dialer("log-in")
            assert response.status_code == 500
            assert response.json()["errorId"] == "error.server.internal"


def test_mock_server_when_started_reports_its_url_and_stops(fresh_mock: MockServer) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", fresh_mock.base_url)
    with MockServer(scenario(campaign("P"))) as server:
        url = server.base_url
        assert httpx.get(f"{url}/mock/health").json()["status"] == "ok"
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/mock/health")


def test_mock_server_when_reset_with_scenario_serves_new_users(fresh_mock: MockServer) -> None:
    fresh_mock.reset(scenario(campaign("P")))
    assert fresh_mock.call(lambda engine: [c.name for c in engine.scenario.campaigns]) == ["P"]
    with IcwsClient(fresh_mock.base_url, user="boss") as client:
        assert client.connect().status_code == 201


def test_mock_server_when_given_a_clock_answers_with_its_time(
    clocked_mock: MockServer, mock_clock: FakeClock
) -> None:
    url = f"{clocked_mock.base_url}/icws/connection/server-time"

    def served() -> str:
        answer: str = httpx.get(url).json()["serverUtcTime"]
        return answer

    def on_clock() -> str:
        return datetime.fromtimestamp(mock_clock(), UTC).strftime("%Y%m%dT%H%M%SZ")

    assert served() == on_clock()
    mock_clock.advance(86_400)
    assert served() == on_clock()


def test_mock_server_when_given_no_clock_keeps_wall_clock_time() -> None:
    assert MockServer().runtime.clock is time.time


def test_exports_when_listed_are_sorted_and_complete() -> None:
    assert mock_package.__all__ == sorted(mock_package.__all__)
    public = {name for name in vars(mock_package) if not name.startswith("_")}
    modules = {name for name in public if isinstance(getattr(mock_package, name), type(mock_package))}
    assert public - modules == set(mock_package.__all__)


def _start_cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "botagent", "mock", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _first_line(process: subprocess.Popen[str], timeout: float = 20.0) -> str:
    lines: list[str] = []
    assert process.stdout is not None
    reader = threading.Thread(target=lambda: lines.append(process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout)
    assert lines, "no ready line"
    return lines[0].rstrip("\n")


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="SIGTERM")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_cli_mock_when_port_zero_prints_ready_line_and_stops_on_signal(signum: signal.Signals) -> None:
    with _start_cli("--port", "0") as process:
        try:
            match = READY.match(_first_line(process))
            assert match is not None
            assert httpx.get(f"{match.group(1)}/mock/health").status_code == 200
            process.send_signal(signum)
            assert process.wait(timeout=15) == 0
            assert process.stderr is not None and "Traceback" not in process.stderr.read()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


@pytest.mark.slow
def test_cli_mock_when_scenario_bad_exits_2_naming_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("campaigns:\n  - name: X\n    mode: turbo\n")
    result = subprocess.run(
        [sys.executable, "-m", "botagent", "mock", "--port", "0", "--scenario", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert f"{bad}: campaigns.0.mode:" in result.stderr
    assert result.stdout == ""


@pytest.mark.slow
def test_cli_help_when_asked_lists_the_mock_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "botagent", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert "mock" in result.stdout
