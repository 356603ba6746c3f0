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
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["CallKind", "CallRecord", "CallState", "Ledger"]

CallKind = Literal["dataPop", "previewPop"]
CallState = Literal["dialing", "popped", "connected", "dispositioned", "abandoned", "orphaned"]


@dataclass(slots=True, eq=False, kw_only=True)
class CallRecord:
    """The ledger entry of one call; ``to_wire()`` gives the stable ``/mock/ledger`` keys."""

    call_id: str
    interaction_id: str
    campaign_id: str
    campaign_name: str
    contact_id: str
    kind: CallKind
    dialing_mode: int
    callback_of: str | None = None
    agent: str | None = None
    state: CallState = "popped"
    popped_at: float | None = None
    placed_at: float | None = None
    connected_at: float | None = None
    dispositioned_at: float | None = None
    label: str | None = None
    scheduled_time: int | None = None
    scheduled_agent: str | None = None
    disposition_count: int = 0
    orphan_reason: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)

    def to_wire(self) -> dict[str, Any]:
        """Return the entry with the stable camelCase keys of ``GET /mock/ledger``."""
        return {
            "callId": self.call_id,
            "interactionId": self.interaction_id,
            "campaignId": self.campaign_id,
            "campaignName": self.campaign_name,
            "contactId": self.contact_id,
            "kind": self.kind,
            "dialingMode": self.dialing_mode,
            "callbackOf": self.callback_of,
            "agent": self.agent,
            "state": self.state,
            "poppedAt": self.popped_at,
            "placedAt": self.placed_at,
            "connectedAt": self.connected_at,
            "dispositionedAt": self.dispositioned_at,
            "label": self.label,
            "scheduledTime": self.scheduled_time,
            "scheduledAgent": self.scheduled_agent,
            "dispositionCount": self.disposition_count,
            "orphanReason": self.orphan_reason,
        }


class Ledger:
    """Every call record in creation order, by call id, plus per-campaign dial counters."""

    def __init__(self) -> None:
        self.records: list[CallRecord] = []
        self.by_call_id: dict[str, CallRecord] = {}
        self.counters: dict[str, Counter[str]] = {}

    def add(self, record: CallRecord) -> CallRecord:
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
