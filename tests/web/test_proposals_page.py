"""The policy maker's crystallisation proposals (``/beleid/regelingen/{id}/voorstellen``) over
the planted bijstand history: the planted cluster as a proposal with its condition, override and
coverage, the YAML to download (which the checker accepts), the link that simulates it on the
demo population, the filter, the JSON twin, English, and who may see it."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import pytest
from markupsafe import escape

from maatwerk.cases.registry import Registry
from maatwerk.engine.check import load_checked
from maatwerk.simulate.reform import apply_text
from tests.conftest import REGULATIONS
from tests.web.crystal_site import crystal_site
from tests.web.sites import Site, check_page

URL = "/beleid/regelingen/bijstand/voorstellen"
CONDITION = "leefvorm == 'alleenstaande_ouder' and aantal_kostendelers >= 2"


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    registry = Registry([REGULATIONS / "bijstand", REGULATIONS / "zorgtoeslag"])
    with crystal_site(tmp_path_factory.mktemp("proposals"), registry) as found:
        yield found


def test_the_planted_cluster_is_proposed(web: Site) -> None:
    page = web.client.get(f"{URL}?drempel=8", headers=web.as_("pim"))
    assert page.status_code == 200
    check_page(page.text)
    text = page.text
    for words in ("Voorstellen uit vastgelegde afwijkingen", "Aanwijzing voor de regelgeving "
                  "5.25 lid 3", "afstemming_omstandigheden", "norm_alleenstaand",
                  "Download het voorstel (YAML)", "Simuleer op de demobevolking"):
        assert words in text, words
    assert str(escape(CONDITION)) in text
    twin = web.client.get(f"{URL}.json?drempel=8", headers=web.as_("pim")).json()
    [proposal] = twin["proposals"]
    assert proposal["condition"] == CONDITION
    assert proposal["override"]["formula"] == "norm_alleenstaand"
    assert proposal["coverage"]["covered"] == 10 and proposal["coverage"]["false_inclusions"] == 2
    assert proposal["links"]["download"] == f"{URL}/afstemming_omstandigheden.yaml?drempel=8"
    assert [g["ground_label"] for g in twin["groups"]] == ["Middelen van de belanghebbende",
                                                          "Zeer bijzondere omstandigheden"]


def test_the_yaml_downloads_and_passes_the_checker(web: Site) -> None:
    got = web.client.get(f"{URL}/afstemming_omstandigheden.yaml?drempel=8",
                         headers=web.as_("pim"))
    assert got.status_code == 200
    assert got.headers["content-type"].startswith("application/yaml")
    assert "attachment" in got.headers["content-disposition"]
    patched = apply_text(load_checked(REGULATIONS / "bijstand"), got.text)
    assert patched.categories["afstemming_omstandigheden"].when.text == CONDITION
    missing = web.client.get(f"{URL}/bestaat_niet.yaml?drempel=8", headers=web.as_("pim"))
    assert missing.status_code == 404


def test_the_simulation_link_runs_the_proposal_on_the_demo_population(web: Site) -> None:
    twin = web.client.get(f"{URL}.json?drempel=8", headers=web.as_("pim")).json()
    link = twin["proposals"][0]["links"]["simulate"]
    query = parse_qs(urlparse(link).query)
    assert urlparse(link).path == "/beleid/simulatie"
    assert query["regeling"] == ["bijstand"] and query["peildatum"] == ["2025-07-01"]
    assert query["hervorming"] == [twin["proposals"][0]["patch"]]
    result = web.client.get(link.replace("/beleid/simulatie", "/beleid/simulatie.json"),
                            headers=web.as_("pim")).json()
    assert result["problems"] == []
    categories = {c["category"]: c for c in result["report"]["categories"]}
    assert categories["afstemming_omstandigheden"]["persons"] > 0


def test_the_filter_english_and_nothing_above_the_threshold(web: Site) -> None:
    none = web.client.get(f"{URL}?drempel=11&lang=en", headers=web.as_("max"))
    assert none.status_code == 200
    assert "No cluster of alike deviations above the threshold" in none.text
    wrong = web.client.get(f"{URL}.json?drempel=nul&precisie=2&van=gisteren",
                           headers=web.as_("pim")).json()
    assert len(wrong["problems"]) == 3
    assert wrong["options"]["threshold"] == 10 and wrong["options"]["min_precision"] == "0.3"


def test_who_may_see_the_proposals(web: Site) -> None:
    for who in ("pim", "max", "ada"):
        assert web.client.get(URL, headers=web.as_(who)).status_code == 200
    others: tuple[str | None, ...] = ("carla", "anna", None)
    for other in others:
        got = web.client.get(URL, headers=web.as_(other), follow_redirects=False)
        assert got.status_code == 303 and got.headers["location"].startswith("/login")
    assert web.client.get("/beleid/regelingen/bestaat-niet/voorstellen",
                          headers=web.as_("pim")).status_code == 404


def test_the_regulation_page_links_to_the_proposals(web: Site) -> None:
    page = web.client.get("/beleid/regelingen/bijstand", headers=web.as_("pim"))
    assert URL in page.text
    anonymous = web.client.get("/beleid/regelingen/bijstand")
    assert URL not in anonymous.text
