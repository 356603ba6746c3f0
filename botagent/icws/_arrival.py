"""When an answer reached this machine: the kernel's receive time of the last bytes read from a socket.

A process that runs many agents in one event loop reads an answer when the loop comes to it, which can
be milliseconds after the answer arrived if other agents' work was running. Timing a request until the
read would add that wait to the server's response time. On Linux the kernel stamps each TCP segment as
it is received (``SO_TIMESTAMPNS``) and hands the stamp of the last segment copied out with each
``recvmsg``; an ``ArrivalStampedSocket`` keeps it, so a request is timed from just before it was sent to
the arrival of its answer's last bytes, whatever the loop was doing meanwhile.

Only plain TCP sockets get stamps: TLS reads the descriptor inside OpenSSL, and other systems lack the
option; there, and whenever a stamp is missing or implausible, the caller's own clock is used.
Imports gevent: load it only from gevent code.
"""

from __future__ import annotations

import socket
import struct
import sys
from typing import Any

import gevent.socket

__all__ = ["ArrivalStampedSocket", "new_tcp_socket"]

_SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
"""Linux's option number, which Python's socket module does not name."""
_TIMESPEC = struct.Struct("@qq")
_ANCILLARY_SPACE = socket.CMSG_SPACE(_TIMESPEC.size) if sys.platform == "linux" else 0


class ArrivalStampedSocket(gevent.socket.socket):  # type: ignore[misc]
    """A gevent TCP socket whose ``recv`` keeps the kernel's receive time of what it returned.

    ``arrived_ns`` is that time in ``time.time_ns()`` nanoseconds (the kernel stamps with the wall
    clock), or 0 until a stamped read; set it to 0 before sending to tell a new answer from an old one.
    """

    __slots__ = ("arrived_ns",)

    def __init__(self, family: int = -1, type: int = -1, proto: int = -1, fileno: Any = None) -> None:
        super().__init__(family, type, proto, fileno)
        self.arrived_ns = 0

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        data, ancillary, _flags, _address = self.recvmsg(bufsize, _ANCILLARY_SPACE, flags)
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == _SO_TIMESTAMPNS and len(payload) >= _TIMESPEC.size:
                seconds, nanoseconds = _TIMESPEC.unpack_from(payload)
                self.arrived_ns = seconds * 1_000_000_000 + nanoseconds
        return data  # type: ignore[no-any-return]


def new_tcp_socket(family: int, socktype: int, protocol: int) -> gevent.socket.socket:
    """A TCP socket for a connection pool: arrival-stamped where the system can, else a plain one."""
    if sys.platform != "linux":
        return gevent.socket.socket(family, socktype, protocol)
    sock = ArrivalStampedSocket(family, socktype, protocol)
    try:
        sock.setsockopt(socket.SOL_SOCKET, _SO_TIMESTAMPNS, 1)
    except OSError:
        sock.close()
        return gevent.socket.socket(family, socktype, protocol)
    return sock
