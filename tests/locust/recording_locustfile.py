"""The Dialer agents of ``locustfiles/dialer.py``, plus a record of what they did, for end-to-end tests.

Every Locust request event (ICWS rows) and every Dialer KPI sample (type ``DIALER``: botagent records
them itself, they are not Locust requests) is appended, in the order it comes, to
``requests-<pid>.jsonl`` in the folder named by ``BOTAGENT_TEST_RECORD``: ``at`` (epoch seconds when it
came), ``type``, ``name``, ``ms``, ``agent`` and ``failed``. When Locust quits, the master (or the only
process) writes the calls the bots finished, as botagent's run recorder counted them, to ``calls.json``:
each is the agent's `FinishedCall` as a dict (``interaction_id``, ``label``, ``scheduled_time``, ...) with
the ``agent`` that finished it.
"""

import json
import os
import time
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

import locust  # noqa: F401  (Locust before botagent, so gevent patches everything botagent loads)
from locust import events
from locust.env import Environment
from locust.runners import WorkerRunner

from botagent.locust import DialerRun, dialer_run_of
from botagent.locust._recorder import RunRecorder
from botagent.locust._worker_report import BotCall
from botagent.locust.locustfile import DialerAgent

__all__ = ["DialerAgent"]

_FOLDER = Path(os.environ["BOTAGENT_TEST_RECORD"])
_FILES: dict[int, IO[str]] = {}


def _request_file() -> IO[str]:
    # Opened per process: --processes forks the workers after this module is imported.
    pid = os.getpid()
    if pid not in _FILES:
        _FILES[pid] = open(_FOLDER / f"requests-{pid}.jsonl", "a", buffering=1)
    return _FILES[pid]


@events.request.add_listener
def _record_request(
    request_type: str,
    name: str,
    response_time: float,
    context: dict[str, Any] | None = None,
    exception: BaseException | None = None,
    **_: Any,
) -> None:
    _write(request_type, name, response_time, (context or {}).get("agent"), exception is not None)


def _write(request_type: str, name: str, ms: float, agent: str | None, failed: bool) -> None:
    record = {"at": time.time(), "type": request_type, "name": name, "ms": ms}
    record |= {"agent": agent, "failed": failed}
    _request_file().write(json.dumps(record) + "\n")


_record_kpi_in_run = DialerRun.kpi


def _record_kpi(self: DialerRun, name: str, milliseconds: float, agent: str, campaign: Any = None) -> None:
    _record_kpi_in_run(self, name, milliseconds, agent, campaign)
    _write("DIALER", name, milliseconds, agent, False)


DialerRun.kpi = _record_kpi  # type: ignore[method-assign]


_count_in_run = RunRecorder._count
_CALLS: list[BotCall] = []


def _count_call(self: RunRecorder, call: BotCall) -> None:
    _count_in_run(self, call)
    _CALLS.append(call)


RunRecorder._count = _count_call  # type: ignore[method-assign]


@events.quitting.add_listener
def _record_calls(environment: Environment, **_: Any) -> None:
    run = dialer_run_of(environment)
    if run is None or isinstance(environment.runner, WorkerRunner):
        return
    calls = [{"agent": bot_call.agent, **asdict(bot_call.call)} for bot_call in _CALLS]
    (_FOLDER / "calls.json").write_text(json.dumps(calls))
