"""Whatever a client sends, the mock answers 2xx or 4xx with an ICWS error body, never 5xx."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mock_rig import IcwsClient

from botagent.mock import MockServer

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


def _check(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        body: dict[str, Any] = response.json()
        assert isinstance(body["message"], str) and body["message"]


@pytest.fixture(scope="module")
def fuzz_client(mock_server: MockServer) -> Iterator[IcwsClient]:
    with IcwsClient(mock_server.base_url, user="agent0009") as client:
        assert client.connect().status_code == 201
        yield client


@settings(max_examples=150, deadline=None)
@given(target=st.sampled_from(TARGETS), body=BODIES)
def test_any_body_when_sent_to_any_route_never_gets_a_5xx(
    fuzz_client: IcwsClient, target: tuple[str, str], body: Any
) -> None:
    method, path = target
    _check(fuzz_client.call(method, path, body))
    raw = json.dumps(body).encode()[:-1] or b"{"
    _check(fuzz_client.call(method, path, headers={"Content-Type": "application/json"}, content=raw))
