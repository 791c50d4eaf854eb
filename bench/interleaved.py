"""Timing variants side by side: rounds interleaved and shuffled, so that machine noise hits
every variant alike; the first round warms up. And the report: a table of medians with their
ratio to a base, written to bench/results/. Used by bench/discretion.py and bench/chain.py.

``instructions`` counts, where valgrind is installed, the machine instructions a call of each
variant executes: a figure the load of the machine does not change, beside the times it does.
"""

from __future__ import annotations

import functools
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def medians(runs: Mapping[str, Callable[[], Any]], rounds: int, batch: int,
            seed: int) -> dict[str, float]:
    """The median µs per call of each variant over ``rounds`` rounds of ``batch`` calls."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    rng = random.Random(seed)
    for round_ in range(rounds + 1):
        order = list(runs)
        rng.shuffle(order)
        for name in order:
            fn = runs[name]
            start = time.perf_counter()
            for _ in range(batch):
                fn()
            if round_:  # the first round warms up
                times[name].append((time.perf_counter() - start) / batch)
    return {name: statistics.median(t) * 1e6 for name, t in times.items()}


def rows(medians: Mapping[str, float], base: float) -> list[str]:
    """One table row per variant: its median and its ratio to ``base``."""
    return [f"| {name} | {value:.1f} | {value / base:.2f}× |" for name, value in medians.items()]


def write(name: str, lines: list[str]) -> None:
    """Write the report to bench/results/NAME and print it."""
    report = "\n".join(lines) + "\n"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / name).write_text(report, "utf-8")
    print(report)


def repeat(fn: Callable[[], Any], calls: int) -> None:
    """Call ``fn`` ``calls`` times inside ``functools.reduce``: what ``instructions`` counts."""
    functools.reduce(lambda _, __: fn(), range(calls), None)


def instructions(script: Path, names: list[str], calls: int) -> dict[str, float] | None:
    """Instructions per call of each variant, counted by valgrind (callgrind) while ``script
    --count NAME CALLS`` runs the variant through ``repeat``; less those of a call of nothing
    (``--count nothing``). None when valgrind is not installed."""
    if shutil.which("valgrind") is None:
        return None

    def count(name: str) -> int:
        run = subprocess.run(
            ["valgrind", "--tool=callgrind", "--toggle-collect=functools_reduce",
             "--callgrind-out-file=/dev/null", sys.executable, str(script), "--count", name,
             str(calls)], capture_output=True, text=True, check=True)
        found = re.findall(r"Collected : ([0-9]+)", run.stderr)
        return int(found[-1])

    with ThreadPoolExecutor(2) as pool:
        counted = dict(zip(["nothing", *names], pool.map(count, ["nothing", *names]),
                           strict=True))
    empty = counted.pop("nothing")
    return {name: (total - empty) / calls for name, total in counted.items()}
