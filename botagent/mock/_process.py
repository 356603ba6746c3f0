"""The mock ICWS in a child process (`botagent mock --port 0`), as `botagent run` embeds it."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from botagent.icws import BotagentError

__all__ = ["MockProcess", "MockStartError"]

READY_PREFIX = "botagent mock listening on "


class MockStartError(BotagentError):
    """The mock process did not start; the message has what it printed."""


class MockProcess:
    """Starts `python -m botagent mock --port 0` and reads its URL from the ready line.

    Args:
        scenario: optional scenario YAML for the mock.
        timeout: seconds to wait for the ready line.
    """

    def __init__(self, scenario: Path | None = None, timeout: float = 30.0) -> None:
        command = [sys.executable, "-m", "botagent", "mock", "--host", "127.0.0.1", "--port", "0"]
        if scenario is not None:
            command += ["--scenario", str(scenario)]
        self._process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1
        )
        self.base_url = self._wait_ready(timeout)

    def _wait_ready(self, timeout: float) -> str:
        assert self._process.stdout is not None
        found: list[str] = []

        def read_ready_line() -> None:
            assert self._process.stdout is not None
            for line in self._process.stdout:
                if line.startswith(READY_PREFIX):
                    found.append(line[len(READY_PREFIX) :].strip())
                    return

        reader = threading.Thread(target=read_ready_line, daemon=True)
        reader.start()
        reader.join(timeout)
        if not found:
            self.stop()
            stderr = self._process.stderr.read() if self._process.stderr else ""
            raise MockStartError(
                f"the mock ICWS did not start within {timeout:g} s: {stderr.strip()}"
            )
        return found[0]

    def stop(self) -> None:
        """Stop the mock process (SIGTERM, then SIGKILL after 5 s)."""
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def __enter__(self) -> MockProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
