"""The ``/icws`` routes' lean path over real HTTP: answers built once or as plain dicts are exactly what
the wire models would send, bodies validated in one pass are refused with exactly the errors of the
decode-then-validate path, and sessions, cookies and methods are checked as before."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from mock_rig import ICWS_JSON, IcwsClient
from pydantic import BaseModel

from botagent.mock import EngineError
from botagent.mock._engine import completed_message
from botagent.mock._http import empty, parse_body
from botagent.mock._icws_asgi import IcwsRoute
from botagent.mock._icws_routes import CONNECTION_UP, accepted, icws_routes
from botagent.mock.server import MockServer
from botagent.wire import (
    AsyncOperationCompletedMessage,
    AsyncRequest,
    ConnectionStateResponse,
    ReadyForCallsRequest,
    UserStatusUpdate,
)


def _compact(body: Any) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _refusal(model: type[BaseModel], raw: bytes) -> dict[str, Any]:
    """The error body the decode-then-validate path gives for ``raw`` (valid JSON)."""
    with pytest.raises(EngineError) as refused:
        parse_body(model, json.loads(raw))
    return refused.value.body()


@pytest.fixture
def agent(fresh_mock: MockServer) -> Iterator[IcwsClient]:
    with IcwsClient(fresh_mock.base_url, user="agent0001") as icws:
        assert icws.connect().status_code == 201
        icws.ok("POST", "/dialer/log-in", {})
        yield icws


def test_connection_state_when_up_is_the_wire_models_json(agent: IcwsClient) -> None:
    """GET connection answers the connection state "up" (1), built once from ``ConnectionStateResponse``
    (official page S/connection/index.htm)."""
    wire = _compact(ConnectionStateResponse(connection_state=1).to_wire())
    assert CONNECTION_UP.body == wire
    response = agent.call("GET", "/connection")
    assert response.status_code == 200
    assert response.content == wire == b'{"connectionState":1}'
    assert response.headers["content-type"] == ICWS_JSON
    assert response.headers["content-length"] == str(len(wire))


@pytest.mark.parametrize("request_id", ["1", "4711", "req-7", 'a"b'])
def test_accepted_answer_when_built_is_the_async_request_models_json(request_id: str) -> None:
    """A 202 names its request as ``AsyncRequest`` does (official page S/status/user-statuses/(userId)/
    index.htm: 202 with requestId), whether the id is built into bytes or encoded."""
    answer = accepted(request_id)
    assert answer.status_code == 202
    assert json.loads(answer.body) == AsyncRequest(request_id=request_id).to_wire()
    assert answer.body == _compact(AsyncRequest(request_id=request_id).to_wire())


def test_status_put_when_accepted_answers_202_with_the_request_id(agent: IcwsClient) -> None:
    """PUT user-statuses answers 202 ``{requestId}`` and the same id completes in an
    asyncOperationCompletedMessage (official page S/status/user-statuses/(userId)/index.htm; R4)."""
    response = agent.call("PUT", f"/status/user-statuses/{agent.user}", {"statusId": "available"})
    assert response.status_code == 202
    assert response.headers["content-type"] == ICWS_JSON
    request_id = AsyncRequest.model_validate(response.json()).request_id
    done = agent.wait_for("asyncOperationCompletedMessage")
    assert done["requestId"] == request_id and done["error"] is None


def test_empty_answers_when_sent_carry_the_length_starlette_sent() -> None:
    """Empty successes: 200 and 202 with ``Content-Length: 0`` and no type, 204 with no header at all
    (official pages: heartbeat 200, request-break 202, unsubscribe 204, no body)."""
    assert empty(200).raw_headers == [(b"content-length", b"0")]
    assert empty(202).raw_headers == [(b"content-length", b"0")]
    assert empty(204).raw_headers == []
    assert empty(201).raw_headers == [(b"content-length", b"0")]


def test_heartbeat_when_served_is_an_empty_200(agent: IcwsClient) -> None:
    """POST messaging/heartbeat: 200 with no body (official messaging page S/messaging/Messaging.htm)."""
    response = agent.call("POST", "/messaging/heartbeat")
    assert (response.status_code, response.content) == (200, b"")
    assert response.headers["content-length"] == "0"
    assert "content-type" not in response.headers


@pytest.mark.parametrize(
    "raw",
    [
        b'{"statusId": 5}',
        b"{}",
        b'{"statusId": null}',
        b'{"statusId": ["Available"]}',
        b"[1, 2]",
        b'"Available"',
        b'{"statusId": NaN}',
        b'{"statusId": "Available", "until": 3}',
    ],
)
def test_status_body_when_malformed_is_refused_as_decoded_validation_refuses_it(
    agent: IcwsClient, raw: bytes
) -> None:
    """A malformed status body is 400 with the error body the decode-then-validate path gives:
    ``errorId``, ``propertyName`` and message (official page S/status/user-statuses/(userId)/index.htm:
    400 with an error representation)."""
    response = agent.call("PUT", f"/status/user-statuses/{agent.user}", content=raw)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == ICWS_JSON
    assert response.json() == _refusal(UserStatusUpdate, raw)


@pytest.mark.parametrize("raw", [b'{"campaignIds": "P"}', b'{"campaignIds": [1]}', b"[]"])
def test_ready_body_when_malformed_is_refused_as_decoded_validation_refuses_it(
    agent: IcwsClient, raw: bytes
) -> None:
    """A malformed ready-for-calls body is 400 naming the property as before (official ready-for-calls
    page D/ready-for-calls/index.htm: 400 with errorId and message)."""
    response = agent.call("POST", "/dialer/ready-for-calls", content=raw)
    assert response.status_code == 400, response.text
    assert response.json() == _refusal(ReadyForCallsRequest, raw)


@pytest.mark.parametrize(
    ("raw", "content_type", "status", "error_id"),
    [
        (b'{"statusId": ', ICWS_JSON, 400, "error.request.invalidRepresentation"),
        (b'{"statusId": "Available"}', "text/plain", 415, "error.request.unsupportedMediaType"),
        (b"", ICWS_JSON, 400, "error.request.missingProperty"),
    ],
)
def test_status_body_when_unreadable_is_refused_before_validation(
    agent: IcwsClient, raw: bytes, content_type: str, status: int, error_id: str
) -> None:
    """Not JSON is 400 invalidRepresentation, a non-JSON media type 415, an empty body a missing
    ``statusId`` (seed reference: request bodies are application/vnd.inin.icws+JSON)."""
    headers = {"Content-Type": content_type}
    response = agent.call("PUT", f"/status/user-statuses/{agent.user}", content=raw, headers=headers)
    assert response.status_code == status, response.text
    assert response.json()["errorId"] == error_id


def test_status_body_when_sent_in_chunks_is_read_whole(agent: IcwsClient) -> None:
    """A body streamed in several chunks without a length is read to its end (R4: set Available)."""

    def chunks() -> Iterator[bytes]:
        yield b'{"statusId": '
        yield b'"Available"}'

    response = agent.call("PUT", f"/status/user-statuses/{agent.user}", content=chunks())
    assert response.status_code == 202, response.text


def test_session_call_when_session_unknown_is_401_with_the_authenticate_header(
    fresh_mock: MockServer,
) -> None:
    """An id never issued is 401 invalidSession with ``WWW-Authenticate`` (official conventions,
    D/request-break/index.htm), on the routes served most."""
    for method, path in [("GET", "/connection"), ("GET", "/messaging/messages")]:
        response = httpx.request(method, f"{fresh_mock.base_url}/icws/999999{path}")
        assert response.status_code == 401
        assert response.json()["errorId"] == "error.request.connection.invalidSession"
        assert response.headers["www-authenticate"].startswith("ICWS realm=")


def test_session_call_when_method_wrong_is_405_naming_the_allowed_ones(agent: IcwsClient) -> None:
    """A method no session route serves is 405 methodNotAllowed with an ``Allow`` header (official
    S/connection/index.htm: GET and DELETE connection)."""
    response = agent.call("PATCH", "/connection")
    assert response.status_code == 405
    assert response.json()["errorId"] == "error.request.methodNotAllowed"
    assert "GET" in response.headers["allow"].replace(" ", "").split(",")


def test_session_cookie_when_among_others_or_quoted_is_found(agent: IcwsClient) -> None:
    """The session cookie is found among other cookies and when quoted; a wrong one is 401
    invalidSessionCookie (official conventions: every session request carries the session cookie)."""
    name = f"icws_{agent.session_id}"
    value = agent.http.cookies[name]
    agent.http.cookies.clear()
    sent = [f"theme=dark; {name}={value}; x=1", f'{name}="{value}"', f"{name}=nope; other=1"]
    statuses = [agent.call("GET", "/connection", headers={"Cookie": cookie}).status_code for cookie in sent]
    assert statuses == [200, 200, 401]


def test_icws_routes_when_built_are_all_served_on_the_lean_path() -> None:
    """Every ``/icws`` route is an ``IcwsRoute``: one way of serving them, not two."""
    assert all(isinstance(route, IcwsRoute) for route in icws_routes())


@pytest.mark.parametrize("request_id", ["1", "977"])
def test_completed_message_when_built_as_a_dict_is_the_wire_models(request_id: str) -> None:
    """The asyncOperationCompletedMessage of a status change is the model's wire form, ``error: null``
    included (official page S/status/user-statuses/(userId)/index.htm: 202, then the message)."""
    message = completed_message(request_id)
    assert message == AsyncOperationCompletedMessage(request_id=request_id).to_wire()
    assert list(message) == list(AsyncOperationCompletedMessage(request_id=request_id).to_wire())
