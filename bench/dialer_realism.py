"""Dialer realism: does the mock's simulated Dialer pace like one? Pops per agent-hour, utilisation and
abandon rate per dialing mode and team size, in virtual time.

No HTTP and no sleeping: the script drives the mock's pure engine (``DialerEngine``) on a virtual
clock, with simulated agents that take each call, talk, wrap up, disposition and set themselves
Available again, their times drawn from a seeded RNG. Each mode (predictive, power, preview) runs on
its own with 1, 10, 50 and 200 agents (smoke: 1, 10, 50) for two virtual hours (quick: 30 minutes,
smoke: 5 minutes). The figures are the mock's own campaign metrics (``GET /mock/ledger``'s
``campaigns`` section), taken after a warm-up of a sixth of the run so that the predictive model's
learning is not averaged in.

The calls are those of a consumer list: 30% answered by a person, 45% no answer (the line rings 25 s),
12% busy, 8% answering machine (detected and hung up), 2% fax and 3% SIT; answered calls ring a
log-normal 8 s (p95 20 s) and machine detection listens 1.5 s more. Agents talk a log-normal 45 s
(p95 120 s) and wrap up a normal 10 s (sd 3 s); preview agents read a preview 5 s before placing it,
and only wrap up when nobody answers it (the mock tells them with the second pop, ``callPlaced``).

Goals, at 50 agents: predictive holds its abandon-rate target (3%) within one point, and gives at
least 1.5 times the pops per agent-hour of power; power never abandons a call (at any size).

    python bench/dialer_realism.py [--quick | --smoke] [--out DIR]
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import _common as common

from botagent.mock import DialerEngine, ServerSession, scenario_from_dict
from botagent.wire import (
    DispositionRequest,
    LicenseRequest,
    LogInRequest,
    PlacePreviewCallRequest,
    ReadyForCallsRequest,
    UserStatusUpdate,
)

NAME = "dialer_realism"
SIZES: dict[str, dict[str, Any]] = {
    "smoke": {"agents": (1, 10, 50), "minutes": 5},
    "quick": {"agents": (1, 10, 50, 200), "minutes": 30},
    "full": {"agents": (1, 10, 50, 200), "minutes": 120},
}
MODES = ("predictive", "power", "preview")
START = 1_800_000_000.0
SEED = 11
MAX_STEPS = 20_000_000
"""Upper bound on the simulation's loop, far above what the largest run needs."""
ABANDON_TARGET = 0.03
GOAL_AGENTS = 50
CALLS: dict[str, Any] = {
    "dial_delay": {"kind": "uniform", "low": 0.5, "high": 1.5},
    "ring_delay": {"kind": "lognormal", "median": 8, "p95": 20},
    "outcomes": {
        "answered": 0.30,
        "no_answer": 0.45,
        "busy": 0.12,
        "machine": 0.08,
        "fax": 0.02,
        "sit": 0.03,
    },
    "outcome_delays": {
        "no_answer": 25,
        "busy": {"kind": "uniform", "low": 2, "high": 5},
        "machine": {"kind": "lognormal", "median": 6, "p95": 15},
        "fax": {"kind": "uniform", "low": 3, "high": 6},
        "sit": {"kind": "uniform", "low": 1, "high": 3},
    },
    "machine_detection": True,
    "machine_detection_delay": 1.5,
    "abandon_target": ABANDON_TARGET,
    "preview_timeout": None,
}
TALK = (math.log(45.0), math.log(120.0 / 45.0) / 1.6448536)
WRAP = (10.0, 3.0)
PREVIEW_THINK = 5.0

LICENCES = ["I3_ACCESS_CLIENT", "I3_ACCESS_DIALER_ADDON"]
"""What each simulated agent acquires before its Dialer log-in, as botagent's agents do."""


@dataclass
class SimAgent:
    """One simulated agent: its session and what it does next."""

    session: ServerSession
    user: str


@dataclass
class Simulation:
    """One mode and team size on a virtual clock."""

    mode: str
    agents: int
    seconds: float
    engine: DialerEngine = field(init=False)
    now: float = START
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    team: dict[str, SimAgent] = field(default_factory=dict)
    todo: list[tuple[float, int, str, SimAgent]] = field(default_factory=list)
    seq: itertools.count[int] = field(default_factory=itertools.count)

    def __post_init__(self) -> None:
        campaign = {"name": self.mode.title(), "mode": self.mode, **CALLS}
        scenario = scenario_from_dict(
            {
                "seed": SEED,
                "session_idle_expiry": 604_800,
                "campaigns": [campaign],
                "users": [{"pattern": "sim{n:04d}", "range": [1, self.agents]}],
            }
        )
        self.engine = DialerEngine(scenario, secrets=random.Random(SEED))

    def run(self) -> dict[str, Any]:
        """Log the team in, run until the end, and return the campaign metrics after the warm-up."""
        for n in range(1, self.agents + 1):
            self._log_in(f"sim{n:04d}")
        warm_up = self.now + self.seconds / 6
        self._run_until(warm_up)
        before = self._metrics()
        self._run_until(START + self.seconds)
        return _window(before, self._metrics())

    def _log_in(self, user: str) -> None:
        engine, now = self.engine, self.now
        session = engine.create_session(user, "botagent", now)
        engine.stream_opened(session)
        engine.acquire_licenses(session, LicenseRequest(license_list=LICENCES), now)
        engine.dialer_log_in(session, LogInRequest(), now)
        engine.ready_for_calls(session, ReadyForCallsRequest(), now)
        engine.set_user_status(session, user, UserStatusUpdate(status_id="Available"), now)
        self.team[session.session_id] = SimAgent(session, user)

    def _run_until(self, end: float) -> None:
        for _ in range(MAX_STEPS):
            deadline = self.engine.next_deadline()
            upcoming = [t for t in (deadline, self.todo[0][0] if self.todo else None) if t is not None]
            if not upcoming or min(upcoming) > end:
                break
            self.now = min(upcoming)
            self.engine.advance(self.now)
            self._deliver()
            while self.todo and self.todo[0][0] <= self.now:
                _, _, action, agent = heapq.heappop(self.todo)
                self._act(action, agent)
                self._deliver()
        self.now = end
        self.engine.advance(end)
        self._deliver()

    def _deliver(self) -> None:
        for session_id in sorted(self.engine.take_woken()):
            agent = self.team.get(session_id)
            if agent is None:
                continue
            for message in self.engine.drain(agent.session):
                if message["__type"].endswith("dataPopMessage"):
                    self._popped(agent, message["call"])

    def _popped(self, agent: SimAgent, call: dict[str, Any]) -> None:
        if not call["__type"].endswith("previewPop"):
            self._later(self._talk() + self._wrap(), "finish", agent)
        elif not call["callPlaced"]:
            self._later(PREVIEW_THINK, "place", agent)
        else:
            # The agent hears who answered the preview call it placed; the mock keeps that on the call.
            held = agent.session.agent.call
            connected = held is not None and held.record.state == "connected"
            self._later((self._talk() if connected else 0.0) + self._wrap(), "finish", agent)

    def _talk(self) -> float:
        return self.rng.lognormvariate(*TALK)

    def _wrap(self) -> float:
        return max(1.0, self.rng.gauss(*WRAP))

    def _later(self, seconds: float, action: str, agent: SimAgent) -> None:
        heapq.heappush(self.todo, (self.now + seconds, next(self.seq), action, agent))

    def _act(self, action: str, agent: SimAgent) -> None:
        engine, session, now = self.engine, agent.session, self.now
        if action == "place":
            engine.place_preview_call(session, PlacePreviewCallRequest(), now)
            return
        label = "Sale" if self.rng.random() < 0.2 else "No Sale"
        engine.disposition(session, DispositionRequest(label=label), now)
        engine.set_user_status(session, agent.user, UserStatusUpdate(status_id="Available"), now)

    def _metrics(self) -> dict[str, Any]:
        campaigns: dict[str, Any] = self.engine.ledger()["campaigns"]
        return dict(campaigns.get(self.mode.title(), {}))


COUNTED = ("dialed", "connected", "abandoned", "popped")


def _window(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The campaign's figures between two snapshots of its metrics."""
    counts = {key: after.get(key, 0) - before.get(key, 0) for key in COUNTED}
    hours = after.get("agentHours", 0.0) - before.get("agentHours", 0.0)
    busy = after.get("utilisation", 0.0) * after.get("agentHours", 0.0)
    busy -= before.get("utilisation", 0.0) * before.get("agentHours", 0.0)
    answered = counts["connected"] + counts["abandoned"]
    return {
        **counts,
        "agent_hours": round(hours, 3),
        "pops_per_agent_hour": round(counts["popped"] / hours, 2) if hours > 0 else 0.0,
        "connects_per_agent_hour": round(counts["connected"] / hours, 2) if hours > 0 else 0.0,
        "utilisation": round(busy / hours, 4) if hours > 0 else 0.0,
        "abandon_rate": round(counts["abandoned"] / answered, 4) if answered else 0.0,
        "dials_per_pop": round(counts["dialed"] / counts["popped"], 2) if counts["popped"] else None,
    }


def run_all(size: dict[str, Any]) -> list[dict[str, Any]]:
    """Every mode at every team size."""
    runs = []
    for mode in MODES:
        for agents in size["agents"]:
            started = time.perf_counter()
            figures = Simulation(mode, agents, size["minutes"] * 60.0).run()
            seconds = time.perf_counter() - started
            runs.append({"mode": mode, "agents": agents, **figures, "wall_seconds": round(seconds, 2)})
            print(f"  {mode:10} {agents:4} agents: {figures}", flush=True)
    return runs


def goals(runs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The three goals, each with its value, its goal and whether it is met (None: not measured)."""
    at = {(run["mode"], run["agents"]): run for run in runs}
    predictive, power = at.get(("predictive", GOAL_AGENTS)), at.get(("power", GOAL_AGENTS))
    result: dict[str, dict[str, Any]] = {}
    if predictive is not None:
        rate = predictive["abandon_rate"]
        met = abs(rate - ABANDON_TARGET) <= 0.01
        result["predictive_abandon_within_1pt"] = {"value": rate, "goal": ABANDON_TARGET, "met": met}
    if predictive is not None and power is not None and power["pops_per_agent_hour"] > 0:
        ratio = round(predictive["pops_per_agent_hour"] / power["pops_per_agent_hour"], 2)
        result["predictive_over_power_pops"] = {"value": ratio, "goal": 1.5, "met": ratio >= 1.5}
    abandoned = sum(run["abandoned"] for run in runs if run["mode"] == "power")
    result["power_never_abandons"] = {"value": abandoned, "goal": 0, "met": abandoned == 0}
    return result


def render(runs: list[dict[str, Any]], met: dict[str, dict[str, Any]]) -> str:
    """The results table, then the goals."""
    headers = [
        "mode",
        "agents",
        "pops/agent-h",
        "connects/agent-h",
        "utilisation",
        "abandon %",
        "dials/pop",
        "pops",
        "abandoned",
    ]
    rows = [
        [
            run["mode"],
            run["agents"],
            run["pops_per_agent_hour"],
            run["connects_per_agent_hour"],
            run["utilisation"],
            run["abandon_rate"] * 100,
            run["dials_per_pop"],
            run["popped"],
            run["abandoned"],
        ]
        for run in runs
    ]
    goal_rows = [[name, goal["value"], goal["goal"], _verdict(goal["met"])] for name, goal in met.items()]
    table = common.format_table(headers, rows)
    return table + "\n\n" + common.format_table(["goal", "value", "target", "verdict"], goal_rows)


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def main() -> int:
    args = common.bench_args(__doc__.split("\n", 1)[0])
    size = SIZES[args.mode]
    print(f"dialer realism ({args.mode}): {size['minutes']} virtual minutes per run", flush=True)
    runs = run_all(size)
    met = goals(runs)
    table = render(runs, met)
    print(table)
    data = {"minutes": size["minutes"], "runs": runs, "goals": met}
    print(f"results: {common.write_result(NAME, args, data, table)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
