"""What the agents of a run did beyond request timings: step errors, rule violations, calls, states.

Each process keeps one `RunRecorder`. Workers send what is new with every Locust report to the master
(`report_to_master`), and the master merges it (`worker_report`), so the master's recorder holds the
whole run, as Locust's own stats do. Agent states are sampled once a second into a timeline: the
master sums the latest counts of every worker.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import gevent
from locust.env import Environment
from locust.runners import MasterRunner, WorkerRunner

from botagent.report import RuleViolationRecord, StateSample, StepErrorRecord

__all__ = ["BotCall", "RunRecorder"]

_KEY = "botagent"
MAX_KEPT_ERRORS = 1000


class BotCall(dict[str, Any]):
    """One call as a bot handled it: interactionId, campaignId, agent, label, scheduledTime, ..."""


class RunRecorder:
    """Collects the run's agent-level facts in this process and merges them across workers.

    Args:
        environment: the Locust environment, used to hook worker/master reports.
        state_counts: returns how many agents of this process are in each report bucket now.
    """

    def __init__(self, environment: Environment, state_counts: Callable[[], Counter[str]]) -> None:
        self.started_at = time.time()
        self.step_errors: list[StepErrorRecord] = []
        self.step_error_total = 0
        self.violations: list[RuleViolationRecord] = []
        self.calls: list[BotCall] = []
        self.agents_seen: set[str] = set()
        self.states: list[StateSample] = []
        self._state_counts = state_counts
        self._worker_states: dict[str, Counter[str]] = {}
        self._unsent: dict[str, list[Any]] = _empty_unsent()
        self._sampler: gevent.Greenlet | None = None
        environment.events.report_to_master.add_listener(self._on_report_to_master)
        environment.events.worker_report.add_listener(self._on_worker_report)
        self._environment = environment

    def agent_started(self, agent: str) -> None:
        """Note that an agent took part in the run."""
        self.agents_seen.add(agent)
        self._queue("agents", agent)

    def step_error(self, record: StepErrorRecord) -> None:
        """Record a failed agent step (R11)."""
        self.step_error_total += 1
        if len(self.step_errors) < MAX_KEPT_ERRORS:
            self.step_errors.append(record)
        self._queue("step_errors", asdict(record))

    def violation(self, record: RuleViolationRecord) -> None:
        """Record a Dialer rule the server broke."""
        self.violations.append(record)
        self._queue("violations", asdict(record))

    def call(self, call: BotCall) -> None:
        """Record a call the bot finished (dispositioned or given up)."""
        self.calls.append(call)
        self._queue("calls", dict(call))

    def start_sampling(self, interval: float = 1.0) -> None:
        """Sample agent states every `interval` seconds until `stop_sampling`."""
        if self._sampler is None:
            self.started_at = time.time()
            self.states.clear()
            self._sampler = gevent.spawn(self._sample_forever, interval)

    def stop_sampling(self) -> None:
        if self._sampler is not None:
            self._sample_once()
            self._sampler.kill(block=False)
            self._sampler = None

    def current_states(self) -> Counter[str]:
        """Agents per bucket now: this process's own, or on a master the sum over its workers."""
        if isinstance(self._environment.runner, MasterRunner):
            return sum(self._worker_states.values(), Counter())
        return self._state_counts()

    def _sample_forever(self, interval: float) -> None:
        while True:
            self._sample_once()
            gevent.sleep(interval)

    def _sample_once(self) -> None:
        counts = self.current_states()
        self.states.append(StateSample(elapsed=time.time() - self.started_at, counts=dict(counts)))

    def _queue(self, kind: str, item: Any) -> None:
        if isinstance(self._environment.runner, WorkerRunner):
            self._unsent[kind].append(item)

    def _on_report_to_master(self, client_id: str, data: dict[str, Any]) -> None:
        data[_KEY] = {**self._unsent, "states": dict(self._state_counts()), "errors": self.step_error_total}
        self._unsent = _empty_unsent()

    def _on_worker_report(self, client_id: str, data: dict[str, Any]) -> None:
        report = data.get(_KEY)
        if not report:
            return
        self._worker_states[client_id] = Counter(report["states"])
        for item in report["step_errors"]:
            self.step_error_total += 1
            if len(self.step_errors) < MAX_KEPT_ERRORS:
                self.step_errors.append(StepErrorRecord(**item))
        self.violations.extend(RuleViolationRecord(**item) for item in report["violations"])
        self.calls.extend(BotCall(item) for item in report["calls"])
        self.agents_seen.update(report["agents"])


def _empty_unsent() -> dict[str, list[Any]]:
    return {"step_errors": [], "violations": [], "calls": [], "agents": []}
