"""One exception tree for everything botagent raises about ICWS and its inputs.

    BotagentError
     ├── IcwsError                      an ICWS call failed (carries the endpoint name)
     │    ├── IcwsStatusError           the server answered a non-2xx status
     │    │    ├── BadRequest           400: malformed or invalid request
     │    │    ├── SessionExpired       401: session id, CSRF token or cookie not accepted
     │    │    ├── Forbidden            403: missing right or wrong state
     │    │    ├── NotFound             404: no such resource (e.g. no current Dialer call)
     │    │    ├── SessionGone          410: the session is gone; create a new one
     │    │    └── ServerError          5xx
     │    │         └── ServiceUnavailable   503 (retry_after, alternate_hosts)
     │    ├── IcwsTransportError        no HTTP answer: refused, reset, cut stream
     │    │    └── IcwsTimeout
     │    └── IcwsResponseValidationError   a 2xx body that does not fit its model
     └── ProfileError (also ValueError) a profile or scenario file is invalid

Misuse of the API (calling a closed session) stays RuntimeError/TypeError.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

__all__ = [
    "BadRequest",
    "BotagentError",
    "Forbidden",
    "IcwsError",
    "IcwsResponseValidationError",
    "IcwsStatusError",
    "IcwsTimeout",
    "IcwsTransportError",
    "NotFound",
    "ProfileError",
    "ServerError",
    "ServiceUnavailable",
    "SessionExpired",
    "SessionGone",
    "status_error",
]


class BotagentError(Exception):
    """Base of every error botagent raises on purpose."""


class ProfileError(BotagentError, ValueError):
    """A profile or scenario is invalid; the message has one line per problem."""


class IcwsError(BotagentError):
    """An ICWS call failed.

    Attributes:
        endpoint: the stable endpoint name, such as ``POST /dialer/log-in``, or None when unknown.
    """

    def __init__(self, message: str, *, endpoint: str | None = None) -> None:
        super().__init__(message)
        self.endpoint = endpoint
        self.message = message

    def __str__(self) -> str:
        return f"{self.endpoint}: {self.message}" if self.endpoint else self.message


class IcwsStatusError(IcwsError):
    """The server answered with a non-2xx status.

    Attributes:
        status: the HTTP status code.
        error_id: the ICWS ``errorId`` of the error body, when there was one.
        message: the ICWS ``message`` of the error body, or a description of the status.
        body: the raw response body.
    """

    def __init__(
        self,
        message: str,
        *,
        endpoint: str | None,
        status: int,
        error_id: str | None = None,
        body: bytes = b"",
    ) -> None:
        super().__init__(message, endpoint=endpoint)
        self.status = status
        self.error_id = error_id
        self.body = body

    def __str__(self) -> str:
        where = f"{self.endpoint}: " if self.endpoint else ""
        error_id = f" {self.error_id}" if self.error_id else ""
        return f"{where}HTTP {self.status}{error_id}: {self.message}"

    @property
    def logon_error(self) -> int | None:
        """The ``logonError`` code of a refused campaign log-in (``campaignLogonError`` body), else None."""
        try:
            data = json.loads(self.body) if self.body else None
        except ValueError:
            return None
        code = data.get("logonError") if isinstance(data, dict) else None
        return code if isinstance(code, int) and not isinstance(code, bool) else None


class BadRequest(IcwsStatusError):
    """400: the request was malformed or invalid."""


class SessionExpired(IcwsStatusError):
    """401: the session id, CSRF token or cookie was not accepted."""


class Forbidden(IcwsStatusError):
    """403: the user lacks the right, or the request is not allowed in the current state."""


class NotFound(IcwsStatusError):
    """404: no such resource, e.g. no current Dialer call to disposition or place."""


class SessionGone(IcwsStatusError):
    """410: the session no longer exists; a new session is needed."""


class ServerError(IcwsStatusError):
    """5xx: the server failed."""


class ServiceUnavailable(ServerError):
    """503: the server cannot serve now.

    Attributes:
        retry_after: seconds from the ``Retry-After`` header, when given.
        alternate_hosts: the ``alternateHostList`` of the body, when given.
    """

    def __init__(
        self,
        message: str,
        *,
        endpoint: str | None,
        status: int,
        error_id: str | None = None,
        body: bytes = b"",
        retry_after: float | None = None,
        alternate_hosts: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message, endpoint=endpoint, status=status, error_id=error_id, body=body)
        self.retry_after = retry_after
        self.alternate_hosts = alternate_hosts


class IcwsTransportError(IcwsError):
    """No HTTP answer: connection refused or reset, or a stream cut mid-way."""


class IcwsTimeout(IcwsTransportError):
    """The call did not complete within its timeout."""


class IcwsResponseValidationError(IcwsError):
    """A 2xx response body did not fit the model expected for the endpoint."""


_STATUS_CLASSES: dict[int, type[IcwsStatusError]] = {
    400: BadRequest,
    401: SessionExpired,
    403: Forbidden,
    404: NotFound,
    410: SessionGone,
}


def status_error(
    endpoint: str | None, status: int, body: bytes, headers: Mapping[str, str] | None = None
) -> IcwsStatusError:
    """Build the exception for a non-2xx answer from its status and ICWS error body.

    Args:
        endpoint: the stable endpoint name of the call.
        status: the HTTP status code.
        body: the raw response body; an ICWS error body gives ``errorId`` and ``message``.
        headers: response headers (case-insensitive lookup expected), for ``Retry-After``.

    Returns:
        The IcwsStatusError subclass for the status; unparseable bodies fall back to the status text.
    """
    error_id, message, alternates = _read_error_body(body)
    message = message or f"HTTP {status} with no ICWS error message"
    if status == 503:
        return ServiceUnavailable(
            message,
            endpoint=endpoint,
            status=status,
            error_id=error_id,
            body=body,
            retry_after=_retry_after(headers),
            alternate_hosts=alternates,
        )
    cls = _STATUS_CLASSES.get(status, ServerError if status >= 500 else IcwsStatusError)
    return cls(message, endpoint=endpoint, status=status, error_id=error_id, body=body)


def _read_error_body(body: bytes) -> tuple[str | None, str | None, tuple[str, ...]]:
    try:
        data = json.loads(body) if body else None
    except ValueError:
        return None, None, ()
    if not isinstance(data, dict):
        return None, None, ()
    error_id = data.get("errorId")
    message = data.get("message")
    hosts = data.get("alternateHostList")
    return (
        error_id if isinstance(error_id, str) else None,
        message if isinstance(message, str) else None,
        tuple(h for h in hosts if isinstance(h, str)) if isinstance(hosts, list) else (),
    )


def _retry_after(headers: Mapping[str, str] | None) -> float | None:
    if headers is None:
        return None
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
