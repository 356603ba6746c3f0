"""Whatever a client sends, the mock answers 2xx or 4xx with an ICWS error body, never 5xx (a Dialer
call the mock does not simulate, 501, is not thrown here); and a request it refuses changes nothing.

``test_bad_requests_when_thrown_by_thousands_never_get_a_5xx_nor_change_state`` throws a fixed,
reproducible set of requests (hypothesis, derandomized) over loopback: random methods, paths under
``/icws/{sessionId}/...``, headers and bodies (random JSON and bytes, oversized ones). Each one is bad by
construction: either it never carries a valid CSRF token and cookie pair for the session it names, or
it is agent A's own session with a body its route must refuse. Agent A holds a call throughout; the
ledger and the sessions must read the same afterwards.
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mock_rig import ICWS_JSON, IcwsClient, campaign, scenario

from botagent.mock._endpoints import DIALER_NAMES
from botagent.mock.server import MockServer

FUZZ_EXAMPLES = 2000
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
KEYS = [
    "label",
    "scheduledTime",
    "scheduledAgent",
    "campaignId",
    "campaignIds",
    "statusId",
    "callAttributes",
    "__type",
    "workstation",
    "userIds",
    "callId",
    "callInitiatedByTimer",
    "isAbandon",
]
BODIES = st.dictionaries(st.sampled_from(KEYS), JSON, max_size=4) | JSON
TARGETS = [
    ("POST", "/dialer/log-in"),
    ("POST", "/dialer/log-off"),
    ("POST", "/dialer/ready-for-calls"),
    ("POST", "/dialer/disposition"),
    ("POST", "/dialer/place-preview-call"),
    ("POST", "/dialer/request-form-definition"),
    ("POST", "/dialer/update-call-data"),
    ("PUT", "/status/user-statuses/agent0009"),
    ("PUT", "/connection/station"),
    ("PUT", "/messaging/subscriptions/status/user-statuses"),
]
SEGMENTS = [
    "connection", "station", "version", "messaging", "messages", "heartbeat", "subscriptions", "status",
    "user-statuses", "status-messages", "queues", "dialer", "a", "b", "", ".", "..", *DIALER_NAMES,
    "update-stage", "reset-campaign",
]  # fmt: skip
TOKEN = string.ascii_letters + string.digits + "-_"
OVERSIZED = b'{"label": "' + b"x" * 70_000 + b'"}'
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
ROUTES = [
    ("GET", "connection"), ("DELETE", "connection"), ("GET", "connection/station"),
    ("PUT", "connection/station"), ("DELETE", "connection/station"), ("GET", "messaging/messages"),
    ("POST", "messaging/heartbeat"), ("PUT", "messaging/subscriptions/status/user-statuses"),
    ("DELETE", "messaging/subscriptions/status/user-statuses"), ("PUT", "messaging/subscriptions/queues/q"),
    ("DELETE", "messaging/subscriptions/queues/q"), ("PUT", "status/user-statuses/a"),
    ("GET", "status/user-statuses/b"), ("GET", "status/status-messages"),
    *(("POST", f"dialer/{name}") for name in DIALER_NAMES),
]  # fmt: skip

# Bodies every route that reads one must refuse, whatever the route.
NOT_JSON = st.binary(min_size=1, max_size=64).filter(lambda raw: _not_json(raw))
NOT_AN_OBJECT = (st.lists(JSON, max_size=3) | st.text(max_size=10) | st.integers() | st.booleans()).map(
    lambda value: json.dumps(value).encode()
)
# A value of the wrong type for the field each modelled route checks.
WRONG_TYPE = st.dictionaries(st.text(max_size=5), JSON, max_size=2)
BAD_FIELD = {
    "/dialer/log-in": "campaignId",
    "/dialer/log-off": "campaignIds",
    "/dialer/ready-for-calls": "campaignIds",
    "/dialer/disposition": "label",
    "/dialer/request-form-definition": "campaignId",
    "/dialer/update-call-data": "callId",
    "/status/user-statuses/a": "statusId",
    "/messaging/subscriptions/status/user-statuses": "userIds",
}


def _not_json(raw: bytes) -> bool:
    if not raw.strip():
        return False
    try:
        json.loads(raw)
    except ValueError:
        return True
    return False


@dataclass(frozen=True)
class Arena:
    """Agents A (holding a call) and B (logged in to Dialer, not ready) on the shared mock."""

    mock: MockServer
    a: IcwsClient
    b: IcwsClient

    def cookie(self, client: IcwsClient) -> str:
        return client.http.cookies[f"icws_{client.session_id}"]

    def state(self) -> tuple[Any, Any]:
        base = self.mock.base_url
        return httpx.get(f"{base}/mock/ledger").json(), httpx.get(f"{base}/mock/sessions").json()


@pytest.fixture(scope="module")
def arena(mock_server: MockServer) -> Iterator[Arena]:
    mock_server.reset(scenario(campaign("P", dial_delay=0.01, ring_delay=0.01)))
    with IcwsClient(mock_server.base_url, user="a") as a, IcwsClient(mock_server.base_url, user="b") as b:
        a.start_agent()
        a.wait_for("dataPopMessage")
        assert b.connect().status_code == 201
        assert b.dialer("log-in").status_code == 200
        yield Arena(mock_server, a, b)
    mock_server.check_errors()


@dataclass(frozen=True)
class Bad:
    method: str
    path: str
    headers: dict[str, str]
    content: bytes


def _strangers(arena: Arena) -> st.SearchStrategy[Bad]:
    """Requests naming a session with never a valid CSRF token and cookie pair for it."""
    a, b = arena.a, arena.b
    session_ids = st.sampled_from([a.session_id, b.session_id, "connection", "1", "99999999"]) | st.text(
        TOKEN
    )
    cookies = st.sampled_from(
        [
            f"icws_{a.session_id}={arena.cookie(b)}",
            f"icws_{b.session_id}={arena.cookie(a)}",
            f"icws_{a.session_id}=00000000-0000-4000-8000-000000000000|languageId=en-us",
        ]
    ) | st.text(string.printable.strip(), max_size=30).map(str.strip)
    header_values = st.text(string.ascii_letters + string.digits + " /;=+-.*,", max_size=40).map(str.strip)
    headers = st.fixed_dictionaries(
        {},
        optional={
            "ININ-ICWS-CSRF-Token": st.sampled_from([a.csrf, b.csrf]) | header_values,
            "Cookie": cookies,
            "Content-Type": st.sampled_from(["application/json", ICWS_JSON, "text/plain"]) | header_values,
            "Accept": st.sampled_from(["text/event-stream", ICWS_JSON, "*/*"]) | header_values,
            "Accept-Language": header_values,
            "X-Fuzz": header_values,
        },
    )
    segments = st.lists(st.sampled_from(SEGMENTS) | st.text(TOKEN + "%~!$", max_size=12), max_size=4)
    random_routes = st.tuples(
        st.sampled_from(METHODS), segments.map(lambda parts: "/".join(quote(p, safe="") for p in parts))
    )
    routes = st.sampled_from(ROUTES) | st.sampled_from(ROUTES) | random_routes
    bodies = (
        st.just(b"")
        | st.binary(max_size=200)
        | BODIES.map(lambda v: json.dumps(v).encode())
        | st.just(OVERSIZED)
    )
    return st.builds(
        lambda route, sid, headers, content: Bad(
            route[0], f"/icws/{quote(sid, safe='')}/{route[1]}", headers, content
        ),
        routes,
        session_ids,
        headers,
        bodies,
    )


def _owner(arena: Arena) -> st.SearchStrategy[Bad]:
    """Agent A's own, authenticated requests with a body the route must refuse (or a wrong method)."""
    a = arena.a
    auth = {
        "ININ-ICWS-CSRF-Token": a.csrf,
        "Cookie": f"icws_{a.session_id}={arena.cookie(a)}",
        "Content-Type": "application/json",
    }
    modelled = [("POST", path) for path in BAD_FIELD if path.startswith("/dialer")] + [
        ("PUT", "/status/user-statuses/a"),
        ("PUT", "/messaging/subscriptions/status/user-statuses"),
        ("PUT", "/connection/station"),
        ("PUT", "/messaging/subscriptions/queues/q1"),
        ("POST", "/dialer/place-preview-call"),
    ]
    unmodelled = [
        ("POST", f"/dialer/{name}")
        for name in ("request-break", "end-break", "establish-persistent-connection")
    ]
    anything = st.sampled_from([*modelled, *unmodelled])
    unreadable = NOT_JSON | st.just(OVERSIZED)
    plain = st.tuples(anything, unreadable, st.just("application/json"))
    wrong_media = st.tuples(
        anything, BODIES.map(lambda v: json.dumps(v).encode() + b" "), st.just("text/plain")
    )
    not_objects = st.tuples(st.sampled_from(modelled), NOT_AN_OBJECT, st.just(ICWS_JSON))
    wrong_types = st.sampled_from(sorted(BAD_FIELD)).flatmap(
        lambda path: st.tuples(
            st.just(("PUT" if path.startswith("/status") or path.startswith("/messaging") else "POST", path)),
            st.tuples(st.dictionaries(st.sampled_from(KEYS), JSON, max_size=2), WRONG_TYPE).map(
                lambda pair, field=BAD_FIELD[path]: json.dumps({**pair[0], field: pair[1]}).encode()
            ),
            st.just("application/json"),
        )
    )
    wrong_method = st.tuples(
        st.sampled_from([*modelled, *unmodelled]).map(lambda t: ("PATCH", t[1])),
        BODIES.map(lambda v: json.dumps(v).encode()),
        st.just("application/json"),
    )
    return (plain | wrong_media | not_objects | wrong_types | wrong_method).map(
        lambda t: Bad(t[0][0], f"/icws/{a.session_id}{t[0][1]}", {**auth, "Content-Type": t[2]}, t[1])
    )


def _check(response: httpx.Response, bad: Bad) -> None:
    assert response.status_code < 500, (bad, response.text)
    if response.status_code >= 400 and bad.method != "HEAD":
        assert response.headers["content-type"] == ICWS_JSON, (bad, response.headers)
        body: dict[str, Any] = response.json()
        assert isinstance(body["message"], str) and body["message"], bad


@pytest.mark.slow
def test_bad_requests_when_thrown_by_thousands_never_get_a_5xx_nor_change_state(arena: Arena) -> None:
    before = arena.state()
    statuses: dict[int, int] = {}
    with httpx.Client(base_url=arena.mock.base_url, timeout=5.0) as http:

        @settings(
            max_examples=FUZZ_EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=[
                HealthCheck.too_slow,
                HealthCheck.filter_too_much,
                HealthCheck.data_too_large,
            ],
        )
        @given(bad=st.one_of(_strangers(arena), _strangers(arena), _owner(arena)))
        def throw(bad: Bad) -> None:
            http.cookies.clear()
            response = http.request(bad.method, bad.path, headers=bad.headers, content=bad.content)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            _check(response, bad)

        throw()
    assert arena.state() == before
    assert sum(statuses.values()) >= FUZZ_EXAMPLES
    assert {400, 401, 404, 405, 413, 415} <= set(statuses), statuses
    assert arena.a.call("GET", "/connection").status_code == 200


@pytest.fixture(scope="module")
def fuzz_client(arena: Arena) -> Iterator[IcwsClient]:
    with IcwsClient(arena.mock.base_url, user="c") as client:
        assert client.connect().status_code == 201
        yield client


@settings(max_examples=150, deadline=None)
@given(target=st.sampled_from(TARGETS), body=BODIES)
def test_any_body_when_sent_to_any_route_never_gets_a_5xx(
    fuzz_client: IcwsClient, target: tuple[str, str], body: Any
) -> None:
    method, path = target
    bad = Bad(method, path, {}, b"")
    _check(fuzz_client.call(method, path, body), bad)
    raw = json.dumps(body).encode()[:-1] or b"{"
    _check(fuzz_client.call(method, path, headers={"Content-Type": "application/json"}, content=raw), bad)
