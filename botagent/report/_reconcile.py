"""Reconcile the calls the bots handled with the mock's ledger, the ground truth of what was popped."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from botagent.report._result import Reconciliation

__all__ = ["reconcile", "was_dispositioned"]

MAX_LISTED = 200


def reconcile(
    bot_calls: Iterable[Mapping[str, Any]],
    ledger: Iterable[Mapping[str, Any]],
    agents: set[str] | None = None,
    since: float | None = None,
) -> Reconciliation:
    """Compare what the bots dispositioned with what the mock popped.

    Args:
        bot_calls: the bots' call records (``interactionId``, ``label``, ``scheduledTime``, ...).
        ledger: the mock's ledger entries (``GET /mock/ledger``).
        agents: only ledger calls popped to these users count (a shared mock may serve others).
        since: only ledger calls popped at or after this epoch second count.

    Returns:
        Lost calls (popped, never dispositioned), duplicated ones (dispositioned more than once, by the
        ledger or by the bots), mismatched ones (label or callback differ, or unknown to the ledger),
        and orphaned ones (the server dropped the session holding them), each as interaction ids.
    """
    popped = {
        entry["interactionId"]: entry
        for entry in ledger
        if entry.get("poppedAt") is not None
        and (agents is None or entry.get("agent") in agents)
        and (since is None or entry["poppedAt"] >= since)
    }
    dispositioned_by_bots = [call for call in bot_calls if was_dispositioned(call)]
    bot_counts = Counter(call["interactionId"] for call in dispositioned_by_bots)
    orphaned = sorted(i for i, entry in popped.items() if entry.get("state") == "orphaned")
    lost = sorted(i for i, entry in popped.items() if not entry.get("dispositionCount") and i not in orphaned)
    duplicated = sorted(
        {i for i, entry in popped.items() if entry.get("dispositionCount", 0) > 1}
        | {i for i, count in bot_counts.items() if count > 1}
    )
    mismatched = sorted({_mismatch(call, popped) for call in dispositioned_by_bots} - {""})
    return Reconciliation(
        ledger_popped=len(popped),
        ledger_dispositioned=sum(1 for entry in popped.values() if entry.get("dispositionCount")),
        bot_dispositioned=len(dispositioned_by_bots),
        lost=lost[:MAX_LISTED],
        duplicated=duplicated[:MAX_LISTED],
        mismatched=mismatched[:MAX_LISTED],
        orphaned=orphaned[:MAX_LISTED],
    )


def was_dispositioned(call: Mapping[str, Any]) -> bool:
    """The bot's disposition of this call succeeded (a failed one still carries its label)."""
    return bool(call.get("label")) and call.get("outcome", "dispositioned") == "dispositioned"


def _mismatch(call: Mapping[str, Any], popped: Mapping[str, Mapping[str, Any]]) -> str:
    interaction_id = call["interactionId"]
    entry = popped.get(interaction_id)
    if entry is None:
        return f"{interaction_id} (not in the ledger)"
    if entry.get("label") != call["label"]:
        return f"{interaction_id} (label {call['label']!r}, ledger {entry.get('label')!r})"
    if entry.get("scheduledTime") != call.get("scheduledTime"):
        ours, theirs = call.get("scheduledTime"), entry.get("scheduledTime")
        return f"{interaction_id} (scheduledTime {ours}, ledger {theirs})"
    return ""
