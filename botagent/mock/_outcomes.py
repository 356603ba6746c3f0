"""What becomes of a dial: the call outcomes, their rates and their delays, per campaign.

Every dial ends in one ``Outcome``: a person answers, nobody answers, the line is busy, an answering
machine or a fax answers, or the network plays a special information tone (SIT: number not in service,
and the like). The outcome is drawn when the dial starts, from the campaign's ``outcomes`` rates (given
as weights; they need not add up to one) or, when a scenario gives none, from ``answer_rate`` alone
(answered, else no answer), as older scenarios do. How long the line rings before the outcome is known
is ``outcome_delays.<outcome>`` when given, else the campaign's ``ring_delay``.

Only *connected* calls reach an agent: a person, or a machine when machine detection is off. With
``machine_detection`` on, machines are hung up once detected, and every call a person answers waits
``machine_detection_delay`` more while the detector listens. Busy, no answer, fax and SIT never reach
an agent in power and predictive campaigns; a preview call is the agent's own call, so the agent hears
whatever answers and dispositions it.

Which stream an outcome is drawn from is the pacer's choice (``_pacing.py``): a dial reserved for an
agent, and a preview it places, draw from the agent's own stream; a dial no agent is reserved for
draws from the campaign's, and when it connects, whether a person or (detection off) a machine is on
the line is drawn again from the stream of the agent it reaches, from ``connected_table``.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field, model_validator

from botagent.mock._durations import Delay
from botagent.mock._streams import Draws

__all__ = [
    "Outcome",
    "OutcomeDelays",
    "OutcomeRates",
    "connected_table",
    "draw_outcome",
    "outcome_table",
    "reaches_agent",
]


class Outcome(enum.StrEnum):
    """How a dial ended; the value is its counter name in ``GET /mock/ledger``."""

    ANSWERED = "answered"
    NO_ANSWER = "noAnswer"
    BUSY = "busy"
    MACHINE = "machine"
    FAX = "fax"
    SIT = "sit"


class _OutcomeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OutcomeRates(_OutcomeSpec):
    """Relative rates of each outcome (weights; scaled to add up to one)."""

    answered: float = Field(0.0, ge=0.0, allow_inf_nan=False)
    no_answer: float = Field(0.0, ge=0.0, allow_inf_nan=False)
    busy: float = Field(0.0, ge=0.0, allow_inf_nan=False)
    machine: float = Field(0.0, ge=0.0, allow_inf_nan=False)
    fax: float = Field(0.0, ge=0.0, allow_inf_nan=False)
    sit: float = Field(0.0, ge=0.0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _some_outcome(self) -> OutcomeRates:
        if sum(self.weights()) <= 0:
            raise ValueError("at least one outcome needs a rate above zero")
        return self

    def weights(self) -> tuple[float, ...]:
        """The rates in ``Outcome`` order."""
        return (self.answered, self.no_answer, self.busy, self.machine, self.fax, self.sit)


class OutcomeDelays(_OutcomeSpec):
    """Seconds from a dial being placed until its outcome is known; None means ``ring_delay``."""

    answered: Delay | None = None
    no_answer: Delay | None = None
    busy: Delay | None = None
    machine: Delay | None = None
    fax: Delay | None = None
    sit: Delay | None = None

    def for_outcome(self, outcome: Outcome) -> Delay | None:
        """The delay given for this outcome, or None."""
        delay: Delay | None = getattr(self, _FIELDS[outcome])
        return delay


_FIELDS = {outcome: name for outcome, name in zip(Outcome, OutcomeRates.model_fields, strict=True)}


def outcome_table(rates: OutcomeRates | None, answer_rate: float) -> tuple[tuple[Outcome, float], ...]:
    """Cumulative probabilities per outcome, for ``draw_outcome``; ``answer_rate`` when no rates."""
    weights = rates.weights() if rates is not None else (answer_rate, 1.0 - answer_rate, 0, 0, 0, 0)
    total = sum(weights)
    table: list[tuple[Outcome, float]] = []
    running = 0.0
    for outcome, weight in zip(Outcome, weights, strict=True):
        if weight > 0:
            running += weight / total
            table.append((outcome, running))
    return tuple(table)


def connected_table(
    table: Sequence[tuple[Outcome, float]], machine_detection: bool
) -> tuple[tuple[Outcome, float], ...]:
    """The outcomes of ``table`` that reach an agent, rescaled to add up to one: what a connected call
    is. A person answers when none of them has a rate (such a campaign connects no call anyway)."""
    kept: list[tuple[Outcome, float]] = []
    below = 0.0
    for outcome, upto in table:
        if reaches_agent(outcome, machine_detection):
            kept.append((outcome, upto - below))
        below = upto
    total = sum(weight for _, weight in kept)
    if total <= 0:
        return ((Outcome.ANSWERED, 1.0),)
    running = 0.0
    cumulative: list[tuple[Outcome, float]] = []
    for outcome, weight in kept:
        running += weight / total
        cumulative.append((outcome, running))
    return tuple(cumulative)


def draw_outcome(table: Sequence[tuple[Outcome, float]], rng: Draws) -> Outcome:
    """Draw one outcome; always one draw from ``rng``, so a run's draws do not depend on the rates."""
    point = rng.random()
    for outcome, upto in table:
        if point < upto:
            return outcome
    return table[-1][0]


def reaches_agent(outcome: Outcome, machine_detection: bool) -> bool:
    """True for the outcomes a power or predictive call hands to an agent (connected calls)."""
    return outcome is Outcome.ANSWERED or (outcome is Outcome.MACHINE and not machine_detection)
