"""Each campaign's figures, as the bots saw them, cross from a Locust worker to its master and merge.

The tallies are counters, labels and two latency histograms per campaign, so they stay bounded; a
worker sends what is new with each report (as msgpack, Locust's `Message`) and the master adds it up.
"""

from __future__ import annotations

from locust_rig import run_in_locust_process

ROUND_TRIP = """
from locust.rpc.protocol import Message
from botagent.agent import CallOutcome, CampaignRef, FinishedCall
from botagent.locust._campaigns import CampaignTallies
from botagent.locust._results import row_stats
from botagent.locust._samples import RowSamples
from botagent.locust._worker_report import WorkerFacts

def call(i, campaign, label, outcome=CallOutcome.DISPOSITIONED, placed=False, when=None):
    return FinishedCall(interaction_id=i, campaign_id=campaign, label=label, scheduled_time=when,
                        scheduled_agent=None, outcome=outcome, campaign_name="", preview_placed=placed)

sales = CampaignRef(id="c-1", name="Spring Sales")
first, second = CampaignTallies(), CampaignTallies()
first.call(call("i1", "c-1", "Sale"))
first.call(call("i2", "c-1", "Callback", when=1700000600))
first.kpi(sales, "wait-for-pop", 500.0)
first.joined(sales)
second.joined(CampaignRef(id="c-1", name=""))
first.kpi(sales, "break-grant", 9.0)
first.step_error(CampaignRef(id="c-2"), "POST /dialer/log-in", 403, "error.campaignLogon", 3)
first.step_error(CampaignRef(id="c-2"), "POST /dialer/log-in", None, None, None)
second.call(call("p1", "c-3", "Skipped - Agent Skip"))
second.call(call("p2", "c-3", None, CallOutcome.UNDISPOSITIONED, placed=True))
second.kpi(CampaignRef(id="c-1", name="Spring Sales"), "wait-for-pop", 1500.0)

wire = Message("stats", {"botagent": WorkerFacts(campaigns=first).to_plain()}, "worker-1").serialize()
back = WorkerFacts.from_plain(Message.unserialize(wire).data["botagent"]).campaigns
assert back == first, (back.by_id, first.by_id)

master = CampaignTallies()
master.merge(back)
master.merge(second)
stats = {c.title: c for c in master.stats(lambda n, h: row_stats("DIALER", n, RowSamples(latency=h), 10.0))}
assert list(stats) == ["c-2", "c-3", "Spring Sales"], list(stats)
s = stats["Spring Sales"]
assert (s.log_ins, s.popped, s.dispositioned, s.rescheduled) == (2, 2, 2, 1)
assert s.labels == {"Callback": 1, "Sale": 1}
assert [(k.name, k.count, k.max) for k in s.kpis] == [("wait-for-pop", 2, 1500.0)]
refused = stats["c-2"]
assert (refused.login_refusals, refused.step_errors, refused.popped) == ({"CampaignStopping": 1}, 2, 0)
previews = stats["c-3"]
assert (previews.popped, previews.placed, previews.skipped, previews.undispositioned) == (2, 1, 1, 1)
print("same")
"""


def test_campaign_tallies_when_sent_by_a_worker_merge_on_the_master_per_campaign() -> None:
    """log-in: a refused campaign log-in counts by its logonError name (code 3 is CampaignStopping,
    official log-in page); one that got no answer is a step error but no refusal."""
    result = run_in_locust_process(ROUND_TRIP)

    assert result.stdout.strip() == "same", result.stderr[-2000:]
