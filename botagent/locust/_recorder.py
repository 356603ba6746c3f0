"""What the agents of a run did: request and KPI samples, step errors, rule violations, calls, states.

Each process keeps one `RunRecorder` of typed records. Every ICWS request and Dialer KPI sample goes
into botagent's own histograms (`RunSamples`), labelled with the phase this process is in (`PhaseClock`,
moved on by Locust's ``test_start``, ``spawning_complete`` and ``test_stopping`` events). Workers send
what is new with every Locust report to the master (as `WorkerFacts`, made plain for the trip; of the
samples a worker keeps only those), and the master merges it, so the master's recorder holds the whole
run, as Locust's own stats do. The master (or
the only process) also keeps the run's `Timeline`, and samples agent states once a second: the master
sums the latest counts of every worker. Calls are counted as they arrive, not kept: the master (or the
only process) hands each to its `RunningReconciliation`, which the ledger follower (``_follow.py``)
matches with the mock's ledger as the run goes, so memory follows the agents, not the calls. Every
process that runs agents measures its own timer lag and GC pauses while the test runs (`HealthProbe`);
the master sums them in `health`.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import gevent
from locust.env import Environment
from locust.runners import MasterRunner, WorkerRunner

from botagent.agent import CampaignRef
from botagent.locust._campaigns import CampaignTallies
from botagent.locust._health import HealthProbe
from botagent.locust._phases import PhaseClock
from botagent.locust._samples import RunSamples
from botagent.locust._state_series import StateSeries
from botagent.locust._timeline import Timeline
from botagent.locust._worker_report import BotCall, WorkerFacts
from botagent.report import (
    AgentMoment,
    HarnessHealth,
    RuleViolationRecord,
    RunningReconciliation,
    StepErrorRecord,
    was_dispositioned,
)

__all__ = ["RunRecorder"]

_KEY = "botagent"
MAX_KEPT_ERRORS = 1000


class RunRecorder:
    """Collects the run's agent-level facts in this process and merges them across workers.

    Args:
        environment: the Locust environment, used to hook worker/master reports.
        state_counts: returns how many agents of this process are in each report bucket now.
    """

    def __init__(self, environment: Environment, state_counts: Callable[[], Counter[str]]) -> None:
        self.phases = PhaseClock(time.time)
        self.samples = RunSamples()
        self.campaigns = CampaignTallies()
        self.timeline = Timeline()
        self.step_errors: list[StepErrorRecord] = []
        self.step_error_total = 0
        self.violations: list[RuleViolationRecord] = []
        self.calls_popped = 0
        """Calls the bots finished (dispositioned or given up)."""
        self.calls_dispositioned = 0
        self.calls_rescheduled = 0
        """Finished calls with a callback time."""
        self.agents_seen: set[str] = set()
        self.reconciliation = RunningReconciliation(self.agents_seen)
        """The bots' calls against the mock's ledger, as the run goes (master or only process)."""
        self.states = StateSeries()
        """Agents per report bucket, sampled every second."""
        self.health = HarnessHealth()
        self.sessions_lost: list[AgentMoment] = []
        """When agents lost their session (the server dropped it), to match against switchovers."""
        self.back_at_work: list[AgentMoment] = []
        """When those agents were next ready for calls."""
        self.switchovers: list[float] = []
        """Epoch seconds of each switchover: made by the run controller (the mock pair), or seen in the
        agents' switchover-status polls (by any process); one switchover may be here more than once."""
        self._state_counts = state_counts
        self._worker_states: dict[str, Counter[str]] = {}
        self._unsent = WorkerFacts()
        self._sampler: gevent.Greenlet | None = None
        self._is_worker = isinstance(environment.runner, WorkerRunner)
        self._is_master = isinstance(environment.runner, MasterRunner)
        self._probe = HealthProbe(lambda: self._unsent.health if self._is_worker else self.health)
        events = environment.events
        events.test_start.add_listener(self._on_test_start)
        events.spawning_complete.add_listener(lambda **_: self.phases.spawning_complete())
        events.test_stopping.add_listener(lambda **_: self.phases.stopping())
        events.test_stop.add_listener(lambda **_: self._probe.stop())
        events.quitting.add_listener(lambda **_: self._probe.stop())
        events.report_to_master.add_listener(self._on_report_to_master)
        events.worker_report.add_listener(self._on_worker_report)

    @property
    def started_at(self) -> float:
        """When the test started (epoch seconds): the zero of phases, timeline and state samples."""
        return self.phases.started_at

    def request(
        self, name: str, milliseconds: float, cause: str | None, arrival_stamped: bool = False
    ) -> None:
        """Record one ICWS request of endpoint ``name``; ``cause`` is why it failed, None if it did not;
        ``arrival_stamped``: its time ends at the answer's arrival, not at its read.

        A worker keeps only the samples it has not sent to its master yet.
        """
        if self._is_worker:
            self._unsent.samples.request(self.phases.phase, name, milliseconds, cause)
            self._unsent.health.response_time(arrival_stamped)
            return
        self.samples.request(self.phases.phase, name, milliseconds, cause)
        self.health.response_time(arrival_stamped)
        self.timeline.request(self.phases.elapsed(), name, milliseconds, cause is not None)

    def kpi(self, name: str, milliseconds: float, campaign: CampaignRef | None = None) -> None:
        """Record one Dialer KPI sample (wait-for-pop, break-grant, ...), ending with a call of
        ``campaign`` if given; a worker keeps it until sent."""
        samples = self._unsent.samples if self._is_worker else self.samples
        samples.kpi(self.phases.phase, name, milliseconds)
        if campaign is not None:
            self._campaigns().kpi(campaign, name, milliseconds)

    def agent_started(self, agent: str) -> None:
        """Note that an agent took part in the run."""
        self.agents_seen.add(agent)
        if self._is_worker:
            self._unsent.agents.append(agent)

    def step_error(
        self, record: StepErrorRecord, campaign: CampaignRef | None = None, logon_error: int | None = None
    ) -> None:
        """Record a failed agent step (R11), attributed to ``campaign`` if given; ``logon_error`` is the
        code of a refused campaign log-in."""
        self._keep_step_error(record)
        if self._is_worker:
            self._unsent.step_errors.append(record)
        if campaign is not None:
            self._campaigns().step_error(campaign, record.step, record.status, record.error_id, logon_error)

    def lost_session(self, moment: AgentMoment) -> None:
        """Record that an agent's session was dropped by the server."""
        self.sessions_lost.append(moment)
        if self._is_worker:
            self._unsent.sessions_lost.append(moment)

    def returned_to_work(self, moment: AgentMoment) -> None:
        """Record that an agent that lost its session was ready for calls again."""
        self.back_at_work.append(moment)
        if self._is_worker:
            self._unsent.back_at_work.append(moment)

    def switchover_seen(self, at: float) -> None:
        """Record a switchover at epoch ``at``, as the agents' switchover-status polls revealed it."""
        self.switchovers.append(at)
        if self._is_worker:
            self._unsent.switchovers.append(at)

    def violation(self, record: RuleViolationRecord) -> None:
        """Record a Dialer rule the server broke."""
        self.violations.append(record)
        if self._is_worker:
            self._unsent.violations.append(record)

    def campaign_joined(self, campaign: CampaignRef) -> None:
        """Note that an agent is in ``campaign`` now (its log-in, or Dialer's)."""
        self._campaigns().joined(campaign)

    def call(self, call: BotCall) -> None:
        """Record a call the bot finished (dispositioned or given up)."""
        self._campaigns().call(call.call)
        if self._is_worker:
            self._unsent.calls.append(call)
            return
        self._count(call)
        if was_dispositioned(call.call):
            self.timeline.calls(self.phases.elapsed())

    def _count(self, call: BotCall) -> None:
        """Count a call of the run and hand it to the reconciliation."""
        self.calls_popped += 1
        self.calls_dispositioned += was_dispositioned(call.call)
        self.calls_rescheduled += bool(call.call.scheduled_time)
        self.reconciliation.add_call(call.call)

    def start_sampling(self, interval: float = 1.0) -> None:
        """Sample agent states every `interval` seconds until `stop_sampling`."""
        if self._sampler is None:
            self.states.clear()
            self._sampler = gevent.spawn(self._sample_forever, interval)

    def stop_sampling(self) -> None:
        """Take a last sample and stop sampling."""
        if self._sampler is not None:
            self._sample_once()
            self._sampler.kill(block=False)
            self._sampler = None

    def current_states(self) -> Counter[str]:
        """Agents per bucket now: this process's own, or on a master the sum over its workers."""
        if self._is_master:
            return sum(self._worker_states.values(), Counter())
        return self._state_counts()

    def _on_test_start(self, **_: Any) -> None:
        """A new test (Locust clears its stats, and so does botagent): phases, samples, timeline anew."""
        self.phases.start()
        self.reconciliation.since = self.phases.started_at - 1
        self.samples = RunSamples()
        self.campaigns = CampaignTallies()
        self.timeline = Timeline()
        self._unsent.samples = RunSamples()
        self.health = HarnessHealth()
        self._unsent.health = HarnessHealth()
        if not self._is_master:
            self._probe.start()
        self._unsent.campaigns = CampaignTallies()

    def _campaigns(self) -> CampaignTallies:
        """Where campaign figures go: a worker's unsent ones, or the run's."""
        return self._unsent.campaigns if self._is_worker else self.campaigns

    def _keep_step_error(self, record: StepErrorRecord) -> None:
        self.step_error_total += 1
        if len(self.step_errors) < MAX_KEPT_ERRORS:
            self.step_errors.append(record)

    def _sample_forever(self, interval: float) -> None:
        while True:
            self._sample_once()
            gevent.sleep(interval)

    def _sample_once(self) -> None:
        counts = self.current_states()
        self.states.append(self.phases.elapsed(), counts)

    def _on_report_to_master(self, client_id: str, data: dict[str, Any]) -> None:
        facts, self._unsent = self._unsent, WorkerFacts()
        facts.states = self._state_counts()
        data[_KEY] = facts.to_plain()

    def _on_worker_report(self, client_id: str, data: dict[str, Any]) -> None:
        if _KEY not in data:
            return
        facts = WorkerFacts.from_plain(data[_KEY])
        self._worker_states[client_id] = facts.states
        for record in facts.step_errors:
            self._keep_step_error(record)
        self.violations.extend(facts.violations)
        self.sessions_lost.extend(facts.sessions_lost)
        self.back_at_work.extend(facts.back_at_work)
        self.switchovers.extend(facts.switchovers)
        for call in facts.calls:
            self._count(call)
        self.agents_seen.update(facts.agents)
        self.health.merge(facts.health)
        self._merge_samples(facts)
        self.campaigns.merge(facts.campaigns)

    def _merge_samples(self, facts: WorkerFacts) -> None:
        """Add a worker's samples to the run, and to the timeline at the moment they arrived."""
        self.samples.merge(facts.samples)
        elapsed = self.phases.elapsed()
        requests = facts.samples.whole_run().endpoints
        latencies = {name: row.latency for name, row in requests.items()}
        self.timeline.merge(elapsed, latencies, sum(row.failures for row in requests.values()))
        self.timeline.calls(elapsed, sum(1 for bot_call in facts.calls if was_dispositioned(bot_call.call)))
