"""Callbacks leave the mock's memory once dialed, though their owner window runs for an hour.

An agent-owned callback (official disposition page: ``scheduledTime``, ``scheduledAgent``; R25, R26)
waits for its owner for ``callbacks.owner_window`` seconds (Dialer's Reschedule Delay, 60 minutes by
default); the window's timer runs only while the callback waits, so dialed ones are not kept for it.
"""

from __future__ import annotations

import gc

from mock_rig import EngineRig, campaign, scenario

from botagent.mock._state import Callback
from botagent.mock._timers import Timer, TimerHeap
from botagent.wire import DialingMode, PlacePreviewCallRequest


def live_callbacks() -> int:
    gc.collect()
    return sum(1 for thing in gc.get_objects() if isinstance(thing, Callback))


def test_agent_owned_callbacks_when_dialed_are_not_kept_for_their_hour_long_window() -> None:
    """R25, R26: 300 callbacks an agent books for itself, each dialed back to it within a minute, leave
    at most the one in progress in memory and a timer heap of the same size throughout."""
    rig = EngineRig(scenario(campaign("P", callbacks={"owner_window": 3600}), session_idle_expiry=86_400))
    session = rig.agent("a")
    heap_sizes, dialed_back = [], 0
    for _ in range(1000):
        call = rig.pop(session, limit=60)
        if call["dialingMode"] == DialingMode.OWN_AGENT_CALLBACK:
            dialed_back += 1
            rig.disposition(session, "Sale")
        else:
            rig.disposition(session, "Callback", scheduled_time=int(rig.now) + 5, scheduled_agent="a")
        rig.status(session)
        heap_sizes.append(len(rig.engine._world.timers))
        if dialed_back == 300:
            break
    figures = rig.engine.ledger()["campaigns"]["P"]
    assert dialed_back == 300 and figures["callbacksKept"] >= 300
    assert live_callbacks() <= 10
    assert max(heap_sizes) == max(heap_sizes[:20])


def test_timer_heap_when_timers_are_cancelled_stays_within_twice_the_live_ones() -> None:
    """The engine's timers (the mock's own clockwork): 20,000 hour-long timers each cancelled at once
    leave the heap bounded, and the live ones still fire in deadline order."""
    heap = TimerHeap()
    fired: list[float] = []
    live = [heap.schedule(10.0 + n, fired.append) for n in range(5)]
    most = 0
    for n in range(20_000):
        heap.schedule(3600.0 + n, fired.append).cancel()
        most = max(most, len(heap))
    assert most <= 1024
    while (timer := heap.pop_due(10_000_000.0)) is not None:
        timer.fire()
    assert fired == [t.when for t in live]
    assert isinstance(live[0], Timer)


def test_agent_owned_callback_when_given_back_after_its_window_falls_back_to_the_campaign() -> None:
    """R26 and the owner window: a callback taken for its owner as a preview, given back when the owner
    logs off after the window passed, falls back to the campaign as if it had waited all along."""
    callbacks = {"owner_window": 300, "fallback": "campaign"}
    contacts = {"count": 1, "recycle": False}
    rig = EngineRig(
        scenario(
            campaign("V", "preview", dial_delay=400, callbacks=callbacks, contacts=contacts),
            session_idle_expiry=86_400,
        )
    )
    session = rig.agent("a")
    rig.pop(session, limit=500)
    rig.engine.place_preview_call(session, PlacePreviewCallRequest(), rig.now)
    rig.disposition(session, "Callback", scheduled_time=int(rig.now), scheduled_agent="a")
    rig.status(session)
    rig.tick(350)
    figures = rig.engine.ledger()["campaigns"]["V"]
    assert (figures["callbacksDue"], figures["callbacksFallenBack"]) == (1, 0)
    rig.log_off(session)
    figures = rig.engine.ledger()["campaigns"]["V"]
    assert figures["callbacksFallenBack"] == 1
    assert rig.engine._world.campaigns[rig.campaign_id("V")].due_any
