"""Funnel plots: exact binomial control limits, smoothed between whole counts; a unit is judged
against the limits at its own number of cases; by chance alone about one unit in five hundred
lies outside the 99.8 % limits."""

from __future__ import annotations

import math
import random
from decimal import Decimal

from maatwerk.insight.funnel import (
    MIN_CASES,
    Unit,
    funnel,
    grid,
    judge,
    limit,
    limits,
    quantiles,
)


def test_the_limits_are_the_binomial_quantiles() -> None:
    # B(100, 0.1): P(X <= 19) < 0.999 <= P(X <= 20), so the 99.9 % quantile lies in (19, 20]
    high = limit(100, 0.1, 0.999) * 100
    assert 19 < high <= 20
    # wider than the normal approximation in the upper tail (p small)
    assert high / 100 > 0.1 + 3.09 * math.sqrt(0.1 * 0.9 / 100)
    found = limits(100, 0.1)
    assert found["low_998"] < found["low_95"] < Decimal("0.1") < found["high_95"] < found[
        "high_998"]
    assert all(isinstance(v, Decimal) for v in found.values())


def test_the_funnel_narrows_with_more_cases() -> None:
    widths = [limit(n, 0.2, 0.999) - limit(n, 0.2, 0.001) for n in (10, 100, 1000, 10000)]
    assert widths == sorted(widths, reverse=True)
    assert limit(1_000_000, 0.5, 0.999) - 0.5 < 0.002


def test_degenerate_targets() -> None:
    assert quantiles(50, 0.0, (0.5,)) == [0.0]
    assert quantiles(50, 1.0, (0.5,)) == [50.0]
    assert limits(0, 0.3)["high_998"] == Decimal("0")


def test_a_unit_is_judged_at_its_own_number_of_cases() -> None:
    assert judge(150, 45, 0.08) == "high"
    assert judge(150, 12, 0.08) == "within"
    assert judge(150, 22, 0.08) == "warn_high"
    assert judge(150, 1, 0.2) == "low"
    assert judge(MIN_CASES - 1, MIN_CASES - 1, 0.01) == "within"  # too few to judge


def test_by_chance_about_one_in_five_hundred_is_an_outlier() -> None:
    rng = random.Random(7)
    outliers = warnings = 0
    units = 4000
    for _ in range(units):
        n = rng.randrange(20, 400)
        x = sum(rng.random() < 0.1 for _ in range(n))
        verdict = judge(n, x, 0.1)
        outliers += verdict in ("high", "low")
        warnings += verdict in ("warn_high", "warn_low")
    assert outliers / units < 0.006
    assert 0.02 < (outliers + warnings) / units < 0.08


def test_the_funnel_of_units() -> None:
    units = [Unit("a", 100, 10), Unit("b", 120, 11), Unit("c", 110, 40, (("team", "z"),)),
             Unit("d", 5, 5)]
    found = funnel(units)
    assert found["cases"] == 335 and found["count"] == 66
    assert found["target"] == Decimal("0.1970")
    assert found["outliers"] == ["c"]
    point = next(p for p in found["points"] if p["name"] == "c")
    assert point["team"] == "z" and point["rate"] == Decimal("0.3636")
    assert point["judgement"] == "high" and point["outlier"]
    assert next(p for p in found["points"] if p["name"] == "d")["judgement"] == "within"
    assert [x["cases"] for x in found["lines"]] == grid(120)
    assert funnel([])["target"] is None and funnel([])["lines"] == []


def test_the_lines_start_where_units_are_judged() -> None:
    steps = grid(500)
    assert steps[0] == MIN_CASES and steps[-1] == 550
    assert steps == sorted(set(steps))
