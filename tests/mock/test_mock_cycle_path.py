"""The call cycle's short cuts give what the long way gave: a data pop written as a dict is the wire
model's JSON, settled calls written in one statement are the rows written one by one, a lone campaign
is chosen as ``choose`` would choose it, and bodies and content types are read as before."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from mock_rig import EngineRig, IcwsClient, campaign, scenario

from botagent.mock._allocation import choose
from botagent.mock._http import json_bytes
from botagent.mock._pops import pop_message
from botagent.mock._settled import SettledCalls
from botagent.mock._state import LiveCall
from botagent.mock.server import MockServer
from botagent.wire import DataPopCall, DataPopMessage, DialingMode, LedgerEntry


@pytest.fixture
def agent(fresh_mock: MockServer) -> Iterator[IcwsClient]:
    with IcwsClient(fresh_mock.base_url) as icws:
        yield icws


def _held(rig: EngineRig, user: str) -> LiveCall:
    dialer_agent = rig.engine._world.users[user].dialer_agent
    assert dialer_agent is not None and dialer_agent.call is not None
    return dialer_agent.call


def _power_rig(**extra: object) -> EngineRig:
    dispositions = [
        {"label": "Sale", "wrap_up_category": "Success", "wrap_up_code": "S1"},
        {"label": "Callback", "wrap_up_category": "Scheduled", "abandon": False},
        {"label": "Wrong number", "abandon": True},
    ]
    return EngineRig(scenario(campaign("Power", dispositions=dispositions, **extra)))


@pytest.mark.parametrize(
    "extra", [{}, {"auto_disconnect_on_disposition": False, "allow_agent_callbacks": True}]
)
def test_data_pop_message_when_written_as_a_dict_is_the_wire_models_json(extra: dict[str, object]) -> None:
    """A power call pops to its agent as a dataPopMessage (R5, R7): the dict written without models
    equals ``DataPopMessage(call=...).to_wire()``, key for key and byte for byte once encoded."""
    rig = _power_rig(**extra)
    session = rig.agent("a")
    popped = rig.wait_for(session, "dataPopMessage")
    call = _held(rig, "a")
    assert isinstance(call.wire, DataPopCall)
    wire = DataPopMessage(call=call.wire).to_wire()
    assert popped == wire == pop_message(call)
    assert json_bytes(popped) == json_bytes(wire)
    assert list(popped) == list(wire) and list(popped["call"]) == list(wire["call"])
    assert len(popped["call"]["dispositions"]) == 3


def test_data_pop_message_when_an_own_callback_pops_names_its_dialing_mode() -> None:
    """An agent-owned callback pops in dialing mode OwnAgentCallback (R25, R26), as the wire model says."""
    rig = _power_rig(allow_agent_callbacks=True)
    session = rig.agent("a")
    rig.pop(session)
    rig.disposition(session, "Callback", scheduled_time=int(rig.now) + 1, scheduled_agent="a")
    rig.status(session)
    found = None
    for _ in range(40):
        rig.tick(0.5)
        pops = [m for m in rig.messages(session) if m["__type"].endswith("dataPopMessage")]
        if pops and pops[-1]["call"]["dialingMode"] == DialingMode.OWN_AGENT_CALLBACK:
            found = pops[-1]
            break
        if pops:
            rig.disposition(session, "Sale")
            rig.status(session)
    assert found is not None
    assert found == DataPopMessage(call=_held(rig, "a").wire).to_wire()


def test_data_pop_message_when_its_attributes_change_later_stays_as_sent() -> None:
    """The message sent keeps its own attributes: a later change to the call's record (call data written
    back) does not reach a message already queued (R5)."""
    rig = _power_rig()
    session = rig.agent("a")
    rig.wait_for(session, "dataPopMessage")
    call = _held(rig, "a")
    message = pop_message(call)
    before = json_bytes(message)
    call.record.attributes["IS_ATTR_Note"] = "changed"
    call.campaign.dispositions_wire[0]["label"] = "changed"
    try:
        assert json_bytes(message) == before
    finally:
        call.campaign.dispositions_wire[0]["label"] = "Sale"


def test_data_pop_over_http_is_what_the_wire_model_sends(agent: IcwsClient) -> None:
    """Over HTTP the dataPopMessage (R5, R7) is its wire model's form: validating it and writing it back
    gives the same JSON."""
    agent.start_agent()
    message = agent.wait_for("dataPopMessage")
    assert DataPopMessage.model_validate(message).to_wire() == message


def _entry(number: int) -> LedgerEntry:
    return LedgerEntry(
        call_id=f"CALL-{number}",
        interaction_id=str(1_000_000 + number),
        campaign_id="c1",
        campaign_name="Power é",
        contact_id=str(number),
        kind="dataPop",
        dialing_mode=0,
        agent=f"agent{number:04d}" if number % 3 else None,
        state="dispositioned",
        popped_at=1_800_000_000.0 + number / 7,
        dispositioned_at=1_800_000_001.5e0 + number,
        label="Sale",
        attributes={"IS_ATTR_NumberToDial": f"555-{number}", "note": "ünïcode"},
    )


def _rows(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as db:
        return list(db.execute("SELECT * FROM calls ORDER BY seq"))


def test_settled_calls_when_written_in_one_statement_are_the_rows_written_one_by_one(tmp_path: Path) -> None:
    """The mock's ledger (its ground truth for R9): a sweep's entries written with one statement give
    the same rows, ``seq`` and file text as writing them one by one, and the cursor pages them alike."""
    one, batch = SettledCalls(tmp_path / "one.sqlite"), SettledCalls(tmp_path / "batch.sqlite")
    entries = [(10 + n, _entry(n)) for n in range(7)]
    for created, entry in entries:
        one.add(created, entry)
    batch.add_all(entries[:4])
    batch.add_all(entries[4:])
    assert one.count == batch.count == 7
    assert one.page(2, 3) == batch.page(2, 3)
    assert [seq for seq, _ in enumerate(batch.page(0, 10), 1)] == [e["seq"] for e in batch.page(0, 10)]
    found_one, found_batch = one.find("CALL-5"), batch.find("CALL-5")
    assert found_one is not None and found_batch is not None
    assert found_batch.to_wire() == found_one.to_wire() == entries[5][1].to_wire()
    one.close()
    batch.close()
    assert _rows(tmp_path / "one.sqlite") == _rows(tmp_path / "batch.sqlite")


def test_allocation_when_the_agent_is_idle_in_one_campaign_picks_as_choose_does() -> None:
    """Allocation (R3, R5: a free agent is idle in the campaigns it is ready for and gets their
    calls): a single campaign is chosen as ``choose`` chooses it, while it has work and once it has none."""
    rig = EngineRig(scenario(campaign("Only", dial_delay=60, contacts={"count": 2, "recycle": False})))
    session = rig.agent("a")
    pacer = rig.engine._dialer.pacer
    agent = session.agent
    user_id = agent.user.user_id

    def chosen_by_choose() -> object:
        candidates = (c for c in agent.idle_in if pacer._has_work_for(c, user_id))
        return choose(candidates, lambda c: c.share, lambda c: c.stream(user_id).turn)

    reserved = agent.reservation
    assert reserved is not None
    pacer.release(agent)  # free again and idle in the one campaign, one contact left
    assert len(agent.idle_in) == 1
    assert pacer._choose_for(agent) is chosen_by_choose() is reserved.campaign
    campaign_state = reserved.campaign
    campaign_state.status = type(campaign_state.status).OFF  # not running: no work
    assert pacer._choose_for(agent) is chosen_by_choose() is None


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/vnd.inin.icws+JSON", "Application/JSON; charset=utf-8", None],
)
def test_status_body_when_its_media_type_is_json_in_any_spelling_is_accepted(
    agent: IcwsClient, content_type: str | None
) -> None:
    """PUT user-statuses takes a JSON body (official page S/status/user-statuses/(userId)/index.htm)
    whatever the media type's letter case or parameters, or with none."""
    assert agent.connect().status_code == 201
    headers = {} if content_type is None else {"Content-Type": content_type}
    raw = json.dumps({"statusId": "Available"}).encode()
    response = agent.call("PUT", f"/status/user-statuses/{agent.user}", content=raw, headers=headers)
    assert response.status_code == 202, response.text


def test_status_body_when_over_the_limit_in_one_piece_is_413(
    fresh_mock: MockServer, agent: IcwsClient
) -> None:
    """A body over ``max_body_bytes`` sent whole, without a length, is refused 413 (official page
    S/status/user-statuses/(userId)/index.htm lists 4xx errors with an ICWS error body)."""
    assert agent.connect().status_code == 201
    limit = fresh_mock.app.state.runtime.engine.scenario.max_body_bytes
    body = json.dumps({"statusId": "Available", "pad": "x" * limit}).encode()

    def whole() -> Iterator[bytes]:
        yield body

    response = agent.call("PUT", f"/status/user-statuses/{agent.user}", content=whole())
    assert response.status_code == 413
    assert response.json()["errorId"] == "error.request.entityTooLarge"
