"""What one run produced, gathered in one place: the input of thresholds, the summary and every report."""

from __future__ import annotations

from dataclasses import dataclass, field

from botagent.report._harness import HarnessHealth

__all__ = [
    "PHASES",
    "AgentMoment",
    "CallTotals",
    "CampaignStats",
    "EndpointStats",
    "PhaseStats",
    "Reconciliation",
    "RuleViolationRecord",
    "RunResult",
    "StateSample",
    "StepErrorRecord",
    "SwitchoverOutcome",
    "ThresholdResult",
    "TimelinePoint",
]

_PERCENTILES = ("p50", "p90", "p95", "p99")


@dataclass(frozen=True, slots=True, kw_only=True)
class EndpointStats:
    """Latency and outcome of one row: an ICWS endpoint (``ICWS``) or a Dialer KPI (``DIALER``).

    ``count`` is every request of the row, failed ones included (as Locust counts); ``failures`` is the
    failed subset, and ``failure_causes`` counts them by cause (``HTTP 401``, ``no response``). Times
    are milliseconds; percentiles are None when the row has no sample.

    A percentile given above ``max`` is lowered to ``max`` when the row is made: a histogram rounds
    percentiles to its buckets (507 ms becomes 510 in Locust's), but no percentile can exceed the
    largest sample. Every report and threshold reads the rows, so they all show the same, possible,
    numbers.
    """

    request_type: str
    name: str
    count: int
    failures: int
    p50: float | None
    p90: float | None
    p95: float | None
    p99: float | None
    max: float | None
    mean: float | None
    rps: float
    failure_causes: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.max is None:
            return
        for name in _PERCENTILES:
            value = getattr(self, name)
            if value is not None and value > self.max:
                object.__setattr__(self, name, self.max)

    @property
    def error_ratio(self) -> float:
        return self.failures / self.count if self.count else 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class StepErrorRecord:
    """An agent step that failed (R11): who, which step, and what the server said."""

    at: float
    agent: str
    step: str
    status: int | None
    error_id: str | None
    message: str
    campaign: str | None = None
    """The campaign the step was for (its name, else its id), if any."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleViolationRecord:
    """The server broke a Dialer rule of the reference (e.g. R18)."""

    at: float
    agent: str
    rule: str
    detail: str


@dataclass(frozen=True, slots=True, kw_only=True)
class StateSample:
    """How many agents were in each report bucket at one moment (seconds since the run started)."""

    elapsed: float
    counts: dict[str, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class CallTotals:
    """Calls as the bots saw them."""

    popped: int
    dispositioned: int
    rescheduled: int
    agents: int
    acd_handled: int = 0
    """Inbound ACD interactions blended agents picked up and saw end (R33); not counted as calls."""

    @property
    def per_agent(self) -> float:
        return self.dispositioned / self.agents if self.agents else 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Reconciliation:
    """The bots' call records against the mock's ledger (ground truth).

    ``lost``: popped to an agent but never dispositioned; ``duplicated``: dispositioned more than once;
    ``mismatched``: the ledger's label or callback differs from what the bot sent; ``orphaned``: held
    by an agent whose session the server dropped (a session-loss fault or a restart), so no agent
    could disposition it. Orphaned calls are accounted for and do not break reconciliation.
    ``left_connected``: dispositioned, yet its interaction was still connected after the disposition
    (nobody disconnected it; official disposition page: "Dialer does not actually disconnect the call").

    Inbound ACD interactions of blended agents (R33), from the ledger's ``acd`` list: ``acd_alerted``
    alerted one of the run's agents, ``acd_handled`` were picked up and ended by the agent or the caller,
    ``bot_acd_handled`` the bots saw end; ``acd_left_connected`` are still connected when the run ends
    and ``acd_lost`` were picked up and left behind (ended only because their agent closed its session);
    ``acd_orphaned`` ended because the server lost their agent's session (a fault, a switchover), which
    like an orphaned call does not break reconciliation.
    """

    ledger_popped: int
    ledger_dispositioned: int
    bot_dispositioned: int
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)
    left_connected: list[str] = field(default_factory=list)
    acd_alerted: int = 0
    acd_handled: int = 0
    bot_acd_handled: int = 0
    acd_left_connected: list[str] = field(default_factory=list)
    acd_lost: list[str] = field(default_factory=list)
    acd_orphaned: int = 0

    @property
    def reconciles(self) -> bool:
        dialer = self.lost or self.duplicated or self.mismatched or self.left_connected
        return not (dialer or self.acd_left_connected or self.acd_lost)


@dataclass(frozen=True, slots=True, kw_only=True)
class ThresholdResult:
    """One threshold checked: ``name`` reads like ``POST /dialer/disposition p95 <= 500 ms``."""

    name: str
    observed: float | None
    limit: float
    passed: bool
    detail: str = ""
    campaign: str | None = None
    """The campaign a per-campaign check is about (as the profile names it); its ``detail`` then starts
    with "campaign <name>:" when it fails, fit for the result line."""
    builtin: bool = False
    """A built-in check, which every run gets whatever its profile; when it fails, ``detail`` says why
    in words fit for the result line ("no agent logged in to Dialer: ...")."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CampaignStats:
    """One campaign as the bots saw it, in pops and log-ins (not from the server's own figures).

    ``log_ins`` counts the times a bot got into it (its own log-in, or Dialer's); ``popped`` every call
    popped to a bot; ``placed`` the previews the bots placed, ``skipped``
    those they skipped ("Skipped - Agent Skip"); ``dispositioned`` and ``rescheduled`` as in
    `CallTotals`. ``kpis`` holds its ``wait-for-pop`` and ``preview-connect`` rows (whole run);
    ``login_refusals`` counts refused campaign log-ins by cause (the ``logonError`` name, such as
    ``CampaignStopping``); ``step_errors`` the failed steps attributed to it (its log-ins, and steps on
    its calls).
    """

    id: str
    name: str
    log_ins: int = 0
    popped: int = 0
    placed: int = 0
    dispositioned: int = 0
    rescheduled: int = 0
    skipped: int = 0
    labels: dict[str, int] = field(default_factory=dict)
    kpis: list[EndpointStats] = field(default_factory=list)
    login_refusals: dict[str, int] = field(default_factory=dict)
    step_errors: int = 0

    @property
    def title(self) -> str:
        """The campaign's name, or its id when no bot learnt the name."""
        return self.name or self.id

    @property
    def undispositioned(self) -> int:
        """Calls popped that were not dispositioned."""
        return self.popped - self.dispositioned

    @property
    def error_ratio(self) -> float:
        """Calls popped but not dispositioned, over calls popped (0 without calls)."""
        return self.undispositioned / self.popped if self.popped else 0.0

    @property
    def refused(self) -> int:
        """Refused campaign log-ins, every cause together."""
        return sum(self.login_refusals.values())

    def kpi(self, name: str) -> EndpointStats | None:
        """The row of KPI ``name``, None when it has no sample."""
        return next((row for row in self.kpis if row.name == name), None)

    def matches(self, key: str) -> bool:
        """True when ``key`` (a threshold's key) is this campaign's name or id, as Dialer spells them
        (the agents choose campaigns the same way)."""
        return key in (self.name, self.id)


PHASES = ("ramp-up", "steady", "stop")
"""The phases of a run, in order: agents starting, all agents running, agents stopping (log-off burst)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PhaseStats:
    """The endpoints and KPIs of one phase of the run (`PHASES`), from botagent's own response times.

    ``started`` and ``ended`` are seconds since the run started; ``ended`` is None while it goes on.
    """

    phase: str
    started: float
    ended: float | None
    endpoints: list[EndpointStats] = field(default_factory=list)
    kpis: list[EndpointStats] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class TimelinePoint:
    """What happened in one interval of the run, for the charts over time.

    ``elapsed`` is the interval's start in seconds since the run started, ``seconds`` its length.
    ``latency`` maps each ICWS endpoint with samples in the interval to its (p50, p95) in milliseconds.
    """

    elapsed: float
    seconds: float
    requests: int
    failures: int
    calls: int
    """Calls dispositioned in the interval."""
    latency: dict[str, tuple[float, float]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class AgentMoment:
    """An agent and an epoch second: when it lost its session, or when it was working again."""

    agent: str
    at: float


@dataclass(frozen=True, slots=True, kw_only=True)
class SwitchoverOutcome:
    """One switchover of a switchover pair, seen from the agents.

    ``at``: seconds since the run started; ``agents_lost``: agents whose session it ended;
    ``agents_back``: those of them working again; ``recovered_after``: seconds from the switchover until
    the last of them was working again, None when some never were; ``step_errors``: step errors it
    caused, which the run's own step errors leave out.
    """

    at: float
    agents_lost: int
    agents_back: int
    recovered_after: float | None
    step_errors: int


@dataclass(slots=True, kw_only=True)
class RunResult:
    """Everything one run produced; filled by the Locust glue, read by thresholds and reports."""

    profile_name: str
    target: str
    started_at: float
    duration: float
    users: int
    endpoints: list[EndpointStats] = field(default_factory=list)
    kpis: list[EndpointStats] = field(default_factory=list)
    step_errors: list[StepErrorRecord] = field(default_factory=list)
    step_errors_total: int | None = None
    """How many steps failed in all; `step_errors` may hold only the first of them."""
    rule_violations: list[RuleViolationRecord] = field(default_factory=list)
    calls: CallTotals = field(
        default_factory=lambda: CallTotals(popped=0, dispositioned=0, rescheduled=0, agents=0)
    )
    reconciliation: Reconciliation | None = None
    ledger_expected: bool = False
    """The target is the mock, so a missing reconciliation means its ledger could not be read."""
    states: list[StateSample] = field(default_factory=list)
    thresholds: list[ThresholdResult] = field(default_factory=list)
    aborted: str | None = None
    interrupted: bool = False
    """The run was stopped by Ctrl-C or SIGTERM; ``aborted`` says so too."""
    phases: list[PhaseStats] = field(default_factory=list)
    """Each phase that took place, in order; ``endpoints``/``kpis`` above are the whole run."""
    judged_phase: str | None = None
    """The phase the thresholds judged ("steady" by default), or None for the whole run."""
    timeline: list[TimelinePoint] = field(default_factory=list)
    harness: HarnessHealth = field(default_factory=HarnessHealth)
    """The harness's own timer lag and GC pauses over the run (empty when nothing measured them)."""
    campaigns: list[CampaignStats] = field(default_factory=list)
    """Each campaign seen in a pop or a log-in, by name."""
    switchovers: list[SwitchoverOutcome] = field(default_factory=list)
    """Each switchover of the pair during the run (mock runs with ``mock.switchover_at``)."""

    @property
    def total_requests(self) -> int:
        return sum(e.count for e in self.endpoints)

    @property
    def total_failures(self) -> int:
        return sum(e.failures for e in self.endpoints)

    @property
    def passed(self) -> bool:
        return self.aborted is None and all(t.passed for t in self.thresholds)
