"""The call ledger: the mock's ground truth about every Dialer call, kept for reconciliation.

One record per call that reached an agent (a pop) or was answered with no agent to take it
(``abandoned``). Dials nobody answered are only counted, per campaign. Records are never removed,
not even when the session that held the call expires, so a call that was never dispositioned shows
``dispositionCount == 0``.

A call its agent still held when the session vanished on the server's side (a ``session_loss`` fault or
``POST /mock/restart``) is ``orphaned``, with ``orphanReason`` saying why ("session lost", "server
restart"); the bot could not disposition it. A session the client closed or let expire leaves its call
as it was: never dispositioned, so lost.

Per campaign, ``campaigns`` holds counters, agent time and the figures derived from them (see
``_metrics.py``): outcomes, connects, abandons and the abandon rate, utilisation, pops per agent-hour,
callbacks due, kept and late.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from botagent.mock._metrics import AgentTime, campaign_summary
from botagent.wire import AcdEntry, LedgerEntry

__all__ = ["Ledger"]


class Ledger:
    """Every call record in creation order, by call id, plus per-campaign dial counters."""

    def __init__(self) -> None:
        self.records: list[LedgerEntry] = []
        self.acd: list[AcdEntry] = []
        """Every inbound ACD interaction, in arrival order (``_acd.py``)."""
        self.acd_refused = 0
        """ACD arrivals refused because their workgroup's queue was full."""
        self.by_call_id: dict[str, LedgerEntry] = {}
        self.counters: dict[str, Counter[str]] = {}
        self.time: dict[str, AgentTime] = {}
        self.open: dict[object, tuple[str, bool, float]] = {}
        self.changes = 0
        """How many times the ledger has changed; the pacer notes when it last did."""

    def add(self, record: LedgerEntry) -> LedgerEntry:
        """Append a record and return it."""
        self.records.append(record)
        self.by_call_id[record.call_id] = record
        self.changes += 1
        return record

    def add_acd(self, entry: AcdEntry) -> AcdEntry:
        """Append an ACD interaction's entry and return it."""
        self.acd.append(entry)
        self.changes += 1
        return entry

    def count(self, campaign_name: str, what: str) -> None:
        """Add one to a campaign counter such as ``dialed`` or ``noAnswer``."""
        self._counter(campaign_name)[what] += 1
        self.changes += 1

    def _counter(self, campaign_name: str) -> Counter[str]:
        counter = self.counters.get(campaign_name)
        if counter is None:
            counter = self.counters[campaign_name] = Counter()
        return counter

    def start_stretch(self, agent: object, campaign_name: str, busy: bool, now: float) -> None:
        """Begin counting an agent's time for a campaign (closing its previous stretch first)."""
        self.end_stretch(agent, now)
        self.open[agent] = (campaign_name, busy, now)
        self._counter(campaign_name)
        self.changes += 1

    def end_stretch(self, agent: object, now: float) -> None:
        """Stop counting an agent's time (a no-op when none is being counted)."""
        stretch = self.open.pop(agent, None)
        if stretch is not None:
            self.changes += 1
            name, busy, since = stretch
            self.time.setdefault(name, AgentTime()).add(busy, max(0.0, now - since))

    def to_wire(self, now: float = 0.0) -> dict[str, Any]:
        """Return the ``GET /mock/ledger`` body: ``calls``, per-campaign ``campaigns`` metrics (Dialer
        calls only), the inbound ``acd`` interactions and ``acdRefused`` arrivals.

        Agent time still being counted is counted up to ``now``.
        """
        return {
            "calls": [record.to_wire() for record in self.records],
            "acd": [entry.to_wire() for entry in self.acd],
            "acdRefused": self.acd_refused,
            "campaigns": {name: self._summary(name, now) for name in self.counters},
        }

    def _summary(self, name: str, now: float) -> dict[str, Any]:
        closed = self.time.get(name, AgentTime())
        time = AgentTime(closed.busy, closed.waiting)
        for campaign_name, busy, since in self.open.values():
            if campaign_name == name:
                time.add(busy, max(0.0, now - since))
        return campaign_summary(self.counters[name], time)
