"""Timing variants side by side: rounds interleaved and shuffled, so that machine noise hits
every variant alike; the first round warms up. And the report: a table of medians with their
ratio to a base, written to bench/results/. Used by bench/discretion.py and bench/chain.py."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Mapping
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
