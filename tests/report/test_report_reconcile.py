"""Reconciliation: the bots' calls against the mock's ledger find lost, duplicated and mismatched calls."""

from __future__ import annotations

from typing import Any

from botagent.agent import CallOutcome, FinishedCall
from botagent.report import reconcile, reconcile_acd, was_dispositioned
from botagent.wire import AcdEntry, LedgerEntry


def entry(interaction_id: str, **overrides: Any) -> LedgerEntry:
    """A ledger entry of a call popped to agent0001 and dispositioned once as Sale."""
    fields: dict[str, Any] = {
        "call_id": f"call-{interaction_id}",
        "interaction_id": interaction_id,
        "campaign_id": "c-1",
        "campaign_name": "Power Collections",
        "contact_id": f"contact-{interaction_id}",
        "kind": "dataPop",
        "dialing_mode": 2,
        "agent": "agent0001",
        "state": "dispositioned",
        "popped_at": 100.0,
        "label": "Sale",
        "scheduled_time": None,
        "disposition_count": 1,
    }
    return LedgerEntry(**(fields | overrides))


def bot(
    interaction_id: str,
    label: str | None = "Sale",
    outcome: CallOutcome = CallOutcome.DISPOSITIONED,
    scheduled_time: int | None = None,
) -> FinishedCall:
    """A call as the bot finished it."""
    return FinishedCall(
        interaction_id=interaction_id,
        campaign_id="c-1",
        label=label,
        scheduled_time=scheduled_time,
        scheduled_agent=None,
        outcome=outcome,
    )


def test_reconcile_when_every_popped_call_dispositioned_once_reconciles() -> None:
    rec = reconcile([bot("i-1"), bot("i-2")], [entry("i-1"), entry("i-2")])
    assert rec.reconciles
    assert (rec.ledger_popped, rec.ledger_dispositioned, rec.bot_dispositioned) == (2, 2, 2)


def test_reconcile_when_popped_call_never_dispositioned_reports_it_lost() -> None:
    rec = reconcile([bot("i-1")], [entry("i-1"), entry("i-2", disposition_count=0, label=None)])
    assert rec.lost == ["i-2"] and not rec.reconciles


def test_reconcile_when_call_dispositioned_twice_reports_it_duplicated() -> None:
    rec = reconcile([bot("i-1"), bot("i-1")], [entry("i-1", disposition_count=2)])
    assert rec.duplicated == ["i-1"]


def test_reconcile_when_label_differs_reports_a_mismatch() -> None:
    rec = reconcile([bot("i-1", label="No Answer")], [entry("i-1")])
    assert rec.mismatched == ["i-1 (label 'No Answer', ledger 'Sale')"]


def test_reconcile_when_callback_time_differs_reports_a_mismatch() -> None:
    rec = reconcile([bot("i-1", scheduled_time=1_700_000_600)], [entry("i-1")])
    assert rec.mismatched == ["i-1 (scheduledTime 1700000600, ledger None)"]


def test_reconcile_when_bot_call_is_unknown_to_the_ledger_reports_a_mismatch() -> None:
    rec = reconcile([bot("i-1"), bot("i-7")], [entry("i-1")])
    assert rec.mismatched == ["i-7 (not in the ledger)"] and not rec.reconciles


def test_reconcile_when_agents_given_ignores_other_users_calls() -> None:
    rec = reconcile(
        [bot("i-1")], [entry("i-1"), entry("i-9", agent="someone", disposition_count=0)], {"agent0001"}
    )
    assert rec.reconciles and rec.ledger_popped == 1


def test_reconcile_when_since_given_ignores_calls_popped_before_the_run() -> None:
    rec = reconcile([bot("i-1")], [entry("i-1"), entry("i-0", popped_at=50.0, disposition_count=0)], since=99)
    assert rec.reconciles and rec.ledger_popped == 1


def test_reconcile_when_ledger_call_never_popped_leaves_it_out() -> None:
    dialing = entry("i-2", state="dialing", agent=None, popped_at=None, label=None, disposition_count=0)
    rec = reconcile([bot("i-1")], [entry("i-1"), dialing])
    assert rec.reconciles and rec.ledger_popped == 1


def test_reconcile_when_server_dropped_the_holding_session_reports_it_orphaned_not_lost() -> None:
    orphan = entry("i-2", disposition_count=0, label=None, state="orphaned", orphan_reason="session lost")
    rec = reconcile([bot("i-1")], [entry("i-1"), orphan])
    assert rec.orphaned == ["i-2"] and rec.lost == []
    assert rec.reconciles


def test_reconcile_when_the_bots_disposition_failed_does_not_count_it_as_dispositioned() -> None:
    failed = bot("i-2", label="Callback", outcome=CallOutcome.DISPOSITION_FAILED)
    orphan = entry("i-2", disposition_count=0, label=None, state="orphaned", orphan_reason="server restart")
    rec = reconcile([bot("i-1", outcome=CallOutcome.DISPOSITIONED), failed], [entry("i-1"), orphan])
    assert rec.reconciles and rec.bot_dispositioned == 1 and rec.orphaned == ["i-2"]


def test_reconcile_when_ledger_is_read_back_from_the_wire_gives_the_same_answer() -> None:
    ledger = [entry("i-1"), entry("i-2", disposition_count=0, label=None)]
    read_back = [LedgerEntry.from_wire(item.to_wire()) for item in ledger]
    assert reconcile([bot("i-1")], read_back) == reconcile([bot("i-1")], ledger)


def test_was_dispositioned_when_outcome_or_label_says_otherwise_is_false() -> None:
    assert was_dispositioned(bot("i-1"))
    assert not was_dispositioned(bot("i-1", label=None))
    assert not was_dispositioned(bot("i-1", outcome=CallOutcome.UNDISPOSITIONED))
    assert not was_dispositioned(bot("i-1", outcome=CallOutcome.DISPOSITION_FAILED))


def test_reconcile_when_a_call_stayed_connected_after_its_disposition_finds_it_left_connected() -> None:
    """Official disposition page: "Dialer does not actually disconnect the call"; someone must."""
    up = entry("i-1", dispositioned_at=200.0, interaction_state="connected")
    late = entry("i-2", dispositioned_at=200.0, interaction_state="disconnected", disconnected_at=201.0)
    rec = reconcile([bot("i-1"), bot("i-2")], [up, late])
    assert rec.left_connected == ["i-1", "i-2"] and not rec.reconciles


def test_reconcile_when_calls_ended_by_the_disposition_or_before_it_finds_none_left_connected() -> None:
    """A call hung up before or by its disposition, or one never dialed, is no finding."""
    ended = [
        entry("i-1", dispositioned_at=200.0, interaction_state="disconnected", disconnected_at=200.0),
        entry("i-2", dispositioned_at=200.0, interaction_state="disconnected", disconnected_at=150.0),
        entry("i-3", dispositioned_at=200.0),
    ]
    rec = reconcile([bot("i-1"), bot("i-2"), bot("i-3")], ended)
    assert rec.left_connected == [] and rec.reconciles


def _acd(interaction_id: str, **overrides: Any) -> AcdEntry:
    """An ACD interaction alerted to agent0001 at 100, picked up and disconnected by the agent."""
    fields: dict[str, Any] = {
        "interaction_id": interaction_id,
        "workgroup": "Support",
        "arrived_at": 99.0,
        "state": "disconnected",
        "agent": "agent0001",
        "alerts": 1,
        "alerted_at": 100.0,
        "picked_up_at": 101.0,
        "interaction_state": "disconnected",
        "disconnected_by": "agent",
        "disconnected_at": 110.0,
    }
    return AcdEntry(**(fields | overrides))


def test_reconcile_acd_when_an_acd_interaction_stays_connected_or_is_left_behind_does_not_reconcile() -> None:
    """R33: ACD interactions are accounted for like Dialer calls: none left connected, none lost (ended
    only because its agent's session ended)."""
    base = reconcile([], [])
    acd = [
        _acd("1"),
        _acd("2", disconnected_by="remote"),
        _acd("3", state="connected", disconnected_by=None, disconnected_at=None),
        _acd("4", disconnected_by="session"),
        _acd("7", disconnected_by="server"),
        _acd("5", agent="someone else"),
        _acd("6", state="waiting", agent=None, alerted_at=None, picked_up_at=None),
    ]
    rec = reconcile_acd(base, acd, bot_handled=2, agents={"agent0001"})
    assert (rec.acd_alerted, rec.acd_handled, rec.bot_acd_handled, rec.acd_orphaned) == (5, 2, 2, 1)
    assert rec.acd_left_connected == ["3"] and rec.acd_lost == ["4"] and not rec.reconciles
    assert reconcile_acd(base, acd[:2], bot_handled=2).reconciles
