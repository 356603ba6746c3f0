"""Child processes that must not outlive botagent: the embedded mock and the Locust run."""

from __future__ import annotations

import ctypes
import signal
import sys
from collections.abc import Callable

__all__ = ["end_with_parent"]

_PR_SET_PDEATHSIG = 1


def end_with_parent() -> Callable[[], None] | None:
    """What a child runs before its program, on Linux: ask for SIGTERM when its parent dies, even by
    SIGKILL, so no load or server outlives the command. Elsewhere None (nothing to run)."""
    if sys.platform != "linux":
        return None
    prctl = ctypes.CDLL(None).prctl
    return lambda: prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
