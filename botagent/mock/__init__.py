"""botagent.mock: a stand-alone mock of an ICWS server running Interaction Dialer.

A pure, clock-driven Dialer engine (``DialerEngine``) behind a thin ASGI app (``create_app``), run by
``MockServer`` in a thread for tests or by ``serve`` / ``botagent mock`` in the foreground. What it
simulates comes from a ``Scenario`` (``default_scenario()`` or ``load_scenario(path)``).
"""

from botagent.mock._app import create_app
from botagent.mock._engine import DialerEngine
from botagent.mock._errors import EngineError, ErrorIds, ScenarioError
from botagent.mock._ledger import CallRecord
from botagent.mock._process import MockProcess, MockStartError
from botagent.mock._runtime import MockRuntime
from botagent.mock._scenario import (
    Behaviour,
    CampaignSpec,
    ContactSpec,
    DispositionSpec,
    Scenario,
    StatusSpec,
    UserGroup,
    campaign_id_for,
    default_scenario,
    load_scenario,
    scenario_from_dict,
)
from botagent.mock._server import MockServer, serve
from botagent.mock._state import Session

__all__ = [
    "Behaviour",
    "CallRecord",
    "CampaignSpec",
    "ContactSpec",
    "DialerEngine",
    "DispositionSpec",
    "EngineError",
    "ErrorIds",
    "MockProcess",
    "MockRuntime",
    "MockServer",
    "MockStartError",
    "Scenario",
    "ScenarioError",
    "Session",
    "StatusSpec",
    "UserGroup",
    "campaign_id_for",
    "create_app",
    "default_scenario",
    "load_scenario",
    "scenario_from_dict",
    "serve",
]
