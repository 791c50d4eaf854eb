"""The vectorised backend decides a population through a chain exactly as the scalar engine
decides each case through it: outputs to the cent, the status, what is missing (in the case's
names), refusals, the deciding layer, and the layer of the referenced regulation that decided
each chained input."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import pytest

from maatwerk.engine.decide import decide
from maatwerk.engine.vector.chain import ChainResult, decide_chain
from maatwerk.engine.vector.evaluate import decide as population_decide
from maatwerk.spec.errors import DecisionError
from maatwerk.spec.library import Library
from maatwerk.spec.model import Regulation
from tests.chains import chain_of_three
from tests.conftest import REGULATIONS

BIJSTAND_FACTS: dict[str, list[Any]] = {
    "geboortedatum": ["1990-03-01", "1955-01-01", "2006-05-01", "2004-12-31", "1960-07-01",
                      "2010-01-01"],
    "leefvorm": ["alleenstaand", "alleenstaande_ouder", "gehuwd"],
    "aow_leeftijd_bereikt": [True, False],
    "geboortedatum_partner": ["1991-01-01", "1956-02-02", "2005-06-01"],
    "partner_aow_leeftijd_bereikt": [True, False],
    "aantal_kostendelers": [1, 2, 3, 4, 7],
    "verblijft_in_inrichting": [False, False, False, True],
    "categorie_gedraging": ["geen", "eerste", "derde"],
}
MINIMA_FACTS: dict[str, list[Any]] = {
    "netto_inkomen": [Decimal("0"), Decimal("398.60"), Decimal("398.61"), Decimal("999.48"),
                      Decimal("999.49"), Decimal("1614.54"), Decimal("1614.55"),
                      Decimal("1801.28"), Decimal("2306.48"), Decimal("2306.49"),
                      Decimal("1200.10")],
    "vermogen": [Decimal("0"), Decimal("7770"), Decimal("7770.01"), Decimal("15540"),
                 Decimal("15540.01")],
}
THREE_FACTS: dict[str, list[Any]] = {
    "maandinkomen": [Decimal("0"), Decimal("699.99"), Decimal("700"), Decimal("1000"),
                     Decimal("1000.01"), Decimal("250.50")],
    "leeftijd": [10, 17, 18, 30, 67],
    "woont_samen": [True, False],
}


def generate(pools: dict[str, list[Any]], count: int, seed: int) -> list[dict[str, Any]]:
    """Cases drawn from the pools; now and then a fact is missing."""
    rng = random.Random(seed)
    return [{name: rng.choice(pool) for name, pool in pools.items() if rng.random() > 0.1}
            for _ in range(count)]


def _scalar(reg: Regulation, library: Library, day: dt.date,
            case: dict[str, Any]) -> dict[str, Any]:
    try:
        d = decide(reg, day, case, library=library)
    except DecisionError as exc:
        return {"refused": exc.code}
    return {"status": d.status, "outputs": d.outputs, "missing": d.missing,
            "deciding": dict(d.deciding_layer),
            "links": {k.input: k.deciding_layer for k in d.links}}


def _vector(result: ChainResult, i: int) -> dict[str, Any]:
    status = ["determined", "indeterminate", "refused"][int(result.status[i])]
    if status == "refused":
        return {"refused": result.refusal(i)}
    outputs = result.row(i)
    return {"status": status, "outputs": outputs, "missing": result.missing(i),
            "deciding": {o: result.layer(o, i) for o in outputs},
            "links": {name: result.link_layer(name, i) for name in result.links}}


def agree(reg: Regulation, library: Library, day: dt.date,
          cases: list[dict[str, Any]]) -> ChainResult:
    names = sorted({name for case in cases for name in case})
    columns = {name: [case.get(name) for case in cases] for name in names}
    result = decide_chain(reg, day, columns, library, n=len(cases))
    for i, case in enumerate(cases):
        assert _vector(result, i) == _scalar(reg, library, day, case), f"{day}: {case}"
    return result


@pytest.fixture(scope="module")
def minima() -> tuple[Regulation, Library]:
    library = Library([REGULATIONS])
    found = library.find("minimaregeling")
    assert len(found) == 1
    return found[0], library


@pytest.mark.parametrize("day", ["2025-01-01", "2025-06-30", "2025-07-01", "2025-12-31"])
def test_minimaregeling_on_bijstand_agrees_to_the_cent(minima: tuple[Regulation, Library],
                                                       day: str) -> None:
    reg, library = minima
    cases = generate({**MINIMA_FACTS, **BIJSTAND_FACTS}, 400, seed=int(day[5:7]))
    result = agree(reg, library, dt.date.fromisoformat(day), cases)
    statuses = set(result.status.tolist())
    assert statuses == {0, 1, 2}, "the population has decided, missing and refused persons"
    layers = {result.link_layer("bijstandsnorm", i) for i in range(len(cases))}
    assert {"standard", "category"} <= layers


def test_the_chain_of_three_agrees_to_the_cent() -> None:
    reg, library = chain_of_three()
    for day in ("2025-02-01", "2025-08-01"):
        agree(reg, library, dt.date.fromisoformat(day), generate(THREE_FACTS, 300, seed=3))


def test_each_regulation_is_decided_once_for_the_whole_population(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """No person is decided on their own: one population decision per regulation."""
    calls: list[str] = []

    def counting(reg: Regulation, day: dt.date, population: Any) -> Any:
        calls.append(reg.id)
        return population_decide(reg, day, population)

    monkeypatch.setattr("maatwerk.engine.vector.chain.decide", counting)
    reg, library = chain_of_three()
    decide_chain(reg, dt.date(2025, 3, 1), {
        "maandinkomen": ["100"] * 1000, "leeftijd": [30] * 1000, "woont_samen": [True] * 1000},
        library)
    assert calls == ["norm", "toeslag", "regeling"]


def test_an_output_given_as_a_column_is_refused() -> None:
    reg, library = chain_of_three()
    with pytest.raises(DecisionError) as caught:
        decide_chain(reg, dt.date(2025, 3, 1), {"toeslag": ["1"]}, library)
    assert caught.value.code == "MW602"
    assert "decided, not given" in caught.value.message
