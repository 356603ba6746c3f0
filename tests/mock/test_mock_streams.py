"""Per-agent draws and the contact deck (``botagent/mock/_streams.py``).

The ICWS pages leave contact order and outcomes to Dialer; the mock draws what an agent gets from a
stream of its own, so that the same seeds give each agent the same calls over real HTTP.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys

from mock_rig import EngineRig, campaign, scenario

from botagent.mock._streams import AgentStream, ContactDeck


def test_agent_stream_when_keyed_alike_draws_alike_in_another_process() -> None:
    """Draws hash the key with BLAKE2b, never Python's per-process salted ``hash()``."""
    stream = AgentStream.of(0, "C", "agent0001")
    here = [stream.random() for _ in range(3)]
    code = (
        "from botagent.mock._streams import AgentStream\n"
        "s = AgentStream.of(0, 'C', 'agent0001')\n"
        "print(repr([s.random() for _ in range(3)]))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "random"}
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert repr(here) == there.stdout.strip()
    assert here == [0.7176124175743841, 0.5943432649304838, 0.8212358016466232]


def test_agent_stream_when_seed_campaign_or_user_differs_draws_differently() -> None:
    keys = [(0, "C", "a"), (1, "C", "a"), (0, "D", "a"), (0, "C", "b")]
    firsts = {AgentStream.of(*key).random() for key in keys}
    assert len(firsts) == len(keys)
    assert all(0.0 <= value < 1.0 for value in firsts)


def test_contact_deck_when_drawn_through_a_pass_takes_every_contact_once() -> None:
    deck = ContactDeck(size=50, recycle=False)
    rng = random.Random(3)
    drawn = [deck.draw(rng) for _ in range(50)]
    assert sorted(i for i in drawn if i is not None) == list(range(50))
    assert deck.draw(rng) is None
    assert not deck.has_fresh()


def test_contact_deck_when_recycled_starts_a_new_pass_once_all_are_taken() -> None:
    deck = ContactDeck(size=3, recycle=True)
    rng = random.Random(4)
    first = sorted(deck.draw(rng) or 0 for _ in range(3))
    second = sorted(deck.draw(rng) or 0 for _ in range(3))
    assert first == second == [0, 1, 2]


def test_contact_deck_when_a_contact_is_given_back_can_take_it_again() -> None:
    deck = ContactDeck(size=2, recycle=False)
    rng = random.Random(5)
    index = deck.draw(rng)
    assert index is not None
    deck.give_back(index)
    assert sorted(deck.draw(rng) or 0 for _ in range(2)) == [0, 1]


def test_power_dial_when_reserved_for_an_agent_draws_its_contact_from_that_agents_stream() -> None:
    """Power: one dial per free agent, reserved for it (reference 6-7); what it dials is the agent's
    own draw, whoever else asked before it."""
    alone = EngineRig(scenario(campaign("P")))
    contact = alone.pop(alone.agent("b"))["attributes"]["IS_ATTR_ContactId"]
    crowded = EngineRig(scenario(campaign("P")))
    for user in ("a", "c"):
        crowded.agent(user)
    assert crowded.pop(crowded.agent("b"))["attributes"]["IS_ATTR_ContactId"] == contact
