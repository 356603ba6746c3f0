"""botagent.mock: a stand-alone mock of an ICWS server running Interaction Dialer.

This package is the pure, clock-driven Dialer engine (``DialerEngine``), what it simulates (a
``Scenario``: ``default_scenario()`` or ``load_scenario(path)``), its faults (``FaultSpec``) and
``MockProcess``, which runs ``botagent mock`` as a child process. Importing it loads no HTTP stack.

The HTTP side lives in `botagent.mock.server`: the thin ASGI app (``create_app``), ``MockServer`` in a
thread for tests and ``serve`` / ``botagent mock`` in the foreground. Faults (latency, 500/503 errors,
lost sessions, dropped connections, cut event streams, delayed messages) are injected from the
scenario's ``faults:`` list or through ``/mock/faults``; ``_faults.py`` tells every key. The control
routes under ``/mock`` (``_control.py``) also restart the server in place, report the mock's own
handling time per request (``/mock/timings``) and describe the ``/icws`` routes as OpenAPI 3.1
(``/mock/openapi.json``).
"""

from botagent.mock._endpoints import ICWS_ENDPOINTS
from botagent.mock._engine import DialerEngine
from botagent.mock._errors import EngineError, ErrorIds, ScenarioError
from botagent.mock._faults import FAULT_SPEC, ActiveFault, FaultInjector, FaultSpec
from botagent.mock._process import MockProcess, MockStartError
from botagent.mock._scenario import (
    CampaignSpec,
    ContactSpec,
    DispositionSpec,
    Scenario,
    ServerBehaviour,
    StatusSpec,
    UserGroup,
    WorkgroupSpec,
    campaign_id_for,
    default_scenario,
    load_scenario,
    scenario_from_dict,
)
from botagent.mock._state import ServerSession

__all__ = [
    "ActiveFault",
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
    "MockStartError",
    "Scenario",
    "ScenarioError",
    "ServerBehaviour",
    "ServerSession",
    "StatusSpec",
    "UserGroup",
    "WorkgroupSpec",
    "campaign_id_for",
    "default_scenario",
    "load_scenario",
    "scenario_from_dict",
]
