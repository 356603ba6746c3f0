"""Which campaign a free agent works for next, when it is logged in to several.

Each campaign keeps a ``Share``: its ``priority`` and ``weight`` from the scenario and its place in the
scenario (``order``). Each agent counts, per campaign, the regular calls it has taken from it (its
``AgentStream.calls``; callbacks are not counted, see ``_pacing.py``), and has a ``phase`` there, in
[0, 1), hashed from the seed, the campaign id and its user id.

``choose`` picks, among the campaigns the agent is idle in that have work:

1. the highest ``priority`` (a lower one gets the agent only when no higher one has work);
2. smooth weighted round robin over the agent's own calls: the campaign whose next call is due
   soonest on a weighted schedule, ``(calls + phase) / weight``. The k-th call of a campaign falls
   at ``(k - 1 + phase) / weight``, so after any number of calls each campaign has its weighted
   share of them within one call: weights 3:2:1 split each agent's calls 3:2:1 (turns such as
   A B A C A B, again and again). The phases start the agents at different points of the cycle, so
   all calls together split 3:2:1 even when each agent takes only a few;
3. the campaign listed first in the scenario.

The choice reads only the agent's own history and the scenario; "has work" (a campaign running, not
out of contacts, not at its line cap) is the one global fact, and it changes seldom. There is no
randomness and no iteration over sets: the same agent with the same calls behind it gets the same
campaign, run after run, whatever the other agents do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

__all__ = ["Share", "choose"]

T = TypeVar("T")


@dataclass(slots=True, frozen=True)
class Share:
    """One campaign's claim on the agents logged in to it."""

    order: int
    priority: int = 0
    weight: float = 1.0

    def key(self, turn: float) -> tuple[int, float, int]:
        """The sort key of ``choose`` for an agent at ``turn`` (calls + phase) here: smaller wins."""
        return (-self.priority, turn / self.weight, self.order)


def choose(candidates: Iterable[T], share: Callable[[T], Share], turn: Callable[[T], float]) -> T | None:
    """Return the candidate the agent works for next, or None when there is none.

    Args:
        candidates: the campaigns the agent is idle in that have work.
        share: each candidate's ``Share``.
        turn: the agent's regular calls from each candidate plus its phase there.
    """
    return min(candidates, key=lambda candidate: share(candidate).key(turn(candidate)), default=None)
