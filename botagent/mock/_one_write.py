"""uvicorn's httptools protocol, sending an answer's head and body in one write.

uvicorn writes a response's head (status line and headers) when the app sends
``http.response.start`` and its body when the app sends ``http.response.body``: two writes to the
socket, two system calls, for every answer. ``OneWriteProtocol`` gives each request/response cycle
a ``HeldHead`` transport that keeps the cycle's first write back and sends it together with the
second, which for the mock's answers follows at once (``_http.Answer`` sends both messages in a row).
When no second write follows in the same turn of the event loop (a ``HEAD`` request, an event stream
waiting for its first event, a ``100 Continue``), the held bytes go out on the loop's next turn, so
nothing waits longer than that. Only the order of writes matters to the client, and it is kept.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["HeldHead", "OneWriteProtocol"]


class HeldHead:
    """The transport of one response: its first write waits for the second, or for the loop's next turn.

    Every other attribute is the underlying transport's.

    Args:
        transport: the connection's transport.
        loop: the event loop the connection runs on.
    """

    __slots__ = ("_first", "_held", "_loop", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._first = True
        self._held: bytes | None = None

    def write(self, data: bytes) -> None:
        """Hold the first write; send each later one after whatever is held, in one write."""
        if self._first:
            self._first = False
            self._held = data
            self._loop.call_soon(self.flush)
            return
        held = self._held
        if held is not None:
            self._held = None
            data = held + data
        self._transport.write(data)

    def flush(self) -> None:
        """Send what is held, if anything."""
        held = self._held
        if held is not None:
            self._held = None
            if not self._transport.is_closing():
                self._transport.write(held)

    def close(self) -> None:
        """Send what is held, then close the connection."""
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class OneWriteProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol whose request/response cycles write through a ``HeldHead``."""

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        cycle = self.cycle
        if cycle is not None and cycle.transport is self.transport:
            cycle.transport = HeldHead(self.transport, self.loop)  # type: ignore[assignment]
