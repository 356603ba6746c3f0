"""The run controller: the run as a whole, owned once, by the master or the only Locust process.

Whichever front door started Locust (`botagent run`, which runs Locust on the packaged locustfile, or
plain ``locust -f``), the controller does every step of the run that is not an agent's:

1. at Locust's init: make the report folder, bring up the target (the embedded mock when it is
   ``mock``) and check that it answers. A run that cannot start ends there, with one line saying why:
   `RunNotStarted` (exit code 2 for a report folder it cannot make, 3 otherwise). Then it sets Locust's
   stop timeout and, on a master, the stop protocol of its workers (`_stop`), and says what runs where;
2. with each test start: state sampling, progress lines and threshold watching;
3. at quit: stops agents still running (an interrupt), reconciles, judges and reports the run, sets
   Locust's exit code, and stops the embedded mock.

Interrupts. Ctrl-C (SIGINT) and SIGTERM make Locust quit at once, whatever the test is doing. When
one of them came, or Locust quits before its test has stopped by itself (run time over, or an abort),
the run was interrupted: the controller stops the agents (or waits for a stop under way) so each logs
off, then reports the run with `RunResult.interrupted` and the reason ("interrupted (Ctrl-C)"), and
exits with `EXIT_INTERRUPTED`. Quitting before any test started writes no report: it says so on one
line and exits with `EXIT_INTERRUPTED`. A second Ctrl-C while the agents log off reports at once.
"""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path
from typing import Any

import gevent
from gevent.event import Event
from locust.env import Environment
from locust.runners import MasterRunner, Runner

from botagent.locust._campaign_names import unknown_campaign_names
from botagent.locust._console import say
from botagent.locust._dialer_tab import install_dialer_tab
from botagent.locust._follow import follow_ledger
from botagent.locust._progress import print_progress, print_progress_line
from botagent.locust._results import build_result, final_result, report_run
from botagent.locust._run import DialerRun
from botagent.locust._stop import stop_workers_agents_on_test_stop
from botagent.locust._switchover import switch_over_later
from botagent.locust._target import MOCK, Target, open_target, unreachable
from botagent.locust._watch import watch_thresholds
from botagent.profile import Profile
from botagent.report import (
    EXIT_BAD_INPUT,
    EXIT_INTERRUPTED,
    EXIT_RUN_ERROR,
    RunResult,
    default_reports_folder,
    exit_code_for,
)
from botagent.wire import BotagentError

__all__ = ["RunController", "RunNotStarted", "make_reports_folder"]

logger = logging.getLogger(__name__)


class RunNotStarted(BotagentError):
    """The run cannot start; the message says why on one line, `exit_code` is the process's."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def make_reports_folder(profile_name: str, folder: Path | None = None) -> Path:
    """Create the report folder (by default ``reports/<timestamp>-<profile>``) and return it.

    Raises:
        RunNotStarted: the folder cannot be created (exit code 2).
    """
    folder = folder or default_reports_folder(profile_name)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or exc
        raise RunNotStarted(f"cannot create the report folder {folder}: {reason}", EXIT_BAD_INPUT) from exc
    return folder


def open_checked_target(wanted: str, profile: Profile) -> Target:
    """The target named ``wanted`` (a URL or ``mock``), up and answering.

    Raises:
        RunNotStarted: for the mock, a campaign of ``thresholds.campaigns`` is not in its scenario (exit
            code 2); the embedded mock did not start, or the target does not answer (exit code 3).
    """
    unknown = unknown_campaign_names(profile) if wanted == MOCK else []
    if unknown:
        raise RunNotStarted("bad profile:\n" + "\n".join(unknown), EXIT_BAD_INPUT)
    try:
        target = open_target(wanted, profile)
    except BotagentError as exc:
        raise RunNotStarted(str(exc), EXIT_RUN_ERROR) from exc
    try:
        problem = unreachable(target.url, profile.timeouts.request)
    except BaseException:
        target.close()
        raise
    if problem:
        target.close()
        raise RunNotStarted(f"target unreachable: {problem}", EXIT_RUN_ERROR)
    return target


class RunController:
    """The duties of the master (or the only process) for one run; see the module docstring.

    Args:
        run: this process's agents and recorder.
        reports: the report folder (default ``reports/<timestamp>-<profile>``).
        progress: print a progress line every few seconds.

    Raises:
        RunNotStarted: the report folder cannot be made, or the target is not up; nothing was started
            (an embedded mock started on the way is stopped again).
    """

    def __init__(self, run: DialerRun, reports: Path | None, progress: bool) -> None:
        self.run = run
        self.environment: Environment = run.environment
        self.reports = make_reports_folder(run.profile.name, reports)
        self.target = open_checked_target(self.environment.host or run.profile.target, run.profile)
        self.environment.host = self.target.url
        self.aborted: str | None = None
        self._progress = progress
        self._greenlets: list[gevent.Greenlet] = []
        self._test = _TestProgress()
        self._signal = _Interrupts()
        self._quitting = False
        self._reported = Event()
        self._stop_with_the_test()
        events = self.environment.events
        events.test_start.add_listener(self._on_test_start)
        events.test_stopping.add_listener(self._test.stopping)
        events.test_stop.add_listener(self._test.stopped)
        events.quitting.add_listener(self._on_quitting)
        install_dialer_tab(self.environment, self._result_so_far, self._final_result)
        name, url = run.profile.name, self.target.url
        say(f"running {name}: {self._users()} agents against {url}; reports in {self.reports}")

    @property
    def ledger_expected(self) -> bool:
        """The target is the mock, so the run must reconcile with its ledger."""
        return self.run.profile.target == MOCK or self.target.mock is not None

    def abort(self, reason: str, exit_code: int | None = None) -> None:
        """Stop the run early for ``reason``; the summary shows it (and ``exit_code``, if given, wins)."""
        logger.error("botagent: %s", reason)
        self.aborted = reason
        if exit_code is not None:
            self.environment.process_exit_code = exit_code
        gevent.spawn(self.environment.runner.quit)  # type: ignore[union-attr]

    def _users(self) -> int:
        return getattr(self.environment.parsed_options, "num_users", None) or self.run.profile.load.users

    def _stop_with_the_test(self) -> None:
        timeouts = self.run.profile.timeouts
        if not self.environment.stop_timeout:
            self.environment.stop_timeout = timeouts.logoff_grant + timeouts.request
        runner = self.environment.runner
        if isinstance(runner, MasterRunner):
            stop_workers_agents_on_test_stop(runner, self.environment.stop_timeout + timeouts.request)

    def _on_test_start(self, environment: Environment, **_: Any) -> None:
        self._test.started()
        self._signal.watch_sigterm()
        if self._host_answers(environment.host or ""):
            self.run.recorder.start_sampling()
            self._start_watchers()

    def _host_answers(self, host: str) -> bool:
        """Whether the host answers; it was checked at init unless the web UI has changed it since."""
        problem = None if host == self.target.url else unreachable(host, self.run.profile.timeouts.request)
        if problem:
            self.abort(f"target unreachable: {problem}", EXIT_RUN_ERROR)
        return problem is None

    def _start_watchers(self) -> None:
        self._kill_watchers()  # a test started again from the web UI gets fresh ones
        if self._progress:
            self._greenlets.append(gevent.spawn(print_progress, self.run))
        reconciliation = self.run.recorder.reconciliation
        self._greenlets.append(gevent.spawn(follow_ledger, self.target.url, reconciliation))
        switchover_at = self.run.profile.mock.switchover_at
        if self.target.mock is not None and switchover_at is not None:
            record, timeout = self.run.recorder.switchovers.append, self.run.profile.timeouts.request
            self._greenlets.append(
                gevent.spawn(switch_over_later, self.target.url, switchover_at, record, timeout)
            )
        thresholds = self.run.profile.thresholds
        if thresholds.abort_on_fail:
            self._greenlets.append(
                gevent.spawn(watch_thresholds, thresholds, self._result_so_far, self.abort)
            )

    def _result_so_far(self) -> RunResult:
        return build_result(self.run, None, self.ledger_expected)

    def _final_result(self) -> RunResult:
        """The whole run, reconciled and judged; the Dialer tab shows it once the test has stopped."""
        return final_result(self.run, aborted=self.aborted, ledger_expected=self.ledger_expected)

    def _kill_watchers(self) -> None:
        for greenlet in self._greenlets:
            greenlet.kill(block=False)
        self._greenlets.clear()

    def _on_quitting(self, environment: Environment, **_: Any) -> None:
        """Sum the run up once, however many times Locust quits (SIGTERM can make it quit twice)."""
        if self._quitting:
            self._reported.wait(self._stop_wait())
            return
        self._quitting = True
        try:
            self._kill_watchers()
            if self._test.has_started:
                self._report(environment)
            else:
                say("interrupted before the run started")
                environment.process_exit_code = EXIT_INTERRUPTED
        finally:
            self.target.close()
            self._reported.set()

    def _report(self, environment: Environment) -> None:
        """Let every agent log off if the test was interrupted, then judge and report the run."""
        gevent.sleep(0)  # a SIGTERM watcher queued behind Locust's own handler notes the signal now
        quit_early = self.aborted is None and not self._test.has_stopped
        interrupted = self._signal.name is not None or quit_early
        if interrupted:
            self._stop_the_test(environment.runner)
            self.aborted = f"interrupted ({self._signal.name})" if self._signal.name else "interrupted"
        self.run.recorder.stop_sampling()
        if self._progress:
            print_progress_line(self.run)  # the final counts, which the summary repeats
        result = final_result(
            self.run, aborted=self.aborted, interrupted=interrupted, ledger_expected=self.ledger_expected
        )
        report_run(result, environment, self.reports)
        if environment.process_exit_code is None:
            environment.process_exit_code = exit_code_for(result)

    def _stop_the_test(self, runner: Runner | None) -> None:
        """Stop the agents (Locust quits before it stops them), or wait for a stop already under way."""
        try:
            if self._test.has_stopped:
                return
            if self._test.is_stopping:
                self._test.wait_until_stopped(self._stop_wait())
            elif runner is not None:
                runner.stop()
        except KeyboardInterrupt:
            say("interrupted again: writing the reports without waiting for the agents")

    def _stop_wait(self) -> float:
        """How long a stop may take: every agent's log-off grant, plus a request and some slack."""
        return self.environment.stop_timeout + self.run.profile.timeouts.request + 5.0


class _TestProgress:
    """Where Locust's test is: started, stopping, stopped (from Locust's events)."""

    def __init__(self) -> None:
        self.has_started = False
        self.is_stopping = False
        self._stopped = Event()

    @property
    def has_stopped(self) -> bool:
        return bool(self._stopped.is_set())

    def started(self, **_: Any) -> None:
        self.has_started, self.is_stopping = True, False
        self._stopped.clear()

    def stopping(self, **_: Any) -> None:
        self.is_stopping = True

    def stopped(self, **_: Any) -> None:
        self._stopped.set()

    def wait_until_stopped(self, timeout: float) -> None:
        if not self._stopped.wait(timeout):
            logger.warning("botagent: the agents did not stop within %.0f s", timeout)


class _Interrupts:
    """Notes which signal interrupts the run, leaving what Locust does about each as it is.

    ``name`` is ``Ctrl-C`` or ``SIGTERM``, None while no signal has come. SIGINT (unless ignored)
    gets a gevent handler that notes it and raises KeyboardInterrupt in the main greenlet, where
    Locust's Ctrl-C handling expects it: Python's own handler raises it in whichever greenlet runs, and
    gevent prints it there. SIGTERM gets a gevent handler beside Locust's own (libev runs every watcher
    of a signal), installed once the test has started: Locust installs its own just before, and one of
    ours alone would swallow the signal.
    """

    def __init__(self) -> None:
        self.name: str | None = None
        self._sigterm: object | None = None
        self._sigint: object | None = None
        if _in_main_thread() and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            self._sigint = gevent.signal_handler(signal.SIGINT, self._on_sigint)

    def watch_sigterm(self) -> None:
        """Note SIGTERM from now on (Locust's own handler must be installed already)."""
        if self._sigterm is None and gevent.get_hub().loop.default:  # signals reach the default loop
            self._sigterm = gevent.signal_handler(signal.SIGTERM, self._on_sigterm)

    def _on_sigint(self) -> None:
        self.name = self.name or "Ctrl-C"
        gevent.get_hub().parent.throw(KeyboardInterrupt)  # the main greenlet: the hub's parent

    def _on_sigterm(self) -> None:
        self.name = "SIGTERM"


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()
