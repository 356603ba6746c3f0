"""Campaign metrics for ``GET /mock/ledger``: counters, agent time, and the figures derived from them.

Counters are bumped as things happen (``dialed``, one per outcome, ``connected``, ``abandoned``,
``popped``, ``dispositioned``, the callback counters of ``_callbacks.py``). Agent time is kept per
campaign in two parts: *waiting* (the agent is attached to the campaign, reserved for one of its dials
or in its predictive pool, with no call) and *busy* (from a pop until the agent is free again, so talk
and wrap-up). An agent's current stretch is open until it ends; a snapshot counts it up to the last
moment the ledger changed (``World.settled``), so only a change changes the figures.

Derived figures:

- ``abandonRate``: (``abandoned`` + ``abandonedByAgent``) / (``connected`` + ``abandoned``), the share
  of answered calls that reached no agent in time or that an agent marked abandoned (``isAbandon``);
- ``utilisation``: busy / (busy + waiting);
- ``popsPerAgentHour``: ``popped`` per hour of agent time (busy + waiting);
- ``agentHours``: busy + waiting, in hours.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

__all__ = ["COUNTERS", "AgentTime", "campaign_summary"]

COUNTERS = (
    "dialed",
    "answered",
    "noAnswer",
    "busy",
    "machine",
    "fax",
    "sit",
    "connected",
    "abandoned",
    "abandonedByAgent",
    "popped",
    "dispositioned",
    "callbacksDue",
    "callbacksKept",
    "callbacksLate",
    "callbacksFallenBack",
    "callbacksExpired",
    "followUps",
)
"""Every counter a campaign reports, zero when nothing happened yet."""


@dataclass(slots=True)
class AgentTime:
    """Agent-seconds a campaign held agents, closed stretches only."""

    busy: float = 0.0
    waiting: float = 0.0

    def add(self, busy: bool, seconds: float) -> None:
        """Add a closed stretch."""
        if busy:
            self.busy += seconds
        else:
            self.waiting += seconds


def campaign_summary(counter: Counter[str], time: AgentTime) -> dict[str, Any]:
    """One campaign's ``GET /mock/ledger`` entry: every counter, then the derived figures."""
    body: dict[str, Any] = {name: counter[name] for name in COUNTERS}
    body.update((name, count) for name, count in counter.items() if name not in body)
    answered = counter["connected"] + counter["abandoned"]
    abandoned = counter["abandoned"] + counter["abandonedByAgent"]
    seconds = time.busy + time.waiting
    body["abandonRate"] = _ratio(abandoned, answered)
    body["utilisation"] = _ratio(time.busy, seconds)
    body["popsPerAgentHour"] = _ratio(counter["popped"] * 3600.0, seconds)
    body["agentHours"] = round(seconds / 3600.0, 6)
    return body


def _ratio(part: float, whole: float) -> float:
    return round(part / whole, 6) if whole > 0 else 0.0
