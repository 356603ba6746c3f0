"""The mock keeps settled ledger entries out of memory: cursor paging, the SQLite file, bounded memory.

The ledger is the mock's own ground truth (``/mock/ledger``), not an ICWS page; the call flows it
records follow R9 (a disposition ends the call) and R23 (a disposition is refused without a call).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from mock_rig import EngineRig, IcwsClient, VirtualTeam, campaign, scenario

from botagent.mock._interactions import ENDED_KEPT
from botagent.mock.server import MockServer


@pytest.fixture
def agent(fresh_mock: MockServer) -> Iterator[IcwsClient]:
    with IcwsClient(fresh_mock.base_url) as icws:
        yield icws


def _work(agent: IcwsClient, calls: int) -> list[str]:
    """Take and disposition ``calls`` calls; return their interaction ids."""
    done = []
    for _ in range(calls):
        call = agent.wait_for("dataPopMessage")["call"]
        if call["__type"].endswith("previewPop"):
            agent.ok("POST", "/dialer/place-preview-call", {})
        agent.ok("POST", "/dialer/disposition", {"label": call["dispositions"][0]["label"]})
        agent.set_status("Available")
        done.append(call["interactionId"])
    return done


def _pages(base_url: str, limit: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every settled entry, page by page; and the last page."""
    entries: list[dict[str, Any]] = []
    after = 0
    for _ in range(100):
        page = httpx.get(f"{base_url}/mock/ledger", params={"after": after, "limit": limit}).json()
        entries += page["calls"]
        assert page["next"] >= after
        after = page["next"]
        if not page["more"]:
            return entries, page
    raise AssertionError("paging did not end")


def test_ledger_pages_settled_calls_by_cursor_and_lists_open_ones(
    fresh_mock: MockServer, agent: IcwsClient
) -> None:
    """R9: a dispositioned call is settled and served once by cursor; the call the agent holds is open."""
    agent.start_agent()
    done = _work(agent, 3)
    held = agent.wait_for("dataPopMessage")["call"]["interactionId"]
    entries, last = _pages(fresh_mock.base_url, limit=2)
    assert sorted(e["interactionId"] for e in entries) == sorted(done)
    assert [e["seq"] for e in entries] == [1, 2, 3]
    assert all(e["dispositionCount"] == 1 and e["state"] == "dispositioned" for e in entries)
    assert [e["interactionId"] for e in last["open"]] == [held]
    assert set(last) >= {"acd", "acdRefused", "campaigns"}
    again = httpx.get(f"{fresh_mock.base_url}/mock/ledger", params={"after": last["next"]}).json()
    assert (again["calls"], again["more"], again["next"]) == ([], False, last["next"])
    unpaged = httpx.get(f"{fresh_mock.base_url}/mock/ledger").json()
    assert [c["interactionId"] for c in unpaged["calls"]] == [*done, held]
    assert "next" not in unpaged and "seq" not in unpaged["calls"][0]


def test_ledger_page_with_calls_only_leaves_out_the_open_calls_and_counters(
    fresh_mock: MockServer, agent: IcwsClient
) -> None:
    """R9: ``calls_only=1`` pages the same settled calls, without the open ones, ACD entries or
    campaign counters."""
    agent.start_agent()
    done = _work(agent, 2)
    agent.wait_for("dataPopMessage")
    url = f"{fresh_mock.base_url}/mock/ledger"
    full = httpx.get(url, params={"after": 0, "limit": 10}).json()
    page = httpx.get(url, params={"after": 0, "limit": 10, "calls_only": 1}).json()
    assert set(page) == {"calls", "next", "more"}
    assert page["calls"] == full["calls"] and page["next"] == full["next"] == 2
    assert sorted(c["interactionId"] for c in page["calls"]) == sorted(done)
    assert len(full["open"]) == 1
    bad = httpx.get(url, params={"after": 0, "calls_only": 2})
    assert bad.status_code == 400 and "calls_only" in bad.text


def test_ledger_page_refuses_a_bad_cursor_or_limit_naming_it(fresh_mock: MockServer) -> None:
    """A cursor or limit that is not a whole number in range is a 400 naming the parameter."""
    for params, name in (({"after": "-1"}, "after"), ({"limit": "0"}, "limit"), ({"limit": "x"}, "limit")):
        response = httpx.get(f"{fresh_mock.base_url}/mock/ledger", params=params)
        assert response.status_code == 400, params
        assert name in response.json()["message"]
    assert httpx.get(f"{fresh_mock.base_url}/mock/ledger", params={"limit": "10001"}).status_code == 400


def test_ledger_file_holds_every_settled_call_readable_with_sqlite(
    fresh_mock: MockServer, tmp_path: Path
) -> None:
    """R9: every dispositioned call is in the ``--ledger`` file after the run, queryable by column, and
    the interaction, campaign and agent columns through their indexes."""
    path = tmp_path / "ledger.sqlite"
    path.write_text("an older run")
    with MockServer(fresh_mock.engine.scenario, ledger_file=path) as mock, IcwsClient(mock.base_url) as agent:
        agent.start_agent()
        done = _work(agent, 4)
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT seq, interaction_id, agent, campaign, state, entry FROM calls").fetchall()
    assert sorted(row[1] for row in rows) == sorted(done)
    assert {(row[2], row[4]) for row in rows} == {("agent0001", "dispositioned")}
    assert all(row[3] and json.loads(row[5])["interactionId"] == row[1] for row in rows)
    with sqlite3.connect(path) as db:
        for column in ("interaction_id", "campaign", "agent"):
            plan = db.execute(f"EXPLAIN QUERY PLAN SELECT seq FROM calls WHERE {column} = 'x'").fetchall()
            assert f"INDEX calls_{column.removesuffix('_id')}" in str(plan), (column, plan)


def test_engine_keeps_in_memory_only_open_calls_however_many_calls_there_are() -> None:
    """R9: memory holds the open calls and each user's latest ended interactions (bounded by the
    agents), not the settled ones (growing with time); the unpaged ledger still lists every call."""
    rig = EngineRig(scenario(campaign("Soak", "power", dial_delay=1.0, ring_delay=2.0)))
    agents = [f"t{n:02d}" for n in range(1, 11)]
    team = VirtualTeam(rig, agents, handle=15.0)
    most_open = most_interactions = 0

    def watch() -> None:
        nonlocal most_open, most_interactions
        most_open = max(most_open, len(rig.engine._world.ledger.by_call_id))
        most_interactions = max(most_interactions, len(rig.engine._interactions._by_id))

    team.run(3 * 3600.0, on_step=watch)
    created = rig.engine._world.ledger.created
    assert created > 100 * len(agents)
    assert most_open <= 3 * len(agents)
    assert most_interactions <= (ENDED_KEPT + 1) * len(agents)
    calls = rig.calls()
    assert len(calls) == created
    assert sum(1 for c in calls if c["dispositionCount"] == 1) >= created - len(agents)


def test_cli_mock_with_a_ledger_file_it_cannot_create_says_so_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A ``--ledger`` file in a missing folder is bad input: one line naming the option, exit 2."""
    from botagent.__main__ import main

    code = main(["mock", "--port", "0", "--ledger", str(tmp_path / "missing" / "ledger.sqlite")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("--ledger: ledger file ") and err.count("\n") == 1


@pytest.mark.slow
def test_mock_process_with_a_ledger_file_leaves_it_complete_when_stopped(tmp_path: Path) -> None:
    """R9: ``botagent mock --ledger FILE`` (what a profile's ``mock.ledger_file`` starts) writes every
    dispositioned call to the file, complete once the mock has stopped."""
    from botagent.mock import MockProcess

    path = tmp_path / "ledger.sqlite"
    mock = MockProcess(ledger_file=path)
    try:
        with IcwsClient(mock.base_url) as agent:
            agent.start_agent()
            call = agent.wait_for("dataPopMessage", timeout=30.0)["call"]
            if call["__type"].endswith("previewPop"):
                agent.ok("POST", "/dialer/place-preview-call", {})
            agent.ok("POST", "/dialer/disposition", {"label": call["dispositions"][0]["label"]})
    finally:
        mock.stop()
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT interaction_id, state FROM calls").fetchall()
    assert (call["interactionId"], "dispositioned") in rows
