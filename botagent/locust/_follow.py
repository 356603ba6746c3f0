"""Following the mock's ledger as the run goes, so the run reconciles without keeping every call.

The master (or the only process) reads the ledger's settled entries by cursor every ``FOLLOW_EVERY``
seconds (``GET /mock/ledger?after=SEQ``) into the recorder's `RunningReconciliation`, which matches them
with the bots' finished calls and forgets the pairs. At the end ``reconcile_the_rest`` reads what is
left, the entries still open and the ACD entries.
"""

from __future__ import annotations

import logging
import time
from typing import Final

import gevent

from botagent.locust._ledger import LEDGER_TIMEOUT, LedgerPage, read_ledger_page
from botagent.report import Reconciliation, RunningReconciliation, reconcile_acd

__all__ = ["FOLLOW_EVERY", "follow_ledger", "read_new_entries", "reconcile_the_rest"]

logger = logging.getLogger(__name__)

FOLLOW_EVERY: Final = 5.0
"""Seconds between two reads of the ledger while the run goes."""

MAX_PAGES: Final = 1000
"""The most pages one read follows (10,000 entries each)."""

NO_LEDGER_AFTER: Final = 3
"""Reads that found no ledger, with none found before, after which the target counts as having none."""


def read_new_entries(
    target: str, running: RunningReconciliation, timeout: float = LEDGER_TIMEOUT
) -> LedgerPage | None:
    """Read every entry settled since ``running.cursor`` into ``running``; return the last page, or None
    when the target answered no ledger page."""
    last: LedgerPage | None = None
    for _ in range(MAX_PAGES):
        page = read_ledger_page(target, running.cursor, timeout=timeout)
        if page is None:
            return None
        running.add_entries(page.calls, time.time())
        running.cursor = page.next
        last = page
        if not page.more:
            break
    return last


def follow_ledger(target: str, running: RunningReconciliation, every: float = FOLLOW_EVERY) -> None:
    """Read new settled entries every ``every`` seconds until killed (a greenlet); a target that never
    answers a ledger page has none, and the calls are no longer kept."""
    misses, found = 0, False
    while not running.ledger_absent:
        if read_new_entries(target, running) is not None:
            found = True
        elif not found:
            misses += 1
            if misses >= NO_LEDGER_AFTER:
                logger.info("botagent: %s has no ledger; calls are not reconciled", target)
                running.no_ledger()
        gevent.sleep(every)


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
