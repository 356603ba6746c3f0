"""Random delays for the simulated Dialer (placing a dial, ringing, machine detection), in seconds.

The same kinds the profile offers for agent behaviour, defined here again because the mock stands on
``botagent.wire`` alone. A delay is a mapping discriminated on ``kind``; a bare number means
``constant`` and a constant is written back as a bare number, so older scenario files and
``GET /mock/scenario`` keep their shape:

    dial_delay: 0.5                                      # constant
    ring_delay: {kind: uniform, low: 4, high: 12}
    ring_delay: {kind: normal, mean: 8, stddev: 3, min: 2}
    ring_delay: {kind: lognormal, median: 7, p95: 20}

``sample(rng)`` is never below zero, and the same seeded ``rng`` gives the same draws.
"""

from __future__ import annotations

import math
import random
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_serializer, model_validator

__all__ = ["ConstantDelay", "Delay", "LognormalDelay", "NormalDelay", "UniformDelay"]

_Z95 = 1.6448536
"""The 95th percentile of the standard normal distribution."""
_LONGEST = 86_400.0


class _DelaySpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ConstantDelay(_DelaySpec):
    """Always the same number of seconds."""

    kind: Literal["constant"] = "constant"
    value: float = Field(ge=0.0, le=_LONGEST, allow_inf_nan=False)

    @model_serializer(mode="plain")
    def _as_number(self) -> float:
        return self.value

    def sample(self, rng: random.Random) -> float:
        """Return ``value``; ``rng`` is not used."""
        return self.value

    def average(self) -> float:
        """The long-run average, in seconds."""
        return self.value


class UniformDelay(_DelaySpec):
    """Any value between ``low`` and ``high``, all equally likely."""

    kind: Literal["uniform"] = "uniform"
    low: float = Field(ge=0.0, le=_LONGEST, allow_inf_nan=False)
    high: float = Field(ge=0.0, le=_LONGEST, allow_inf_nan=False)

    @model_validator(mode="after")
    def _ordered(self) -> UniformDelay:
        if self.high < self.low:
            raise ValueError(f"high must be >= low ({self.low:g})")
        return self

    def sample(self, rng: random.Random) -> float:
        """Draw uniformly from ``[low, high]``."""
        return rng.uniform(self.low, self.high)

    def average(self) -> float:
        """The long-run average, in seconds."""
        return (self.low + self.high) / 2


class NormalDelay(_DelaySpec):
    """A bell curve around ``mean``, clipped to ``[min, max]`` and never below zero."""

    kind: Literal["normal"] = "normal"
    mean: float = Field(ge=0.0, le=_LONGEST, allow_inf_nan=False)
    stddev: float = Field(ge=0.0, le=_LONGEST, allow_inf_nan=False)
    min: float | None = Field(None, ge=0.0, allow_inf_nan=False)
    max: float | None = Field(None, ge=0.0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _ordered(self) -> NormalDelay:
        if self.min is not None and self.max is not None and self.max < self.min:
            raise ValueError(f"max must be >= min ({self.min:g})")
        return self

    def sample(self, rng: random.Random) -> float:
        """Draw from the curve, then clip to ``[max(min, 0), max]``."""
        value = max(rng.gauss(self.mean, self.stddev), self.min or 0.0)
        return value if self.max is None else min(value, self.max)

    def average(self) -> float:
        """The centre of the curve, in seconds (clipping is ignored)."""
        return self.mean


class LognormalDelay(_DelaySpec):
    """A long-tailed curve given by its median and 95th percentile."""

    kind: Literal["lognormal"] = "lognormal"
    median: float = Field(gt=0.0, le=_LONGEST, allow_inf_nan=False)
    p95: float = Field(gt=0.0, le=_LONGEST, allow_inf_nan=False)

    @model_validator(mode="after")
    def _ordered(self) -> LognormalDelay:
        if self.p95 < self.median:
            raise ValueError(f"p95 must be >= median ({self.median:g})")
        return self

    @property
    def sigma(self) -> float:
        """The shape parameter of the underlying normal distribution."""
        return math.log(self.p95 / self.median) / _Z95

    def sample(self, rng: random.Random) -> float:
        """Draw from the log-normal curve."""
        return rng.lognormvariate(math.log(self.median), self.sigma)

    def average(self) -> float:
        """The long-run average, in seconds: ``median * exp(sigma**2 / 2)``."""
        return self.median * math.exp(self.sigma**2 / 2)


_KINDS = "constant, uniform, normal, lognormal"


def _number_means_constant(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"kind": "constant", "value": value}
    if isinstance(value, dict) and "kind" not in value:
        raise ValueError(f"a delay needs a kind ({_KINDS})")
    return value


Delay = Annotated[
    ConstantDelay | UniformDelay | NormalDelay | LognormalDelay,
    Field(discriminator="kind"),
    BeforeValidator(_number_means_constant),
]
"""Any of the delays; a bare number means ``constant``."""
