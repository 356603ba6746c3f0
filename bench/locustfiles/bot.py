"""botagent's Dialer agents (as ``botagent run`` runs them) plus the benchmarks' own probes.

The user class is the packaged one; the probes only watch. Each is switched on by an environment
variable naming the JSON file it writes:

- ``BENCH_IDLE_RESULT`` (with ``BENCH_IDLE_AGENTS`` = N): once N agents wait for a pop with their
  event stream open, measure this process's idle CPU over ``BENCH_IDLE_WINDOW`` seconds, then timer
  lag (how late a sleeping greenlet wakes, from 20 probe greenlets) over the same time, and RSS;
  write the result. The parent kills the process afterwards.
- ``BENCH_TIMINGS_RESULT``: every successful request's start (epoch seconds) and exact response time
  per endpoint (Locust's own percentiles are rounded to whole milliseconds), written when Locust quits.
- ``BENCH_LAG_RESULT``: how late the agents' own timers fire (the driver's deadline vs the moment
  it hands the ``TimerFired`` to the agent), written when Locust quits.
- ``BENCH_GC_RESULT``: each garbage collection's generation, pause (ms) and end (epoch seconds), written
  when Locust quits.
- ``BENCH_GARBAGE_RESULT``: the calls dispositioned and the unreachable objects one full collection
  finds when the test starts stopping (cyclic garbage the young generations missed), written when
  Locust quits.
- ``BENCH_GC_FREEZE``: ``gc.freeze()`` once spawning is complete (to measure what it saves).
- ``BENCH_BLOCKS_RESULT``: every stretch in which one greenlet kept the event loop for at least
  ``BLOCK_MS`` of CPU (its end in epoch seconds; its wall time, CPU time and garbage collections in
  it, in ms; the function the greenlet runs), written when Locust quits: what made the agents wait.
"""

from __future__ import annotations

import gc
import json
import os
import random
import re
import time
from array import array
from collections import defaultdict
from pathlib import Path
from typing import Any

import gevent
import greenlet
from locust import events

from botagent.agent import AgentState, TimerFired
from botagent.locust import IcwsAgentUser, dialer_run_of
from botagent.locust._driver import AgentDriver

_KEEP = 300_000


class DialerAgent(IcwsAgentUser):
    """An agent of the profile's campaigns."""


def _rss_kib() -> int:
    match = re.search(r"^VmRSS:\s+(\d+)", Path("/proc/self/status").read_text(), re.MULTILINE)
    return int(match.group(1)) if match else 0


def _cpu() -> float:
    times = os.times()
    return times.user + times.system


def _write(path: str, body: dict[str, Any]) -> None:
    Path(path + ".tmp").write_text(json.dumps(body))
    os.replace(path + ".tmp", path)


# --- idle agents -------------------------------------------------------------------------------------


def _waiting(environment: Any) -> int:
    run = dialer_run_of(environment)
    if run is None:
        return 0
    return sum(1 for driver in list(run.drivers) if driver.agent.state is AgentState.WAITING_FOR_POP)


def _streams_open(environment: Any) -> int:
    entry = environment.stats.entries.get(("GET /messaging/messages (sse)", "ICWS"))
    return 0 if entry is None else entry.num_requests - entry.num_failures


def _probe_lag(lags: list[float], until: float) -> None:
    rng = random.Random()
    while time.monotonic() < until:
        delay = rng.uniform(0.05, 0.25)
        start = time.perf_counter()
        gevent.sleep(delay)
        lags.append((time.perf_counter() - start - delay) * 1000.0)


def _idle_monitor(environment: Any, agents: int, window: float, out: str, base_rss: int) -> None:
    started = time.monotonic()
    while _waiting(environment) < agents or _streams_open(environment) < agents:
        gevent.sleep(0.5)
        if time.monotonic() - started > 3600:
            return
    ready_s = time.monotonic() - started
    gevent.sleep(2.0)
    wall, cpu = time.monotonic(), _cpu()
    gevent.sleep(window)
    idle_wall, idle_cpu = time.monotonic() - wall, _cpu() - cpu
    lags: list[float] = []
    probes = [gevent.spawn(_probe_lag, lags, time.monotonic() + window) for _ in range(20)]
    gevent.joinall(probes, timeout=window + 5)
    rss = _rss_kib()
    stats = environment.stats.total
    _write(
        out,
        {
            "agents": agents,
            "waiting": _waiting(environment),
            "streams_open": _streams_open(environment),
            "ready_seconds": ready_s,
            "idle_seconds": idle_wall,
            "idle_cpu_seconds": idle_cpu,
            "rss_base_kib": base_rss,
            "rss_kib": rss,
            "lags_ms": lags,
            "requests": stats.num_requests,
            "failures": stats.num_failures,
            "step_errors": dialer_run_of(environment).recorder.step_error_total,  # type: ignore[union-attr]
        },
    )


@events.test_start.add_listener
def _on_test_start(environment: Any, **_: Any) -> None:
    out = os.environ.get("BENCH_IDLE_RESULT")
    if out:
        agents = int(os.environ["BENCH_IDLE_AGENTS"])
        window = float(os.environ.get("BENCH_IDLE_WINDOW", "10"))
        gevent.spawn(_idle_monitor, environment, agents, window, out, _rss_kib())


# --- exact response times ----------------------------------------------------------------------------

# Flat arrays of doubles: no object per sample for the garbage collector to scan (which would lengthen
# the very pauses being measured).
_started: defaultdict[str, array[float]] = defaultdict(lambda: array("d"))
_times: defaultdict[str, array[float]] = defaultdict(lambda: array("d"))


def _on_request(request_type: str, name: str, response_time: float, exception: Any, **_: Any) -> None:
    if exception is None and request_type == "ICWS" and len(_times[name]) < _KEEP:
        _started[name].append(time.time() - response_time / 1000.0)
        _times[name].append(response_time)


if os.environ.get("BENCH_TIMINGS_RESULT"):
    events.request.add_listener(_on_request)


# --- agents' timer lag -----------------------------------------------------------------------------------

_timer_lags: array[float] = array("d")
_timer_lag_at: array[float] = array("d")


def _watch_timers() -> None:
    next_event = AgentDriver._next_event

    def timed_next_event(self: AgentDriver) -> Any:
        deadlines = dict(self._timers)
        event = next_event(self)
        if isinstance(event, TimerFired) and event.timer in deadlines and len(_timer_lags) < _KEEP:
            _timer_lags.append((self._clock() - deadlines[event.timer]) * 1000.0)
            _timer_lag_at.append(time.time())
        return event

    AgentDriver._next_event = timed_next_event  # type: ignore[method-assign]


if os.environ.get("BENCH_LAG_RESULT"):
    _watch_timers()


# --- garbage-collector pauses ------------------------------------------------------------------------

_gc_pauses: list[tuple[int, float, float]] = []
_gc_started = [0.0]


def _on_gc(phase: str, info: dict[str, int]) -> None:
    if phase == "start":
        _gc_started[0] = time.perf_counter()
    elif len(_gc_pauses) < _KEEP:
        _gc_pauses.append((info["generation"], (time.perf_counter() - _gc_started[0]) * 1000.0, time.time()))


_garbage: dict[str, int] = {}


@events.test_stopping.add_listener
def _count_garbage(environment: Any, **_: Any) -> None:
    """Before the agents log off: the cyclic garbage a full collection finds now is what the run left
    past the young generations since test_start (none held on, when the calls make none)."""
    if os.environ.get("BENCH_GARBAGE_RESULT"):
        run = dialer_run_of(environment)
        _garbage["calls"] = 0 if run is None else run.recorder.reconciliation.bot_dispositioned
        _garbage["unreachable"] = gc.collect()


if os.environ.get("BENCH_GC_RESULT"):
    gc.callbacks.append(_on_gc)
if os.environ.get("BENCH_GC_FREEZE"):

    @events.spawning_complete.add_listener
    def _freeze(**_: Any) -> None:
        gc.collect()
        gc.freeze()  # what exists once every agent is up is never scanned again


# --- greenlets that keep the event loop --------------------------------------------------------------

BLOCK_MS = 2.0
_blocks: list[tuple[float, float, float, float, str]] = []
_ran_since = [0.0, 0.0]
_gc_in_stretch = [0.0, 0.0]


def _label(running: Any) -> str:
    run = getattr(running, "_run", None) or getattr(running, "run", None)
    target = getattr(run, "__func__", run)
    return str(getattr(target, "__qualname__", None) or type(running).__name__)


def _on_switch(event: str, args: tuple[Any, Any]) -> None:
    """Greenlet switch hook: how long (wall and CPU) the greenlet switching away kept the loop."""
    now, cpu = time.perf_counter(), time.thread_time()
    if event in ("switch", "throw") and args[0] is not _hub[0] and len(_blocks) < _KEEP:
        cpu_ms = (cpu - _ran_since[1]) * 1000.0
        if cpu_ms >= BLOCK_MS:
            wall_ms = (now - _ran_since[0]) * 1000.0
            _blocks.append((time.time(), wall_ms, cpu_ms, _gc_in_stretch[1], _label(args[0])))
    _ran_since[0], _ran_since[1] = now, cpu
    _gc_in_stretch[1] = 0.0


def _on_gc_in_stretch(phase: str, info: dict[str, int]) -> None:
    if phase == "start":
        _gc_in_stretch[0] = time.perf_counter()
    else:
        _gc_in_stretch[1] += (time.perf_counter() - _gc_in_stretch[0]) * 1000.0


_hub: list[Any] = [None]

if os.environ.get("BENCH_BLOCKS_RESULT"):
    _hub[0] = gevent.get_hub()
    gc.callbacks.append(_on_gc_in_stretch)
    greenlet.settrace(_on_switch)


@events.quitting.add_listener
def _on_quitting(environment: Any, **_: Any) -> None:
    if os.environ.get("BENCH_GC_RESULT"):
        _write(os.environ["BENCH_GC_RESULT"], {"pauses": _gc_pauses})
    if os.environ.get("BENCH_TIMINGS_RESULT"):
        times = {name: list(zip(_started[name], kept, strict=True)) for name, kept in _times.items()}
        _write(os.environ["BENCH_TIMINGS_RESULT"], {"times_ms": times})
    if os.environ.get("BENCH_BLOCKS_RESULT"):
        _write(os.environ["BENCH_BLOCKS_RESULT"], {"blocks": _blocks})
    if os.environ.get("BENCH_GARBAGE_RESULT"):
        _write(os.environ["BENCH_GARBAGE_RESULT"], _garbage)
    if os.environ.get("BENCH_LAG_RESULT"):
        _write(os.environ["BENCH_LAG_RESULT"], {"lags_ms": list(_timer_lags), "at": list(_timer_lag_at)})
