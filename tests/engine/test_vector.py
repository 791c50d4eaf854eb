"""The vectorised backend agrees with the scalar engine, exactly, on every worked regulation:
outputs to the cent, the status, what is missing, refusals, the categories applied and the
deciding layer — on many generated cases including edge values (thresholds, zero, rounding
boundaries) and missing inputs."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maatwerk.engine.decide import decide
from maatwerk.engine.overlap import _candidates, _constants
from maatwerk.engine.vector.columns import CODES
from maatwerk.engine.vector.evaluate import Population
from maatwerk.engine.vector.evaluate import decide as vector_decide
from maatwerk.spec.build import discover, load
from maatwerk.spec.errors import DecisionError
from maatwerk.spec.model import Regulation
from tests.conftest import REGULATIONS, regulation

PATHS = discover([REGULATIONS])


def _values(reg: Regulation, name: str, day: dt.date, rng: random.Random) -> list[Any]:
    """Edge values from the regulation's own constants, plus ordinary random ones."""
    formulas = [f for rule in reg.rules.values() for f in rule.versions]
    formulas += [c.when for c in reg.categories.values()]
    formulas += [row.when for t in reg.tables.values() for row in t.rows]
    edges = _candidates(reg, name, _constants(reg, formulas, day), day)
    kind = reg.inputs[name].type.kind
    inp = reg.inputs[name]
    extra: list[Any] = []
    if kind in ("integer", "decimal", "money"):
        low = int(inp.minimum) if inp.minimum is not None else -1000
        high = int(inp.maximum) if inp.maximum is not None else 100_000
        for _ in range(6):
            v = rng.randint(low, high)
            extra.append(v if kind == "integer" else Decimal(v) + Decimal(rng.randint(0, 99)) /
                         100)
    elif kind == "date":
        extra = [day - dt.timedelta(days=rng.randint(0, 36500)) for _ in range(6)]
    return [*edges, *extra]


def generate(reg: Regulation, day: dt.date, count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    pools = {name: _values(reg, name, day, rng) for name in reg.inputs}
    cases = []
    for _ in range(count):
        case = {}
        for name, pool in pools.items():
            if pool and rng.random() > 0.08:  # now and then an input is missing
                case[name] = rng.choice(pool)
        cases.append(case)
    return cases


def _scalar(reg: Regulation, day: dt.date, case: dict[str, Any]) -> dict[str, Any]:
    try:
        d = decide(reg, day, case)
    except DecisionError as exc:
        return {"refused": exc.code}
    return {"status": d.status, "outputs": dict(d.outputs), "missing": d.missing,
            "categories": sorted(c.name for c in d.categories),
            "deciding": {o: d.deciding_layer[o] for o in d.outputs}}


def check(reg: Regulation, day: dt.date, cases: list[dict[str, Any]],
          backend: str = "numpy") -> None:
    columns = {name: [c.get(name) for c in cases] for name in reg.inputs}
    result = vector_decide(reg, day, Population(reg, columns, n=len(cases)), backend=backend)
    assert result.backend == backend
    agrees(reg, day, cases, result)


def agrees(reg: Regulation, day: dt.date, cases: list[dict[str, Any]], result: Any) -> None:
    """A vectorised result holds the scalar engine's decisions, case by case."""
    for i, case in enumerate(cases):
        expected = _scalar(reg, day, case)
        where = f"{reg.id} on {day}, case {case}"
        if "refused" in expected:
            assert result.status[i] == 2, f"{where}: scalar refused {expected['refused']}"
            codes = {c for bit, c in result_codes(result, i)}
            assert expected["refused"] in codes, f"{where}: {expected['refused']} vs {codes}"
            continue
        status = ["determined", "indeterminate", "refused"][int(result.status[i])]
        assert status == expected["status"], f"{where}: {status} vs {expected['status']}"
        assert result.row(i) == expected["outputs"], where
        assert result.missing(i) == expected["missing"], where
        cats = sorted(name for name, mask in result.categories.items() if mask[i])
        if expected["status"] == "determined":
            assert cats == expected["categories"], where
            for o, layer in expected["deciding"].items():
                assert result.layer(o, i) == layer, f"{where}: deciding layer of {o}"


def result_codes(result: Any, i: int) -> list[tuple[int, str]]:
    mask = int(result.error[i])
    return [(bit, code) for bit, code in CODES.items() if mask & bit]


def _days(reg: Regulation) -> list[dt.date]:
    days = [d for d in reg.change_dates() if reg.valid_on(d)]
    return sorted({*days, *(d + dt.timedelta(days=40) for d in days
                            if reg.valid_on(d + dt.timedelta(days=40)))})


@pytest.mark.parametrize("path", PATHS, ids=lambda p: Path(p).name)
def test_vector_agrees_with_scalar_on_generated_cases(path: Path) -> None:
    reg = load(path)
    for n, day in enumerate(_days(reg)):
        check(reg, day, generate(reg, day, 250, seed=n))


@pytest.mark.parametrize("path", PATHS, ids=lambda p: Path(p).name)
def test_vector_agrees_with_scalar_on_the_regulations_own_tests(path: Path) -> None:
    reg = load(path)
    if reg.references():  # its tests give the facts of the regulations it uses
        pytest.skip("decided through its chain: tests/engine/test_vector_chain.py")
    plain = [c for c in reg.tests if not (c.assessment or c.deviations or c.considerations)]
    for day in sorted({c.date for c in plain}):
        if reg.valid_on(day):
            check(reg, day, [dict(c.inputs) for c in plain if c.date == day])


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), which=st.sampled_from(PATHS))
def test_vector_agrees_with_scalar_property(seed: int, which: Path) -> None:
    reg = load(which)
    days = _days(reg)
    day = days[seed % len(days)]
    check(reg, day, generate(reg, day, 40, seed))


# Probes that use every construct of the language (also decided by the compiled kernel,
# tests/engine/test_kernel.py): per-row denominators, every rounding mode, the date functions
# and impossible dates, keyed look-ups without a key, every hit policy and aggregate, Kleene
# logic, and categories by each policy with parameter and rule overrides.

FEATURES = """
inputs:
  x: {type: integer, label: X, source: test, min: -500, max: 500}
  k: {type: integer, label: K, source: test, min: -5, max: 5}
  y: {type: decimal, label: Y, source: test}
  m: {type: money, label: M, source: test}
  d: {type: date, label: D, source: test}
  e:
    type: enum
    label: E
    source: test
    values: {laag: Laag, midden: Midden, hoog: Hoog}
  t: {type: text, label: T, source: test}
  b: {type: bool, label: B, source: test}
parameters:
  tarief:
    type: money
    keys: [laag, midden, hoog]
    values:
      - {from: 2025-01-01, value: {laag: 10.5, midden: 20.25, hoog: 33}, reference: r}
  factor:
    type: decimal
    values:
      - {from: 2025-01-01, value: 0.375, reference: r}
      - {from: 2025-07-01, value: 1.5%, reference: r}
  grensdatum:
    type: date
    values:
      - {from: 2025-01-01, value: 2000-02-29, reference: r}
  actief:
    type: bool
    values:
      - {from: 2025-01-01, value: true, reference: r}
rules:
  quotient:
    type: decimal
    formula: x / k
  mix:
    type: decimal
    formula: max(x / k, y) - min(abs(y), 3 / k)
  geschaald:
    type: decimal
    formula: quotient * factor - y / 0.25
  afgerond:
    type: decimal
    formula: >-
      round(y / 3, 2) + round_half_even(y / 4, 1) + floor(-y / 7) + ceil(y / 7, 1)
      + truncate(-y / 6, 2) + round_half_even(x / k) + truncate(x / k, 1)
  bedrag:
    type: money
    formula: >-
      round_euro(m * 1.5) + round_cents(m / 7) + floor_euro(m * factor)
      + round(m * quotient, 2)
  maanden_later:
    type: date
    formula: add_months(d, x)
  jaar_later:
    type: date
    formula: add_years(d, k)
  dagen_later:
    type: date
    formula: add_days(d, x * 1000)
  schrikkel:
    type: date
    formula: date(x + 2000, 2, 29)
  onderdelen:
    type: integer
    formula: >-
      year(d) * 10000 + month(d) * 100 + day(d) + completed_months(d, peildatum)
      + completed_years(grensdatum, d) + days_between(d, peildatum)
  opzoeken:
    type: money
    formula: tarief[t] + tarief[e] + tarief[if b then 'laag' else 'hoog']
  lid:
    type: bool
    formula: e in ['laag', 'midden'] and (t not in ['laag', 'x'] or b) and actief
  keuze:
    type: money
    formula: if b or x > 0 then m else (if x < -100 then €0 else m * 2)
  seizoen:
    type: bool
    formula: month(peildatum) > 6 or (b and day(peildatum) == 1)
tables:
  eerste:
    hit_policy: first
    rows:
      - {when: x > 100, then: "'groot'"}
      - {when: x > 0, then: "'klein'"}
      - {when: "x / k > 2", then: "'deling'"}
  uniek:
    hit_policy: unique
    type: money
    rows:
      - {when: x < 0, then: m}
      - {when: x > 10 and x < 50, then: m / 4}
      - {when: x >= 40, then: €1}
  som:
    hit_policy: collect
    aggregate: sum
    type: decimal
    rows:
      - {when: x > 0, then: y}
      - {when: b, then: x / k}
      - {when: e == 'hoog', then: 2.5}
  kleinste:
    hit_policy: collect
    aggregate: min
    type: decimal
    rows:
      - {when: x > 0, then: y}
      - {when: b, then: x / k}
    otherwise: "0"
  grootste:
    hit_policy: collect
    aggregate: max
    type: decimal
    rows:
      - {when: x > 0, then: y}
      - {when: b, then: 7}
  aantal:
    hit_policy: collect
    aggregate: count
    rows:
      - {when: x > 0, then: 1}
      - {when: b, then: x / k}
      - {when: y > 0, then: 1}
outputs: [quotient, mix, geschaald, afgerond, bedrag, maanden_later, jaar_later, dagen_later,
          schrikkel, onderdelen, opzoeken, lid, keuze, seizoen, eerste, uniek, som, kleinste,
          grootste, aantal]
"""

CATEGORIES = """
category_policy: POLICY
inputs:
  x: {type: integer, label: X, source: test, min: 0, max: 120}
  k: {type: integer, label: K, source: test, min: 0, max: 6}
  soort:
    type: enum
    label: Soort
    source: test
    values: {a: A, b: B}
  m: {type: money, label: M, source: test, min: 0}
parameters:
  tarief:
    type: money
    keys: [a, b]
    values:
      - {from: 2025-01-01, value: {a: 10, b: 20}, reference: r}
  factor:
    type: decimal
    values:
      - {from: 2025-01-01, value: 0.25, reference: r}
rules:
  basis:
    type: money
    formula: round_cents(m * factor) + tarief[soort]
  deel:
    type: money
    formula: round(basis / k, 2)
  totaal:
    type: money
    formula: basis + (if x > 60 then €5 else €0)
categories:
  jong:
    label: Jong
    when: x < 18
    legal_basis: art. 1
    precedence: 10
    parameters:
      tarief:
        values:
          - {from: 2025-01-01, value: {a: 1, b: 2.5}, reference: r}
  deler:
    label: Deler
    when: k > 1
    legal_basis: art. 2
    precedence: 20
    parameters:
      factor:
        values:
          - {from: 2025-01-01, value: 0.5, reference: r}
    rules:
      totaal: {formula: "basis / k"}
  oud:
    label: Oud
    when: x > 65 and soort == 'b'
    legal_basis: art. 3
    precedence: 20
    rules:
      totaal: {formula: "basis * 2"}
outputs: [basis, deel, totaal]
"""


@pytest.mark.parametrize("seed", [0, 1])
def test_vector_agrees_with_scalar_on_every_construct(seed: int) -> None:
    reg = regulation(FEATURES)
    for day in (dt.date(2025, 3, 1), dt.date(2025, 8, 1)):
        check(reg, day, generate(reg, day, 500, seed=seed))


@pytest.mark.parametrize("policy", ["unique", "first", "collect"])
def test_vector_agrees_with_scalar_on_categories(policy: str) -> None:
    reg = regulation(CATEGORIES.replace("POLICY", policy))
    check(reg, dt.date(2025, 3, 1), generate(reg, dt.date(2025, 3, 1), 500, seed=5))
