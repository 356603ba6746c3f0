"""Sessions that come and go leave nothing behind in the mock: no record per closed session, no garbage.

Session ids are issued in sequence (official connection page: ``POST /icws/connection`` answers each
new session with its ``ININ-ICWS-Session-ID``), so a closed one is told from one never issued without
keeping every closed id; only the ids of sessions that vanished (lost, a restart) are kept, to answer
401 rather than the 410 of a closed session (``icws-reference.md``: GET/DELETE connection
400/401/410/500; official connection page, 401 "missing, invalid, or has expired").
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
from mock_rig import EngineRig, IcwsClient, campaign, scenario

from botagent.mock.server import MockServer

KEPT_TYPES = ("ServerSession", "DialerAgent", "Dial", "LiveCall", "Timer", "Contact", "UserState")


def _connection_status(base_url: str, session_id: str) -> int:
    return httpx.get(f"{base_url}/icws/{session_id}/connection").status_code


def test_closed_sessions_answer_410_and_lost_ones_401_with_no_record_per_closed_session(
    fresh_mock: MockServer,
) -> None:
    """Official connection page: 60 sessions opened and closed answer 410 afterwards; sessions a restart
    made vanish answer 401, as do ids never issued; the engine remembers only the vanished ones."""
    closed = []
    lost_before = len(fresh_mock.engine._lost)  # the shared mock's earlier tests may have lost some
    with IcwsClient(fresh_mock.base_url) as agent:
        for _ in range(60):
            assert agent.connect().status_code == 201
            agent.ok("DELETE", "/connection")
            closed.append(agent.session_id)
        assert len(fresh_mock.engine._lost) == lost_before
        survivors = []
        for user in ("agent0002", "agent0003"):
            with IcwsClient(fresh_mock.base_url, user=user) as other:
                assert other.connect().status_code == 201
                survivors.append(other.session_id)
        assert httpx.post(f"{fresh_mock.base_url}/mock/restart").is_success
    assert {_connection_status(fresh_mock.base_url, s) for s in closed} == {410}
    assert {_connection_status(fresh_mock.base_url, s) for s in survivors} == {401}
    assert len(fresh_mock.engine._lost) == lost_before + len(survivors)
    never = [str(int(survivors[-1]) + 1), "0" + closed[0], "abc", "1"]
    assert {_connection_status(fresh_mock.base_url, s) for s in never} == {401}


@pytest.fixture
def collector_off() -> Iterator[None]:
    """The garbage collector off for the test (what a cycle would keep stays until collected)."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


def test_sessions_and_calls_that_end_free_their_objects_without_the_garbage_collector(
    collector_off: None,
) -> None:
    """R9, R10: 150 sessions that each take a call, disposition it, log off and close, plus some that
    expire idle, leave no session, agent, dial or timer for the garbage collector: none is in a cycle."""
    rig = EngineRig(
        scenario(campaign("Soak", "power", dial_delay=1.0, ring_delay=2.0), session_idle_expiry=30)
    )
    users = [f"t{n:02d}" for n in range(1, 6)]
    for _ in range(30):
        sessions = [rig.agent(user) for user in users]
        for session in sessions[:-1]:
            rig.pop(session)
            rig.disposition(session)
            rig.log_off(session)
            rig.messages(session)
            rig.engine.close_session(session, rig.now)
        rig.tick(31)
    del sessions, session
    gc.set_debug(gc.DEBUG_SAVEALL)
    gc.collect()
    garbage = Counter(type(o).__name__ for o in gc.garbage if type(o).__name__ in KEPT_TYPES)
    assert rig.engine.sessions_snapshot() == []
    assert len(rig.calls()) >= 120
    assert garbage == Counter()
