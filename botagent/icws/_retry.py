"""When a failed ICWS call may be sent again, and after how long.

Two kinds of failure are retried:

- ``503 Service Unavailable``: the server says it did not act, so any call may be sent again, after
  its ``Retry-After`` when it gives one; but a connection request answered with ``alternateHostList``
  goes to those hosts instead (the session follows them), not again to the same one.
- No answer (connection refused, reset or timed out) and other 5xx answers: the server may or may not
  have acted, so only calls that are harmless to repeat are sent again. ``POST dialer/disposition``
  never is: it applies to whatever call the agent holds *now*, so a second one could finish the next
  call with the previous call's label. ``place-preview-call``, ``log-in`` and ``log-off`` are not
  repeated either; their second attempt would fail on the state the first one left. Acquiring licences
  is: "If the license has already been acquired, there is no effect" (official licenses page).

Message reads are not retried here: the message reader reopens its stream itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from botagent.wire import Endpoint, IcwsError, IcwsStatusError, IcwsTransportError, ServiceUnavailable

__all__ = ["NO_RETRY", "REPEATABLE_ENDPOINTS", "RetryPolicy"]

REPEATABLE_ENDPOINTS: Final = frozenset(
    {
        Endpoint.CONNECT,
        Endpoint.CONNECTION_STATE,
        Endpoint.DISCONNECT,
        Endpoint.SWITCHOVER_STATUS,
        Endpoint.SET_STATION,
        Endpoint.ACQUIRE_LICENSES,
        Endpoint.HEARTBEAT,
        Endpoint.SET_STATUS,
        Endpoint.GET_STATUS,
        Endpoint.STATUS_MESSAGES,
        Endpoint.READY_FOR_CALLS,
        Endpoint.REQUEST_BREAK,
        Endpoint.END_BREAK,
        Endpoint.REQUEST_FORM_DEFINITION,
    }
)
"""Endpoints whose second attempt does no harm when the first one's outcome is unknown."""

_NEVER: Final = frozenset({Endpoint.POLL_MESSAGES, Endpoint.OPEN_EVENT_STREAM})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to retry a failed call.

    Attributes:
        attempts: tries in all, the first included (1 = never retry).
        pause: seconds before the first retry without a ``Retry-After``; doubles on each retry.
        max_wait: the longest a single wait may be, ``Retry-After`` included; a server asking for
            longer is not retried.
    """

    attempts: int = 3
    pause: float = 0.2
    max_wait: float = 10.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"attempts: must be at least 1 (got {self.attempts!r})")
        if self.pause < 0 or self.max_wait < 0:
            raise ValueError(f"pause, max_wait: must not be negative (got {self.pause!r}, {self.max_wait!r})")

    def delay(self, endpoint: str, error: IcwsError, attempt: int) -> float | None:
        """Seconds to wait before trying ``endpoint`` again after ``error``, or None to give up.

        Args:
            endpoint: the stable endpoint name.
            error: what the attempt raised.
            attempt: how many attempts were made so far (1 after the first).
        """
        if attempt >= self.attempts or endpoint in _NEVER:
            return None
        backoff: float = self.pause * 2.0 ** (attempt - 1)
        if isinstance(error, ServiceUnavailable):
            if endpoint == Endpoint.CONNECT and error.alternate_hosts:
                return None
            wait = error.retry_after if error.retry_after is not None else backoff
            return wait if wait <= self.max_wait else None
        unknown_outcome = isinstance(error, IcwsTransportError) or (
            isinstance(error, IcwsStatusError) and error.status >= 500
        )
        if unknown_outcome and endpoint in REPEATABLE_ENDPOINTS:
            return min(backoff, self.max_wait)
        return None


NO_RETRY: Final = RetryPolicy(attempts=1)
"""Every failure is final."""
