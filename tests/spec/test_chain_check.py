"""Checking a regulation's references to other regulations: every problem is named, with the
regulation, the output or input, and what was expected."""

from __future__ import annotations

from maatwerk.spec.chain_check import check_references, fit
from maatwerk.spec.library import Library
from maatwerk.spec.model import Regulation
from maatwerk.spec.types import DECIMAL, INTEGER, MONEY, TEXT, Type
from tests.chains import NORM, TOESLAG, chain_of_three, cycle_step, make

USER = """\
inputs:
  inkomen: {type: money, label: Inkomen, source: aanvraag}
  norm:
    type: %s
    label: Norm
    output_of: %s
rules:
  toeslag:
    formula: "%s"
outputs: [toeslag]
"""


def user(reference: str, kind: str = "money", formula: str = "max(0, norm - inkomen)",
         rid: str = "gebruiker") -> Regulation:
    return make(rid, USER % (kind, reference, formula))


def problems(reg: Regulation, *others: Regulation) -> list[str]:
    return [e.render() for e in check_references(reg, Library(regulations=[reg, *others]))]


def test_a_sound_chain_has_no_problems() -> None:
    reg, library = chain_of_three()
    assert check_references(reg, library) == []
    assert problems(user("norm.norm"), make("norm", NORM)) == []


def test_a_missing_regulation_is_named_with_a_suggestion() -> None:
    assert problems(user("nrom.norm"), make("norm", NORM)) == [
        "gebruiker-1.yaml:13:16: MW409 inputs.norm.output_of.regulation: no regulation 'nrom' "
        "is found (looked in: nowhere); did you mean 'norm'? (got nrom)"]


def test_a_pinned_version_that_is_not_there_is_named() -> None:
    reg = user("{regulation: norm, output: norm, version: '2'}")
    assert problems(reg, make("norm", NORM)) == [
        "gebruiker-1.yaml:13:29: MW409 inputs.norm.output_of.regulation: no version '2' of "
        "norm; found '1' (got norm)"]


def test_two_versions_that_apply_on_the_same_dates_are_ambiguous() -> None:
    one, two = make("norm", NORM), make("norm", NORM, version="2", valid="2025-06-01")
    [found] = problems(user("norm.norm"), one, two)
    assert "MW410" in found
    assert ("norm is ambiguous: version 1 (norm-1.yaml, from 2025-01-01 until 2025-12-31) and "
            "version 2 (norm-2.yaml, from 2025-06-01 until 2025-12-31) both apply on "
            "2025-06-01") in found
    pinned = user("{regulation: norm, output: norm, version: '2'}")
    assert problems(pinned, one, two) == []


def test_versions_that_follow_each_other_are_not_ambiguous() -> None:
    later = make("norm", NORM, version="2026", valid="2026-01-01", until="2026-12-31")
    assert problems(user("norm.norm"), make("norm", NORM), later) == []


def test_a_cycle_is_named_in_full_from_the_regulation_checked() -> None:
    a, b, c = (cycle_step(f"kring-{x}", f"kring-{y}") for x, y in ("ab", "bc", "ca"))
    for reg, cycle in ((a, "kring-a → kring-b → kring-c → kring-a"),
                       (b, "kring-b → kring-c → kring-a → kring-b")):
        [found] = problems(reg, a, b, c)
        assert found.endswith(f"MW411 inputs.bedrag.output_of.regulation: regulations use "
                              f"each other's outputs in a cycle: {cycle} (got {reg.id[:-1]}"
                              f"{'bc'[reg is b]})")
    into = cycle_step("ervoor", "kring-a")
    [found] = problems(into, a, b, c)
    assert ("kring-a depends on regulations that use each other's outputs in a cycle: kring-a "
            "→ kring-b → kring-c → kring-a") in found


def test_an_output_that_does_not_exist_is_named_with_the_outputs() -> None:
    [found] = problems(user("norm.nrom"), make("norm", NORM))
    assert "MW412 inputs.norm.output_of.output: 'nrom' is not an output of norm 1 (its " \
           "outputs: norm); did you mean 'norm'? (got nrom)" in found


def test_an_output_of_another_type_does_not_fit() -> None:
    [found] = problems(user("norm.norm", "bool", "if norm then €1 else €0"), make("norm", NORM))
    assert found.endswith("MW413 inputs.norm.type: norm.norm does not fit the input 'norm': it "
                          "is money, not bool (got bool)")


def test_which_types_fit() -> None:
    leefvorm = Type("enum", ("alleen", "samen"), "leefvorm")
    assert fit(MONEY, MONEY) is None and fit(INTEGER, DECIMAL) is None
    assert fit(leefvorm, TEXT) is None
    assert fit(leefvorm, Type("enum", ("alleen", "samen", "anders"), "vorm")) is None
    assert fit(leefvorm, Type("enum", ("alleen",), "vorm")) == (
        "it can be 'samen', which the input does not allow (its values: alleen)")
    assert fit(TEXT, leefvorm) == "it is text, not enumeration leefvorm"
    assert fit(DECIMAL, INTEGER) == "it is decimal, not integer"


def test_a_mapping_names_inputs_that_exist_and_fit() -> None:
    reg, library = chain_of_three()
    assert check_references(reg, library) == []  # inkomen <- maandinkomen
    mapped = make("gebruiker", """\
        inputs:
          jaren: {type: text, label: Jaren, source: BRP}
          norm:
            type: money
            label: Norm
            output_of: {regulation: norm, output: norm, inputs: {leeftijd: jaren, leeftijdd: jaren}}
        rules:
          toeslag: {formula: norm}
        outputs: [toeslag]
        """)
    found = problems(mapped, make("norm", NORM))
    assert len(found) == 2
    assert "MW413 inputs.norm.output_of.inputs.leeftijd: 'jaren' cannot be norm's input " \
           "'leeftijd': it is text, not integer (got jaren)" in found[0]
    assert "MW412 inputs.norm.output_of.inputs.leeftijdd: 'leeftijdd' is not an input of " \
           "norm (nor of the regulations it uses); did you mean 'leeftijd'?" in found[1]


def test_a_fact_shared_by_two_regulations_has_one_type() -> None:
    other = make("ander", """\
        inputs:
          leeftijd: {type: text, label: Leeftijd als tekst, source: BRP}
        rules:
          uitkomst: {formula: "if leeftijd == '' then €0 else €1"}
        outputs: [uitkomst]
        """)
    reg = make("gebruiker", """\
        inputs:
          norm: {type: money, label: Norm, output_of: norm.norm}
          extra: {type: money, label: Extra, output_of: ander.uitkomst}
        rules:
          toeslag: {formula: norm + extra}
        outputs: [toeslag]
        """)
    [found] = problems(reg, make("norm", NORM), other)
    assert "MW413 inputs.extra.output_of: 'leeftijd' is an input of norm as integer and of " \
           "ander as text; a fact regulations share has one type (got leeftijd)" in found


def test_the_facts_a_test_gives_are_checked_against_the_regulations_used() -> None:
    reg = make("gebruiker", """\
        inputs:
          inkomen: {type: money, label: Inkomen, source: aanvraag}
          norm: {type: money, label: Norm, output_of: norm.norm}
        rules:
          toeslag: {formula: "max(0, norm - inkomen)"}
        outputs: [toeslag]
        tests:
          - name: goed
            date: 2025-03-01
            inputs: {inkomen: 100, leeftijd: 30, woont_samen: false}
            missing: []
          - name: fout
            date: 2025-03-01
            inputs: {inkomen: 100, leeftijd: dertig, woonsamen: false}
            missing: [leeftyd]
        """)
    found = problems(reg, make("norm", NORM))
    assert [f.split(": ", 1)[1] for f in found] == [
        "MW502 tests[1].inputs.leeftijd: expected a whole number (got dertig)",
        "MW501 tests[1].inputs.woonsamen: 'woonsamen' is not an input of gebruiker nor of the "
        "regulations it uses (norm); did you mean 'woont_samen'? (got woonsamen)",
        "MW501 tests[1].missing[0]: 'leeftyd' is not an input of gebruiker nor of the "
        "regulations it uses (norm); did you mean 'leeftijd'? (got leeftyd)"]


def test_a_regulation_with_no_references_is_not_looked_up() -> None:
    assert check_references(make("toeslag", TOESLAG.replace("output_of: norm.norm",
                                                            "source: elders")), Library()) == []
