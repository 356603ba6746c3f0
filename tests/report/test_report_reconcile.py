"""Reconciliation: the bots' calls against the mock's ledger find lost, duplicated and mismatched calls."""

from __future__ import annotations

from typing import Any

from botagent.report import reconcile


def entry(interaction_id: str, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "interactionId": interaction_id,
        "agent": "agent0001",
        "poppedAt": 100.0,
        "label": "Sale",
        "scheduledTime": None,
        "dispositionCount": 1,
    }
    return fields | overrides


def bot(interaction_id: str, label: str | None = "Sale", **extra: Any) -> dict[str, Any]:
    return {"interactionId": interaction_id, "label": label, "scheduledTime": None} | extra


def test_reconcile_when_every_popped_call_dispositioned_once_reconciles() -> None:
    rec = reconcile([bot("i-1"), bot("i-2")], [entry("i-1"), entry("i-2")])
    assert rec.reconciles
    assert (rec.ledger_popped, rec.ledger_dispositioned, rec.bot_dispositioned) == (2, 2, 2)


def test_reconcile_when_popped_call_never_dispositioned_reports_it_lost() -> None:
    rec = reconcile([bot("i-1")], [entry("i-1"), entry("i-2", dispositionCount=0, label=None)])
    assert rec.lost == ["i-2"] and not rec.reconciles


def test_reconcile_when_call_dispositioned_twice_reports_it_duplicated() -> None:
    rec = reconcile([bot("i-1"), bot("i-1")], [entry("i-1", dispositionCount=2)])
    assert rec.duplicated == ["i-1"]


def test_reconcile_when_label_differs_reports_a_mismatch() -> None:
    rec = reconcile([bot("i-1", label="No Answer")], [entry("i-1")])
    assert rec.mismatched == ["i-1 (label 'No Answer', ledger 'Sale')"]


def test_reconcile_when_agents_given_ignores_other_users_calls() -> None:
    rec = reconcile(
        [bot("i-1")], [entry("i-1"), entry("i-9", agent="someone", dispositionCount=0)], {"agent0001"}
    )
    assert rec.reconciles and rec.ledger_popped == 1


def test_reconcile_when_server_dropped_the_holding_session_reports_it_orphaned_not_lost() -> None:
    orphan = entry("i-2", dispositionCount=0, label=None, state="orphaned", orphanReason="session lost")
    rec = reconcile([bot("i-1")], [entry("i-1"), orphan])
    assert rec.orphaned == ["i-2"] and rec.lost == []
    assert rec.reconciles


def test_reconcile_when_the_bots_disposition_failed_does_not_count_it_as_dispositioned() -> None:
    failed = bot("i-2", label="Callback", outcome="disposition failed")
    orphan = entry("i-2", dispositionCount=0, label=None, state="orphaned", orphanReason="server restart")
    rec = reconcile([bot("i-1", outcome="dispositioned"), failed], [entry("i-1"), orphan])
    assert rec.reconciles and rec.bot_dispositioned == 1 and rec.orphaned == ["i-2"]
