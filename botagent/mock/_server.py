"""Running the mock: ``MockServer`` (uvicorn in a thread, for tests) and ``serve`` (the CLI, foreground)."""

from __future__ import annotations

import concurrent.futures
import contextlib
import logging
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, TypeVar

import uvicorn

from botagent.mock._app import create_app
from botagent.mock._direct import DirectProtocol
from botagent.mock._engine import DialerEngine
from botagent.mock._runtime import MockRuntime
from botagent.mock._scenario import Scenario
from botagent.mock._switchover import SwitchoverPair

__all__ = ["MockServer", "serve"]

T = TypeVar("T")

_START_TIMEOUT = 10.0
_GRACEFUL_SHUTDOWN = 2


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def _address(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"{host}:{port}"


def _url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _pair_of(primary: socket.socket, backup: socket.socket) -> SwitchoverPair:
    return SwitchoverPair((_address(primary), _address(backup)))


class _Server(uvicorn.Server):
    """uvicorn, plus: say when ready, and end event streams before waiting for connections to close."""

    def __init__(self, config: uvicorn.Config, runtime: MockRuntime, on_ready: Callable[[], None]) -> None:
        super().__init__(config)
        self.runtime = runtime
        self.on_ready = on_ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self.on_ready()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.runtime.close_streams()
        await super().shutdown(sockets)


def _config(runtime_app: object, log_level: str) -> uvicorn.Config:
    return uvicorn.Config(
        runtime_app,  # type: ignore[arg-type]
        http=DirectProtocol,
        log_level=log_level,
        access_log=False,
        proxy_headers=False,
        lifespan="on",
        timeout_graceful_shutdown=_GRACEFUL_SHUTDOWN,
    )


class MockServer:
    """The mock ICWS server on uvicorn in a background thread: for tests and non-gevent processes only.

    Use it as a context manager; on exit the server stops and any exception a handler or the engine
    raised on the server side is raised again (the first one, with the others as notes).

    Args:
        scenario: what to simulate; the default scenario when None.
        host: the address to listen on (loopback by default).
        port: the port; 0 picks a free one (see ``base_url``).
        log_level: uvicorn's log level.
        clock: epoch seconds for the engine, the faults and the ``startedAt`` of timings, as
            ``create_app`` takes it; ``time.time`` by default. A test passes a clock it moves by hand to
            drive sessions, calls and faults without sleeping. The loop's timers still wait real
            seconds (a deadline minus this clock's time), then run what is due by this clock.
        pair: serve as a switchover pair: a second listener on a free port of ``host`` is the backup
            (``backup_url``), sharing the engine; ``POST /mock/switchover`` swaps the two.
        ledger_file: keep settled calls in this SQLite file; ``stop`` leaves it complete.
    """

    def __init__(
        self,
        scenario: Scenario | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        log_level: str = "warning",
        clock: Callable[[], float] = time.time,
        pair: bool = False,
        ledger_file: Path | None = None,
    ) -> None:
        self.app = create_app(scenario, clock=clock, ledger_file=ledger_file)
        self._pair = pair
        self._backup: socket.socket | None = None
        self.runtime: MockRuntime = self.app.state.runtime
        self.host = host
        self._requested_port = port
        self._log_level = log_level
        self._socket: socket.socket | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    @property
    def engine(self) -> DialerEngine:
        """The engine being served; touch it only through ``call`` while the server runs."""
        return self.runtime.engine

    @property
    def port(self) -> int:
        """The port the server listens on."""
        if self._socket is None:
            raise RuntimeError("the mock server is not started")
        port: int = self._socket.getsockname()[1]
        return port

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT`` of the running server."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def backup_url(self) -> str:
        """``http://HOST:PORT`` of the pair's second listener (the initial backup)."""
        if self._backup is None:
            raise RuntimeError("the mock server is not started as a switchover pair")
        return _url(self._backup)

    def start(self) -> MockServer:
        """Start serving in a background thread and return once the server accepts connections.

        Raises:
            RuntimeError: the server did not start within 10 seconds.
        """
        if self._thread is not None:
            raise RuntimeError("the mock server is already started")
        self._socket = _bind(self.host, self._requested_port)
        sockets = [self._socket]
        if self._pair:
            self._backup = _bind(self.host, 0)
            sockets.append(self._backup)
            self.runtime.pair = _pair_of(self._socket, self._backup)
        self._server = _Server(_config(self.app, self._log_level), self.runtime, self._ready.set)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": sockets}, name="botagent-mock", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not self._ready.wait(0.05):
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the mock server did not start")
        return self

    def stop(self) -> None:
        """Stop the server and wait for its thread (idempotent)."""
        server, thread = self._server, self._thread
        if server is not None and thread is not None:
            loop = self.runtime.loop
            if loop is not None and thread.is_alive():
                loop.call_soon_threadsafe(self.runtime.close_streams)
            server.should_exit = True
            thread.join(_START_TIMEOUT + _GRACEFUL_SHUTDOWN)
        for sock in (self._socket, self._backup):
            if sock is not None:
                sock.close()
        self._server = self._thread = None
        self._ready.clear()
        self.runtime.engine.save_ledger()

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
        if exc is None:
            self.check_errors()

    def check_errors(self) -> None:
        """Raise the first server-side exception collected so far (clearing the list)."""
        errors, self.runtime.errors = self.runtime.errors, []
        if errors:
            first = errors[0]
            for other in errors[1:]:
                first.add_note(f"also raised on the server: {type(other).__name__}: {other}")
            raise first

    def call(self, fn: Callable[[DialerEngine], T]) -> T:
        """Run ``fn(engine)`` on the server's event loop and return its result (thread-safe)."""
        loop = self.runtime.loop
        if loop is None or self._thread is None:
            result = fn(self.engine)
            self.runtime.changed()
            return result
        future: concurrent.futures.Future[T] = concurrent.futures.Future()

        def run() -> None:
            try:
                future.set_result(fn(self.engine))
            except BaseException as exc:
                future.set_exception(exc)
            self.runtime.changed()

        loop.call_soon_threadsafe(run)
        return future.result(timeout=_START_TIMEOUT)

    def reset(self, scenario: Scenario | None = None) -> None:
        """Start over, with a new scenario when given: sessions, calls, faults (the scenario's again),
        counters and timings."""
        self.call(lambda engine: self.runtime.reset(scenario))


def serve(
    host: str = "127.0.0.1",
    port: int = 8019,
    scenario: Scenario | None = None,
    *,
    log_level: str = "warning",
    out: IO[str] | None = None,
    backup_port: int | None = None,
    ledger_file: Path | None = None,
) -> None:
    """Run the mock in the foreground until SIGINT or SIGTERM.

    Server-side exceptions are logged (logger ``botagent.mock``, to stderr at ``log_level``, with one
    line per injected fault at ``info``) and answered with 500. Once it accepts connections it prints
    ``botagent mock listening on http://HOST:PORT`` (flushed) to ``out`` (stdout by default); with
    port 0 the line names the port picked. With ``backup_port`` (0: a free one) it serves as a
    switchover pair, ``port`` the primary, and first prints ``botagent mock backup on http://HOST:PORT``.
    With ``ledger_file`` settled calls go to that SQLite file (replaced if it exists), saved at the end.

    Raises:
        OSError: a port cannot be listened on.
    """
    stream = out or sys.stdout
    _log_to_stderr(log_level)
    app = create_app(scenario, ledger_file=ledger_file)
    sockets = [_bind(host, port)]
    try:
        if backup_port is not None:
            sockets.append(_bind(host, backup_port))
            app.state.runtime.pair = _pair_of(*sockets)
    except OSError:
        sockets[0].close()
        raise

    def ready() -> None:
        if len(sockets) == 2:
            print(f"botagent mock backup on {_url(sockets[1])}", file=stream, flush=True)
        print(f"botagent mock listening on {_url(sockets[0])}", file=stream, flush=True)

    server = _Server(_config(app, log_level), app.state.runtime, ready)
    try:
        with _signals_end_quietly():
            server.run(sockets=sockets)
    finally:
        for sock in sockets:
            sock.close()
        app.state.runtime.engine.close()  # the file is complete once the server ends


def _log_to_stderr(log_level: str) -> None:
    logger = logging.getLogger("botagent.mock")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s:     %(name)s: %(message)s"))
        logger.addHandler(handler)
    level = logging.getLevelName(log_level.upper())
    logger.setLevel(level if isinstance(level, int) else logging.DEBUG)


@contextlib.contextmanager
def _signals_end_quietly() -> Iterator[None]:
    # uvicorn handles SIGINT/SIGTERM itself, then re-raises the signal to the handler found before it
    # started; a no-op handler there makes a signalled shutdown an ordinary, successful return.
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, lambda *_: None) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
