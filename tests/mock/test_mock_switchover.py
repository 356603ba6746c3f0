"""The mock as a switchover pair: two listeners over one engine, over real HTTP on loopback.

Sources: seed reference 1.1 (``POST /icws/connection`` answers 503 with ``alternateHostList``; the
connection response lists ``alternateHostList``) and the official switchover-status page,
https://help.genesys.com/developer/cic/docs/icws/webhelp/icws/(sessionId)/connection/switchover-status/index.htm
(``isSwitchoverActive`` "configured as a switchover pair", ``primaryHost`` the current primary,
``backupHost`` the current backup).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from botagent.icws import Session
from botagent.mock.server import MockServer
from botagent.wire import DataPopMessage, SessionExpired
from tests.conftest import FAST_SCENARIO

CONNECT_BODY = {
    "__type": "urn:inin.com:connection:icAuthConnectionRequestSettings",
    "applicationName": "pair-test",
    "userID": "agent0001",
    "password": "botagent",
}


@pytest.fixture
def pair() -> Iterator[MockServer]:
    with MockServer(FAST_SCENARIO, pair=True) as server:
        yield server


def _host(url: str) -> str:
    return url.removeprefix("http://")


def _connect(base_url: str) -> httpx.Response:
    return httpx.post(
        f"{base_url}/icws/connection", json=CONNECT_BODY, headers={"Accept-Language": "en-us"}, timeout=5
    )


def _session_get(base_url: str, created: httpx.Response, path: str) -> httpx.Response:
    sid = created.headers["ININ-ICWS-Session-ID"]
    headers = {"ININ-ICWS-CSRF-Token": created.headers["ININ-ICWS-CSRF-Token"]}
    cookies = {f"icws_{sid}": created.cookies[f"icws_{sid}"]}
    return httpx.get(f"{base_url}/icws/{sid}{path}", headers=headers, cookies=cookies, timeout=5)


def _switch(pair: MockServer) -> dict[str, Any]:
    answer = httpx.post(f"{pair.base_url}/mock/switchover", timeout=5)
    assert answer.status_code == 200
    body: dict[str, Any] = answer.json()
    return body


def test_connection_when_sent_to_the_backup_answers_503_naming_the_primary(pair: MockServer) -> None:
    """Seed reference 1.1: a server that cannot take the connection answers 503 with
    ``alternateHostList``; the backup of a pair names the primary."""
    answer = _connect(pair.backup_url)
    assert answer.status_code == 503
    assert answer.json()["alternateHostList"] == [_host(pair.base_url)]
    assert answer.json()["message"]


def test_connection_when_sent_to_the_primary_lists_the_backup_as_alternate(pair: MockServer) -> None:
    """Seed reference 1.1: the connection response's ``alternateHostList`` names the pair's other server."""
    answer = _connect(pair.base_url)
    assert answer.status_code == 201
    assert answer.json()["alternateHostList"] == [_host(pair.backup_url)]


def test_switchover_status_when_a_pair_reports_primary_and_backup(pair: MockServer) -> None:
    """Official switchover-status page: ``isSwitchoverActive`` true for a pair, ``primaryHost`` the
    current primary and ``backupHost`` the current backup, before and after a switchover."""
    body = _session_get(pair.base_url, _connect(pair.base_url), "/connection/switchover-status").json()
    assert body == {
        "isSwitchoverActive": True,
        "primaryHost": _host(pair.base_url),
        "backupHost": _host(pair.backup_url),
    }
    _switch(pair)
    after = _session_get(pair.backup_url, _connect(pair.backup_url), "/connection/switchover-status").json()
    assert after["primaryHost"] == _host(pair.backup_url)
    assert after["backupHost"] == _host(pair.base_url)


def test_switchover_when_asked_ends_sessions_and_swaps_which_listener_refuses(pair: MockServer) -> None:
    """Feature request (switchover): sessions on the failed server end, and it answers the connection
    request with 503 and the new primary in ``alternateHostList`` (seed reference 1.1)."""
    created = _connect(pair.base_url)
    body = _switch(pair)
    assert body["sessionsEnded"] == 1
    assert body["primaryHost"] == _host(pair.backup_url)
    assert _session_get(pair.base_url, created, "/connection").status_code == 401
    refused = _connect(pair.base_url)
    assert refused.status_code == 503
    assert refused.json()["alternateHostList"] == [_host(pair.backup_url)]
    assert _connect(pair.backup_url).status_code == 201


def test_switchover_when_a_call_is_held_keeps_the_ledger_and_orphans_the_call(pair: MockServer) -> None:
    """Feature request (switchover): Dialer state (campaigns, ledger) carries over; the call of a session
    the switchover ended stays in the ledger as orphaned by "switchover", as a restart's does."""
    session = Session(pair.base_url, user_id="agent0001", password="botagent")
    session.open()
    session.acquire_licenses(["I3_ACCESS_CLIENT", "I3_ACCESS_DIALER_ADDON"])
    session.dialer_log_in()
    session.ready_for_calls()
    session.set_status("Available")
    pop = _first_pop(session)
    _switch(pair)
    with pytest.raises(SessionExpired):
        session.close()
    ledger = httpx.get(f"{pair.backup_url}/mock/ledger", timeout=5).json()
    (call,) = [c for c in ledger["calls"] if c["interactionId"] == pop]
    assert (call["state"], call["orphanReason"]) == ("orphaned", "switchover")
    assert ledger["campaigns"]


def _first_pop(session: Session) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for message in session.poll_messages():
            if isinstance(message, DataPopMessage):
                return message.call.interaction_id
        time.sleep(0.05)
    raise AssertionError("no pop within 10 s")


def test_session_request_when_sent_to_the_backup_answers_401(pair: MockServer) -> None:
    """The backup holds no sessions: a session id it never issued gets 401 (official conventions: "The
    specified session token is missing, invalid, or has expired")."""
    created = _connect(pair.base_url)
    assert _session_get(pair.backup_url, created, "/connection").status_code == 401
    assert _session_get(pair.base_url, created, "/connection").status_code == 200


def test_switchover_when_not_a_pair_answers_409(fresh_mock: MockServer) -> None:
    """A stand-alone mock has no backup to switch to; ``GET /mock/switchover`` says it is no pair."""
    assert httpx.post(f"{fresh_mock.base_url}/mock/switchover", timeout=5).status_code == 409
    assert httpx.get(f"{fresh_mock.base_url}/mock/switchover", timeout=5).json() == {"pair": False}


@pytest.mark.slow
def test_cli_mock_when_started_with_pair_serves_primary_and_backup(tmp_path: Path) -> None:
    """``botagent mock --pair`` prints the backup, then the usual ready line naming the primary; the
    backup answers the connection request with 503 naming the primary (seed reference 1.1)."""
    stdout = tmp_path / "stdout.txt"
    command = [sys.executable, "-m", "botagent", "mock", "--port", "0", "--pair"]
    with stdout.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL)
        try:
            primary, backup = _pair_urls(stdout, process)
            refused = _connect(backup)
            assert refused.status_code == 503
            assert refused.json()["alternateHostList"] == [_host(primary)]
            assert _connect(primary).status_code == 201
        finally:
            process.terminate()
            process.wait(10)


def _pair_urls(stdout: Path, process: subprocess.Popen[bytes]) -> tuple[str, str]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        text = stdout.read_text()
        primary = re.search(r"botagent mock listening on (http://127\.0\.0\.1:\d+)", text)
        backup = re.search(r"botagent mock backup on (http://127\.0\.0\.1:\d+)", text)
        if primary and backup:
            return primary.group(1), backup.group(1)
        assert process.poll() is None, "the mock exited early"
        time.sleep(0.05)
    raise AssertionError("no ready lines")
