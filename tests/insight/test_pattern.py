"""What a cluster of deviations sets an output to: a parameter on the case's reference date, a
constant, a ratio to or a difference from the value before, whichever reproduces most of the
deviations exactly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from maatwerk.engine.check import load_checked
from maatwerk.insight.pattern import Member, literal, override, same, typed
from maatwerk.spec.model import Regulation
from maatwerk.spec.types import MONEY, TEXT
from tests.conftest import REGULATIONS

JANUARY, JULY = dt.date(2025, 1, 1), dt.date(2025, 7, 1)
COSTS = "round(kostendelerspercentage * norm_gehuwden, 2)"


@pytest.fixture(scope="module")
def bijstand() -> Regulation:
    return load_checked(REGULATIONS / "bijstand")


def test_a_parameter_on_the_reference_date(bijstand: Regulation) -> None:
    members = [Member(JANUARY, "961.04", "1345.45", COSTS),
               Member(JULY, "977.90", "1369.06", COSTS),
               Member(JULY, "977.90", "1369.06", COSTS)]
    found = override(bijstand, "bijstandsnorm", members)
    assert (found.formula, found.kind, found.matched, found.members) == (
        "norm_alleenstaand", "parameter", 3, 3)


def test_a_constant(bijstand: Regulation) -> None:
    members = [Member(JULY, "977.90", "1500", COSTS), Member(JANUARY, "961.04", "1500", COSTS),
               Member(JULY, "1369.06", "1500", "norm_alleenstaand")]
    found = override(bijstand, "bijstandsnorm", members)
    assert (found.formula, found.kind, found.matched) == ("€1500.00", "constant", 3)


def test_a_ratio_and_a_difference(bijstand: Regulation) -> None:
    before = ["977.90", "961.04", "1100.00"]
    ratio = [Member(JULY, b, str((Decimal(b) * Decimal("1.1")).quantize(Decimal("0.01"))),
                    COSTS) for b in before]
    found = override(bijstand, "bijstandsnorm", ratio)
    assert (found.formula, found.kind, found.matched) == (f"round(1.1 * ({COSTS}), 2)",
                                                         "ratio", 3)
    plus = [Member(JULY, b, str(Decimal(b) + 50), COSTS) for b in before]
    found = override(bijstand, "bijstandsnorm", plus)
    assert (found.formula, found.kind, found.matched) == (f"({COSTS}) + €50.00",
                                                         "difference", 3)


def test_relative_patterns_need_one_formula_before(bijstand: Regulation) -> None:
    members = [Member(JULY, "977.90", "1075.69", COSTS),
               Member(JULY, "1369.06", "1505.97", "norm_alleenstaand")]
    found = override(bijstand, "bijstandsnorm", members)
    assert found.kind == "constant" and found.matched == 1


def test_a_text_output(bijstand: Regulation) -> None:
    members = [Member(JULY, "geen_recht", "zeer_dringende_redenen")] * 4
    found = override(bijstand, "grondslag_bijstand", members)
    assert (found.formula, found.kind, found.matched) == ("'zeer_dringende_redenen'",
                                                         "constant", 4)


def test_values_and_literals() -> None:
    assert typed("1369.06", MONEY) == Decimal("1369.06")
    assert typed(None, MONEY) is None and typed("x", MONEY) is None
    assert literal(Decimal("1369.061"), MONEY) == "€1369.06"
    assert literal("a'b", TEXT) == "'a\\'b'"
    assert same(Decimal("1369.055"), Decimal("1369.06"), MONEY)  # rounded half up to cents
    assert not same(None, Decimal(1), MONEY)
