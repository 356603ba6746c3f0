"""Where a session's messages come from: short polls, or a server-sent event stream.

Both sources offer ``next_batch()``, which blocks until messages arrive (or, for polling, until the
next poll is answered) and ``close()``. They block only in socket reads and ``threading.Event.wait``,
so they run as well in a plain thread as in a greenlet of a gevent-patched process (one reader
greenlet per agent pushing into the agent's queue). Errors propagate; reconnecting is the caller's
choice, and costs one call of ``next_batch()``.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from time import monotonic
from typing import Protocol

from pydantic import ValidationError

from botagent.icws._client import Session
from botagent.wire import (
    Endpoint,
    IcwsError,
    IcwsResponseValidationError,
    IcwsTransportError,
    Message,
    parse_message,
)

_LINE_END = re.compile(rb"\r\n|\r|\n")

__all__ = [
    "MessageSource",
    "PollingSource",
    "SseDecoder",
    "SseEvent",
    "SseSource",
    "open_message_source",
]


class MessageSource(Protocol):
    """A stream of batches of ICWS messages for one session."""

    @property
    def closed(self) -> bool:
        """True once ``close()`` was called; ``next_batch()`` then returns ``[]`` at once."""
        ...

    def next_batch(self) -> list[Message]:
        """Block until messages arrive and return them, oldest first.

        Raises:
            RuntimeError: the session is not OPEN.
            IcwsError: the poll or the stream failed; call again to retry or reconnect.
        """
        ...

    def close(self) -> None:
        """Stop: wake a waiting ``next_batch()`` and release the stream. Idempotent."""
        ...


class PollingSource:
    """Messages from ``GET messaging/messages`` every ``interval`` seconds.

    ``next_batch()`` waits until the next poll is due, polls once and returns what it got, which
    may be empty. The first call polls at once.
    """

    def __init__(self, session: Session, interval: float = 1.0) -> None:
        if not interval > 0:
            raise ValueError(f"interval: must be a positive number of seconds (got {interval!r})")
        self.interval = interval
        self._session = session
        self._due = 0.0
        self._stop = threading.Event()

    @property
    def closed(self) -> bool:
        """True once ``close()`` was called."""
        return self._stop.is_set()

    def next_batch(self) -> list[Message]:
        """Wait for the next poll, send it and return its messages (see ``MessageSource``)."""
        delay = self._due - monotonic()
        if self._stop.wait(delay) if delay > 0 else self._stop.is_set():
            return []
        self._due = monotonic() + self.interval
        return self._session.poll_messages()

    def close(self) -> None:
        """Stop polling; wakes a waiting ``next_batch()``."""
        self._stop.set()


@dataclass(frozen=True, slots=True)
class SseEvent:
    """One dispatched server-sent event."""

    data: str
    event: str = "message"
    id: str = ""


class SseDecoder:
    """Incremental ``text/event-stream`` parser (WHATWG HTML, "Parsing an event stream").

    Feed it body chunks split anywhere; it handles CRLF, LF and CR line ends (also split across
    chunks), comments, multi-line ``data``, ``event``, ``id`` and ``retry``. An event that the stream
    ends in the middle of is dropped, as the standard says.
    """

    def __init__(self) -> None:
        self.last_event_id = ""
        self.retry_ms: int | None = None
        self._buffer = b""
        self._skip_lf = False
        self._first = True
        self._data: list[str] = []
        self._event = ""

    def feed(self, chunk: bytes) -> list[SseEvent]:
        """Parse a chunk of the stream and return the events it completed."""
        if self._skip_lf and chunk[:1] == b"\n":
            chunk = chunk[1:]
        self._skip_lf = False
        buffer = self._buffer + chunk
        if self._first and buffer:
            if len(buffer) < 3 and b"\xef\xbb\xbf".startswith(buffer):
                self._buffer = buffer
                return []
            self._first = False
            buffer = buffer.removeprefix(b"\xef\xbb\xbf")
        events: list[SseEvent] = []
        for line in self._split(buffer):
            event = self._line(line.decode("utf-8", "replace"))
            if event is not None:
                events.append(event)
        return events

    def reset(self) -> None:
        """Forget a partly received line and event, for a new stream; keep the last event id and retry."""
        self._buffer = b""
        self._skip_lf = False
        self._first = True
        self._data = []
        self._event = ""

    def _split(self, buffer: bytes) -> Iterator[bytes]:
        start = 0
        for match in _LINE_END.finditer(buffer):
            yield buffer[start : match.start()]
            start = match.end()
        self._buffer = buffer[start:]
        # a CR ending the chunk may be the first half of a CRLF split across chunks
        self._skip_lf = buffer.endswith(b"\r")

    def _line(self, line: str) -> SseEvent | None:
        if not line:
            return self._dispatch()
        if line[0] == ":":
            return None
        field, colon, value = line.partition(":")
        if colon and value[:1] == " ":
            value = value[1:]
        if field == "data":
            self._data.append(value)
        elif field == "event":
            self._event = value
        elif field == "id" and "\0" not in value:
            self.last_event_id = value
        elif field == "retry" and value.isascii() and value.isdigit():
            self.retry_ms = int(value)
        return None

    def _dispatch(self) -> SseEvent | None:
        data, event = self._data, self._event or "message"
        self._data, self._event = [], ""
        if not data:
            return None
        return SseEvent("\n".join(data), event, self.last_event_id)


class SseSource:
    """Messages from the server-sent event stream of ``GET messaging/messages``.

    The stream opens on the first ``next_batch()`` (reported to the observer as
    ``GET /messaging/messages (sse)``). Each ``message`` event carries one message. When the stream
    breaks, ``next_batch()`` raises ``IcwsTransportError`` (``IcwsTimeout`` when nothing, not even a
    keep-alive, arrived for ``read_timeout`` seconds) and the next call opens a new stream, sending
    ``Last-Event-ID`` when the server gave event ids. ``retry_ms`` is the reconnection delay the
    server asked for, if any.

    ``close()`` from another greenlet wakes a blocked read at once; from another plain thread it
    takes effect when the next bytes arrive or the server ends the stream (as it does when the
    session is closed).
    """

    def __init__(self, session: Session, *, read_timeout: float | None = 120.0) -> None:
        if read_timeout is not None and not read_timeout > 0:
            raise ValueError(
                f"read_timeout: must be a positive number of seconds or None (got {read_timeout!r})"
            )
        self._session = session
        self._read_timeout = read_timeout
        self._decoder = SseDecoder()
        self._pending: deque[SseEvent] = deque()
        self._stack: ExitStack | None = None
        self._chunks: Iterator[bytes] | None = None
        self._closed = False

    @property
    def closed(self) -> bool:
        """True once ``close()`` was called."""
        return self._closed

    @property
    def connected(self) -> bool:
        """True while a stream is open."""
        return self._chunks is not None

    @property
    def retry_ms(self) -> int | None:
        """The reconnection delay the server asked for with ``retry:``, in milliseconds."""
        return self._decoder.retry_ms

    def next_batch(self) -> list[Message]:
        """Block until at least one message arrives and return the messages received so far.

        Raises:
            RuntimeError: the session is not OPEN.
            IcwsTransportError: the stream could not be opened, broke, or was ended by the server.
            IcwsStatusError: the stream open was answered with a non-2xx status.
            IcwsResponseValidationError: an event's data is not a valid message (the stream stays
                open; the next call goes on with the following events).
        """
        while not self._closed:
            if self._pending:
                return self._drain()
            chunk = self._read()
            self._pending.extend(e for e in self._decoder.feed(chunk) if e.event == "message")
        return []

    def close(self) -> None:
        """Close the stream; a blocked ``next_batch()`` returns ``[]``."""
        self._closed = True
        self._disconnect()

    def _drain(self) -> list[Message]:
        messages: list[Message] = []
        while self._pending:
            event = self._pending.popleft()
            try:
                messages.append(parse_message(event.data))
            except ValidationError as exc:
                if messages:  # hand over what is good; the bad event fails the next call
                    self._pending.appendleft(event)
                    break
                raise IcwsResponseValidationError(
                    f"event data is not an ICWS message: {exc.error_count()} problem(s), "
                    f"first: {exc.errors()[0]['msg']}",
                    endpoint=Endpoint.OPEN_EVENT_STREAM,
                ) from exc
        return messages

    def _read(self) -> bytes:
        if self._chunks is None:
            self._connect()
        assert self._chunks is not None
        try:
            return next(self._chunks)
        except StopIteration:
            self._disconnect()
            raise IcwsTransportError(
                "the server ended the event stream", endpoint=Endpoint.OPEN_EVENT_STREAM
            ) from None
        except IcwsError as exc:
            self._disconnect()
            if self._closed:
                return b""
            exc.endpoint = exc.endpoint or Endpoint.OPEN_EVENT_STREAM
            raise

    def _connect(self) -> None:
        stack = ExitStack()
        stream = stack.enter_context(
            self._session._open_event_stream(self._read_timeout, self._decoder.last_event_id)
        )
        self._decoder.reset()
        self._stack, self._chunks = stack, iter(stream)

    def _disconnect(self) -> None:
        stack, self._stack, self._chunks = self._stack, None, None
        if stack is not None:
            try:
                stack.close()
            except IcwsError:
                pass  # the stream is being dropped; a failure to close it changes nothing


def open_message_source(
    session: Session, *, poll_interval: float = 1.0, read_timeout: float | None = 120.0
) -> SseSource | PollingSource:
    """Pick the source the server supports: SSE when it lists ``messaging`` version 2 or higher.

    Args:
        session: an OPEN session.
        poll_interval: seconds between polls when polling.
        read_timeout: longest silence on the event stream before it counts as broken.
    """
    if session.supports_event_stream:
        return SseSource(session, read_timeout=read_timeout)
    return PollingSource(session, poll_interval)
