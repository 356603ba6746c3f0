"""Under gevent monkey-patching, as in a Locust process: one reader greenlet per agent, many agents at once.

The patched process is a child; the mock runs in this (unpatched) test process.
"""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from botagent.mock.server import MockServer

pytestmark = pytest.mark.slow

CHILD = r"""
from gevent import monkey

monkey.patch_all()

import sys

import gevent
import gevent.queue

from botagent.wire import DataPopMessage, IcwsError, LogoutGrantedMessage, PreviewPopCall
from botagent.icws import GeventTransport, PollingSource, Session, SseSource

base_url, source_kind, agents = sys.argv[1], sys.argv[2], int(sys.argv[3])
names = []


def read_into(source, inbox):
    while not source.closed:
        try:
            for message in source.next_batch():
                inbox.put(message)
        except (IcwsError, RuntimeError) as exc:
            inbox.put(exc)
            return


def wait_for(inbox, wanted):
    while True:
        message = inbox.get(timeout=10)
        if isinstance(message, BaseException):
            raise message
        if wanted(message):
            return message


def finish(session, inbox, pop):
    call = pop.call
    if isinstance(call, PreviewPopCall) and not call.call_placed:
        session.place_preview_call()
        wait_for(inbox, lambda m: isinstance(m, DataPopMessage) and getattr(m.call, "call_placed", False))
    session.disposition(call.labels[0])


def agent(number):
    session = Session(
        base_url, user_id=f"agent{number:04d}", password="botagent", transport=GeventTransport(),
        observer=lambda record: names.append(record.name),
    )
    session.open()
    session.acquire_licenses(["I3_ACCESS_CLIENT", "I3_ACCESS_DIALER_ADDON"])
    source = SseSource(session) if source_kind == "sse" else PollingSource(session, 0.05)
    inbox = gevent.queue.Queue()
    reader = gevent.spawn(read_into, source, inbox)
    session.dialer_log_in()
    session.ready_for_calls()
    session.set_status("Available")
    finish(session, inbox, wait_for(inbox, lambda m: isinstance(m, DataPopMessage)))
    session.set_status("Available")
    session.dialer_log_off()
    while True:
        message = wait_for(inbox, lambda m: isinstance(m, (DataPopMessage, LogoutGrantedMessage)))
        if isinstance(message, LogoutGrantedMessage):
            break
        finish(session, inbox, message)
    source.close()
    reader.join(timeout=5)
    assert reader.dead, "the reader did not stop"
    session.close()


greenlets = [gevent.spawn(agent, n) for n in range(1, agents + 1)]
gevent.joinall(greenlets, timeout=30, raise_error=True)
assert all(g.successful() for g in greenlets), [g.exception for g in greenlets]
print(len(names), sorted(set(names)))
"""


@pytest.mark.parametrize("source_kind", ["poll", "sse"])
def test_agents_when_process_is_gevent_patched_finish_their_flow_concurrently(
    fresh_mock: MockServer, source_kind: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", CHILD, fresh_mock.base_url, source_kind, "10"],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    count, _, names = result.stdout.strip().partition(" ")
    assert int(count) >= 10 * 8
    assert "POST /dialer/disposition" in names
    assert ("GET /messaging/messages (sse)" in names) is (source_kind == "sse")
    calls = [c for c in httpx.get(f"{fresh_mock.base_url}/mock/ledger").json()["calls"] if c["poppedAt"]]
    assert len({c["agent"] for c in calls}) == 10, calls
    assert all(c["state"] == "dispositioned" and c["dispositionCount"] == 1 for c in calls)
