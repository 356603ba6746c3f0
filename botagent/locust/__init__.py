"""botagent.locust: Locust users that are Interaction Dialer agents, and botagent's part in a Locust run.

Importing this package registers botagent's Locust options and event listeners; a locustfile then only
needs a concrete subclass of `IcwsAgentUser`.
"""

from botagent.locust import _options as _options
from botagent.locust._driver import AgentDriver
from botagent.locust._identities import IdentitiesExhausted, IdentityLeaser, IdentityPool
from botagent.locust._run import DialerRun, dialer_run_of
from botagent.locust._setup import setup_dialer_run
from botagent.locust._user import IcwsAgentUser

__all__ = [
    "AgentDriver",
    "DialerRun",
    "IcwsAgentUser",
    "IdentitiesExhausted",
    "IdentityLeaser",
    "IdentityPool",
    "dialer_run_of",
    "setup_dialer_run",
]
