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

EXIT_BAD_INPUT = 2

_LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")


def _run_mock(args: argparse.Namespace) -> int:
    from botagent.mock import ScenarioError, load_scenario, serve

    try:
        scenario = load_scenario(args.scenario) if args.scenario else None
    except ScenarioError as exc:
        print(f"bad scenario:\n{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        serve(args.host, args.port, scenario, log_level=args.log_level)
    except OSError as exc:
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
    parser.set_defaults(handler=_run_mock)


SUBCOMMANDS: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = [_add_mock]
"""Functions adding one subcommand each; add new ones here."""


def build_parser() -> argparse.ArgumentParser:
    """Return the ``botagent`` argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="botagent", description="Interaction Dialer agent bots, load tests and a mock ICWS server."
    )
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
