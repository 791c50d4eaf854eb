"""The engine's arithmetic equals exact rational arithmetic, and rounding is as named."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from maatwerk.engine import exact

amounts = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=4,
                      allow_nan=False, allow_infinity=False)
numbers = st.one_of(st.integers(-10**9, 10**9), amounts)


@given(numbers, numbers)
def test_add_sub_mul_are_exact(a: Decimal | int, b: Decimal | int) -> None:
    assert Fraction(exact.add(a, b)) == Fraction(a) + Fraction(b)
    assert Fraction(exact.sub(a, b)) == Fraction(a) - Fraction(b)
    assert Fraction(exact.mul(a, b)) == Fraction(a) * Fraction(b)


@given(numbers, numbers.filter(lambda x: x != 0))
def test_division_is_exact(a: Decimal | int, b: Decimal | int) -> None:
    assert Fraction(exact.div(a, b)) == Fraction(a) / Fraction(b)


@given(st.lists(numbers, min_size=2, max_size=12))
def test_long_products_stay_exact(values: list[Decimal | int]) -> None:
    result: Any = 1
    expected = Fraction(1)
    for v in values:
        result = exact.mul(result, v)
        expected *= Fraction(v)
    assert Fraction(result) == expected


def _reference_round(x: Fraction, places: int, mode: str) -> Fraction:
    scaled = x * 10**places
    floor = scaled.numerator // scaled.denominator
    rest = scaled - floor
    if mode == "floor":
        n = floor
    elif mode == "ceil":
        n = floor + (rest > 0)
    elif mode == "truncate":
        n = floor if scaled >= 0 else floor + (rest > 0)
    elif rest > Fraction(1, 2) or (rest == Fraction(1, 2) and (
            (mode == "round" and scaled > 0) or (mode == "round_half_even" and floor % 2))):
        n = floor + 1
    else:
        n = floor
    return Fraction(n, 10**places)


@given(st.fractions(min_value=-10**6, max_value=10**6, max_denominator=10**6),
       st.integers(0, 4), st.sampled_from(["round", "round_half_even", "floor", "ceil",
                                           "truncate"]))
def test_rounding_matches_its_definition(x: Fraction, places: int, mode: str) -> None:
    expected = _reference_round(x, places, mode)
    assert Fraction(exact.round_to(x, places, mode)) == expected
    if (x * 10**6).denominator == 1:  # representable as a decimal: the Decimal path agrees
        as_decimal = Decimal(x.numerator) / Decimal(x.denominator)
        assert Fraction(exact.round_to(as_decimal, places, mode)) == expected


def test_ties_round_away_from_zero_and_to_even() -> None:
    assert exact.round_to(Decimal("2.5"), 0, "round") == 3
    assert exact.round_to(Decimal("-2.5"), 0, "round") == -3
    assert exact.round_to(Decimal("2.5"), 0, "round_half_even") == 2
    assert exact.round_to(Fraction(1685, 2), 0, "round") == 843  # 842.5


def test_a_tie_hidden_by_a_non_terminating_division_is_exact() -> None:
    # 130/3 % of 1.95 is exactly 0.845: a 28-digit decimal would give 0.8449999... and round down
    share = exact.div(exact.add(40, exact.mul(30, 3)), 3)
    value = exact.mul(exact.div(share, 100), Decimal("1.95"))
    assert value == Fraction(169, 200)
    assert exact.round_to(value, 2, "round") == Decimal("0.85")


def test_normal_turns_terminating_fractions_back_into_decimals() -> None:
    assert exact.normal(Fraction(1, 8)) == Decimal("0.125")
    assert isinstance(exact.normal(Fraction(1, 3)), Fraction)


@given(numbers, numbers.filter(lambda x: x != 0), st.integers(0, 4),
       st.sampled_from(["round", "round_half_even", "floor", "ceil", "truncate"]))
def test_fused_division_and_rounding_equals_the_two_steps(a: Decimal | int, b: Decimal | int,
                                                          places: int, mode: str) -> None:
    assert exact.div_round(a, b, places, mode) == exact.round_to(exact.div(a, b), places, mode)
