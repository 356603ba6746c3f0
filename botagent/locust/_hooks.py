"""botagent's part in Locust's run: set-up at init, progress and thresholds while running, results at quit.

Listeners registered on import of `botagent.locust`, so a locustfile needs nothing but its User class.
The master (or the only process of a local run) owns the embedded mock, the target probe, progress,
thresholds and reports; workers only run agents and send their facts along with Locust's reports.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import os
import ssl
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any

import gevent
from locust import events
from locust.env import Environment
from locust.runners import STATE_INIT, STATE_MISSING, STATE_STOPPED, MasterRunner, WorkerRunner

from botagent.locust._results import build_result, reconcile_with_ledger
from botagent.locust._run import DialerRun
from botagent.mock import MockProcess
from botagent.profile import Profile, load_profile
from botagent.report import (
    EXIT_BAD_INPUT,
    EXIT_RUN_ERROR,
    Reconciliation,
    RunResult,
    breached,
    evaluate_thresholds,
    exit_code_for,
    format_summary,
    threshold_abort_reason,
    write_reports,
)
from botagent.wire import BotagentError, ProfileError

__all__ = ["DEFAULT_PROFILE", "setup_dialer_run"]

logger = logging.getLogger(__name__)

DEFAULT_PROFILE = "profiles/smoke.yaml"
PROGRESS_INTERVAL = 5.0
ABORT_CHECK_INTERVAL = 2.0
WORKER_STOP_POLL = 0.05

_STOP_AGENTS = "botagent_stop_agents"
_AGENTS_STOPPED = "botagent_agents_stopped"


@events.init.add_listener
def _on_init(environment: Environment, **_: Any) -> None:
    options = environment.parsed_options
    if options is None:
        return
    profile_path = options.profile or os.environ.get("BOTAGENT_PROFILE") or DEFAULT_PROFILE
    overrides: dict[str, object] = {}
    if options.agents_from:
        overrides["identities"] = {"source": "csv", "file": str(Path(options.agents_from).resolve())}
    try:
        profile = load_profile(Path(profile_path), overrides=overrides)
        setup_dialer_run(
            environment,
            profile,
            password=options.password or None,
            reports=Path(options.reports) if options.reports else None,
            progress=bool(options.progress),
        )
    except ProfileError as exc:
        _exit(EXIT_BAD_INPUT, f"bad profile:\n{exc}")
    except BotagentError as exc:
        _exit(EXIT_RUN_ERROR, str(exc))


def _exit(code: int, message: str) -> None:
    print(f"botagent: {message}", file=sys.stderr, flush=True)
    sys.exit(code)


def setup_dialer_run(
    environment: Environment,
    profile: Profile,
    *,
    password: str | None = None,
    reports: Path | None = None,
    progress: bool = False,
) -> DialerRun:
    """Prepare this process to run the profile's agents; on a master or local runner, the whole run.

    Args:
        environment: Locust's environment, with its runner created.
        profile: the validated profile.
        password: one password for every agent, replacing the profile's.
        reports: the report folder (default ``reports/<timestamp>-<profile>``).
        progress: print a progress line every few seconds.

    Raises:
        MockStartError: the profile targets the embedded mock and it did not start.
    """
    identities = profile.identities.expand()
    if password is not None:
        identities = [dataclasses.replace(identity, password=password) for identity in identities]
    run = DialerRun(environment, profile, identities)
    environment.events.test_stopping.add_listener(lambda **_: run.stop_all("the test is stopping"))
    environment.events.spawning_complete.add_listener(_freeze_long_lived_objects)
    if isinstance(environment.runner, WorkerRunner):
        _WorkerStop(environment.runner)
    else:
        _RunControl(run, reports, progress)
    return run


def _freeze_long_lived_objects(**_: Any) -> None:
    """Once every agent is up, keep the garbage collector off the objects that live for the whole run:
    its full passes over them paused every agent for tens of milliseconds, which showed in p99."""
    gc.collect()
    gc.freeze()


class _WorkerStop:
    """On a worker: stops this worker's agents when the master asks, then reports back."""

    def __init__(self, runner: WorkerRunner) -> None:
        self._runner = runner
        runner.register_message(_STOP_AGENTS, self._on_stop_agents)

    def _on_stop_agents(self, environment: Environment, msg: Any, **_: Any) -> None:
        gevent.spawn(self._stop_and_report)

    def _stop_and_report(self) -> None:
        runner = self._runner
        runner.stop()  # each agent logs off and closes its session, within the stop timeout
        runner._send_stats()  # the requests and facts of that cleanup reach the master before the answer
        runner.send_message(_AGENTS_STOPPED, {"client_id": runner.client_id})


class _WorkersStop:
    """On a master: when the test stops, has every worker stop its agents and waits until they have.

    Locust's master quits half a second after telling its workers to, and only then do they stop their
    users; agents still logging off would be missing from the reports, and cut short when the master
    ends its worker processes or the embedded mock.
    """

    def __init__(self, runner: MasterRunner, timeout: float) -> None:
        self._runner = runner
        self._timeout = timeout
        self._stopped: set[str] = set()
        runner.register_message(_AGENTS_STOPPED, self._on_agents_stopped)
        runner.environment.events.test_stopping.add_listener(self._on_test_stopping)

    def _on_agents_stopped(self, environment: Environment, msg: Any, **_: Any) -> None:
        self._stopped.add(msg.data["client_id"])

    def _on_test_stopping(self, **_: Any) -> None:
        workers = {client.id for client in self._runner.clients.all if client.state != STATE_MISSING}
        self._stopped.clear()
        for worker in workers:
            self._runner.send_message(_STOP_AGENTS, None, client_id=worker)
        deadline = time.monotonic() + self._timeout
        while not workers <= self._stopped and time.monotonic() < deadline:
            gevent.sleep(WORKER_STOP_POLL)
        if not workers <= self._stopped:
            logger.warning("%d workers did not stop their agents in time", len(workers - self._stopped))


class _RunControl:
    """The master's (or local runner's) duties for one run."""

    def __init__(self, run: DialerRun, reports: Path | None, progress: bool) -> None:
        self.run = run
        self.environment = run.environment
        self.reports = reports or _default_reports_folder(run.profile.name)
        self.mock: MockProcess | None = None
        self.aborted: str | None = None
        self._greenlets: list[gevent.Greenlet] = []
        if not self.environment.host:
            self.environment.host = self._start_target()
        if not self.environment.stop_timeout:
            self.environment.stop_timeout = run.profile.timeouts.logoff_grant + run.profile.timeouts.request
        runner = self.environment.runner
        if isinstance(runner, MasterRunner):
            _WorkersStop(runner, self.environment.stop_timeout + run.profile.timeouts.request)
        events_ = self.environment.events
        events_.test_start.add_listener(self._on_test_start)
        events_.quitting.add_listener(self._on_quitting)
        self._progress = progress

    def _start_target(self) -> str:
        profile = self.run.profile
        if profile.target != "mock":
            return profile.target
        self.mock = MockProcess(profile.mock_scenario)
        logger.info("embedded mock ICWS at %s", self.mock.base_url)
        return self.mock.base_url

    def _on_test_start(self, environment: Environment, **_: Any) -> None:
        problem = _probe(environment.host or "", self.run.profile.timeouts.request)
        if problem:
            self._abort(f"target unreachable: {problem}", EXIT_RUN_ERROR)
            return
        self.run.recorder.start_sampling()
        if self._progress:
            self._greenlets.append(gevent.spawn(self._print_progress))
        if self.run.profile.thresholds.abort_on_fail:
            self._greenlets.append(gevent.spawn(self._watch_thresholds))

    def _abort(self, reason: str, exit_code: int | None = None) -> None:
        logger.error("botagent: %s", reason)
        self.aborted = reason
        if exit_code is not None:
            self.environment.process_exit_code = exit_code
        gevent.spawn(self.environment.runner.quit)  # type: ignore[union-attr]

    def _print_progress(self) -> None:
        started = time.monotonic()
        run_time = getattr(self.environment.parsed_options, "run_time", None)
        while True:
            gevent.sleep(PROGRESS_INTERVAL)
            print(_progress_line(self.run, time.monotonic() - started, run_time), flush=True)

    def _watch_thresholds(self) -> None:
        while True:
            gevent.sleep(ABORT_CHECK_INTERVAL)
            result = self._result(reconciliation=None)
            failed = breached(evaluate_thresholds(self.run.profile.thresholds, result, during_run=True))
            if failed:
                self._abort(threshold_abort_reason(failed))
                return

    def _result(self, reconciliation: Reconciliation | None) -> RunResult:
        return build_result(
            self.environment,
            self.run.recorder,
            self.run.profile.name,
            self.environment.host or "",
            reconciliation,
            ledger_expected=self.run.profile.target == "mock",
        )

    def _on_quitting(self, environment: Environment, **_: Any) -> None:
        for greenlet in self._greenlets:
            greenlet.kill(block=False)
        runner = environment.runner
        if runner is not None and runner.state not in (STATE_INIT, STATE_STOPPED):
            # Interrupted (Ctrl-C, SIGTERM): Locust quits before it stops the users, so stop them here
            # and let every agent log off before the run is summed up.
            runner.stop()
        self.run.recorder.stop_sampling()
        result = self._result(self._reconcile())
        result.thresholds = evaluate_thresholds(self.run.profile.thresholds, result)
        result.aborted = self.aborted
        write_reports(result, self.reports, _stats_history_csv(environment), _locust_html(environment))
        print("\n" + format_summary(result) + f"\nreports: {self.reports}", flush=True)
        if environment.process_exit_code is None:
            environment.process_exit_code = exit_code_for(result)
        if self.mock is not None:
            self.mock.stop()

    def _reconcile(self) -> Reconciliation | None:
        return reconcile_with_ledger(self.run.recorder, self.environment.host or "")


def _probe(host: str, timeout: float) -> str | None:
    """Return why the ICWS target cannot be reached, or None when it answers."""
    if not host:
        return "no target: set the profile's target or Locust's --host"
    try:
        # Reachability only: certificate problems surface, with their own message, on the first call.
        unverified = ssl._create_unverified_context()
        url = f"{host.rstrip('/')}/icws/connection/version"
        urllib.request.urlopen(url, timeout=timeout, context=unverified).close()
    except urllib.error.HTTPError:
        return None  # an HTTP answer, whatever its status, means the server is there
    except (OSError, ValueError) as exc:
        return f"{host}: {getattr(exc, 'reason', None) or exc}"
    return None


def _progress_line(run: DialerRun, elapsed: float, run_time: float | None) -> str:
    states = run.recorder.current_states()
    total = sum(states.values())
    parts = ", ".join(f"{bucket} {count}" for bucket, count in sorted(states.items()) if count)
    stats = run.environment.stats.total
    clock = _clock(elapsed) + (f" / {_clock(run_time)}" if run_time else "")
    return (
        f"[{clock}] agents {total} ({parts or 'none'}) | calls {len(run.recorder.calls)} | "
        f"requests {stats.num_requests} | failures {stats.num_failures} | "
        f"step errors {run.recorder.step_error_total} | rule violations {len(run.recorder.violations)}"
    )


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes:02d}:{secs:02d}"


def _default_reports_folder(profile_name: str) -> Path:
    return Path("reports") / f"{datetime.now():%Y%m%d-%H%M%S}-{profile_name}"


def _stats_history_csv(environment: Environment) -> Path | None:
    options = environment.parsed_options
    prefix = getattr(options, "csv_prefix", None)
    if prefix and getattr(options, "stats_history_enabled", False):
        return Path(f"{prefix}_stats_history.csv")
    return None


def _locust_html(environment: Environment) -> str | None:
    html_file = getattr(environment.parsed_options, "html_file", None)
    return Path(html_file).name if html_file else None
