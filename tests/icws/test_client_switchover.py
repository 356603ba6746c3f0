"""The session follows a switchover pair: over real HTTP on loopback against the mock run as a pair.

Sources: seed reference 1.1 (``POST /icws/connection`` answers 503 with ``alternateHostList``, and the
connection response lists ``alternateHostList``); the official switchover-status page,
https://help.genesys.com/developer/cic/docs/icws/webhelp/icws/(sessionId)/connection/switchover-status/index.htm
(``primaryHost`` and ``backupHost`` are host names). How an entry becomes a URL is not on a page read:
a bare host keeps the base URL's scheme, port and path prefix, a ``host:port`` its scheme and prefix.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from botagent.icws import RequestRecord, RetryPolicy, Session, SessionState
from botagent.icws._alternates import alternate_url
from botagent.mock._switchover import SwitchoverPair
from botagent.mock.server import MockServer
from botagent.wire import ServiceUnavailable
from tests.conftest import FAST_SCENARIO


@pytest.fixture
def pair() -> Iterator[MockServer]:
    with MockServer(FAST_SCENARIO, pair=True) as server:
        yield server


def test_open_when_the_backup_answers_503_follows_alternate_host_list(pair: MockServer) -> None:
    """Seed reference 1.1: 503 with ``alternateHostList``; the session connects to the host listed,
    once (no retry of the same host), and keeps it for its later requests."""
    records: list[RequestRecord] = []
    retry = RetryPolicy(attempts=3)
    session = Session(
        pair.backup_url, user_id="agent0001", password="botagent", observer=records.append, retry=retry
    )
    with session:
        assert session.base_url == pair.base_url
        session.acquire_licenses(["I3_ACCESS_CLIENT", "I3_ACCESS_DIALER_ADDON"])
        session.dialer_log_in()
    assert [(r.name, r.status) for r in records[:2]] == [("POST /connection", 503), ("POST /connection", 201)]
    assert all(r.status is not None and r.status < 300 for r in records[1:])


def test_open_when_a_switchover_happened_reaches_the_new_primary(pair: MockServer) -> None:
    """Feature request (switchover): after a switchover the old primary answers 503 naming the new one;
    a session opened on the old address ends up on the new primary."""
    httpx.post(f"{pair.base_url}/mock/switchover", timeout=5).raise_for_status()
    with Session(pair.base_url, user_id="agent0001", password="botagent") as session:
        assert session.base_url == pair.backup_url
        assert session.connection_state().connection_state == 1


def test_open_when_the_server_gives_no_answer_tries_the_alternate_hosts(pair: MockServer) -> None:
    """A server that is down answers nothing; the session tries the alternates it was given (an earlier
    connection response's ``alternateHostList``, seed reference 1.1)."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{closed.getsockname()[1]}"
    primary = pair.base_url.removeprefix("http://")
    with Session(dead, user_id="agent0001", password="botagent", alternate_hosts=[primary]) as session:
        assert session.base_url == pair.base_url


def test_open_when_the_503_names_only_hosts_tried_raises_it(pair: MockServer) -> None:
    """Bounded: a 503 whose ``alternateHostList`` names only hosts already tried is raised, not followed
    round in a circle (here the backup names itself)."""
    backup = pair.backup_url.removeprefix("http://")
    pair.runtime.pair = SwitchoverPair((backup, backup))
    session = Session(pair.backup_url, user_id="agent0001", password="botagent")
    with pytest.raises(ServiceUnavailable) as caught:
        session.open()
    session.close()
    assert caught.value.alternate_hosts == (backup,)


@pytest.mark.parametrize(
    ("base", "host", "expected"),
    [
        ("https://cic1.example.com:8019", "cic2.example.com", "https://cic2.example.com:8019"),
        ("https://gw.example.com/api/cic1", "cic2:8443", "https://cic2:8443/api/cic1"),
        ("http://127.0.0.1:8018", "127.0.0.1:9000", "http://127.0.0.1:9000"),
        ("https://cic1:8019", "https://cic2:9019/", "https://cic2:9019"),
        ("https://cic1:8019", "fe80::1", "https://[fe80::1]:8019"),
        ("https://cic1:8019", " ", None),
    ],
)
def test_alternate_url_when_given_an_entry_keeps_what_the_entry_leaves_out(
    base: str, host: str, expected: str | None
) -> None:
    """An ``alternateHostList`` entry (seed reference 1.1) replaces only what it names of the base URL."""
    assert alternate_url(base, host) == expected


def test_switchover_status_when_asked_of_a_pair_names_primary_and_backup(pair: MockServer) -> None:
    """Official switchover-status page: ``isSwitchoverActive`` (a pair), ``primaryHost``, ``backupHost``."""
    with Session(pair.base_url, user_id="agent0001", password="botagent") as session:
        status = session.switchover_status()
    assert status.is_switchover_active
    assert (status.primary_host, status.backup_host) == (
        pair.base_url.removeprefix("http://"),
        pair.backup_url.removeprefix("http://"),
    )


def test_abandon_when_the_switchover_ended_the_session_sends_nothing(pair: MockServer) -> None:
    """Sessions on the failed server end (feature request: switchover); abandoning one closes it on the
    client side without the DELETE the server would answer with 401."""
    records: list[RequestRecord] = []
    session = Session(pair.base_url, user_id="agent0001", password="botagent", observer=records.append)
    session.open()
    httpx.post(f"{pair.base_url}/mock/switchover", timeout=5).raise_for_status()
    session.abandon()
    assert session.state is SessionState.CLOSED
    assert [r.name for r in records] == ["POST /connection"]
