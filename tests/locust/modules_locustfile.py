"""The Dialer agents of ``locustfiles/dialer.py``, plus a record of the modules each Locust process loaded.

When its test starts, and again when it quits, every Locust process writes the names in its
``sys.modules`` to ``modules-<role>-<pid>.json`` in the folder named by ``BOTAGENT_TEST_RECORD``; the
role is ``master``, ``worker`` or ``local``.
"""

import json
import os
import sys
from pathlib import Path
from typing import Any

import locust  # noqa: F401  (Locust before botagent, so gevent patches everything botagent loads)
from locust import events
from locust.env import Environment
from locust.runners import MasterRunner, WorkerRunner

from botagent.locust.locustfile import DialerAgent

__all__ = ["DialerAgent"]

_FOLDER = Path(os.environ["BOTAGENT_TEST_RECORD"])


def _role(environment: Environment) -> str:
    if isinstance(environment.runner, WorkerRunner):
        return "worker"
    return "master" if isinstance(environment.runner, MasterRunner) else "local"


@events.test_start.add_listener
@events.quitting.add_listener
def _record_modules(environment: Environment, **_: Any) -> None:
    path = _FOLDER / f"modules-{_role(environment)}-{os.getpid()}.json"
    path.write_text(json.dumps(sorted(sys.modules)))
