"""botagent's Dialer agents under a load shape that removes agents mid-run: four agents for the first
three seconds, then one until the eighth second, when the test stops."""

import locust  # noqa: F401  (Locust before botagent, so gevent patches everything botagent loads)
from locust import LoadTestShape

from botagent.locust.locustfile import DialerAgent

__all__ = ["DialerAgent", "StepDown"]

STEPS = ((3.0, 4), (8.0, 1))
"""(until this many seconds into the run, this many agents)."""


class StepDown(LoadTestShape):
    """Four agents, then one, then the end."""

    def tick(self) -> tuple[int, float] | None:
        elapsed = self.get_run_time()
        for until, users in STEPS:
            if elapsed < until:
                return users, 4.0
        return None
