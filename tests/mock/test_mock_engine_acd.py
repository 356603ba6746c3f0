"""Inbound ACD arrivals on the engine's virtual clock (R33 blended agents): a Poisson process seeded from
the scenario's seed, bounded by the workgroup's queue, starting with the first session.
"""

from __future__ import annotations

from typing import Any

from mock_rig import PASSWORD, EngineRig, campaign

from botagent.mock import scenario_from_dict


def _rig(seed: int = 3, **workgroup: Any) -> EngineRig:
    spec = {"name": "Support", "arrivals_per_minute": 60, "abandon_after": None, **workgroup}
    return EngineRig(
        scenario_from_dict(
            {
                "seed": seed,
                "campaigns": [campaign("P", status="off")],
                "users": [{"names": ["a"], "password": PASSWORD, "workgroups": ["Support"]}],
                "workgroups": [spec],
            }
        )
    )


def _arrivals(rig: EngineRig) -> list[float]:
    return [entry["arrivedAt"] for entry in rig.engine.ledger()["acd"]]


def test_acd_arrivals_when_the_seed_is_the_same_arrive_at_the_same_moments() -> None:
    """Scenario seed: arrivals are reproducible, and another seed draws other moments."""
    runs = []
    for seed in (3, 3, 4):
        rig = _rig(seed)
        rig.open("a")
        rig.tick(120)
        runs.append([round(at - 1_000_000.0, 6) for at in _arrivals(rig)])
    assert runs[0] == runs[1] != runs[2]
    assert 60 <= len(runs[0]) <= 190  # about one a second over two minutes (Poisson)


def test_acd_arrivals_when_no_session_was_ever_opened_have_not_started() -> None:
    """The first arrival is drawn when the first session opens, so a clock jump makes no burst."""
    rig = _rig()
    rig.tick(3600)
    assert _arrivals(rig) == []


def test_acd_arrivals_when_the_workgroup_queue_is_full_are_refused_and_counted() -> None:
    """Workgroup knob max_waiting bounds the queue: later arrivals are only counted (acdRefused)."""
    rig = _rig(max_waiting=5)
    rig.open("a")  # away from desk: nobody takes the interactions
    rig.tick(60)
    ledger = rig.engine.ledger()
    assert len(ledger["acd"]) == 5 and ledger["acdRefused"] > 20
