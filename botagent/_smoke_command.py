"""`botagent smoke CAMPAIGN`: a short yes/no check of one campaign, for CI.

It runs the packaged ``campaign-smoke`` profile with the campaign filled in: the agents (with the
Logon Campaign right) log in to that campaign only, and ``thresholds.campaigns`` asks that it pop at
least one call and refuse no log-in. Agents without the right take what Dialer assigns them, and the
same threshold checks that the campaign was among it and popped calls. The run itself is `botagent
run`'s: same summary, reports and exit codes; the result line names the campaign when it fails.

The profile it ran is written into the report folder as ``smoke-profile.yaml``, so a CI job keeps
exactly what was checked (and ``botagent run`` can replay it).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from botagent._run_command import RunOptions, run_profile
from botagent.profile import deep_merge, load_profile, packaged_profile_path
from botagent.report import EXIT_BAD_INPUT, default_reports_folder
from botagent.wire import ProfileError

__all__ = ["PROFILE_FILE", "SMOKE_PROFILE", "SmokeOptions", "smoke_campaign", "smoke_overrides"]

SMOKE_PROFILE = "campaign-smoke.yaml"
"""The packaged profile a smoke runs, with the campaign filled in."""
PROFILE_FILE = "smoke-profile.yaml"
"""The name of the profile a smoke ran, in its report folder."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SmokeOptions:
    """What `botagent smoke` is told; None keeps the packaged profile's value."""

    campaign: str
    target: str | None = None
    users: int | None = None
    run_time: str | None = None
    identities: Path | None = None
    processes: int | None = None
    reports: Path | None = None


def smoke_overrides(options: SmokeOptions) -> dict[str, Any]:
    """What the smoke changes in the packaged profile: its name, the campaign and its threshold, and
    the identities file (absolute, since the profile it runs lives in the report folder)."""
    campaign = options.campaign
    overrides: dict[str, Any] = {
        "name": f"smoke-{_slug(campaign)}",
        "description": f"Smoke check of campaign {campaign}",
        "campaigns": [campaign],
        "thresholds": {"campaigns": {campaign: {"calls": {"min": 1}, "login_refusals": 0}}},
    }
    if options.identities is not None:
        overrides["identities"] = {"source": "csv", "file": str(options.identities.resolve())}
    return overrides


def smoke_campaign(options: SmokeOptions) -> int:
    """Run the smoke of one campaign and return the exit code, as `run_profile` does.

    A bad option or identities file is reported on one line and returns `EXIT_BAD_INPUT` before
    anything is written.
    """
    base = packaged_profile_path(SMOKE_PROFILE)
    overrides = smoke_overrides(options)
    try:
        profile = load_profile(base, overrides=deep_merge(overrides, _run_overrides(options)))
    except ProfileError as exc:
        print(f"botagent: bad smoke options:\n{exc}", file=sys.stderr, flush=True)
        return EXIT_BAD_INPUT
    reports = options.reports or default_reports_folder(profile.name)
    try:
        reports.mkdir(parents=True, exist_ok=True)
        path = reports / PROFILE_FILE
        data = yaml.safe_load(base.read_text(encoding="utf-8")) or {}
        path.write_text(yaml.safe_dump(deep_merge(data, overrides), sort_keys=False), encoding="utf-8")
    except OSError as exc:
        print(f"botagent: cannot write into {reports}: {exc.strerror or exc}", file=sys.stderr, flush=True)
        return EXIT_BAD_INPUT
    run = RunOptions(
        profile=path,
        users=options.users,
        run_time=options.run_time,
        processes=options.processes,
        target=options.target,
        reports=reports,
    )
    return run_profile(run)


def _run_overrides(options: SmokeOptions) -> dict[str, Any]:
    """The options `botagent run` applies itself, checked here before anything is written."""
    load = {"users": options.users, "run_time": options.run_time, "processes": options.processes}
    overrides: dict[str, Any] = {"load": {key: value for key, value in load.items() if value is not None}}
    if options.target is not None:
        overrides["target"] = options.target
    return overrides


def _slug(name: str) -> str:
    """``Spring Sales`` as ``spring-sales``, for the profile's name and the report folder."""
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:40] or "campaign"
