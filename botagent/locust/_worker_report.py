"""What a worker adds to its reports to the master: the agents' facts and samples, as plain data.

Locust sends a worker's report to the master as msgpack, which carries dicts, lists, strings and
numbers only. `WorkerFacts` holds the typed records and the request and KPI samples (histograms, per
phase) a worker collected since its last report; this module is the one place where they become plain
data (`to_plain`) and typed again (`from_plain`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from botagent.agent import CallOutcome, FinishedCall
from botagent.locust._campaigns import CampaignTallies
from botagent.locust._samples import RunSamples
from botagent.report import AgentMoment, HarnessHealth, RuleViolationRecord, StepErrorRecord

__all__ = ["BotCall", "WorkerFacts"]


@dataclass(frozen=True, slots=True, kw_only=True)
class BotCall:
    """One call a bot finished: which agent, and the agent's own record of the call."""

    agent: str
    call: FinishedCall


@dataclass(slots=True, kw_only=True)
class WorkerFacts:
    """The facts and samples of one worker's agents since its last report, and its agents per state now."""

    step_errors: list[StepErrorRecord] = field(default_factory=list)
    violations: list[RuleViolationRecord] = field(default_factory=list)
    calls: list[BotCall] = field(default_factory=list)
    agents: list[str] = field(default_factory=list)
    states: Counter[str] = field(default_factory=Counter)
    sessions_lost: list[AgentMoment] = field(default_factory=list)
    back_at_work: list[AgentMoment] = field(default_factory=list)
    switchovers: list[float] = field(default_factory=list)
    samples: RunSamples = field(default_factory=RunSamples)
    """ICWS requests and Dialer KPIs since the last report, per phase (histograms, not samples)."""
    health: HarnessHealth = field(default_factory=HarnessHealth)
    """The worker's timer lag and GC pauses since the last report."""
    campaigns: CampaignTallies = field(default_factory=CampaignTallies)
    """Each campaign's figures since the last report."""

    def to_plain(self) -> dict[str, Any]:
        """The facts as msgpack-able data, for a worker's report."""
        return {
            "step_errors": [asdict(record) for record in self.step_errors],
            "violations": [asdict(record) for record in self.violations],
            "calls": [_call_to_plain(call) for call in self.calls],
            "agents": list(self.agents),
            "states": dict(self.states),
            "sessions_lost": [asdict(moment) for moment in self.sessions_lost],
            "back_at_work": [asdict(moment) for moment in self.back_at_work],
            "switchovers": list(self.switchovers),
            "samples": self.samples.to_wire(),
            "health": self.health.to_wire(),
            "campaigns": self.campaigns.to_wire(),
        }

    @classmethod
    def from_plain(cls, data: dict[str, Any]) -> WorkerFacts:
        """Read the facts of a worker's report back (what `to_plain` gave on the worker)."""
        return cls(
            step_errors=[StepErrorRecord(**item) for item in data["step_errors"]],
            violations=[RuleViolationRecord(**item) for item in data["violations"]],
            calls=[_call_from_plain(item) for item in data["calls"]],
            agents=list(data["agents"]),
            states=Counter(data["states"]),
            sessions_lost=[AgentMoment(**item) for item in data.get("sessions_lost", ())],
            back_at_work=[AgentMoment(**item) for item in data.get("back_at_work", ())],
            switchovers=list(data.get("switchovers", ())),
            samples=RunSamples.from_wire(data["samples"]),
            health=HarnessHealth.from_wire(data["health"]),
            campaigns=CampaignTallies.from_wire(data.get("campaigns", {})),
        )


def _call_to_plain(call: BotCall) -> dict[str, Any]:
    return {"agent": call.agent, **asdict(call.call), "outcome": call.call.outcome.value}


def _call_from_plain(item: dict[str, Any]) -> BotCall:
    fields = {key: value for key, value in item.items() if key != "agent"}
    record = FinishedCall(**{**fields, "outcome": CallOutcome(fields["outcome"])})
    return BotCall(agent=item["agent"], call=record)
