"""Deciding a whole population: persons per second of the scalar engine, the numpy backend, the
compiled kernel and a hand-written numba kernel of the zorgtoeslag formula, with OpenFisca's
vectorised calculation of the same formula on the same population, in one run.

    .venv/bin/python bench/population.py                  # 1 M persons, best of 5
    .venv/bin/python bench/population.py --quick          # 100 k persons, best of 3
    .venv/bin/python bench/population.py --out bench/results/population.md

The population (seeded) is 1 M persons with an age, insurance, a partner, incomes and assets in
cents. Every system decides the zorgtoeslag on peildatum 1 June 2025 for all of them; the scalar
engine decides the first 10 k (one ``Decider.decide`` each, with its full trace, as a service
decides one case). Rounds are interleaved (numpy, kernel, hand-written, OpenFisca, scalar), so
machine noise lands on all alike; the best round of each is reported, with ratios.

The columns are held as OpenFisca holds its own: ages and amounts in 32 bits (OpenFisca: int32
and float32; maatwerk: int32 ages and cents), booleans in a byte; 18 bytes a person. The kernel
is also timed on the population in int64 columns (34 bytes a person, as in earlier runs).

What a timing holds:

- maatwerk numpy / kernel: ``maatwerk.engine.vector.evaluate.decide(reg, day, population,
  backend=...)``: every output with its unknown and error bits, the status, the deciding layers,
  as a ``Result``; the kernel's figure includes laying out the columns, running the compiled
  kernel (its int64 output arrays allocated per call) and wrapping its output arrays. The
  kernel is compiled before (the compile time, cold, into a fresh cache folder, is reported
  apart).
- hand-written: ``zorgtoeslag_by_hand`` below: the same formula and parameters of 2025 written
  directly as a numba loop in exact integers over the same int32 columns, allocating its three
  output arrays: the anchor for "a hand-written compiled kernel". It is written as one would
  (``and``, ``if``); numba compiles it to scalar code, where the generated kernel is vectorised.
- OpenFisca: ``simulation.calculate("zorgtoeslag", "2025")`` on a simulation of the 1 M persons
  built before the clock starts (``build_default_simulation`` and ``set_input``), in the anchor
  venv ``bench/.venv-anchors-openfisca`` (``bench/workers/openfisca_population.py``) with our
  country package ``bench/anchors/openfisca_zorgtoeslag``; a fresh simulation per round, since
  OpenFisca caches what it calculated. Its amounts are floats (float32 inside OpenFisca); how
  many equal ours is shown.

Every system's amounts are compared with the kernel's before anything is reported.
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
# the scripts beside this one must not shadow modules of the standard library (bench/web_api.py)
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
ROOT = BENCH.parent
OPENFISCA_PYTHON = BENCH / ".venv-anchors-openfisca" / "bin" / "python"
OPENFISCA_WORKER = BENCH / "workers" / "openfisca_population.py"
DAY = dt.date(2025, 6, 1)
SCALAR_PERSONS = 10_000

import numpy as np  # noqa: E402
from numba import njit  # noqa: E402

# -- the hand-written kernel: zorgtoeslag 2025 in exact integers ------------------------------

# amounts in cents; percentages per 100 000: 1.896 %, 4.273 % and 13.7 %
STANDAARDPREMIE = 211_200
DREMPELINKOMEN = 2_840_600
VERMOGENSGRENS = (14_189_600, 17_942_900)  # alleenstaand, partner


@njit(nogil=True, error_model="numpy")
def _by_hand(leeftijd: Any, verzekerd: Any, partner: Any, inkomen: Any, inkomen_partner: Any,
             vermogen: Any, jaar: Any, maand: Any, recht: Any) -> None:  # pragma: no cover
    for i in range(leeftijd.shape[0]):
        p = partner[i]
        ok = leeftijd[i] >= 18 and verzekerd[i] and vermogen[i] <= (17_942_900 if p else
                                                                    14_189_600)
        samen = np.int64(inkomen[i]) + (np.int64(inkomen_partner[i]) if p else 0)
        boven = samen - 2_840_600
        boven = max(boven, 0)
        # the norm premium in units of 10^-7 euro (cents x 10^-5)
        norm = (4273 if p else 1896) * 2_840_600 + 13_700 * boven
        berekend = (422_400 if p else 211_200) * 100_000 - norm
        berekend = max(berekend, 0)
        euro = (berekend + 5_000_000) // 10_000_000  # rounded half up (it is not negative)
        bedrag = euro if ok and euro >= 24 else 0
        jaar[i] = bedrag
        maand[i] = bedrag // 12
        recht[i] = ok


def zorgtoeslag_by_hand(cols: dict[str, np.ndarray]) -> tuple[np.ndarray, ...]:
    n = cols["leeftijd"].shape[0]
    jaar, maand = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    recht = np.empty(n, dtype=np.bool_)
    _by_hand(cols["leeftijd"], cols["is_verzekerd"], cols["heeft_toeslagpartner"],
             cols["toetsingsinkomen"], cols["toetsingsinkomen_partner"], cols["vermogen"],
             jaar, maand, recht)
    return jaar, maand, recht


# -- the population -----------------------------------------------------------------------------


def columns(n: int, seed: int, dtype: Any = np.int32) -> dict[str, np.ndarray]:
    """Ages, insurance, partners, incomes and assets (amounts in cents); integers as ``dtype``."""
    g = np.random.default_rng(seed)
    return {
        "leeftijd": g.integers(15, 90, n, dtype=dtype),
        "is_verzekerd": g.random(n) < 0.95,
        "heeft_toeslagpartner": g.random(n) < 0.4,
        "toetsingsinkomen": g.integers(0, 6_000_000, n, dtype=dtype),
        "toetsingsinkomen_partner": g.integers(0, 4_000_000, n, dtype=dtype),
        "vermogen": g.integers(0, 20_000_000, n, dtype=dtype),
    }


def wide(cols: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The same columns with their integers in int64."""
    return {k: v.astype(np.int64) if v.dtype.kind == "i" else v for k, v in cols.items()}


def maatwerk_population(reg: Any, cols: dict[str, np.ndarray], n: int) -> Any:
    from maatwerk.engine.vector import rational as r
    from maatwerk.engine.vector.columns import Col
    from maatwerk.engine.vector.evaluate import Population

    pop = Population(reg, {"leeftijd": cols["leeftijd"][:n]}, n=n)
    for name in ("is_verzekerd", "heeft_toeslagpartner"):
        pop.cols[name] = Col(cols[name][:n])
    for name in ("toetsingsinkomen", "toetsingsinkomen_partner", "vermogen"):
        pop.cols[name] = Col(r.Q(cols[name][:n], 100))
    return pop


def scalar_cases(cols: dict[str, np.ndarray], n: int) -> list[dict[str, Any]]:
    cases = []
    for i in range(n):
        cases.append({
            "leeftijd": int(cols["leeftijd"][i]),
            "is_verzekerd": bool(cols["is_verzekerd"][i]),
            "heeft_toeslagpartner": bool(cols["heeft_toeslagpartner"][i]),
            **{name: Decimal(int(cols[name][i])) / 100 for name in (
                "toetsingsinkomen", "toetsingsinkomen_partner", "vermogen")},
        })
    return cases


# -- OpenFisca, in its own venv -------------------------------------------------------------------

class OpenFisca:
    """A worker process in the OpenFisca anchor venv, deciding the population on request."""

    def __init__(self, folder: Path, cols: dict[str, np.ndarray]) -> None:
        for name, values in cols.items():
            np.save(folder / f"{name}.npy", values)
        self.folder = folder
        self.proc = subprocess.Popen(
            [str(OPENFISCA_PYTHON), str(OPENFISCA_WORKER), str(folder)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            stderr=(folder / "openfisca.stderr").open("w"))
        self.versions: dict[str, str] = json.loads(self._read())

    def _read(self) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the OpenFisca worker stopped")
        return line

    def run(self, keep: bool = False) -> float:
        assert self.proc.stdin is not None
        self.proc.stdin.write("amounts\n" if keep else "run\n")
        self.proc.stdin.flush()
        seconds: float = json.loads(self._read())["seconds"]
        return seconds

    def amounts(self) -> np.ndarray:
        self.run(keep=True)
        values: np.ndarray = np.load(self.folder / "openfisca.npy")
        return values

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


# -- the run ------------------------------------------------------------------------------------


def commit() -> str:
    """The commit of the work tree, and whether it has changes (read-only git)."""
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "src",
                                "regulations/zorgtoeslag", "bench/population.py"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "an unknown commit"
    return f"{head}{' with uncommitted changes' if dirty else ''}"


def whole(result: Any, output: str) -> np.ndarray:
    """An output of whole euros as integers."""
    q = result.outputs[output].value
    assert int(np.max(q.den)) == 1, f"{output} is not in whole euros"
    values: np.ndarray = np.broadcast_to(np.asarray(q.num), (result.n,))
    return values


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


NAMES = {"scalar": "maatwerk scalar engine (`Decider.decide`, with trace)",
         "numpy": "maatwerk numpy backend", "kernel": "maatwerk compiled kernel, 1 thread",
         "kernel64": "maatwerk compiled kernel, 1 thread, int64 columns",
         "threads": "maatwerk compiled kernel, {threads} threads",
         "hand": "hand-written numba kernel (anchor)",
         "openfisca": "OpenFisca `simulation.calculate` (vectorised)"}


def check(reg: Any, pop: Any, pop64: Any, cols: dict[str, np.ndarray],
          cases: list[dict[str, Any]], decider: Any) -> np.ndarray:
    """Every system's amounts against the kernel's (before anything is timed); the amounts."""
    from maatwerk.engine.vector.evaluate import decide

    kernel_result = decide(reg, DAY, pop, backend="kernel")
    assert kernel_result.backend == "kernel"
    amounts = whole(kernel_result, "zorgtoeslag")
    assert np.all(kernel_result.status == 0)
    numpy_result = decide(reg, DAY, pop, backend="numpy")
    assert np.array_equal(whole(numpy_result, "zorgtoeslag"), amounts), "numpy and kernel differ"
    result64 = decide(reg, DAY, pop64, backend="kernel")
    assert np.array_equal(whole(result64, "zorgtoeslag"), amounts), "int64 and int32 differ"
    jaar, maand, recht = zorgtoeslag_by_hand(cols)
    assert np.array_equal(jaar, amounts), "the hand-written kernel and the kernel differ"
    assert np.array_equal(maand, whole(kernel_result, "zorgtoeslag_per_maand"))
    assert np.array_equal(recht, kernel_result.outputs["recht_op_zorgtoeslag"].value)
    for i, case in enumerate(cases):
        assert decider.decide(DAY, case).outputs["zorgtoeslag"] == int(amounts[i]), case
    return amounts


def measure(args: argparse.Namespace, reg: Any, pop: Any, pop64: Any,
            cols: dict[str, np.ndarray], cases: list[dict[str, Any]], decider: Any,
            openfisca: OpenFisca | None, threads: int) -> dict[str, list[float]]:
    """The timed rounds, interleaved."""
    from maatwerk.engine.vector.evaluate import decide

    times: dict[str, list[float]] = {k: [] for k in NAMES}
    if threads:
        assert decide(reg, DAY, pop, backend="kernel", threads=threads).backend == "kernel"
    for _ in range(args.rounds):
        times["numpy"].append(timed(lambda: decide(reg, DAY, pop, backend="numpy")))
        for _ in range(args.repeat):
            times["kernel"].append(timed(lambda: decide(reg, DAY, pop, backend="kernel",
                                                        threads=1)))
            times["hand"].append(timed(lambda: zorgtoeslag_by_hand(cols)))
            if threads:
                times["threads"].append(timed(lambda: decide(reg, DAY, pop, backend="kernel",
                                                             threads=threads)))
            times["kernel64"].append(timed(lambda: decide(reg, DAY, pop64, backend="kernel",
                                                          threads=1)))
        if openfisca is not None:
            times["openfisca"].append(openfisca.run())
        times["scalar"].append(timed(lambda: [decider.decide(DAY, c) for c in cases]))
    return times


def report(args: argparse.Namespace, times: dict[str, list[float]], persons: dict[str, int],
           openfisca: OpenFisca | None, agree: int | None, threads: int,
           compiled: tuple[float, float]) -> list[str]:
    """The report's lines."""
    n = args.persons
    rate = {k: persons[k] / min(v) for k, v in times.items() if v}
    versions = (f"python {platform.python_version()}, numpy {np.__version__}, numba "
                f"{__import__('numba').__version__}")
    if openfisca is not None:
        versions += (f"; OpenFisca venv: openfisca-core {openfisca.versions['openfisca-core']},"
                     f" numpy {openfisca.versions['numpy']}")
    lines = [f"# Population: zorgtoeslag on {DAY}, {n:,} persons\n",
             f"Measured: the work tree at {commit()}.\n",
             f"{dt.datetime.now():%Y-%m-%d %H:%M}, {platform.machine()}, {os.cpu_count()} cores "
             f"(load {os.getloadavg()[0]:.1f}); {versions}; best of {args.rounds} rounds (the "
             f"kernels and the hand-written one: {args.rounds} x {args.repeat}); columns in "
             "int32 (ages, cents) and bool unless said\n",
             "| system | persons | best time | persons/s | kernel is |",
             "|---|---:|---:|---:|---:|"]
    for key, name in NAMES.items():
        if key in rate:
            lines.append(f"| {name.format(threads=threads)} | {persons[key]:,} | "
                         f"{min(times[key]) * 1000:,.1f} ms | {rate[key] / 1e6:,.2f} M | "
                         f"{rate['kernel'] / rate[key]:,.2f}x |")
    lines += ["",
              f"- kernel / numpy backend: {rate['kernel'] / rate['numpy']:.1f}x",
              f"- kernel / scalar engine: {rate['kernel'] / rate['scalar']:,.0f}x",
              f"- hand-written / kernel: {rate['hand'] / rate['kernel']:.2f}x (bar: at most 3x)"]
    if "openfisca" in rate:
        lines.append(f"- kernel / OpenFisca: {rate['kernel'] / rate['openfisca']:.1f}x (bar: at "
                     f"least 10x); OpenFisca's amount equals ours for {agree:,} of {n:,} persons")
        for key, what in (("threads", f"on {threads} threads"), ("kernel64", "on int64 columns")):
            if key in rate:
                lines.append(f"- kernel {what} / OpenFisca: "
                             f"{rate[key] / rate['openfisca']:.1f}x")
    lines.append(f"- compile, cold: kernel {compiled[0]:.2f} s (code generation and numba), "
                 f"hand-written {compiled[1]:.2f} s")
    return lines


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=10,
                        help="the kernel and the hand-written one: timed this often per round")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                        help="also the kernel on this many threads (default: every core, as "
                        "maatwerk does; 1: not)")
    parser.add_argument("--quick", action="store_true", help="100 k persons, 3 rounds")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--no-openfisca", action="store_true")
    parser.add_argument("--out", type=Path, help="also write the report to this file "
                        "(bench/results/population.md for a committed run)")
    args = parser.parse_args()
    if args.quick:
        args.persons, args.rounds = 100_000, 3
    return args


def main() -> int:
    args = parse()
    n = args.persons
    scratch = Path(tempfile.mkdtemp(prefix="maatwerk-bench-population-"))
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    # a fresh kernel cache: the compile time below is a cold compile
    os.environ["MAATWERK_KERNEL_CACHE"] = str(scratch / "kernels")

    import maatwerk
    from maatwerk.engine.decide import Decider
    from maatwerk.engine.vector.evaluate import decide

    reg = maatwerk.load(ROOT / "regulations" / "zorgtoeslag")
    cols = columns(n, args.seed)
    pop, pop64 = maatwerk_population(reg, cols, n), maatwerk_population(reg, wide(cols), n)
    cases = scalar_cases(cols, min(SCALAR_PERSONS, n))
    decider = Decider(reg)
    # compile: the kernel (codegen + numba, cold) and the hand-written one
    small = maatwerk_population(reg, cols, 1000)
    compiled = (timed(lambda: decide(reg, DAY, small, backend="kernel")),
                timed(lambda: zorgtoeslag_by_hand({k: v[:10] for k, v in cols.items()})))
    amounts = check(reg, pop, pop64, cols, cases, decider)
    openfisca, agree = None, None
    if not args.no_openfisca:
        if OPENFISCA_PYTHON.exists():
            openfisca = OpenFisca(scratch, cols)
            theirs = openfisca.amounts()
            agree = int(np.sum(np.round(theirs.astype(np.float64)).astype(np.int64) == amounts))
        else:
            print(f"OpenFisca is not measured: no {OPENFISCA_PYTHON} (bench/setup-anchors.sh)",
                  file=sys.stderr)
    threads = args.threads if args.threads > 1 else 0
    times = measure(args, reg, pop, pop64, cols, cases, decider, openfisca, threads)
    if openfisca is not None:
        openfisca.close()
    persons = dict.fromkeys(NAMES, n) | {"scalar": len(cases)}
    lines = report(args, times, persons, openfisca, agree, threads, compiled)
    print("\n".join(lines))
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
