"""A whole population through ``maatwerk simulate``: peak memory at the size of the Dutch
population, and the overhead of a Dask LocalCluster against the local run.

    .venv/bin/python bench/simulation.py                 # 17 M persons, Dask at 2 M
    .venv/bin/python bench/simulation.py --quick         # 200 k persons, Dask at 200 k

Every run is a fresh ``maatwerk simulate`` process (the command a user runs), so the peak
memory is the whole process's maximum resident set size, reported by the kernel. The population
is the synthetic one (``maatwerk population``), cached under ``bench/.cache``. The reform raises
the zorgtoeslag threshold income, so both runs decide every person. Results go to
``bench/results/simulation.md`` (``*.tmp`` for --quick).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
# the scripts beside this one must not shadow modules of the standard library
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
ROOT = BENCH.parent
CACHE = BENCH / ".cache"
RESULTS = BENCH / "results"
MAATWERK = [sys.executable, "-m", "maatwerk"]
REFORM = """\
reform: {nl: Hogere drempel, en: Higher threshold}
regulation: zorgtoeslag
version: "2026.1-bench"
parameters:
  drempelinkomen:
    values: [{from: 2024-01-01, value: 30000, reference: Benchmark}]
"""
DAY = "2025-06-01"
GIB = 1 << 30


def population(size: int) -> Path:
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"zorgtoeslag-{size}.parquet"
    if not path.exists():
        partial = path.with_suffix(".partial.parquet")
        subprocess.run([*MAATWERK, "population", "zorgtoeslag", "--size", str(size), "--seed",
                        "2025", "--date", DAY, "--out", str(partial)], check=True)
        partial.rename(path)
    return path


def simulate(path: Path, *extra: str) -> dict[str, Any]:
    """One ``maatwerk simulate`` process: wall time, peak memory (RSS) and its report."""
    reform = CACHE / "reform.yaml"
    reform.write_text(REFORM, encoding="utf-8")
    command = [*MAATWERK, "simulate", str(ROOT / "regulations" / "zorgtoeslag"),
               "--population", str(path), "--reform", str(reform), "--date", DAY, "--json",
               *extra]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)  # this child's own resource usage
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise SystemExit(f"maatwerk simulate failed:\n{err.read()}")
        report = json.load(out)
    return {"seconds": seconds, "peak_bytes": usage.ru_maxrss * 1024, "report": report}


def cluster_run(path: Path, workers: int) -> dict[str, Any]:
    from distributed import LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=None) as running:
        return simulate(path, "--scheduler", str(running.scheduler_address))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--size", type=int, default=None)
    parser.add_argument("--dask-size", type=int, default=None)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    size = args.size or (200_000 if args.quick else 17_000_000)
    dask_size = args.dask_size or (200_000 if args.quick else 2_000_000)

    big = simulate(population(size))
    small_path = population(dask_size)
    local = simulate(small_path)
    remote = cluster_run(small_path, args.workers)
    identical = local["report"] == remote["report"]

    rate = size / big["seconds"]
    lines = [
        "# Simulation: a whole population, and Dask",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({os.cpu_count()} cores, Python {platform.python_version()}); one run of "
        "`bench/simulation.py`" + (" --quick" if args.quick else "") + ".",
        "",
        "Each figure is one fresh `maatwerk simulate` process over a synthetic population "
        "(zorgtoeslag, baseline and a reform of the threshold income, report as JSON), "
        "including reading the Parquet file twice (deciles, then decisions), starting Python "
        "and checking the regulation.",
        "",
        "| run | persons | wall time | persons/s | peak memory |",
        "|---|---:|---:|---:|---:|",
        f"| local | {size:,} | {big['seconds']:.1f} s | {rate:,.0f} | "
        f"{big['peak_bytes'] / GIB:.2f} GiB |",
        f"| local | {dask_size:,} | {local['seconds']:.1f} s | "
        f"{dask_size / local['seconds']:,.0f} | {local['peak_bytes'] / GIB:.2f} GiB |",
        f"| Dask LocalCluster, {args.workers} workers | {dask_size:,} | "
        f"{remote['seconds']:.1f} s | {dask_size / remote['seconds']:,.0f} | (client) |",
        "",
        f"- Peak memory at {size:,} persons: **{big['peak_bytes'] / GIB:.2f} GiB** "
        f"(bar: under 4 GiB) — {'met' if big['peak_bytes'] < 4 * GIB else 'NOT met'}.",
        f"- Dask against local at {dask_size:,} persons: "
        f"{remote['seconds'] / local['seconds']:.2f}× the wall time (the workers import "
        "maatwerk and compile on their first batch); results identical: "
        f"{'yes' if identical else 'NO'}.",
        f"- Budget at {size:,} persons: baseline € {big['report']['budget']['base']}, "
        f"reform € {big['report']['budget']['reform']}.",
        "",
        "Peak memory is the maximum resident set size of the `maatwerk simulate` process "
        "itself (`wait4`), not of the benchmark.",
    ]
    RESULTS.mkdir(exist_ok=True)
    target = RESULTS / ("simulation-quick.md.tmp" if args.quick else "simulation.md")
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
