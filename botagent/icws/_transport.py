"""The transport seam below the ICWS session: send one HTTP request, or open one streaming response.

A ``Session`` speaks ICWS; a ``Transport`` only moves bytes. Two implementations:

- ``HttpxTransport`` (the default) wraps ``httpx.Client``: TLS, proxies from the environment, and a
  ``transport=`` passthrough so tests can hand in ``httpx.MockTransport(handler)``.
- ``GeventTransport`` runs on geventhttpclient, which ships with Locust and costs a fraction of the
  httpx client layer per request; use it in gevent processes. gevent is imported only when one is built.

Transports keep no cookies (the session does) and raise only ``IcwsTransportError``/``IcwsTimeout``,
with no URL in the message, so failures group cleanly in reports.

A request is timed from just before it is sent until its answer is read; the gevent transport on Linux
ends the time at the kernel's receive time of the answer's last bytes instead (see ``_arrival``), so
that other greenlets' work does not count as the server's.

Both send a request at most once: a failure after its first byte was written (reset, end of stream
before the answer, timeout) is raised, never re-sent, so that ``RetryPolicy`` alone decides what is
sent again and every attempt is reported. Only an idle pooled connection found closed *before*
writing is replaced, by at most one new connection.
"""

from __future__ import annotations

import select
import ssl
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from functools import cache, partial
from http.client import HTTPException
from http.cookiejar import DefaultCookiePolicy
from os import PathLike
from time import perf_counter, time_ns
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import unquote, urlsplit

import httpx

from botagent.wire import IcwsTimeout, IcwsTransportError

if TYPE_CHECKING:
    from geventhttpclient.client import HTTPClient
    from geventhttpclient.response import HTTPSocketPoolResponse

__all__ = [
    "GeventTransport",
    "HttpxTransport",
    "RawResponse",
    "ResponseHeaders",
    "StreamResponse",
    "Transport",
]


class ResponseHeaders(Mapping[str, str]):
    """Read-only response headers with case-insensitive names.

    ``headers[name]`` joins repeated fields with ``", "``; ``get_list(name)`` keeps them apart, which
    ``Set-Cookie`` needs. Iteration yields lower-case names.
    """

    __slots__ = ("_fields",)

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        fields: dict[str, list[str]] = {}
        for name, value in pairs:
            fields.setdefault(name.lower(), []).append(value)
        self._fields = fields

    def __getitem__(self, name: str) -> str:
        return ", ".join(self._fields[name.lower()])

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._fields

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def get_list(self, name: str) -> list[str]:
        """Return every value of a field, in the order received; empty when absent."""
        return list(self._fields.get(name.lower(), ()))

    def __repr__(self) -> str:
        return f"ResponseHeaders({self._fields!r})"


@dataclass(frozen=True, slots=True)
class RawResponse:
    """A complete HTTP answer.

    Attributes:
        status: the HTTP status code.
        headers: the response headers.
        body: the whole body, decoded from any content coding.
        elapsed_ms: milliseconds from just before sending until the body was read, or until its last
            bytes arrived when ``arrival_stamped``.
        arrival_stamped: the time ends at the kernel's receive time of the answer (see ``_arrival``).
    """

    status: int
    headers: ResponseHeaders
    body: bytes
    elapsed_ms: float
    arrival_stamped: bool = False


class StreamResponse(Protocol):
    """A response whose body is read as it arrives (server-sent events).

    Iterating yields body chunks as they arrive (possibly single lines, possibly several events);
    a cut connection raises ``IcwsTransportError`` and a silent one ``IcwsTimeout``; the iteration
    ends when the server ends the body.
    """

    status: int
    headers: ResponseHeaders
    elapsed_ms: float  # until the headers arrived
    arrival_stamped: bool  # as RawResponse's

    def __iter__(self) -> Iterator[bytes]: ...

    def read(self) -> bytes:
        """Read the rest of the body (for error answers)."""
        ...


class Transport(Protocol):
    """What a ``Session`` needs from HTTP.

    Implementations keep no cookies and allow a request while a stream is open (a reader and the
    agent share one session).
    """

    def request(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None, timeout: float
    ) -> RawResponse:
        """Send one request and read the whole answer.

        Raises:
            IcwsTimeout: no answer within ``timeout`` seconds.
            IcwsTransportError: no HTTP answer (refused, reset, TLS failure).
        """
        ...

    def stream(
        self, method: str, url: str, headers: Mapping[str, str], timeout: float | None
    ) -> AbstractContextManager[StreamResponse]:
        """Open a streaming response on its own connection; ``timeout`` bounds each read (None: no bound).

        Raises:
            IcwsTimeout, IcwsTransportError: as for ``request``, on connecting or while reading.
        """
        ...

    def close(self) -> None:
        """Close every pooled connection. Idempotent."""
        ...


def _error_text(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _ssl_context(verify: bool, ca_bundle: str | PathLike[str] | None) -> ssl.SSLContext | bool:
    if not verify:
        return False
    if ca_bundle is None:
        return True
    return ssl.create_default_context(cafile=str(ca_bundle))


class _NoCookies(DefaultCookiePolicy):
    """The session keeps cookies itself; a transport shared by sessions must never mix them."""

    def set_ok(self, cookie: Any, request: Any) -> bool:
        return False

    def return_ok(self, cookie: Any, request: Any) -> bool:
        return False


# --- httpx ----------------------------------------------------------------------------------------------


@contextmanager
def _httpx_errors() -> Iterator[None]:
    try:
        yield
    except httpx.TimeoutException as exc:
        raise IcwsTimeout(_error_text(exc)) from exc
    except httpx.HTTPError as exc:
        raise IcwsTransportError(_error_text(exc)) from exc


class _HttpxStream:
    def __init__(self, response: httpx.Response, elapsed_ms: float) -> None:
        self.status = response.status_code
        self.headers = ResponseHeaders(response.headers.multi_items())
        self.elapsed_ms = elapsed_ms
        self.arrival_stamped = False
        self._response = response

    def __iter__(self) -> Iterator[bytes]:
        with _httpx_errors():
            yield from self._response.iter_bytes()

    def read(self) -> bytes:
        with _httpx_errors():
            return self._response.read()


class HttpxTransport:
    """The default transport, on ``httpx.Client`` (HTTP/1.1, keep-alive pool, proxies from the environment).

    httpx sends a request at most once as it is: its ``retries`` (0 unless a transport is built with
    more) repeats only failed connection attempts, and its pool closes an idle connection that has
    become readable (closed by the server) before it is given a request.

    Args:
        verify: check the server certificate; False accepts any (test servers only).
        ca_bundle: PEM file of the CA(s) to trust instead of the default bundle.
        connect_timeout: seconds to connect when opening a stream.
        trust_env: use ``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY``/``SSL_CERT_FILE`` from the environment.
        max_connections: connection pool size.
        transport: an ``httpx.BaseTransport`` to use instead of the network (``httpx.MockTransport``).
    """

    def __init__(
        self,
        *,
        verify: bool = True,
        ca_bundle: str | PathLike[str] | None = None,
        connect_timeout: float = 10.0,
        trust_env: bool = True,
        max_connections: int = 100,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._connect_timeout = connect_timeout
        self._client = httpx.Client(
            verify=_ssl_context(verify, ca_bundle),
            trust_env=trust_env,
            transport=transport,
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            follow_redirects=False,
        )
        self._client.cookies.jar.set_policy(_NoCookies())

    def request(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None, timeout: float
    ) -> RawResponse:
        """Send one request and read the whole answer (see ``Transport.request``)."""
        start = perf_counter()
        with _httpx_errors():
            response = self._client.request(method, url, headers=headers, content=body, timeout=timeout)
        elapsed_ms = (perf_counter() - start) * 1000.0
        return RawResponse(
            response.status_code,
            ResponseHeaders(response.headers.multi_items()),
            response.content,
            elapsed_ms,
        )

    @contextmanager
    def stream(
        self, method: str, url: str, headers: Mapping[str, str], timeout: float | None
    ) -> Iterator[StreamResponse]:
        """Open a streaming response (see ``Transport.stream``)."""
        start = perf_counter()
        request = self._client.build_request(
            method, url, headers=headers, timeout=httpx.Timeout(timeout, connect=self._connect_timeout)
        )
        with _httpx_errors():
            response = self._client.send(request, stream=True)
        try:
            yield _HttpxStream(response, (perf_counter() - start) * 1000.0)
        finally:
            response.close()

    def close(self) -> None:
        """Close the pool. Idempotent."""
        self._client.close()


# --- geventhttpclient -----------------------------------------------------------------------------------
#
# geventhttpclient's ``HTTPClient.request`` re-sends a GET, PUT or DELETE whose connection breaks while it
# is written (reset, broken pipe) or before the first byte of the answer (end of stream, reset): up to
# the pool size + 1 times, silently, with no option to turn it off. The server may have acted on every
# copy (a message poll hands its messages out once). So ``_send_once`` drives the connection itself with
# the client's own request writer and connection pool, and raises every failure. It relies on private
# names of geventhttpclient 2.6 (``_build_request``, ``_connection_pool``, ``_is_socket_alive``); the
# transport tests fail if one of them changes.


@cache
def _unpatched_poll() -> Callable[[], select.poll]:
    # the plain system call: gevent's patched poll() runs its event loop even for a zero timeout
    from gevent.monkey import get_original

    poll: Callable[[], select.poll] = get_original("select", "poll")
    return poll


IDLE_EXPIRY = 4.0
"""Seconds a pooled connection may sit idle and still take a request (uvicorn closes idle ones at 5)."""


def _is_idle_and_open(sock: Any, idle_expiry: float = IDLE_EXPIRY) -> bool:
    """True when an idle keep-alive socket may take a request: open, nothing waiting to be read, and
    (when it keeps its answers' arrival times) idle for at most ``idle_expiry`` seconds.

    Readable while idle means the server closed it (end of stream), reset it, or sent stray bytes. A
    server also closes a connection idle for too long, and a request written as it does is lost (it
    is never sent again): an older connection is closed before anything is written on it instead. This
    replaces the pool's own check, which uses ``select()``: that fails on descriptors above 1023, and the
    pool then takes every socket for dead and connects anew for each request.
    """
    fd = sock.fileno() if sock is not None else -1
    if fd < 0:
        return False
    last_answer_ns = _arrival_ns(sock)
    if last_answer_ns and time_ns() - last_answer_ns > idle_expiry * 1e9:
        return False
    poller = _unpatched_poll()()
    poller.register(fd, select.POLLIN)
    return not poller.poll(0)


def _arrival_ns(sock: Any) -> int:
    """When the last answer read from ``sock`` arrived (``time_ns()``), as an
    ``_arrival.ArrivalStampedSocket`` keeps it; 0 for a socket that keeps none (TLS, other systems)."""
    arrived = getattr(sock, "arrived_ns", 0)
    return arrived if isinstance(arrived, int) else 0


def _send_once(
    client: HTTPClient, method: str, target: str, headers: Mapping[str, str], body: bytes
) -> tuple[HTTPSocketPoolResponse, Any]:
    """Write one request once on a connection of ``client``'s pool and read the head of its answer.

    Returns the answer and the socket it is read from.

    Raises:
        OSError, HTTPException, gevent.Timeout: the socket or the answer failed; the socket is closed
            and its pool slot freed.
    """
    from geventhttpclient.response import HTTPSocketPoolResponse

    pool = client._connection_pool
    head = client._build_request(method, target, body=body, headers=headers).encode("latin-1")
    # closes, unwritten, the idle sockets _is_idle_and_open rejects, then connects at most once
    sock = pool.get_socket()
    try:
        sock.sendall(head + body)
    except BaseException:
        pool.release_socket(sock)
        raise
    # on failure the response closes the socket and frees its slot itself
    return HTTPSocketPoolResponse(sock, pool, block_size=client.block_size, method=method), sock


def _elapsed_ms(started: float, sent_ns: int, sock: Any) -> tuple[float, bool]:
    """Milliseconds from ``started`` (``perf_counter``, just before sending at wall time ``sent_ns``)
    to the arrival of the answer's last bytes read from ``sock``, and True; or to now, and False, when
    the socket keeps no receive time for this answer (a stamp older than the request is the previous
    answer's).

    Call it before anything that may switch greenlets: the pool may lend ``sock`` to another request.
    """
    measured_ms = (perf_counter() - started) * 1000.0
    arrived_ns = _arrival_ns(sock)
    if arrived_ns > sent_ns:
        stamped_ms = (arrived_ns - sent_ns) / 1e6
        if stamped_ms <= measured_ms:  # else the wall clock was stepped meanwhile
            return stamped_ms, True
    return measured_ms, False


def _split_url(url: str) -> tuple[str, str]:
    """Split ``scheme://host:port/path?query`` into the origin and the request target."""
    path_start = url.find("/", url.find("://") + 3)
    if path_start < 0:
        return url, "/"
    return url[:path_start], url[path_start:]


def _proxy_options(origin: str) -> dict[str, Any]:
    parts = urlsplit(origin)
    host = parts.hostname or ""
    proxies = urllib.request.getproxies_environment()
    proxy = proxies.get(parts.scheme)
    if not proxy or urllib.request.proxy_bypass_environment(host, proxies):  # type: ignore[attr-defined]
        return {}
    proxy_parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    return {
        "proxy_host": proxy_parts.hostname,
        "proxy_port": proxy_parts.port or 8080,
        "proxy_user": unquote(proxy_parts.username) if proxy_parts.username else None,
        "proxy_password": unquote(proxy_parts.password) if proxy_parts.password else None,
    }


class _GeventStream:
    def __init__(self, response: Any, elapsed: tuple[float, bool]) -> None:
        self.status: int = response.status_code
        self.headers = ResponseHeaders(response.items())
        self.elapsed_ms, self.arrival_stamped = elapsed
        self._response = response

    def __iter__(self) -> Iterator[bytes]:
        response = self._response
        while True:
            with _gevent_errors():
                line: bytes = response.readline(b"\n")
            if line:
                yield line
            elif response.message_complete:
                return
            else:
                raise IcwsTransportError("connection closed in the middle of the stream")

    def read(self) -> bytes:
        with _gevent_errors():
            data: bytes = self._response.read()
        return data


@contextmanager
def _gevent_errors() -> Iterator[None]:
    import gevent

    try:
        yield
    except (gevent.Timeout, TimeoutError) as exc:
        raise IcwsTimeout(_error_text(exc)) from exc
    except (OSError, HTTPException, RuntimeError) as exc:
        # HTTPException covers geventhttpclient's parse errors; RuntimeError a failed proxy CONNECT.
        raise IcwsTransportError(_error_text(exc)) from exc


class GeventTransport:
    """A transport on geventhttpclient for gevent processes (Locust): one keep-alive pool per host.

    Use it from the greenlets of one thread (how Locust runs users); each stream gets a connection
    of its own, outside the pool.

    Args:
        verify: check the server certificate; False accepts any (test servers only).
        ca_bundle: PEM file of the CA(s) to trust instead of the system bundle.
        connections_per_host: pool size per host; a request waits for a free connection beyond it.
        connect_timeout: seconds to connect.
        trust_env: use ``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY`` from the environment.
        idle_expiry: seconds a pooled plain-HTTP connection may sit idle and still be reused; past
            that the next request opens a new one, so as not to race the server closing it.
    """

    def __init__(
        self,
        *,
        verify: bool = True,
        ca_bundle: str | PathLike[str] | None = None,
        connections_per_host: int = 10,
        connect_timeout: float = 10.0,
        trust_env: bool = True,
        idle_expiry: float = IDLE_EXPIRY,
    ) -> None:
        import gevent  # noqa: F401  (fail here, not on the first request, when gevent is missing)

        self._verify = verify
        self._ca_bundle = None if ca_bundle is None else str(ca_bundle)
        self._connections_per_host = connections_per_host
        self._connect_timeout = connect_timeout
        self._trust_env = trust_env
        self._idle_expiry = idle_expiry
        self._clients: dict[str, HTTPClient] = {}
        self._closed = False

    def request(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None, timeout: float
    ) -> RawResponse:
        """Send one request and read the whole answer (see ``Transport.request``)."""
        import gevent

        origin, target = _split_url(url)
        client = self._clients.get(origin) or self._new_pooled_client(origin, timeout)
        start, sent_ns = perf_counter(), time_ns()
        with _gevent_errors(), gevent.Timeout(timeout):
            response, sock = _send_once(client, method, target, headers, body or b"")
            try:
                data = response.read()
                elapsed_ms, stamped = _elapsed_ms(start, sent_ns, sock)
            finally:
                response.release()
        return RawResponse(response.status_code, ResponseHeaders(response.items()), data, elapsed_ms, stamped)

    @contextmanager
    def stream(
        self, method: str, url: str, headers: Mapping[str, str], timeout: float | None
    ) -> Iterator[StreamResponse]:
        """Open a streaming response on a connection of its own (see ``Transport.stream``)."""
        origin, target = _split_url(url)
        # socket timeouts bound the connect and every read; a day stands for "no bound"
        client = self._new_client(origin, concurrency=1, network_timeout=timeout or 86400.0)
        try:
            start, sent_ns = perf_counter(), time_ns()
            with _gevent_errors():
                response, sock = _send_once(client, method, target, headers, b"")
            try:
                yield _GeventStream(response, _elapsed_ms(start, sent_ns, sock))
            finally:
                response.release()
        finally:
            client.close()

    def close(self) -> None:
        """Close every pool. Idempotent."""
        self._closed = True
        clients, self._clients = self._clients, {}
        for client in clients.values():
            client.close()

    def _new_pooled_client(self, origin: str, timeout: float) -> HTTPClient:
        if self._closed:
            raise RuntimeError("transport is closed")
        client = self._new_client(origin, concurrency=self._connections_per_host, network_timeout=timeout)
        return self._clients.setdefault(origin, client)

    def _new_client(self, origin: str, *, concurrency: int, network_timeout: float) -> HTTPClient:
        from geventhttpclient.client import HTTPClient
        from geventhttpclient.url import URL

        from botagent.icws._arrival import new_tcp_socket

        options: dict[str, Any] = _proxy_options(origin) if self._trust_env else {}
        if origin.startswith("https:"):
            options.update(self._tls_options())
        client = HTTPClient.from_url(
            URL(origin),
            concurrency=concurrency,
            connection_timeout=self._connect_timeout,
            network_timeout=network_timeout,
            **options,
        )
        pool = client._connection_pool
        # the pool runs this on every idle socket it hands out; see _is_idle_and_open
        alive = partial(_is_idle_and_open, idle_expiry=self._idle_expiry)
        pool._is_socket_alive = alive  # type: ignore[method-assign]
        if not origin.startswith("https:"):
            pool._create_tcp_socket = new_tcp_socket  # type: ignore[method-assign]
        return client

    def _tls_options(self) -> dict[str, Any]:
        import gevent.ssl

        verify = self._verify

        def context_factory(cafile: str | None = None) -> gevent.ssl.SSLContext:
            if verify:
                return gevent.ssl.create_default_context(cafile=cafile)
            context = gevent.ssl.SSLContext(gevent.ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = gevent.ssl.CERT_NONE
            return context

        options: dict[str, Any] = {"ssl_context_factory": context_factory, "insecure": not verify}
        if self._ca_bundle is not None:
            options["ssl_options"] = {"ca_certs": self._ca_bundle}
        return options
