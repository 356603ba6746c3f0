"""The agent's queue memory stays the same size however many calls it takes.

The agent follows each Dialer call's interaction on its user queue (official disposition page: "Dialer
does not actually disconnect the call"; official queue subscription page for queueContentsMessage) and
remembers the latest ended ones only, to ignore late notices about them.
"""

from __future__ import annotations

from agent_harness import queue

from botagent.agent._queue import QueueFacts
from botagent.wire import QueueContentsMessage, parse_message


def observe(facts: QueueFacts, message: dict[str, object], now: float) -> list[tuple[str, float | None]]:
    parsed = parse_message(message)
    assert isinstance(parsed, QueueContentsMessage)
    return facts.observe(parsed, now)


def test_queue_memory_keeps_the_latest_ended_interactions_only() -> None:
    """Official disposition page: over 2,000 calls, each connected then disconnected (and removed), the
    agent keeps a fixed number of ended interactions, reports each connect-to-disconnect once, and still
    ignores a late notice about one of its latest calls."""
    facts = QueueFacts()
    sizes = []
    for n in range(2000):
        interaction = str(1_000_000 + n)
        assert observe(facts, queue(interaction, "C", added=True), float(n)) == []
        assert facts.live(interaction)
        assert observe(facts, queue(interaction, "I"), n + 0.5) == [(interaction, float(n))]
        assert observe(facts, queue(interaction, None, removed=True), n + 0.6) == []
        sizes.append(len(facts.states) + len(facts.connected_at) + len(facts.acd) + len(facts.alerts))
    assert max(sizes) == sizes[100] == sizes[-1] <= 64
    latest = str(1_000_000 + 1999 - 10)
    assert observe(facts, queue(latest, "C"), 3000.0) == []
    assert facts.ended(latest) and not facts.live(latest)
