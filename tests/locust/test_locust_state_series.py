"""Agents by state over a run: every second's sample comes back as taken, at a few bytes a sample."""

from __future__ import annotations

import random
import sys

from pure_rig import load_pure

from botagent.report import StateSample

StateSeries = load_pure("_state_series").StateSeries
BUCKETS = ["waiting", "talking", "wrapping", "on break", "logging in", "error"]


def test_state_series_gives_back_every_sample_and_keeps_a_few_bytes_each() -> None:
    """An hour of samples (buckets named or not, some with 0 agents, one first seen late) comes back
    exactly as added, with the same peak, in 8 bytes of time and 4 bytes per bucket a sample."""
    rng = random.Random(5)
    series = StateSeries()
    added = []
    for second in range(3600):
        named = [b for b in BUCKETS if rng.random() < 0.7] + (["stopping"] if second > 3000 else [])
        counts = {bucket: rng.choice([0, rng.randrange(1, 300)]) for bucket in named}
        series.append(second + 0.25, counts)
        added.append(StateSample(elapsed=second + 0.25, counts=counts))
    assert series.samples() == added
    assert series.most_agents() == max(sum(s.counts.values()) for s in added)
    kept = sys.getsizeof(series._elapsed) + sum(sys.getsizeof(c) for c in series._counts.values())
    assert kept / len(series) <= 8 + 4 * (len(BUCKETS) + 1) + 4
    series.clear()
    assert (len(series), series.samples(), series.most_agents()) == (0, [], 0)
