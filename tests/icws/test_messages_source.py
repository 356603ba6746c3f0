"""Message sources without a network: the event-stream parser, SseSource and PollingSource."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from botagent.icws import (
    HttpxTransport,
    PollingSource,
    RequestRecord,
    Session,
    SseSource,
    open_message_source,
)
from botagent.icws._messages_source import SseDecoder, SseEvent
from botagent.wire import (
    BreakStatusMessage,
    IcwsResponseValidationError,
    IcwsTransportError,
    SessionExpired,
    SessionGone,
    UnknownMessage,
)

SESSION_ID = "54613001"
CSRF = "Q1NSRg=="
COOKIE = f"icws_{SESSION_ID}=6f1c|languageId=en-us"
SSE = "GET /messaging/messages (sse)"


def message(break_status: int) -> str:
    return json.dumps(
        {"__type": "urn:inin.com:dialer:breakStatusMessage", "isDelta": False, "breakStatus": break_status}
    )


# --- the event-stream parser ----------


def decode(*chunks: bytes) -> list[SseEvent]:
    decoder = SseDecoder()
    return [event for chunk in chunks for event in decoder.feed(chunk)]


@pytest.mark.parametrize(
    ("chunks", "expected"),
    [
        ((b"data: one\n\n",), [SseEvent("one")]),
        ((b"data: one\r\n\r\n",), [SseEvent("one")]),
        ((b"data: one\r\rdata: two\r\r",), [SseEvent("one"), SseEvent("two")]),
        ((b"data: a\r", b"\n", b"\r", b"\n"), [SseEvent("a")]),
        ((b"da", b"ta: sp", b"lit\n", b"\n"), [SseEvent("split")]),
        ((b"data: first\ndata: second\n\n",), [SseEvent("first\nsecond")]),
        ((b"data:no-space\n\n",), [SseEvent("no-space")]),
        ((b"data:  two-spaces\n\n",), [SseEvent(" two-spaces")]),
        ((b"data\n\n",), [SseEvent("")]),
        ((b": keep-alive\n\n: another\n\ndata: x\n\n",), [SseEvent("x")]),
        ((b"\n\n\n",), []),
        ((b"event: ping\ndata: p\n\ndata: m\n\n",), [SseEvent("p", "ping"), SseEvent("m")]),
        ((b"id: 7\ndata: x\n\ndata: y\n\n",), [SseEvent("x", id="7"), SseEvent("y", id="7")]),
        ((b"unknown: field\nDATA: upper\n\n",), []),
        ((b"data: \xc3", b"\xa9t\xc3\xa9\n\n"), [SseEvent("\u00e9t\u00e9")]),
        ((b"\xef\xbb", b"\xbfdata: bom\n\n"), [SseEvent("bom")]),
        ((b"data: unfinished\n",), []),
        ((b'data: {"a": 1}\n\n',), [SseEvent('{"a": 1}')]),
    ],
)
def test_sse_decoder_when_fed_chunks_yields_events(
    chunks: tuple[bytes, ...], expected: list[SseEvent]
) -> None:
    assert decode(*chunks) == expected


def test_sse_decoder_when_retry_and_id_given_remembers_them() -> None:
    decoder = SseDecoder()
    decoder.feed(b"retry: 2500\nid: 41\n\nretry: soon\nid: bad\0id\n\n")
    assert (decoder.retry_ms, decoder.last_event_id) == (2500, "41")


def test_sse_decoder_when_reset_drops_partial_event_but_keeps_id() -> None:
    decoder = SseDecoder()
    decoder.feed(b"id: 9\n\ndata: half")
    decoder.reset()
    assert decoder.feed(b"data: whole\n\n") == [SseEvent("whole", id="9")]


def test_sse_decoder_when_bytes_come_one_at_a_time_gives_same_events() -> None:
    stream = b"retry: 10\r\n: c\r\nevent: message\r\ndata: a\r\ndata: b\r\n\r\ndata: c\r\r"
    assert decode(*(stream[i : i + 1] for i in range(len(stream)))) == [SseEvent("a\nb"), SseEvent("c")]


# --- a session over httpx.MockTransport ----------


class FakeStreamServer:
    """Creates sessions and answers the message stream with the next of ``streams``."""

    def __init__(self) -> None:
        self.streams: list[Callable[[], httpx.Response]] = []
        self.polls: list[httpx.Response] = []
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/icws/connection":
            body = {
                "csrfToken": CSRF,
                "sessionId": SESSION_ID,
                "features": [{"featureId": "messaging", "version": 2}],
            }
            return httpx.Response(
                201, json=body, headers={"Set-Cookie": f"{COOKIE}; Path=/icws/{SESSION_ID}"}
            )
        if request.url.path.endswith("/messaging/messages"):
            if request.headers.get("Accept") == "text/event-stream":
                return self.streams.pop(0)()
            return self.polls.pop(0) if self.polls else httpx.Response(200, json=[])
        return httpx.Response(200)


def event_stream(*chunks: bytes, fail: Exception | None = None) -> Callable[[], httpx.Response]:
    def body() -> Iterator[bytes]:
        yield from chunks
        if fail is not None:
            raise fail

    return lambda: httpx.Response(200, headers={"Content-Type": "text/event-stream"}, content=body())


@pytest.fixture
def server() -> FakeStreamServer:
    return FakeStreamServer()


@pytest.fixture
def records() -> list[RequestRecord]:
    return []


@pytest.fixture
def session(server: FakeStreamServer, records: list[RequestRecord]) -> Iterator[Session]:
    transport = HttpxTransport(transport=httpx.MockTransport(server))
    opened = Session(
        "http://cic.test", user_id="agent0001", password="x", transport=transport, observer=records.append
    )
    opened.open()
    records.clear()
    yield opened
    opened.close()


def test_sse_source_when_events_arrive_returns_messages_and_sends_cookie_only(
    session: Session, server: FakeStreamServer, records: list[RequestRecord]
) -> None:
    server.streams.append(
        event_stream(f"data: {message(1)}\n\n: ka\n\n".encode(), f"data: {message(2)}\n\n".encode())
    )
    source = SseSource(session)

    first = source.next_batch()
    second = source.next_batch()

    assert [type(m) for m in first + second] == [BreakStatusMessage, BreakStatusMessage]
    assert [m.break_status for m in first + second] == [1, 2]  # type: ignore[union-attr]
    request = server.requests[-1]
    assert request.url.path == f"/icws/{SESSION_ID}/messaging/messages"
    assert request.headers["Accept"] == "text/event-stream"
    assert request.headers["Cookie"] == COOKIE
    assert "ININ-ICWS-CSRF-Token" not in request.headers
    assert [(r.name, r.method, r.status, r.error) for r in records] == [(SSE, "GET", 200, None)]


def test_sse_source_when_one_chunk_holds_several_events_returns_them_together(
    session: Session, server: FakeStreamServer
) -> None:
    server.streams.append(event_stream(f"data: {message(0)}\n\ndata: {message(2)}\n\n".encode()))
    assert len(SseSource(session).next_batch()) == 2


def test_sse_source_when_stream_ends_raises_then_reconnects_with_last_event_id(
    session: Session, server: FakeStreamServer, records: list[RequestRecord]
) -> None:
    server.streams.append(event_stream(f"retry: 1500\nid: 5\ndata: {message(1)}\n\n".encode()))
    server.streams.append(event_stream(f"data: {message(2)}\n\n".encode()))
    source = SseSource(session)
    source.next_batch()

    with pytest.raises(IcwsTransportError, match="ended the event stream") as caught:
        source.next_batch()
    assert caught.value.endpoint == SSE
    assert not source.connected

    assert [m.break_status for m in source.next_batch()] == [2]  # type: ignore[union-attr]
    assert server.requests[-1].headers["Last-Event-ID"] == "5"
    assert source.retry_ms == 1500
    assert [r.name for r in records] == [SSE, SSE]


def test_sse_source_when_stream_is_cut_raises_transport_error(
    session: Session, server: FakeStreamServer
) -> None:
    server.streams.append(event_stream(b"data: {", fail=httpx.ReadError("connection reset")))
    with pytest.raises(IcwsTransportError, match="ReadError") as caught:
        SseSource(session).next_batch()
    assert caught.value.endpoint == SSE


def test_sse_source_when_open_is_refused_raises_status_error_reported_once(
    session: Session, server: FakeStreamServer, records: list[RequestRecord]
) -> None:
    server.streams.append(lambda: httpx.Response(401, json={"errorId": "error.session", "message": "who?"}))
    source = SseSource(session)

    with pytest.raises(SessionExpired) as caught:
        source.next_batch()

    assert [(r.name, r.status, r.error) for r in records] == [(SSE, 401, caught.value)]
    assert caught.value.error_id == "error.session"


def test_sse_source_when_answer_is_not_an_event_stream_raises_validation_error(
    session: Session, server: FakeStreamServer
) -> None:
    server.streams.append(lambda: httpx.Response(200, json=[]))
    with pytest.raises(IcwsResponseValidationError, match="text/event-stream"):
        SseSource(session).next_batch()


def test_sse_source_when_an_event_is_not_a_message_raises_then_goes_on(
    session: Session, server: FakeStreamServer
) -> None:
    bad = json.dumps({"__type": "urn:inin.com:dialer:breakStatusMessage", "breakStatus": "soon"})
    server.streams.append(event_stream(f"data: {bad}\n\n".encode(), f"data: {message(0)}\n\n".encode()))
    source = SseSource(session)

    with pytest.raises(IcwsResponseValidationError, match="not an ICWS message"):
        source.next_batch()
    assert [m.break_status for m in source.next_batch()] == [0]  # type: ignore[union-attr]


def test_sse_source_when_events_have_other_names_skips_them(
    session: Session, server: FakeStreamServer
) -> None:
    unknown = json.dumps({"__type": "urn:example:somethingNew", "isDelta": True, "x": 1})
    server.streams.append(event_stream(f"event: ping\ndata: {{}}\n\ndata: {unknown}\n\n".encode()))
    batch = SseSource(session).next_batch()
    assert [type(m) for m in batch] == [UnknownMessage]


def test_sse_source_when_closed_returns_empty_batches(session: Session, server: FakeStreamServer) -> None:
    server.streams.append(event_stream(f"data: {message(1)}\n\n".encode()))
    source = SseSource(session)
    source.next_batch()
    source.close()
    source.close()
    assert source.closed
    assert source.next_batch() == []


def test_sse_source_when_session_not_open_raises_runtime_error(server: FakeStreamServer) -> None:
    transport = HttpxTransport(transport=httpx.MockTransport(server))
    session = Session("http://cic.test", user_id="agent0001", password="x", transport=transport)
    with pytest.raises(RuntimeError, match="not open"):
        SseSource(session).next_batch()


def test_sse_source_when_read_timeout_not_positive_raises_value_error(session: Session) -> None:
    with pytest.raises(ValueError, match="^read_timeout: "):
        SseSource(session, read_timeout=0)


def test_open_message_source_when_server_has_messaging_v2_picks_sse(session: Session) -> None:
    assert isinstance(open_message_source(session), SseSource)


def test_open_message_source_when_server_lacks_messaging_v2_picks_polling(server: FakeStreamServer) -> None:
    transport = HttpxTransport(transport=httpx.MockTransport(server))
    session = Session("http://cic.test", user_id="agent0001", password="x", transport=transport)
    assert isinstance(open_message_source(session, poll_interval=0.5), PollingSource)


# --- polling ----------


def test_polling_source_when_called_twice_polls_at_once_then_after_interval(
    session: Session, server: FakeStreamServer, records: list[RequestRecord]
) -> None:
    server.polls.append(httpx.Response(200, json=[json.loads(message(2))]))
    source = PollingSource(session, interval=0.1)

    started = time.monotonic()
    first = source.next_batch()
    second = source.next_batch()
    elapsed = time.monotonic() - started

    assert [type(m) for m in first] == [BreakStatusMessage]
    assert second == []
    assert 0.09 <= elapsed < 1.0
    assert [r.name for r in records] == ["GET /messaging/messages"] * 2


def test_polling_source_when_closed_from_another_thread_wakes_the_waiter(session: Session) -> None:
    source = PollingSource(session, interval=30.0)
    source.next_batch()
    threading.Timer(0.05, source.close).start()

    started = time.monotonic()
    assert source.next_batch() == []
    assert time.monotonic() - started < 5.0
    assert source.closed


def test_polling_source_when_poll_fails_raises_its_error(session: Session, server: FakeStreamServer) -> None:
    server.polls.append(httpx.Response(410, json={"message": "gone"}))
    with pytest.raises(SessionGone):
        PollingSource(session).next_batch()


def test_polling_source_when_interval_not_positive_raises_value_error(session: Session) -> None:
    with pytest.raises(ValueError, match="^interval: "):
        PollingSource(session, interval=0)
