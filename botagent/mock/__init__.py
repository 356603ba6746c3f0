"""botagent.mock: a stand-alone mock of an ICWS server running Interaction Dialer.

A pure, clock-driven Dialer engine (``DialerEngine``) behind a thin ASGI app (``create_app``), run by
``MockServer`` in a thread for tests or by ``serve`` / ``botagent mock`` in the foreground. What it
simulates comes from a ``Scenario`` (``default_scenario()`` or ``load_scenario(path)``).

Faults (latency, 500/503 errors, lost sessions, dropped connections, cut event streams, delayed
messages) are injected from the scenario's ``faults:`` list or through ``/mock/faults``; the fault
specification is ``FaultSpec`` (``_faults.py`` tells every key). The control routes under ``/mock``
(``_control.py``) also restart the server in place, report the mock's own handling time per request
(``/mock/timings``) and describe the ``/icws`` routes as OpenAPI 3.1 (``/mock/openapi.json``).
"""

from botagent.mock._app import create_app
from botagent.mock._endpoints import ICWS_ENDPOINTS
from botagent.mock._engine import DialerEngine
from botagent.mock._errors import EngineError, ErrorIds, ScenarioError
from botagent.mock._faults import FAULT_SPEC, ActiveFault, FaultInjector, FaultSpec
from botagent.mock._ledger import CallRecord
from botagent.mock._openapi import openapi_document
from botagent.mock._process import MockProcess, MockStartError
from botagent.mock._runtime import TIMINGS_KEPT, MockRuntime
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
    "ActiveFault",
    "Behaviour",
    "CallRecord",
    "CampaignSpec",
    "ContactSpec",
    "DialerEngine",
    "DispositionSpec",
    "EngineError",
    "ErrorIds",
    "FAULT_SPEC",
    "FaultInjector",
    "FaultSpec",
    "ICWS_ENDPOINTS",
    "MockProcess",
    "MockRuntime",
    "MockServer",
    "MockStartError",
    "Scenario",
    "ScenarioError",
    "Session",
    "StatusSpec",
    "TIMINGS_KEPT",
    "UserGroup",
    "campaign_id_for",
    "create_app",
    "default_scenario",
    "load_scenario",
    "openapi_document",
    "scenario_from_dict",
    "serve",
]
