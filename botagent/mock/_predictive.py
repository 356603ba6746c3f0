"""The predictive pacing model: how many lines to have out, from what the campaign has seen so far.

``PredictiveModel`` is pure arithmetic, fed by the pacer:

- ``dial_started()`` when a dial starts and ``dial_ended(ticket, connected, seconds)`` when it ends:
  the *connect rate* ``p`` (calls that need an agent per dial) and the *connect time* (dial start to
  answer) are running means that turn into moving averages over the last ``window`` dials. Dials are
  learnt from in the order they *started*, each once every older one has ended: connects end sooner
  than no-answers, so learning in the order they end would overrate ``p`` after a burst of dials and
  underrate it a ring time later, and the lines would swing. ``p`` starts at one (as if five dials had
  all connected), so a fresh campaign dials no more lines than it has agents, and learns from there.
- ``call_finished(seconds)`` when an agent that took a call is free again: the *handle time* (pop to
  free, that is talk plus wrap-up), of which the last ``window`` are kept, sorted, so that the chance
  that an agent busy for ``e`` seconds is free within ``h`` more is read off them:
  ``P(T <= e + h | T > e)``, whatever the shape of the talk times. The first calls to end are the
  short ones, so the chance is scaled down until the window is full; until twenty calls have ended,
  and for an agent busy longer than any call kept, it is taken as nil.
- ``answered_call(abandoned)`` for every answered call that found an agent (False) or was abandoned
  (True), and every call an agent's disposition marks abandoned: the abandon controller.

``lines_wanted(free, soon, in_flight, cap)`` answers how many more dials to start. The agents the
campaign can expect within the connect time are those free in its pool now (``free``, less the answered
calls already waiting) plus each agent on one of its calls that should finish within that time
(``soon``, from ``expected_free``). With ``N`` lines out, connects are about normal with mean ``N p``
and variance ``N p (1 - p)``; the model takes the largest ``N`` whose expected overflow (connects
beyond those agents, each an abandon) is at most ``target`` of the expected connects, never fewer
lines than agents free now (those cannot overflow) and never more than ``cap``.

The snapshot ignores how connects spread over time and how long an answered call may wait (the grace),
so it is biased; an integral controller removes the bias. Every answered call moves ``log_gain`` by
``gain * (target - abandoned)``: up a little per connect, down a lot per abandon, still on average
exactly when the abandon rate equals the target. The target the snapshot uses is
``target * exp(log_gain)``.
"""

from __future__ import annotations

import bisect
import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["MAX_LINES_PER_AGENT", "DialTicket", "HandleTimes", "MovingMean", "PredictiveModel"]

_SQRT2 = math.sqrt(2.0)
_INV_SQRT2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GAIN = 0.1
_LOG_GAIN_LIMIT = 3.0
_PRIOR_DIALS = 5
_LEAST_HANDLE_TIMES = 20
"""The connect rate starts as if five dials had all connected, so it falls gently from one."""
_LOWEST_RATE = 0.02
"""The connect rate the line count assumes at least, so a run of failures never asks for endless lines."""
MAX_LINES_PER_AGENT = 10
"""Lines per agent (free or busy) a campaign never goes beyond, whatever the model says."""


@dataclass(slots=True)
class MovingMean:
    """A running mean over the first ``window`` samples, then an exponential moving average."""

    value: float
    window: int = 200
    count: int = 0

    def add(self, sample: float) -> None:
        """Fold one sample in."""
        self.count += 1
        self.value += (sample - self.value) / min(self.count, self.window)


@dataclass(slots=True)
class HandleTimes:
    """The last ``window`` handle times, in arrival order and sorted."""

    window: int = 200
    recent: deque[float] = field(default_factory=deque)
    ordered: list[float] = field(default_factory=list)

    def add(self, seconds: float) -> None:
        """Keep one more handle time, forgetting the oldest beyond the window."""
        self.recent.append(seconds)
        bisect.insort(self.ordered, seconds)
        if len(self.recent) > self.window:
            oldest = self.recent.popleft()
            del self.ordered[bisect.bisect_left(self.ordered, oldest)]

    def chance_done(self, elapsed: float, horizon: float) -> float:
        """The chance that a call busy for ``elapsed`` seconds is over within ``horizon`` more."""
        ordered = self.ordered
        past = bisect.bisect_right(ordered, elapsed)
        if len(ordered) < _LEAST_HANDLE_TIMES or past == len(ordered):
            return 0.0
        within = bisect.bisect_right(ordered, elapsed + horizon) - past
        trust = len(ordered) / self.window
        return trust * (within + 0.5) / (len(ordered) - past + 1)


@dataclass(slots=True, eq=False)
class DialTicket:
    """One dial the model waits to hear about: ``connected`` is None until it ends."""

    connected: bool | None = None
    seconds: float = 0.0


@dataclass(slots=True)
class PredictiveModel:
    """Estimates and the abandon controller of one predictive campaign."""

    target: float
    connect_time: MovingMean
    connect_rate: MovingMean = field(default_factory=lambda: MovingMean(1.0, window=500, count=_PRIOR_DIALS))
    handle_times: HandleTimes = field(default_factory=HandleTimes)
    log_gain: float = 0.0
    pending: deque[DialTicket] = field(default_factory=deque)

    @classmethod
    def fresh(cls, target: float, connect_time_guess: float) -> PredictiveModel:
        """A model that has seen nothing yet; ``connect_time_guess`` stands in for the connect time."""
        return cls(target=target, connect_time=MovingMean(connect_time_guess, window=100))

    def dial_started(self) -> DialTicket:
        """Note a dial; hand its ticket back to ``dial_ended``."""
        ticket = DialTicket()
        self.pending.append(ticket)
        return ticket

    def dial_ended(self, ticket: DialTicket, connected: bool, seconds: float) -> None:
        """Note how a dial ended (did it need an agent, how long after its start); learn in start order."""
        ticket.connected, ticket.seconds = connected, seconds
        pending = self.pending
        while pending and pending[0].connected is not None:
            done = pending.popleft()
            self.connect_rate.add(1.0 if done.connected else 0.0)
            if done.connected:
                self.connect_time.add(done.seconds)

    def call_finished(self, seconds: float) -> None:
        """Learn how long an agent was busy with one call, pop to free."""
        self.handle_times.add(seconds)

    def answered_call(self, abandoned: bool) -> None:
        """One step of the abandon controller."""
        step = _GAIN * (self.target - (1.0 if abandoned else 0.0))
        self.log_gain = min(_LOG_GAIN_LIMIT, max(-_LOG_GAIN_LIMIT, self.log_gain + step))

    @property
    def horizon(self) -> float:
        """Seconds from starting a dial to its answer, on average."""
        return self.connect_time.value

    def expected_free(self, busy_for: Iterable[float]) -> float:
        """How many busy agents (given how long each has been busy) should be free within the horizon."""
        if not self.handle_times.ordered:
            return 0.0
        chance, horizon = self.handle_times.chance_done, self.horizon
        return sum(chance(seconds, horizon) for seconds in busy_for)

    def lines_wanted(self, free: int, soon: float, in_flight: int, cap: int) -> int:
        """How many dials to start now so that the lines out hold the abandon target.

        Args:
            free: agents free for the campaign now, less the answered calls already waiting.
            soon: busy agents expected to be free within the horizon (``expected_free``).
            in_flight: the campaign's unreserved dials out.
            cap: the most dials the campaign may have out.
        """
        agents = max(0, free) + soon
        if agents <= 0 or in_flight >= cap:
            return 0
        target = self.target * math.exp(self.log_gain)
        low = max(in_flight, min(cap, free))
        high = cap
        while low < high:
            middle = (low + high + 1) // 2
            if _overflow_ratio(middle, max(_LOWEST_RATE, self.connect_rate.value), agents) <= target:
                low = middle
            else:
                high = middle - 1
        return low - in_flight


def _overflow_ratio(lines: int, p: float, agents: float) -> float:
    """Expected connects beyond ``agents`` over expected connects, for ``lines`` dials of rate ``p``."""
    mean = lines * p
    if mean <= 0:
        return 0.0
    seats = math.floor(agents) + 0.5
    sigma = math.sqrt(lines * p * (1.0 - p))
    if sigma == 0:
        return max(0.0, mean - seats) / mean
    z = (seats - mean) / sigma
    tail = 0.5 * math.erfc(z / _SQRT2)
    overflow = sigma * _INV_SQRT2PI * math.exp(-z * z / 2) + (mean - seats) * tail
    return max(0.0, overflow) / mean
