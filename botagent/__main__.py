"""The ``botagent`` command line: one subcommand per job.

Each subcommand is one ``_add_<name>(subparsers)`` function that declares its options and sets
``handler`` to the function that runs it and returns the exit code. Heavy imports happen inside the
handlers, so ``botagent --help`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["build_parser", "main"]

from botagent import __version__
from botagent.report._exit import EXIT_BAD_INPUT
from botagent.report._fmt import counted

_LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")


def _run_mock(args: argparse.Namespace) -> int:
    from botagent.mock import ScenarioError, load_scenario
    from botagent.mock.server import serve

    try:
        scenario = load_scenario(args.scenario) if args.scenario else None
    except ScenarioError as exc:
        print(f"bad scenario:\n{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        serve(
            args.host,
            args.port,
            scenario,
            log_level=args.log_level,
            backup_port=args.pair,
            ledger_file=args.ledger,
        )
    except OSError as exc:
        if args.ledger is not None and str(args.ledger) in str(exc):
            print(f"--ledger: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        print(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


def _add_mock(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "mock",
        help="run the mock ICWS server (Interaction Dialer simulation)",
        description="Run the mock ICWS server in the foreground until Ctrl-C or SIGTERM. When it "
        "accepts connections it prints 'botagent mock listening on http://HOST:PORT'.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument(
        "--port", type=int, default=8019, help="port; 0 picks a free one (default: %(default)s)"
    )
    parser.add_argument(
        "--scenario", type=Path, metavar="FILE", help="YAML scenario (default: built-in scenario)"
    )
    parser.add_argument("--log-level", default="warning", choices=_LOG_LEVELS, help="server log level")
    parser.add_argument(
        "--pair",
        type=int,
        nargs="?",
        const=0,
        metavar="BACKUP_PORT",
        help="serve as a switchover pair: --port is the primary, BACKUP_PORT the backup (default: a free "
        "one); POST /mock/switchover swaps them",
    )
    parser.add_argument(
        "--ledger",
        type=Path,
        metavar="FILE",
        help="keep settled calls in this SQLite file (replaced if it exists; table 'calls'), readable "
        "after the run; default: a private temporary file",
    )
    parser.set_defaults(handler=_run_mock)


def _run_run(args: argparse.Namespace) -> int:
    from botagent._run_command import RunOptions, run_profile
    from botagent.profile import default_profile_path

    return run_profile(
        RunOptions(
            profile=args.profile or default_profile_path(),
            users=args.users,
            spawn_rate=args.spawn_rate,
            run_time=args.run_time,
            processes=args.processes,
            target=args.target,
            reports=args.reports,
        )
    )


def _add_run(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run a profile headless: agents, live progress, summary, reports, exit code",
        description="Run the profile's agents headless with Locust. A profile targeting 'mock' gets the "
        "embedded mock ICWS on a free loopback port. Exit codes: 0 every threshold passed, 1 a threshold "
        "failed, 2 bad profile or option, 3 the run could not complete.",
    )
    parser.add_argument(
        "profile", nargs="?", type=Path,
        help="profile YAML (default: the smoke profile shipped with botagent, a copy of "
        "profiles/smoke.yaml: 5 agents for 40 s against the embedded mock)",
    )  # fmt: skip
    parser.add_argument("-u", "--users", type=_positive_int, help="number of agents (overrides load.users)")
    parser.add_argument("-r", "--spawn-rate", type=float, help="agents started per second")
    parser.add_argument("-t", "--run-time", help='run time, e.g. "90s", "10m", "1h30m"')
    parser.add_argument("--processes", type=int, help="Locust worker processes; -1 = one per core")
    parser.add_argument(
        "--target", help='ICWS base URL, or "mock" for the embedded mock (overrides the profile\'s target)'
    )
    parser.add_argument("--reports", type=Path, help="report folder (default: reports/<time>-<profile>)")
    parser.set_defaults(handler=_run_run)


def _run_smoke(args: argparse.Namespace) -> int:
    from botagent._smoke_command import SmokeOptions, smoke_campaign

    return smoke_campaign(
        SmokeOptions(
            campaign=args.campaign,
            target=args.target,
            users=args.users,
            run_time=args.run_time,
            identities=args.identities,
            processes=args.processes,
            reports=args.reports,
        )
    )


def _add_smoke(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "smoke",
        help="smoke-check one campaign: a few agents, a bounded run, yes or no with a reason",
        description="Run a few agents on one campaign for a minute (the packaged campaign-smoke profile): "
        "agents with the Logon Campaign right log in to that campaign only, others take what Dialer "
        "assigns. It passes when the campaign popped at least one call and refused no log-in. Exit codes "
        "as for run: 0 passed, 1 failed (the result line names the campaign and why), 2 bad option, "
        "3 the run could not complete, 130 interrupted.",
    )
    parser.add_argument("campaign", type=_campaign_name, help="campaign name or id")
    parser.add_argument("--target", help='ICWS base URL, or "mock" (the default) for the embedded mock')
    parser.add_argument("-u", "--users", type=_positive_int, help="number of agents (default 3)")
    parser.add_argument("-t", "--run-time", help='run time, e.g. "90s", "2m" (default 60s)')
    parser.add_argument(
        "--identities", type=Path, metavar="FILE",
        help="CSV of agents (username,password columns); default: the mock's campaignagentNNNN users",
    )  # fmt: skip
    parser.add_argument("--processes", type=int, help="Locust worker processes; -1 = one per core")
    parser.add_argument(
        "--reports", type=Path, help="report folder (default: reports/<time>-smoke-<campaign>)"
    )
    parser.set_defaults(handler=_run_smoke)


def _campaign_name(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("a campaign name or id is needed (got an empty one)")
    return text


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number (got {text!r})") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {text})")
    return value


def _run_validate(args: argparse.Namespace) -> int:
    valid = [_validate_one(path) for path in args.profiles]
    return 0 if all(valid) else EXIT_BAD_INPUT


def _validate_one(path: Path) -> bool:
    """Print the profile's one-line summary, or one line per problem; return whether it is valid."""
    from botagent.profile import ProfileError, load_profile

    try:
        profile = load_profile(path)
    except ProfileError as exc:
        print(exc, file=sys.stderr, flush=True)
        return False
    load, identities = profile.load, len(profile.identities.expand())
    print(
        f"{path}: valid: {counted(load.users, 'agent')} against {profile.target} "
        f"for {load.run_time:g} s, {counted(identities, 'identity', 'identities')}",
        flush=True,
    )
    return True


def _add_validate(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check profiles; exit 0, or 2 with one line per problem",
        description="Check profiles without running them. For each file, prints a one-line summary when "
        "it is valid, or one line per problem (<file>: <key>: <what is wrong>). Exits 0 when every file "
        "is valid, 2 otherwise.",
    )
    parser.add_argument("profiles", nargs="+", type=Path, metavar="PROFILE", help="profile YAML files")
    parser.set_defaults(handler=_run_validate)


def _run_schema(args: argparse.Namespace) -> int:
    from botagent.profile import render_schema

    text = render_schema()
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


def _add_schema(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "schema",
        help="print the profile JSON schema (for editor completion)",
        description="Print the JSON schema of profiles, generated from the profile models. "
        "profiles/profile.schema.json is a copy.",
    )
    parser.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")
    parser.set_defaults(handler=_run_schema)


SUBCOMMANDS: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = [
    _add_run,
    _add_smoke,
    _add_validate,
    _add_schema,
    _add_mock,
]
"""Functions adding one subcommand each; add new ones here."""


def build_parser() -> argparse.ArgumentParser:
    """Return the ``botagent`` argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="botagent", description="Interaction Dialer agent bots, load tests and a mock ICWS server."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(title="commands", dest="command", required=True, metavar="COMMAND")
    for add in SUBCOMMANDS:
        add(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``botagent`` command; return its exit code."""
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
