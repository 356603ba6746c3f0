"""A request whose bytes were written is never sent again by the transport; both transports, over loopback.

A dropped connection must reach the session as a failure its observer sees (and its ``RetryPolicy`` may
retry, counting an attempt), never be hidden by a silent re-send: the mock must count exactly the
attempts the client reported. Only an idle pooled connection the server has closed is replaced, before
anything is written on it. The mock drops a connection after reading the request and before handling it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from botagent.icws import GeventTransport, HttpxTransport, RequestRecord, RetryPolicy, Session, Transport
from botagent.mock.server import MockServer
from botagent.wire import Endpoint, IcwsError, IcwsTransportError

DROPPED = (Endpoint.SET_STATUS, Endpoint.POLL_MESSAGES)
RETRY = RetryPolicy(attempts=3, pause=0.0)
CALLS = 60


@pytest.fixture(params=["httpx", "gevent"])
def transport(request: pytest.FixtureRequest) -> Iterator[Transport]:
    made: Transport = HttpxTransport() if request.param == "httpx" else GeventTransport()
    yield made
    made.close()


def drop_connections(mock: MockServer, endpoints: tuple[str, ...], rate: float = 1.0) -> None:
    spec = {"kind": "drop_connection", "rate": rate, "endpoints": list(endpoints)}
    httpx.post(f"{mock.base_url}/mock/faults", json=spec).raise_for_status()


def server_counts(mock: MockServer, endpoint: str, at_least: int = 0) -> tuple[int, int]:
    """(requests received, connections dropped) for ``endpoint``, per ``/mock/timings``.

    The mock records a dropped request once the client has gone, so wait (bounded) for ``at_least``.
    """
    deadline = time.monotonic() + 2.0
    while True:
        timings = httpx.get(f"{mock.base_url}/mock/timings").json()["requests"]
        statuses = [t["status"] for t in timings if t["endpoint"] == endpoint]
        if len(statuses) >= at_least or time.monotonic() > deadline:
            return len(statuses), statuses.count(None)
        time.sleep(0.02)


def attempt_then_count(call: Any, raised: Counter[str], name: str) -> None:
    try:
        call()
    except IcwsError:
        raised[name] += 1


def check_sent_once(mock: MockServer, tally: dict[str, Counter[str]]) -> None:
    """Compare what the client reported (``tally``: attempts, failed, raised, calls) with the server."""
    for name in DROPPED:
        attempts, failed, raised = tally["attempts"][name], tally["failed"][name], tally["raised"][name]
        received, dropped = server_counts(mock, name, at_least=attempts)
        assert (received, dropped) == (attempts, failed), f"{name}: the server saw requests nobody reported"
        assert dropped > 0, f"{name}: the fault never fired"
        retried = attempts - tally["calls"][name]
        assert retried == failed - raised, f"{name}: a dropped attempt was neither retried nor raised"
    assert tally["attempts"][Endpoint.POLL_MESSAGES] == tally["calls"][Endpoint.POLL_MESSAGES]
    assert tally["raised"][Endpoint.POLL_MESSAGES] == tally["failed"][Endpoint.POLL_MESSAGES]


def tally_records(records: list[RequestRecord], raised: Counter[str], calls: int) -> dict[str, Counter[str]]:
    assert all(isinstance(r.error, IcwsTransportError) for r in records if r.status is None)
    return {
        "attempts": Counter(r.name for r in records),
        "failed": Counter(r.name for r in records if r.error is not None),
        "raised": raised,
        "calls": Counter(dict.fromkeys(DROPPED, calls)),
    }


def test_status_puts_and_polls_when_30_percent_of_connections_drop_reach_the_server_once_per_attempt(
    fresh_mock: MockServer, transport: Transport
) -> None:
    """A dropped PUT is a failure the observer sees, retried by RetryPolicy; a dropped poll is raised.

    Source: botagent's retry rules (``botagent/icws/_retry.py``): status calls are repeatable, message
    polls never are.
    """
    records: list[RequestRecord] = []
    session = Session(
        fresh_mock.base_url, user_id="agent0001", password="botagent", transport=transport,
        retry=RETRY, observer=records.append,
    )  # fmt: skip
    raised: Counter[str] = Counter()
    with session:
        drop_connections(fresh_mock, DROPPED, rate=0.3)
        for _ in range(CALLS):
            attempt_then_count(lambda: session.set_status("Available"), raised, Endpoint.SET_STATUS)
            attempt_then_count(session.poll_messages, raised, Endpoint.POLL_MESSAGES)

    check_sent_once(fresh_mock, tally_records(records, raised, CALLS))


def test_event_stream_open_when_connection_drops_is_sent_once_and_raises(
    fresh_mock: MockServer, transport: Transport
) -> None:
    """Source: ``botagent/icws/_retry.py``: the message reader reopens its stream itself, so nothing else may.

    The fault hits before the session is looked up, so no session is needed.
    """
    drop_connections(fresh_mock, (Endpoint.OPEN_EVENT_STREAM,))
    url = f"{fresh_mock.base_url}/icws/1/messaging/messages"
    with pytest.raises(IcwsTransportError), transport.stream("GET", url, {"Accept": "text/event-stream"}, 5):
        pass
    assert server_counts(fresh_mock, Endpoint.OPEN_EVENT_STREAM, at_least=1) == (1, 1)


def connect(transport: Transport, base_url: str) -> int:
    body = {
        "__type": "urn:inin.com:connection:icAuthConnectionRequestSettings",
        "applicationName": "botagent tests", "userID": "agent0001", "password": "botagent",
    }  # fmt: skip
    headers = {"Content-Type": "application/vnd.inin.icws+JSON", "Accept-Language": "en-US"}
    url = f"{base_url}/icws/connection"
    return transport.request("POST", url, headers, json.dumps(body).encode(), 5.0).status


def test_pooled_connection_when_server_closed_it_while_idle_is_replaced_and_the_post_succeeds(
    transport: Transport,
) -> None:
    """Stopping the server closes the idle keep-alive connection the transport pools; a new server on
    the same port then gets the next request, a POST, once, on a new connection."""
    with MockServer() as first:
        port = first.port
        assert connect(transport, first.base_url) == 201
    with MockServer(port=port) as second:
        assert connect(transport, second.base_url) == 201
        assert server_counts(second, Endpoint.CONNECT) == (1, 0)


# --- under gevent monkey-patching, as in a Locust process ---------------------------------------------

PATCHED_AGENTS = r"""
from gevent import monkey

monkey.patch_all()

import json
import sys
from collections import Counter

import gevent

from botagent.icws import GeventTransport, RetryPolicy, Session
from botagent.wire import Endpoint, IcwsError

base_url, agents, calls = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
records, raised = [], Counter()


def repeat(call, name):
    for _ in range(calls):
        try:
            call()
        except IcwsError:
            raised[name] += 1


def agent(number):
    session = Session(
        base_url, user_id=f"agent{number:04d}", password="botagent", transport=GeventTransport(),
        retry=RetryPolicy(attempts=3, pause=0.0), observer=records.append,
    )
    with session:
        # a reader and the agent share the session, so its pool holds two connections
        reader = gevent.spawn(repeat, session.poll_messages, Endpoint.POLL_MESSAGES)
        repeat(lambda: session.set_status("Available"), Endpoint.SET_STATUS)
        reader.join(timeout=30)


greenlets = [gevent.spawn(agent, n) for n in range(1, agents + 1)]
gevent.joinall(greenlets, timeout=60, raise_error=True)
assert all(g.successful() for g in greenlets), [g.exception for g in greenlets]
print(json.dumps({
    "records": [[r.name, r.status, type(r.error).__name__ if r.error else None] for r in records],
    "raised": raised,
}))
"""


def test_agents_when_gevent_patched_and_connections_drop_send_each_attempt_once(
    fresh_mock: MockServer,
) -> None:
    """The Locust case: several agents, each with a reader greenlet polling beside it."""
    agents, calls = 4, 25
    drop_connections(fresh_mock, DROPPED, rate=0.3)
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", PATCHED_AGENTS, fresh_mock.base_url, str(agents), str(calls)],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout)
    records = [
        RequestRecord(name, "", status, 0.0, 0, IcwsTransportError(kind) if kind else None)
        for name, status, kind in out["records"]
    ]
    assert {kind for _, status, kind in out["records"] if status is None} == {"IcwsTransportError"}
    check_sent_once(fresh_mock, tally_records(records, Counter(out["raised"]), agents * calls))


IDLE_CHECK = r"""
from gevent import monkey

monkey.patch_all()

import socket

from botagent.icws._transport import _is_idle_and_open

ours, theirs = socket.socketpair()
assert _is_idle_and_open(ours), "an idle open socket was taken for dead"
theirs.close()
assert not _is_idle_and_open(ours), "a socket closed by its peer was taken for open"
ours.close()
assert not _is_idle_and_open(ours), "a closed socket was taken for open"
"""


def test_idle_socket_check_when_gevent_patched_tells_open_from_closed_by_peer() -> None:
    subprocess.run([sys.executable, "-W", "error", "-c", IDLE_CHECK], check=True, timeout=60)
