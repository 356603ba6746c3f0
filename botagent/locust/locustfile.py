"""The locustfile `botagent run` uses: every Locust user is one Dialer agent of the profile."""

import locust  # noqa: F401  (Locust first, so gevent patches everything before botagent loads)

from botagent.locust import IcwsAgentUser


class DialerAgent(IcwsAgentUser):
    """An agent of the profile's campaigns."""
