"""The mock's ledger, read back for reconciliation: ``GET /mock/ledger`` as typed `LedgerEntry` records."""

from __future__ import annotations

import http.client
import json
import logging
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import NoneType
from typing import Any, TypeVar

from botagent.wire import AcdEntry, LedgerEntry

__all__ = [
    "LedgerPage",
    "in_slices",
    "parse_acd",
    "parse_ledger",
    "read_acd_ledger",
    "read_ledger",
    "read_ledger_page",
]

logger = logging.getLogger(__name__)

LEDGER_TIMEOUT = 30.0

PARSE_SLICE = 50
"""Entries parsed between two calls of a page reader's ``pause``."""

T = TypeVar("T")

_READ_KEYS: dict[str, tuple[type, ...]] = {
    "agent": (str, NoneType),
    "poppedAt": (int, float, NoneType),
    "label": (str, NoneType),
    "scheduledTime": (int, NoneType),
    "dispositionCount": (int,),
}
"""The keys the reconciliation reads beyond those `LedgerEntry.from_wire` checks, and their types."""


def read_ledger(target: str, timeout: float = LEDGER_TIMEOUT) -> list[LedgerEntry] | None:
    """The ledger of the botagent mock at ``target``, or None when there is none to reconcile with.

    None when the target is no botagent mock (no answer, an HTTP error, no JSON). A ledger that is
    there but malformed also gives None, with a warning naming the problem.
    """
    url = f"{target.rstrip('/')}/mock/ledger"
    body = _fetch(url, timeout)
    if body is None:
        return None  # not a botagent mock: nothing to reconcile with
    try:
        return parse_ledger(body)
    except ValueError as exc:
        logger.warning("botagent: the ledger at %s is malformed, so no call is reconciled: %s", url, exc)
        return None


def read_acd_ledger(target: str, timeout: float = LEDGER_TIMEOUT) -> list[AcdEntry]:
    """The inbound ACD interactions (R33) of the mock's ledger at ``target``; none when it has none."""
    url = f"{target.rstrip('/')}/mock/ledger"
    body = _fetch(url, timeout)
    try:
        return parse_acd(body)
    except ValueError as exc:
        logger.warning("botagent: the ACD entries at %s are malformed, so none is reconciled: %s", url, exc)
        return []


@dataclass(slots=True)
class LedgerPage:
    """One answer of ``GET /mock/ledger?after=SEQ&limit=N``: settled entries, the next cursor, whether
    more are settled already, the entries still open and the ACD entries."""

    calls: list[LedgerEntry]
    next: int
    more: bool
    open: list[LedgerEntry] = field(default_factory=list)
    acd: list[AcdEntry] = field(default_factory=list)


def read_ledger_page(
    target: str,
    after: int,
    limit: int = 10_000,
    timeout: float = LEDGER_TIMEOUT,
    *,
    rest: bool = True,
    pause: Callable[[], None] | None = None,
) -> LedgerPage | None:
    """The settled ledger entries after cursor ``after`` of the mock at ``target``; None when there is
    no ledger to page (no answer, an HTTP error, no JSON, a malformed page, with a warning then).

    Args:
        rest: also read the entries still open and the ACD entries; else the page is asked with
            ``calls_only=1`` and both lists stay empty.
        pause: called after every `PARSE_SLICE` entries parsed (a ``gevent.sleep(0)`` lets the
            other greenlets run while a long page is read).
    """
    url = f"{target.rstrip('/')}/mock/ledger?after={after}&limit={limit}{'' if rest else '&calls_only=1'}"
    body = _fetch(url, timeout)
    if body is None:
        return None
    try:
        cursor, more, still_open = body.get("next"), body.get("more"), body.get("open", None if rest else [])
        if not isinstance(cursor, int) or not isinstance(more, bool) or not isinstance(still_open, list):
            raise ValueError("no next cursor, more flag or open list")
        calls = parse_ledger(body, pause)
        if not rest:
            return LedgerPage(calls, cursor, more)
        return LedgerPage(calls, cursor, more, parse_ledger({"calls": still_open}, pause), parse_acd(body))
    except (ValueError, AttributeError) as exc:
        logger.warning("botagent: the ledger page at %s is malformed: %s", url, exc)
        return None


def _fetch(url: str, timeout: float) -> Any:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return json.load(response)
    except (OSError, ValueError, http.client.HTTPException):
        return None


def parse_acd(body: Any) -> list[AcdEntry]:
    """The ``acd`` entries of a ``GET /mock/ledger`` answer (none when it has no such list).

    Raises:
        ValueError: an entry is malformed; the message names it.
    """
    entries = body.get("acd") if isinstance(body, Mapping) else None
    if not isinstance(entries, list):
        return []
    if not all(isinstance(entry, Mapping) for entry in entries):
        raise ValueError("an ACD entry is not an object")
    return [AcdEntry.from_wire(entry) for entry in entries]


def parse_ledger(body: Any, pause: Callable[[], None] | None = None) -> list[LedgerEntry]:
    """The entries of a ``GET /mock/ledger`` answer (``{"calls": [...], ...}``); ``pause`` is called
    after every `PARSE_SLICE` entries.

    Raises:
        ValueError: the answer is not a ledger; the message says what is wrong, naming the entry.
    """
    calls = body.get("calls") if isinstance(body, Mapping) else None
    if not isinstance(calls, list):
        raise ValueError("no list of calls")
    entries: list[LedgerEntry] = []
    for part in in_slices(calls, pause):
        entries.extend(_entry(item) for item in part)
    return entries


def in_slices(items: Sequence[T], pause: Callable[[], None] | None) -> Iterator[Sequence[T]]:
    """``items`` in slices of `PARSE_SLICE`, with ``pause`` called between two slices."""
    for start in range(0, len(items), PARSE_SLICE):
        if start and pause is not None:
            pause()
        yield items[start : start + PARSE_SLICE]


def _entry(item: Any) -> LedgerEntry:
    if not isinstance(item, Mapping):
        raise ValueError(f"a call is {type(item).__name__}, not an object")
    for key, types in _READ_KEYS.items():
        if key in item and not isinstance(item[key], types):
            raise ValueError(f"ledger entry {item.get('callId', '?')}: {key} is {type(item[key]).__name__}")
    try:
        return LedgerEntry.from_wire(item)
    except TypeError as exc:  # attributes that are not an object
        raise ValueError(f"ledger entry {item.get('callId', '?')}: {exc}") from exc
