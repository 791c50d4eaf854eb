"""Deviations and assessments: bounded, refused with a reason, applied exactly, layered."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maatwerk.engine.decide import Decider
from maatwerk.spec.errors import DecisionError
from maatwerk.spec.records import read_assessment, read_deviations
from tests.conftest import regulation

DAY = dt.date(2025, 6, 1)
REG = """
category_policy: first
inputs:
  basis: {type: money, label: Basis, source: test, min: 0}
  partner: {type: bool, label: Partner, source: test}
rules:
  norm:
    formula: basis
  netto:
    formula: round_cents(95% * norm)
categories:
  samen:
    label: Samen
    when: partner
    legal_basis: Testwet art. 2
    rules:
      norm: {formula: basis * 2}
outputs: [norm, netto]
hardship:
  afstemming:
    label: Afstemming
    legal_basis: {title: Participatiewet, article: art. 18 lid 1}
    mode: always_consider
    outputs:
      norm: {min: "50% * standard", max: "2 * standard"}
    grounds:
      woonlasten: {label: Woonlasten}
      schulden: {label: Schulden, evidence: true}
    decider: {role: caseworker, unit: zuid}
    four_eyes: true
  groep:
    level: group
    label: Groepsregeling
    legal_basis: {title: Awir, article: art. 47}
    outputs: {netto: {}}
    grounds: {onbillijk: {label: Onbillijkheid}}
    decider: {role: policy_maker}
"""
MOTIVATION = "Woonlasten van 1100 euro per maand door een medische aanpassing."


def deviation(**changes: Any) -> Any:
    record: dict[str, Any] = {
        "clause": "afstemming", "output": "norm", "value": "1200", "ground": "woonlasten",
        "motivation": MOTIVATION, "proposer": {"id": "c1", "role": "caseworker", "unit": "zuid"},
        "approver": {"id": "a1", "role": "approver", "unit": "zuid"}}
    record.update(changes)
    return read_deviations(record)[0][0]


@pytest.fixture(scope="module")
def decider() -> Decider:
    return Decider(regulation(REG))


def test_an_accepted_deviation_is_the_deciding_layer(decider: Decider) -> None:
    d = decider.decide(DAY, {"basis": 1000, "partner": False}, deviations=[deviation()])
    assert d.outputs == {"norm": Decimal("1200"), "netto": Decimal("1140.00")}
    assert d.deciding_layer == {"norm": "deviation", "netto": "deviation"}
    assert [layer.name for layer in d.layers] == ["standard", "deviation"]
    [applied] = d.final.deviations
    assert (applied.before, applied.low, applied.high) == (Decimal("1000"), Decimal("500.0"),
                                                           Decimal("2000"))
    assert d.considerations["afstemming"]["considered"] is True
    text = d.explanation("nl")
    assert "Afstemming (Participatiewet art. 18 lid 1): norm € 1.200 in plaats van € 1.000" in text
    assert "binnen 6 weken bezwaar" in text
    assert "Woonlasten (Participatiewet" not in text and MOTIVATION in text


def test_bounds_are_relative_to_the_value_before_the_deviation(decider: Decider) -> None:
    # With a partner the category doubles the norm; the bounds follow the category layer.
    d = decider.decide(DAY, {"basis": 1000, "partner": True},
                       deviations=[deviation(value="3500")])
    assert d.outputs["norm"] == Decimal("3500")
    assert [layer.name for layer in d.layers] == ["standard", "category", "deviation"]
    assert d.deciding_layer["norm"] == "deviation"


@pytest.mark.parametrize(("changes", "code", "message"), [
    ({"clause": "afstemmen"}, "MW701", "probe has no hardship clause 'afstemmen'; did you mean "
     "'afstemming'? Its clauses are: afstemming"),
    ({"clause": "groep", "output": "netto"}, "MW702", "clause 'groep' (Awir art. 47) applies to "
     "groups of cases by a general arrangement"),
    ({"output": "netto"}, "MW703", "clause 'afstemming' (Participatiewet art. 18 lid 1) may "
     "change norm, not 'netto'"),
    ({"ground": "ziekte"}, "MW704", "allows the grounds woonlasten, schulden; not 'ziekte'"),
    ({"motivation": "omdat"}, "MW705", "requires a motivation of at least 10 characters"),
    ({"ground": "schulden"}, "MW706", "the ground 'schulden' requires evidence"),
    ({"proposer": {"id": "c1", "role": "caseworker", "unit": "noord"}}, "MW707",
     "is decided by a caseworker of unit 'zuid'; c1 (caseworker in unit 'noord') may not"),
    ({"approver": None}, "MW708", "requires the approval of a second person"),
    ({"approver": {"id": "c1", "role": "approver", "unit": "zuid"}}, "MW708",
     "nobody approves their own deviation"),
    ({"approver": {"id": "a1", "role": "manager", "unit": "zuid"}}, "MW707",
     "is approved by an approver of unit 'zuid'"),
    ({"value": "veel"}, "MW709", "the new value of 'norm': expected an amount in euros"),
    ({"value": "2000.01"}, "MW710", "bounds 'norm' between 500.0 and 2000"),
])
def test_each_refusal_names_the_clause_and_the_condition(decider: Decider,
                                                         changes: dict[str, Any], code: str,
                                                         message: str) -> None:
    with pytest.raises(DecisionError) as info:
        decider.decide(DAY, {"basis": 1000, "partner": False}, deviations=[deviation(**changes)])
    assert info.value.code == code
    assert message in info.value.message


@settings(max_examples=150, deadline=None)
@given(basis=st.decimals(min_value=1, max_value=100_000, places=2),
       factor=st.decimals(min_value=0, max_value=3, places=3))
def test_inside_the_bounds_applied_exactly_outside_refused_and_nothing_changed(
        decider: Decider, basis: Decimal, factor: Decimal) -> None:
    inputs = {"basis": basis, "partner": False}
    before = decider.decide(DAY, inputs).to_json(trace=False, explanation=False)
    value = (basis * factor).quantize(Decimal("0.01"))
    inside = basis / 2 <= value <= basis * 2
    if inside:
        d = decider.decide(DAY, inputs, deviations=[deviation(value=str(value))])
        assert d.outputs["norm"] == value
        changed = value != basis
        assert d.deciding_layer["norm"] == ("deviation" if changed else "standard")
    else:
        with pytest.raises(DecisionError) as info:
            decider.decide(DAY, inputs, deviations=[deviation(value=str(value))])
        assert info.value.code == "MW710"
    assert decider.decide(DAY, inputs).to_json(trace=False, explanation=False) == before


def test_the_deciding_layer_is_the_last_that_changed_the_output(decider: Decider) -> None:
    # The category doubles the norm; a deviation back to the standard value changes it again.
    d = decider.decide(DAY, {"basis": 1000, "partner": True},
                       deviations=[deviation(value="1000")])
    assert d.standard("norm") == Decimal("1000")
    assert d.layers[1].outputs["norm"] == Decimal("2000")
    assert d.deciding_layer["norm"] == "deviation"


def test_considerations_record_that_tailoring_was_considered(decider: Decider) -> None:
    _, considerations = read_deviations({"considerations": [
        {"clause": "afstemming", "motivation": "Geen bijzondere omstandigheden gebleken.",
         "by": {"id": "c1", "role": "caseworker", "unit": "zuid"}}]})
    d = decider.decide(DAY, {"basis": 1000, "partner": False}, considerations=considerations)
    assert d.considerations["afstemming"] == {
        "considered": True, "outcome": "no deviation",
        "motivation": "Geen bijzondere omstandigheden gebleken."}
    plain = decider.decide(DAY, {"basis": 1000, "partner": False})
    assert plain.considerations["afstemming"]["considered"] is False
    assert "nog niet overwogen" in plain.explanation("nl")


WMO = """
inputs:
  huishouden: {type: integer, label: Huishouden, source: BRP, min: 1}
rules:
  eigen_bijdrage:
    formula: "if voorziening == 'geen' then €0 else €21"
outputs: [voorziening, omvang, eigen_bijdrage]
assessment:
  label: Onderzoek
  legal_basis: {title: Wmo 2015, article: art. 2.3.2}
  decider: {role: caseworker, unit: wmo}
  domains:
    behoeften:
      label: Behoeften
      questions:
        uren_nodig: {type: decimal, label: Uren nodig, min: 0}
    netwerk:
      label: Mantelzorg
      questions:
        uren_eigen_kracht: {type: decimal, label: Eigen kracht, min: 0, required: false}
        uren_mantelzorg: {type: decimal, label: Mantelzorg, min: 0}
  need: uren_nodig
  steps:
    - {label: Eigen kracht, covers: uren_eigen_kracht}
    - {label: Mantelzorg, covers: uren_mantelzorg}
  outcome:
    provision: voorziening
    amount: omvang
    provisions:
      hulp: {label: Hulp bij het huishouden, unit: uur/week, max: remaining, suggestion: remaining}
      geen: {label: Geen maatwerkvoorziening, max: "0"}
  report:
    weergave: {label: Schriftelijke weergave}
"""


def assessment(**changes: Any) -> Any:
    record: dict[str, Any] = {
        "assessor": {"id": "s1", "role": "caseworker", "unit": "wmo"},
        "answers": {"uren_nodig": 6, "uren_mantelzorg": 2}, "provision": "hulp", "amount": 4,
        "report": {"weergave": "Verslag van het keukentafelgesprek."}}
    record.update(changes)
    return read_assessment(record)


def test_without_an_investigation_the_decision_waits_for_it() -> None:
    d = Decider(regulation(WMO)).decide(DAY, {"huishouden": 1})
    assert d.status == "indeterminate"
    assert d.missing == ("assessment",)
    assert "het onderzoek: Onderzoek" in d.explanation("nl")


def test_a_need_covered_by_mantelzorg_is_not_compensated_again() -> None:
    decider = Decider(regulation(WMO))
    d = decider.decide(DAY, {"huishouden": 1}, assessment=assessment())
    assert d.outputs == {"voorziening": "hulp", "omvang": Decimal("4"),
                         "eigen_bijdrage": Decimal("21")}
    assert d.deciding_layer["voorziening"] == "assessment"
    applied = d.final.assessment
    assert applied is not None and applied.remaining == 4 and applied.suggestion == 4
    with pytest.raises(DecisionError) as info:
        decider.decide(DAY, {"huishouden": 1}, assessment=assessment(amount=5))
    assert info.value.code == "MW712"
    assert "between 0 and 4" in info.value.message


@pytest.mark.parametrize(("changes", "code", "message"), [
    ({"answers": {"uren_mantelzorg": 2}}, "MW713", "no answer to 'uren_nodig'"),
    ({"report": {}}, "MW713", "the written report lacks 'weergave'"),
    ({"answers": {"uren_nodig": 6, "uren_mantelzorg": -1}}, "MW713", "must be at least 0"),
    ({"provision": "taxi"}, "MW712", "can grant hulp, geen; not 'taxi'"),
    ({"assessor": {"id": "s1", "role": "caseworker", "unit": "jeugd"}}, "MW707",
     "is carried out by a caseworker of unit 'wmo'"),
])
def test_assessment_refusals(changes: dict[str, Any], code: str, message: str) -> None:
    with pytest.raises(DecisionError) as info:
        Decider(regulation(WMO)).decide(DAY, {"huishouden": 1}, assessment=assessment(**changes))
    assert info.value.code == code
    assert message in info.value.message
