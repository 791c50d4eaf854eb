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
from tests.conftest import REGULATIONS

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


def check(reg: Regulation, day: dt.date, cases: list[dict[str, Any]]) -> None:
    columns = {name: [c.get(name) for c in cases] for name in reg.inputs}
    result = vector_decide(reg, day, Population(reg, columns, n=len(cases)))
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
