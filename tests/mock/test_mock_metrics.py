"""The ``campaigns`` section of ``GET /mock/ledger``: counters, agent time and the figures derived."""

from __future__ import annotations

import pytest
from mock_rig import EngineRig, campaign, scenario

from botagent.mock._metrics import COUNTERS
from botagent.wire import LedgerEntry


def work_calls(rig: EngineRig, calls: int, hold: float) -> None:
    session = rig.agent("a")
    for _ in range(calls):
        rig.pop(session, limit=10)
        rig.tick(hold)
        rig.disposition(session)
        rig.status(session)


def test_campaign_figures_when_one_agent_works_report_utilisation_and_pops_per_agent_hour() -> None:
    """Each cycle: 2 s waiting for the dial (dial 1 s, ring 1 s), 8 s on the call: 80% busy, 360 pops/h."""
    rig = EngineRig(scenario(campaign("P")))
    work_calls(rig, calls=5, hold=8.0)
    rig.tick(1.5)
    figures = rig.engine.ledger()["campaigns"]["P"]
    assert figures["utilisation"] == pytest.approx(0.8, abs=0.001)
    assert figures["popsPerAgentHour"] == pytest.approx(360.0, rel=0.001)
    assert figures["agentHours"] == pytest.approx(50.0 / 3600, rel=0.001)
    assert (figures["dialed"], figures["answered"], figures["connected"], figures["popped"]) == (6, 5, 5, 5)
    assert (figures["abandoned"], figures["abandonRate"]) == (0, 0.0)


def test_campaign_figures_when_only_a_dial_started_list_every_other_counter_at_zero() -> None:
    rig = EngineRig(scenario(campaign("P", dial_delay=60)))
    rig.agent("a")
    figures = rig.engine.ledger()["campaigns"]["P"]
    assert figures["dialed"] == 1
    assert all(figures[name] == 0 for name in COUNTERS if name != "dialed")
    assert {"abandonRate", "utilisation", "popsPerAgentHour", "agentHours"} <= set(figures)


def test_campaign_figures_when_only_polled_later_stay_as_they_were() -> None:
    """Agent time counts up to the ledger's last change, so reading it twice gives the same figures."""
    rig = EngineRig(scenario(campaign("P")))
    session = rig.agent("a")
    rig.pop(session)
    before = rig.engine.ledger()
    rig.tick(30)
    rig.messages(session)
    assert rig.engine.ledger() == before


def test_ledger_entry_when_read_back_without_an_outcome_key_has_none() -> None:
    """Entries written before ``outcome`` existed still read back."""
    rig = EngineRig(scenario(campaign("P")))
    rig.pop(rig.agent("a"))
    entry = rig.calls()[0]
    assert LedgerEntry.from_wire(entry).outcome == "answered"
    del entry["outcome"]
    assert LedgerEntry.from_wire(entry).outcome is None
