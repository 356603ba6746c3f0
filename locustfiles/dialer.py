"""Interaction Dialer agents: every Locust user is one agent bot running the profile's lifecycle.

    locust -f locustfiles/dialer.py --profile profiles/smoke.yaml --headless -u 20 -r 10 -t 60s
"""

import locust  # noqa: F401  (Locust first, so gevent patches everything before botagent loads)

from botagent.locust.locustfile import DialerAgent

__all__ = ["DialerAgent"]
