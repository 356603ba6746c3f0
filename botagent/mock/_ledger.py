"""The call ledger: the mock's ground truth about every Dialer call, kept for reconciliation.

One record per call that reached an agent (a pop) or was answered with no agent to take it
(``abandoned``). Dials nobody answered are only counted, per campaign. Records are never removed,
not even when the session that held the call expires, so a call that was never dispositioned shows
``dispositionCount == 0``.

A call its agent still held when the session vanished on the server's side (a ``session_loss`` fault or
``POST /mock/restart``) is ``orphaned``, with ``orphanReason`` saying why ("session lost", "server
restart"); the bot could not disposition it. A session the client closed or let expire leaves its call
as it was: never dispositioned, so lost.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from botagent.wire import LedgerEntry

__all__ = ["Ledger"]

class Ledger:
    """Every call record in creation order, by call id, plus per-campaign dial counters."""

    def __init__(self) -> None:
        self.records: list[LedgerEntry] = []
        self.by_call_id: dict[str, LedgerEntry] = {}
        self.counters: dict[str, Counter[str]] = {}

    def add(self, record: LedgerEntry) -> LedgerEntry:
        """Append a record and return it."""
        self.records.append(record)
        self.by_call_id[record.call_id] = record
        return record

    def count(self, campaign_name: str, what: str) -> None:
        """Add one to a campaign counter such as ``dialed`` or ``noAnswer``."""
        self.counters.setdefault(campaign_name, Counter())[what] += 1

    def to_wire(self) -> dict[str, Any]:
        """Return the ``GET /mock/ledger`` body: ``calls`` and per-campaign ``campaigns`` counters."""
        return {
            "calls": [record.to_wire() for record in self.records],
            "campaigns": {name: dict(counter) for name, counter in self.counters.items()},
        }
