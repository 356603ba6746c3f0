"""Shared fixtures: one mock ICWS server per test session on loopback, cleared for each test.

``mock_server`` runs the default scenario with short dial and ring delays (``FAST_SCENARIO``) so a
pop arrives within about 50 ms. ``fresh_mock`` resets it before the test (sessions, calls, counters)
and raises again, after the test, any exception the server hit. A test that needs another scenario
calls ``fresh_mock.reset(scenario)``; the next test gets the fast default back.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from botagent.mock import Scenario, default_scenario, scenario_from_dict
from botagent.mock.server import MockServer

FAST_DELAYS: dict[str, Any] = {"dial_delay": 0.01, "ring_delay": 0.02, "preview_timeout": 30.0}


def fast_scenario(**changes: Any) -> Scenario:
    """The default scenario with short delays on every campaign; ``changes`` replace top-level keys."""
    data = default_scenario().model_dump()
    data["campaigns"] = [{**campaign, **FAST_DELAYS} for campaign in data["campaigns"]]
    data.update(changes)
    return scenario_from_dict(data)


FAST_SCENARIO = fast_scenario()


@pytest.fixture(scope="session")
def mock_server() -> Iterator[MockServer]:
    """The mock ICWS server on 127.0.0.1 (port picked by the OS), for the whole test session."""
    with MockServer(FAST_SCENARIO) as server:
        yield server


@pytest.fixture
def fresh_mock(mock_server: MockServer) -> Iterator[MockServer]:
    """The shared mock server, reset to ``FAST_SCENARIO`` for this test."""
    mock_server.reset(FAST_SCENARIO)
    yield mock_server
    mock_server.check_errors()
