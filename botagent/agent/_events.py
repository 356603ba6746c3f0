"""What the driver tells the agent: it started, a request ended, a message came, a timer fired, stop."""

from __future__ import annotations

from dataclasses import dataclass

from botagent.wire import Message

from ._actions import Request, Timer
from ._results import Acknowledged, RequestResult

__all__ = [
    "Event",
    "MessageReceived",
    "ReaderFailed",
    "RequestFailed",
    "RequestSucceeded",
    "Start",
    "StopRequested",
    "TimerFired",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Base of everything the agent reacts to."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Start(Event):
    """Begin the lifecycle (only once, from IDLE)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestSucceeded(Event):
    """The request of the last `Send` got a 2xx answer with HTTP ``status``.

    ``result`` must be of the request's ``result_type``: a `StatusSet` for `SetStatus`, otherwise
    `Acknowledged` (the default).
    """

    request: Request
    status: int
    result: RequestResult = Acknowledged()


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestFailed(Event):
    """The request of the last `Send` failed; ``status`` is None when no HTTP answer came.

    ``logon_error`` is the ``logonError`` code of a refused campaign log-in (a ``campaignLogonError``
    body, official log-in page), None otherwise.
    """

    request: Request
    status: int | None
    error_id: str | None
    message: str
    logon_error: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageReceived(Event):
    """One ICWS message from the session's message stream, at any time."""

    message: Message


@dataclass(frozen=True, slots=True, kw_only=True)
class TimerFired(Event):
    """A timer from a `SetTimer` ran out."""

    timer: Timer


@dataclass(frozen=True, slots=True, kw_only=True)
class StopRequested(Event):
    """Wind down cleanly from wherever the agent is; ``reason`` ends up in `Finished`."""

    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReaderFailed(Event):
    """The message reader gave up: the session is gone (status 401/410: nothing more can be sent on
    it), or the message stream failed too often in a row."""

    status: int | None
    error_id: str | None
    message: str
