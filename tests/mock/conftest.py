"""Fixtures for tests that drive the served mock's time instead of sleeping.

``clocked_mock`` is a second session-wide mock server, on a ``FakeClock`` (``mock_clock``) that moves only
when a test advances it, reset for each test like ``fresh_mock``. Sessions, faults (``after``, message
delays) and the ``startedAt`` of timings follow that clock.

Two waits on the HTTP side do not read the runtime's clock: ``IcwsGate`` measures handling time with
``time.perf_counter`` and a ``latency`` fault waits with ``asyncio.sleep``. ``waits_on_clock`` points both
at ``mock_clock`` for one test, so a latency fault moves the clock on by its seconds at once and a handling
time is exactly the clock time that passed while the request was handled.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from mock_rig import FakeClock

from botagent.mock import _gate, _icws_routes, _receipt, _stream, default_scenario
from botagent.mock.server import MockServer


class _ModuleWith:
    """A module as one mock module sees it, with some of its names replaced."""

    def __init__(self, module: ModuleType, **replaced: Any) -> None:
        self._module = module
        self.__dict__.update(replaced)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)


@pytest.fixture(scope="session")
def mock_clock() -> FakeClock:
    """The clock of ``clocked_mock``; it never goes back, so tests only ever advance it."""
    return FakeClock()


@pytest.fixture(scope="session")
def clocked_mock_server(mock_clock: FakeClock) -> Iterator[MockServer]:
    """A mock ICWS server on 127.0.0.1 whose engine and faults run on ``mock_clock``."""
    with MockServer(clock=mock_clock) as server:
        yield server


@pytest.fixture
def clocked_mock(clocked_mock_server: MockServer, mock_clock: FakeClock) -> Iterator[MockServer]:
    """The server on ``mock_clock``, reset to the default scenario for this test, with the clock on the
    next whole second (so a test's readings do not depend on the tests run before it)."""
    mock_clock.next_second()
    clocked_mock_server.reset(default_scenario())
    yield clocked_mock_server
    clocked_mock_server.check_errors()


@pytest.fixture
def waits_on_clock(mock_clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """For this test, handling times are read from ``mock_clock`` and a latency fault advances it.

    Returns ``mock_clock``.
    """

    async def sleep(seconds: float) -> None:
        mock_clock.advance(seconds)
        await asyncio.sleep(0)

    timed = _ModuleWith(time, perf_counter=mock_clock)
    monkeypatch.setattr(_gate, "time", timed)
    monkeypatch.setattr(_receipt, "time", timed)
    monkeypatch.setattr(_stream, "time", timed)
    monkeypatch.setattr(_icws_routes, "asyncio", _ModuleWith(asyncio, sleep=sleep))
    return mock_clock
