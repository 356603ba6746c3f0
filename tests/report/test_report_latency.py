"""Latency histograms: bounded, mergeable, and never a percentile above the maximum."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from botagent.report._latency import LatencyHistogram

samples = st.lists(st.floats(min_value=0.0, max_value=120_000.0, allow_nan=False), min_size=1, max_size=300)


def _exact(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    rank = max(1, -(-int(fraction * len(ordered) * 1_000_000) // 1_000_000))
    return ordered[min(len(ordered), rank) - 1]


@given(samples, st.sampled_from([0.5, 0.9, 0.95, 0.99, 1.0]))
def test_percentile_when_samples_vary_stays_within_half_a_percent_and_min_max(
    values: list[float], fraction: float
) -> None:
    histogram = LatencyHistogram()
    for value in values:
        histogram.add(value)
    got = histogram.percentile(fraction)
    assert got is not None
    assert min(values) <= got <= max(values)
    exact = _exact(values, fraction)
    assert abs(got - exact) <= max(0.005 * exact, 0.01)


def test_percentile_when_samples_sit_just_under_a_bucket_edge_never_exceeds_the_max() -> None:
    histogram = LatencyHistogram()
    for value in (506.6, 506.7, 506.8):
        histogram.add(value)
    assert histogram.percentile(0.95) == pytest.approx(506.8)
    assert histogram.percentile(0.5) == pytest.approx(506.8)


@given(samples, samples)
def test_merge_when_two_processes_counted_equals_one_histogram_of_all_samples(
    first: list[float], second: list[float]
) -> None:
    left, right, both = LatencyHistogram(), LatencyHistogram(), LatencyHistogram()
    for value in first:
        left.add(value)
        both.add(value)
    for value in second:
        right.add(value)
        both.add(value)
    left.merge(LatencyHistogram.from_wire(json.loads(json.dumps(right.to_wire()))))
    assert left.buckets == both.buckets
    assert (left.count, left.minimum, left.maximum) == (both.count, both.minimum, both.maximum)
    assert left.total == pytest.approx(both.total)
    for fraction in (0.5, 0.95, 0.99):
        assert left.percentile(fraction) == both.percentile(fraction)


def test_histogram_when_a_million_samples_are_counted_keeps_a_bounded_number_of_buckets() -> None:
    rng = random.Random(7)
    histogram = LatencyHistogram()
    for _ in range(1_000_000):
        histogram.add(rng.lognormvariate(3.0, 1.5))
    assert histogram.count == 1_000_000
    assert len(histogram.buckets) < 5_000


def test_histogram_when_empty_has_no_percentile_mean_or_min() -> None:
    histogram = LatencyHistogram()
    assert histogram.percentile(0.5) is None and histogram.mean is None
    assert LatencyHistogram.from_wire(histogram.to_wire()).count == 0
