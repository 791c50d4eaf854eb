"""Which names a learned condition may test, and the facts of cases as columns of numbers."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from maatwerk.engine.check import load_checked
from maatwerk.insight.features import (
    BOOL,
    CHOICE,
    NUMBER,
    Vocabulary,
    columns,
    condition_features,
    fact_features,
    number,
)
from tests.conftest import REGULATIONS

BIJSTAND = load_checked(REGULATIONS / "bijstand")


def test_a_condition_tests_inputs_and_the_standard_layer_but_not_its_own_output() -> None:
    found = {f.name: f for f in condition_features(BIJSTAND, "bijstandsnorm")}
    assert {"leefvorm", "aantal_kostendelers", "vermogen", "leeftijd", "leefsituatie",
            "kostendelerspercentage"} <= set(found)
    # the output, what depends on it, what a category overrides, and dates are left out
    assert not {"bijstandsnorm", "uit_te_betalen", "bijstandsnorm_zonder_vakantietoeslag",
                "verlaging", "geboortedatum"} & set(found)
    assert found["leefvorm"].kind == CHOICE and found["leefvorm"].origin == "input"
    assert found["leefvorm"].values == ("alleenstaand", "alleenstaande_ouder", "gehuwd")
    assert found["aow_leeftijd_bereikt"].kind == BOOL
    assert (found["leeftijd"].kind, found["leeftijd"].origin) == (NUMBER, "rule")
    assert found["leefsituatie"].origin == "table"
    inputs = [f.origin for f in condition_features(BIJSTAND, "bijstandsnorm")]
    assert inputs == sorted(inputs, key=lambda o: o != "input")  # the facts come first


def test_the_facts_of_a_case_include_dates() -> None:
    found = {f.name: f for f in fact_features(BIJSTAND)}
    assert found["geboortedatum"].kind == NUMBER
    assert set(found) == set(BIJSTAND.inputs)


def test_columns_of_values() -> None:
    features = condition_features(BIJSTAND, "bijstandsnorm")
    rows = [{"leefvorm": "gehuwd", "aantal_kostendelers": 2, "vermogen": "1500.50",
             "leefsituatie": "gehuwd_21_tot_aow"},
            {"leefvorm": "alleenstaand", "aow_leeftijd_bereikt": True,
             "leefsituatie": "alleenstaand_aow"}]
    done, cols = columns(features, rows)
    assert cols["leefvorm"].tolist() == [2.0, 0.0]
    assert cols["vermogen"][0] == 1500.5 and math.isnan(cols["vermogen"][1])
    assert math.isnan(cols["aow_leeftijd_bereikt"][0]) and cols["aow_leeftijd_bereikt"][1] == 1
    situation = next(f for f in done if f.name == "leefsituatie")
    assert situation.values == ("alleenstaand_aow", "gehuwd_21_tot_aow")  # seen, sorted
    assert cols["leefsituatie"].tolist() == [1.0, 0.0]


def test_numbers_and_codes() -> None:
    assert number("2025-07-01") == float(dt.date(2025, 7, 1).toordinal())
    assert number("1369.06") == 1369.06 and number(3) == 3.0
    assert math.isnan(number(True)) and math.isnan(number("gehuwd"))
    text = next(f for f in fact_features(BIJSTAND) if f.kind == CHOICE)
    vocabulary = Vocabulary()
    assert vocabulary.code(text, "gehuwd") == text.values.index("gehuwd")
    assert np.isnan(vocabulary.code(text, None))
