"""Settled ledger entries, kept out of memory in one SQLite table (stdlib ``sqlite3``).

A call whose ledger entry can no longer change in a way reconciliation reads (see ``Ledger``) is
written here once, with its settling order ``seq`` (the cursor of ``GET /mock/ledger?after=SEQ``), its
creation order ``created`` and indexed columns to query by; ``entry`` is the entry's ``/mock/ledger``
JSON. With a file (``botagent mock --ledger FILE``) the table stays readable after the run, indexed by
interaction, campaign and agent::

    sqlite3 FILE "SELECT count(*) FROM calls WHERE campaign = 'Campaign 1'"

Without one it lives in a private temporary file SQLite deletes when it is closed, with only the
indexes the mock itself reads by (``seq`` and ``call_id``): keeping the others up to date would cost
every settled call for a table nobody can query. Either way memory holds only SQLite's page cache,
whatever the number of calls.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from pydantic_core import to_json

from botagent.wire import LedgerEntry

__all__ = ["SettledCalls"]

COMMIT_EVERY: Final = 500
"""Rows written between two commits (a reader of the file sees them after the commit)."""

CACHE_KIB: Final = 512
"""SQLite's page cache: the only memory the settled calls take."""

_SCHEMA = """
CREATE TABLE calls (
    seq INTEGER PRIMARY KEY,
    created INTEGER NOT NULL,
    call_id TEXT NOT NULL UNIQUE,
    interaction_id TEXT NOT NULL,
    campaign TEXT NOT NULL,
    agent TEXT,
    state TEXT NOT NULL,
    entry TEXT NOT NULL
);
"""

_QUERY_INDEXES = """
CREATE INDEX calls_interaction ON calls (interaction_id);
CREATE INDEX calls_campaign ON calls (campaign);
CREATE INDEX calls_agent ON calls (agent);
"""
"""The indexes a reader of a ledger file queries by; the mock's own lookups need none of them."""


class SettledCalls:
    """The settled entries, in settling order; ``path`` None keeps them in a private temporary file.

    Raises:
        OSError: the file cannot be created (the message names it).
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        if path is not None and path.exists():
            try:
                path.unlink()
            except OSError as exc:
                raise OSError(f"ledger file {path}: {exc.strerror or exc}") from None
        try:
            self._db = sqlite3.connect("" if path is None else str(path), check_same_thread=False)
            self._db.executescript(_SCHEMA if path is None else _SCHEMA + _QUERY_INDEXES)
        except sqlite3.Error as exc:
            raise OSError(f"ledger file {path}: {exc}") from None
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self.count = 0
        self._unsaved = 0

    def add(self, created: int, entry: LedgerEntry) -> int:
        """Write a settled entry; return its ``seq``."""
        self.add_all([(created, entry)])
        return self.count

    def add_all(self, entries: list[tuple[int, LedgerEntry]]) -> None:
        """Write settled entries, in order, with one statement (``seq`` goes on counting)."""
        first = self.count + 1
        self.count += len(entries)
        self._db.executemany(
            "INSERT INTO calls VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    seq,
                    created,
                    entry.call_id,
                    entry.interaction_id,
                    entry.campaign_name,
                    entry.agent,
                    entry.state,
                    _stored(entry),
                )
                for seq, (created, entry) in enumerate(entries, first)
            ],
        )
        self._saved_later(len(entries))

    def find(self, call_id: str) -> LedgerEntry | None:
        """The settled entry of a call, or None."""
        row = self._db.execute("SELECT entry FROM calls WHERE call_id = ?", (call_id,)).fetchone()
        return None if row is None else LedgerEntry.from_wire(json.loads(row[0]))

    def rewrite(self, entry: LedgerEntry) -> None:
        """Store a settled entry again after a change that reconciliation does not read (attributes)."""
        self._db.execute(
            "UPDATE calls SET entry = ? WHERE call_id = ?",
            (_stored(entry), entry.call_id),
        )
        self._saved_later(1)

    def page(self, after: int, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` entries settled after ``after``, in settling order, each with its ``seq``."""
        rows = self._db.execute(
            "SELECT seq, entry FROM calls WHERE seq > ? ORDER BY seq LIMIT ?", (after, limit)
        )
        return [_wire(entry) | {"seq": seq} for seq, entry in rows]

    def everything(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """Every settled entry with its creation order, in settling order."""
        for created, entry in self._db.execute("SELECT created, entry FROM calls ORDER BY seq"):
            yield created, _wire(entry)

    def save(self) -> None:
        """Commit what was written, so a reader of the file sees it."""
        self._db.commit()
        self._unsaved = 0

    def close(self) -> None:
        """Commit and close the table (a private temporary file is deleted)."""
        self.save()
        self._db.close()

    def _saved_later(self, rows: int) -> None:
        self._unsaved += rows
        if self._unsaved >= COMMIT_EVERY:
            self.save()


def _stored(entry: LedgerEntry) -> str:
    """The ``entry`` column of a row: the ``/mock/ledger`` entry with its attributes, as compact JSON."""
    return to_json(entry.to_wire() | {"attributes": entry.attributes}).decode()


def _wire(stored: str) -> dict[str, Any]:
    """The ``/mock/ledger`` entry of a stored row (whose attributes only the file shows)."""
    entry: dict[str, Any] = json.loads(stored)
    entry.pop("attributes", None)
    return entry
