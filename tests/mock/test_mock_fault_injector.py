"""The pure side of faults: spec validation, the injector's decisions on a given clock and RNG, held
messages, and scenario files with a ``faults:`` list."""

from __future__ import annotations

import random
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from botagent.mock import FAULT_SPEC, FaultInjector, ScenarioError, load_scenario
from botagent.mock._delays import HeldMessages


def spec(**data: Any) -> Any:
    return FAULT_SPEC.validate_python(data)


def injector(*specs: dict[str, Any], now: float = 100.0, seed: int = 0) -> FaultInjector:
    faults = FaultInjector(random.Random(seed))
    for data in specs:
        faults.add(spec(**data), now)
    return faults


def test_injector_when_no_faults_decides_nothing_cheaply() -> None:
    faults = FaultInjector()
    assert faults.request_active is False
    assert faults.on_request("GET /connection", "a", 1.0, session=True) is None
    assert faults.on_stream("a", 1.0) is None
    assert faults.on_message("a", 1.0) == 0.0


def test_injector_when_latency_faults_overlap_adds_them_and_applies_the_first_action() -> None:
    faults = injector(
        {"kind": "latency", "seconds": 0.25},
        {"kind": "error", "status": 500},
        {"kind": "latency", "seconds": 0.5, "endpoints": ["GET /connection"]},
        {"kind": "drop_connection"},
    )
    hit = faults.on_request("GET /connection", None, 100.0, session=False)
    assert hit is not None and hit.latency == 0.75
    assert hit.fault is not None and hit.fault.kind == "error"
    assert [f["fired"] for f in faults.listing()] == [1, 1, 1, 0]


def test_injector_when_session_loss_and_no_session_skips_to_the_next_fault() -> None:
    faults = injector({"kind": "session_loss"}, {"kind": "error"})
    hit = faults.on_request("POST /connection", "a", 100.0, session=False)
    assert hit is not None and hit.fault is not None and hit.fault.kind == "error"
    hit = faults.on_request("GET /connection", "a", 100.0, session=True)
    assert hit is not None and hit.fault is not None and hit.fault.kind == "session_loss"


def test_injector_when_after_not_yet_passed_waits_on_the_given_clock() -> None:
    faults = injector({"kind": "error", "after": 5}, now=100.0)
    assert faults.on_request("GET /connection", None, 104.9, session=False) is None
    assert faults.on_request("GET /connection", None, 105.0, session=False) is not None


def test_injector_when_users_filter_set_needs_a_known_matching_user() -> None:
    faults = injector({"kind": "error", "users": ["a"]})
    assert faults.on_request("GET /connection", None, 100.0, session=False) is None
    assert faults.on_request("GET /connection", "b", 100.0, session=True) is None
    assert faults.on_request("GET /connection", "a", 100.0, session=True) is not None


def test_injector_when_seeded_alike_hits_the_same_requests() -> None:
    def pattern(seed: int) -> list[bool]:
        faults = injector({"kind": "error", "rate": 0.3}, seed=seed)
        return [
            faults.on_request("GET /connection", None, 100.0, session=False) is not None for _ in range(200)
        ]

    assert pattern(7) == pattern(7)
    assert 30 <= sum(pattern(7)) <= 90


def test_injector_when_count_reached_stops_and_removal_forgets_it() -> None:
    faults = injector({"kind": "sse_cut", "after_events": 3, "count": 1})
    cut = faults.on_stream("a", 100.0)
    assert cut is not None and cut.spec.kind == "sse_cut"
    assert faults.on_stream("a", 100.0) is None
    assert faults.remove(cut.id) is True
    assert faults.remove(cut.id) is False
    assert faults.listing() == []


def test_injector_when_message_delays_overlap_adds_seconds() -> None:
    faults = injector(
        {"kind": "message_delay", "seconds": 1}, {"kind": "message_delay", "seconds": 2, "users": ["a"]}
    )
    assert faults.on_message("a", 100.0) == 3.0
    assert faults.on_message("b", 100.0) == 1.0
    assert faults.delays_for("b", 100.0) is True


def test_held_messages_when_released_keep_queue_order_across_delays() -> None:
    held = HeldMessages()
    held.hold("s", [(5.0, {"n": 1}), (1.0, {"n": 2})])
    held.hold("s", [(2.0, {"n": 3})])
    assert held.next_release() == 5.0
    assert held.take_due("s", 4.9) == []
    assert held.take_due("s", 5.0) == [{"n": 1}, {"n": 2}, {"n": 3}]
    assert not held and held.next_release() is None


def test_held_messages_when_put_back_come_first() -> None:
    held = HeldMessages()
    held.hold("s", [(9.0, {"n": 3})])
    held.put_front("s", [{"n": 1}, {"n": 2}], 1.0)
    assert held.due_sessions(1.0) == ["s"]
    assert held.take_due("s", 1.0) == [{"n": 1}, {"n": 2}]
    held.forget("s")
    assert held.holding("s") is False


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "sse_cut", "endpoints": ["POST /connection"]}, "an sse_cut applies to event streams only"),
        ({"kind": "message_delay", "seconds": 1, "endpoints": ["GET /connection"]}, "omit endpoints"),
        ({"kind": "latency", "seconds": {"low": 2, "high": 1}}, "must not be below low (2)"),
        ({"kind": "error", "users": []}, "at least 1 item"),
        ({"kind": "error", "count": 0}, "greater than or equal to 1"),
        ({"kind": "message_delay", "seconds": 0}, "greater than 0"),
    ],
)
def test_fault_spec_when_invalid_says_what_is_wrong(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        spec(**data)


def test_load_scenario_when_faults_listed_validates_them(tmp_path: Path) -> None:
    path = tmp_path / "faults.yaml"
    path.write_text(
        textwrap.dedent(
            """
            max_body_bytes: 4096
            faults:
              - {kind: latency, seconds: {low: 0.1, high: 0.2}, endpoints: ["POST /dialer/disposition"]}
              - {kind: error, status: 503, retry_after: 2, rate: 0.1, count: 5}
              - {kind: sse_cut, after_events: 3, after: 60}
            """
        )
    )
    scenario = load_scenario(path)
    assert [f.kind for f in scenario.faults] == ["latency", "error", "sse_cut"]
    assert scenario.max_body_bytes == 4096


def test_load_scenario_when_a_fault_is_bad_names_file_index_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("faults:\n  - {kind: error, status: 502}\n  - {kind: latency, secs: 1}\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    lines = str(caught.value).splitlines()
    assert f"{path}: faults.0.error.status: Input should be 500 or 503 (got 502)" in lines
    assert any(line.startswith(f"{path}: faults.1.latency.secs: Extra inputs") for line in lines)
    assert any(line.startswith(f"{path}: faults.1.latency.seconds: Field required") for line in lines)
