"""The profile's ``timeouts.session_open``: the timeout of the request that creates an ICWS session.

The client gives every request of a session one timeout (``timeouts.request``). Creating the session
(``POST /icws/connection``, where CIC checks the password and builds the session) often takes longer
than any later call, so the profile bounds it on its own. `SessionOpenTimeout` wraps an agent's
transport and gives that one request ``session_open`` instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from urllib.parse import urlsplit

import gevent

from botagent.icws import RawResponse, StreamResponse, Transport
from botagent.wire import IcwsTimeout

__all__ = ["SessionOpenTimeout"]

_CONNECTION_PATH = "/icws/connection"


def _creates_session(method: str, url: str) -> bool:
    """The request is ICWS's ``POST /icws/connection``, the only POST to that path."""
    return method == "POST" and urlsplit(url).path.endswith(_CONNECTION_PATH)


class SessionOpenTimeout:
    """A transport that bounds the request creating the session by ``session_open`` seconds.

    Args:
        transport: the agent's own transport; closed by `close`.
        session_open: seconds the request creating the session may take.
    """

    def __init__(self, transport: Transport, session_open: float) -> None:
        self._transport = transport
        self._session_open = session_open

    def request(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None, timeout: float
    ) -> RawResponse:
        """Send one request; the one creating the session gets ``session_open`` as its timeout.

        Raises:
            IcwsTimeout: no answer within the request's timeout.
            IcwsTransportError: as the wrapped transport raises.
        """
        if not _creates_session(method, url):
            return self._transport.request(method, url, headers, body, timeout)
        # A keep-alive pool may keep the timeout of its first request for its sockets, so the wrapped
        # transport gets the longer of the two and this timer holds the request to session_open.
        late = IcwsTimeout(f"no answer within timeouts.session_open ({self._session_open:g} s)")
        with gevent.Timeout(self._session_open, late):
            return self._transport.request(method, url, headers, body, max(timeout, self._session_open))

    def stream(
        self, method: str, url: str, headers: Mapping[str, str], timeout: float | None
    ) -> AbstractContextManager[StreamResponse]:
        """Open a streaming response, as the wrapped transport does."""
        return self._transport.stream(method, url, headers, timeout)

    def close(self) -> None:
        """Close the wrapped transport."""
        self._transport.close()
