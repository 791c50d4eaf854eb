"""Generated strict functions (``engine/codegen.py``) against the closures they stand in for: for
every rule and table the same value or the same error, and the same values computed, parameters
noted and branches taken, in the same order."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import pytest

from maatwerk.engine.compile import Compiler, Env, EvalProblem, Fn, Missing, _Unit
from maatwerk.engine.plan import Plan
from maatwerk.spec.build import load
from maatwerk.spec.errors import DecisionError
from maatwerk.spec.model import Formula, Regulation
from maatwerk.spec.values import coerce
from tests.conftest import REGULATIONS, regulation

DAY = dt.date(2025, 6, 1)


class _Closures(Compiler):
    """The strict closures only, as every formula was compiled before generated code."""

    def formula(self, formula: Formula, owner: str) -> Fn:
        return _Unit(self, formula, owner).compile(formula.expr)


def _closures(plan: Plan) -> dict[str, Fn]:
    compiler = _Closures(plan.params, plan.inputs, partial=False)
    funcs = {name: compiler.formula(f, name) for name, f in plan.formulas.items()}
    for name, table in plan.reg.tables.items():
        funcs[name] = compiler.table(table)
    for name in plan.reg.assessed():
        funcs[name] = compiler.reader(name)
    return funcs


def _evaluate(funcs: Mapping[str, Fn], inputs: Mapping[str, Any], day: dt.date,
              names: Sequence[str]) -> list[Any]:
    """Every name in turn in one state (so later names reuse earlier values), then the state."""
    env = Env(inputs, funcs, day, {}, {}, [])
    seen: list[Any] = []
    for name in names:
        try:
            value = env.get(name)
            seen.append(("value", name, type(value), value))
        except Missing as exc:
            seen.append(("missing", name, exc.name))
        except EvalProblem as exc:
            seen.append(("problem", name, exc.code, exc.message, exc.formula, exc.span, exc.got))
    seen.append(list(env.values.items()))
    seen.append(list(env.used.items()))
    seen.append(list(env.branches))
    return seen


def _agree(plan: Plan, closures: Mapping[str, Fn], inputs: Mapping[str, Any], *,
           apart: bool = False) -> None:
    """The same for all names in one state, and (``apart``) for each from an empty state."""
    reg = plan.reg
    names = [n for n in reg.order if n in plan.formulas or n in reg.tables]
    generated = _evaluate(plan.funcs, inputs, plan.day, names)
    assert generated == _evaluate(closures, inputs, plan.day, names)
    for name in names if apart else ():
        assert (_evaluate(plan.funcs, inputs, plan.day, [name])
                == _evaluate(closures, inputs, plan.day, [name]))


def _variants(values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The values, each one left out, numbers scaled and negated, and truth values flipped."""
    out = [dict(values)]
    for name, value in values.items():
        out.append({k: v for k, v in values.items() if k != name})
        if isinstance(value, bool):
            out.append({**values, name: not value})
        elif isinstance(value, (int, Decimal)):
            for factor in (0, -1, 3, Decimal("0.37")):
                changed = value * factor
                out.append({**values, name: int(changed) if isinstance(value, int) else changed})
    return out


def _plans(reg: Regulation, day: dt.date) -> list[Plan]:
    found = []
    cats = list(reg.categories.values())
    for chosen in [(), *((c,) for c in cats), tuple(cats)]:
        try:
            found.append(Plan(reg, day, chosen))
        except DecisionError:  # a category's parameter has no value on this day
            continue
    return found


def _case_values(reg: Regulation, case: Any) -> dict[str, Any]:
    values = {k: coerce(v, reg.inputs[k].type) for k, v in case.inputs.items()
              if k in reg.inputs and v is not None}
    frame = reg.assessment
    if frame is not None and case.assessment is not None:
        values[frame.provision] = case.assessment.provision
        values[frame.amount] = coerce(case.assessment.amount, frame.amount_type)
    return values


@pytest.mark.parametrize("folder", sorted(p.name for p in REGULATIONS.iterdir()))
def test_every_rule_of_the_worked_regulations(folder: str) -> None:
    reg = load(REGULATIONS / folder)
    days = sorted({case.date for case in reg.tests})
    for day in days:
        cases = [c for c in reg.tests if c.date == day]
        for plan in _plans(reg, day):
            closures = _closures(plan)
            for case in cases:
                values = _case_values(reg, case)
                _agree(plan, closures, values, apart=True)
                for inputs in _variants(values):
                    _agree(plan, closures, inputs)


PROBE = """
inputs:
  a: {type: integer, label: A, source: test}
  b: {type: integer, label: B, source: test}
  m: {type: money, label: M, source: test}
  d: {type: date, label: D, source: test}
  j: {type: bool, label: J, source: test}
parameters:
  tarief:
    type: decimal
    values: [{from: 2025-01-01, value: 12.5%, reference: art. 1}]
  grens:
    type: money
    keys: [laag, hoog]
    values: [{from: 2025-01-01, value: {laag: 100, hoog: 200.50}, reference: art. 2}]
  getal:
    type: integer
    values: [{from: 2025-01-01, value: 7, reference: art. 3}]
rules:
  deling:
    formula: m / a
  afgerond:
    formula: round(m / a, 2) + floor_euro(m / 3) + round_cents(m * tarief)
  derde:
    formula: (1 / 3) * 3 + a - (2 / 3) * b
  gemengd:
    formula: m * 2 - m * tarief + €1 * (a + b * getal - getal * 2)
  negatief:
    formula: -m * 5% - €1 * abs(a - b)
  datum:
    formula: add_months(d, a * 10000)
  jaren:
    formula: completed_years(d, peildatum) + year(d) - max(a, b, getal)
  keuze:
    formula: grens[if a > b then 'hoog' else 'laag'] * tarief
  lid:
    formula: a in [1, 2, b, getal] or m not in [€1, €2.50]
  logica:
    formula: (a > 1 and (b < 3 or not (a == b))) or j
  gebruik:
    formula: if lid and logica then deling + keuze else gemengd - afgerond
  samen:
    formula: gebruik + negatief + €1 * (derde + punten + jaren)
tables:
  punten:
    hit_policy: collect
    aggregate: sum
    rows:
      - {when: a > 0, then: a * tarief}
      - {when: b > 0 and j, then: getal * tarief}
      - {when: m > €10, then: deling / €3}
outputs: [samen, datum, afgerond]
"""


def test_every_construct() -> None:
    reg = regulation(PROBE)
    base: dict[str, Any] = {"a": 3, "b": 2, "m": Decimal("10.25"), "d": dt.date(1990, 2, 28),
                            "j": True}
    plan = Plan(reg, DAY)
    closures = _closures(plan)
    for a, b, m in itertools.product((0, 1, 3, -7, 12), (0, 2, 7), ("0", "10.25", "-3.333")):
        for inputs in _variants({**base, "a": a, "b": b, "m": Decimal(m)}):
            _agree(plan, closures, inputs, apart=True)


def test_a_formula_nested_too_deeply_keeps_its_closures() -> None:
    deep = " else ".join(f"if a < {i} then {i * 10}" for i in range(45)) + " else a"
    reg = regulation(f"""
inputs:
  a: {{type: integer, label: A, source: test}}
rules:
  diep:
    formula: {deep}
  ondiep:
    formula: diep + 1
outputs: [ondiep]
""")
    plan = Plan(reg, DAY)
    assert plan.funcs["diep"].__code__.co_filename != "<formula diep>"  # a closure
    assert plan.funcs["ondiep"].__code__.co_filename == "<formula ondiep>"
    for a in (-1, 0, 5, 44, 45, 100):
        _agree(plan, _closures(plan), {"a": a}, apart=True)
