"""The run reads the mock's ledger by cursor as it goes and ends with the same reconciliation as a read
of the whole ledger at the end (R9: every popped call is dispositioned once; the bots' label must be
the ledger's)."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
from locust_rig import closed_port_url, run_in_locust_process

from botagent.mock.server import MockServer

_ICWS_JSON = "application/vnd.inin.icws+json"


class _Agent:
    """Just enough of an ICWS agent over HTTP: log in, take calls, disposition them."""

    def __init__(self, base_url: str, user: str = "agent0001") -> None:
        self.http = httpx.Client(base_url=base_url, timeout=5.0)
        body = {
            "__type": "urn:inin.com:connection:icAuthConnectionRequestSettings",
            "applicationName": "botagent tests",
            "userID": user,
            "password": "botagent",
        }
        answer = self.http.post("/icws/connection", json=body, headers={"Accept-Language": "en-us"})
        assert answer.status_code == 201, answer.text
        self.prefix = f"/icws/{answer.headers['ININ-ICWS-Session-ID']}"
        self.csrf = answer.headers["ININ-ICWS-CSRF-Token"]
        self.user = user
        self.post("/licenses", {"licenseList": ["I3_ACCESS_CLIENT", "I3_ACCESS_DIALER_ADDON"]})
        self.post("/dialer/log-in", {})
        self.post("/dialer/ready-for-calls", {})
        self.available()

    def post(self, path: str, body: Any, method: str = "POST") -> None:
        headers = {"ININ-ICWS-CSRF-Token": self.csrf, "Content-Type": _ICWS_JSON}
        answer = self.http.request(method, self.prefix + path, content=json.dumps(body), headers=headers)
        assert answer.is_success, (path, answer.status_code, answer.text)

    def available(self) -> None:
        self.post(f"/status/user-statuses/{self.user}", {"statusId": "Available"}, "PUT")

    def pop(self) -> dict[str, Any]:
        deadline = time.monotonic() + 10.0
        while time.monotonic() < deadline:
            for message in self.http.get(f"{self.prefix}/messaging/messages").json():
                if message["__type"].endswith("dataPopMessage"):
                    call: dict[str, Any] = message["call"]
                    return call
            time.sleep(0.01)
        raise AssertionError("no call popped within 10 s")

    def finish(self, call: dict[str, Any]) -> str:
        if call["__type"].endswith("previewPop"):
            self.post("/dialer/place-preview-call", {})
        label: str = call["dispositions"][0]["label"]
        self.post("/dialer/disposition", {"label": label})
        self.available()
        return label


_COMPARE = """
import dataclasses, json, sys
from botagent.agent import CallOutcome, FinishedCall
from botagent.locust._follow import read_new_entries, reconcile_the_rest
from botagent.locust._ledger import read_ledger
from botagent.report import RunningReconciliation, reconcile, reconcile_acd
target, done = sys.argv[1], json.loads(sys.argv[2])
calls = [
    FinishedCall(interaction_id=i, campaign_id=c, label=l, scheduled_time=None, scheduled_agent=None,
                 outcome=CallOutcome.DISPOSITIONED)
    for i, c, l in done
]
running = RunningReconciliation({"agent0001"}, since=0.0)
for call in calls[:2]:
    running.add_call(call)
first = read_new_entries(target, running, timeout=10)
for call in calls[2:]:
    running.add_call(call)
following = reconcile_the_rest(target, running, 0)
again = reconcile_the_rest(target, running, 0)
batch = reconcile_acd(reconcile(calls, read_ledger(target), agents={"agent0001"}, since=0.0), [], 0)
absent = reconcile_the_rest(sys.argv[3], RunningReconciliation(), 0)
from botagent.locust import _follow, _ledger
_follow.PARSE_SLICE = _ledger.PARSE_SLICE = 1
pauses = []
sliced = RunningReconciliation({"agent0001"}, since=0.0)
for call in calls[:2]:
    sliced.add_call(call)
read = read_new_entries(target, sliced, timeout=10, limit=2, rest=False, pause=lambda: pauses.append(1))
for call in calls[2:]:
    sliced.add_call(call)
import gevent
calls_to_pause = []
def killed_in_second_pause():
    calls_to_pause.append(1)
    if len(calls_to_pause) == 2:
        raise gevent.GreenletExit
killed = RunningReconciliation({"agent0001"}, since=0.0)
try:
    read_new_entries(target, killed, timeout=10, limit=2, rest=False, pause=killed_in_second_pause)
except gevent.GreenletExit:
    pass
print(json.dumps({
    "killed": [killed.cursor, killed.ledger_popped],
    "sliced": dataclasses.asdict(reconcile_the_rest(target, sliced, 0)),
    "sliced_read": read is not None and (sliced.cursor, read.open, read.acd), "pauses": len(pauses),
    "read": first is not None and running.cursor,
    "following": dataclasses.asdict(following), "again": dataclasses.asdict(again),
    "batch": dataclasses.asdict(batch), "absent": absent,
}))
"""


def test_following_the_ledger_by_cursor_reconciles_as_reading_it_all_at_the_end(
    fresh_mock: MockServer,
) -> None:
    """R9: three calls dispositioned (one with a label the ledger does not have) and one still held:
    read by cursor as the run goes, the reconciliation equals the one of the whole ledger."""
    agent = _Agent(fresh_mock.base_url)
    done = []
    for _ in range(3):
        call = agent.pop()
        done.append([call["interactionId"], call["campaignId"], agent.finish(call)])
    agent.pop()  # held at the end: popped, never dispositioned
    agent.http.close()
    done[1][2] = "Not the ledger's label"
    code = _COMPARE + "\n"
    args = [fresh_mock.base_url, json.dumps(done), closed_port_url()]
    result = run_in_locust_process(f"import sys; sys.argv = ['-', *{args!r}]\n" + code)
    found = json.loads(result.stdout)
    assert found["read"] == 3
    assert found["following"] == found["batch"] == found["again"]
    assert found["batch"]["ledger_popped"] == 4 and len(found["batch"]["lost"]) == 1
    assert len(found["batch"]["mismatched"]) == 1 and done[1][0] in found["batch"]["mismatched"][0]
    assert found["absent"] is None


def test_following_the_ledger_in_small_slices_that_yield_gives_the_same_reconciliation(
    fresh_mock: MockServer,
) -> None:
    """R9: read two entries a page, pausing between slices and without the open entries, the run's
    reconciliation is the same as reading the whole ledger at once; a reader killed in a pause between
    two slices has added the whole page and moved its cursor past it."""
    agent = _Agent(fresh_mock.base_url)
    done = []
    for _ in range(3):
        call = agent.pop()
        done.append([call["interactionId"], call["campaignId"], agent.finish(call)])
    agent.pop()
    agent.http.close()
    done[1][2] = "Not the ledger's label"
    args = [fresh_mock.base_url, json.dumps(done), closed_port_url()]
    result = run_in_locust_process(f"import sys; sys.argv = ['-', *{args!r}]\n" + _COMPARE + "\n")
    found = json.loads(result.stdout)
    assert found["sliced_read"] == [3, [], []]
    assert found["pauses"] == 2
    assert found["sliced"] == found["batch"]
    assert found["batch"]["ledger_popped"] == 4 and len(found["batch"]["mismatched"]) == 1
    assert found["killed"] == [2, 2], "a kill between two slices left a page half added"
