"""Both transports over loopback against a plain HTTP echo server: bodies, headers, errors, streams."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from botagent.icws import GeventTransport, HttpxTransport, ResponseHeaders, Transport
from botagent.icws._transport import _split_url
from botagent.wire import IcwsTimeout, IcwsTransportError


class EchoHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    wbufsize = 1 << 16  # one write per answer; streams flush per chunk

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        route = {
            "/slow": self._slow,
            "/late": self._late,
            "/events": self._events,
            "/events-cut": self._events_cut,
            "/events-silent": self._events_silent,
        }.get(self.path, self._echo)
        route()

    do_POST = do_PUT = do_DELETE = do_GET

    def _echo(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        payload = json.dumps(
            {
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode(),
                "client_port": self.client_address[1],
            }
        ).encode()
        self.send_response(200 if self.path != "/busy" else 503)
        self.send_header("Content-Type", "application/vnd.inin.icws+json")
        self.send_header("Set-Cookie", "a=1; Path=/")
        self.send_header("Set-Cookie", "b=2; Path=/")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _slow(self) -> None:
        time.sleep(1.0)
        self._echo()

    def _late(self) -> None:
        time.sleep(0.1)
        self._echo()

    def _start_stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _events(self) -> None:
        self._start_stream()
        self._chunk(b"data: 1\n\n")
        time.sleep(0.05)
        self._chunk(b": keep-alive\n\ndata: 2\n\n")
        self.wfile.write(b"0\r\n\r\n")

    def _events_cut(self) -> None:
        self._start_stream()
        self._chunk(b"data: 1\n\n")
        time.sleep(0.05)
        self.close_connection = True
        self.connection.shutdown(2)

    def _events_silent(self) -> None:
        self._start_stream()
        self._chunk(b"data: 1\n\n")
        time.sleep(1.0)
        self.wfile.write(b"0\r\n\r\n")


@pytest.fixture(scope="module")
def echo_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(params=["httpx", "gevent"])
def transport(request: pytest.FixtureRequest) -> Iterator[Transport]:
    made: Transport = HttpxTransport() if request.param == "httpx" else GeventTransport()
    yield made
    made.close()


def test_request_when_answered_returns_status_headers_body_and_elapsed(
    echo_url: str, transport: Transport
) -> None:
    response = transport.request(
        "POST", f"{echo_url}/icws/1/dialer/log-in?x=1", {"X-Test": "yes"}, b'{"campaignId":"c"}', 5.0
    )

    echoed = json.loads(response.body)
    assert response.status == 200
    assert echoed["method"] == "POST"
    assert echoed["path"] == "/icws/1/dialer/log-in?x=1"
    assert echoed["headers"]["x-test"] == "yes"
    assert echoed["body"] == '{"campaignId":"c"}'
    assert response.headers["CONTENT-TYPE"] == "application/vnd.inin.icws+json"
    assert response.headers.get_list("set-cookie") == ["a=1; Path=/", "b=2; Path=/"]
    assert response.elapsed_ms > 0


def test_request_when_server_set_cookies_does_not_replay_them(echo_url: str, transport: Transport) -> None:
    transport.request("GET", f"{echo_url}/first", {}, None, 5.0)
    second = json.loads(transport.request("GET", f"{echo_url}/second", {}, None, 5.0).body)
    assert "cookie" not in second["headers"]


def test_request_when_bodyless_put_sends_zero_length(echo_url: str, transport: Transport) -> None:
    echoed = json.loads(transport.request("PUT", f"{echo_url}/x", {}, None, 5.0).body)
    assert echoed["body"] == ""
    assert echoed["headers"].get("content-length", "0") == "0"


def test_request_when_status_is_error_returns_it_without_raising(echo_url: str, transport: Transport) -> None:
    assert transport.request("GET", f"{echo_url}/busy", {}, None, 5.0).status == 503


def test_request_when_server_is_slower_than_timeout_raises_icws_timeout(
    echo_url: str, transport: Transport
) -> None:
    started = time.perf_counter()
    with pytest.raises(IcwsTimeout):
        transport.request("GET", f"{echo_url}/slow", {}, None, 0.2)
    assert time.perf_counter() - started < 0.9


def test_request_when_nothing_listens_raises_transport_error_without_url(transport: Transport) -> None:
    with pytest.raises(IcwsTransportError) as caught:
        transport.request("GET", "http://127.0.0.1:9/icws/54613001/connection", {}, None, 2.0)
    assert "54613001" not in str(caught.value)


def test_request_when_many_in_a_row_reuses_connections(echo_url: str, transport: Transport) -> None:
    answers = [transport.request("GET", f"{echo_url}/n{i}", {}, None, 5.0) for i in range(20)]
    assert len({json.loads(a.body)["client_port"] for a in answers}) == 1


@pytest.fixture
def descriptors_past_select_limit() -> Iterator[None]:
    """Hold open files until new sockets get descriptors above 1023, beyond what ``select()`` takes."""
    held = [os.open(os.devnull, os.O_RDONLY)]
    with contextlib.suppress(OSError):  # the descriptor limit
        for _ in range(1100):
            if held[-1] >= 1100:
                break
            held.append(os.dup(held[0]))
    try:
        if held[-1] < 1100:
            pytest.skip("the descriptor limit is below 1100")
        yield
    finally:
        for fd in held:
            os.close(fd)


@pytest.mark.usefixtures("descriptors_past_select_limit")
def test_gevent_request_when_descriptors_are_above_1023_keeps_reusing_its_connection(echo_url: str) -> None:
    transport = GeventTransport()
    answers = [transport.request("GET", f"{echo_url}/n{i}", {}, None, 5.0) for i in range(5)]
    transport.close()
    assert len({json.loads(a.body)["client_port"] for a in answers}) == 1


def test_stream_when_server_sends_events_yields_bytes_until_the_end(
    echo_url: str, transport: Transport
) -> None:
    with transport.stream("GET", f"{echo_url}/events", {"Accept": "text/event-stream"}, 5.0) as stream:
        assert stream.status == 200
        assert stream.headers["content-type"] == "text/event-stream"
        body = b"".join(stream)
    assert body == b"data: 1\n\n: keep-alive\n\ndata: 2\n\n"


def test_stream_when_connection_is_cut_raises_transport_error(echo_url: str, transport: Transport) -> None:
    received: list[bytes] = []
    with (
        pytest.raises(IcwsTransportError),
        transport.stream("GET", f"{echo_url}/events-cut", {}, 5.0) as stream,
    ):
        received.extend(stream)
    assert b"".join(received) == b"data: 1\n\n"


def test_stream_when_server_falls_silent_raises_icws_timeout(echo_url: str, transport: Transport) -> None:
    with pytest.raises(IcwsTimeout), transport.stream("GET", f"{echo_url}/events-silent", {}, 0.2) as stream:
        for _ in stream:
            pass


def test_stream_when_nothing_listens_raises_transport_error(transport: Transport) -> None:
    with pytest.raises(IcwsTransportError), transport.stream("GET", "http://127.0.0.1:9/x", {}, 1.0):
        pass


def test_request_when_transport_closed_and_used_again_raises(echo_url: str) -> None:
    transport = GeventTransport()
    transport.request("GET", f"{echo_url}/x", {}, None, 5.0)
    transport.close()
    transport.close()
    with pytest.raises((RuntimeError, IcwsTransportError)):
        transport.request("GET", f"{echo_url}/x", {}, None, 5.0)


def test_httpx_transport_when_given_mock_transport_uses_it() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(204, headers={"X-Seen": request.url.path})

    transport = HttpxTransport(transport=httpx.MockTransport(handler))
    response = transport.request("DELETE", "http://cic.test/icws/1/connection", {}, None, 1.0)
    assert (response.status, response.headers["x-seen"], response.body) == (204, "/icws/1/connection", b"")


# --- small parts ----------


def test_response_headers_when_looked_up_ignore_case_and_join_repeats() -> None:
    headers = ResponseHeaders([("Set-Cookie", "a=1"), ("set-cookie", "b=2"), ("Retry-After", "3")])
    assert headers["SET-COOKIE"] == "a=1, b=2"
    assert headers.get_list("Set-Cookie") == ["a=1", "b=2"]
    assert headers.get_list("missing") == []
    assert "retry-after" in headers and "Retry-After" in headers and 3 not in headers
    assert sorted(headers) == ["retry-after", "set-cookie"]
    assert len(headers) == 2


@pytest.mark.parametrize(
    ("url", "origin", "target"),
    [
        ("https://cic.test:8019/icws/1/x?y=1", "https://cic.test:8019", "/icws/1/x?y=1"),
        ("http://cic.test", "http://cic.test", "/"),
        ("http://[::1]:8019/api/icws", "http://[::1]:8019", "/api/icws"),
    ],
)
def test_split_url_when_given_full_url_separates_origin_and_target(
    url: str, origin: str, target: str
) -> None:
    assert _split_url(url) == (origin, target)


@pytest.mark.slow
def test_gevent_transport_when_module_imported_does_not_import_gevent() -> None:
    import subprocess
    import sys

    code = "import sys, botagent.icws; assert 'gevent' not in sys.modules, 'gevent imported'"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


@pytest.mark.skipif(sys.platform != "linux", reason="the kernel's receive timestamps are Linux's")
def test_gevent_request_when_the_loop_is_busy_as_the_answer_arrives_times_the_arrival(echo_url: str) -> None:
    """The answer arrives (after 0.1 s) while another greenlet holds the event loop for a second: the
    request's time ends when the answer reached the machine, not when the loop came back to read it."""
    import gevent

    transport = GeventTransport()
    transport.request("GET", f"{echo_url}/connect", {}, None, 5.0)

    def hold_the_loop() -> None:
        end = time.perf_counter() + 1.0
        while time.perf_counter() < end:
            pass

    gevent.spawn(hold_the_loop)
    started = time.perf_counter()
    answer = transport.request("GET", f"{echo_url}/late", {}, None, 5.0)
    wall_ms = (time.perf_counter() - started) * 1000.0
    transport.close()
    assert answer.status == 200
    assert wall_ms >= 1000.0
    assert answer.arrival_stamped
    assert 100.0 <= answer.elapsed_ms < wall_ms - 300.0


@pytest.mark.skipif(sys.platform != "linux", reason="idle times come from the kernel's receive timestamps")
def test_gevent_request_when_its_pooled_connection_sat_idle_too_long_opens_a_new_one(echo_url: str) -> None:
    """A server closes a keep-alive connection idle for too long (uvicorn after 5 s); a request written
    just as it does is lost, since it is never sent again. Past ``idle_expiry`` the pool connects anew
    before writing anything; within it, the connection is reused."""
    transport = GeventTransport(idle_expiry=0.2)
    first = json.loads(transport.request("GET", f"{echo_url}/a", {}, None, 5.0).body)["client_port"]
    again = json.loads(transport.request("GET", f"{echo_url}/b", {}, None, 5.0).body)["client_port"]
    time.sleep(0.4)
    later = json.loads(transport.request("GET", f"{echo_url}/c", {}, None, 5.0).body)["client_port"]
    transport.close()

    assert again == first
    assert later != first
