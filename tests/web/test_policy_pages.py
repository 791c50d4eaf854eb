"""The policy maker's regulation browser (``/beleid``): public, in Dutch and in English, every
regulation shown whole — with its dependency graph as SVG and its maatwerk profile declared and
from real decisions — and the numbers in the JSON twins."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from maatwerk.cases.registry import Registry
from tests.conftest import REGULATIONS
from tests.web.sites import Site, check_page, site

REGISTRY = Registry([REGULATIONS])
ALL = sorted(REGISTRY.current)


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with site(tmp_path_factory.mktemp("policy"), REGISTRY) as found:
        yield found


def test_the_list_of_regulations_is_public(web: Site) -> None:
    answer = web.client.get("/beleid")
    assert answer.status_code == 200
    assert "<h1>Regelingen</h1>" in answer.text
    found = check_page(answer.text)
    for regulation in ALL:
        assert f"/beleid/regelingen/{regulation}" in found.links
    english = web.client.get("/beleid?lang=en")
    assert "<h1>Regulations</h1>" in english.text and '<html lang="en">' in english.text
    web.client.get("/beleid?lang=nl")


def test_the_list_as_json_says_how_decisions_were_made(web: Site) -> None:
    data = web.client.get("/beleid.json").json()
    assert "charts" not in data
    by_id = {r["id"]: r for r in data["regulations"]}
    assert sorted(by_id) == ALL
    assert by_id["bijstand"]["decided"]["decisions"] == 3
    assert by_id["bijstand"]["decided"]["by_layer"]["deviation"] > 0
    assert by_id["zorgtoeslag"]["decided"]["not_standard"] == "0.0000"  # decimals as text
    assert by_id["wmo-maatwerkvoorziening"]["decided"]["decisions"] == 0
    assert by_id["wmo-maatwerkvoorziening"]["variants"]["standaardmaatwerk"] is True


@pytest.mark.parametrize("regulation", ALL)
def test_every_regulation_is_shown_whole(web: Site, regulation: str) -> None:
    reg = REGISTRY.get(regulation)
    answer = web.client.get(f"/beleid/regelingen/{regulation}")
    assert answer.status_code == 200, answer.text[:500]
    text = answer.text
    found = check_page(text)  # also: every in-page link (graph nodes too) has its target
    for name in (*reg.inputs, *reg.parameters, *reg.rules, *reg.tables):
        assert f"def-{name}" in found.ids, name
    for name in reg.hardship:
        assert f"def-clause-{name}" in found.ids
    for name in reg.categories:
        assert f"def-cat-{name}" in found.ids
    graph = re.search(r'<svg [^>]*class="depgraph".*?</svg>', text, re.S)
    assert graph is not None
    for name in reg.order:
        assert f'<a href="#def-{name}"' in graph.group(0), name
    assert 'aria-labelledby="graph-title graph-desc"' in graph.group(0)
    assert "Verklaard maatwerkprofiel" in text and "Maatwerkprofiel uit echte besluiten" in text


def test_the_regulation_in_english(web: Site) -> None:
    text = web.client.get("/beleid/regelingen/bijstand?lang=en").text
    assert "Dependencies: inputs → rules → outputs" in text
    assert "Social assistance norm 2025 (Participation Act)" in text
    assert "Hardship clauses" in text and "Four eyes" in text
    web.client.get("/beleid?lang=nl")


def test_the_profile_from_real_decisions_is_a_chart_over_time(web: Site) -> None:
    text = web.client.get("/beleid/regelingen/bijstand").text
    for name in ("profile-over-time", "profile-by-output"):
        assert f'<title id="{name}-title">' in text
        figure = text[text.index(f'id="{name}-caption"'):]
        figure = figure[:figure.index("</figure>")]
        assert 'role="img"' in figure and "<table" in figure
        assert "2025-02" in figure or name == "profile-by-output"
    # a regulation without decisions says so instead of drawing an empty chart
    assert "Geen gegevens in deze selectie." in web.client.get(
        "/beleid/regelingen/wmo-maatwerkvoorziening").text


def test_the_json_twin_holds_the_regulation_and_its_profiles(web: Site) -> None:
    data = web.client.get("/beleid/regelingen/bijstand.json").json()
    assert "charts" not in data and "graph_svg" not in data
    assert data["id"] == "bijstand" and data["legal_basis"][0]["title"] == "Participatiewet"
    assert data["inputs"]["geboortedatum"]["source"] == "BRP"
    assert data["inputs"]["geboortedatum"]["question"]["nl"] == "Wat is uw geboortedatum?"
    clause = data["hardship"]["dringende_redenen"]
    assert (clause["level"], clause["mode"], clause["four_eyes"]) == (
        "individual", "exception", True)
    assert clause["decider"]["unit"] == "maatwerkteam"
    assert clause["grounds"]
    assert data["rules"]["uit_te_betalen"]["versions"][0]["formula"]
    assert data["profile"]["declared"]["always_considered"] == ["afstemming"]
    assert data["profile"]["observed"]["decisions"] == 3
    assert data["profile"]["observed"]["months"] == [
        {"month": "2025-02", "decisions": 3, "outputs": 21}]
    edges = {e["name"]: e for e in data["graph"]}
    assert edges["uit_te_betalen"]["reads"] == ["bijstandsnorm", "grondslag_bijstand",
                                                "verlaging"]
    assert edges["uit_te_betalen"]["output"] is True
    assert data["versions"][0]["cases"] == 5 and data["versions"][0]["current"] is True


def test_a_value_that_differs_from_the_statute_shows_both(web: Site) -> None:
    data = web.client.get("/beleid/regelingen/zorgtoeslag.json").json()
    rows = {r["from"]: r for r in data["statutory_values"]["drempelinkomen"]}
    assert rows["2025-01-01"]["value"] == "28406"
    assert rows["2025-01-01"]["statutory"] == "28405.73"
    assert rows["2025-01-01"]["difference"] == "0.27"
    text = web.client.get("/beleid/regelingen/zorgtoeslag").text
    assert "€ 28.405,73" in text and "verschil € 0,27" in text


def test_the_assessment_frame_is_shown(web: Site) -> None:
    text = web.client.get("/beleid/regelingen/wmo-maatwerkvoorziening").text
    assert 'id="onderzoek"' in text
    data = web.client.get("/beleid/regelingen/wmo-maatwerkvoorziening.json").json()
    assert data["assessment"]["provisions"]
    assert data["profile"]["possible"]["voorziening"] == ["standard", "assessment"]


def test_an_unknown_regulation_is_not_found(web: Site) -> None:
    page = web.client.get("/beleid/regelingen/geen-regeling")
    assert page.status_code == 404 and "Niet gevonden" in page.text
    answer = web.client.get("/beleid/regelingen/geen-regeling.json")
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "MW803"
