"""The call ledger: the mock's ground truth about every Dialer call, kept for reconciliation.

One record per call that reached an agent (a pop) or was answered with no agent to take it
(``abandoned``). Dials nobody answered are only counted, per campaign. Records are never removed,
not even when the session that held the call expires, so a call that was never dispositioned shows
``dispositionCount == 0``.

A call its agent still held when the session vanished on the server's side (a ``session_loss`` fault or
``POST /mock/restart``) is ``orphaned``, with ``orphanReason`` saying why ("session lost", "server
restart"); the bot could not disposition it. A session the client closed or let expire leaves its call
as it was: never dispositioned, so lost.

Memory depends on agents, not on calls: an entry is kept in memory only while it is open. It is
*settled*, and moves to ``SettledCalls`` (an SQLite table, the ``--ledger`` file when one is given),
once nothing reconciliation reads can change any more:

- ``abandoned`` (no agent ever held it), or ``dispositioned`` or ``orphaned``,
- and its interaction, if it had one, is ``disconnected``.

A dispositioned call whose interaction is still connected stays open until the interaction ends (so
``left_connected`` is still seen). A call is dispositioned at most once by the engine: the disposition
ends the agent's current call, and a second one is refused (404), so ``dispositionCount`` is final when
an entry settles; a bot that counts two dispositions of one interaction is a duplicate on the bots'
side. Only ``attributes`` (``updateCallData``) may still change, and are rewritten in place. Entries
settle when ``sweep`` runs: at most once a second of engine time, and before the ledger is served.

Per campaign, ``campaigns`` holds counters, agent time and the figures derived from them (see
``_metrics.py``): outcomes, connects, abandons and the abandon rate, utilisation, pops per agent-hour,
callbacks due, kept and late.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Final

from botagent.mock._metrics import AgentTime, campaign_summary
from botagent.mock._settled import SettledCalls
from botagent.wire import AcdEntry, LedgerEntry

__all__ = ["PAGE_LIMIT", "Ledger"]

PAGE_LIMIT: Final = 10_000
"""The most settled entries one page of ``GET /mock/ledger?after=SEQ`` carries."""

SWEEP_EVERY: Final = 1.0
"""Engine seconds between two sweeps of the open entries."""

_ENDED = frozenset({"dispositioned", "abandoned", "orphaned"})


def settled(entry: LedgerEntry) -> bool:
    """Nothing reconciliation reads can change in this entry any more (see the module docstring)."""
    return entry.state in _ENDED and entry.interaction_state in (None, "disconnected")


class Ledger:
    """The open call records by call id (creation order), the settled ones in ``settled``, plus
    per-campaign dial counters.

    Args:
        path: the SQLite file settled entries go to; None: a private temporary file.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.by_call_id: dict[str, tuple[int, LedgerEntry]] = {}
        """Open entries: call id -> (creation order, entry)."""
        self.settled = SettledCalls(path)
        self.created = 0
        """How many entries were ever added."""
        self._swept = float("-inf")
        self.acd: list[AcdEntry] = []
        """Every inbound ACD interaction, in arrival order (``_acd.py``)."""
        self.acd_refused = 0
        """ACD arrivals refused because their workgroup's queue was full."""
        self.counters: dict[str, Counter[str]] = {}
        self.time: dict[str, AgentTime] = {}
        self.open: dict[object, tuple[str, bool, float]] = {}
        self.changes = 0
        """How many times the ledger has changed; the pacer notes when it last did."""

    def add(self, record: LedgerEntry) -> LedgerEntry:
        """Append a record and return it."""
        self.created += 1
        self.by_call_id[record.call_id] = (self.created, record)
        self.changes += 1
        return record

    def find(self, call_id: str) -> LedgerEntry | None:
        """A call's entry, open or settled, or None."""
        found = self.by_call_id.get(call_id)
        return found[1] if found is not None else self.settled.find(call_id)

    def rewrite(self, record: LedgerEntry) -> None:
        """Keep a change to a settled entry's attributes (an open one is kept as it is)."""
        if record.call_id not in self.by_call_id:
            self.settled.rewrite(record)

    def sweep(self, now: float, *, force: bool = False) -> None:
        """Move the settled open entries to ``settled``; at most once a second unless ``force``."""
        if not force and now - self._swept < SWEEP_EVERY:
            return
        self._swept = now
        done = [(created, entry) for created, entry in self.by_call_id.values() if settled(entry)]
        if not done:
            return
        for _, entry in done:
            del self.by_call_id[entry.call_id]
        self.settled.add_all(done)
        self.settled.save()

    def close(self) -> None:
        """Save and close the settled entries' table."""
        self.settled.close()

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
            time = self.time.get(name)
            if time is None:
                time = self.time[name] = AgentTime()
            time.add(busy, max(0.0, now - since))

    def to_wire(self, now: float = 0.0) -> dict[str, Any]:
        """Return the ``GET /mock/ledger`` body: ``calls``, per-campaign ``campaigns`` metrics (Dialer
        calls only), the inbound ``acd`` interactions and ``acdRefused`` arrivals.

        Agent time still being counted is counted up to ``now``. Settled entries are read back from
        their table, so this answer grows with the calls: long runs page with ``page``.
        """
        self.sweep(now, force=True)
        calls = list(self.settled.everything())
        calls += [(created, entry.to_wire()) for created, entry in self.by_call_id.values()]
        calls.sort(key=lambda pair: pair[0])
        return {
            "calls": [entry for _, entry in calls],
            "acd": [entry.to_wire() for entry in self.acd],
            "acdRefused": self.acd_refused,
            "campaigns": {name: self._summary(name, now) for name in self.counters},
        }

    def page(self, after: int, limit: int, now: float = 0.0, *, calls_only: bool = False) -> dict[str, Any]:
        """Return a ``GET /mock/ledger?after=SEQ&limit=N`` body.

        ``calls``: up to ``limit`` entries settled after cursor ``after``, in settling order, each with
        its ``seq``; ``next``: the cursor for the next page; ``more``: whether more are settled already;
        ``open``: every entry not settled yet, in creation order; then ``acd``, ``acdRefused`` and
        ``campaigns`` as in the unpaged answer. With ``calls_only``, the first three alone (a reader
        following the settled calls as they come need not pay for the rest on every page).
        """
        self.sweep(now, force=True)
        calls = self.settled.page(after, limit)
        last = calls[-1]["seq"] if calls else after
        settled = {"calls": calls, "next": last, "more": last < self.settled.count}
        if calls_only:
            return settled
        return {
            **settled,
            "open": [entry.to_wire() for _, entry in self.by_call_id.values()],
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
