"""Per-agent draws and the contact deck: what an agent gets depends on the seeds and its own history.

Over real HTTP the requests' timing differs from run to run, so a draw that decides *what an agent
gets* cannot come from a stream shared by all agents: whoever asked first would take the next draw.
Each agent has its own ``AgentStream`` in each campaign instead, keyed by (scenario seed, campaign id,
user id). Its draws are a counter hashed with BLAKE2b (stable across processes, unlike ``hash()``), so
the n-th draw of a stream is the same in every run, however the agents' requests interleave, and a
stream costs a couple of hundred bytes however long it runs. The stream also keeps the agent's count
of regular calls from the campaign and its phase in the campaign's weighted turns
(``_allocation.py``), and the preview contacts given back to it, which it gets again first. Streams
are kept per user, so they go on across log-offs and new sessions.

``ContactDeck`` is one pass over a campaign's contact list: a draw picks a contact at random, the
first one not yet taken in this pass at or after the drawn place (wrapping round), and takes it, so no
contact is called twice in a pass. Two streams may draw the same place; the later one then gets the
next free contact, and which one is later is a matter of timing. With a list much longer than the
calls of a run that is rare. A recycled list starts a new pass when every contact was taken; a list
that is not recycled is then used up.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from botagent.mock._state import Contact

__all__ = ["AgentStream", "ContactDeck", "Draws"]

_UNIT = 2.0**-53


class Draws(Protocol):
    """Anything that draws uniform floats in [0, 1): a ``random.Random`` or an ``AgentStream``."""

    def random(self) -> float: ...


@dataclass(slots=True, eq=False)
class AgentStream:
    """One agent's draws in one campaign, its regular calls from it, and contacts given back to it."""

    key: bytes
    phase: float = 0.0
    """Where the agent's weighted turns for the campaign start, in [0, 1) (see ``_allocation.py``)."""
    drawn: int = 0
    calls: int = 0
    returned: list[Contact] = field(default_factory=list)
    """Preview contacts given back, next first (a list: it is nearly always empty, and small)."""

    @classmethod
    def of(cls, seed: int, campaign_id: str, user_id: str) -> AgentStream:
        """The stream of ``user_id`` in campaign ``campaign_id`` of a scenario seeded with ``seed``."""
        key = f"{seed}/{campaign_id}/{user_id}/".encode()
        return cls(key=key, phase=_uniform(key + b"phase"))

    @property
    def turn(self) -> float:
        """The agent's place in the campaign's weighted turns: its regular calls plus its phase."""
        return self.calls + self.phase

    def random(self) -> float:
        """The stream's next uniform float in [0, 1)."""
        value = _uniform(self.key + str(self.drawn).encode())
        self.drawn += 1
        return value


def _uniform(data: bytes) -> float:
    digest = hashlib.blake2b(data, digest_size=8).digest()
    return (int.from_bytes(digest, "big") >> 11) * _UNIT


@dataclass(slots=True, eq=False)
class ContactDeck:
    """The contacts of a list taken in the current pass (one byte each, allocated on first use)."""

    size: int
    recycle: bool
    taken: bytearray = field(default_factory=bytearray)
    count: int = 0

    def has_fresh(self) -> bool:
        """True when a draw would find a contact (always, for a recycled list)."""
        return self.recycle or self.count < self.size

    def draw(self, draws: Draws) -> int | None:
        """Take a contact at random and return its index, or None when the list is used up."""
        if self.count >= self.size:
            if not self.recycle:
                return None
            self.taken, self.count = bytearray(), 0
        if not self.taken:
            self.taken = bytearray(self.size)
        start = min(int(draws.random() * self.size), self.size - 1)
        index = self.taken.find(0, start)
        if index < 0:
            index = self.taken.find(0)
        self.taken[index] = 1
        self.count += 1
        return index

    def give_back(self, index: int) -> None:
        """Free a contact taken in this pass, so a later draw may take it again."""
        if 0 <= index < len(self.taken) and self.taken[index]:
            self.taken[index] = 0
            self.count -= 1
