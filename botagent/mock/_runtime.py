"""Drives the pure engine from an asyncio loop: real time, one timer, waking streams, faults, counting.

There is no task per agent. One loop timer (``call_later``) is kept set for the engine's earliest
deadline; after every request the runtime re-arms it if the request created an earlier deadline, and
wakes the event streams of the sessions that got messages.

The runtime also owns what sits around the engine on the HTTP side: the fault injector (whose
``message_delay`` faults it applies by holding messages back, with a second loop timer for their
release), the per-endpoint counters of ``/mock/stats`` and the ring of the last 200,000 request
timings of ``/mock/timings`` (``TimingRing``, allocated in full when the mock starts).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Iterable
from typing import Any, Final

from botagent.mock._delays import HeldMessages
from botagent.mock._engine import DialerEngine
from botagent.mock._faults import FaultInjector
from botagent.mock._scenario import Scenario
from botagent.mock._state import ServerSession
from botagent.mock._switchover import SwitchoverPair
from botagent.mock._timing_ring import TimingRing

__all__ = ["TIMINGS_KEPT", "MockRuntime"]

TIMINGS_KEPT: Final = 200_000
"""How many request timings ``/mock/timings`` keeps (the oldest go first)."""


class MockRuntime:
    """The engine plus what the HTTP side needs around it: clock, timers, streams, faults, errors, counts.

    Args:
        engine: the Dialer engine to drive.
        clock: epoch seconds; ``time.time`` unless a test passes its own.
    """

    def __init__(self, engine: DialerEngine, clock: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self.clock = clock
        self.errors: list[BaseException] = []
        self.stats: dict[str, list[float]] = {}
        self.timings = TimingRing(TIMINGS_KEPT)
        self.faults = FaultInjector()
        self.held = HeldMessages()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.pair: SwitchoverPair | None = None
        """Set when the mock runs as a switchover pair (two listeners); None for a stand-alone server."""
        self.closing = False
        self._streams: dict[str, set[asyncio.Event]] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._timer_for: float | None = None
        self._release: asyncio.TimerHandle | None = None
        self._release_for: float | None = None
        self._install_faults(engine.scenario)

    def now(self) -> float:
        """The current time on the engine's clock."""
        return self.clock()

    def _install_faults(self, scenario: Scenario) -> None:
        self.faults.replace(list(scenario.faults), self.clock(), random.Random(scenario.seed))

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Begin driving the engine's timers on this loop."""
        self.loop = loop
        self.closing = False
        self.changed()

    def stop(self) -> None:
        """Stop the timers and end every event stream."""
        self.close_streams()
        for handle in (self._timer, self._release):
            if handle is not None:
                handle.cancel()
        self._timer = self._timer_for = self._release = self._release_for = None

    def close_streams(self) -> None:
        """Make every open event stream finish (used on shutdown)."""
        self.closing = True
        self._wake(self._streams)

    def reset(self, scenario: Scenario | None = None) -> None:
        """Start over: engine, faults (the scenario's again), held messages, counters and timings."""
        self.engine.reset(scenario)
        self.held.clear()
        self._install_faults(self.engine.scenario)
        self.stats.clear()
        self.timings.clear()
        self.changed()

    def restart(self) -> int:
        """Simulate a server restart (see ``DialerEngine.restart``); faults and timings are kept."""
        vanished = self.engine.restart(self.clock())
        self.held.clear()
        self.changed()
        return vanished

    def switch_over(self) -> int:
        """Switch the pair over: the backup becomes the primary and every session ends, as sessions on
        the failed server do; Dialer state carries over. Returns how many sessions ended.

        Raises:
            RuntimeError: the mock is not a switchover pair.
        """
        if self.pair is None:
            raise RuntimeError("the mock is not a switchover pair")
        now = self.clock()
        self.pair.switch(now)
        ended = self.engine.restart(now, "switchover")
        self.held.clear()
        self.changed()
        return ended

    def lose_session(self, session: ServerSession) -> None:
        """Make one session vanish (a ``session_loss`` fault)."""
        self.engine.lose_session(session, self.clock())
        self.held.forget(session.session_id)
        self.changed()

    # --- after a change --------------------------------------------------------------------------

    def changed(self) -> None:
        """Wake the streams of sessions with news, and re-arm the timer if a deadline came closer."""
        woken = self.engine.take_woken()
        if woken and (self.faults.delays_messages or self.held):
            self._hold_messages(woken)
        self._wake(woken)
        if self.loop is None:
            return
        deadline = self.engine.next_deadline()
        if deadline is None or (
            self._timer is not None and self._timer_for is not None and self._timer_for <= deadline
        ):
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer_for = deadline
        self._timer = self.loop.call_later(max(0.0, deadline - self.clock()), self._fire)

    def _wake(self, session_ids: Iterable[str]) -> None:
        for session_id in session_ids:
            for event in self._streams.get(session_id, ()):
                event.set()

    def _fire(self) -> None:
        self._timer = self._timer_for = None
        try:
            self.engine.advance(self.clock())
        except Exception as exc:  # a bug in the engine: keep serving, report it at shutdown
            self.record_error(exc)
        self.changed()

    def record_error(self, exc: BaseException) -> None:
        """Keep a server-side exception so the owner can raise it again."""
        self.errors.append(exc)

    # --- messages ---------------------------------------------------------------------------------

    def _hold_messages(self, woken: set[str]) -> None:
        now = self.clock()
        for session_id in woken:
            session = self.engine.session(session_id)
            if session is None:
                self.held.forget(session_id)
            elif session.queue and (
                self.held.holding(session_id) or self.faults.delays_for(session.user.user_id, now)
            ):
                user = session.user.user_id
                timed = [(now + self.faults.on_message(user, now), m) for m in self.engine.drain(session)]
                self.held.hold(session_id, timed)
        self._arm_release()

    def _arm_release(self) -> None:
        due = self.held.next_release()
        if self.loop is None or due is None or (self._release_for is not None and self._release_for <= due):
            return
        if self._release is not None:
            self._release.cancel()
        self._release_for = due
        self._release = self.loop.call_later(max(0.0, due - self.clock()), self._release_due)

    def _release_due(self) -> None:
        self._release = self._release_for = None
        self._wake(self.held.due_sessions(self.clock()))
        self._arm_release()

    def take_messages(self, session: ServerSession) -> list[dict[str, Any]]:
        """Return the session's messages that are visible now (held ones once released), in order.

        Raises:
            EngineError: 410 when the session is gone.
        """
        now = self.clock()
        fresh = self.engine.take_messages(session, now)
        session_id = session.session_id
        if not self.held.holding(session_id):
            return fresh
        self.held.hold(session_id, [(now, message) for message in fresh])
        return self.held.take_due(session_id, now)

    def put_back(self, session: ServerSession, messages: list[dict[str, Any]]) -> None:
        """Return messages taken but not delivered, so the next poll or stream gets them first."""
        if self.held.holding(session.session_id):
            self.held.put_front(session.session_id, messages, self.clock())
        else:
            self.engine.give_back(session, messages)

    # --- counters and timings ----------------------------------------------------------------------

    def record(self, name: str, started_at: float, seconds: float, status: int | None) -> None:
        """Count one ``/icws`` request and keep its timing (endpoint, start, handling time, status)."""
        self.timings.append((name, started_at, seconds, status))
        entry = self.stats.get(name)
        if entry is None:
            entry = self.stats[name] = [0, 0, 0.0]
        entry[0] += 1
        entry[1] += status is None or status >= 400
        entry[2] += seconds

    def stats_body(self) -> dict[str, Any]:
        """Per-endpoint counters as JSON: count, errors, mean milliseconds."""
        return {
            name: {
                "count": int(n),
                "errors": int(errors),
                "meanMs": round(1000 * seconds / n, 3) if n else 0.0,
            }
            for name, (n, errors, seconds) in sorted(self.stats.items())
        }

    def timings_body(self) -> dict[str, Any]:
        """The ``GET /mock/timings`` body: the kept timings, oldest first."""
        return {
            "requests": [
                {"endpoint": name, "startedAt": started, "handlingMs": seconds * 1000.0, "status": status}
                for name, started, seconds, status in self.timings
            ]
        }

    # --- streams ------------------------------------------------------------------------------------

    def open_stream(self, session: ServerSession) -> asyncio.Event:
        """Register an event stream for a session; its event is set when the session has news."""
        event = asyncio.Event()
        self._streams.setdefault(session.session_id, set()).add(event)
        self.engine.stream_opened(session)
        return event

    def close_stream(self, session: ServerSession, event: asyncio.Event) -> None:
        """Forget an event stream."""
        events = self._streams.get(session.session_id)
        if events is not None:
            events.discard(event)
            if not events:
                del self._streams[session.session_id]
        self.engine.stream_closed(session, self.clock())
