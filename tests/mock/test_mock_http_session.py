"""Sessions over real HTTP: creation, credentials, the connection routes, status routes (reference 1-3, 9)."""

from __future__ import annotations

import base64
import re

import httpx
import pytest
from mock_rig import ICWS_JSON, IcwsClient

from botagent.mock.server import MockServer

COOKIE = re.compile(r"^icws_(\d+)=([0-9a-f-]{36})\|languageId=en-us; Path=/icws/(\d+); HttpOnly$")


@pytest.fixture
def client(fresh_mock: MockServer) -> IcwsClient:
    with IcwsClient(fresh_mock.base_url) as icws:
        yield icws


def _sessions(mock: MockServer) -> list[dict[str, object]]:
    sessions: list[dict[str, object]] = httpx.get(f"{mock.base_url}/mock/sessions").json()
    return sessions


def _assert_error(response: httpx.Response, status: int, error_id: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == ICWS_JSON
    body: dict[str, object] = response.json()
    assert body["errorId"] == error_id
    assert isinstance(body["message"], str) and body["message"]
    return body


def test_connection_when_created_answers_201_with_headers_cookie_and_features(client: IcwsClient) -> None:
    response = client.connect()
    assert response.status_code == 201
    assert response.headers["content-type"] == ICWS_JSON
    session_id = response.headers["ININ-ICWS-Session-ID"]
    assert session_id.isdigit()
    base64.b64decode(response.headers["ININ-ICWS-CSRF-Token"], validate=True)
    assert response.headers["Location"] == f"/icws/{session_id}/connection"
    cookie = COOKIE.match(response.headers["set-cookie"])
    assert cookie is not None and cookie.group(1) == cookie.group(3) == session_id
    body = response.json()
    assert (body["sessionId"], body["csrfToken"]) == (session_id, response.headers["ININ-ICWS-CSRF-Token"])
    assert {"featureId": "messaging", "version": 2} in body["features"]


def test_connection_when_features_not_included_leaves_them_out(client: IcwsClient) -> None:
    assert "features" not in client.connect(include="").json()


def test_connection_when_plain_json_without_type_is_accepted(fresh_mock: MockServer) -> None:
    body = {"applicationName": "connector", "userID": "agent0002", "password": "botagent"}
    response = httpx.post(
        f"{fresh_mock.base_url}/icws/connection?include=features,effective-station",
        json=body,
        headers={"Accept-Language": "en-us", "Content-Type": "application/json"},
    )
    assert response.status_code == 201


def test_connection_when_accept_language_missing_is_400_and_no_session(fresh_mock: MockServer) -> None:
    body = {"applicationName": "x", "userID": "agent0001", "password": "botagent"}
    response = httpx.post(f"{fresh_mock.base_url}/icws/connection", json=body)
    _assert_error(response, 400, "error.request.connection.acceptLanguageRequired")
    assert _sessions(fresh_mock) == []


def test_connection_when_password_wrong_is_401_and_no_session(fresh_mock: MockServer) -> None:
    with IcwsClient(fresh_mock.base_url, password="nope") as client:
        _assert_error(client.connect(), 401, "error.request.connection.authenticationFailure")
    assert _sessions(fresh_mock) == []


def test_connection_when_user_id_missing_is_400_missing_property(fresh_mock: MockServer) -> None:
    response = httpx.post(
        f"{fresh_mock.base_url}/icws/connection",
        json={"applicationName": "x", "password": "botagent"},
        headers={"Accept-Language": "en-us"},
    )
    body = _assert_error(response, 400, "error.request.missingProperty")
    assert (body["__type"], body["propertyName"]) == ("urn:inin.com:common:missingPropertyError", "userID")


def test_connection_when_other_auth_type_is_400(fresh_mock: MockServer) -> None:
    body = {
        "__type": "urn:inin.com:connection:singleSignOnTokenConnectionRequestSettings",
        "singleSignOnToken": "t",
    }
    response = httpx.post(
        f"{fresh_mock.base_url}/icws/connection", json=body, headers={"Accept-Language": "en"}
    )
    assert (
        _assert_error(response, 400, "error.request.connection.unsupportedAuthentication")["propertyName"]
        == "__type"
    )


def test_session_call_when_session_unknown_is_401(client: IcwsClient) -> None:
    client.connect()
    client.session_id = "1"
    _assert_error(client.dialer("log-in"), 401, "error.request.connection.invalidSession")


def test_session_call_when_session_deleted_is_410(client: IcwsClient) -> None:
    client.connect()
    assert client.ok("DELETE", "/connection").status_code == 200
    _assert_error(client.dialer("log-in"), 410, "error.request.connection.sessionGone")


def test_session_call_when_csrf_missing_is_401_and_changes_nothing(
    fresh_mock: MockServer, client: IcwsClient
) -> None:
    client.connect()
    client.csrf = ""
    response = client.http.post(f"/icws/{client.session_id}/dialer/log-in", json={})
    _assert_error(response, 401, "error.request.connection.invalidCsrfToken")
    assert _sessions(fresh_mock)[0]["dialerLoggedIn"] is False


def test_session_call_when_csrf_wrong_is_401(fresh_mock: MockServer, client: IcwsClient) -> None:
    client.connect()
    client.csrf = base64.b64encode(b"x" * 24).decode()
    _assert_error(client.dialer("log-in"), 401, "error.request.connection.invalidCsrfToken")
    assert _sessions(fresh_mock)[0]["dialerLoggedIn"] is False


def test_session_call_when_cookie_missing_is_401(fresh_mock: MockServer, client: IcwsClient) -> None:
    client.connect()
    client.http.cookies.clear()
    _assert_error(client.dialer("log-in"), 401, "error.request.connection.invalidSessionCookie")
    assert _sessions(fresh_mock)[0]["dialerLoggedIn"] is False


def test_session_call_when_cookie_wrong_is_401(client: IcwsClient) -> None:
    client.connect()
    client.http.cookies.clear()
    client.http.cookies.set(
        f"icws_{client.session_id}", "0|languageId=en-us", path=f"/icws/{client.session_id}"
    )
    _assert_error(client.dialer("log-in"), 401, "error.request.connection.invalidSessionCookie")


def test_messages_when_polled_without_csrf_header_answers_a_list(client: IcwsClient) -> None:
    client.connect()
    response = client.http.get(f"/icws/{client.session_id}/messaging/messages")
    assert (response.status_code, response.json()) == (200, [])
    assert response.headers["content-type"] == ICWS_JSON


def test_connector_calls_when_made_answer_the_codes_it_expects(client: IcwsClient) -> None:
    client.connect()
    station = {"__type": "urn:inin.com:connection:workstationSettings", "workstation": "7001"}
    assert client.ok("PUT", "/connection/station", station).status_code == 200
    subscription = {"userIds": [client.user]}
    assert client.ok("PUT", "/messaging/subscriptions/status/user-statuses", subscription).status_code == 200
    assert client.ok("GET", "/status/status-messages").status_code == 200
    queue = {"queueIds": [{"queueType": 1, "queueName": client.user}], "attributeNames": ["Eic_State"]}
    assert client.ok("PUT", "/messaging/subscriptions/queues/q1", queue).status_code == 200
    assert client.ok("DELETE", "/messaging/subscriptions/queues/q1").status_code == 204
    assert client.ok("DELETE", "/messaging/subscriptions/status/user-statuses").status_code == 204
    assert client.ok("DELETE", "/connection").status_code == 200


def test_user_status_subscription_when_made_sends_current_status(client: IcwsClient) -> None:
    client.connect()
    client.ok("PUT", "/messaging/subscriptions/status/user-statuses", {"userIds": [client.user]})
    message = client.wait_for("userStatusMessage")
    assert message["userStatusList"][0]["statusId"] == "Away from desk"
    client.set_status("Available")
    assert client.wait_for("userStatusMessage")["userStatusList"][0]["statusId"] == "Available"


def test_status_put_when_accepted_answers_202_and_completion_message(client: IcwsClient) -> None:
    client.connect()
    response = client.set_status("Available")
    assert response.status_code == 202
    request_id = response.json()["requestId"]
    assert client.wait_for("asyncOperationCompletedMessage")["requestId"] == request_id
    status = client.ok("GET", f"/status/user-statuses/{client.user}").json()
    assert (status["userId"], status["statusId"]) == (client.user, "Available")


def test_status_when_unknown_user_or_status_is_refused(client: IcwsClient) -> None:
    client.connect()
    _assert_error(client.call("GET", "/status/user-statuses/nobody"), 404, "error.request.status.unknownUser")
    bad = client.call("PUT", f"/status/user-statuses/{client.user}", {"statusId": "Nap"})
    assert _assert_error(bad, 400, "error.request.invalidProperty")["propertyName"] == "statusId"


def test_status_messages_when_listed_mark_available_as_acd(client: IcwsClient) -> None:
    client.connect()
    statuses = client.ok("GET", "/status/status-messages").json()["statusMessageList"]
    by_id = {s["statusId"]: s for s in statuses}
    assert by_id["Available"]["isAcdStatus"] is True
    assert by_id["Do Not Disturb"]["isAcdStatus"] is False
    assert by_id["Follow Up"]["isAfterCallWorkStatus"] is True


def test_station_when_set_read_and_cleared_round_trips(client: IcwsClient) -> None:
    client.connect()
    _assert_error(client.call("GET", "/connection/station"), 404, "error.request.connection.noStation")
    station = {"__type": "urn:inin.com:connection:remoteNumberSettings", "remoteNumber": "+15550001"}
    client.ok("PUT", "/connection/station", station)
    assert client.ok("GET", "/connection/station").json()["remoteNumber"] == "+15550001"
    client.ok("DELETE", "/connection/station")
    assert client.call("GET", "/connection/station").status_code == 404


def test_station_when_body_invalid_names_the_property(client: IcwsClient) -> None:
    client.connect()
    missing = client.call(
        "PUT", "/connection/station", {"__type": "urn:inin.com:connection:workstationSettings"}
    )
    assert _assert_error(missing, 400, "error.request.missingProperty")["propertyName"] == "workstation"
    wrong = client.call("PUT", "/connection/station", {"__type": "urn:inin.com:connection:bogus"})
    assert _assert_error(wrong, 400, "error.request.invalidProperty")["propertyName"] == "__type"


def test_connection_state_when_open_is_up(client: IcwsClient) -> None:
    client.connect()
    assert client.ok("GET", "/connection").json() == {"connectionState": 1}


@pytest.mark.parametrize("name", ["version", "features", "server-time", "server-info"])
def test_connection_info_when_asked_without_session_answers_200(fresh_mock: MockServer, name: str) -> None:
    response = httpx.get(f"{fresh_mock.base_url}/icws/connection/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"] == ICWS_JSON
    assert response.json()


def test_heartbeat_when_sent_answers_200(client: IcwsClient) -> None:
    client.connect()
    assert client.ok("POST", "/messaging/heartbeat").status_code == 200
