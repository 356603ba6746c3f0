"""When the mock read a request off its connection, for the gate to time the request from there.

uvicorn hands a request to the app once its event loop comes to it. When requests arrive together (a
burst of agents answering at once, or requests pipelined on one connection) the later ones wait in the
loop behind the others, and a client sees that wait as the server's. ``ReceiptStampedProtocol`` is
uvicorn's httptools protocol plus one ``perf_counter()`` per read: each request's scope carries, under
``RECEIVED_KEY``, when the bytes that began it were read, and ``IcwsGate`` times the request from there.
"""

from __future__ import annotations

import time
from typing import Final

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["RECEIVED_KEY", "ReceiptStampedProtocol"]

RECEIVED_KEY: Final = "botagent.received"
"""Scope key: ``perf_counter()`` when the server read the first bytes of the request."""


class ReceiptStampedProtocol(HttpToolsProtocol):
    """uvicorn's httptools HTTP/1.1 protocol, noting in each request's scope when its bytes were read."""

    _read_at = 0.0

    def data_received(self, data: bytes) -> None:
        self._read_at = time.perf_counter()
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.scope[RECEIVED_KEY] = self._read_at  # type: ignore[typeddict-unknown-key]
