"""Run every benchmark in turn, then print all their tables together.

    python bench/run_all.py [--quick | --smoke] [--out DIR] [--only NAME ...]

``--quick`` finishes in under five minutes on a two-core machine. Each benchmark runs as its own
process (so one that fails does not stop the rest); the exit code is 1 when any of them failed. Full
runs write ``bench/results/`` (the committed numbers the READMEs cite); quick and smoke runs write
``bench/results/quick/`` or ``bench/results/smoke/`` (git-ignored) unless ``--out`` says otherwise.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Sequence

import _common as common

BENCHMARKS = (
    "client_overhead",
    "agents_per_core",
    "mock_capacity",
    "measurement_error",
    "scale_out",
    "soak",
    "dialer_realism",
)


def parse_options(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse ``--quick``, ``--smoke``, ``--out`` (``mode`` and ``out`` resolved) and ``--only``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    common.add_mode_options(parser)
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, help="run only these")
    return common.resolve_mode(parser.parse_args(argv))


def main() -> int:
    args = parse_options()
    flags = ["--quick"] if args.quick else ["--smoke"] if args.smoke else []
    machine = common.machine_info()
    print(
        f"machine: {machine['cores']} cores, {machine['cpu_model']}, Python {machine['python']}, "
        f"load average {machine['load_average']}",
        flush=True,
    )
    timings: dict[str, float] = {}
    failed: list[str] = []
    for name in args.only or BENCHMARKS:
        print(f"\n=== {name}", flush=True)
        started = time.monotonic()
        code = subprocess.call(
            [sys.executable, str(common.BENCH / f"{name}.py"), *flags, "--out", str(args.out)],
            cwd=common.ROOT,
        )
        timings[name] = time.monotonic() - started
        if code != 0:
            failed.append(name)
    print("\n\n=== all tables")
    for name in args.only or BENCHMARKS:
        path = args.out / f"{name}.json"
        if name in failed or not path.exists():
            print(f"\n--- {name}: FAILED")
            continue
        result = json.loads(path.read_text())
        print(f"\n--- {name} ({result['mode']}, {timings[name]:.0f} s)\n{result['table']}")
    total = sum(timings.values())
    print(f"\ntotal {total:.0f} s" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
