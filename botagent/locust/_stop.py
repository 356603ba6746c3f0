"""Stopping a distributed run: every worker's agents log off before the master sums the run up.

Locust's master quits half a second after telling its workers to, and only then do they stop their
users; agents still logging off would be missing from the reports, and cut short when the master ends
its worker processes or the embedded mock. So when the test stops, the master sends each worker
"stop your agents" and waits (up to a timeout) until each has answered "stopped"; a worker answers
once its users have stopped and their last requests and facts have gone to the master.
"""

from __future__ import annotations

import logging
from typing import Any

from gevent.event import Event
from locust.env import Environment
from locust.runners import STATE_MISSING, MasterRunner, WorkerRunner

__all__ = ["stop_agents_when_asked", "stop_workers_agents_on_test_stop"]

logger = logging.getLogger(__name__)

_STOP_AGENTS = "botagent_stop_agents"
_AGENTS_STOPPED = "botagent_agents_stopped"


def stop_agents_when_asked(runner: WorkerRunner) -> None:
    """On a worker: stop this worker's agents when the master asks, then answer."""

    def stop_and_answer(environment: Environment, msg: Any, **_: Any) -> None:
        runner.stop()  # each agent logs off and closes its session, within the stop timeout
        _report_now(runner)  # the requests and facts of that clean-up reach the master before the answer
        runner.send_message(_AGENTS_STOPPED, {"client_id": runner.client_id})

    runner.register_message(_STOP_AGENTS, stop_and_answer, concurrent=True)


def stop_workers_agents_on_test_stop(runner: MasterRunner, timeout: float) -> None:
    """On a master: when the test stops, have every worker stop its agents; wait up to ``timeout`` s."""
    asked: set[str] = set()
    answered: set[str] = set()
    all_answered = Event()

    def on_agents_stopped(environment: Environment, msg: Any, **_: Any) -> None:
        answered.add(msg.data["client_id"])
        if asked <= answered:
            all_answered.set()

    def on_test_stopping(**_: Any) -> None:
        asked.clear()
        answered.clear()
        all_answered.clear()
        asked.update(client.id for client in runner.clients.all if client.state != STATE_MISSING)
        for worker in asked:
            runner.send_message(_STOP_AGENTS, None, client_id=worker)
        if asked and not all_answered.wait(timeout):
            logger.warning("%d workers did not stop their agents in time", len(asked - answered))

    runner.register_message(_AGENTS_STOPPED, on_agents_stopped)
    runner.environment.events.test_stopping.add_listener(on_test_stopping)


def _report_now(runner: WorkerRunner) -> None:
    """Send this worker's report to the master now, not at the next report interval.

    Locust has no public call for it; ``_send_stats`` is what its own worker calls on quit.
    """
    runner._send_stats()
