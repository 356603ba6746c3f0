"""The Locust user: one Interaction Dialer agent working shifts until the test stops."""

from __future__ import annotations

import logging
import time

import gevent
from locust import User, constant, task
from locust.exception import StopTest, StopUser
from locust.user.users import LOCUST_STATE_STOPPING  # type: ignore[attr-defined]

from botagent.agent import AgentState, Finished
from botagent.locust._driver import AgentDriver
from botagent.locust._run import DialerRun, dialer_run_of
from botagent.profile import Identity

__all__ = ["IcwsAgentUser"]

logger = logging.getLogger(__name__)


class IcwsAgentUser(User):
    """A Dialer agent bot: each shift opens a session, logs in, takes calls, logs off and closes.

    The lifecycle and its timings come from the botagent profile; Locust's `wait_time` plays no part.
    A shift that ends by plan is followed by the next at once; one that ends in an error follows the
    profile's on-error policy (stop this user, or start over after a pause). When the server drops the
    session (as a switchover does), the agent rides it through instead: it logs in again after the
    profile's ``switchover.backoff``, doubling up to ``backoff_max`` while tries fail, for up to
    ``ride_through`` seconds, whatever the on-error policy. When the test stops, the agent logs off and
    closes its session within Locust's stop timeout.
    """

    abstract = True
    wait_time = constant(0)

    identity: Identity | None = None
    """The CIC user this agent acts as, leased when the user starts and given back when it stops."""

    def __init__(self, environment: object) -> None:
        super().__init__(environment)
        run = dialer_run_of(self.environment)
        if run is None:
            raise StopTest("botagent was not initialised: run the locustfile with locust (see --profile)")
        self._run: DialerRun = run
        self._identity_index: int | None = None
        self._driver: AgentDriver | None = None
        self._shifts = 0
        self._riding_until: float | None = None
        self._ride_tries = 0

    def context(self) -> dict[str, str]:
        return {"agent": self.identity.username} if self.identity else {}

    def on_start(self) -> None:
        self._identity_index = self._run.leaser.lease()
        self.identity = self._run.identities[self._identity_index]
        self._run.recorder.agent_started(self.identity.username)

    @task
    def work_a_shift(self) -> None:
        """Run one shift of the lifecycle; then start over, pause, or stop per the outcome."""
        assert self.identity is not None
        if self._state == LOCUST_STATE_STOPPING:
            raise StopUser()
        driver = self._run.new_driver(self.identity, self._shifts, self.context)
        self._shifts += 1
        self._driver = driver
        self._run.drivers.add(driver)
        try:
            finished = driver.run()
        finally:
            self._run.drivers.discard(driver)
            self._driver = None
        if driver.agent.state is AgentState.FINISHED:
            return  # the plan ran to its end: the next shift starts at once
        pause = self._ride_through(driver.worked, finished)
        if pause is not None:
            gevent.sleep(pause)
            return
        if finished.restart_after is None:
            logger.info("%s stops: %s", self.identity.username, finished.reason)
            raise StopUser()
        gevent.sleep(finished.restart_after)

    def _ride_through(self, worked: bool, finished: Finished) -> float | None:
        """The back-off before logging in again while riding through a dropped session; None when the
        agent is not riding one through (or the test is stopping)."""
        assert self.identity is not None
        settings = self._run.profile.switchover
        if worked:
            self._riding_until, self._ride_tries = None, 0
        if finished.session_lost:
            self._run.session_lost(self.identity.username)
            if self._riding_until is None:
                self._riding_until = time.monotonic() + settings.ride_through
        if self._riding_until is None or time.monotonic() > self._riding_until:
            self._riding_until, self._ride_tries = None, 0
            return None
        if self._state == LOCUST_STATE_STOPPING:
            return None
        pause = min(settings.backoff * 2.0**self._ride_tries, settings.backoff_max)
        self._ride_tries += 1
        return pause

    def stop(self, force: bool = False) -> bool:
        """Stop this user; unless forced, its agent first logs off and closes its session.

        Locust calls this when the test stops and when a ramp-down removes the user, in a local run and
        on a worker alike. The shift under way winds down; the user then ends instead of starting another.
        """
        if not force and self._driver is not None:
            self._driver.request_stop("the user is stopping")
        return bool(super().stop(force=force))

    def on_stop(self) -> None:
        if self._identity_index is not None:
            self._run.leaser.release(self._identity_index)
            self._identity_index = None
