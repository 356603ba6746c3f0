"""Locust's per-second request and failure counts stay to the seconds Locust reads, however long a run.

Locust is imported only in a child process (it gevent-patches the process that imports it): the child
logs requests into two real ``RequestStats`` on a simulated clock, trims one of them as the run does,
and reports the current RPS, failures per second and dict sizes of both.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from locust_rig import REPO

pytestmark = pytest.mark.slow

CHILD = textwrap.dedent(
    """
    import json, sys
    from unittest import mock
    from locust.stats import RequestStats
    from botagent.locust._stats_trim import trim_per_second, KEPT_SECONDS, TRIM_INTERVAL

    seconds = int(sys.argv[1])
    clock = [1_800_000_000.0]
    kept, whole = RequestStats(), RequestStats()
    rows = []
    with mock.patch("time.time", lambda: clock[0]):
        for stats in (kept, whole):
            stats.total.reset()
        for second in range(seconds):
            for n in range(second % 7 + 1):
                clock[0] += 0.1
                for stats in (kept, whole):
                    stats.log_request("ICWS", "PUT /status/user-statuses", 5 + n, 0)
                    if n == 2:
                        stats.log_error("ICWS", "PUT /status/user-statuses", "503")
            clock[0] = 1_800_000_000.0 + second + 1
            if second % int(TRIM_INTERVAL) == 0:
                trim_per_second(kept)
            entry = ("PUT /status/user-statuses", "ICWS")
            rows.append([
                [s.total.current_rps, s.total.current_fail_per_sec,
                 s.entries[entry].current_rps, s.entries[entry].current_fail_per_sec,
                 s.total.num_requests, s.total.num_failures]
                for s in (kept, whole)
            ])
        sizes = {
            "kept": max(len(e.num_reqs_per_sec) for e in [kept.total, *kept.entries.values()]),
            "kept_failures": max(len(e.num_fail_per_sec) for e in [kept.total, *kept.entries.values()]),
            "whole": len(whole.total.num_reqs_per_sec),
            "bound": KEPT_SECONDS + TRIM_INTERVAL + 2,
        }
    print(json.dumps({"rows": rows, "sizes": sizes}))
    """
)


def run_child(seconds: int) -> dict[str, object]:
    """Run the child for ``seconds`` simulated seconds and return what it printed."""
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(seconds)], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout.splitlines()[-1])
    return data


def test_per_second_counts_stay_bounded_and_current_rps_is_unchanged() -> None:
    """Over an hour of seconds the trimmed statistics keep at most about ``KEPT_SECONDS`` + one trim
    interval of per-second counts (the untrimmed ones one per second), while current RPS, failures per
    second and totals equal the untrimmed ones at every second."""
    data = run_child(3600)
    rows, sizes = data["rows"], data["sizes"]
    assert isinstance(rows, list) and isinstance(sizes, dict)
    assert all(kept == whole for kept, whole in rows)
    assert rows[-1][0][0] > 0 and rows[-1][0][1] > 0
    assert sizes["whole"] >= 3600
    assert sizes["kept"] <= sizes["bound"] and sizes["kept_failures"] <= sizes["bound"]
