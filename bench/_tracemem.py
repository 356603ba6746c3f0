"""Run a Python module with ``tracemalloc`` on, dumping a snapshot each time the process gets SIGUSR1.

    python bench/_tracemem.py FOLDER NAME -m MODULE [ARGS...]

The benchmarks start Locust and the mock through this wrapper when asked to trace memory
(``soak.py --trace-memory``): the module runs as it would under ``python -m MODULE``, and every
SIGUSR1 first collects the cyclic garbage, counting it by type into ``FOLDER/NAME-<n>.garbage.json``
(objects kept only by reference cycles until a full collection), then writes the snapshot of what is
left to ``FOLDER/NAME-<n>.snapshot`` (n = 1, 2, ...) and then ``FOLDER/NAME-<n>.done``, so the parent
knows both are complete. `top_growth` compares two such snapshots. Tracing costs CPU and
memory of its own: the figures of a traced run are for finding what grows, not for the tables.
"""

from __future__ import annotations

import gc
import json
import linecache
import runpy
import signal
import sys
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import Any

FRAMES = 12
"""Frames kept per allocation: enough to see which caller of a library function keeps the memory."""
_IGNORED = (
    tracemalloc.__file__,
    linecache.__file__,
    "<frozen importlib._bootstrap>",
    "<frozen importlib._bootstrap_external>",
    "<unknown>",
)


def snapshot_path(folder: Path, name: str, number: int) -> Path:
    """Where the ``number``-th snapshot (from 1) of process ``name`` goes."""
    return folder / f"{name}-{number}.snapshot"


def garbage_path(folder: Path, name: str, number: int) -> Path:
    """The cyclic garbage found just before the ``number``-th snapshot of ``name``, by type."""
    return folder / f"{name}-{number}.garbage.json"


def done_path(folder: Path, name: str, number: int) -> Path:
    """The marker written once the ``number``-th snapshot of ``name`` is complete."""
    return folder / f"{name}-{number}.done"


def top_growth(first: Path, second: Path, limit: int = 25, garbage: Path | None = None) -> str:
    """The allocation sites that grew most from ``first`` to ``second``, as text.

    Two views: by line (where the memory was allocated) and by traceback (who called that line), after
    the traced total of both snapshots (to set the growth against RSS) and, from ``garbage``, the
    objects the second snapshot's collection found in reference cycles.
    """
    filters = [tracemalloc.Filter(False, pattern) for pattern in _IGNORED]
    before = tracemalloc.Snapshot.load(str(first)).filter_traces(filters)
    after = tracemalloc.Snapshot.load(str(second)).filter_traces(filters)
    total_before = sum(stat.size for stat in before.statistics("filename"))
    total_after = sum(stat.size for stat in after.statistics("filename"))
    lines = [
        f"traced: {total_before / 1024:,.0f} KiB -> {total_after / 1024:,.0f} KiB "
        f"({(total_after - total_before) / 1024:+,.0f} KiB)",
    ]
    if garbage is not None and garbage.exists():
        found = json.loads(garbage.read_text())
        kinds = list(found["garbage"].items())[:12]
        top = ", ".join(f"{kind} {count:,}" for kind, count in kinds) or "none"
        lines.append(f"cyclic garbage collected before the second snapshot: {top}")
        earlier = garbage.with_name(garbage.name.replace("-2.", "-1."))
        if earlier.exists():
            rss = json.loads(earlier.read_text())["rss"]
            lines.append(
                "resident KiB (first -> second, tracing's own memory included): "
                + ", ".join(f"{k} {rss.get(k, 0):,} -> {v:,}" for k, v in found["rss"].items())
            )
    lines += [
        "",
        f"top {limit} by line (size growth, count growth, size now):",
    ]
    by_line = after.compare_to(before, "lineno")
    for stat in by_line[:limit]:
        frame = stat.traceback[0]
        lines.append(
            f"{stat.size_diff / 1024:+10,.1f} KiB {stat.count_diff:+9,d} blocks "
            f"{stat.size / 1024:10,.1f} KiB  {frame.filename}:{frame.lineno}"
        )
    lines += ["", f"top {min(limit, 10)} by traceback (innermost last):"]
    for stat in after.compare_to(before, "traceback")[: min(limit, 10)]:
        lines.append(f"{stat.size_diff / 1024:+10,.1f} KiB {stat.count_diff:+9,d} blocks")
        lines += [f"        {frame.filename}:{frame.lineno}" for frame in reversed(stat.traceback)][-FRAMES:]
    return "\n".join(lines) + "\n"


def _rss() -> dict[str, int]:
    """This process's resident memory in KiB: all, anonymous (the heap), file-backed and shared."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile", "RssShmem"):
            found[key] = int(value.split()[0])
    return found


def _install(folder: Path, name: str) -> None:
    taken = [0]

    def dump(*_: Any) -> None:
        taken[0] += 1
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        found = Counter(type(thing).__qualname__ for thing in gc.garbage)
        gc.set_debug(0)
        gc.garbage.clear()
        counts = dict(found.most_common(40))
        garbage_path(folder, name, taken[0]).write_text(json.dumps({"garbage": counts, "rss": _rss()}))
        path = snapshot_path(folder, name, taken[0])
        tracemalloc.take_snapshot().dump(str(path))
        done_path(folder, name, taken[0]).write_text("")

    signal.signal(signal.SIGUSR1, dump)


def main(argv: list[str]) -> None:
    if len(argv) < 4 or argv[2] != "-m":
        raise SystemExit("usage: python bench/_tracemem.py FOLDER NAME -m MODULE [ARGS...]")
    folder, name, module = Path(argv[0]), argv[1], argv[3]
    folder.mkdir(parents=True, exist_ok=True)
    tracemalloc.start(FRAMES)
    _install(folder, name)
    sys.argv = [module, *argv[4:]]
    sys.path[0] = str(Path.cwd())  # as under ``python -m``: the working directory, not bench/
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
