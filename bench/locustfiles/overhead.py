"""Locust users for bench/client_overhead.py: the same ICWS call through three clients.

``BENCH_VARIANT`` picks the user class: ``session`` (botagent's ICWS ``Session`` on its gevent
transport, reporting through Locust's request event as the harness does), ``fasthttp`` (Locust's
``FastHttpUser``) or ``httpuser`` (Locust's ``HttpUser``, on requests). Every user opens one ICWS
connection, then calls ``GET /icws/{sessionId}/connection`` in a loop with the headers botagent sends.
After ``BENCH_WARMUP`` seconds a greenlet counts requests and this process's CPU time for
``BENCH_WINDOW`` seconds, writes them to ``BENCH_RESULT`` (JSON) and stops the run.
"""

from __future__ import annotations

import itertools
import json
import os
import time
from typing import Any

import gevent
from locust import FastHttpUser, HttpUser, User, constant, events, task

from botagent.icws import GeventTransport, RequestRecord, Session

VARIANT = os.environ.get("BENCH_VARIANT", "session")
WARMUP = float(os.environ.get("BENCH_WARMUP", "2"))
WINDOW = float(os.environ.get("BENCH_WINDOW", "5"))
RESULT = os.environ.get("BENCH_RESULT", "")
ENDPOINT = "GET /connection"
_CONNECT_BODY = {
    "__type": "urn:inin.com:connection:icAuthConnectionRequestSettings",
    "applicationName": "bench",
    "password": "botagent",
}
_users = itertools.count(1)


def _next_user() -> str:
    return f"agent{next(_users):04d}"


def _headers(response_headers: Any) -> dict[str, str]:
    cookie = response_headers["set-cookie"].split(";", 1)[0]
    return {
        "Accept": "application/vnd.inin.icws+JSON",
        "Accept-Language": "en-US",
        "User-Agent": "botagent/0.1.0",
        "Cookie": cookie,
        "Content-Type": "application/vnd.inin.icws+JSON;charset=utf-8",
        "ININ-ICWS-CSRF-Token": response_headers["ININ-ICWS-CSRF-Token"],
    }


class SessionUser(User):
    """botagent's ICWS session on GeventTransport; every call is a Locust request event."""

    abstract = VARIANT != "session"
    wait_time = constant(0)

    def on_start(self) -> None:
        fire = self.environment.events.request.fire

        def observe(record: RequestRecord) -> None:
            fire(
                request_type="ICWS",
                name=record.name,
                response_time=record.elapsed_ms,
                response_length=record.response_length,
                exception=record.error,
                context={},
            )

        self.session = Session(
            self.host or "",
            user_id=_next_user(),
            password="botagent",
            transport=GeventTransport(),
            observer=observe,
        )
        self.session.open()

    @task
    def connection_state(self) -> None:
        self.session.connection_state()


class FastUser(FastHttpUser):
    """Locust's FastHttpUser (geventhttpclient)."""

    abstract = VARIANT != "fasthttp"
    wait_time = constant(0)

    def on_start(self) -> None:
        response = self.client.post(
            "/icws/connection",
            json={**_CONNECT_BODY, "userID": _next_user()},
            headers={"Accept-Language": "en-US"},
            name="POST /connection",
        )
        self.path = f"/icws/{response.headers['ININ-ICWS-Session-ID']}/connection"
        self.request_headers = _headers(response.headers)
        self.client.cookiejar.clear()

    @task
    def connection_state(self) -> None:
        self.client.get(self.path, headers=self.request_headers, name=ENDPOINT)


class RequestsUser(HttpUser):
    """Locust's HttpUser (requests)."""

    abstract = VARIANT != "httpuser"
    wait_time = constant(0)

    def on_start(self) -> None:
        response = self.client.post(
            "/icws/connection",
            json={**_CONNECT_BODY, "userID": _next_user()},
            headers={"Accept-Language": "en-US"},
            name="POST /connection",
        )
        self.path = f"/icws/{response.headers['ININ-ICWS-Session-ID']}/connection"
        self.request_headers = _headers(response.headers)
        self.client.cookies.clear()

    @task
    def connection_state(self) -> None:
        self.client.get(self.path, headers=self.request_headers, name=ENDPOINT)


def _snapshot(environment: Any) -> tuple[float, float, int, int]:
    entry = environment.stats.get(ENDPOINT, "GET")
    if VARIANT == "session":
        entry = environment.stats.get(ENDPOINT, "ICWS")
    times = os.times()
    return time.monotonic(), times.user + times.system, entry.num_requests, entry.num_failures


def _measure(environment: Any) -> None:
    gevent.sleep(WARMUP)
    start = _snapshot(environment)
    gevent.sleep(WINDOW)
    end = _snapshot(environment)
    wall, cpu = end[0] - start[0], end[1] - start[1]
    requests, failures = end[2] - start[2], end[3] - start[3]
    body = {
        "variant": VARIANT,
        "seconds": wall,
        "cpu_seconds": cpu,
        "requests": requests,
        "failures": failures,
        "users": environment.runner.user_count,
    }
    if RESULT:
        with open(RESULT, "w") as handle:
            json.dump(body, handle)
    environment.runner.quit()


@events.test_start.add_listener
def _on_test_start(environment: Any, **_: Any) -> None:
    gevent.spawn(_measure, environment)
