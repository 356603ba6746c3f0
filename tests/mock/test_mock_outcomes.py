"""Call outcomes and delays on the pure engine: what a dial becomes, when, and what is counted.

Outcomes and their handling are the mock's model of Interaction Dialer's call analysis (wrap-up
categories Busy, No Answer, Fax, Machine, SIT are "usually assigned by Dialer" on the Dialer Manager's
wrap-up categories page); the rates, delays and machine-detection switch are scenario knobs.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest
from mock_rig import EngineRig, campaign, scenario

from botagent.mock._outcomes import Outcome, OutcomeRates, draw_outcome, outcome_table
from botagent.wire import PlacePreviewCallRequest

NOT_CONNECTED = [
    ("no_answer", "noAnswer"),
    ("busy", "busy"),
    ("fax", "fax"),
    ("sit", "sit"),
    ("machine", "machine"),
]


@pytest.mark.parametrize(("rate", "counter"), NOT_CONNECTED, ids=[c for _, c in NOT_CONNECTED])
def test_power_dial_when_outcome_is_not_a_person_is_counted_by_name_and_reaches_no_agent(
    rate: str, counter: str
) -> None:
    """Only connected calls reach agents; machines too while machine detection is on (the default)."""
    rig = EngineRig(scenario(campaign("P", outcomes={rate: 1.0})))
    session = rig.agent("a")
    rig.tick(10.5)
    assert "dataPopMessage" not in rig.types(session)
    figures = rig.engine.ledger()["campaigns"]["P"]
    assert figures[counter] == 5 and figures["dialed"] == 6, "one dial every two seconds, all redialed"
    assert (figures["connected"], figures["popped"], figures["abandoned"]) == (0, 0, 0)
    assert rig.calls() == []


def test_machine_when_detection_off_reaches_the_agent_as_a_connected_call() -> None:
    """With machine detection off, machines reach agents as connected calls."""
    rig = EngineRig(scenario(campaign("P", outcomes={"machine": 1.0}, machine_detection=False)))
    session = rig.agent("a")
    rig.pop(session)
    figures = rig.engine.ledger()["campaigns"]["P"]
    assert (figures["machine"], figures["connected"], figures["popped"]) == (1, 1, 1)
    assert (rig.calls()[0]["outcome"], rig.calls()[0]["state"]) == ("machine", "connected")


def test_answered_call_when_popped_records_its_outcome_on_the_entry() -> None:
    rig = EngineRig(scenario(campaign("P")))
    rig.pop(rig.agent("a"))
    assert rig.calls()[0]["outcome"] == "answered"
    assert rig.engine.ledger()["campaigns"]["P"]["answered"] == 1


def test_outcome_delay_when_given_for_an_outcome_replaces_the_ring_delay() -> None:
    rig = EngineRig(
        scenario(campaign("P", ring_delay=1.0, outcomes={"no_answer": 1.0}, outcome_delays={"no_answer": 25}))
    )
    rig.agent("a")
    rig.tick(25.9)
    assert rig.engine.ledger()["campaigns"]["P"]["noAnswer"] == 0
    rig.tick(0.2)
    assert rig.engine.ledger()["campaigns"]["P"]["noAnswer"] == 1


def test_machine_detection_when_on_delays_calls_a_person_answers() -> None:
    rig = EngineRig(scenario(campaign("P", machine_detection_delay=1.5)))
    session = rig.agent("a")
    start = rig.now
    rig.pop(session, limit=10)
    assert rig.calls()[0]["poppedAt"] == pytest.approx(start + 1.0 + 1.0 + 1.5)


def test_dial_and_ring_delays_when_given_as_distributions_vary_within_their_bounds() -> None:
    uniform = {"kind": "uniform", "low": 1.0, "high": 3.0}
    rig = EngineRig(scenario(campaign("P", dial_delay=uniform, ring_delay=uniform)))
    session = rig.agent("a")
    for _ in range(20):
        rig.pop(session, limit=10)
        rig.disposition(session)
        rig.status(session)
    waits = [call["poppedAt"] - call["placedAt"] for call in rig.calls()]
    assert all(1.0 <= wait <= 3.0 for wait in waits)
    assert len({round(wait, 3) for wait in waits}) > 10


def test_preview_when_placed_and_nobody_answers_records_no_answer_and_never_connects() -> None:
    """A preview call is the agent's own: whatever answers, the agent holds it and dispositions it (R23)."""
    rig = EngineRig(scenario(campaign("V", "preview", outcomes={"no_answer": 1.0})))
    session = rig.agent("a")
    rig.pop(session)
    rig.engine.place_preview_call(session, PlacePreviewCallRequest(), rig.now)
    assert rig.pop(session)["callPlaced"] is True
    call = rig.calls()[0]
    assert (call["outcome"], call["state"], call["connectedAt"]) == ("noAnswer", "dialing", None)
    figures = rig.engine.ledger()["campaigns"]["V"]
    assert (figures["dialed"], figures["noAnswer"], figures["connected"]) == (1, 1, 0)
    rig.disposition(session, "No Sale")
    assert rig.calls()[0]["state"] == "dispositioned"


def test_preview_when_answer_rate_below_one_some_placed_calls_go_unanswered() -> None:
    rig = EngineRig(scenario(campaign("V", "preview", answer_rate=0.5)))
    session = rig.agent("a")
    for _ in range(20):
        rig.pop(session)
        rig.engine.place_preview_call(session, PlacePreviewCallRequest(), rig.now)
        rig.pop(session)
        rig.disposition(session, "No Sale")
        rig.status(session)
    outcomes = Counter(call["outcome"] for call in rig.calls())
    assert set(outcomes) == {"answered", "noAnswer"} and min(outcomes.values()) >= 4


def test_outcome_draws_when_many_follow_the_configured_rates() -> None:
    rates = OutcomeRates(answered=3, no_answer=4, busy=1, machine=1, fax=0.5, sit=0.5)
    table = outcome_table(rates, answer_rate=1.0)
    rng = random.Random(1)
    drawn = Counter(draw_outcome(table, rng) for _ in range(20_000))
    expected = dict(zip(Outcome, (0.3, 0.4, 0.1, 0.1, 0.05, 0.05), strict=True))
    for outcome, share in expected.items():
        assert drawn[outcome] / 20_000 == pytest.approx(share, abs=0.01), outcome


def test_outcome_table_when_no_rates_given_uses_answer_rate_alone() -> None:
    assert outcome_table(None, answer_rate=0.25) == ((Outcome.ANSWERED, 0.25), (Outcome.NO_ANSWER, 1.0))
