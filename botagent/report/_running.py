"""Reconciliation as the run goes: the same `Reconciliation` as ``reconcile``, kept in memory that
depends on the agents, not on the calls.

The bots' finished calls (``add_call``) and the mock's settled ledger entries (``add_entries``, read
by cursor) arrive in any order. Each entry's own findings (lost, orphaned, duplicated by the ledger,
left connected) are noted when it arrives; the bots' dispositioned calls of its interaction are
matched with it, checked (mismatched, duplicated by the bots) and forgotten: only the latest
``RECENT_PER_AGENT`` matched entries per agent stay, to catch a late second disposition by a bot.
Calls still waiting for their entry, entries still waiting for their calls and entries of an agent not
known yet are kept for ``GRACE`` seconds, plus counters and the finding lists, kept as ``reconcile``
gives them: sorted, the first ``MAX_LISTED``. ``result`` adds the entries still open at the end.
"""

from __future__ import annotations

import bisect
import copy
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from botagent.report._reconcile import MAX_LISTED, _counts, _left_connected, _mismatch, was_dispositioned
from botagent.report._result import Reconciliation

if TYPE_CHECKING:
    from botagent.agent import FinishedCall
    from botagent.wire import LedgerEntry

__all__ = ["GRACE", "RunningReconciliation"]

GRACE: Final = 120.0
"""Seconds an entry is kept for the bots' report of its call, or of its agent (a worker's reports come
every few seconds)."""

RECENT_PER_AGENT: Final = 2
"""Matched entries kept per agent (at least ``MIN_RECENT`` in all) for a late duplicate of their call."""

MIN_RECENT: Final = 200


class _Smallest:
    """The ``MAX_LISTED`` smallest distinct values added, sorted: ``sorted(set(all))[:MAX_LISTED]``."""

    def __init__(self) -> None:
        self.values: list[str] = []

    def add(self, value: str) -> None:
        index = bisect.bisect_left(self.values, value)
        if index < len(self.values) and self.values[index] == value:
            return
        if index < MAX_LISTED:
            self.values.insert(index, value)
            del self.values[MAX_LISTED:]


@dataclass(slots=True)
class _Seen:
    """A counted entry matched so far with ``bot_count`` dispositioned bot calls, since ``at``."""

    entry: LedgerEntry
    at: float
    bot_count: int = 0


class RunningReconciliation:
    """Reconcile the bots' calls with the ledger as both arrive.

    Args:
        agents: only ledger calls popped to these users count; read again as the run goes (the
            recorder's growing set), None for all.
        since: only ledger calls popped at or after this epoch second count.
    """

    def __init__(self, agents: Collection[str] | None = None, since: float | None = None) -> None:
        self.agents = agents
        self.since = since
        self.cursor = 0
        """The ledger's settling order read up to (``GET /mock/ledger?after=``)."""
        self.ledger_absent = False
        """The target has no ledger: calls are no longer kept."""
        self.ledger_popped = 0
        self.ledger_dispositioned = 0
        self.bot_dispositioned = 0
        self._lost = _Smallest()
        self._duplicated = _Smallest()
        self._mismatched = _Smallest()
        self._orphaned = _Smallest()
        self._left_connected = _Smallest()
        self._calls: dict[str, list[FinishedCall]] = {}
        self._seen: dict[str, _Seen] = {}
        self._foreign: dict[str, tuple[float, LedgerEntry]] = {}

    @property
    def kept(self) -> int:
        """How many calls and entries are held now (bounded by the agents, not by the calls)."""
        return sum(len(calls) for calls in self._calls.values()) + len(self._seen) + len(self._foreign)

    def no_ledger(self) -> None:
        """The target has no ledger to reconcile with: forget the calls and keep none from now on."""
        self.ledger_absent = True
        self._calls.clear()

    def add_call(self, call: FinishedCall) -> None:
        """A call a bot finished; only a dispositioned one takes part."""
        if not was_dispositioned(call):
            return
        self.bot_dispositioned += 1
        if self.ledger_absent:
            return
        seen = self._seen.get(call.interaction_id)
        if seen is not None:
            self._match(seen, call)
            return
        waiting = self._calls.setdefault(call.interaction_id, [])
        waiting.append(call)
        if len(waiting) > 1:
            self._duplicated.add(call.interaction_id)

    def add_entries(self, entries: Iterable[LedgerEntry], now: float) -> None:
        """Settled ledger entries, each read once; ``now`` (epoch seconds) dates them for ``GRACE``."""
        for entry in entries:
            self._add_entry(entry, now)
        self._retry_foreign(now)
        self._forget(now)

    def result(self, still_open: Iterable[LedgerEntry] = ()) -> Reconciliation:
        """The reconciliation so far, counting ``still_open`` entries (those not settled at the end) and
        every agent's entry; calls that never met their entry are mismatched "not in the ledger".
        Leaves this object as it was."""
        final = copy.deepcopy(self)
        for entry in still_open:
            final._add_entry(entry, float("inf"))
        for _, entry in list(final._foreign.values()):
            final._add_entry(entry, float("inf"), last=True)
        for calls in final._calls.values():
            for call in calls:
                final._mismatched.add(_mismatch(call, {}))
        return Reconciliation(
            ledger_popped=final.ledger_popped,
            ledger_dispositioned=final.ledger_dispositioned,
            bot_dispositioned=final.bot_dispositioned,
            lost=final._lost.values,
            duplicated=final._duplicated.values,
            mismatched=final._mismatched.values,
            orphaned=final._orphaned.values,
            left_connected=final._left_connected.values,
        )

    def _add_entry(self, entry: LedgerEntry, now: float, *, last: bool = False) -> None:
        if entry.interaction_id in self._seen or not _counts(entry, None, self.since):
            return
        if self.agents is not None and entry.agent not in self.agents:
            if last:
                self._foreign.pop(entry.interaction_id, None)
            else:
                self._foreign[entry.interaction_id] = (now, entry)
            return
        self._foreign.pop(entry.interaction_id, None)
        self._note(entry)
        seen = self._seen[entry.interaction_id] = _Seen(entry, now)
        for call in self._calls.pop(entry.interaction_id, []):
            self._match(seen, call)

    def _note(self, entry: LedgerEntry) -> None:
        """The entry's own findings, as ``reconcile`` makes them."""
        key = entry.interaction_id
        self.ledger_popped += 1
        self.ledger_dispositioned += bool(entry.disposition_count)
        if entry.state == "orphaned":
            self._orphaned.add(key)
        elif not entry.disposition_count:
            self._lost.add(key)
        if entry.disposition_count > 1:
            self._duplicated.add(key)
        if _left_connected(entry):
            self._left_connected.add(key)

    def _match(self, seen: _Seen, call: FinishedCall) -> None:
        seen.bot_count += 1
        if seen.bot_count > 1:
            self._duplicated.add(call.interaction_id)
        problem = _mismatch(call, {seen.entry.interaction_id: seen.entry})
        if problem:
            self._mismatched.add(problem)

    def _retry_foreign(self, now: float) -> None:
        if self.agents is None:
            return
        for _, entry in [item for item in self._foreign.values() if item[1].agent in self.agents]:
            self._add_entry(entry, now)

    def _forget(self, now: float) -> None:
        """Drop entries older than ``GRACE``, and matched ones beyond the latest few per agent."""
        room = max(MIN_RECENT, RECENT_PER_AGENT * len(self.agents or ()))
        kept: list[tuple[str, _Seen]] = []
        for key, seen in reversed(self._seen.items()):
            if now - seen.at >= GRACE:
                continue
            if seen.bot_count:
                if room <= 0:
                    continue
                room -= 1
            kept.append((key, seen))
        self._seen = dict(reversed(kept))
        self._foreign = {key: item for key, item in self._foreign.items() if now - item[0] < GRACE}
