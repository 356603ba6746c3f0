"""Session against httpx.MockTransport: headers, CSRF, cookies, error mapping, observer, lifecycle."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from botagent.icws import HttpxTransport, RequestRecord, Session, SessionState
from botagent.wire import (
    AsyncRequest,
    BadRequest,
    Forbidden,
    IcwsResponseValidationError,
    IcwsStatusError,
    IcwsTimeout,
    IcwsTransportError,
    NotFound,
    ServerError,
    ServiceUnavailable,
    SessionExpired,
    SessionGone,
    UserStatus,
    WorkstationSettings,
)

SESSION_ID = "54613001"
CSRF = "Q1NSRi10b2tlbg=="
COOKIE = f"icws_{SESSION_ID}=2f5b6f0e-1111-4a1e-9c1e-000000000001|languageId=en-us"
ICWS_JSON = "application/vnd.inin.icws+json;charset=utf-8"
Handler = Callable[[httpx.Request], httpx.Response]


def icws(status: int, body: object = None, **headers: str) -> httpx.Response:
    """An ICWS answer: JSON bodies carry the vendor media type."""
    if body is None:
        return httpx.Response(status, headers=headers)
    return httpx.Response(
        status, content=json.dumps(body).encode(), headers={"Content-Type": ICWS_JSON, **headers}
    )


def connection_created(**extra: object) -> httpx.Response:
    body = {"csrfToken": CSRF, "sessionId": SESSION_ID, "userID": "agent0001", **extra}
    return icws(
        201,
        body,
        **{
            "ININ-ICWS-Session-ID": SESSION_ID,
            "ININ-ICWS-CSRF-Token": CSRF,
            "Set-Cookie": f"{COOKIE}; Path=/icws/{SESSION_ID}; HttpOnly",
        },
    )


class FakeIcws:
    """Answers by (method, path after the session prefix); records every request it saw."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.requests: list[httpx.Request] = []
        self.routes: dict[tuple[str, str], Handler] = {
            ("POST", "/icws/connection"): lambda request: connection_created(),
        }

    def answer(self, method: str, path: str, response: httpx.Response | Handler) -> None:
        self.routes[(method, path)] = response if callable(response) else (lambda request: response)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path.removeprefix(self.prefix).replace(f"/icws/{SESSION_ID}/", "/")
        handler = self.routes.get((request.method, path))
        return handler(request) if handler else httpx.Response(200)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


@pytest.fixture
def fake() -> FakeIcws:
    return FakeIcws()


@pytest.fixture
def records() -> list[RequestRecord]:
    return []


def make_session(fake: FakeIcws, records: list[RequestRecord] | None = None, **kwargs: Any) -> Session:
    base_url = kwargs.pop("base_url", "http://cic.test:8019")
    return Session(
        base_url,
        user_id=kwargs.pop("user_id", "agent0001"),
        password="botagent",
        transport=HttpxTransport(transport=httpx.MockTransport(fake)),
        observer=None if records is None else records.append,
        **kwargs,
    )


@pytest.fixture
def session(fake: FakeIcws, records: list[RequestRecord]) -> Session:
    opened = make_session(fake, records)
    opened.open()
    fake.requests.clear()
    records.clear()
    return opened


# --- open ----------


def test_open_when_created_sends_icauth_body_language_and_no_csrf(fake: FakeIcws) -> None:
    connection = make_session(fake, language="de-DE").open()

    request = fake.last
    assert request.method == "POST"
    assert str(request.url) == "http://cic.test:8019/icws/connection?include=features,effective-station"
    assert json.loads(request.content) == {
        "__type": "urn:inin.com:connection:icAuthConnectionRequestSettings",
        "applicationName": "botagent",
        "userID": "agent0001",
        "password": "botagent",
    }
    assert request.headers["Accept-Language"] == "de-DE"
    assert request.headers["Accept"] == "application/vnd.inin.icws+JSON"
    assert request.headers["Content-Type"] == "application/vnd.inin.icws+JSON;charset=utf-8"
    assert "ININ-ICWS-CSRF-Token" not in request.headers
    assert connection.session_id == SESSION_ID


def test_session_call_when_open_sends_csrf_cookie_and_vendor_headers(
    session: Session, fake: FakeIcws
) -> None:
    session.dialer_log_in()

    request = fake.last
    assert str(request.url) == f"http://cic.test:8019/icws/{SESSION_ID}/dialer/log-in"
    assert request.headers["ININ-ICWS-CSRF-Token"] == CSRF
    assert request.headers["Cookie"] == COOKIE
    assert request.headers["Accept"] == "application/vnd.inin.icws+JSON"
    assert request.headers["Content-Type"] == "application/vnd.inin.icws+JSON;charset=utf-8"
    assert request.headers["Accept-Language"] == "en-US"
    assert json.loads(request.content) == {}


def test_open_when_headers_lack_ids_reads_them_from_body(fake: FakeIcws) -> None:
    fake.answer("POST", "/icws/connection", icws(201, {"csrfToken": "body-token", "sessionId": "777"}))
    session = make_session(fake)
    session.open()
    session.heartbeat()

    assert fake.last.url.path == "/icws/777/messaging/heartbeat"
    assert fake.last.headers["ININ-ICWS-CSRF-Token"] == "body-token"


def test_open_when_header_and_body_differ_prefers_headers(fake: FakeIcws) -> None:
    fake.answer(
        "POST",
        "/icws/connection",
        icws(
            201,
            {"csrfToken": "b", "sessionId": "1"},
            **{"ININ-ICWS-Session-ID": "2", "ININ-ICWS-CSRF-Token": "h"},
        ),
    )
    session = make_session(fake)

    assert session.open().session_id == "2"
    assert session.session_id == "2"


def test_open_when_answer_has_no_ids_raises_validation_error_and_stays_unopened(fake: FakeIcws) -> None:
    fake.answer("POST", "/icws/connection", icws(201, {"userID": "agent0001"}))
    session = make_session(fake)

    with pytest.raises(IcwsResponseValidationError, match="csrfToken|csrf_token"):
        session.open()
    assert session.state is SessionState.UNOPENED


def test_open_when_station_given_puts_it_with_type_and_csrf(fake: FakeIcws) -> None:
    session = make_session(fake, station=WorkstationSettings(workstation="BOT-0001"))
    session.open()

    request = fake.last
    assert (request.method, request.url.path) == ("PUT", f"/icws/{SESSION_ID}/connection/station")
    assert json.loads(request.content) == {
        "__type": "urn:inin.com:connection:workstationSettings",
        "workstation": "BOT-0001",
    }
    assert request.headers["ININ-ICWS-CSRF-Token"] == CSRF
    assert session.state is SessionState.OPEN


def test_open_when_station_refused_deletes_connection_and_stays_unopened(fake: FakeIcws) -> None:
    fake.answer(
        "PUT", "/connection/station", icws(400, {"errorId": "error.station", "message": "no station"})
    )
    session = make_session(fake, station=WorkstationSettings(workstation="nowhere"))

    with pytest.raises(BadRequest, match="no station"):
        session.open()

    assert [(r.method, r.url.path) for r in fake.requests[-2:]] == [
        ("PUT", f"/icws/{SESSION_ID}/connection/station"),
        ("DELETE", f"/icws/{SESSION_ID}/connection"),
    ]
    assert session.state is SessionState.UNOPENED
    assert session.session_id is None


def test_open_when_refused_raises_status_error_and_may_retry(fake: FakeIcws) -> None:
    fake.answer("POST", "/icws/connection", icws(400, {"errorId": "error.auth", "message": "bad password"}))
    session = make_session(fake)
    with pytest.raises(BadRequest) as caught:
        session.open()
    assert caught.value.error_id == "error.auth"
    assert session.state is SessionState.UNOPENED

    fake.answer("POST", "/icws/connection", lambda request: connection_created())
    session.open()
    assert session.state is SessionState.OPEN


def test_supports_event_stream_when_messaging_feature_v2_is_true(fake: FakeIcws) -> None:
    features = [{"featureId": "messaging", "version": 2}]
    fake.answer("POST", "/icws/connection", lambda request: connection_created(features=features))
    session = make_session(fake)
    assert not session.supports_event_stream
    session.open()
    assert session.supports_event_stream


# --- cookies ----------


def test_cookies_when_server_sets_more_later_sends_all_and_drops_expired(
    session: Session, fake: FakeIcws
) -> None:
    fake.answer(
        "POST", "/messaging/heartbeat", httpx.Response(200, headers=[("Set-Cookie", "lb=node2; Path=/")])
    )
    session.heartbeat()
    session.heartbeat()
    assert fake.last.headers["Cookie"] == f"{COOKIE}; lb=node2"

    fake.answer(
        "POST", "/messaging/heartbeat", httpx.Response(200, headers=[("Set-Cookie", "lb=; Max-Age=0")])
    )
    session.heartbeat()
    session.heartbeat()
    assert fake.last.headers["Cookie"] == COOKIE


def test_messages_poll_when_open_sends_cookie_but_no_csrf(session: Session, fake: FakeIcws) -> None:
    fake.answer(
        "GET",
        "/messaging/messages",
        icws(200, [{"__type": "urn:inin.com:dialer:breakStatusMessage", "isDelta": False, "breakStatus": 2}]),
    )

    messages = session.poll_messages()

    assert fake.last.headers["Cookie"] == COOKIE
    assert "ININ-ICWS-CSRF-Token" not in fake.last.headers
    assert [m.type for m in messages] == ["urn:inin.com:dialer:breakStatusMessage"]


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200),
        httpx.Response(204),
        httpx.Response(200, content=b"[]", headers={"Content-Type": "text/plain"}),
    ],
)
def test_messages_poll_when_no_json_body_returns_empty_list(
    session: Session, fake: FakeIcws, response: httpx.Response
) -> None:
    fake.answer("GET", "/messaging/messages", response)
    assert session.poll_messages() == []


# --- bodies and paths ----------


@pytest.mark.parametrize(
    ("call", "path", "body"),
    [
        (lambda s: s.dialer_log_in("c-1"), "/dialer/log-in", {"campaignId": "c-1"}),
        (lambda s: s.dialer_log_off(), "/dialer/log-off", {}),
        (lambda s: s.dialer_log_off(["c-1", "c-2"]), "/dialer/log-off", {"campaignIds": ["c-1", "c-2"]}),
        (lambda s: s.ready_for_calls(), "/dialer/ready-for-calls", {}),
        (lambda s: s.ready_for_calls(("c-1",)), "/dialer/ready-for-calls", {"campaignIds": ["c-1"]}),
        (lambda s: s.request_break(), "/dialer/request-break", None),
        (lambda s: s.end_break(), "/dialer/end-break", None),
        (lambda s: s.heartbeat(), "/messaging/heartbeat", None),
        (lambda s: s.place_preview_call(), "/dialer/place-preview-call", {}),
        (
            lambda s: s.place_preview_call({"Note": "x"}, call_initiated_by_timer=True),
            "/dialer/place-preview-call",
            {"callInitiatedByTimer": True, "callAttributes": {"Note": "x"}},
        ),
        (lambda s: s.disposition("Sale"), "/dialer/disposition", {"label": "Sale"}),
        (
            lambda s: s.disposition(
                "Callback", 1_900_000_000, "agent0002", relative_to=0, place_additional_follow_up_call=False
            ),
            "/dialer/disposition",
            {
                "label": "Callback",
                "scheduledTime": 1_900_000_000,
                "scheduledAgent": "agent0002",
                "relativeTo": 0,
                "placeAdditionalFollowUpCall": False,
            },
        ),
        (lambda s: s.set_status("Available"), "/status/user-statuses/agent0001", {"statusId": "Available"}),
        (
            lambda s: s.set_status("Do Not Disturb", notes="lunch"),
            "/status/user-statuses/agent0001",
            {"statusId": "Do Not Disturb", "notes": "lunch"},
        ),
    ],
)
def test_call_when_sent_has_exact_wire_body(
    session: Session, fake: FakeIcws, call: Callable[[Session], object], path: str, body: object
) -> None:
    call(session)

    assert fake.last.url.path == f"/icws/{SESSION_ID}{path}"
    assert (json.loads(fake.last.content) if fake.last.content else None) == body


def test_global_logoff_when_sent_leaves_campaign_ids_out_of_the_body(
    session: Session, fake: FakeIcws
) -> None:
    """log-off: campaignIds is List [1,*]; a global log-off omits it, never sends [] — official log-off
    page (D/log-off/index.htm)."""
    session.dialer_log_off([])

    assert json.loads(fake.last.content) == {}
    assert b"campaignIds" not in fake.last.content


def test_features_when_the_connection_listed_them_come_from_it_without_another_call(fake: FakeIcws) -> None:
    """Versioning: features come with POST /connection?include=features — official Versioning page."""
    features = [{"featureId": "messaging", "version": 2}, {"featureId": "dialer", "version": 4}]
    fake.answer("POST", "/icws/connection", lambda request: connection_created(features=features))
    session = make_session(fake)
    session.open()
    sent = len(fake.requests)

    assert session.features() == {"messaging": 2, "dialer": 4}
    assert len(fake.requests) == sent


@pytest.mark.parametrize(
    "body",
    [
        {"featureInfoList": [{"featureId": "dialer", "version": 3}]},
        [{"featureId": "dialer", "version": 3}],
    ],
    ids=["object", "list"],
)
def test_features_when_the_connection_listed_none_are_read_from_the_features_resource(
    fake: FakeIcws, body: object
) -> None:
    """Versioning: GET /icws/connection/features lists every feature — official Versioning page."""
    fake.answer("GET", "/icws/connection/features", icws(200, body))
    session = make_session(fake)
    session.open()

    assert session.features() == {"dialer": 3}
    assert fake.last.method == "GET"
    assert fake.last.url.path == "/icws/connection/features"


def test_features_when_the_features_resource_is_not_a_list_raise_a_validation_error(fake: FakeIcws) -> None:
    fake.answer("GET", "/icws/connection/features", icws(200, {"other": 1}))
    session = make_session(fake)
    session.open()

    with pytest.raises(IcwsResponseValidationError):
        session.features()


def test_paths_when_user_and_session_ids_need_escaping_are_url_encoded(fake: FakeIcws) -> None:
    fake.answer("POST", "/icws/connection", icws(201, {"csrfToken": "t", "sessionId": "a/b c"}))
    session = make_session(fake, user_id="CORP\\agent one")
    session.open()
    session.set_status("Available")

    assert fake.last.url.raw_path == b"/icws/a%2Fb%20c/status/user-statuses/CORP%5Cagent%20one"


def test_base_url_when_it_has_a_proxy_prefix_keeps_it_on_every_call() -> None:
    fake = FakeIcws(prefix="/api/cic1")
    session = make_session(fake, base_url="https://gateway.test/api/cic1/")
    session.open()
    session.ready_for_calls()
    session.poll_messages()

    assert [str(r.url) for r in fake.requests] == [
        "https://gateway.test/api/cic1/icws/connection?include=features,effective-station",
        f"https://gateway.test/api/cic1/icws/{SESSION_ID}/dialer/ready-for-calls",
        f"https://gateway.test/api/cic1/icws/{SESSION_ID}/messaging/messages",
    ]


@pytest.mark.parametrize("base_url", ["cic.test:8019", "ftp://cic.test", "http://", "http://cic.test/?x=1"])
def test_session_when_base_url_is_not_http_raises_value_error_naming_it(
    fake: FakeIcws, base_url: str
) -> None:
    with pytest.raises(ValueError, match="^base_url: "):
        make_session(fake, base_url=base_url)


def test_session_when_timeout_not_positive_raises_value_error_naming_it(fake: FakeIcws) -> None:
    with pytest.raises(ValueError, match="^timeout: "):
        make_session(fake, timeout=0)


# --- answers ----------


@pytest.mark.parametrize("status", [200, 202, 204])
def test_dialer_call_when_any_2xx_succeeds(session: Session, fake: FakeIcws, status: int) -> None:
    fake.answer("POST", "/dialer/ready-for-calls", httpx.Response(status))
    session.ready_for_calls()
    assert fake.last.url.path.endswith("/dialer/ready-for-calls")


def test_set_status_when_202_with_request_id_returns_it(session: Session, fake: FakeIcws) -> None:
    fake.answer("PUT", "/status/user-statuses/agent0001", icws(202, {"requestId": "r-9"}))
    assert session.set_status("Available") == AsyncRequest(request_id="r-9")


def test_set_status_when_answer_has_no_body_returns_none(session: Session, fake: FakeIcws) -> None:
    fake.answer("PUT", "/status/user-statuses/agent0001", httpx.Response(204))
    assert session.set_status("Available") is None


def test_last_status_when_calls_return_is_the_http_status_of_the_latest_answer(fake: FakeIcws) -> None:
    fake.answer("PUT", "/status/user-statuses/agent0001", icws(202, {"requestId": "r-9"}))
    fake.answer("POST", "/dialer/log-in", httpx.Response(500))
    session = make_session(fake)
    assert session.last_status is None

    session.open()
    assert session.last_status == 201
    session.set_status("Available")
    assert session.last_status == 202
    with pytest.raises(ServerError):
        session.dialer_log_in()
    assert session.last_status == 202, "a failed call leaves it alone"


def test_get_status_when_body_fits_returns_model(session: Session, fake: FakeIcws) -> None:
    fake.answer(
        "GET", "/status/user-statuses/agent0001", icws(200, {"userId": "agent0001", "statusId": "Available"})
    )
    status = session.get_status()
    assert isinstance(status, UserStatus)
    assert status.status_id == "Available"


def test_connection_state_and_status_messages_when_answered_return_models(
    session: Session, fake: FakeIcws
) -> None:
    fake.answer("GET", "/connection", icws(200, {"connectionState": 1}))
    fake.answer(
        "GET", "/status/status-messages", icws(200, {"statusMessageList": [{"statusId": "Available"}]})
    )
    fake.answer(
        "POST", "/dialer/request-form-definition", icws(200, {"pages": [], "misc": {"allowBreak": True}})
    )

    assert session.connection_state().connection_state == 1
    assert [s.status_id for s in session.status_messages().status_message_list] == ["Available"]
    assert session.request_form_definition("c-1").misc == {"allowBreak": True}
    assert json.loads(fake.last.content) == {"campaignId": "c-1"}


@pytest.mark.parametrize(
    "response",
    [
        icws(200, {"userId": "agent0001"}),
        httpx.Response(200, content=b"{not json", headers={"Content-Type": ICWS_JSON}),
        httpx.Response(200),
    ],
)
def test_get_status_when_2xx_body_does_not_fit_raises_validation_error_reported_once(
    session: Session, fake: FakeIcws, records: list[RequestRecord], response: httpx.Response
) -> None:
    fake.answer("GET", "/status/user-statuses/agent0001", response)

    with pytest.raises(IcwsResponseValidationError) as caught:
        session.get_status()

    assert caught.value.endpoint == "GET /status/user-statuses"
    assert records == [
        RequestRecord(
            "GET /status/user-statuses",
            "GET",
            200,
            records[0].elapsed_ms,
            len(response.content),
            caught.value,
        )
    ]


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, BadRequest),
        (401, SessionExpired),
        (403, Forbidden),
        (404, NotFound),
        (410, SessionGone),
        (500, ServerError),
        (502, ServerError),
        (503, ServiceUnavailable),
        (409, IcwsStatusError),
    ],
)
def test_call_when_status_is_not_2xx_raises_matching_error(
    session: Session, fake: FakeIcws, status: int, error_class: type[IcwsStatusError]
) -> None:
    fake.answer("POST", "/dialer/disposition", icws(status, {"errorId": "error.dialer.x", "message": "nope"}))

    with pytest.raises(error_class) as caught:
        session.disposition("Sale")

    error = caught.value
    assert type(error) is error_class
    assert (error.endpoint, error.status, error.error_id, error.message) == (
        "POST /dialer/disposition",
        status,
        "error.dialer.x",
        "nope",
    )


def test_call_when_503_with_retry_after_carries_seconds_and_alternate_hosts(
    session: Session, fake: FakeIcws
) -> None:
    fake.answer(
        "POST",
        "/dialer/log-in",
        icws(503, {"message": "busy", "alternateHostList": ["cic2.test"]}, **{"Retry-After": "7"}),
    )

    with pytest.raises(ServiceUnavailable) as caught:
        session.dialer_log_in()

    assert caught.value.retry_after == 7.0
    assert caught.value.alternate_hosts == ("cic2.test",)


def test_call_when_error_body_is_not_json_still_maps_the_status(session: Session, fake: FakeIcws) -> None:
    fake.answer("POST", "/dialer/log-in", httpx.Response(403, content=b"<html>denied</html>"))
    with pytest.raises(Forbidden) as caught:
        session.dialer_log_in()
    assert caught.value.error_id is None


@pytest.mark.parametrize(
    ("exception", "error_class"),
    [
        (httpx.ReadTimeout("timed out"), IcwsTimeout),
        (httpx.ConnectTimeout("timed out"), IcwsTimeout),
        (httpx.ConnectError("[Errno 111] Connection refused"), IcwsTransportError),
        (httpx.RemoteProtocolError("peer closed connection"), IcwsTransportError),
    ],
)
def test_call_when_transport_fails_raises_transport_error_with_endpoint(
    session: Session,
    fake: FakeIcws,
    records: list[RequestRecord],
    exception: httpx.HTTPError,
    error_class: type[IcwsTransportError],
) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise exception

    fake.answer("POST", "/dialer/request-break", fail)

    with pytest.raises(error_class) as caught:
        session.request_break()

    assert type(caught.value) is error_class
    assert caught.value.endpoint == "POST /dialer/request-break"
    assert SESSION_ID not in str(caught.value)
    assert [(r.name, r.status, r.response_length, r.error) for r in records] == [
        ("POST /dialer/request-break", None, 0, caught.value)
    ]


# --- observer ----------


def test_observer_when_every_call_is_made_gets_one_record_each_with_stable_names(
    fake: FakeIcws, records: list[RequestRecord]
) -> None:
    fake.answer("GET", "/connection", icws(200, {"connectionState": 1}))
    fake.answer(
        "GET", "/status/user-statuses/agent0001", icws(200, {"userId": "agent0001", "statusId": "Available"})
    )
    fake.answer("GET", "/status/status-messages", icws(200, {"statusMessageList": []}))
    fake.answer("POST", "/dialer/request-form-definition", icws(200, {}))
    session = make_session(fake, records, station=WorkstationSettings(workstation="BOT-0001"))

    session.open()
    session.connection_state()
    session.heartbeat()
    session.poll_messages()
    session.set_status("Available")
    session.get_status()
    session.status_messages()
    session.dialer_log_in()
    session.ready_for_calls()
    session.request_break()
    session.end_break()
    session.place_preview_call()
    session.disposition("Sale")
    session.request_form_definition()
    session.dialer_log_off()
    session.close()

    assert [r.name for r in records] == [
        "POST /connection",
        "PUT /connection/station",
        "GET /connection",
        "POST /messaging/heartbeat",
        "GET /messaging/messages",
        "PUT /status/user-statuses",
        "GET /status/user-statuses",
        "GET /status/status-messages",
        "POST /dialer/log-in",
        "POST /dialer/ready-for-calls",
        "POST /dialer/request-break",
        "POST /dialer/end-break",
        "POST /dialer/place-preview-call",
        "POST /dialer/disposition",
        "POST /dialer/request-form-definition",
        "POST /dialer/log-off",
        "DELETE /connection",
    ]
    assert len(records) == len(fake.requests)
    assert all(r.method == r.name.split()[0] for r in records)
    assert all(SESSION_ID not in r.name and "agent0001" not in r.name for r in records)
    assert all(r.error is None and r.status is not None and r.elapsed_ms >= 0 for r in records)


def test_observer_when_call_fails_gets_exactly_the_raised_error(
    session: Session, fake: FakeIcws, records: list[RequestRecord]
) -> None:
    body = {"errorId": "error.dialer.noCall", "message": "no current call"}
    fake.answer("POST", "/dialer/disposition", icws(404, body))

    with pytest.raises(NotFound) as caught:
        session.disposition("Sale")

    assert len(records) == 1
    record = records[0]
    assert (record.name, record.method, record.status, record.error) == (
        "POST /dialer/disposition",
        "POST",
        404,
        caught.value,
    )
    assert record.response_length == len(json.dumps(body))


# --- lifecycle ----------


def test_call_when_session_unopened_raises_runtime_error_without_request(fake: FakeIcws) -> None:
    session = make_session(fake)
    with pytest.raises(RuntimeError, match="not open"):
        session.dialer_log_in()
    with pytest.raises(RuntimeError, match="not open"):
        session.poll_messages()
    assert fake.requests == []


def test_call_when_session_closed_raises_runtime_error_without_request(
    session: Session, fake: FakeIcws
) -> None:
    session.close()
    fake.requests.clear()

    with pytest.raises(RuntimeError, match="CLOSED"):
        session.set_status("Available")
    with pytest.raises(RuntimeError, match="UNOPENED"):
        session.open()
    assert fake.requests == []


def test_open_when_already_open_raises_runtime_error(session: Session) -> None:
    with pytest.raises(RuntimeError, match="OPEN"):
        session.open()


def test_close_when_called_twice_deletes_connection_once(session: Session, fake: FakeIcws) -> None:
    session.close()
    session.close()

    assert [(r.method, r.url.path) for r in fake.requests] == [("DELETE", f"/icws/{SESSION_ID}/connection")]
    assert "ININ-ICWS-CSRF-Token" in fake.last.headers
    assert session.state is SessionState.CLOSED


def test_close_when_delete_fails_raises_and_still_closes(session: Session, fake: FakeIcws) -> None:
    fake.answer("DELETE", "/connection", icws(410, {"message": "gone"}))

    with pytest.raises(SessionGone):
        session.close()

    assert session.state is SessionState.CLOSED
    session.close()
    assert len(fake.requests) == 1


def test_close_when_never_opened_sends_nothing(fake: FakeIcws) -> None:
    session = make_session(fake)
    session.close()
    assert session.state is SessionState.CLOSED
    assert fake.requests == []


def test_context_manager_when_used_opens_and_closes(fake: FakeIcws) -> None:
    with make_session(fake) as session:
        assert session.state is SessionState.OPEN
        session.ready_for_calls()

    assert session.state is SessionState.CLOSED
    assert [r.method for r in fake.requests] == ["POST", "POST", "DELETE"]


def test_context_manager_when_body_raises_keeps_that_error_over_close_failure(fake: FakeIcws) -> None:
    fake.answer("DELETE", "/connection", httpx.Response(500))

    with pytest.raises(KeyError), make_session(fake) as session:
        raise KeyError("from the body")

    assert session.state is SessionState.CLOSED
