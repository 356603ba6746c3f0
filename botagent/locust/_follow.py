"""Following the mock's ledger as the run goes, so the run reconciles without keeping every call.

The master (or the only process) reads the ledger's settled entries by cursor every ``FOLLOW_EVERY``
seconds (``GET /mock/ledger?after=SEQ``) into the recorder's `RunningReconciliation`, which matches them
with the bots' finished calls and forgets the pairs. It reads small pages and yields to the agents
between slices of them, so that no request waits for a page to be read. At the end
``reconcile_the_rest`` reads what is left, the entries still open and the ACD entries.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Final

import gevent

from botagent.locust._ledger import LEDGER_TIMEOUT, LedgerPage, in_slices, read_ledger_page
from botagent.report import Reconciliation, RunningReconciliation, reconcile_acd

__all__ = ["FOLLOW_EVERY", "FOLLOW_PAGE", "follow_ledger", "read_new_entries", "reconcile_the_rest"]

logger = logging.getLogger(__name__)

FOLLOW_EVERY: Final = 5.0
"""Seconds between two reads of the ledger while the run goes."""

MAX_PAGES: Final = 1000
"""The most pages one read follows."""

PAGE_LIMIT: Final = 10_000
"""Entries per page at the end of the run."""

FOLLOW_PAGE: Final = 200
"""Entries per page while the run goes: the mock builds a page, and this process reads it, in one go."""

NO_LEDGER_AFTER: Final = 3
"""Reads that found no ledger, with none found before, after which the target counts as having none."""


def read_new_entries(
    target: str,
    running: RunningReconciliation,
    timeout: float = LEDGER_TIMEOUT,
    *,
    limit: int = PAGE_LIMIT,
    rest: bool = True,
    pause: Callable[[], None] | None = None,
) -> LedgerPage | None:
    """Read every entry settled since ``running.cursor`` into ``running``; return the last page, or None
    when the target answered no ledger page.

    Args:
        limit: entries per page.
        rest: read each page's entries still open and ACD entries too (the end of the run needs them).
        pause: called between two slices of `PARSE_SLICE` entries, parsed or reconciled: the follower
            passes ``gevent.sleep(0)``, so that no agent waits for a whole page.
    """
    last: LedgerPage | None = None
    for _ in range(MAX_PAGES):
        page = read_ledger_page(target, running.cursor, limit, timeout=timeout, rest=rest, pause=pause)
        if page is None:
            return None
        _add_page(running, page, pause)
        last = page
        if not page.more:
            break
    return last


def _add_page(running: RunningReconciliation, page: LedgerPage, pause: Callable[[], None] | None) -> None:
    """Add a page's entries in slices, ``pause`` between them, and move the cursor past it. A page is
    added whole even when this greenlet is killed in a pause, so the cursor never splits a page."""
    now, done = time.time(), 0
    try:
        for part in in_slices(page.calls, pause):
            running.add_entries(part, now)
            done += len(part)
        if not page.calls:
            running.add_entries((), now)
    except gevent.GreenletExit:
        running.add_entries(page.calls[done:], now)
        running.cursor = page.next
        raise
    running.cursor = page.next


def follow_ledger(target: str, running: RunningReconciliation, every: float = FOLLOW_EVERY) -> None:
    """Read new settled entries every ``every`` seconds until killed (a greenlet), `FOLLOW_PAGE`
    entries a page, yielding to the agents between slices; a target that never answers a ledger page
    has none, and the calls are no longer kept."""
    misses, found = 0, False
    while not running.ledger_absent:
        if read_new_entries(target, running, limit=FOLLOW_PAGE, rest=False, pause=_yield) is not None:
            found = True
        elif not found:
            misses += 1
            if misses >= NO_LEDGER_AFTER:
                logger.info("botagent: %s has no ledger; calls are not reconciled", target)
                running.no_ledger()
        gevent.sleep(every)


def _yield() -> None:
    gevent.sleep(0)


def reconcile_the_rest(
    target: str, running: RunningReconciliation, bot_acd_handled: int
) -> Reconciliation | None:
    """The run's reconciliation: the entries not read yet, those still open and the ACD entries; None
    when the target has no ledger. ``running`` keeps its cursor, so this may be asked again."""
    if running.ledger_absent:
        return None
    last = read_new_entries(target, running)
    if last is None:
        return None
    rec = running.result(last.open)
    return reconcile_acd(rec, last.acd, bot_acd_handled, agents=running.agents, since=running.since)
