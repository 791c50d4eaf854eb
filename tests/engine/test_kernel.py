"""The compiled kernel agrees with the scalar engine, exactly, on every worked regulation and on
probes that use every construct of the language: outputs to the cent, the status, what is
missing, refusals, the categories applied and the deciding layer. Values beyond the kernel's
overflow proof, and columns it cannot read, send the batch to the numpy backend.

Kernels take a while to compile, so each test reuses the few column layouts of its regulation
(``_uniform``), and compiled kernels are kept for the session (on disk in a temporary folder).
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maatwerk.engine.decide import decide
from maatwerk.engine.vector import kernel
from maatwerk.engine.vector import rational as r
from maatwerk.engine.vector.columns import Col
from maatwerk.engine.vector.evaluate import Population
from maatwerk.engine.vector.evaluate import decide as vector_decide
from maatwerk.engine.vector.kernel_bounds import FLOAT_QUOTIENT
from maatwerk.engine.vector.kernel_dates import EPOCH, civil, days, fdiv, gcd, month_days
from maatwerk.spec.build import load
from maatwerk.spec.model import Regulation
from tests.conftest import regulation
from tests.engine.test_vector import (
    CATEGORIES,
    FEATURES,
    PATHS,
    _days,
    agrees,
    generate,
)

_CACHE = tempfile.mkdtemp(prefix="maatwerk-test-kernels-")
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)
os.environ[kernel.CACHE_ENV] = _CACHE

pytestmark = pytest.mark.skipif(not kernel.available(), reason="numba is not installed")

ZORGTOESLAG = next(p for p in PATHS if Path(p).name == "zorgtoeslag")
DAY = dt.date(2025, 6, 1)


def _uniform(reg: Regulation, pop: Population, masked: bool) -> Population:
    """Columns in the layout the other tests use: amounts in cents and, when ``masked``, an
    unknown mask on every input (so that a few kernels serve many populations)."""
    for name, inp in reg.inputs.items():
        col = pop.cols[name]
        value = col.value
        if inp.type.kind in ("decimal", "money") and isinstance(value, r.Q) and np.ndim(
                value.den) == 0 and 100 % int(value.den) == 0 and np.ndim(value.num) == 1:
            value = r.Q(np.asarray(value.num) * (100 // int(value.den)), 100)
        unknown = col.unknown
        if masked and unknown is None:
            unknown = np.zeros(pop.n, dtype=np.int64)
        pop.cols[name] = Col(value, unknown, col.error)
    return pop


def population(reg: Regulation, cases: list[dict[str, Any]], masked: bool) -> Population:
    columns = {name: [c.get(name) for c in cases] for name in reg.inputs}
    return _uniform(reg, Population(reg, columns, n=len(cases)), masked)


def check(reg: Regulation, day: dt.date, cases: list[dict[str, Any]], masked: bool) -> None:
    """The kernel's decisions are the scalar engine's, case by case."""
    result = vector_decide(reg, day, population(reg, cases, masked), backend="kernel")
    assert result.backend == "kernel"
    agrees(reg, day, cases, result)


def compiled(reg: Regulation, day: dt.date, pop: Population
             ) -> tuple[kernel.Prepared, kernel.Kernel]:
    """The population laid out for its kernel, and the kernel."""
    kp = kernel.plan_of(reg, day)
    assert not isinstance(kp, str), kp
    prepared = kernel.prepare(reg, kp, pop)
    assert isinstance(prepared, kernel.Prepared), prepared
    found = kernel.kernel_for(reg, day, prepared.layout)
    assert isinstance(found, kernel.Kernel), found
    return prepared, found


def complete(reg: Regulation, cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in cases if all(name in c for name in reg.inputs)]


# -- the calendar in integers -------------------------------------------------------------------


def test_calendar_functions_agree_with_datetime() -> None:
    first, last = dt.date(1, 1, 1), dt.date(9999, 12, 31)
    samples = list(range((first - EPOCH).days, (last - EPOCH).days + 1, 97))
    samples += [(d - EPOCH).days for d in (first, last, dt.date(1970, 1, 1), dt.date(2000, 2, 29),
                                           dt.date(1900, 3, 1), dt.date(2100, 2, 28))]
    for n in samples:
        day = EPOCH + dt.timedelta(days=n)
        assert civil(n) == (day.year, day.month, day.day)
        assert days(day.year, day.month, day.day) == n
    for year in (1900, 2000, 2023, 2024, 2100):
        for month in range(1, 13):
            following = dt.date(year + month // 12, month % 12 + 1, 1)
            assert month_days(year, month) == (following - dt.date(year, month, 1)).days
    assert [gcd(12, 18), gcd(-12, 18), gcd(7, 0), gcd(0, 5)] == [6, 6, 7, 5]


def test_division_by_a_constant_from_a_float_estimate_is_exact() -> None:
    """``fdiv`` floors like ``//`` wherever the proof lets the kernel use it: a quotient of at
    most ``FLOAT_QUOTIENT`` in magnitude, within int64."""
    g = np.random.default_rng(8)
    for d in (1, 2, 3, 7, 12, 100, 200_000, 10**12, 2**52 + 1):
        top = min(FLOAT_QUOTIENT * d, 2**62)
        xs = [int(x) for x in g.integers(-top, top, 5_000, endpoint=True)]
        xs += [top, -top, top - 1, 1 - top, 0, 1, -1]
        xs += [k * d + e for k in (-3, -1, 0, 1, 5, 2**40) for e in (-1, 0, 1)
               if abs(k * d + e) <= top]
        assert [fdiv(x, d) for x in xs] == [x // d for x in xs], d


# -- the worked regulations ---------------------------------------------------------------------


@pytest.mark.parametrize("path", PATHS, ids=lambda p: Path(p).name)
def test_kernel_agrees_with_scalar_on_complete_inputs(path: Path) -> None:
    reg = load(path)
    for n, day in enumerate(_days(reg)):
        check(reg, day, complete(reg, generate(reg, day, 400, seed=n)), masked=False)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: Path(p).name)
def test_kernel_agrees_with_scalar_on_missing_inputs(path: Path) -> None:
    reg = load(path)
    days = _days(reg)
    check(reg, days[0], generate(reg, days[0], 300, seed=7), masked=True)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: Path(p).name)
def test_kernel_agrees_with_scalar_on_the_regulations_own_tests(path: Path) -> None:
    reg = load(path)
    if reg.references():  # its tests give the facts of the regulations it uses
        pytest.skip("decided through its chain")
    plain = [c for c in reg.tests if not (c.assessment or c.deviations or c.considerations)]
    first = _days(reg)[0]
    for day in sorted({c.date for c in plain}):
        if reg.valid_on(day) and kernel.period_of(reg, day) == kernel.period_of(reg, first):
            check(reg, day, [dict(c.inputs) for c in plain if c.date == day], masked=True)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10**6), which=st.sampled_from(PATHS))
def test_kernel_agrees_with_scalar_property(seed: int, which: Path) -> None:
    reg = load(which)
    day = _days(reg)[0] + dt.timedelta(days=seed % 200)
    if reg.valid_on(day) and kernel.period_of(reg, day) == kernel.period_of(reg, _days(reg)[0]):
        check(reg, day, generate(reg, day, 40, seed), masked=True)


# -- probes: every construct (tests/engine/test_vector.py) --------------------------------------

def test_kernel_on_every_construct() -> None:
    reg = regulation(FEATURES)
    first, second = dt.date(2025, 3, 1), dt.date(2025, 8, 1)
    check(reg, second, complete(reg, generate(reg, second, 500, seed=2)), masked=False)
    check(reg, first, generate(reg, first, 600, seed=3), masked=True)


@pytest.mark.parametrize("policy", ["unique", "first", "collect"])
def test_kernel_on_categories(policy: str) -> None:
    reg = regulation(CATEGORIES.replace("POLICY", policy))
    day = dt.date(2025, 3, 1)
    check(reg, day, complete(reg, generate(reg, day, 400, seed=4)), masked=False)
    check(reg, day, generate(reg, day, 400, seed=5), masked=True)


# -- exactness at the edges: rounding ties, overflow --------------------------------------------


def _zorgtoeslag_population(reg: Regulation, n: int, incomes: np.ndarray,
                            ages: np.ndarray | None = None) -> Population:
    g = np.random.default_rng(3)
    pop = Population(reg, {"leeftijd": g.integers(17, 90, n) if ages is None else ages}, n=n)
    pop.cols["is_verzekerd"] = Col(g.random(n) < .95)
    pop.cols["heeft_toeslagpartner"] = Col(g.random(n) < .4)
    pop.cols["toetsingsinkomen"] = Col(r.Q(incomes, 100))
    pop.cols["toetsingsinkomen_partner"] = Col(r.Q(g.integers(0, 4_000_000, n), 100))
    pop.cols["vermogen"] = Col(r.Q(g.integers(0, 20_000_000, n), 100))
    return pop


def same_result(a: Any, b: Any) -> None:
    """Two results of one population are the same, field by field (values of the persons who
    are decided: a refused person has none)."""
    n = a.n
    assert np.array_equal(a.status, b.status)
    assert np.array_equal(a.error, b.error)
    rows = np.flatnonzero(a.status != 2)
    assert np.array_equal(a.unknown[rows], b.unknown[rows])
    for o in a.regulation.outputs:
        x, y = a.outputs[o].value, b.outputs[o].value
        if isinstance(x, r.Q) or isinstance(y, r.Q):
            def wide(v: Any) -> Any:  # Python integers: the products below cannot overflow
                return np.broadcast_to(np.asarray(v), (n,))[rows].astype(object)
            assert np.all(wide(x.num) * wide(y.den) == wide(y.num) * wide(x.den)), o
        else:
            assert np.array_equal(np.broadcast_to(x, (n,))[rows],
                                  np.broadcast_to(y, (n,))[rows]), o
        assert np.array_equal(a.deciding_layer[o][rows], b.deciding_layer[o][rows]), o
    for name in a.categories:
        assert np.array_equal(a.categories[name], b.categories[name]), name


def test_rounding_boundaries_of_zorgtoeslag() -> None:
    """A dense sweep of incomes around the threshold and where the allowance ends, with the
    incomes whose allowance is exactly half a euro decided by the scalar engine too."""
    reg = load(ZORGTOESLAG)
    threshold = 2_840_600  # drempelinkomen 2025 in cents
    # a tie: 2112 - 1.896% * 28406 - 13.7% * (income - 28406) has half a euro; with income in
    # cents that is 137 * (income - threshold) = 92224 (mod 100000)
    first_tie = threshold + 92224 * pow(137, -1, 100_000) % 100_000
    sweep = np.concatenate([np.arange(threshold - 3_000, threshold + 3_000),
                            np.arange(first_tie - 2_000, first_tie + 2_000),
                            np.arange(first_tie + 400_000, first_tie + 410_000),
                            np.arange(3_970_000, 3_990_000)]).astype(np.int64)
    pop = _zorgtoeslag_population(reg, sweep.size, sweep)
    fast = vector_decide(reg, DAY, pop, backend="kernel")
    same_result(fast, vector_decide(reg, DAY, pop, backend="numpy"))
    # ties: 2 * 2112 - 1.896% * 28406 - 13.7% * (income - 28406) = k + 1/2
    above = [max(Fraction(0), Fraction(int(c), 100) - 28406) for c in sweep]
    ties = [i for i in range(sweep.size) if (Fraction(2112) - Fraction(1896, 100_000) * 28406
                                             - Fraction(137, 1000) * above[i]).denominator == 2]
    assert ties
    rows = ties[:40] + list(range(0, sweep.size, 997))
    for i in rows:
        case = {"leeftijd": int(pop.cols["leeftijd"].value.num[i]),
                "is_verzekerd": bool(pop.cols["is_verzekerd"].value[i]),
                "heeft_toeslagpartner": False,
                "toetsingsinkomen": Decimal(int(sweep[i])) / 100,
                "toetsingsinkomen_partner": 0, "vermogen": 0}
        single = population(reg, [case], masked=False)
        got = vector_decide(reg, DAY, single, backend="kernel").row(0)
        assert got == dict(decide(reg, DAY, case).outputs), case


def test_values_beyond_the_proof_fall_back_to_numpy() -> None:
    reg = load(ZORGTOESLAG)
    n = 50
    incomes = np.full(n, 3_000_000, dtype=np.int64)
    pop = _zorgtoeslag_population(reg, n, incomes)
    prepared, found = compiled(reg, DAY, pop)
    index = [s.name for s in prepared.layout].index("toetsingsinkomen")
    limit = found.generated.limits[index]
    assert limit >= 10**14  # a trillion euros and more fit
    # at the limit: the kernel, exactly
    incomes[7] = limit
    pop = _zorgtoeslag_population(reg, n, incomes)
    result = vector_decide(reg, DAY, pop, backend="kernel")
    assert result.backend == "kernel"
    same_result(result, vector_decide(reg, DAY, pop, backend="numpy"))
    # one cent beyond it: the whole batch goes to numpy, and is exact
    incomes[7] = limit + 1
    pop = _zorgtoeslag_population(reg, n, incomes)
    with pytest.raises(kernel.KernelUnavailable, match="overflow"):
        vector_decide(reg, DAY, pop, backend="kernel")
    fallback = vector_decide(reg, DAY, pop, backend="auto")
    assert fallback.backend == "numpy"
    case = {"leeftijd": 40, "is_verzekerd": True, "heeft_toeslagpartner": False,
            "toetsingsinkomen": Decimal(limit + 1) / 100, "toetsingsinkomen_partner": 0,
            "vermogen": 0}
    assert fallback.value("zorgtoeslag", 7) == 0
    assert dict(decide(reg, DAY, case).outputs)["zorgtoeslag"] == 0
    # the extremes of int64: beyond the proof, or below the declared minimum (refused)
    for extreme, refused in ((2**63 - 1, False), (2**62, False), (-(2**63), True)):
        incomes[7] = extreme
        pop = _zorgtoeslag_population(reg, n, incomes)
        if refused:
            assert vector_decide(reg, DAY, pop, backend="kernel").refusal(7) == "MW601"
        else:
            with pytest.raises(kernel.KernelUnavailable, match="overflow"):
                vector_decide(reg, DAY, pop, backend="kernel")


def test_big_integers_and_odd_denominators_go_to_numpy_or_are_normalised() -> None:
    reg = load(ZORGTOESLAG)
    n = 6
    pop = _zorgtoeslag_population(reg, n, np.arange(n, dtype=np.int64) * 1_000_000)
    # per-row denominators (a decimal column read from a file): over their power of ten
    cents = np.array([150, 1_000_001, 2_000_000, 3_000_050, 4_000_000, 5_000_000])
    pop.cols["toetsingsinkomen"] = Col(r.Q(cents, 100).reduced())
    assert isinstance(pop.cols["toetsingsinkomen"].value.den, np.ndarray)
    reference = vector_decide(reg, DAY, pop, backend="numpy")
    same_result(vector_decide(reg, DAY, pop, backend="kernel"), reference)
    # Python integers beyond int64: not for the kernel
    pop.cols["vermogen"] = Col(r.Q(np.array([10**30] * n, dtype=object)))
    with pytest.raises(kernel.KernelUnavailable, match="int64"):
        vector_decide(reg, DAY, pop, backend="kernel")
    assert vector_decide(reg, DAY, pop).backend == "numpy"


def test_narrow_integer_columns_are_read_as_they_are() -> None:
    """int32 and int16 columns (as a file of cents or ages holds them) are read by the kernel
    without widening them first, and decided as their int64 copies are; the numpy backend
    widens them before computing (int32 products would wrap around)."""
    reg = load(ZORGTOESLAG)
    n = 5_000
    g = np.random.default_rng(5)
    incomes = g.integers(0, 6_000_000, n)
    incomes[:4] = [2**31 - 1, 2**31 - 2, 15_700_000, 0]  # 137 x income leaves int32
    ages = g.integers(-3, 140, n)  # some outside 0-130: refused
    wide = _zorgtoeslag_population(reg, n, incomes, ages)
    narrow = Population(reg, {"leeftijd": ages.astype(np.int16)}, n=n)
    for name, col in wide.cols.items():
        if name != "leeftijd":
            value = col.value
            narrow.cols[name] = Col(r.Q(np.asarray(value.num).astype(np.int32), value.den)
                                    if isinstance(value, r.Q) else value)
    assert narrow.cols["leeftijd"].value.num.dtype == np.int16
    prepared, _ = compiled(reg, DAY, narrow)
    index = [s.name for s in prepared.layout].index("toetsingsinkomen")
    assert prepared.arrays[index] is narrow.cols["toetsingsinkomen"].value.num  # no copy
    reference = vector_decide(reg, DAY, wide, backend="numpy")
    assert reference.refusal(int(np.flatnonzero(ages < 0)[0])) == "MW601"
    same_result(vector_decide(reg, DAY, narrow, backend="kernel"), reference)
    same_result(vector_decide(reg, DAY, narrow, backend="numpy"), reference)
    product = r.mul(r.Q(np.array([2**31 - 1, -(2**31)], dtype=np.int32)), r.Q(2**31 - 1))
    assert np.asarray(product.num).tolist() == [(2**31 - 1) ** 2, -(2**31) * (2**31 - 1)]
    negated = r.neg(r.Q(np.array([-(2**31)], dtype=np.int32)))
    assert np.asarray(negated.num).tolist() == [2**31]


def test_a_value_beyond_the_proof_is_found_in_any_chunk() -> None:
    """The kernel runs in chunks of rows and finds the row beyond its proof after the chunk:
    the first such row of the population, wherever it is."""
    reg = load(ZORGTOESLAG)
    n = 6_000
    incomes = np.full(n, 3_000_000, dtype=np.int64)
    incomes[[4_321, 4_500, 5_999]] = 2**62
    pop = _zorgtoeslag_population(reg, n, incomes, np.full(n, -1))  # every row refused too
    with pytest.raises(kernel.KernelUnavailable, match="row 4321 "):
        vector_decide(reg, DAY, pop, backend="kernel", threads=1)
    assert vector_decide(reg, DAY, pop).backend == "numpy"


def test_kernel_and_numpy_agree_on_a_large_population(monkeypatch: pytest.MonkeyPatch) -> None:
    reg = load(ZORGTOESLAG)
    n = 30_000
    g = np.random.default_rng(11)
    ages = g.integers(-3, 140, n)  # some outside 0-130: refused (MW601)
    pop = _zorgtoeslag_population(reg, n, g.integers(0, 6_000_000, n), ages)
    assert pop.invalid is not None
    reference = vector_decide(reg, DAY, pop, backend="numpy")
    same_result(vector_decide(reg, DAY, pop, backend="kernel"), reference)
    # on three threads, each deciding its own ranges of rows (and listing its refusals)
    monkeypatch.setattr(kernel, "PARALLEL_MIN_ROWS", 1_000)
    same_result(vector_decide(reg, DAY, pop, backend="kernel", threads=3), reference)
    # missing values, listed by every range too
    missing = np.where(g.random(n) < 0.1, 1 << 3, 0).astype(np.int64)
    pop.cols["toetsingsinkomen"] = Col(pop.cols["toetsingsinkomen"].value, missing)
    _uniform(reg, pop, masked=True)  # the layout of the test with missing inputs above
    same_result(vector_decide(reg, DAY, pop, backend="kernel", threads=3),
                vector_decide(reg, DAY, pop, backend="numpy"))


# -- caching and the choice of backend ----------------------------------------------------------


def test_kernels_are_compiled_once_and_reused() -> None:
    reg = load(ZORGTOESLAG)
    cases = complete(reg, generate(reg, DAY, 50, seed=1))
    first = vector_decide(reg, DAY, population(reg, cases, masked=False), backend="kernel")
    assert first.backend == "kernel"
    _, found = compiled(reg, DAY, population(reg, cases, masked=False))
    assert found.compiled and found.compile_seconds > 0
    # another day of the same period, another regulation object with the same text: the same
    # compiled code
    _, again = compiled(load(ZORGTOESLAG), DAY + dt.timedelta(days=30),
                        population(reg, cases, masked=False))
    assert again.fn is found.fn
    # a small population under "auto": the kernel once it is compiled
    assert vector_decide(reg, DAY, population(reg, cases, masked=False)).backend == "kernel"
    fresh = regulation(CATEGORIES.replace("POLICY", "unique").replace("0.25", "0.2"))
    small = complete(fresh, generate(fresh, DAY, 20, seed=2))
    assert vector_decide(fresh, DAY, population(fresh, small, masked=False)).backend == "numpy"


NEW_PROCESS = """
import datetime as dt, sys
import numpy as np
from maatwerk.spec.build import load
from maatwerk.engine.vector import kernel, rational as r
from maatwerk.engine.vector.columns import Col
from maatwerk.engine.vector.evaluate import Population, decide
reg = load(sys.argv[1])
n = 10
pop = Population(reg, {"leeftijd": np.arange(20, 30)}, n=n)
pop.cols["is_verzekerd"] = Col(np.ones(n, dtype=bool))
pop.cols["heeft_toeslagpartner"] = Col(np.zeros(n, dtype=bool))
for name in ("toetsingsinkomen", "toetsingsinkomen_partner", "vermogen"):
    pop.cols[name] = Col(r.Q(np.arange(n, dtype=np.int64) * 250_000, 100))
result = decide(reg, dt.date(2025, 6, 1), pop, backend="kernel")
(found,) = [k for k in kernel._KERNELS[reg].values() if isinstance(k, kernel.Kernel)]
stats = found.fn.stats
print(result.value("zorgtoeslag", 9), sum(stats.cache_hits.values()),
      sum(stats.cache_misses.values()))
"""


def test_the_disk_cache_serves_a_new_process() -> None:
    """A kernel compiled once is loaded by a later process from numba's cache on disk."""
    for attempt in range(2):
        done = subprocess.run([sys.executable, "-c", NEW_PROCESS, str(ZORGTOESLAG)],
                              capture_output=True, text=True, check=True,
                              env={**os.environ, kernel.CACHE_ENV: _CACHE})
        amount, hits, misses = done.stdout.split()
        assert amount == "1573"  # an income of € 22,500 in 2025
        if attempt:  # the second process compiles nothing
            assert (hits, misses) == ("1", "0")
    folder = kernel.cache_dir()
    assert folder is not None and str(folder) == _CACHE
    assert list(folder.glob("mw_kernel_*.py"))
    assert list((folder / "__pycache__").glob("*.nbi"))  # numba's index of compiled code


def test_backend_is_checked() -> None:
    reg = load(ZORGTOESLAG)
    pop = population(reg, complete(reg, generate(reg, DAY, 5, 1)), masked=False)
    with pytest.raises(ValueError, match="backend"):
        vector_decide(reg, DAY, pop, backend="fortran")

