"""Deciding through regulations that use other regulations: what a user of the decision sees.

The chain of three (``tests/chains.py``): ``regeling`` uses the toeslag of 1 January from
``toeslag``, which uses the norm from ``norm`` (with a category for people living together).
The worked example: ``regulations/minimaregeling`` on top of ``regulations/bijstand``.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest

from maatwerk.engine.chain import Upstream
from maatwerk.engine.decide import Decider, decide
from maatwerk.spec.errors import DecisionError
from maatwerk.spec.library import Library
from maatwerk.spec.model import Regulation
from maatwerk.spec.records import read_deviations
from tests.chains import NORM, TOESLAG, chain_of_three, cycle_step, make
from tests.conftest import REGULATIONS

DAY = dt.date(2025, 8, 1)
THREE = {"maandinkomen": "500", "leeftijd": 30, "woont_samen": True}
SINGLE = {"netto_inkomen": "1500", "vermogen": "0", "geboortedatum": "1990-03-01",
          "leefvorm": "alleenstaand", "aow_leeftijd_bereikt": False, "aantal_kostendelers": 1,
          "verblijft_in_inrichting": False}
COUPLE = {**SINGLE, "netto_inkomen": "2200", "leefvorm": "gehuwd",
          "geboortedatum_partner": "1991-01-01", "partner_aow_leeftijd_bereikt": False,
          "aantal_kostendelers": 2}


@pytest.fixture(scope="module")
def minima() -> tuple[Regulation, Library]:
    library = Library([REGULATIONS])
    return library.find("minimaregeling")[0], library


def _refused(reg: Regulation, inputs: dict[str, Any], library: Library,
             day: dt.date = DAY) -> DecisionError:
    with pytest.raises(DecisionError) as caught:
        decide(reg, day, inputs, library=library)
    return caught.value


# -- a chain of three --------------------------------------------------------------------------


def test_a_chain_of_three_is_decided_through_every_regulation() -> None:
    reg, library = chain_of_three()
    decision = decide(reg, DAY, THREE, library=library)
    assert decision.status == "determined"
    assert decision.outputs == {"bijdrage": Decimal("100")}
    (toeslag,) = decision.links
    assert (toeslag.input, toeslag.value) == ("toeslag", Decimal("200"))  # 700 - 500
    (norm,) = toeslag.decision.links
    assert (norm.input, norm.value) == ("norm", Decimal("700"))  # 70 % of 1000 on 1 January
    assert [r.regulation for r in decision.receipts] == ["regeling", "toeslag", "norm"]


def test_the_reference_date_rule_decides_the_other_regulation_on_1_january() -> None:
    reg, library = chain_of_three()
    decision = decide(reg, DAY, {**THREE, "woont_samen": False}, library=library)
    link = decision.links[0]
    assert link.decision.date == dt.date(2025, 1, 1)
    assert link.decision.links[0].decision.date == dt.date(2025, 1, 1)  # the same date on
    assert link.value == Decimal("500")  # the January norm of 1000, not July's 1100


def test_the_using_regulation_sees_which_layer_decided_the_value() -> None:
    reg, library = chain_of_three()
    together = decide(reg, DAY, THREE, library=library).links[0].decision
    assert together.deciding_layer == {"toeslag": "standard"}
    assert together.links[0].deciding_layer == "category"  # in the norm regulation
    assert [c.name for c in together.links[0].decision.categories] == ["samenwonend"]
    alone = decide(reg, DAY, {**THREE, "woont_samen": False}, library=library)
    assert alone.links[0].decision.links[0].deciding_layer == "standard"


def test_a_mapped_input_is_given_under_this_regulations_name() -> None:
    reg, library = chain_of_three()
    decision = decide(reg, DAY, {**THREE, "maandinkomen": "800"}, library=library)
    toeslag = decision.links[0].decision
    assert toeslag.inputs["inkomen"] == Decimal("800")  # regeling's maandinkomen
    assert decision.outputs["bijdrage"] == Decimal("0")


def test_a_missing_fact_of_a_referenced_regulation_is_named() -> None:
    reg, library = chain_of_three()
    decision = decide(reg, DAY, {"maandinkomen": "500", "woont_samen": False},
                      library=library)
    assert decision.status == "indeterminate"
    assert decision.missing == ("leeftijd",)  # a fact of 'norm', two steps away
    assert decision.links[0].waiting == ("leeftijd",)


def test_a_missing_mapped_fact_is_named_by_this_regulations_name() -> None:
    reg, library = chain_of_three()
    decision = decide(reg, DAY, {"leeftijd": 30, "woont_samen": False}, library=library)
    assert decision.missing == ("maandinkomen",)  # toeslag calls it 'inkomen'


def test_a_refusal_in_a_referenced_regulation_names_it() -> None:
    reg, library = chain_of_three()
    error = _refused(reg, {**THREE, "leeftijd": 10}, library)  # norm divides by zero
    assert error.code == "MW605"
    assert error.message.startswith("toeslag 1, which decides input 'toeslag' of regeling, "
                                    "refused the case: norm 1, which decides input 'norm' of "
                                    "toeslag, refused the case: division by zero")
    assert error.position is not None and error.position.file == "norm-1.yaml"


def test_an_output_cannot_be_given_and_unknown_names_are_refused() -> None:
    reg, library = chain_of_three()
    error = _refused(reg, {**THREE, "toeslag": "5"}, library)
    assert error.code == "MW602"
    assert "'toeslag' is the output of toeslag.toeslag: it is decided, not given" in str(error)
    error = _refused(reg, {**THREE, "leeftyd": 30}, library)
    assert "not an input of regeling nor of the regulations it uses (toeslag)" in error.message
    assert "did you mean 'leeftijd'?" in error.message
    error = _refused(reg, {**THREE, "inkomen": "5"}, library)  # mapped: given as maandinkomen
    assert error.code == "MW602"


def test_without_a_library_an_output_is_an_ordinary_input() -> None:
    reg, _ = chain_of_three()
    decision = Decider(reg).decide(DAY, {"maandinkomen": "500", "toeslag": "12"})
    assert decision.outputs == {"bijdrage": Decimal("100")}
    assert decision.links == ()


def test_versions_of_a_referenced_regulation_are_chosen_by_the_reference_date() -> None:
    later = NORM.replace("value: 1000", "value: 2000").replace("value: 1100", "value: 2200")
    library = Library(regulations=[
        make("norm", NORM), make("norm", later, version="2026", valid="2026-01-01",
                                 until="2026-12-31"),
        make("toeslag", TOESLAG, valid="2025-01-01", until="2026-12-31")])
    toeslag = library.find("toeslag")[0]
    facts = {"inkomen": "0", "leeftijd": 30, "woont_samen": False}
    assert decide(toeslag, dt.date(2025, 3, 1), facts, library=library).outputs == {
        "toeslag": Decimal("1000")}
    decision = decide(toeslag, dt.date(2026, 3, 1), facts, library=library)
    assert decision.outputs == {"toeslag": Decimal("2200")}  # the 2026 version's value
    assert decision.links[0].decision.regulation.version == "2026"


def test_no_version_on_the_reference_date_is_a_refusal() -> None:
    library = Library(regulations=[make("norm", NORM), make("toeslag", TOESLAG,
                                                            until="2026-12-31")])
    error = _refused(library.find("toeslag")[0], {"inkomen": "0", "leeftijd": 30,
                                                  "woont_samen": False}, library,
                     dt.date(2026, 3, 1))
    assert error.code == "MW603"
    assert "no version of norm applies on 2026-03-01" in error.message
    assert "1 from 2025-01-01 until 2025-12-31" in error.message


def test_a_missing_or_ambiguous_regulation_is_a_refusal_naming_it() -> None:
    facts = {"inkomen": "0", "leeftijd": 30, "woont_samen": False}
    toeslag = make("toeslag", TOESLAG)
    error = _refused(toeslag, {"inkomen": "0"}, Library(regulations=[toeslag]))
    assert (error.code, error.path) == ("MW409", "inputs.norm.output_of")
    assert "no regulation 'norm' is found" in error.message
    twice = Library(regulations=[toeslag, make("norm", NORM), make("norm", NORM, version="2")])
    error = _refused(toeslag, facts, twice)
    assert error.code == "MW410"
    assert error.message == ("norm is ambiguous on 2025-08-01: version 1 and version 2 both "
                             "apply; pin one with 'version'")


def test_a_cycle_is_refused_instead_of_deciding_forever() -> None:
    library = Library(regulations=[cycle_step("kring-a", "kring-b"),
                                   cycle_step("kring-b", "kring-a")])
    error = _refused(library.find("kring-a")[0], {}, library)
    assert error.code == "MW411"
    assert "kring-a → kring-b → kring-a" in error.message


# -- the explanation, the trace and the JSON --------------------------------------------------


def test_the_explanation_shows_the_chain_with_each_receipt() -> None:
    reg, library = chain_of_three()
    decision = decide(reg, DAY, THREE, library=library)
    nl = decision.explanation("nl")
    assert "Uit andere regelingen" in nl
    assert ("  - Toeslag op 1 januari: € 200 — uitkomst 'Toeslag' van Regeling toeslag, besluit "
            "op peildatum 1 januari 2025; bepaald door de standaardregel") in nl
    assert ("    - Norm uit de normregeling: € 700 — uitkomst 'Norm' van Regeling norm, besluit "
            "op peildatum 1 januari 2025; bepaald door beleidscategorie: Samenwonend") in nl
    for step in decision.receipts:
        assert f"{step.regulation} versie {step.version}, sha256 {step.sha256[:12]}…" in nl
    en = decision.explanation("en")
    assert "From other regulations" in en
    assert "determined by policy category: Living together" in en
    assert "toeslag version 1, sha256" in en and "norm version 1, sha256" in en


def test_the_explanation_says_what_a_referenced_regulation_still_needs() -> None:
    reg, library = chain_of_three()
    decision = decide(reg, DAY, {"maandinkomen": "500", "woont_samen": False},
                      library=library)
    nl = decision.explanation("nl")
    assert "Nog niet te bepalen. Dit ontbreekt nog:\n  - Leeftijd (bron: BRP)" in nl
    assert "Toeslag op 1 januari: nog onbekend (ontbreekt: Leeftijd)" in nl


def test_the_json_records_every_regulation_and_its_version() -> None:
    reg, library = chain_of_three()
    data = json.loads(json.dumps(decide(reg, DAY, THREE, library=library).to_json()))
    assert [(r["regulation"], r["version"], r["peildatum"]) for r in data["receipts"]] == [
        ("regeling", "1", "2025-08-01"), ("toeslag", "1", "2025-01-01"),
        ("norm", "1", "2025-01-01")]
    step = data["chain"][0]
    assert (step["input"], step["regulation"], step["output"], step["value"],
            step["deciding_layer"]) == ("toeslag", "toeslag", "toeslag", "200.00", "standard")
    inner = step["decision"]["chain"][0]
    assert (inner["regulation"], inner["deciding_layer"], inner["categories"]) == (
        "norm", "category", ["samenwonend"])
    assert len(inner["receipt"]["sha256"]) == 64
    traced = next(i for i in data["trace"]["inputs"] if i["name"] == "toeslag")
    assert (traced["output_of"], traced["deciding_layer"]) == ("toeslag.toeslag", "standard")


# -- the worked example: a minimaregeling on top of bijstand ----------------------------------


def test_the_income_limit_is_120_percent_of_the_bijstand_norm(
        minima: tuple[Regulation, Library]) -> None:
    reg, library = minima
    single = decide(reg, dt.date(2025, 9, 1), SINGLE, library=library)
    assert single.outputs["inkomensgrens"] == Decimal("1614.54")  # 120 % of 1345.45
    couple = decide(reg, dt.date(2025, 9, 1), COUPLE, library=library)
    assert couple.outputs["inkomensgrens"] == Decimal("2306.48")  # 120 % of 1922.07
    norm = couple.links[0]
    assert (norm.deciding_layer, [c.name for c in norm.decision.categories]) == (
        "category", ["gehuwd_21_tot_aow"])
    assert len(couple.receipts) == 2  # the norm and the asset limit: one bijstand decision


def test_a_deviation_in_bijstand_stays_in_its_decision_and_is_seen(
        minima: tuple[Regulation, Library]) -> None:
    reg, library = minima
    deviations, _ = read_deviations({
        "clause": "afstemming", "output": "bijstandsnorm", "value": "1500", "ground":
        "omstandigheden", "motivation": "Zeer bijzondere omstandigheden.",
        "proposer": {"id": "c1", "role": "caseworker"},
        "approver": {"id": "a1", "role": "approver"}})
    decision = decide(reg, dt.date(2025, 9, 1), SINGLE, library=library,
                      upstream={"bijstand": Upstream(deviations=deviations)})
    link = decision.links[0]
    assert (link.value, link.deciding_layer) == (Decimal("1500"), "deviation")
    assert decision.outputs["inkomensgrens"] == Decimal("1800.00")
    assert decision.deciding_layer["inkomensgrens"] == "standard"  # minimaregeling's own layer
    assert "afwijking op grond van Afstemming van de bijstand" in decision.explanation("nl")
    assert decision.to_json()["chain"][0]["deviations"] == ["afstemming"]
