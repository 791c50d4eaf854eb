"""The compiled backend: a whole population decided by one numba kernel, exact, with the numpy
backend as its fallback.

``attempt(reg, day, population)`` compiles (once) the plan of the reference date's period into a
row-loop kernel (``kernel_codegen``), lays the population's columns out for it
(``kernel_columns``), runs it and returns the same ``Result`` as the numpy backend; or None and
the reason when it cannot:

- numba is not installed, or the plan uses something the generator does not compile;
- a column is not in a form the kernel reads (big integers, per-row denominators that are not
  decimal, ...);
- a value is larger than the kernel's overflow proof allows: the kernel computes with zero in
  its place, stops after that row's chunk and returns the row, and the whole batch goes to the
  numpy backend, so no result ever rests on an int64 overflow.

Kernels are kept per regulation (the object; equal texts share compiled code through the source's
hash), period (the plan between two change dates; the reference date itself is an argument) and
column layout (per input: its kind, denominator and whether it has missing values). The generated
module is written to a private cache folder and compiled with numba's ``cache=True``, so a later
process loads the machine code instead of compiling again: ``$MAATWERK_KERNEL_CACHE`` names the
folder (default ``~/.cache/maatwerk/kernels``; ``off`` keeps compiled kernels in memory only).
"""

from __future__ import annotations

import atexit
import bisect
import datetime as dt
import functools
import hashlib
import importlib.util
import itertools
import os
import shutil
import stat
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from maatwerk.engine.vector import rational as r
from maatwerk.engine.vector.columns import Col
from maatwerk.engine.vector.kernel_codegen import generate
from maatwerk.engine.vector.kernel_columns import Layout, Prepared, prepare
from maatwerk.engine.vector.kernel_dates import EPOCH
from maatwerk.engine.vector.kernel_plan import KernelPlan, Unsupported, plan
from maatwerk.engine.vector.kernel_spec import Generated, OutSpec
from maatwerk.spec.model import Regulation

# A population smaller than this is decided by numpy under ``backend="auto"`` unless its kernel
# is already compiled: compiling costs about a second, numpy decides a few thousand persons in
# milliseconds.
AUTO_MIN_ROWS = 20_000
CACHE_ENV = "MAATWERK_KERNEL_CACHE"
# Threads a large population is decided on (the kernel releases the GIL; each thread takes its
# own ranges of rows): $MAATWERK_KERNEL_THREADS, default every core. Below PARALLEL_MIN_ROWS
# rows per thread one thread is faster. (On a machine whose cores are busy with other work,
# threads can wait for each other: set 1 there.)
THREADS = int(os.environ.get("MAATWERK_KERNEL_THREADS") or os.cpu_count() or 1)
PARALLEL_MIN_ROWS = 100_000


class KernelUnavailable(RuntimeError):
    """``backend="kernel"`` was asked for and the kernel cannot decide this population."""


@dataclass
class Kernel:
    """A compiled kernel and what it needs to run: the generated plan and the function."""

    generated: Generated
    fn: Callable[..., int]
    compiled: bool = False
    compile_seconds: float = 0.0
    # the column types (numpy dtype strings) it has been compiled for: numba compiles the
    # kernel once per combination (an int32 column is read without widening it first)
    signatures: set[tuple[str, ...]] = field(default_factory=set)


_LOCK = threading.RLock()
_PLANS: weakref.WeakKeyDictionary[Regulation, dict[int, KernelPlan | str]] = (
    weakref.WeakKeyDictionary())
_KERNELS: weakref.WeakKeyDictionary[Regulation, dict[tuple[int, Layout], Kernel | str]] = (
    weakref.WeakKeyDictionary())
_FUNCTIONS: dict[str, Callable[..., int]] = {}
_numba: bool | None = None


def available() -> bool:
    """Whether numba can be imported."""
    global _numba  # noqa: PLW0603
    if _numba is None:
        try:
            import numba  # noqa: F401
            _numba = True
        except ImportError:  # pragma: no cover - numba is installed where kernels are used
            _numba = False
    return _numba


_DATES: weakref.WeakKeyDictionary[Regulation, list[dt.date]] = weakref.WeakKeyDictionary()


def period_of(reg: Regulation, day: dt.date) -> int:
    """Which period between two change dates ``day`` falls in (nothing changes within one)."""
    dates = _DATES.get(reg)
    if dates is None:  # a regulation does not change: its dates are gathered once
        dates = _DATES[reg] = reg.change_dates()
    return bisect.bisect_right(dates, day)


def plan_of(reg: Regulation, day: dt.date) -> KernelPlan | str:
    period = period_of(reg, day)
    with _LOCK:
        plans = _PLANS.setdefault(reg, {})
        found = plans.get(period)
        if found is None:
            try:
                found = plan(reg, day)
            except Unsupported as exc:
                found = f"not compiled: {exc}"
            plans[period] = found
    return found


# -- compiling ----------------------------------------------------------------------------------


def cache_dir() -> Path | None:
    """The private folder for generated modules and numba's cache, or None (memory only)."""
    setting = os.environ.get(CACHE_ENV)
    if setting is not None and setting.strip().lower() in ("", "0", "off", "none", "false"):
        return None
    if setting:
        path = Path(setting).expanduser()
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        path = Path(base) / "maatwerk" / "kernels"
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = path.stat()
    except OSError:
        return None
    # numba's cache holds pickles: use the folder only when no one else can write to it
    if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return None
    return path


_PRIVATE: list[Path] = []


def _private_dir() -> Path:
    """A folder of this process only, removed when it exits (kernels are not kept on disk)."""
    if not _PRIVATE:
        _PRIVATE.append(Path(tempfile.mkdtemp(prefix="maatwerk-kernels-")))
        atexit.register(shutil.rmtree, _PRIVATE[0], ignore_errors=True)
    return _PRIVATE[0]


def load(source: str) -> Callable[..., int]:
    """The ``kernel`` function of a generated module (compiled on its first call)."""
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
    with _LOCK:
        fn = _FUNCTIONS.get(digest)
        if fn is not None:
            return fn
        folder = cache_dir()
        if folder is None:
            folder = _private_dir()
            source = source.replace("CACHE = True", "CACHE = False")
        name = f"mw_kernel_{digest[:40]}"
        path = folder / f"{name}.py"
        try:
            current = path.read_text(encoding="utf-8") if path.exists() else None
        except OSError:
            current = None
        if current != source:  # never import a file we did not write
            scratch = folder / f".{name}.{os.getpid()}.tmp"
            scratch.write_text(source, encoding="utf-8")
            os.replace(scratch, path)
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # numba's cache finds the module's globals by its name
        spec.loader.exec_module(module)
        compiled: Callable[..., int] = module.kernel
        _FUNCTIONS[digest] = compiled
        return compiled


def kernel_for(reg: Regulation, day: dt.date, layout: Layout) -> Kernel | str:
    """The kernel of ``reg``'s period of ``day`` for ``layout`` (generated once), or why not."""
    kp = plan_of(reg, day)
    if isinstance(kp, str):
        return kp
    key = (period_of(reg, day), layout)
    with _LOCK:
        kernels = _KERNELS.setdefault(reg, {})
        found = kernels.get(key)
        if found is None:
            try:
                generated = generate(reg, kp, layout)
                found = Kernel(generated, load(generated.source))
            except Unsupported as exc:
                found = f"not compiled: {exc}"
            kernels[key] = found
    return found


def cached(reg: Regulation, day: dt.date, layout: Layout,
           signature: tuple[str, ...] | None = None) -> bool:
    """Whether the kernel for this layout (and these column types) has been compiled in this
    process."""
    kernels = _KERNELS.get(reg, {})
    found = kernels.get((period_of(reg, day), layout))
    if not isinstance(found, Kernel):
        return False
    return found.compiled if signature is None else signature in found.signatures


# -- running ------------------------------------------------------------------------------------


def run(kernel: Kernel, day: dt.date, population: Any, prepared: Prepared,
        threads: int | None = None) -> tuple[np.ndarray, ...] | int:
    """Run the kernel (on ``threads`` threads; default ``THREADS``); the output matrices, or
    the first row whose values are too large."""
    g = kernel.generated
    n = population.n
    lits = np.array([int(population.strings.code(t)) for t in g.texts] or [0], dtype=np.int64)
    limits = np.array(g.limits or (0,), dtype=np.int64)
    oi = np.empty((g.n_int, n), dtype=np.int64)
    ob = np.empty((g.n_bool, n), dtype=np.bool_)
    oc = np.empty((g.n_code, n), dtype=np.int32)
    od = np.empty((g.n_small, n), dtype=np.int8)
    op = np.empty((3, n if g.may_err or g.may_unknown else 0), dtype=np.int64)  # problems
    # every output row is an argument of its own (a view of its matrix)
    args = ((day - EPOCH).days, lits, limits, *prepared.arrays, *oi, *ob, *oc, *od, op)
    signature = prepared.signature()
    if signature not in kernel.signatures:  # compile (or load from the disk cache)
        start = time.perf_counter()
        kernel.fn(0, 0, *args)  # on an empty range, for these column types
        kernel.signatures.add(signature)
        kernel.compiled = True
        kernel.compile_seconds += time.perf_counter() - start
    threads = max(1, min(threads or THREADS, n // PARALLEL_MIN_ROWS))
    ranges = [(0, n)]
    if threads == 1:
        returned = [int(kernel.fn(0, n, *args))]
    else:  # the kernel releases the GIL: row ranges side by side, each writing its own rows
        bounds = [int(b) for b in np.linspace(0, n, threads * 4 + 1)]
        ranges = [(a, b) for a, b in itertools.pairwise(bounds) if b > a]
        futures = [_pool(threads).submit(kernel.fn, a, b, *args) for a, b in ranges]
        returned = [int(f.result()) for f in futures]
    bad = [row for row in returned if row >= 0]
    if bad:
        return min(bad)
    # a range returns -1 - (how many of its cases it listed at its start in op)
    listed = [op[:, a:a - 1 - r] for (a, _), r in zip(ranges, returned, strict=True) if r < -1]
    return oi, ob, oc, od, np.concatenate(listed, axis=1) if listed else op[:, :0]


_POOLS: dict[int, ThreadPoolExecutor] = {}


def _pool(threads: int) -> ThreadPoolExecutor:
    with _LOCK:
        pool = _POOLS.get(threads)
        if pool is None:
            pool = ThreadPoolExecutor(threads, thread_name_prefix="maatwerk-kernel")
            _POOLS[threads] = pool
        return pool


@functools.lru_cache(maxsize=64)
def _zeros(n: int, dtype: Any) -> np.ndarray:
    """``n`` zeros that cost nothing: one zero, broadcast (read-only, so shared by results)."""
    return np.broadcast_to(np.zeros(1, dtype=dtype), (n,))


def _column(spec: OutSpec, oi: np.ndarray, ob: np.ndarray, oc: np.ndarray) -> Col:
    value: Any
    if spec.kind == "bool":
        value = ob[spec.row]
    elif spec.kind == "code":
        value = oc[spec.row]
    elif spec.kind == "date":
        value = oi[spec.row].view("datetime64[D]")
    elif spec.den is None:
        value = r.Q(oi[spec.row], oi[spec.den_row])
    else:
        value = r.Q(oi[spec.row], spec.den)
    return Col(value, oi[spec.unk_row] if spec.unk_row >= 0 else None,
               oi[spec.err_row] if spec.err_row >= 0 else None)


def attempt(reg: Regulation, day: dt.date, population: Any, *, compile_small: bool = True,
            threads: int | None = None) -> tuple[Any, str]:
    """The population decided by the kernel: (``Result``, "") or (None, why it could not)."""
    from maatwerk.engine.vector.evaluate import Result

    if not available():
        return None, "numba is not installed"
    kp = plan_of(reg, day)
    if isinstance(kp, str):
        return None, kp
    prepared = prepare(reg, kp, population)
    if isinstance(prepared, str):
        return None, prepared
    if not compile_small and not cached(reg, day, prepared.layout, prepared.signature()):
        return None, "a small population and no compiled kernel yet"
    kernel = kernel_for(reg, day, prepared.layout)
    if isinstance(kernel, str):
        return None, kernel
    outcome = run(kernel, day, population, prepared, threads)
    if isinstance(outcome, int):
        return None, f"row {outcome} has a value beyond the kernel's overflow proof"
    oi, ob, oc, od, problems = outcome
    g = kernel.generated
    n = population.n
    outputs = {o: _column(spec, oi, ob, oc) for o, spec in g.outputs.items()}
    standard = outputs if g.standard is None else {
        o: outputs[o] if spec is g.outputs[o] else _column(spec, oi, ob, oc)
        for o, spec in g.standard.items()}
    error, unknown, status = _zeros(n, np.int64), _zeros(n, np.int64), _zeros(n, np.int64)
    if problems.shape[1]:
        rows = problems[0]
        error, unknown = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
        error[rows], unknown[rows] = problems[1], problems[2]
        status = np.zeros(n, dtype=np.int64)
        status[rows] = np.where(problems[1] != 0, 2, np.where(problems[2] != 0, 1, 0))
    if population.invalid is not None:
        error = error | population.invalid
        status = np.where(error != 0, 2, np.where(unknown != 0, 1, 0))
    categories = {name: ob[row] for name, row in g.categories.items()}
    deciding = {o: od[g.deciding[o]] if o in g.deciding else _zeros(n, np.int8)
                for o in reg.outputs}
    result = Result(reg, day, n, outputs, standard, categories, status, error, unknown,
                    deciding, population.bits, population.strings, backend="kernel")
    return result, ""


__all__ = ["AUTO_MIN_ROWS", "CACHE_ENV", "PARALLEL_MIN_ROWS", "THREADS", "Kernel",
           "KernelUnavailable", "Layout", "Prepared", "attempt", "available", "cache_dir",
           "cached", "kernel_for", "load", "period_of", "plan_of", "prepare", "run"]
