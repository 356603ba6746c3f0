"""Agent identities handed out without collisions, in one process and across distributed workers.

Every identity of the profile is an index into one list that every process expands the same way. In a
local run the process leases indexes from its own pool. In a distributed run only the master holds the
pool: a worker asks for a lease with a Locust custom message, waits for the grant, and gives the index
back when its user stops, so two users never act as the same CIC user at once.
"""

from __future__ import annotations

import heapq
import itertools
from typing import Any

import gevent
from gevent.event import AsyncResult
from locust.env import Environment
from locust.runners import MasterRunner, WorkerRunner

from botagent.wire import BotagentError

__all__ = ["IdentitiesExhausted", "IdentityLeaser", "IdentityPool"]

_LEASE = "botagent_lease"
_GRANT = "botagent_grant"
_RELEASE = "botagent_release"


class IdentitiesExhausted(BotagentError):
    """More agents are running than the profile has identities."""


class IdentityPool:
    """Free identity indexes, lowest first, so a run uses the first identities of the profile."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._free = list(range(size))
        self._leased: set[int] = set()

    def lease(self) -> int:
        """Take the lowest free index.

        Raises:
            IdentitiesExhausted: every identity is leased.
        """
        if not self._free:
            raise IdentitiesExhausted(
                f"all {self.size} identities of the profile are in use: lower the user count or widen "
                "identities (pattern range or CSV rows)"
            )
        index = heapq.heappop(self._free)
        self._leased.add(index)
        return index

    def release(self, index: int) -> None:
        """Give an index back; releasing one that is not leased does nothing."""
        if index in self._leased:
            self._leased.remove(index)
            heapq.heappush(self._free, index)

    @property
    def leased(self) -> int:
        return len(self._leased)


class IdentityLeaser:
    """Leases identity indexes for the users of this process, from the master when distributed.

    Args:
        environment: the Locust environment; its runner decides local, worker or master behaviour.
        size: how many identities the profile has.
        timeout: seconds a worker waits for the master's grant.
    """

    def __init__(self, environment: Environment, size: int, timeout: float = 30.0) -> None:
        self._environment = environment
        self._pool = IdentityPool(size)
        self._timeout = timeout
        self._pending: dict[int, AsyncResult] = {}
        self._request_ids = itertools.count(1)
        runner = environment.runner
        if isinstance(runner, MasterRunner):
            runner.register_message(_LEASE, self._on_lease_request)
            runner.register_message(_RELEASE, self._on_release)
        elif isinstance(runner, WorkerRunner):
            runner.register_message(_GRANT, self._on_grant)

    def lease(self) -> int:
        """Return a free identity index for a starting user.

        Raises:
            IdentitiesExhausted: no identity is free (locally or at the master).
            TimeoutError: a worker got no answer from the master in time.
        """
        runner = self._environment.runner
        if not isinstance(runner, WorkerRunner):
            return self._pool.lease()
        request_id = next(self._request_ids)
        result: AsyncResult = AsyncResult()
        self._pending[request_id] = result
        runner.send_message(_LEASE, {"request_id": request_id, "client_id": runner.client_id})
        try:
            grant = result.get(timeout=self._timeout)
        except gevent.Timeout as exc:
            raise TimeoutError(f"no identity lease from the master within {self._timeout:g} s") from exc
        finally:
            self._pending.pop(request_id, None)
        if grant.get("error"):
            raise IdentitiesExhausted(grant["error"])
        return int(grant["index"])

    def release(self, index: int) -> None:
        """Give back the identity of a stopping user."""
        runner = self._environment.runner
        if isinstance(runner, WorkerRunner):
            runner.send_message(_RELEASE, {"index": index})
        else:
            self._pool.release(index)

    def _on_lease_request(self, environment: Environment, msg: Any, **_: Any) -> None:
        data = msg.data
        try:
            reply: dict[str, Any] = {"request_id": data["request_id"], "index": self._pool.lease()}
        except IdentitiesExhausted as exc:
            reply = {"request_id": data["request_id"], "error": str(exc)}
        environment.runner.send_message(_GRANT, reply, client_id=data["client_id"])  # type: ignore[union-attr]

    def _on_release(self, environment: Environment, msg: Any, **_: Any) -> None:
        self._pool.release(int(msg.data["index"]))

    def _on_grant(self, environment: Environment, msg: Any, **_: Any) -> None:
        pending = self._pending.get(msg.data["request_id"])
        if pending is not None:
            pending.set(msg.data)
