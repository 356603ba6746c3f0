"""botagent's part in Locust's start-up: read its options and the profile, then set up this process.

The init listener is registered on import of `botagent.locust`, so a locustfile needs nothing but its
User class. Every process gets a `DialerRun` (identities, recorder, live agents). The master, or the
only process, also gets the `RunController`, which runs the run as a whole; a worker only runs agents
and stops them when its master asks. A run that cannot start ends at init with one line saying why;
so does Ctrl-C while the mock starts or the target is probed (exit code `EXIT_INTERRUPTED`).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

from locust import events
from locust.env import Environment
from locust.runners import WorkerRunner

from botagent.locust._collector import CollectorPolicy
from botagent.locust._console import fail
from botagent.locust._controller import RunController, RunNotStarted
from botagent.locust._run import DialerRun
from botagent.locust._stats_trim import keep_per_second_trimmed
from botagent.locust._stop import stop_agents_when_asked
from botagent.profile import Profile, default_profile_path, load_profile
from botagent.report import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_RUN_ERROR
from botagent.wire import BotagentError, ProfileError

__all__ = ["setup_dialer_run"]


@events.init.add_listener
def _on_init(environment: Environment, **_: Any) -> None:
    options = environment.parsed_options
    if options is None:
        return
    try:
        setup_dialer_run(
            environment,
            _profile_from(options),
            password=options.password or None,
            reports=Path(options.reports) if options.reports else None,
            progress=bool(options.progress),
        )
    except ProfileError as exc:
        fail(EXIT_BAD_INPUT, f"bad profile:\n{exc}")
    except RunNotStarted as exc:
        fail(exc.exit_code, str(exc))
    except BotagentError as exc:
        fail(EXIT_RUN_ERROR, str(exc))
    except KeyboardInterrupt:
        fail(EXIT_INTERRUPTED, "interrupted before the run started")


def _profile_from(options: Any) -> Profile:
    """The profile named by ``--profile`` (or ``BOTAGENT_PROFILE``), with ``--agents-from`` applied."""
    path = options.profile or os.environ.get("BOTAGENT_PROFILE") or default_profile_path()
    overrides: dict[str, object] = {}
    if options.agents_from:
        overrides["identities"] = {"source": "csv", "file": str(Path(options.agents_from).resolve())}
    return load_profile(Path(path), overrides=overrides)


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
        RunNotStarted: on a master or local runner, the report folder cannot be made (exit code 2), or
            the target (the embedded mock, for ``mock``) is not up (exit code 3).
    """
    identities = profile.identities.expand()
    if password is not None:
        identities = [dataclasses.replace(identity, password=password) for identity in identities]
    collector = CollectorPolicy()
    # Before DialerRun, so the full collection is over before the recorder's health probe starts.
    environment.events.test_start.add_listener(collector.on_test_start)
    run = DialerRun(environment, profile, identities)
    environment.events.test_stopping.add_listener(lambda **_: run.stop_all("the test is stopping"))
    environment.events.spawning_complete.add_listener(collector.on_spawning_complete)
    environment.events.test_stop.add_listener(collector.on_test_stop)
    if isinstance(environment.runner, WorkerRunner):
        stop_agents_when_asked(environment.runner)
    else:
        RunController(run, reports, progress)
        keep_per_second_trimmed(environment)
    return run
