"""Test rigs for the mock: the pure engine on a virtual clock, a clock to give the served mock, and a
small ICWS client over loopback."""

from __future__ import annotations

import heapq
import json
import math
import random
import time
from typing import Any

import httpx

from botagent.mock import DialerEngine, EngineError, Scenario, ServerSession, scenario_from_dict
from botagent.wire import (
    DispositionRequest,
    LicenseRequest,
    LogInRequest,
    LogOffRequest,
    PlacePreviewCallRequest,
    ReadyForCallsRequest,
    UserStatusUpdate,
)

PASSWORD = "botagent"
DIALER_LICENCES = ("I3_ACCESS_CLIENT", "I3_ACCESS_DIALER_ADDON")
"""What a Dialer agent acquires after connecting; the mock answers Dialer calls 403 without the second."""
ICWS_JSON = "application/vnd.inin.icws+json"


def campaign(name: str, mode: str = "power", **extra: Any) -> dict[str, Any]:
    """A campaign entry with one-second dial and ring delays unless told otherwise."""
    return {"name": name, "mode": mode, "dial_delay": 1.0, "ring_delay": 1.0, **extra}


def scenario(*campaigns: dict[str, Any], **top: Any) -> Scenario:
    """A small scenario: the given campaigns, users a, b, c (no right), boss (Logon Campaign right) and
    ``team`` users t01..t50 (no right) for virtual teams."""
    data: dict[str, Any] = {
        "campaigns": list(campaigns) or [campaign("P")],
        "users": [
            {"names": ["a", "b", "c"], "password": PASSWORD},
            {"names": ["boss"], "password": PASSWORD, "has_logon_campaign_right": True},
            {"pattern": "t{n:02d}", "range": [1, 50], "password": PASSWORD},
        ],
    }
    data.update(top)
    return scenario_from_dict(data)


def short_type(message: dict[str, Any]) -> str:
    """``urn:inin.com:dialer:dataPopMessage`` -> ``dataPopMessage``."""
    return str(message["__type"]).rsplit(":", 1)[-1]


class FakeClock:
    """Epoch seconds that move only when a test says so; a clock for ``MockServer(clock=...)``.

    Readings are floats near 1.8e9, so ``advance(0.3)`` moves them on by 0.3 within 2.4e-7 s. Taken from
    a whole second on, the same advances give the same floats on every run. The server's thread reads the
    clock while the test's thread moves it: one float read or written under the GIL.
    """

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock on by ``seconds``."""
        self.now += seconds

    def next_second(self) -> None:
        """Move the clock on to the next whole second."""
        self.now = float(math.floor(self.now) + 1)


class EngineRig:
    """The Dialer engine on a virtual clock, with shortcuts for the usual agent steps."""

    def __init__(self, scenario_: Scenario, start: float = 1_000_000.0) -> None:
        self.engine = DialerEngine(scenario_, secrets=random.Random(7))
        self.now = start
        self.inbox: dict[str, list[dict[str, Any]]] = {}

    def tick(self, seconds: float) -> None:
        """Move the clock on and run whatever fell due."""
        self.now += seconds
        self.engine.advance(self.now)

    def open(
        self, user: str, application: str = "rig", licences: tuple[str, ...] = DIALER_LICENCES
    ) -> ServerSession:
        """Open a session for a user and acquire ``licences`` (by default the Dialer agent's); sessions
        with one application name share one Dialer agent."""
        session = self.engine.create_session(user, PASSWORD, self.now, application_name=application)
        if licences:
            self.engine.acquire_licenses(session, LicenseRequest(license_list=list(licences)), self.now)
        return session

    def messages(self, session: ServerSession) -> list[dict[str, Any]]:
        """Everything queued for the session since the last call."""
        return self.engine.take_messages(session, self.now)

    def types(self, session: ServerSession) -> list[str]:
        """Short ``__type`` names of the messages queued since the last call."""
        return [short_type(m) for m in self.messages(session)]

    def log_in(self, session: ServerSession, campaign_id: str | None = None) -> None:
        self.engine.dialer_log_in(session, LogInRequest(campaign_id=campaign_id), self.now)

    def ready(self, session: ServerSession, campaign_ids: list[str] | None = None) -> None:
        self.engine.ready_for_calls(session, ReadyForCallsRequest(campaign_ids=campaign_ids), self.now)

    def status(self, session: ServerSession, status_id: str = "Available") -> None:
        self.engine.set_user_status(
            session, session.user.user_id, UserStatusUpdate(status_id=status_id), self.now
        )

    def disposition(self, session: ServerSession, label: str = "Sale", **extra: Any) -> None:
        self.engine.disposition(session, DispositionRequest(label=label, **extra), self.now)

    def log_off(self, session: ServerSession, *campaign_ids: str) -> None:
        """Log off the named campaigns, or all of Dialer (``campaignIds`` omitted) when none are named."""
        request = LogOffRequest(campaign_ids=list(campaign_ids) or None)
        self.engine.dialer_log_off(session, request, self.now)

    def agent(self, user: str) -> ServerSession:
        """Open, log in, ready, Available; messages so far are dropped."""
        session = self.open(user)
        self.log_in(session)
        self.ready(session)
        self.status(session)
        self.messages(session)
        return session

    def wait_for(
        self, session: ServerSession, kind: str, limit: float = 30.0, step: float = 0.25
    ) -> dict[str, Any]:
        """Tick until a message of this short type arrives; fail after ``limit`` virtual seconds."""
        waited = 0.0
        while True:
            for message in self.messages(session):
                if short_type(message) == kind:
                    return message
            if waited >= limit:
                raise AssertionError(f"no {kind} within {limit} virtual seconds")
            self.tick(step)
            waited += step

    def pop(self, session: ServerSession, limit: float = 30.0) -> dict[str, Any]:
        """Wait for the next dataPopMessage and return its call."""
        call: dict[str, Any] = self.wait_for(session, "dataPopMessage", limit)["call"]
        return call

    def calls(self) -> list[dict[str, Any]]:
        calls: list[dict[str, Any]] = self.engine.ledger()["calls"]
        return calls

    def campaign_id(self, name: str) -> str:
        return next(c.id for c in self.engine.scenario.campaigns if c.name == name)

    def refused(self, fn: Any, *args: Any, **kwargs: Any) -> EngineError:
        """Call ``fn`` expecting an EngineError; check it changed neither ledger nor sessions."""
        before = (self.engine.ledger(), self.engine.sessions_snapshot())
        try:
            fn(*args, **kwargs)
        except EngineError as exc:
            assert (self.engine.ledger(), self.engine.sessions_snapshot()) == before
            return exc
        raise AssertionError("the request was not refused")


class IcwsClient:
    """A minimal ICWS client for tests: session headers, cookie, and message polling with a deadline."""

    def __init__(
        self,
        base_url: str,
        user: str = "agent0001",
        password: str = PASSWORD,
        application: str = "botagent tests",
    ) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=5.0)
        self.user = user
        self.password = password
        self.application = application
        self.session_id = ""
        self.csrf = ""
        self.buffer: list[dict[str, Any]] = []

    def __enter__(self) -> IcwsClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def connect(
        self, include: str = "features,effective-station", licences: tuple[str, ...] = DIALER_LICENCES
    ) -> httpx.Response:
        """Create the session; keeps id, token and cookie when the answer is 201, then acquires
        ``licences`` (by default the Dialer agent's)."""
        body = {
            "__type": "urn:inin.com:connection:icAuthConnectionRequestSettings",
            "applicationName": self.application,
            "userID": self.user,
            "password": self.password,
        }
        response = self.http.post(
            "/icws/connection", params={"include": include}, json=body, headers={"Accept-Language": "en-us"}
        )
        if response.status_code == 201:
            self.session_id = response.headers["ININ-ICWS-Session-ID"]
            self.csrf = response.headers["ININ-ICWS-CSRF-Token"]
            if licences:
                self.ok("POST", "/licenses", {"licenseList": list(licences)})
        return response

    def call(self, method: str, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        """Call ``/icws/{sessionId}{path}`` with the CSRF header and the vendor media type."""
        headers = {"ININ-ICWS-CSRF-Token": self.csrf, "Accept-Language": "en-us", **kwargs.pop("headers", {})}
        content = kwargs.pop("content", None) if body is None else json.dumps(body).encode()
        if content is not None:
            headers.setdefault("Content-Type", f"{ICWS_JSON};charset=utf-8")
        return self.http.request(
            method, f"/icws/{self.session_id}{path}", content=content, headers=headers, **kwargs
        )

    def ok(self, method: str, path: str, body: Any = None) -> httpx.Response:
        """Like ``call``, asserting a 2xx answer."""
        response = self.call(method, path, body)
        assert response.is_success, (method, path, response.status_code, response.text)
        return response

    def dialer(self, name: str, body: Any = None) -> httpx.Response:
        return self.call("POST", f"/dialer/{name}", {} if body is None else body)

    def set_status(self, status_id: str = "Available") -> httpx.Response:
        return self.ok("PUT", f"/status/user-statuses/{self.user}", {"statusId": status_id})

    def poll(self) -> list[dict[str, Any]]:
        """One messaging GET (no CSRF header, as real clients send it)."""
        response = self.http.get(f"/icws/{self.session_id}/messaging/messages")
        assert response.status_code == 200, response.text
        messages: list[dict[str, Any]] = response.json()
        self.buffer.extend(messages)
        return messages

    def wait_for(self, kind: str, timeout: float = 5.0) -> dict[str, Any]:
        """Poll until a message of this short type arrives (taking it out of the buffer)."""
        deadline = time.monotonic() + timeout
        while True:
            for index, message in enumerate(self.buffer):
                if short_type(message) == kind:
                    return self.buffer.pop(index)
            if time.monotonic() > deadline:
                seen = [short_type(m) for m in self.buffer]
                raise AssertionError(f"no {kind} within {timeout}s (saw {seen})")
            if not self.poll():
                time.sleep(0.01)

    def start_agent(self) -> None:
        """Connect, log in to Dialer, ready for calls, Available; drop the messages so far."""
        assert self.connect().status_code == 201
        self.ok("POST", "/dialer/log-in", {})
        self.ok("POST", "/dialer/ready-for-calls", {})
        self.set_status()
        self.wait_for("breakStatusMessage")
        self.wait_for("availableCampaignsMessage")


class VirtualTeam:
    """Agents working the engine on a virtual clock, event by event (no fixed tick): each takes a call,
    places it when it is a preview, holds it ``handle`` seconds, dispositions it and is Available again.

    ``handle`` is a number of seconds or a function of a ``random.Random`` seeded with ``seed``.
    """

    def __init__(self, rig: EngineRig, users: list[str], handle: Any = 30.0, seed: int = 3) -> None:
        self.rig = rig
        self.rng = random.Random(seed)
        self.handle = handle
        self.sessions: dict[str, ServerSession] = {}
        for user in users:
            session = rig.agent(user)
            rig.engine.stream_opened(session)
            self.sessions[session.session_id] = session
        self.todo: list[tuple[float, int, ServerSession]] = []
        self.seq = 0
        self.popped: list[tuple[str, dict[str, Any]]] = []

    def run(self, seconds: float, on_step: Any = None) -> None:
        """Work for ``seconds`` of virtual time; ``on_step()`` runs after every event."""
        end = self.rig.now + seconds
        for _ in range(5_000_000):
            upcoming = (self.rig.engine.next_deadline(), self.todo[0][0] if self.todo else None)
            times = [t for t in upcoming if t is not None]
            if not times or min(times) > end:
                break
            self.rig.now = min(times)
            self.rig.engine.advance(self.rig.now)
            self._deliver()
            while self.todo and self.todo[0][0] <= self.rig.now:
                _, _, session = heapq.heappop(self.todo)
                self.rig.disposition(session, "No Sale")
                self.rig.status(session)
                self._deliver()
            if on_step is not None:
                on_step()
        self.rig.now = end
        self.rig.engine.advance(end)

    def _deliver(self) -> None:
        for session_id in sorted(self.rig.engine.take_woken()):
            session = self.sessions.get(session_id)
            if session is None:
                continue
            for message in self.rig.engine.drain(session):
                if short_type(message) == "dataPopMessage" and not message["call"].get("callPlaced"):
                    self._popped(session, message["call"])

    def _popped(self, session: ServerSession, call: dict[str, Any]) -> None:
        self.popped.append((session.user.user_id, call))
        if call["__type"].endswith("previewPop"):
            self.rig.engine.place_preview_call(session, PlacePreviewCallRequest(), self.rig.now)
        seconds = self.handle(self.rng) if callable(self.handle) else self.handle
        self.seq += 1
        heapq.heappush(self.todo, (self.rig.now + seconds, self.seq, session))

    def campaign(self, name: str) -> dict[str, Any]:
        """The ledger's figures for one campaign."""
        figures: dict[str, Any] = self.rig.engine.ledger()["campaigns"][name]
        return figures
