"""Server-sent events on the messaging URL: one message per ``data:`` event, cookie-only auth."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from mock_rig import IcwsClient

from botagent.mock.server import MockServer

SSE = {"Accept": "text/event-stream"}


@pytest.fixture
def agent(fresh_mock: MockServer) -> Iterator[IcwsClient]:
    with IcwsClient(fresh_mock.base_url) as icws:
        assert icws.connect().status_code == 201
        yield icws


def _events(lines: Iterator[str], count: int) -> list[dict[str, Any]]:
    events = []
    for line in lines:
        if line.startswith("data: "):
            events.append(json.loads(line.removeprefix("data: ")))
            if len(events) == count:
                return events
    raise AssertionError(f"stream ended after {len(events)} of {count} events")


def test_event_stream_when_opened_with_cookie_only_delivers_messages(agent: IcwsClient) -> None:
    url = f"/icws/{agent.session_id}/messaging/messages"
    with agent.http.stream("GET", url, headers=SSE) as stream:
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.iter_lines()
        assert next(lines) == ": connected"
        assert agent.dialer("log-in").status_code == 200
        events = _events(lines, 2)
    assert [e["__type"] for e in events] == [
        "urn:inin.com:dialer:breakStatusMessage",
        "urn:inin.com:dialer:availableCampaignsMessage",
    ]
    assert agent.poll() == []
    stats = agent.http.get("/mock/stats").json()
    assert stats["GET /messaging/messages (sse)"]["count"] == 1


def test_event_stream_when_call_arrives_delivers_the_data_pop(agent: IcwsClient) -> None:
    url = f"/icws/{agent.session_id}/messaging/messages"
    with agent.http.stream("GET", url, headers=SSE) as stream:
        lines = stream.iter_lines()
        for name in ("log-in", "ready-for-calls"):
            agent.dialer(name)
        agent.set_status("Available")
        kinds = [e["__type"].rsplit(":", 1)[-1] for e in _events(lines, 4)]
    assert kinds[-1] == "dataPopMessage"


def test_event_stream_when_session_closed_ends(agent: IcwsClient) -> None:
    url = f"/icws/{agent.session_id}/messaging/messages"
    with agent.http.stream("GET", url, headers=SSE) as stream:
        lines = stream.iter_lines()
        next(lines)
        assert agent.ok("DELETE", "/connection").status_code == 200
        assert [line for line in lines if line.startswith("data:")] == []


def test_event_stream_when_cookie_missing_is_401(agent: IcwsClient) -> None:
    agent.http.cookies.clear()
    response = agent.http.get(f"/icws/{agent.session_id}/messaging/messages", headers=SSE)
    assert response.status_code == 401
    assert response.json()["errorId"] == "error.request.connection.invalidSessionCookie"
