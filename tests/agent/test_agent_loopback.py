"""The agent with a real ICWS session against the real mock over loopback HTTP: the bodies the bot
sends, as they went to the mock, follow the official Dialer pages, and every shift ends clean.

A small synchronous driver stands in for the Locust one (which needs gevent's patching): it carries
out the agent's actions, sending requests with the Locust driver's own `send_request`, polls the
session's messages between timers, and a recording transport keeps every request's method, path, JSON
body and HTTP status.
"""

from __future__ import annotations

import json
import random
import time
from collections import deque
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from pure_rig import load_pure

from botagent.agent import (
    Action,
    Agent,
    AgentPlan,
    CallFinished,
    CancelTimer,
    Event,
    Finished,
    Fixed,
    MessageReceived,
    ReportStepError,
    ReportViolation,
    Send,
    SetTimer,
    Start,
    Timer,
    TimerFired,
)
from botagent.icws import HttpxTransport, Session
from botagent.icws._transport import RawResponse, StreamResponse
from botagent.mock import campaign_id_for, scenario_from_dict
from botagent.mock.server import MockServer

pytestmark = pytest.mark.slow

send_request = load_pure("_requests").send_request

SKIP = "Skipped - Agent Skip"
FAST: dict[str, Any] = {"dial_delay": 0.02, "ring_delay": 0.05}


class RecordingTransport:
    """An httpx transport that keeps (method, path, JSON body, status) of every request it sent."""

    def __init__(self) -> None:
        self.inner = HttpxTransport()
        self.sent: list[tuple[str, str, Any, int]] = []

    def request(self, method: str, url: str, headers: Any, body: bytes | None, timeout: float) -> RawResponse:
        response = self.inner.request(method, url, headers, body, timeout)
        path = urlsplit(url).path.split("/", 3)[-1]
        self.sent.append((method, path, json.loads(body) if body else None, response.status))
        return response

    def stream(
        self, method: str, url: str, headers: Any, timeout: float | None
    ) -> AbstractContextManager[StreamResponse]:
        return self.inner.stream(method, url, headers, timeout)

    def close(self) -> None:
        self.inner.close()

    def bodies(self, path: str) -> list[Any]:
        """The bodies sent to ``path`` (after ``/icws/{sessionId}/``), in order."""
        return [body for _, sent, body, _ in self.sent if sent == path]


class LoopbackDriver:
    """Runs one agent to its end on a real session, polling messages every 20 ms between timers."""

    def __init__(self, mock: MockServer, plan: AgentPlan, seed: int = 1) -> None:
        self.transport = RecordingTransport()
        self.session = Session(
            mock.base_url, user_id=plan.user_id, password="botagent", transport=self.transport, timeout=5.0
        )
        self.agent = Agent(plan, random.Random(seed), time.time)
        self.timers: dict[Timer, float] = {}
        self.actions: list[Action] = []

    def run(self, limit: float = 30.0) -> Finished:
        end = time.monotonic() + limit
        pending: deque[Action] = deque(self.agent.handle(Start()))
        while time.monotonic() < end:
            finished = self._carry_out(pending)
            if finished is not None:
                return finished
            for event in self._next_events():
                pending.extend(self.agent.handle(event))
        raise AssertionError(f"still {self.agent.state} after {limit} s")

    def _carry_out(self, pending: deque[Action]) -> Finished | None:
        while pending:
            action = pending.popleft()
            self.actions.append(action)
            match action:
                case Finished():
                    return action
                case SetTimer(timer=timer, delay=delay):
                    self.timers[timer] = time.monotonic() + delay
                case CancelTimer(timer=timer):
                    self.timers.pop(timer, None)
                case Send(request=request):
                    pending.extend(self.agent.handle(send_request(self.session, request)))
        return None

    def _next_events(self) -> Iterator[Event]:
        if self.session.session_id is not None and self.session.state.name == "OPEN":
            messages = self.session.poll_messages()
            if messages:
                yield from (MessageReceived(message=m) for m in messages)
                return
        due = [timer for timer, at in self.timers.items() if at <= time.monotonic()]
        if due:
            timer = min(due, key=self.timers.__getitem__)
            del self.timers[timer]
            yield TimerFired(timer=timer)
            return
        time.sleep(0.02)

    def of_type(self, cls: type[Action]) -> list[Any]:
        return [action for action in self.actions if isinstance(action, cls)]


def _plan(user: str, **fields: Any) -> AgentPlan:
    base: dict[str, Any] = {
        "user_id": user,
        "talk_time": Fixed(0.1),
        "wrap_up_time": Fixed(0.05),
        "preview_think_time": Fixed(0.1),
        "logoff_after_calls": 3,
        "pop_timeout": 10.0,
        "login_timeout": 5.0,
        "logoff_grant_timeout": 5.0,
        "licences": ("I3_ACCESS_CLIENT", "I3_ACCESS_DIALER_ADDON"),
    }
    return AgentPlan(**{**base, **fields})


def _run(mock: MockServer, campaigns: list[dict[str, Any]], plan: AgentPlan, seed: int = 1) -> LoopbackDriver:
    mock.reset(scenario_from_dict({"campaigns": [{**FAST, **c} for c in campaigns]}))
    driver = LoopbackDriver(mock, plan, seed)
    finished = driver.run()
    assert finished == Finished(reason="plan complete")
    assert driver.of_type(ReportStepError) == [] and driver.of_type(ReportViolation) == []
    assert [sent for sent in driver.transport.sent if sent[3] >= 400] == []
    _assert_ledger_matches(mock, driver)
    return driver


def _assert_ledger_matches(mock: MockServer, driver: LoopbackDriver) -> None:
    user = driver.agent.plan.user_id
    ledger = {c["interactionId"]: c for c in httpx.get(f"{mock.base_url}/mock/ledger").json()["calls"]}
    records = [a.record for a in driver.of_type(CallFinished)]
    assert len(records) == driver.agent.calls_handled == 3
    for record in records:
        entry = ledger[record.interaction_id]
        assert entry["agent"] == user and entry["dispositionCount"] == 1
        assert (entry["label"], entry["scheduledTime"]) == (record.label, record.scheduled_time)


def test_loopback_when_an_agent_without_the_right_logs_off_by_campaigns_the_mock_gets_an_empty_body(
    fresh_mock: MockServer,
) -> None:
    """log-off: without the Logon Campaign right the log-off is global, and a global log-off leaves
    campaignIds out (List [1,*]) — official log-off page (D/log-off/index.htm)."""
    driver = _run(
        fresh_mock,
        [{"name": "Predictive Sales", "mode": "predictive"}],
        _plan("agent0011", logoff_scope="campaigns"),
    )

    assert driver.transport.bodies("dialer/log-off") == [{}]


def test_loopback_when_a_campaign_is_off_the_right_holder_joins_only_the_running_one(
    fresh_mock: MockServer,
) -> None:
    """log-in: a campaign log-in needs a running campaign, and ready-for-calls names the joined ones —
    official log-in and ready-for-calls pages; no 403 on the way."""
    running = campaign_id_for("Predictive Sales")
    driver = _run(
        fresh_mock,
        [
            {"name": "Predictive Sales", "mode": "predictive"},
            {"name": "Power Collections", "mode": "power", "status": "off"},
        ],
        _plan("campaignagent0011", logoff_scope="campaigns"),
    )

    assert driver.transport.bodies("dialer/log-in") == [{}, {"campaignId": running}]
    assert driver.transport.bodies("dialer/ready-for-calls") == [{"campaignIds": [running]}]
    assert driver.transport.bodies("dialer/log-off") == [{"campaignIds": [running]}]


def test_loopback_when_agent_callbacks_are_forbidden_reschedules_carry_no_scheduled_agent(
    fresh_mock: MockServer,
) -> None:
    """disposition: scheduledTime only with a "Scheduled" label; scheduledAgent only where the pop's
    allowAgentCallbacks is true — official disposition page (D/disposition/index.htm)."""
    driver = _run(
        fresh_mock,
        [{"name": "Predictive Sales", "mode": "predictive", "allow_agent_callbacks": False}],
        _plan("agent0012", reschedule_probability=1.0, reschedule_agent="self"),
    )

    bodies = driver.transport.bodies("dialer/disposition")
    assert len(bodies) == 3
    assert all(body["label"] == "Callback" and "scheduledTime" in body for body in bodies)
    assert all("scheduledAgent" not in body for body in bodies)


def test_loopback_when_previews_may_be_skipped_and_time_out_the_bodies_follow_the_pages(
    fresh_mock: MockServer,
) -> None:
    """disposition: "Skipped - Agent Skip" only for a previewPop with allowSkip; place-preview-call:
    callInitiatedByTimer for a call the expired preview timer places — official disposition and
    place-preview-call pages."""
    labels = [{"label": "Sale"}, {"label": SKIP, "wrap_up_category": "Skipped"}]
    campaign = {
        "name": "Preview Callbacks",
        "mode": "preview",
        "allow_skip": True,
        "preview_timeout": 1.5,
        "dispositions": labels,
    }
    plan = _plan("agent0013", preview_think_time=Fixed(5.0), preview_skip_probability=0.5)
    driver = _run(fresh_mock, [campaign], plan, seed=3)

    dispositions = driver.transport.bodies("dialer/disposition")
    places = driver.transport.bodies("dialer/place-preview-call")
    skipped = [body for body in dispositions if body["label"] == SKIP]
    assert skipped and places, f"want both skips and placed previews: {dispositions}"
    assert len(skipped) + len(places) == 3
    assert places == [{"callInitiatedByTimer": True}] * len(places)
    ledger = {c["interactionId"]: c for c in httpx.get(f"{fresh_mock.base_url}/mock/ledger").json()["calls"]}
    for record in (action.record for action in driver.of_type(CallFinished)):
        placed = ledger[record.interaction_id]["placedAt"] is not None
        assert placed is (record.label != SKIP), "a skipped preview is never placed"
