from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from maatwerk.spec.errors import SpecErrors
from tests.conftest import regulation

BASE = """
inputs:
  inkomen: {type: money, label: Inkomen, source: Belastingdienst}
parameters:
  tarief:
    type: decimal
    values:
      - {from: 2025-01-01, value: 10%, reference: art. 1}
      - {from: 2025-07-01, value: 12%, reference: art. 1 (juli)}
rules:
  heffing:
    formula: round_cents(tarief * inkomen)
outputs: [heffing]
"""


def errors(body: str) -> list[str]:
    with pytest.raises(SpecErrors) as info:
        regulation(body)
    return [e.render() for e in info.value]


def test_a_valid_regulation_is_typed_and_dated() -> None:
    reg = regulation(BASE)
    assert str(reg.rules["heffing"].type) == "money"
    assert reg.parameters["tarief"].at(dt.date(2025, 6, 30)).value == Decimal("0.1")  # type: ignore[union-attr]
    assert reg.parameters["tarief"].at(dt.date(2025, 7, 1)).value == Decimal("0.12")  # type: ignore[union-attr]
    assert reg.dependencies["heffing"] == {"tarief", "inkomen"}
    assert len(reg.sha256) == 64


def test_unknown_key_suggests_the_right_one() -> None:
    found = errors(BASE.replace("formula:", "fromula:"))
    assert any("MW202 rules.heffing.fromula: unknown key 'fromula'; did you mean 'formula'?"
               in e for e in found)


def test_missing_required_key_names_the_parent() -> None:
    found = errors(BASE.replace("label: Inkomen, ", ""))
    assert found == ["probe.yaml:10:3: MW201 inputs.inkomen: the key 'label' is required here"]


def test_invalid_name() -> None:
    found = errors(BASE + "\n".join(["", "tables: {}", ""]).replace("tables: {}", "") +
                   "categories:\n  Fout-Naam: {label: x, when: true, legal_basis: x}\n")
    assert any("MW204" in e and "'Fout-Naam' is not a valid name" in e for e in found)


def test_a_name_declared_twice() -> None:
    found = errors(BASE.replace("rules:\n  heffing:", "rules:\n  inkomen:\n    formula: 1\n"
                                "  heffing:"))
    assert any("MW205" in e and "'inkomen' is already declared in inputs" in e for e in found)


def test_reserved_name() -> None:
    found = errors(BASE.replace("  heffing:\n    formula", "  max:\n    formula").replace(
        "outputs: [heffing]", "outputs: [max]"))
    assert any("MW204" in e and "'max' is reserved" in e for e in found)


def test_values_out_of_order_and_not_covering_the_start() -> None:
    found = errors(BASE.replace("2025-07-01", "2024-12-01"))
    assert any("MW405" in e and "in order of date" in e for e in found)
    found = errors(BASE.replace("{from: 2025-01-01, value: 10%", "{from: 2025-02-01, value: 10%"))
    assert any("MW405" in e and "no value from 2025-01-01" in e for e in found)


def test_cycle_is_named_in_full() -> None:
    found = errors(BASE.replace("formula: round_cents(tarief * inkomen)",
                                "formula: a\n  a:\n    formula: b\n  b:\n    formula: heffing"))
    assert any("MW401" in e and "a → b → heffing → a" in e for e in found)


def test_unreachable_rule() -> None:
    found = errors(BASE.replace("outputs:", "  los:\n    formula: 1\noutputs:")
                   .replace("rules:\n", "rules:\n", 1))
    assert any("MW402" in e and "'los' is not used" in e for e in found)


def test_declared_type_must_match() -> None:
    found = errors(BASE.replace("formula: round_cents", "type: bool\n    formula: round_cents"))
    assert any("MW408" in e and "declared as bool, but its formula gives money" in e
               for e in found)


def test_template_placeholder_must_exist() -> None:
    found = errors(BASE.replace("formula: round_cents(tarief * inkomen)",
                                "formula: round_cents(tarief * inkomen)\n    explain: "
                                "'U betaalt {hefing}.'"))
    assert any("MW407" in e and "{hefing}" in e and "did you mean 'heffing'?" in e
               for e in found)


def test_output_must_be_a_rule() -> None:
    found = errors(BASE.replace("outputs: [heffing]", "outputs: [heffing, inkomen]"))
    assert any("MW302" in e and "an output must be a rule or table; it is an input" in e
               for e in found)


def test_statutory_derivation_uses_parameters_only() -> None:
    body = BASE.replace("      - {from: 2025-07-01, value: 12%, reference: art. 1 (juli)}\n",
                        "    statutory: {formula: inkomen / 100, reference: art. 2}\n")
    found = errors(body)
    assert any("MW302" in e and "may use parameters only" in e for e in found)


def test_errors_point_into_the_formula() -> None:
    found = errors(BASE.replace("tarief * inkomen", "tarief * inkomn"))
    assert found == ["probe.yaml:19:35: MW302 rules.heffing.formula: unknown name 'inkomn'; "
                     "did you mean 'inkomen'? (got inkomn)"]
