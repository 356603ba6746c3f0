"""botagent's options on Locust's command line, each also settable by a BOTAGENT_* variable.

The profile comes from Locust's own `--profile` option (a free-text label of the run for Locust), whose
value botagent reads as the profile file; `BOTAGENT_PROFILE` is the fallback, then the smoke profile
shipped in the package.
"""

from __future__ import annotations

from typing import Any

from locust import events

__all__ = ["add_botagent_arguments"]


@events.init_command_line_parser.add_listener
def add_botagent_arguments(parser: Any) -> None:
    """Register `--agents-from`, `--password`, `--reports` and `--progress`."""
    parser.add_argument(
        "--agents-from",
        env_var="BOTAGENT_AGENTS_FROM",
        default="",
        help="CSV file of agents (columns username,password) replacing the profile's identities",
    )
    parser.add_argument(
        "--password",
        env_var="BOTAGENT_PASSWORD",
        default="",
        is_secret=True,
        help="password for every agent, replacing the profile's",
    )
    parser.add_argument(
        "--reports",
        env_var="BOTAGENT_REPORTS",
        default="",
        include_in_web_ui=False,
        help="folder for summary.json, junit.xml and charts (default reports/<timestamp>-<profile>)",
    )
    parser.add_argument(
        "--progress",
        env_var="BOTAGENT_PROGRESS",
        action="store_true",
        default=False,
        include_in_web_ui=False,
        help="print a progress line (agents by state, calls, errors) every few seconds",
    )
