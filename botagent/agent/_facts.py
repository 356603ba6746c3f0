"""What the agent has learnt and done so far, beyond its state: the extra facts of the machine."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from ._calls import HeldCall

__all__ = ["Facts"]

_FINISHED_MEMORY = 64
"""How many finished interaction ids are remembered, to ignore late notices about them."""


@dataclass(slots=True)
class Facts:
    """Mutable bookkeeping owned by one `Agent`; the rule checks read it."""

    session_open: bool = False
    session_gone: bool = False
    session_lost: bool = False
    close_sent: bool = False
    dialer_login_sent: bool = False
    dialer_logged_in: bool = False
    right: bool | None = None
    break_status_seen: bool = False
    offered: dict[str, str] = field(default_factory=dict)
    to_join: list[str] = field(default_factory=list)
    join_sent: set[str] = field(default_factory=set)
    joined: list[str] = field(default_factory=list)
    available: bool = False
    ever_available: bool = False
    available_since: float | None = None
    on_break: bool = False
    r9_window: bool = False
    break_requested_at: float | None = None
    break_granted: bool = False
    status_changed_at: float | None = None
    break_seen_while_away: bool = False
    logoff_ids: tuple[str, ...] | None = None
    logoff_sent_at: float | None = None
    granted_ids: set[str] = field(default_factory=set)
    dialer_granted: bool = False
    logoff_kpi_recorded: bool = False
    pending_async: dict[str, str] = field(default_factory=dict)
    current: HeldCall | None = None
    queued: deque[HeldCall] = field(default_factory=deque)
    finished_ids: deque[str] = field(default_factory=lambda: deque(maxlen=_FINISHED_MEMORY))

    def calls(self) -> Iterator[HeldCall]:
        """Every popped call not yet finished: the current one first, then the queued ones."""
        if self.current is not None:
            yield self.current
        yield from self.queued

    def open_calls(self) -> list[HeldCall]:
        """Popped calls whose disposition has not been sent."""
        return [held for held in self.calls() if held.open]

    def find(self, interaction_id: str) -> HeldCall | None:
        """The unfinished call with this interaction id, if any."""
        return next((held for held in self.calls() if held.interaction_id == interaction_id), None)

    def logoff_complete(self) -> bool:
        """True once the grants cover the log-off sent (R10, R29)."""
        if self.logoff_ids is None:
            return False
        if self.dialer_granted:
            return True
        return bool(self.logoff_ids) and set(self.logoff_ids) <= self.granted_ids
