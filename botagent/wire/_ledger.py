"""The ledger entry: the server's ground truth about one Dialer call, as the mock keeps and serves it.

The mock's engine writes these, ``GET /mock/ledger`` serves them with ``to_wire()``, and the run's
reconciliation reads them back with ``LedgerEntry.from_wire`` to compare with the calls the agents
finished.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast, get_args

__all__ = ["AcdEntry", "AcdState", "CallKind", "CallState", "LedgerEntry"]

CallKind = Literal["dataPop", "previewPop"]
CallState = Literal["dialing", "popped", "connected", "dispositioned", "abandoned", "orphaned"]

_KINDS = frozenset(get_args(CallKind))
_STATES = frozenset(get_args(CallState))


@dataclass(slots=True, eq=False, kw_only=True)
class LedgerEntry:
    """One call as the server saw it; ``to_wire()`` gives the stable ``/mock/ledger`` keys."""

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
    outcome: str | None = None
    """How the dial ended (``answered``, ``machine``, ``noAnswer``...); None while unknown."""
    interaction_state: str | None = None
    """The call's interaction: ``proceeding``, ``connected``, ``disconnected``; None when it had none."""
    disconnected_by: str | None = None
    """Who ended the interaction: ``agent``, ``remote`` or ``disposition``; None while it is not ended."""
    disconnected_at: float | None = None
    attributes: dict[str, str] = field(default_factory=dict)

    def to_wire(self) -> dict[str, Any]:
        """Return the entry with the stable camelCase keys of ``GET /mock/ledger``."""
        return {wire: getattr(self, name) for name, wire in _WIRE_KEYS.items()}

    @classmethod
    def from_wire(cls, entry: Mapping[str, Any]) -> LedgerEntry:
        """Read an entry of ``GET /mock/ledger`` back.

        Raises:
            ValueError: a key is missing or a value has the wrong kind; the message names the key.
        """
        values: dict[str, Any] = {}
        for name, wire in _WIRE_KEYS.items():
            if wire not in entry and wire not in _OPTIONAL_KEYS:
                raise ValueError(f"ledger entry {entry.get('callId', '?')}: {wire} is missing")
            values[name] = entry.get(wire)
        if values["kind"] not in _KINDS or values["state"] not in _STATES:
            raise ValueError(f"ledger entry {values['call_id']}: unknown kind or state")
        for name in ("call_id", "interaction_id", "campaign_id", "campaign_name", "contact_id"):
            if not isinstance(values[name], str):
                raise ValueError(f"ledger entry {values['call_id']}: {_WIRE_KEYS[name]} is not a string")
        return cls(**values, attributes=cast(dict[str, str], dict(entry.get("attributes") or {})))


_WIRE_KEYS: dict[str, str] = {
    "call_id": "callId",
    "interaction_id": "interactionId",
    "campaign_id": "campaignId",
    "campaign_name": "campaignName",
    "contact_id": "contactId",
    "kind": "kind",
    "dialing_mode": "dialingMode",
    "callback_of": "callbackOf",
    "agent": "agent",
    "state": "state",
    "popped_at": "poppedAt",
    "placed_at": "placedAt",
    "connected_at": "connectedAt",
    "dispositioned_at": "dispositionedAt",
    "label": "label",
    "scheduled_time": "scheduledTime",
    "scheduled_agent": "scheduledAgent",
    "disposition_count": "dispositionCount",
    "orphan_reason": "orphanReason",
    "outcome": "outcome",
    "interaction_state": "interactionState",
    "disconnected_by": "disconnectedBy",
    "disconnected_at": "disconnectedAt",
}
"""Field name -> ``/mock/ledger`` key, in the order the mock has always served them (newer keys last)."""

_OPTIONAL_KEYS = frozenset({"outcome", "interactionState", "disconnectedBy", "disconnectedAt"})
"""Keys added later: an entry written before them still reads back, with None."""


AcdState = Literal["waiting", "alerting", "connected", "disconnected", "abandoned"]
_ACD_STATES = frozenset(get_args(AcdState))


@dataclass(slots=True, eq=False, kw_only=True)
class AcdEntry:
    """One inbound ACD interaction as the server saw it (R33), kept beside the Dialer calls.

    ``state`` runs waiting -> alerting (``agent`` named) -> connected (picked up) -> disconnected, with
    an alert not picked up in time going back to waiting (``alerts`` counts every alert); one nobody
    picked up before its caller gave up is ``abandoned``. ``disconnectedBy`` is ``agent``, ``remote``
    (the caller), ``session`` (its agent's last session was closed or expired while it was connected)
    or ``server`` (the server lost that session: a fault, a restart, a switchover).
    """

    interaction_id: str
    workgroup: str
    arrived_at: float
    state: AcdState = "waiting"
    agent: str | None = None
    alerts: int = 0
    alerted_at: float | None = None
    picked_up_at: float | None = None
    interaction_state: str | None = None
    disconnected_by: str | None = None
    disconnected_at: float | None = None

    def to_wire(self) -> dict[str, Any]:
        """Return the entry with the stable camelCase keys of ``GET /mock/ledger``'s ``acd`` list."""
        return {wire: getattr(self, name) for name, wire in _ACD_KEYS.items()}

    @classmethod
    def from_wire(cls, entry: Mapping[str, Any]) -> AcdEntry:
        """Read an entry of ``GET /mock/ledger``'s ``acd`` list back.

        Raises:
            ValueError: a key is missing or the state is unknown; the message names the key.
        """
        values: dict[str, Any] = {}
        for name, wire in _ACD_KEYS.items():
            if wire not in entry:
                raise ValueError(f"ACD ledger entry {entry.get('interactionId', '?')}: {wire} is missing")
            values[name] = entry[wire]
        if values["state"] not in _ACD_STATES or not isinstance(values["interaction_id"], str):
            raise ValueError(f"ACD ledger entry {values['interaction_id']}: unknown state or bad id")
        return cls(**values)


_ACD_KEYS: dict[str, str] = {
    "interaction_id": "interactionId",
    "workgroup": "workgroup",
    "arrived_at": "arrivedAt",
    "state": "state",
    "agent": "agent",
    "alerts": "alerts",
    "alerted_at": "alertedAt",
    "picked_up_at": "pickedUpAt",
    "interaction_state": "interactionState",
    "disconnected_by": "disconnectedBy",
    "disconnected_at": "disconnectedAt",
}
"""Field name -> ``/mock/ledger`` ``acd`` key."""
