"""The session and message sources against the real mock ICWS server over loopback, on both transports."""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Iterator
from time import monotonic

import httpx
import pytest

from botagent.icws import (
    GeventTransport,
    HttpxTransport,
    PollingSource,
    RequestRecord,
    Session,
    SessionState,
    SseSource,
    Transport,
    open_message_source,
)
from botagent.mock.server import MockServer
from botagent.wire import (
    DataPopMessage,
    Forbidden,
    IcwsError,
    IcwsTransportError,
    LogoutGrantedMessage,
    Message,
    PreviewPopCall,
    SessionExpired,
    WorkstationSettings,
)

NextMessage = Callable[[float], Message]
LICENCES = ("I3_ACCESS_CLIENT", "I3_ACCESS_DIALER_ADDON")
CONTRACT_NAMES = {
    "POST /connection",
    "GET /connection",
    "DELETE /connection",
    "PUT /connection/station",
    "POST /licenses",
    "GET /messaging/messages",
    "GET /messaging/messages (sse)",
    "POST /messaging/heartbeat",
    "PUT /status/user-statuses",
    "GET /status/user-statuses",
    "GET /status/status-messages",
    "POST /dialer/log-in",
    "POST /dialer/ready-for-calls",
    "POST /dialer/request-break",
    "POST /dialer/end-break",
    "POST /dialer/place-preview-call",
    "POST /dialer/disposition",
    "POST /dialer/log-off",
    "POST /dialer/request-form-definition",
}


def make_transport(kind: str) -> Transport:
    return HttpxTransport() if kind == "httpx" else GeventTransport()


def make_session(
    mock: MockServer, kind: str, records: list[RequestRecord], user: str = "agent0001"
) -> Session:
    return Session(
        mock.base_url,
        user_id=user,
        password="botagent",
        transport=make_transport(kind),
        timeout=5.0,
        observer=records.append,
    )


# --- waiting for messages ----------


def wait_for(next_message: NextMessage, wanted: Callable[[Message], bool], timeout: float = 5.0) -> Message:
    deadline = monotonic() + timeout
    seen: list[str] = []
    while (remaining := deadline - monotonic()) > 0:
        try:
            message = next_message(remaining)
        except TimeoutError:
            break
        if wanted(message):
            return message
        seen.append(type(message).__name__)
    raise AssertionError(f"no wanted message within {timeout} s; saw {seen}")


def polled(source: PollingSource) -> NextMessage:
    buffer: deque[Message] = deque()

    def next_message(timeout: float) -> Message:
        deadline = monotonic() + timeout
        while not buffer:
            if monotonic() > deadline:
                raise TimeoutError
            buffer.extend(source.next_batch())
        return buffer.popleft()

    return next_message


def from_queue(get: Callable[[float], object]) -> NextMessage:
    def next_message(timeout: float) -> Message:
        try:
            item = get(timeout)
        except (queue.Empty, TimeoutError) as exc:
            raise TimeoutError from exc
        if isinstance(item, BaseException):
            raise item
        return item  # type: ignore[return-value]

    return next_message


def read_into(source: SseSource, put: Callable[[object], None]) -> None:
    """The reader loop a driver runs per agent: push messages, stop on close or on a broken stream."""
    while not source.closed:
        try:
            for message in source.next_batch():
                put(message)
        except (IcwsError, RuntimeError) as exc:
            put(exc)
            return


# --- the basic flow ----------


def is_pop(message: Message) -> bool:
    return isinstance(message, DataPopMessage)


def finish_call(session: Session, next_message: NextMessage, pop: DataPopMessage) -> str:
    call = pop.call
    if isinstance(call, PreviewPopCall) and not call.call_placed:
        session.place_preview_call()
        wait_for(
            next_message,
            lambda m: (
                isinstance(m, DataPopMessage)
                and m.call.interaction_id == call.interaction_id
                and getattr(m.call, "call_placed", False)
            ),
        )
    session.disposition(call.labels[0])
    return call.interaction_id


def basic_flow(session: Session, next_message: NextMessage) -> list[str]:
    """Acquire the licences, log in, take a call, disposition it, log off; returns the interaction ids
    dispositioned."""
    assert all(result.is_available for result in session.acquire_licenses(LICENCES))
    session.dialer_log_in()
    session.ready_for_calls()
    session.set_status("Available")
    pop = wait_for(next_message, is_pop)
    finished = [finish_call(session, next_message, pop)]  # type: ignore[arg-type]
    session.set_status("Available")
    session.dialer_log_off()
    while True:  # Dialer may pop another call before the logoff is granted (R31)
        message = wait_for(next_message, lambda m: is_pop(m) or isinstance(m, LogoutGrantedMessage))
        if isinstance(message, LogoutGrantedMessage):
            assert message.logged_out_of_dialer
            return finished
        finished.append(finish_call(session, next_message, message))  # type: ignore[arg-type]


def assert_ledger_closed(mock: MockServer, user: str, finished: list[str]) -> None:
    calls = [c for c in httpx.get(f"{mock.base_url}/mock/ledger").json()["calls"] if c["agent"] == user]
    assert sorted(c["interactionId"] for c in calls) == sorted(finished)
    assert all(c["state"] == "dispositioned" and c["dispositionCount"] == 1 for c in calls)


def assert_records_clean(records: list[RequestRecord], session_id: str) -> None:
    assert {r.name for r in records} <= CONTRACT_NAMES
    assert all(session_id not in r.name for r in records)
    assert all(r.error is None for r in records), [r for r in records if r.error]


@pytest.mark.parametrize("kind", ["httpx", "gevent"])
def test_basic_flow_when_polling_dispositions_every_call_and_logs_off(
    fresh_mock: MockServer, kind: str
) -> None:
    records: list[RequestRecord] = []
    with make_session(fresh_mock, kind, records) as session:
        session_id = session.session_id or ""
        finished = basic_flow(session, polled(PollingSource(session, interval=0.02)))

    assert session.state is SessionState.CLOSED
    assert_ledger_closed(fresh_mock, "agent0001", finished)
    assert_records_clean(records, session_id)
    assert [r.name for r in records][:5] == [
        "POST /connection",
        "POST /licenses",
        "POST /dialer/log-in",
        "POST /dialer/ready-for-calls",
        "PUT /status/user-statuses",
    ]
    assert records[-1].name == "DELETE /connection"


def test_basic_flow_when_sse_read_in_a_thread_delivers_every_message(fresh_mock: MockServer) -> None:
    records: list[RequestRecord] = []
    inbox: queue.Queue[object] = queue.Queue()
    with make_session(fresh_mock, "httpx", records) as session:
        source = open_message_source(session, read_timeout=5.0)
        assert isinstance(source, SseSource)
        reader = threading.Thread(target=read_into, args=(source, inbox.put), daemon=True)
        reader.start()
        finished = basic_flow(session, from_queue(lambda timeout: inbox.get(timeout=timeout)))
        session_id = session.session_id or ""

    reader.join(timeout=5.0)  # closing the session ends the stream on the server
    assert not reader.is_alive()
    assert isinstance(inbox.get_nowait(), IcwsTransportError)
    assert_ledger_closed(fresh_mock, "agent0001", finished)
    assert_records_clean(records, session_id)
    assert [r.name for r in records].count("GET /messaging/messages (sse)") == 1


def test_basic_flow_when_sse_read_in_a_greenlet_delivers_and_close_wakes_reader(
    fresh_mock: MockServer,
) -> None:
    import gevent
    import gevent.queue

    records: list[RequestRecord] = []
    inbox: gevent.queue.Queue[object] = gevent.queue.Queue()
    session = make_session(fresh_mock, "gevent", records)
    session.open()
    source = SseSource(session, read_timeout=5.0)
    reader = gevent.spawn(read_into, source, inbox.put)
    try:
        finished = basic_flow(session, from_queue(lambda timeout: inbox.get(timeout=timeout)))
        source.close()
        reader.join(timeout=2.0)
        assert reader.dead
        assert inbox.empty()  # a close wakes the reader without an error
    finally:
        reader.kill()
        session.close()
    assert_ledger_closed(fresh_mock, "agent0001", finished)


def test_sse_source_when_session_closed_ends_the_stream_of_a_greenlet_reader(fresh_mock: MockServer) -> None:
    import gevent
    import gevent.queue

    records: list[RequestRecord] = []
    inbox: gevent.queue.Queue[object] = gevent.queue.Queue()
    session = make_session(fresh_mock, "gevent", records, user="agent0002")
    session.open()
    source = SseSource(session, read_timeout=5.0)
    reader = gevent.spawn(read_into, source, inbox.put)
    session.set_status("Available")
    assert wait_for(from_queue(lambda timeout: inbox.get(timeout=timeout)), lambda m: True)

    session.close()
    reader.join(timeout=2.0)

    assert reader.dead
    assert isinstance(inbox.get_nowait(), IcwsTransportError)
    with pytest.raises(RuntimeError, match="CLOSED"):
        source.next_batch()  # reconnecting needs an open session
    assert [r.name for r in records].count("GET /messaging/messages (sse)") == 1


# --- single calls against the mock ----------


@pytest.fixture(params=["httpx", "gevent"])
def open_session(fresh_mock: MockServer, request: pytest.FixtureRequest) -> Iterator[Session]:
    session = make_session(fresh_mock, request.param, [], user="agent0003")
    session.open()
    session.acquire_licenses(LICENCES)
    yield session
    session.close()


def test_status_calls_when_made_return_the_mock_state(open_session: Session) -> None:
    assert open_session.connection_state().connection_state == 1
    assert "Available" in [s.status_id for s in open_session.status_messages().status_message_list]
    open_session.set_status("Do Not Disturb")
    assert open_session.get_status().status_id == "Do Not Disturb"
    open_session.heartbeat()


def test_dialer_calls_when_logged_in_succeed_and_form_definition_parses(
    open_session: Session, fresh_mock: MockServer
) -> None:
    mock_base_url = fresh_mock.base_url
    open_session.dialer_log_in()
    sessions = httpx.get(f"{mock_base_url}/mock/sessions").json()
    campaign_ids = sorted(sessions[0]["campaigns"])
    open_session.ready_for_calls(campaign_ids)
    open_session.request_break()
    open_session.end_break()
    assert open_session.request_form_definition(campaign_ids[0]).misc["allowBreak"] is True
    open_session.dialer_log_off(campaign_ids[:1])


def test_disposition_when_not_logged_in_raises_forbidden_with_error_id(open_session: Session) -> None:
    with pytest.raises(Forbidden) as caught:
        open_session.disposition("Sale")
    assert caught.value.error_id == "error.request.dialer.notLoggedIn"
    assert caught.value.endpoint == "POST /dialer/disposition"


def test_acquire_licenses_when_assigned_and_unknown_returns_one_result_each(fresh_mock: MockServer) -> None:
    """licenses: one licenseOperationResult per name; a name the server does not know is simply not
    acquired (https://help.genesys.com/developer/cic/docs/icws/webhelp/icws/(sessionId)/licenses/index.htm)."""
    records: list[RequestRecord] = []
    with make_session(fresh_mock, "httpx", records, user="agent0005") as session:
        results = session.acquire_licenses(["I3_ACCESS_DIALER_ADDON", "I3_NO_SUCH_LICENSE"])

    assert [(r.license_name, r.is_available, r.license_status) for r in results] == [
        ("I3_ACCESS_DIALER_ADDON", True, 2),
        ("I3_NO_SUCH_LICENSE", False, 3),
    ]
    assert [(r.name, r.status) for r in records if r.name == "POST /licenses"] == [("POST /licenses", 200)]


def test_acquire_licenses_when_given_no_name_raises_value_error_and_sends_nothing(
    open_session: Session,
) -> None:
    """licenses: ``licenseList`` is ``List [1,*]`` (official licenses page)."""
    with pytest.raises(ValueError, match="at least one licence"):
        open_session.acquire_licenses([])


def test_dialer_call_when_the_dialer_licence_was_not_acquired_raises_forbidden_with_official_text(
    fresh_mock: MockServer,
) -> None:
    """A Dialer call without the Dialer Add-on licence answers 403 "Neither the agent nor the station ..."
    (https://help.genesys.com/developer/cic/docs/icws/webhelp/icws/(sessionId)/dialer/ready-for-calls/index.htm)."""
    with make_session(fresh_mock, "httpx", [], user="agent0006") as session:
        session.acquire_licenses(["I3_ACCESS_CLIENT"])
        with pytest.raises(Forbidden) as caught:
            session.dialer_log_in()

    assert caught.value.message == (
        "Neither the agent nor the station the agent is logged in to has a Dialer Add-on License available."
    )


def test_open_when_password_wrong_raises_session_expired(fresh_mock: MockServer) -> None:
    session = Session(fresh_mock.base_url, user_id="agent0004", password="wrong")
    with pytest.raises(SessionExpired, match="authenticationFailure"):
        session.open()
    assert session.state is SessionState.UNOPENED
    session.close()


def test_open_when_station_given_is_accepted_by_the_mock(fresh_mock: MockServer) -> None:
    records: list[RequestRecord] = []
    session = Session(
        fresh_mock.base_url,
        user_id="agent0005",
        password="botagent",
        station=WorkstationSettings(workstation="BOT-0005"),
        observer=records.append,
    )
    with session:
        assert session.state is SessionState.OPEN
    assert [r.name for r in records] == ["POST /connection", "PUT /connection/station", "DELETE /connection"]
