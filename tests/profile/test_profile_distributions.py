"""Distributions: bounds, determinism with a seeded random.Random, means, and the bare-number form."""

from __future__ import annotations

import math
import random
import statistics

import pytest
from pydantic import TypeAdapter, ValidationError

from botagent.profile import Constant, Distribution, Lognormal, Normal, Uniform

ADAPTER: TypeAdapter[Constant | Uniform | Normal | Lognormal] = TypeAdapter(Distribution)

CASES = [
    (Constant(value=2.5), 2.5, 2.5),
    (Uniform(low=1, high=3), 1.0, 3.0),
    (Normal(mean=5, stddev=10), 0.0, math.inf),
    (Normal(mean=30, stddev=20, min=10, max=40), 10.0, 40.0),
    (Lognormal(median=60, p95=300), 0.0, math.inf),
]


@pytest.mark.parametrize(("distribution", "low", "high"), CASES)
def test_sample_when_drawn_many_times_stays_within_bounds(
    distribution: Constant | Uniform | Normal | Lognormal, low: float, high: float
) -> None:
    rng = random.Random(1)
    draws = [distribution.sample(rng) for _ in range(2000)]
    assert min(draws) >= low
    assert max(draws) <= high


@pytest.mark.parametrize("distribution", [case[0] for case in CASES])
def test_sample_when_seed_repeats_gives_same_draws(
    distribution: Constant | Uniform | Normal | Lognormal,
) -> None:
    first = [distribution.sample(random.Random(7)) for _ in range(3)]
    again = [distribution.sample(random.Random(7)) for _ in range(3)]
    rng = random.Random(7)
    sequence = [distribution.sample(rng) for _ in range(50)]
    rng = random.Random(7)
    assert first == again
    assert sequence == [distribution.sample(rng) for _ in range(50)]


def test_sample_when_normal_mean_is_near_zero_is_never_negative() -> None:
    rng = random.Random(3)
    draws = [Normal(mean=0, stddev=5).sample(rng) for _ in range(1000)]
    assert min(draws) == 0.0
    assert max(draws) > 0.0


def test_lognormal_when_sampled_matches_median_and_p95() -> None:
    distribution = Lognormal(median=60, p95=300)
    rng = random.Random(11)
    draws = sorted(distribution.sample(rng) for _ in range(20000))
    assert statistics.median(draws) == pytest.approx(60, rel=0.05)
    assert draws[int(0.95 * len(draws))] == pytest.approx(300, rel=0.08)
    assert distribution.sigma == pytest.approx(math.log(5) / 1.6448536)


@pytest.mark.parametrize(
    ("distribution", "mean"),
    [
        (Constant(value=4), 4.0),
        (Uniform(low=2, high=5), 3.5),
        (Normal(mean=30, stddev=3), 30.0),
        (Lognormal(median=10, p95=10), 10.0),
    ],
)
def test_mean_when_asked_returns_long_run_average(
    distribution: Constant | Uniform | Normal | Lognormal, mean: float
) -> None:
    assert distribution.mean() == pytest.approx(mean)


def test_lognormal_mean_when_tailed_is_above_median() -> None:
    distribution = Lognormal(median=60, p95=300)
    rng = random.Random(5)
    observed = statistics.fmean(distribution.sample(rng) for _ in range(40000))
    assert distribution.mean() > 60
    assert observed == pytest.approx(distribution.mean(), rel=0.05)


@pytest.mark.parametrize("value", [3, 3.5, 0])
def test_distribution_when_bare_number_is_constant(value: float) -> None:
    assert ADAPTER.validate_python(value) == Constant(value=value)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        ({"kind": "constant", "value": 1}, Constant),
        ({"kind": "uniform", "low": 1, "high": 2}, Uniform),
        ({"kind": "normal", "mean": 3, "stddev": 1, "min": 1}, Normal),
        ({"kind": "lognormal", "median": 3, "p95": 9}, Lognormal),
    ],
)
def test_distribution_when_kind_given_builds_that_kind(data: dict[str, object], kind: type) -> None:
    assert isinstance(ADAPTER.validate_python(data), kind)


def test_normal_when_dumped_keeps_the_mean_key() -> None:
    assert Normal(mean=3, stddev=1).model_dump()["mean"] == 3.0


@pytest.mark.parametrize(
    "data",
    [
        -1,
        True,
        "3s",
        {"low": 1, "high": 2},
        {"kind": "gauss", "mean": 1},
        {"kind": "uniform", "low": 3, "high": 2},
        {"kind": "uniform", "low": -1, "high": 2},
        {"kind": "normal", "mean": 3, "stddev": -1},
        {"kind": "normal", "mean": 3, "stddev": 1, "min": 5, "max": 4},
        {"kind": "lognormal", "median": 0, "p95": 1},
        {"kind": "lognormal", "median": 10, "p95": 5},
        {"kind": "constant", "value": 1, "extra": 2},
    ],
)
def test_distribution_when_invalid_is_rejected(data: object) -> None:
    with pytest.raises(ValidationError):
        ADAPTER.validate_python(data)
