"""The mock ICWS in a child process (`botagent mock --port 0`), as `botagent run` embeds it.

The child runs in its own process group, so a terminal's Ctrl-C reaches only its parent, which keeps
the mock up until the agents have logged off; on Linux it also ends when its parent dies. Its output is
read for as long as it runs (a full pipe would stall it), and the last lines are kept for errors.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections import deque
from pathlib import Path

from botagent._child import end_with_parent
from botagent.wire import BotagentError

__all__ = ["MockProcess", "MockStartError"]

READY_PREFIX = "botagent mock listening on "
KEPT_LINES = 40


class MockStartError(BotagentError):
    """The mock process did not start; the message has what it printed."""


class MockProcess:
    """Starts `python -m botagent mock --port 0` and reads its URL from the ready line.

    Args:
        scenario: optional scenario YAML for the mock.
        timeout: seconds to wait for the ready line.
        pair: run it as a switchover pair (``--pair``); ``base_url`` is the primary.
        ledger_file: keep settled calls in this SQLite file (``--ledger``).
    """

    def __init__(
        self,
        scenario: Path | None = None,
        timeout: float = 30.0,
        *,
        pair: bool = False,
        ledger_file: Path | None = None,
    ) -> None:
        command = [sys.executable, "-m", "botagent", "mock", "--host", "127.0.0.1", "--port", "0"]
        if scenario is not None:
            command += ["--scenario", str(scenario)]
        if ledger_file is not None:
            command += ["--ledger", str(ledger_file)]
        if pair:
            command.append("--pair")
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            process_group=0,
            preexec_fn=end_with_parent(),
        )
        self._last_lines: deque[str] = deque(maxlen=KEPT_LINES)
        self._ready = threading.Event()
        self._url = ""
        threading.Thread(target=self._read_output, name="mock output", daemon=True).start()
        try:
            self.base_url = self._wait_ready(timeout)
        except BaseException:
            self.stop()
            raise

    @property
    def output(self) -> str:
        """The last lines the mock printed."""
        return "".join(self._last_lines)

    def _read_output(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            if not self._ready.is_set() and line.startswith(READY_PREFIX):
                self._url = line[len(READY_PREFIX) :].strip()
                self._ready.set()
            else:
                self._last_lines.append(line)
        self._process.stdout.close()
        self._ready.set()  # the mock ended: nobody waits for a line that will not come

    def _wait_ready(self, timeout: float) -> str:
        self._ready.wait(timeout)
        if not self._url:
            self.stop()
            raise MockStartError(f"the mock ICWS did not start within {timeout:g} s: {self.output.strip()}")
        return self._url

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
