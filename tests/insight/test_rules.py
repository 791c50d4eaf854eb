"""The rule learner of the crystallisation loop on synthetic columns with a planted truth: it
finds the planted conjunction, finds nothing in noise, writes round thresholds and the formula
language's literals, tests a value only where every covered case has it, and its chance
computation is the hypergeometric tail."""

from __future__ import annotations

import math

import numpy as np
import pytest

from maatwerk.insight.features import BOOL, CHOICE, NUMBER, Feature
from maatwerk.insight.rules import Literal, Settings, learn, log_tail, number_literal, quote
from maatwerk.spec.types import BOOL as BOOL_TYPE
from maatwerk.spec.types import INTEGER, MONEY, Type

FORMS = ("alleenstaand", "alleenstaande_ouder", "gehuwd")
LEEFVORM = Feature("leefvorm", CHOICE, Type("enum", FORMS, "leefvorm"), "input", FORMS)
SHARERS = Feature("aantal_kostendelers", NUMBER, INTEGER)
ASSETS = Feature("vermogen", NUMBER, MONEY)
AOW = Feature("aow_leeftijd_bereikt", BOOL, BOOL_TYPE)
PARTNER_AGE = Feature("leeftijd_partner", NUMBER, INTEGER, "rule")
FEATURES = [LEEFVORM, AOW, SHARERS, ASSETS, PARTNER_AGE]


def population(n: int = 2000, seed: int = 1) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    form = rng.integers(0, 3, n).astype(float)
    return {"leefvorm": form, "aantal_kostendelers": rng.integers(1, 4, n).astype(float),
            "vermogen": np.round(rng.lognormal(8, 1.5, n), 2),
            "aow_leeftijd_bereikt": (rng.random(n) < 0.2).astype(float),
            "leeftijd_partner": np.where(form == 2, rng.integers(21, 80, n), np.nan)}


def test_the_planted_conjunction_is_found_amid_noise() -> None:
    cols = population()
    rng = np.random.default_rng(2)
    planted = (cols["leefvorm"] == 1) & (cols["aantal_kostendelers"] >= 2)
    labels = (planted & (rng.random(planted.size) < 0.8)) | (rng.random(planted.size) < 0.03)
    [rule] = learn(FEATURES, cols, labels)
    assert {lit.formula() for lit in rule.literals} == {
        "leefvorm == 'alleenstaande_ouder'", "aantal_kostendelers >= 2"}
    assert rule.precision > 0.75 and rule.chance < 1e-50
    assert rule.positives == int((labels & planted).sum())


@pytest.mark.parametrize("seed", range(6))
def test_noise_gives_no_rule(seed: int) -> None:
    labels = np.random.default_rng(seed).random(2000) < 0.05
    assert learn(FEATURES, population(), labels) == []


def test_two_patterns_give_two_rules_and_thresholds_are_round() -> None:
    cols = population()
    rng = np.random.default_rng(3)
    first = (cols["leefvorm"] == 2) & (cols["vermogen"] < 1000)
    second = (cols["aow_leeftijd_bereikt"] == 1) & (cols["vermogen"] > 20000)
    labels = (first | second) & (rng.random(first.size) < 0.9)
    found = {rule.formula() for rule in learn(FEATURES, cols, labels)}
    assert len(found) == 2
    assert any("vermogen <= €1000" in f or "vermogen <= €995" in f for f in found), found
    assert any("aow_leeftijd_bereikt" in f and "vermogen >= €20" in f for f in found), found


def test_a_value_some_cases_lack_is_tested_only_after_a_test_that_excludes_them() -> None:
    cols = population()
    labels = (cols["leefvorm"] == 2) & (cols["leeftijd_partner"] >= 60)
    [rule] = learn(FEATURES, cols, labels)
    assert rule.formula() == "leefvorm == 'gehuwd' and leeftijd_partner >= 60"


def test_the_threshold_and_support_are_honoured() -> None:
    cols = population(400)
    planted = (cols["leefvorm"] == 1) & (cols["aantal_kostendelers"] >= 2)
    assert learn(FEATURES, cols, planted, Settings(min_support=int(planted.sum()) + 1)) == []
    assert learn(FEATURES, cols, planted, Settings(min_support=int(planted.sum())))


def test_literals_in_the_formula_language() -> None:
    assert number_literal(1500.5, "money") == "€1500.5"
    assert number_literal(20000.0, "money") == "€20000"
    assert number_literal(3.0, "integer") == "3"
    assert number_literal(0.125, "decimal") == "0.125"
    assert quote("d'Hondt") == "'d\\'Hondt'"
    assert Literal(AOW, "not").formula() == "not aow_leeftijd_bereikt"
    assert Literal(LEEFVORM, "==", 2).formula() == "leefvorm == 'gehuwd'"
    column = np.array([1.0, 2.0, np.nan])
    assert Literal(SHARERS, ">=", 2).mask(column).tolist() == [False, True, False]


def test_the_chance_is_the_hypergeometric_tail() -> None:
    def exact(total: int, positives: int, drawn: int, hits: int) -> float:
        return sum(math.comb(positives, x) * math.comb(total - positives, drawn - x)
                   for x in range(hits, min(positives, drawn) + 1)) / math.comb(total, drawn)

    for args in ((55, 14, 12, 10), (49, 14, 20, 12), (1000, 50, 40, 10), (30, 10, 10, 0)):
        assert math.exp(log_tail(*args)) == pytest.approx(exact(*args), rel=1e-9)
    assert log_tail(10, 2, 3, 3) == -math.inf
