"""Zorgtoeslag follows the statute exactly: the engine against an independent reference
computation in exact fractions, over many generated cases."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from maatwerk.engine.decide import decide
from maatwerk.spec.model import Regulation

# The facts (../shared/domain/zorgtoeslag-2025.md), per year:
# standaardpremie, % drempel single, % drempel partner, % above, drempelinkomen (practice),
# asset limits single / partner
YEARS = {
    2024: (1987, "1.879", "4.256", "13.67", 26819, 140213, 177301),
    2025: (2112, "1.896", "4.273", "13.700", 28406, 141896, 179429),
    2026: (2119, "1.912", "4.289", "13.73", 29736, 146011, 184633),
}


def reference(year: int, age: int, insured: bool, partner: bool, income: Decimal,
              partner_income: Decimal, assets: Decimal) -> tuple[int, int]:
    premie, p_single, p_partner, p_above, drempel, limit_single, limit_partner = YEARS[year]
    limit = limit_partner if partner else limit_single
    if age < 18 or not insured or assets > limit:
        return 0, 0
    pct = Fraction(p_partner if partner else p_single) / 100
    joint = Fraction(income) + (Fraction(partner_income) if partner else 0)
    norm = pct * drempel + Fraction(p_above) / 100 * max(Fraction(0), joint - drempel)
    amount = max(Fraction(0), (2 if partner else 1) * premie - norm)
    exact = Decimal(amount.numerator) / Decimal(amount.denominator)
    rounded = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if rounded < 24:
        return 0, 0
    monthly = int((Decimal(rounded) / 12).quantize(Decimal(1), rounding=ROUND_FLOOR))
    return rounded, monthly


money = st.decimals(min_value=0, max_value=80000, places=2)


@settings(max_examples=400, deadline=None)
@given(year=st.sampled_from(sorted(YEARS)), age=st.integers(0, 100), insured=st.booleans(),
       partner=st.booleans(), income=money, partner_income=money,
       assets=st.decimals(min_value=0, max_value=200000, places=0))
def test_amounts_equal_the_reference(zorgtoeslag: Regulation, year: int, age: int,
                                     insured: bool, partner: bool, income: Decimal,
                                     partner_income: Decimal, assets: Decimal) -> None:
    inputs = {"leeftijd": age, "is_verzekerd": insured, "heeft_toeslagpartner": partner,
              "toetsingsinkomen": income, "toetsingsinkomen_partner": partner_income,
              "vermogen": assets}
    d = decide(zorgtoeslag, dt.date(year, 6, 1), inputs)
    expected = reference(year, age, insured, partner, income, partner_income, assets)
    assert (d.outputs["zorgtoeslag"], d.outputs["zorgtoeslag_per_maand"]) == expected


def test_the_published_ceilings_follow_from_the_formula(zorgtoeslag: Regulation) -> None:
    day = dt.date(2025, 6, 1)
    base = {"leeftijd": 30, "is_verzekerd": True, "vermogen": 0}
    single = {**base, "heeft_toeslagpartner": False}
    assert decide(zorgtoeslag, day, {**single, "toetsingsinkomen": 39719}).outputs[
        "zorgtoeslag"] == 24
    assert decide(zorgtoeslag, day, {**single, "toetsingsinkomen": 39720}).outputs[
        "zorgtoeslag"] == 0
    couple = {**base, "heeft_toeslagpartner": True, "toetsingsinkomen_partner": 0}
    assert decide(zorgtoeslag, day, {**couple, "toetsingsinkomen": 50206}).outputs[
        "zorgtoeslag"] == 24
    assert decide(zorgtoeslag, day, {**couple, "toetsingsinkomen": 50207}).outputs[
        "zorgtoeslag"] == 0


def test_statutory_and_practice_drempelinkomen_are_both_in_the_trace(
        zorgtoeslag: Regulation) -> None:
    d = decide(zorgtoeslag, dt.date(2025, 6, 1), {
        "leeftijd": 30, "is_verzekerd": True, "heeft_toeslagpartner": False,
        "toetsingsinkomen": 20000, "vermogen": 0})
    [drempel] = [p for p in d.trace()["parameters"] if p["name"] == "drempelinkomen"]
    assert drempel["value"] == "28406"
    assert drempel["statutory"] == "28405.73"
    assert drempel["statutory_reference"] == "Wzt art. 1 lid 1 sub f"
    assert drempel["provenance"] == "practice"
    text = d.explanation("nl")
    assert "€ 28.406" in text and "€ 28.405,73" in text and "verschil € 0,27" in text
