"""Messages held back by ``message_delay`` faults: per session, in order, each with its release time.

Pure bookkeeping on a clock given as ``now``. A message never overtakes one queued before it: its
release time is at least that of the message ahead of it, so a session's messages keep their order
whether or not each one was hit.
"""

from __future__ import annotations

from collections import deque
from typing import Any

__all__ = ["HeldMessages"]

Message = dict[str, Any]


class HeldMessages:
    """Per-session queues of (release time, message)."""

    def __init__(self) -> None:
        self._held: dict[str, deque[tuple[float, Message]]] = {}

    def __bool__(self) -> bool:
        return bool(self._held)

    def holding(self, session_id: str) -> bool:
        """True when messages of this session are waiting for their release."""
        return session_id in self._held

    def hold(self, session_id: str, timed: list[tuple[float, Message]]) -> None:
        """Queue messages behind those already held, each released no earlier than the one ahead."""
        if not timed:
            return
        queue = self._held.setdefault(session_id, deque())
        last = queue[-1][0] if queue else float("-inf")
        for release, message in timed:
            last = max(last, release)
            queue.append((last, message))

    def put_front(self, session_id: str, messages: list[Message], now: float) -> None:
        """Put messages taken but not delivered back at the head, releasable at ``now``."""
        if not messages:
            return
        queue = self._held.setdefault(session_id, deque())
        queue.extendleft((now, message) for message in reversed(messages))

    def take_due(self, session_id: str, now: float) -> list[Message]:
        """Remove and return the session's messages whose release time has come, in order."""
        queue = self._held.get(session_id)
        if queue is None:
            return []
        due: list[Message] = []
        while queue and queue[0][0] <= now:
            due.append(queue.popleft()[1])
        if not queue:
            del self._held[session_id]
        return due

    def next_release(self) -> float | None:
        """The earliest release time of any held message, or None when nothing is held."""
        return min((queue[0][0] for queue in self._held.values()), default=None)

    def due_sessions(self, now: float) -> list[str]:
        """The sessions with a message releasable at ``now``."""
        return [sid for sid, queue in self._held.items() if queue[0][0] <= now]

    def forget(self, session_id: str) -> None:
        """Drop a session's held messages (it closed or vanished)."""
        self._held.pop(session_id, None)

    def clear(self) -> None:
        """Drop everything held."""
        self._held.clear()
