from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from maatwerk.engine.decide import Decider, decide
from maatwerk.spec.errors import DecisionError
from tests.conftest import regulation

DAY = dt.date(2025, 7, 1)

NORMS = """
category_policy: collect
inputs:
  leeftijd: {type: integer, label: Leeftijd, source: BRP, min: 0, max: 130}
  heeft_partner: {type: bool, label: Partner, source: BRP}
  kostendelers: {type: integer, label: Kostendelers, source: BRP, min: 1}
parameters:
  norm_alleen:
    type: money
    values:
      - {from: 2025-01-01, value: 1345.45, reference: art. 21 sub a}
      - {from: 2025-07-01, value: 1369.06, reference: art. 21 sub a}
  norm_gehuwd:
    type: money
    values:
      - {from: 2025-01-01, value: 1922.07, reference: art. 21 sub b}
      - {from: 2025-07-01, value: 1955.80, reference: art. 21 sub b}
rules:
  norm:
    formula: norm_alleen
  vakantiegeldloos:
    formula: round_cents(95% * norm)
categories:
  gehuwd:
    label: Gehuwd
    when: heeft_partner
    legal_basis: {title: Participatiewet, article: art. 21 sub b}
    precedence: 1
    rules:
      norm: {formula: norm_gehuwd}
  kostendeler:
    label: Kostendeler
    when: kostendelers > 1
    legal_basis: {title: Participatiewet, article: art. 22a}
    precedence: 2
    rules:
      norm: {formula: "round(((40 + 30 * kostendelers) / kostendelers)% * norm_gehuwd, 2)"}
outputs: [norm, vakantiegeldloos]
"""


@pytest.fixture(scope="module")
def norms() -> Decider:
    return Decider(regulation(NORMS))


def test_standard_layer_when_no_category_applies(norms: Decider) -> None:
    d = norms.decide(DAY, {"leeftijd": 30, "heeft_partner": False, "kostendelers": 1})
    assert d.status == "determined"
    assert d.outputs == {"norm": Decimal("1369.06"), "vakantiegeldloos": Decimal("1300.61")}
    assert d.deciding_layer == {"norm": "standard", "vakantiegeldloos": "standard"}
    assert [layer.name for layer in d.layers] == ["standard"]


def test_category_layer_is_kept_apart_and_named(norms: Decider) -> None:
    d = norms.decide(DAY, {"leeftijd": 30, "heeft_partner": True, "kostendelers": 1})
    assert d.standard("norm") == Decimal("1369.06")
    assert d.outputs["norm"] == Decimal("1955.80")
    assert d.deciding_layer["norm"] == "category"
    assert [c.name for c in d.categories] == ["gehuwd"]


@pytest.mark.parametrize(("sharers", "norm"), [(2, "977.90"), (3, "847.51"), (4, "782.32"),
                                               (5, "743.20")])
def test_higher_precedence_wins_and_rounding_is_half_up(norms: Decider, sharers: int,
                                                         norm: str) -> None:
    d = norms.decide(DAY, {"leeftijd": 30, "heeft_partner": True, "kostendelers": sharers})
    assert d.outputs["norm"] == Decimal(norm)
    assert [c.name for c in d.categories] == ["gehuwd", "kostendeler"]


def test_reference_date_selects_the_values(norms: Decider) -> None:
    before = norms.decide(dt.date(2025, 6, 30), {"leeftijd": 30, "heeft_partner": False,
                                                 "kostendelers": 1})
    assert before.outputs["norm"] == Decimal("1345.45")


def test_missing_inputs_make_it_indeterminate_never_zero(norms: Decider) -> None:
    d = norms.decide(DAY, {"leeftijd": 30})
    assert d.status == "indeterminate"
    assert d.outputs == {}
    assert d.missing == ("heeft_partner", "kostendelers")


def test_unique_policy_refuses_two_matching_categories() -> None:
    reg = regulation(NORMS.replace("category_policy: collect", "category_policy: unique"))
    with pytest.raises(DecisionError) as info:
        decide(reg, DAY, {"leeftijd": 30, "heeft_partner": True, "kostendelers": 2})
    assert info.value.code == "MW606"
    assert "'gehuwd'" in info.value.message and "'kostendeler'" in info.value.message


def test_collect_without_distinct_precedence_is_refused() -> None:
    reg = regulation(NORMS.replace("precedence: 2", "precedence: 1"))
    with pytest.raises(DecisionError) as info:
        decide(reg, DAY, {"leeftijd": 30, "heeft_partner": True, "kostendelers": 2})
    assert info.value.code == "MW606"
    assert "both change norm" in info.value.message


def test_first_policy_takes_the_highest_precedence() -> None:
    reg = regulation(NORMS.replace("category_policy: collect", "category_policy: first"))
    d = decide(reg, DAY, {"leeftijd": 30, "heeft_partner": True, "kostendelers": 3})
    assert [c.name for c in d.categories] == ["kostendeler"]


def test_all_input_problems_are_named_at_once(norms: Decider) -> None:
    with pytest.raises(DecisionError) as info:
        norms.decide(DAY, {"leeftijd": "oud", "heeft_partner": "misschien", "kostendeler": 2})
    message = info.value.message
    assert message.startswith("3 inputs are invalid")
    assert "leeftijd: expected a whole number" in message
    assert "heeft_partner: expected true or false" in message
    assert "'kostendeler' is not an input of probe; did you mean 'kostendelers'?" in message


def test_bounds_of_inputs(norms: Decider) -> None:
    with pytest.raises(DecisionError, match="must be at least 1"):
        norms.decide(DAY, {"leeftijd": 30, "heeft_partner": False, "kostendelers": 0})


def test_reference_date_outside_validity(norms: Decider) -> None:
    with pytest.raises(DecisionError) as info:
        norms.decide(dt.date(2026, 1, 1), {})
    assert info.value.code == "MW603"
    assert "applies from 2025-01-01 until 2025-12-31" in info.value.message


def test_division_by_zero_names_the_formula() -> None:
    reg = regulation("""
inputs:
  n: {type: integer, label: N, source: test}
rules:
  q:
    formula: 10 / n
outputs: [q]
""")
    with pytest.raises(DecisionError) as info:
        decide(reg, DAY, {"n": 0})
    assert info.value.code == "MW605"
    assert str(info.value.position) == "probe.yaml:13:14"


def test_none_counts_as_missing(norms: Decider) -> None:
    d = norms.decide(DAY, {"leeftijd": 30, "heeft_partner": None, "kostendelers": 1})
    assert d.missing == ("heeft_partner",)


def test_receipt() -> None:
    reg = regulation(NORMS)
    d = decide(reg, DAY, {"leeftijd": 30, "heeft_partner": False, "kostendelers": 1})
    receipt = d.receipt.to_json()
    assert receipt["regulation"] == "probe" and receipt["version"] == "1"
    assert receipt["sha256"] == reg.sha256 and receipt["peildatum"] == "2025-07-01"
