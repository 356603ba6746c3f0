"""Which campaign a free agent works for next, when it is logged in to several.

Each campaign keeps a ``Share``: its ``priority`` and ``weight`` from the scenario, how many agents
are *attached* to it now (reserved for one of its dials, waiting in its predictive pool, or on or
wrapping up one of its calls) and how many times it has been given an agent (``served``).

``choose`` picks, among the campaigns the agent is idle in that have work:

1. the highest ``priority`` (a lower one gets agents only when no higher one has work);
2. the lowest attached agents per unit of ``weight`` (so attached agents settle in the weights'
   proportions: weights 3:2:1 keep about half, a third and a sixth of the agents);
3. the lowest ``served`` per unit of weight (so ties take turns, weighted round robin);
4. the campaign listed first in the scenario.

There is no randomness and no iteration over sets: the same agents freed in the same order get the
same campaigns, run after run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

__all__ = ["Share", "choose"]

T = TypeVar("T")


@dataclass(slots=True, eq=False)
class Share:
    """One campaign's claim on agents."""

    order: int
    priority: int = 0
    weight: float = 1.0
    attached: int = 0
    served: int = 0

    def key(self) -> tuple[int, float, float, int]:
        """The sort key of ``choose``: smaller wins."""
        return (-self.priority, self.attached / self.weight, self.served / self.weight, self.order)


def choose(candidates: Iterable[T], share: Callable[[T], Share]) -> T | None:
    """Return the candidate whose share should get the next free agent, or None when there is none."""
    return min(candidates, key=lambda candidate: share(candidate).key(), default=None)
