"""Keep Locust's per-second request and failure counts to the seconds Locust still reads.

Every Locust statistics entry counts requests and failures per second in a dict that gains a key each
second it sees a request and never loses one, so a long run's statistics grow with its length. Locust
reads those counts only for the current RPS and failures per second, over the 12 seconds before the
latest request. `trim_per_second` drops what is older than `KEPT_SECONDS` before the latest request;
`keep_per_second_trimmed` does it every `TRIM_INTERVAL` seconds while the test runs, on the master or
the only process (a worker's statistics are reset each time it reports). Current RPS, failures per
second and every row Locust prints or writes stay as they were.
"""

from __future__ import annotations

from typing import Any

import gevent
from locust.env import Environment
from locust.stats import RequestStats

__all__ = ["KEPT_SECONDS", "TRIM_INTERVAL", "keep_per_second_trimmed", "trim_per_second"]

KEPT_SECONDS = 30
"""Seconds of per-second counts kept before the latest request (Locust reads the last 12)."""
TRIM_INTERVAL = 10.0
"""Seconds between two trims."""
MAX_RUN_SECONDS = 7 * 24 * 3600
"""How long the trims go on at most: a week, a bound no run that ends reaches."""


def trim_per_second(stats: RequestStats, keep: int = KEPT_SECONDS) -> int:
    """Drop per-second counts older than ``keep`` seconds before the latest request; return how many."""
    latest = stats.last_request_timestamp
    if latest is None:
        return 0
    oldest = int(latest) - keep
    dropped = 0
    for entry in [stats.total, *stats.entries.values()]:
        for per_second in (entry.num_reqs_per_sec, entry.num_fail_per_sec):
            stale = [second for second in per_second if second < oldest]
            for second in stale:
                del per_second[second]
            dropped += len(stale)
    return dropped


def keep_per_second_trimmed(environment: Environment, interval: float = TRIM_INTERVAL) -> None:
    """From each test start until the process quits, trim the per-second counts every ``interval`` s."""
    trimmer: list[gevent.Greenlet] = []

    def trim_forever() -> None:
        for _ in range(int(MAX_RUN_SECONDS / interval)):
            gevent.sleep(interval)
            trim_per_second(environment.stats)

    def start(**_: Any) -> None:
        if not trimmer:
            trimmer.append(gevent.spawn(trim_forever))

    def stop(**_: Any) -> None:
        while trimmer:
            trimmer.pop().kill(block=False)

    environment.events.test_start.add_listener(start)
    environment.events.quitting.add_listener(stop)
