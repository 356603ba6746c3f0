"""Faults the mock injects on request: their specification, and a pure injector that decides hits.

A fault is one JSON/YAML object, the same in a scenario's ``faults:`` list and in ``POST /mock/faults``,
discriminated on ``kind`` (unknown keys are refused, each problem names its field):

==================  =====================================================================================
kind                effect (kind-specific keys)
==================  =====================================================================================
``latency``         the request waits ``seconds`` (a number, or ``{low, high}`` drawn uniformly) before it
                    is handled
``error``           the request is answered ``status`` (500 or 503, default 503) with an ICWS error body
                    and not handled; ``retry_after`` (seconds, 503 only) is sent as ``Retry-After``
``session_loss``    the request's session vanishes before it is handled, as in a server that forgot it:
                    the request and every later one with that id get 401 ``invalidSession``, and a call
                    the agent held becomes ``orphaned`` in the ledger (only a request with the right
                    CSRF token and cookie for its session is hit)
``drop_connection`` the connection closes before any response: the client sees a transport error
``sse_cut``         an event stream ends cleanly after ``after_events`` (default 1) ``data:`` events;
                    undelivered messages stay queued for the next poll or stream
``message_delay``   messages queued for a matching user become visible ``seconds`` later (order kept)
==================  =====================================================================================

Common keys, all optional: ``endpoints`` (stable endpoint names, e.g. ``POST /dialer/disposition``;
omitted = every ``/icws`` route; ``sse_cut`` accepts only ``GET /messaging/messages (sse)`` and
``message_delay`` none), ``users`` (user ids: a request's user is its session's, known only when its
credentials are right, or for ``POST /connection`` the body's ``userID``; omitted = everybody, and a
request whose user is unknown matches only faults without ``users``), ``rate`` (0..1, default 1: the
probability that a matching request, stream or message is hit), ``count`` (hit at most this many times;
null = no limit) and ``after`` (seconds, default 0: the fault is active only from that long after it was
added, or after the server started for scenario faults).

``FaultInjector`` holds the active faults and decides, from the time and a seeded RNG it is given,
whether a request, stream or message is hit; it never sleeps, answers or touches a socket. Latency
faults add up; of the other request faults the first one (in the order they were added) that hits is
applied. Faults never apply to the ``/mock`` control routes.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    TypeAdapter,
    ValidationInfo,
    field_validator,
)

from botagent.mock._endpoints import ICWS_ENDPOINTS
from botagent.wire import Endpoint

__all__ = [
    "FAULT_SPEC",
    "ActiveFault",
    "DropConnectionFault",
    "ErrorFault",
    "FaultInjector",
    "FaultSpec",
    "LatencyFault",
    "LatencyRange",
    "MessageDelayFault",
    "RequestHit",
    "SessionLossFault",
    "SseCutFault",
]

_MAX_SECONDS = 3600.0


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Fault(_Model):
    endpoints: tuple[str, ...] | None = Field(None, min_length=1)
    users: tuple[str, ...] | None = Field(None, min_length=1)
    rate: float = Field(1.0, ge=0.0, le=1.0)
    count: int | None = Field(None, ge=1)
    after: float = Field(0.0, ge=0.0)

    @field_validator("endpoints")
    @classmethod
    def _known_endpoints(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        unknown = [name for name in value or () if name not in ICWS_ENDPOINTS]
        if unknown:
            raise ValueError(
                f"{unknown[0]!r} is not an endpoint name of the mock; use names such as "
                f"'{Endpoint.DISPOSITION}' or '{Endpoint.OPEN_EVENT_STREAM}' "
                f"(all: {', '.join(ICWS_ENDPOINTS)})"
            )
        return value


class LatencyRange(_Model):
    """A latency drawn uniformly between ``low`` and ``high`` seconds."""

    low: float = Field(ge=0.0, le=_MAX_SECONDS)
    high: float = Field(ge=0.0, le=_MAX_SECONDS)

    @field_validator("high")
    @classmethod
    def _not_below_low(cls, value: float, info: ValidationInfo) -> float:
        low = info.data.get("low")
        if low is not None and value < low:
            raise ValueError(f"must not be below low ({low:g})")
        return value


def _latency_branch(value: object) -> str:
    return "range" if isinstance(value, dict | LatencyRange) else "number"


Seconds = Annotated[
    Annotated[float, Field(ge=0.0, le=_MAX_SECONDS), Tag("number")] | Annotated[LatencyRange, Tag("range")],
    Discriminator(_latency_branch),
]


class LatencyFault(_Fault):
    """Delay matching requests by ``seconds`` before they are handled."""

    kind: Literal["latency"]
    seconds: Seconds

    def draw(self, rng: random.Random) -> float:
        """Return this hit's delay in seconds."""
        seconds = self.seconds
        if isinstance(seconds, LatencyRange):
            return rng.uniform(seconds.low, seconds.high)
        return seconds


class ErrorFault(_Fault):
    """Answer matching requests with a 500 or 503 ICWS error instead of handling them."""

    kind: Literal["error"]
    status: Literal[500, 503] = 503
    retry_after: float | None = Field(None, ge=0.0, le=86400.0)

    @field_validator("retry_after")
    @classmethod
    def _retry_after_needs_503(cls, value: float | None, info: ValidationInfo) -> float | None:
        status = info.data.get("status")
        if value is not None and status != 503:
            raise ValueError(f"is sent only with status 503 (status is {status})")
        return value


class SessionLossFault(_Fault):
    """Make the session of a matching request vanish before the request is handled."""

    kind: Literal["session_loss"]


class DropConnectionFault(_Fault):
    """Close the connection of a matching request without any response."""

    kind: Literal["drop_connection"]


class SseCutFault(_Fault):
    """End a matching event stream after ``after_events`` events."""

    kind: Literal["sse_cut"]
    after_events: int = Field(1, ge=0)

    @field_validator("endpoints")
    @classmethod
    def _stream_only(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is not None and set(value) != {Endpoint.OPEN_EVENT_STREAM}:
            raise ValueError(
                f"an sse_cut applies to event streams only: use ['{Endpoint.OPEN_EVENT_STREAM}'] or omit it"
            )
        return value


class MessageDelayFault(_Fault):
    """Hold back the messages queued for matching users for ``seconds``."""

    kind: Literal["message_delay"]
    seconds: float = Field(gt=0.0, le=_MAX_SECONDS)

    @field_validator("endpoints")
    @classmethod
    def _no_endpoints(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is not None:
            raise ValueError(
                "a message_delay applies to messages, whichever way they are fetched: omit endpoints"
            )
        return value


FaultSpec = Annotated[
    LatencyFault | ErrorFault | SessionLossFault | DropConnectionFault | SseCutFault | MessageDelayFault,
    Field(discriminator="kind"),
]
"""One fault specification, discriminated on ``kind``."""

FAULT_SPEC: TypeAdapter[FaultSpec] = TypeAdapter(FaultSpec)
"""Validates one fault given as plain data (``FAULT_SPEC.validate_python(obj)``)."""

_REQUEST_KINDS = frozenset({"latency", "error", "session_loss", "drop_connection"})


@dataclass(slots=True, eq=False)
class ActiveFault:
    """A fault in force: its id, spec, when it was added (epoch seconds) and how often it was hit."""

    id: str
    spec: FaultSpec
    added_at: float
    fired: int = 0

    @property
    def kind(self) -> str:
        """The fault's kind."""
        return self.spec.kind

    def matches(self, endpoint: str | None, user: str | None, now: float) -> bool:
        """True when the fault is active at ``now`` and its filters admit the endpoint and user."""
        spec = self.spec
        return (
            (spec.count is None or self.fired < spec.count)
            and now >= self.added_at + spec.after
            and (spec.endpoints is None or endpoint in spec.endpoints)
            and (spec.users is None or user in spec.users)
        )

    def to_wire(self) -> dict[str, Any]:
        """Return ``{id, ...spec, fired}`` as ``GET /mock/faults`` lists it."""
        return {"id": self.id, "kind": self.kind, **self.spec.model_dump(mode="json"), "fired": self.fired}


@dataclass(frozen=True, slots=True)
class RequestHit:
    """What the faults do to one request: wait ``latency`` seconds, then apply ``fault`` if any."""

    latency: float
    fault: ActiveFault | None


class FaultInjector:
    """The faults in force, and the decisions whether a request, stream or message is hit.

    Pure: time comes in as ``now`` and chance from the RNG it was given (seeded, so a run repeats).

    Args:
        rng: where ``rate`` draws and latency ranges come from.
    """

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng or random.Random(0)
        self._ids = itertools.count(1)
        self._faults: dict[str, ActiveFault] = {}
        self._request: list[ActiveFault] = []
        self._streams: list[ActiveFault] = []
        self._messages: list[ActiveFault] = []

    @property
    def request_active(self) -> bool:
        """True when some fault may hit requests (the cheap test on the hot path)."""
        return bool(self._request)

    @property
    def delays_messages(self) -> bool:
        """True when some ``message_delay`` fault is in force."""
        return bool(self._messages)

    def add(self, spec: FaultSpec, now: float) -> ActiveFault:
        """Put a fault in force from ``now`` and return it with its new id."""
        fault = ActiveFault(str(next(self._ids)), spec, now)
        self._faults[fault.id] = fault
        self._sort()
        return fault

    def remove(self, fault_id: str) -> bool:
        """Take a fault out of force; False when there is no such fault."""
        if self._faults.pop(fault_id, None) is None:
            return False
        self._sort()
        return True

    def replace(self, specs: list[FaultSpec], now: float, rng: random.Random | None = None) -> None:
        """Drop every fault and put ``specs`` in force from ``now`` (ids keep counting)."""
        if rng is not None:
            self._rng = rng
        self._faults = {}
        for spec in specs:
            self.add(spec, now)
        self._sort()

    def _sort(self) -> None:
        faults = list(self._faults.values())
        self._request = [f for f in faults if f.kind in _REQUEST_KINDS]
        self._streams = [f for f in faults if f.kind == "sse_cut"]
        self._messages = [f for f in faults if f.kind == "message_delay"]

    def listing(self) -> list[dict[str, Any]]:
        """Every fault in force, in the order added, as ``GET /mock/faults`` lists them."""
        return [fault.to_wire() for fault in self._faults.values()]

    def _hits(self, fault: ActiveFault) -> bool:
        rate = fault.spec.rate
        if rate < 1.0 and self._rng.random() >= rate:
            return False
        fault.fired += 1
        return True

    def on_request(self, endpoint: str, user: str | None, now: float, *, session: bool) -> RequestHit | None:
        """Decide what the faults do to one ``/icws`` request; None when nothing.

        Args:
            endpoint: the request's stable endpoint name.
            user: the user the request acts for, when known (an authenticated session's user).
            now: the current time, epoch seconds.
            session: the request has an authenticated session (``session_loss`` needs one).
        """
        latency = 0.0
        chosen: ActiveFault | None = None
        for fault in self._request:
            spec = fault.spec
            if not fault.matches(endpoint, user, now):
                continue
            if isinstance(spec, LatencyFault):
                if self._hits(fault):
                    latency += spec.draw(self._rng)
            elif chosen is None and (session or not isinstance(spec, SessionLossFault)) and self._hits(fault):
                chosen = fault
        if chosen is None and latency == 0.0:
            return None
        return RequestHit(latency, chosen)

    def on_stream(self, user: str | None, now: float) -> ActiveFault | None:
        """Return the ``sse_cut`` fault that hits an event stream being opened, if any."""
        for fault in self._streams:
            if fault.matches(Endpoint.OPEN_EVENT_STREAM, user, now) and self._hits(fault):
                return fault
        return None

    def delays_for(self, user: str, now: float) -> bool:
        """True when a ``message_delay`` fault may hold back messages for ``user`` now."""
        return any(fault.matches(None, user, now) for fault in self._messages)

    def on_message(self, user: str, now: float) -> float:
        """Return how many seconds one message queued now for ``user`` is held back (0.0: none)."""
        delay = 0.0
        for fault in self._messages:
            spec = fault.spec
            if isinstance(spec, MessageDelayFault) and fault.matches(None, user, now) and self._hits(fault):
                delay += spec.seconds
        return delay
