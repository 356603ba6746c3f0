"""How far a run's latency tail can be trusted: the harness's own event-loop lag and GC pauses.

A response time is taken by a greenlet of the Locust process that sent the request. When that
process's event loop is busy, or the garbage collector stops it, the greenlet wakes late; a response
time that ends when the greenlet reads the answer then holds the delay, though the server had answered.
One that ends at the answer's arrival in the kernel (plain HTTP on Linux: see
``botagent/icws/_arrival.py``) does not, but the agents still act late: requests go out later than
planned. `HarnessHealth` holds what the harness measured about itself (``botagent/locust/_health.py``):
how late a probe greenlet woke, every collection's pause by generation, and how many response times
ended at the answer's arrival. It merges across workers like the latency rows, and `tail_warning` says
when a reader should not ignore the harness's own delays.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from botagent.report._latency import LatencyHistogram

__all__ = ["ARRIVAL_STAMPED_ENOUGH", "GC_PAUSE_WARN_MS", "TIMER_LAG_WARN_MS", "HarnessHealth"]

TIMER_LAG_WARN_MS: Final = 5.0
"""A timer-lag p99 above this many milliseconds makes the run's p99 latencies doubtful."""
GC_PAUSE_WARN_MS: Final = 20.0
"""A garbage-collection pause longer than this shows in the run's slowest requests."""
ARRIVAL_STAMPED_ENOUGH: Final = 0.99
"""The share of response times ending at the answer's arrival past which the harness's delays are
taken to be out of them."""


@dataclass(slots=True)
class HarnessHealth:
    """The harness's own delays: probe timer lag, and GC pauses by generation (milliseconds); and how
    many response times were taken, ``arrival_stamped`` of them ending at the answer's arrival."""

    timer_lag: LatencyHistogram = field(default_factory=LatencyHistogram)
    gc_pauses: dict[int, LatencyHistogram] = field(default_factory=dict)
    response_times: int = 0
    arrival_stamped: int = 0

    def lag(self, milliseconds: float) -> None:
        """Count one probe's lag: how much later than asked it woke."""
        self.timer_lag.add(milliseconds)

    def gc_pause(self, generation: int, milliseconds: float) -> None:
        """Count one garbage collection of ``generation`` that stopped the process this long."""
        self.gc_pauses.setdefault(generation, LatencyHistogram()).add(milliseconds)

    def response_time(self, arrival_stamped: bool) -> None:
        """Count one response time taken; ``arrival_stamped``: it ends at the answer's arrival."""
        self.response_times += 1
        self.arrival_stamped += int(arrival_stamped)

    def merge(self, other: HarnessHealth) -> None:
        """Add another process's (or another interval's) readings."""
        self.timer_lag.merge(other.timer_lag)
        self.response_times += other.response_times
        self.arrival_stamped += other.arrival_stamped
        for generation, pauses in other.gc_pauses.items():
            self.gc_pauses.setdefault(generation, LatencyHistogram()).merge(pauses)

    @property
    def empty(self) -> bool:
        """True when nothing was measured (a master, or a run too short for one probe)."""
        return not self.timer_lag.count and not self.gc_pauses

    @property
    def arrival_stamped_share(self) -> float | None:
        """The share of response times that end at the answer's arrival; None when none were taken."""
        return self.arrival_stamped / self.response_times if self.response_times else None

    @property
    def longest_gc_pause(self) -> float | None:
        """The longest collection pause of any generation, None without collections."""
        pauses = [h.maximum for h in self.gc_pauses.values() if h.count]
        return max(pauses) if pauses else None

    def tail_warning(self) -> str | None:
        """Why the run's latency tail includes the harness's own delays, or None when it does not."""
        causes: list[str] = []
        lag_p99 = self.timer_lag.percentile(0.99)
        if lag_p99 is not None and lag_p99 > TIMER_LAG_WARN_MS:
            causes.append(
                f"its event loop woke {lag_p99:.1f} ms late at p99 (limit {TIMER_LAG_WARN_MS:g} ms)"
            )
        longest = self.longest_gc_pause
        if longest is not None and longest > GC_PAUSE_WARN_MS:
            causes.append(
                f"a garbage collection stopped it for {longest:.1f} ms (limit {GC_PAUSE_WARN_MS:g} ms)"
            )
        if not causes:
            return None
        share = self.arrival_stamped_share
        if share is not None and share >= ARRIVAL_STAMPED_ENOUGH:
            return (
                "the agents acted late (response times end at each answer's arrival and hold none of it): "
                + "; ".join(causes)
            )
        return "latency tails include the harness's own delay: " + "; ".join(causes)

    def to_wire(self) -> dict[str, Any]:
        """Plain types only, for Locust's worker reports."""
        return {
            "timer_lag": self.timer_lag.to_wire(),
            "gc_pauses": {str(g): h.to_wire() for g, h in self.gc_pauses.items()},
            "response_times": self.response_times,
            "arrival_stamped": self.arrival_stamped,
        }

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> HarnessHealth:
        """The readings `to_wire` described."""
        return cls(
            timer_lag=LatencyHistogram.from_wire(data["timer_lag"]),
            gc_pauses={int(g): LatencyHistogram.from_wire(h) for g, h in data["gc_pauses"].items()},
            response_times=int(data.get("response_times", 0)),
            arrival_stamped=int(data.get("arrival_stamped", 0)),
        )

    def summary(self) -> dict[str, Any]:
        """The readings for ``summary.json``: timer lag percentiles, GC pauses per generation, response
        times by where they end, warning."""
        lag = self.timer_lag
        return {
            "timer_lag": {
                "count": lag.count,
                "p50": lag.percentile(0.5),
                "p99": lag.percentile(0.99),
                "max": lag.maximum if lag.count else None,
            },
            "gc_pauses": [
                {
                    "generation": generation,
                    "count": pauses.count,
                    "total": round(pauses.total, 3),
                    "p99": pauses.percentile(0.99),
                    "max": pauses.maximum if pauses.count else None,
                }
                for generation, pauses in sorted(self.gc_pauses.items())
            ],
            "response_times_end": {
                "arrival": self.arrival_stamped,
                "read": self.response_times - self.arrival_stamped,
            },
            "tail_warning": self.tail_warning(),
        }
