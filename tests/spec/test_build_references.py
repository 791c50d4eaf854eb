"""Declaring an input as the output of another regulation: what one file can check."""

from __future__ import annotations

import datetime as dt

import pytest

from maatwerk.spec.errors import SpecErrors
from tests.chains import REGELING, TOESLAG, make


def _errors(body: str) -> list[str]:
    with pytest.raises(SpecErrors) as caught:
        make("gebruiker", body)
    return [e.render() for e in caught.value]


def _only_error(body: str, old: str, new: str) -> str:
    """The one problem of ``body`` with ``old`` written as ``new``."""
    [found] = _errors(body.replace(old, new))
    return found


def test_the_short_form_names_regulation_and_output() -> None:
    ref = make("toeslag", TOESLAG).references()["norm"]
    assert (ref.regulation, ref.output, ref.peildatum, dict(ref.inputs)) == (
        "norm", "norm", None, {})
    assert make("toeslag", TOESLAG).inputs["norm"].source == "norm (norm)"


def test_the_long_form_has_a_reference_date_rule_and_a_mapping() -> None:
    ref = make("regeling", REGELING).references()["toeslag"]
    assert ref.peildatum is not None and ref.peildatum.text == "date(year(peildatum), 1, 1)"
    assert dict(ref.inputs) == {"inkomen": "maandinkomen"}
    assert str(ref) == "toeslag.toeslag"


def test_an_input_without_source_or_reference_needs_a_source() -> None:
    body = TOESLAG.replace("    output_of: norm.norm\n", "")
    assert _errors(body) == ["gebruiker-1.yaml:10:3: MW201 inputs.norm: the key 'source' is "
                             "required here"]


def test_bounds_are_for_the_other_regulation_to_keep() -> None:
    found = _only_error(TOESLAG, "output_of: norm.norm", "output_of: norm.norm\n    min: 0")
    assert "MW203 inputs.norm.min: 'min' is not allowed for an input that is the output of " \
           "norm: that regulation decides its value" in found


def test_the_reference_date_rule_is_a_date_from_peildatum_only() -> None:
    for rule, message in (
            ("add_days(peildatum, inkomen)", "MW302 inputs.toeslag.output_of.peildatum: a "
             "reference date may use only peildatum (the reference date of this decision), "
             "not 'inkomen'"),
            ("year(peildatum)", "MW304 inputs.toeslag.output_of.peildatum: a reference date "
             "must be a date, but the formula gives integer"),
            ("add_months(peildatum, -1", "MW301 inputs.toeslag.output_of.peildatum")):
        found = _only_error(REGELING, "date(year(peildatum), 1, 1)", rule)
        assert message in found, found


def test_a_mapping_maps_to_a_fact_of_this_regulation() -> None:
    found = _only_error(REGELING, "inputs: {inkomen: maandinkomen}", "inputs: {inkomen: toeslag}")
    assert "MW412 inputs.toeslag.output_of.inputs.inkomen: 'toeslag' is itself the output of " \
           "another regulation; map 'inkomen' to an input that is a fact of the case" in found


def test_a_test_of_a_chained_regulation_may_give_the_facts_of_the_chain() -> None:
    reg = make("toeslag", TOESLAG + """\
tests:
  - name: samen
    date: 2025-03-01
    inputs: {inkomen: 100, leeftijd: 30, woont_samen: true}
    missing: [leeftijd]
""")
    [case] = reg.tests
    assert case.date == dt.date(2025, 3, 1)
    assert [(c.section, c.name) for c in case.chained] == [
        ("inputs", "leeftijd"), ("inputs", "woont_samen"), ("missing", "leeftijd")]
