"""Reconcile the calls the bots finished with the mock's ledger, the ground truth of what was popped.

Both sides are typed: the bots' side is the agent's own `FinishedCall` records, the server's side the
mock's `LedgerEntry` records (read back from ``GET /mock/ledger`` with ``LedgerEntry.from_wire``).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING

from botagent.report._result import Reconciliation

if TYPE_CHECKING:  # types only: importing them would load pydantic into every report reader
    from botagent.agent import FinishedCall
    from botagent.wire import AcdEntry, LedgerEntry

__all__ = ["reconcile", "reconcile_acd", "was_dispositioned"]

MAX_LISTED = 200
_DISPOSITIONED = "dispositioned"
"""The value of ``CallOutcome.DISPOSITIONED`` (a string enum), compared without importing the agent."""


def reconcile(
    bot_calls: Iterable[FinishedCall],
    ledger: Iterable[LedgerEntry],
    agents: Collection[str] | None = None,
    since: float | None = None,
) -> Reconciliation:
    """Compare what the bots dispositioned with what the mock popped.

    Args:
        bot_calls: the calls the bots finished, one record per popped call each bot saw.
        ledger: the mock's ledger entries.
        agents: only ledger calls popped to these users count (a shared mock may serve others).
        since: only ledger calls popped at or after this epoch second count.

    Returns:
        Lost calls (popped, never dispositioned), duplicated ones (dispositioned more than once, by the
        ledger or by the bots), mismatched ones (label or callback differ, or unknown to the ledger),
        orphaned ones (the server dropped the session holding them), and ones left connected after
        their disposition, each as interaction ids.
    """
    popped = {entry.interaction_id: entry for entry in ledger if _counts(entry, agents, since)}
    dispositioned_by_bots = [call for call in bot_calls if was_dispositioned(call)]
    bot_counts = Counter(call.interaction_id for call in dispositioned_by_bots)
    orphaned = sorted(i for i, entry in popped.items() if entry.state == "orphaned")
    lost = sorted(i for i, entry in popped.items() if not entry.disposition_count and i not in orphaned)
    duplicated = sorted(
        {i for i, entry in popped.items() if entry.disposition_count > 1}
        | {i for i, count in bot_counts.items() if count > 1}
    )
    mismatched = sorted({_mismatch(call, popped) for call in dispositioned_by_bots} - {""})
    left_connected = sorted(i for i, entry in popped.items() if _left_connected(entry))
    return Reconciliation(
        ledger_popped=len(popped),
        ledger_dispositioned=sum(1 for entry in popped.values() if entry.disposition_count),
        bot_dispositioned=len(dispositioned_by_bots),
        lost=lost[:MAX_LISTED],
        duplicated=duplicated[:MAX_LISTED],
        mismatched=mismatched[:MAX_LISTED],
        orphaned=orphaned[:MAX_LISTED],
        left_connected=left_connected[:MAX_LISTED],
    )


def reconcile_acd(
    rec: Reconciliation,
    acd: Iterable[AcdEntry],
    bot_handled: int,
    agents: Collection[str] | None = None,
    since: float | None = None,
) -> Reconciliation:
    """Add the inbound ACD interactions (R33) of the mock's ledger to a reconciliation.

    Args:
        rec: the Dialer calls' reconciliation.
        acd: the ledger's ACD entries.
        bot_handled: how many ACD interactions the bots picked up and saw end.
        agents: only interactions alerted to these users count.
        since: only interactions that arrived at or after this epoch second count.

    Returns:
        ``rec`` with the ACD counts, the ones left connected, the ones lost (picked up, then ended only
        because their agent closed its session) and how many the server orphaned (it lost the session).
    """
    alerted = [
        entry
        for entry in acd
        if entry.alerted_at is not None
        and (agents is None or entry.agent in agents)
        and (since is None or entry.arrived_at >= since)
    ]
    picked_up = [entry for entry in alerted if entry.picked_up_at is not None]
    return dataclasses.replace(
        rec,
        acd_alerted=len(alerted),
        acd_handled=sum(1 for entry in picked_up if entry.disconnected_by in ("agent", "remote")),
        bot_acd_handled=bot_handled,
        acd_left_connected=sorted(e.interaction_id for e in picked_up if e.state == "connected")[:MAX_LISTED],
        acd_lost=sorted(e.interaction_id for e in picked_up if e.disconnected_by == "session")[:MAX_LISTED],
        acd_orphaned=sum(1 for entry in picked_up if entry.disconnected_by == "server"),
    )


def was_dispositioned(call: FinishedCall) -> bool:
    """The bot's disposition of this call succeeded (a failed one still carries its label)."""
    return bool(call.label) and call.outcome == _DISPOSITIONED


def _counts(entry: LedgerEntry, agents: Collection[str] | None, since: float | None) -> bool:
    """The entry is a call popped to one of the run's agents during the run."""
    if entry.popped_at is None:
        return False
    return (agents is None or entry.agent in agents) and (since is None or entry.popped_at >= since)


def _left_connected(entry: LedgerEntry) -> bool:
    """Dispositioned while its interaction stayed connected: still connected, or ended only later."""
    if entry.dispositioned_at is None or entry.interaction_state is None:
        return False
    if entry.interaction_state != "disconnected":
        return True
    return entry.disconnected_at is not None and entry.disconnected_at > entry.dispositioned_at


def _mismatch(call: FinishedCall, popped: Mapping[str, LedgerEntry]) -> str:
    entry = popped.get(call.interaction_id)
    if entry is None:
        return f"{call.interaction_id} (not in the ledger)"
    if entry.label != call.label:
        return f"{call.interaction_id} (label {call.label!r}, ledger {entry.label!r})"
    if entry.scheduled_time != call.scheduled_time:
        ours, theirs = call.scheduled_time, entry.scheduled_time
        return f"{call.interaction_id} (scheduledTime {ours}, ledger {theirs})"
    return ""
