"""botagent's own lines for the person running Locust: why a run cannot start, and the run's start line.

They go to stderr. When `botagent run` started this Locust, it sends Locust's stderr (logs and tables)
to the report folder's ``locust.log`` and hands its own terminal down as the file descriptor named by
``BOTAGENT_CONSOLE_FD``; botagent's lines go there, so they reach the terminal either way.
"""

from __future__ import annotations

import functools
import os
import sys
from typing import NoReturn, TextIO

__all__ = ["CONSOLE_FD_VARIABLE", "fail", "say"]

CONSOLE_FD_VARIABLE = "BOTAGENT_CONSOLE_FD"


def say(message: str) -> None:
    """Print ``botagent: MESSAGE`` for the person running the test."""
    console = _console()
    console.write(f"botagent: {message}\n")
    console.flush()


def fail(exit_code: int, message: str) -> NoReturn:
    """Say why the run cannot go on and end this process with ``exit_code``."""
    say(message)
    sys.exit(exit_code)


@functools.cache
def _console() -> TextIO:
    fd = os.environ.get(CONSOLE_FD_VARIABLE)
    if fd is None:
        return sys.stderr
    try:
        return open(int(fd), "w", closefd=False)  # the descriptor stays open for the whole process
    except (ValueError, OSError):
        return sys.stderr
