"""Random durations for agent behaviour (talk, wrap-up, think, break lengths), in seconds.

A distribution is a mapping discriminated on ``kind``; a bare number means ``constant``:

    talk_time: 3                                      # constant 3 s
    talk_time: {kind: uniform, low: 2, high: 5}
    talk_time: {kind: normal, mean: 30, stddev: 10, min: 5}
    talk_time: {kind: lognormal, median: 120, p95: 600}

Every ``sample(rng)`` is zero or more, and the same seeded ``rng`` gives the same draws.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from botagent.agent import Rng

from ._base import ProfileModel, field_error

__all__ = ["Constant", "Distribution", "Lognormal", "Normal", "Uniform"]

_Z95 = 1.6448536
"""The 95th percentile of the standard normal distribution."""


class Constant(ProfileModel):
    """Always the same value."""

    kind: Literal["constant"] = "constant"
    value: float = Field(ge=0, allow_inf_nan=False, description="Seconds, every time.")

    def sample(self, rng: Rng) -> float:
        """Return ``value``; ``rng`` is not used."""
        return self.value

    def mean(self) -> float:
        """The long-run average, in seconds."""
        return self.value


class Uniform(ProfileModel):
    """Any value between ``low`` and ``high``, all equally likely."""

    kind: Literal["uniform"] = "uniform"
    low: float = Field(ge=0, allow_inf_nan=False, description="Smallest value, seconds.")
    high: float = Field(ge=0, allow_inf_nan=False, description="Largest value, seconds (>= low).")

    @field_validator("high")
    @classmethod
    def _high_not_below_low(cls, high: float, info: ValidationInfo) -> float:
        low = info.data.get("low")
        if low is not None and high < low:
            raise ValueError(f"high must be >= low ({low:g})")
        return high

    def sample(self, rng: Rng) -> float:
        """Draw uniformly from ``[low, high]``."""
        return max(0.0, rng.uniform(self.low, self.high))

    def mean(self) -> float:
        """The long-run average, in seconds."""
        return (self.low + self.high) / 2


class Normal(ProfileModel):
    """A bell curve around ``mean``, clipped to ``[min, max]`` and never below zero."""

    kind: Literal["normal"] = "normal"
    mean_: float = Field(alias="mean", ge=0, allow_inf_nan=False, description="Centre, seconds.")
    stddev: float = Field(ge=0, allow_inf_nan=False, description="Standard deviation, seconds.")
    min: float | None = Field(None, ge=0, allow_inf_nan=False, description="Draws below are raised to it.")
    max: float | None = Field(None, ge=0, allow_inf_nan=False, description="Draws above are lowered to it.")

    model_config = ConfigDict(serialize_by_alias=True)

    @model_validator(mode="after")
    def _max_not_below_min(self) -> Normal:
        if self.min is not None and self.max is not None and self.max < self.min:
            raise field_error("Normal", "max", self.max, f"max must be >= min ({self.min:g})")
        return self

    def sample(self, rng: Rng) -> float:
        """Draw from the normal curve, then clip to ``[max(min, 0), max]``."""
        value = max(rng.gauss(self.mean_, self.stddev), self.min or 0.0)
        return value if self.max is None else min(value, self.max)

    def mean(self) -> float:
        """The centre of the curve, in seconds (clipping is ignored)."""
        return self.mean_


class Lognormal(ProfileModel):
    """A long-tailed curve given by its median and 95th percentile, as real talk times are.

    ``sigma = ln(p95 / median) / 1.6448536``, ``mu = ln(median)``.
    """

    kind: Literal["lognormal"] = "lognormal"
    median: float = Field(gt=0, allow_inf_nan=False, description="Half of the draws are below, seconds.")
    p95: float = Field(
        gt=0, allow_inf_nan=False, description="95% of the draws are below, seconds (>= median)."
    )

    @field_validator("p95")
    @classmethod
    def _p95_not_below_median(cls, p95: float, info: ValidationInfo) -> float:
        median = info.data.get("median")
        if median is not None and p95 < median:
            raise ValueError(f"p95 must be >= median ({median:g})")
        return p95

    @property
    def sigma(self) -> float:
        """The shape parameter of the underlying normal distribution."""
        return math.log(self.p95 / self.median) / _Z95

    def sample(self, rng: Rng) -> float:
        """Draw from the log-normal curve."""
        return rng.lognormvariate(math.log(self.median), self.sigma)

    def mean(self) -> float:
        """The long-run average, in seconds: ``median * exp(sigma**2 / 2)``."""
        return self.median * math.exp(self.sigma**2 / 2)


_KINDS = "constant, uniform, normal, lognormal"


def _number_means_constant(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"kind": "constant", "value": value}
    if isinstance(value, dict) and "kind" not in value:
        raise ValueError(f"a distribution needs a kind ({_KINDS})")
    if not isinstance(value, dict | ProfileModel):
        raise ValueError(f"expected a number of seconds or a mapping with a kind ({_KINDS})")
    return value


_Union = Annotated[Constant | Uniform | Normal | Lognormal, Field(discriminator="kind")]

Distribution = Annotated[
    _Union,
    BeforeValidator(_number_means_constant, json_schema_input_type=float | _Union),
]
"""Any of the distributions; in YAML a bare number means ``constant``."""
