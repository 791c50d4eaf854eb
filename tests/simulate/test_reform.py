"""Reforms: a patch file or a second version of a regulation, checked like a regulation, with
problems pointing into the patch."""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from maatwerk.engine.decide import decide
from maatwerk.simulate.population import SimulationError
from maatwerk.simulate.reform import load_reform
from maatwerk.spec.build import load
from maatwerk.spec.errors import SpecErrors
from tests.conftest import REGULATIONS

DAY = dt.date(2025, 6, 1)
ZORGTOESLAG = load(REGULATIONS / "zorgtoeslag")
BIJSTAND = load(REGULATIONS / "bijstand")
PERSON = {"leeftijd": 30, "is_verzekerd": True, "heeft_toeslagpartner": False,
          "toetsingsinkomen": Decimal("28000"), "toetsingsinkomen_partner": Decimal("0"),
          "vermogen": 0}
HEAD = """\
reform: {nl: Voorstel, en: Proposal}
regulation: zorgtoeslag
version: "2025.9-voorstel"
"""


def _patch(tmp_path: Path, body: str, head: str = HEAD) -> Path:
    path = tmp_path / "hervorming.yaml"
    path.write_text(head + textwrap.dedent(body), encoding="utf-8")
    return path


def test_a_parameter_change_changes_the_decision(tmp_path: Path) -> None:
    path = _patch(tmp_path, """\
        parameters:
          standaardpremie:
            values: [{from: 2024-01-01, value: 2500, reference: Voorstel}]
        """)
    reform = load_reform(ZORGTOESLAG, path)
    assert reform.version == "2025.9-voorstel"
    before = decide(ZORGTOESLAG, DAY, PERSON).outputs["zorgtoeslag"]
    after = decide(reform, DAY, PERSON).outputs["zorgtoeslag"]
    assert after - before == 2500 - 2112


def test_a_rule_can_be_replaced_and_a_category_added(tmp_path: Path) -> None:
    path = _patch(tmp_path, """\
        rules:
          gezamenlijk_toetsingsinkomen:
            formula: toetsingsinkomen
            reference: Voorstel, partnerinkomen telt niet mee
        categories:
          jonge_verzekerden:
            label: {nl: Jonge verzekerden, en: Young insured}
            when: leeftijd < 25
            legal_basis: {title: Voorstel, article: art. 1}
            rules:
              zorgtoeslag:
                formula: "€100"
                reference: Voorstel art. 1
        """)
    reform = load_reform(ZORGTOESLAG, path)
    young = decide(reform, DAY, {**PERSON, "leeftijd": 20})
    assert young.outputs["zorgtoeslag"] == 100
    assert [c.name for c in young.categories] == ["jonge_verzekerden"]
    couple = {**PERSON, "heeft_toeslagpartner": True, "toetsingsinkomen_partner": Decimal("90000")}
    assert decide(ZORGTOESLAG, DAY, couple).outputs["zorgtoeslag"] == 0
    assert decide(reform, DAY, couple).outputs["zorgtoeslag"] > 0


def test_a_category_can_be_removed(tmp_path: Path) -> None:
    head = HEAD.replace("zorgtoeslag", "bijstand")
    path = _patch(tmp_path, "remove_categories: [jongere_18_20]\n", head)
    reform = load_reform(BIJSTAND, path)
    assert "jongere_18_20" in BIJSTAND.categories
    assert "jongere_18_20" not in reform.categories


def test_an_error_in_the_patch_points_into_the_patch(tmp_path: Path) -> None:
    path = _patch(tmp_path, """\
        rules:
          normpremie:
            formula: drempelinkomen * onbekend
            reference: Voorstel
        """)
    with pytest.raises(SpecErrors) as caught:
        load_reform(ZORGTOESLAG, path)
    rendered = caught.value.errors[0].render()
    assert rendered.startswith(f"{path}:6:")
    assert "onbekend" in rendered


def test_an_unknown_parameter_is_refused(tmp_path: Path) -> None:
    path = _patch(tmp_path, """\
        parameters:
          premie_die_niet_bestaat:
            values: [{from: 2024-01-01, value: 1, reference: x}]
        """)
    with pytest.raises(SimulationError) as caught:
        load_reform(ZORGTOESLAG, path)
    assert caught.value.code == "MW904"
    assert "premie_die_niet_bestaat" in str(caught.value)


def test_a_patch_for_another_regulation_is_refused(tmp_path: Path) -> None:
    path = _patch(tmp_path, "parameters: {}\n", HEAD.replace("zorgtoeslag", "bijstand"))
    with pytest.raises(SimulationError, match="not 'zorgtoeslag'"):
        load_reform(ZORGTOESLAG, path)


def test_a_second_version_of_the_regulation_is_a_reform(tmp_path: Path) -> None:
    folder = tmp_path / "zorgtoeslag"
    shutil.copytree(REGULATIONS / "zorgtoeslag", folder)
    source = folder / "regulation.yaml"
    text = source.read_text(encoding="utf-8").replace("value: 2112,", "value: 2200,")
    source.write_text(text, encoding="utf-8")
    reform = load_reform(ZORGTOESLAG, folder)
    after = decide(reform, DAY, PERSON).outputs["zorgtoeslag"]
    assert after - decide(ZORGTOESLAG, DAY, PERSON).outputs["zorgtoeslag"] == 88
    with pytest.raises(SimulationError, match="is regulation 'bijstand'"):
        load_reform(ZORGTOESLAG, REGULATIONS / "bijstand")
