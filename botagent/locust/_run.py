"""One run of Dialer agents in this process: profile, identities, recorder, live agents, and their parts.

`DialerRun` is made once per Locust environment, when Locust initialises; each `IcwsAgentUser` asks it
for an identity and, per shift, for a driver that joins a fresh agent machine to a fresh ICWS session.

Every ICWS request is timed once, by the session, and recorded twice from the one `RequestRecord`: into
botagent's own histograms (the recorder), which the summary, reports and thresholds read, and as a
Locust ``request`` event of type ``ICWS``, so Locust's rows, charts and reports show the same requests.
Dialer KPIs (wait-for-pop, ...) go to the recorder only: Locust's statistics count ICWS requests alone.
"""

from __future__ import annotations

import random
import time
import weakref
from collections import Counter
from collections.abc import Callable

from locust.env import Environment

from botagent.agent import (
    Agent,
    CallFinished,
    CampaignJoined,
    CampaignRef,
    RecordKpi,
    ReportStepError,
    ReportViolation,
    bucket_of,
)
from botagent.icws import GeventTransport, RequestRecord, RetryPolicy, Session
from botagent.locust._driver import AgentDriver
from botagent.locust._identities import IdentityLeaser
from botagent.locust._messages import message_reader
from botagent.locust._plan import build_plan
from botagent.locust._recorder import RunRecorder
from botagent.locust._samples import NO_RESPONSE
from botagent.locust._session_open import SessionOpenTimeout
from botagent.locust._worker_report import BotCall
from botagent.profile import Identity, Profile
from botagent.report import AgentMoment, RuleViolationRecord, StepErrorRecord

__all__ = ["KPI_REQUEST_TYPE", "REQUEST_TYPE", "DialerRun", "dialer_run_of", "failure_cause"]

REQUEST_TYPE = "ICWS"
"""The Locust request type of every ICWS call, and the type of the endpoint rows of botagent's reports."""
KPI_REQUEST_TYPE = "DIALER"
"""The type of the Dialer KPI rows (wait-for-pop, break-grant, ...) of botagent's reports; KPIs are not
Locust requests."""

_RUNS: weakref.WeakKeyDictionary[Environment, DialerRun] = weakref.WeakKeyDictionary()


def dialer_run_of(environment: Environment) -> DialerRun | None:
    """The run set up for this environment, or None when botagent was not initialised."""
    return _RUNS.get(environment)


class DialerRun:
    """The agents of this process and what they share.

    Args:
        environment: the Locust environment.
        profile: the validated profile.
        identities: every agent identity of the run, in the same order in every process.
    """

    def __init__(self, environment: Environment, profile: Profile, identities: list[Identity]) -> None:
        self.environment = environment
        self.profile = profile
        self.identities = identities
        self.leaser = IdentityLeaser(environment, len(identities))
        self.recorder = RunRecorder(environment, self.state_counts)
        self.drivers: set[AgentDriver] = set()
        self.alternate_hosts: tuple[str, ...] = ()
        """The servers the last connection response named (``alternateHostList``), tried by new
        sessions when the target does not answer."""
        self._lost_at: dict[str, float] = {}
        self._primary: tuple[str, float] | None = None
        """The primary host agents' switchover-status polls named last, and when."""
        _RUNS[environment] = self

    @property
    def target(self) -> str:
        """The ICWS base URL: Locust's host, which a worker receives from its master."""
        return self.environment.host or ""

    def state_counts(self) -> Counter[str]:
        """Agents of this process per report bucket (logging in, ready, on call, ...)."""
        return Counter(bucket_of(driver.agent.state) for driver in self.drivers)

    def stop_all(self, reason: str) -> None:
        """Ask every live agent of this process to log off and close its session."""
        for driver in list(self.drivers):
            driver.request_stop(reason)

    def new_driver(
        self, identity: Identity, shift: int, context: Callable[[], dict[str, str]]
    ) -> AgentDriver:
        """A fresh agent machine on a fresh ICWS session, for one shift of one identity.

        Args:
            identity: the CIC user the agent logs in as.
            shift: how many shifts this user ran before; seeds the agent's draws with the profile seed.
            context: the Locust user's request context, attached to every request event.
        """
        profile = self.profile
        session = Session(
            self.target,
            user_id=identity.username,
            password=identity.password,
            application_name=profile.application_name,
            language=profile.language,
            station=profile.station_settings(),
            transport=SessionOpenTimeout(
                GeventTransport(verify=profile.tls.verify, ca_bundle=profile.tls.ca_bundle),
                profile.timeouts.session_open,
            ),
            timeout=profile.timeouts.request,
            retry=RetryPolicy(attempts=profile.retries.attempts, max_wait=profile.retries.max_wait),
            observer=self._observer(context),
            alternate_hosts=self.alternate_hosts,
        )
        agent = Agent(
            plan=build_plan(profile, identity.username),
            rng=random.Random(f"{profile.seed}:{identity.username}:{shift}"),
            clock=time.time,
        )
        reporter = _Reporter(self, identity.username, context)
        reader = message_reader(profile.messaging, identity.username)
        poll = profile.switchover.poll_interval or None
        return AgentDriver(agent, session, reader, reporter, switchover_poll=poll)

    def session_lost(self, agent: str) -> None:
        """The server dropped ``agent``'s session (as a switchover does); it is out of work until it is
        ready for calls again."""
        now = time.time()
        self._lost_at.setdefault(agent, now)
        self.recorder.lost_session(AgentMoment(agent=agent, at=now))

    def working(self, agent: str) -> None:
        """``agent`` is ready for calls; if it had lost its session, it is back at work."""
        if self._lost_at.pop(agent, None) is not None:
            self.recorder.returned_to_work(AgentMoment(agent=agent, at=time.time()))

    def primary_seen(self, host: str) -> None:
        """An agent's switchover-status poll named ``host`` as the primary. When it is not the primary
        named before, the pair switched over: the run records it at the first sign of a dropped session
        (a 401 or 410 step error, or a session loss) since the old primary was last named, or at that
        moment when there was none."""
        now = time.time()
        previous, self._primary = self._primary, (host, now)
        if previous is None or previous[0] == host:
            return
        since = previous[1]
        recorder = self.recorder
        dropped = [e.at for e in recorder.step_errors if e.status in (401, 410) and e.at >= since]
        losses = [moment.at for moment in recorder.sessions_lost if moment.at >= since]
        recorder.switchover_seen(min([*dropped, *losses], default=since))

    def _observer(self, context: Callable[[], dict[str, str]]) -> Callable[[RequestRecord], None]:
        fire = self.environment.events.request.fire
        record_request = self.recorder.request

        def observe(record: RequestRecord) -> None:
            record_request(record.name, record.elapsed_ms, failure_cause(record), record.arrival_stamped)
            fire(
                request_type=REQUEST_TYPE,
                name=record.name,
                response_time=record.elapsed_ms,
                response_length=record.response_length,
                exception=record.error,
                context=context(),
            )

        return observe

    def kpi(self, name: str, milliseconds: float, agent: str, campaign: CampaignRef | None = None) -> None:
        """Record a Dialer KPI sample of ``agent`` in botagent's measurements (not as a Locust request),
        ending with a call of ``campaign`` if given."""
        self.recorder.kpi(name, milliseconds, campaign)


def failure_cause(record: RequestRecord) -> str | None:
    """Why the request failed, for the reports (``HTTP 401``, ``no response``); None when it did not."""
    if record.error is None:
        return None
    return NO_RESPONSE if record.status is None else f"HTTP {record.status}"


class _Reporter:
    """Sends one agent's reports to its run, with the agent's name on each."""

    def __init__(self, run: DialerRun, agent: str, context: Callable[[], dict[str, str]]) -> None:
        self._run = run
        self._agent = agent
        self._context = context

    def kpi(self, action: RecordKpi) -> None:
        self._run.kpi(action.name, action.milliseconds, self._agent, action.campaign)

    def violation(self, action: ReportViolation) -> None:
        self._run.recorder.violation(
            RuleViolationRecord(at=time.time(), agent=self._agent, rule=action.rule, detail=action.detail)
        )

    def step_error(self, action: ReportStepError) -> None:
        self._run.recorder.step_error(
            StepErrorRecord(
                at=time.time(),
                agent=self._agent,
                step=action.step,
                status=action.status,
                error_id=action.error_id,
                message=action.message,
                campaign=None if action.campaign is None else action.campaign.name or action.campaign.id,
            ),
            action.campaign,
            action.logon_error,
        )

    def campaign_joined(self, action: CampaignJoined) -> None:
        self._run.recorder.campaign_joined(action.campaign)

    def call_finished(self, action: CallFinished) -> None:
        self._run.recorder.call(BotCall(agent=self._agent, call=action.record))

    def connected(self, alternate_hosts: list[str]) -> None:
        self._run.alternate_hosts = tuple(alternate_hosts)

    def working(self) -> None:
        self._run.working(self._agent)

    def primary_host(self, host: str) -> None:
        self._run.primary_seen(host)
