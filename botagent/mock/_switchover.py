"""A switchover pair: two listeners of one mock, one the primary and the other the backup.

A CIC switchover pair is two servers of which one is active (the primary) and the other waits (the
backup). The mock plays both with two listeners that share one Dialer engine, so the Dialer state
(campaigns, ledger, callbacks, dials in progress) carries over a switchover as a pair's does. What
differs between them is only which one answers:

- the primary serves every request;
- the backup answers the connection request with 503 and ``alternateHostList`` naming the primary
  (seed reference 1.1: "503 alternateHosts {errorId?, message?, alternateHostList}"), and holds no
  sessions;
- ``switch`` swaps them; the runtime then ends every session, since sessions on the failed server end.

Hosts are ``host:port``: both listeners share one loopback address, so a host name alone would not say
which one is meant. Pure: no I/O; the runtime and the routes call it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from botagent.wire import SwitchoverStatus

__all__ = ["SwitchoverPair"]


@dataclass(slots=True)
class SwitchoverPair:
    """Which of two listeners is the primary, and when the pair switched over.

    Args:
        hosts: the two listeners as ``host:port``, the initial primary first.
    """

    hosts: tuple[str, str]
    primary_index: int = 0
    switched_at: list[float] = field(default_factory=list)
    """Engine-clock times of every switchover so far, oldest first."""

    @property
    def primary(self) -> str:
        """The listener serving requests."""
        return self.hosts[self.primary_index]

    @property
    def backup(self) -> str:
        """The listener that refuses connections with 503."""
        return self.hosts[1 - self.primary_index]

    def is_backup(self, listener: str) -> bool:
        """Whether a request that came in on ``listener`` (``host:port``) reached the backup."""
        return listener == self.backup

    def switch(self, now: float) -> None:
        """Make the backup the primary, as a switchover does."""
        self.primary_index = 1 - self.primary_index
        self.switched_at.append(now)

    def status(self) -> SwitchoverStatus:
        """The ``switchoverStatus`` of a pair: active, with its primary and backup host."""
        return SwitchoverStatus(is_switchover_active=True, primary_host=self.primary, backup_host=self.backup)

    def snapshot(self) -> dict[str, object]:
        """The ``GET /mock/switchover`` body."""
        return {
            "pair": True,
            "primaryHost": self.primary,
            "backupHost": self.backup,
            "switchovers": len(self.switched_at),
            "switchedAt": list(self.switched_at),
        }
