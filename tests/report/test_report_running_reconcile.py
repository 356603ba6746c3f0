"""Reconciliation as the run goes gives what ``reconcile`` gives at the end, holding only open work.

Findings follow R9 (a popped call is dispositioned once) and the official disposition page (Dialer
does not disconnect the call: ``left_connected``).
"""

from __future__ import annotations

import random

from test_report_reconcile import bot, entry

from botagent.agent import CallOutcome, FinishedCall
from botagent.report import reconcile
from botagent.report._running import MIN_RECENT, RunningReconciliation
from botagent.wire import LedgerEntry


def _mixed_run(seed: int, calls: int) -> tuple[list[FinishedCall], list[LedgerEntry]]:
    """A ledger and bot calls with every kind of finding, some listed beyond MAX_LISTED."""
    rng = random.Random(seed)
    bots: list[FinishedCall] = []
    ledger: list[LedgerEntry] = []
    for n in range(calls):
        key = f"i-{rng.randrange(10**6):06d}-{n}"
        odd = ["lost", "dup", "botdup", "label", "orphan", "left", "foreign", "old"]
        kind = rng.choice(["ok"] * 12 + odd)
        agent = "agent9999" if kind == "foreign" else f"agent{n % 7:04d}"
        overrides: dict[str, object] = {"agent": agent, "popped_at": 50.0 if kind == "old" else 100.0 + n}
        if kind == "lost":
            overrides |= {"disposition_count": 0, "label": None, "state": "popped"}
        elif kind == "dup":
            overrides |= {"disposition_count": 2}
        elif kind == "orphan":
            overrides |= {"disposition_count": 0, "label": None, "state": "orphaned"}
        elif kind == "left":
            overrides |= {"dispositioned_at": 200.0, "interaction_state": "connected"}
        ledger.append(entry(key, **overrides))
        if kind not in ("lost", "orphan"):
            bots.append(bot(key, label="No Sale" if kind == "label" else "Sale"))
        if kind == "botdup":
            bots.append(bot(key))
        if n % 5 == 0:
            bots.append(bot(key + "-given-up", label=None, outcome=CallOutcome.UNDISPOSITIONED))
        if n % 97 == 0:
            bots.append(bot(f"x-{n}-unknown"))
    return bots, ledger


def _when(index: int, count: int, rng: random.Random) -> float:
    """When the index-th of ``count`` items arrives: in run order, jittered by up to 40 calls."""
    return index / count * 6000 + rng.uniform(0.0, 40.0)


def test_running_reconciliation_in_any_arrival_order_equals_reconcile_at_the_end() -> None:
    """R9: lost, duplicated (by ledger or bots), mismatched, orphaned and left-connected calls are the
    same, counts exact and lists the same first 200, whichever of a call and its entry comes first."""
    bots, ledger = _mixed_run(seed=5, calls=6000)
    agents = {f"agent{n:04d}" for n in range(7)}
    expected = reconcile(bots, ledger, agents=agents, since=99.0)
    rng = random.Random(9)
    running = RunningReconciliation(agents, since=99.0)
    arrivals = sorted(
        [(_when(i, len(bots), rng), "call", c) for i, c in enumerate(bots)]
        + [(_when(i, len(ledger), rng), "entry", e) for i, e in enumerate(ledger)],
        key=lambda arrival: arrival[0],
    )
    open_at_end = [e for e in ledger if e.interaction_state == "connected"][:10]
    for _, kind, item in arrivals:
        if kind == "call":
            assert isinstance(item, FinishedCall)
            running.add_call(item)
        elif item not in open_at_end:
            assert isinstance(item, LedgerEntry)
            running.add_entries([item], now=0.0)
    got = running.result(open_at_end)
    assert got == expected
    assert len(expected.lost) == 200 and expected.mismatched and expected.duplicated
    assert running.result(open_at_end) == got, "result() leaves the running state as it was"


def test_running_reconciliation_forgets_matched_pairs_so_memory_follows_open_calls() -> None:
    """R9: with calls and entries arriving as a run makes them, what is kept stays small however many
    calls there are: matched entries beyond the latest few are forgotten."""
    running = RunningReconciliation({"agent0001"})
    most = 0
    for n in range(20_000):
        key = f"i-{n:06d}"
        running.add_call(bot(key))
        running.add_entries([entry(key)], now=n / 100)
        most = max(most, running.kept)
    assert most <= MIN_RECENT + 2
    result = running.result()
    assert result.reconciles and result.ledger_popped == result.bot_dispositioned == 20_000


def test_running_reconciliation_finds_a_late_second_disposition_by_the_bots() -> None:
    """R9: a bot call dispositioned again after its pair was matched is still a duplicate."""
    running = RunningReconciliation()
    running.add_call(bot("i-1"))
    running.add_entries([entry("i-1")], now=0.0)
    running.add_call(bot("i-1"))
    assert running.result().duplicated == ["i-1"]
