"""The agents' facts and samples cross from a Locust worker to its master as plain data and come back
typed.

A worker's report travels as msgpack (Locust's own `Message`); the calls, step errors and violations
in it must arrive as the same typed records, the call outcome included, and its request and KPI
histograms as the same histograms, per phase.
"""

from __future__ import annotations

from locust_rig import run_in_locust_process

ROUND_TRIP = """
from collections import Counter
from locust.rpc.protocol import Message
from botagent.agent import CallOutcome, FinishedCall
from botagent.locust._samples import RunSamples
from botagent.locust._worker_report import BotCall, WorkerFacts
from botagent.report import HarnessHealth, RuleViolationRecord, StepErrorRecord

call = FinishedCall(
    interaction_id="i-1", campaign_id="c-1", label="Callback", scheduled_time=1700000600,
    scheduled_agent="agent01", outcome=CallOutcome.DISPOSITION_FAILED,
)
samples = RunSamples()
for ms in (0.004, 1.5, 2.25, 480.0):
    samples.request("steady", "POST /dialer/disposition", ms, "HTTP 503" if ms > 400 else None)
samples.request("stop", "POST /dialer/log-off", 12.5)
samples.kpi("ramp-up", "wait-for-pop", 512.0)
health = HarnessHealth()
health.lag(0.25)
health.gc_pause(2, 41.5)
facts = WorkerFacts(
    step_errors=[
        StepErrorRecord(at=1.5, agent="agent01", step="log-in", status=503, error_id=None, message="m")
    ],
    violations=[RuleViolationRecord(at=2.5, agent="agent02", rule="R18", detail="d")],
    calls=[BotCall(agent="agent01", call=call)],
    agents=["agent01", "agent02"],
    states=Counter({"ready": 2}),
    samples=samples,
    health=health,
)
wire = Message("stats", {"botagent": facts.to_plain()}, "worker-1").serialize()
back = WorkerFacts.from_plain(Message.unserialize(wire).data["botagent"])
assert back == facts, (back, facts)
assert back.calls[0].call.outcome is CallOutcome.DISPOSITION_FAILED
disposition = back.samples.phases["steady"].endpoints["POST /dialer/disposition"]
assert (disposition.count, disposition.failures, disposition.latency.maximum) == (4, 1, 480.0)
assert disposition.latency.percentile(0.5) == 1.5
assert back.health.gc_pauses[2].maximum == 41.5 and back.health.timer_lag.count == 1
print("same")
"""


def test_worker_facts_when_sent_as_locust_message_come_back_as_the_same_typed_records() -> None:
    result = run_in_locust_process(ROUND_TRIP)

    assert result.stdout.strip() == "same"
