"""The policy maker's simulation page (``/beleid/simulatie``): a change of a parameter or a
pasted reform simulated on the demo population, with charts and their tables, the same numbers
in the JSON twin as the simulation itself gives, and clear messages for a wrong change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from maatwerk.cases.registry import Registry
from maatwerk.simulate.patches import parameter_patch
from maatwerk.simulate.reform import apply_text
from maatwerk.simulate.run import Job, simulate
from maatwerk.web.pages.simulation import population
from tests.conftest import REGULATIONS
from tests.web.sites import Site, check_page, site

DAY = dt.date(2025, 6, 1)
ASK = {"regeling": "zorgtoeslag", "peildatum": DAY.isoformat(), "personen": "10000",
       "p.standaardpremie": "2200"}
PATCH = """\
reform: {nl: Voorstel, en: Proposal}
regulation: zorgtoeslag
version: "2025.9-voorstel"
rules:
  normpremie:
    formula: drempelinkomen * onbekend
    reference: Voorstel
"""


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    registry = Registry([REGULATIONS / "bijstand", REGULATIONS / "zorgtoeslag"])
    with site(tmp_path_factory.mktemp("simulation"), registry) as found:
        yield found


def test_the_form_lists_the_parameters_in_force(web: Site) -> None:
    answer = web.client.get("/beleid/simulatie", params={"regeling": "zorgtoeslag"},
                            headers=web.as_("ada"))
    assert answer.status_code == 200
    page = check_page(answer.text)
    names = {field.get("name") for field in page.fields}
    assert {"p.standaardpremie", "p.vermogensgrens.partner", "hervorming"} <= names
    assert "Geef een nieuwe waarde of een hervorming om te simuleren." in answer.text
    data = web.client.get("/beleid/simulatie.json", params={"regeling": "zorgtoeslag"},
                          headers=web.as_("ada")).json()
    premium = next(p for p in data["parameters"] if p["field"] == "standaardpremie")
    assert premium["current"] == "2112" and data["report"] is None


def test_a_changed_parameter_is_simulated_as_the_simulation_itself_does(web: Site) -> None:
    data = web.client.get("/beleid/simulatie.json", params=ASK, headers=web.as_("ada")).json()
    registry = web.app.state.casefile.registry
    base = registry.get("zorgtoeslag")
    reform = apply_text(base, parameter_patch(base, DAY, {"standaardpremie": "2200"}))
    expected = simulate(Job(base, reform, DAY, "zorgtoeslag"),
                        population("zorgtoeslag", 10_000, DAY)).report()
    assert data["report"] == expected
    assert data["report"]["losers"] == 0 and data["report"]["winners"] > 0


def test_the_page_shows_the_budget_the_deciles_and_the_charts(web: Site) -> None:
    answer = web.client.get("/beleid/simulatie", params=ASK, headers=web.as_("ada"))
    assert answer.status_code == 200
    page = check_page(answer.text)
    charts = [s for s in page.svgs if s.get("role") == "img"]
    assert len(charts) == 2
    for name in ("budget", "deciles"):
        figure = answer.text[answer.text.index(f'id="{name}-caption"'):]
        figure = figure[:figure.index("</figure>")]
        assert "<svg" in figure and "<table" in figure
    for words in ("Verandering van het budget", "Verandering per inkomensdeciel",
                  "Winnaars", "Verwachte handmatige behandeling", "synthetische populatie"):
        assert words in answer.text
    english = web.client.get("/beleid/simulatie", params={**ASK, "lang": "en"},
                             headers=web.as_("ada"))
    assert "Change of the budget" in english.text
    web.client.get("/beleid/simulatie", params={"lang": "nl"}, headers=web.as_("ada"))


def test_a_wrong_patch_points_into_the_patch(web: Site) -> None:
    answer = web.client.get("/beleid/simulatie.json", params={
        "regeling": "zorgtoeslag", "personen": "10000", "hervorming": PATCH},
        headers=web.as_("ada"))
    assert answer.status_code == 200
    problems = answer.json()["problems"]
    assert problems and problems[0].startswith("hervorming.yaml:6:")
    assert "MW302" in problems[0] and "onbekend" in problems[0]
    assert answer.json()["report"] is None


def test_a_value_that_is_not_a_number_is_named(web: Site) -> None:
    answer = web.client.get("/beleid/simulatie", params={**ASK, "p.standaardpremie": "veel"},
                            headers=web.as_("ada"))
    assert answer.status_code == 200
    assert "MW904 parameters.standaardpremie" in answer.text
    assert "expected a number such as 2200" in answer.text


def test_only_policy_makers_managers_and_administrators_simulate(web: Site) -> None:
    for who in (None, "anna"):
        answer = web.client.get("/beleid/simulatie", params=ASK, headers=web.as_(who),
                                follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/login?next=/beleid/simulatie")
