"""Precedents on the caseworker's case page (``/behandelaar/zaken/{id}``) over the planted
bijstand history: the alike decided cases with the layer that decided them, the deviation with
its clause, article and ground, the facts that differ; the alike cases with maatwerk; in the
JSON twin too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from maatwerk.cases.registry import Registry
from tests.conftest import REGULATIONS
from tests.insight.crystal_history import NORM, Planted
from tests.web.crystal_site import crystal_site
from tests.web.sites import Site, check_page


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    registry = Registry([REGULATIONS / "bijstand"])
    with crystal_site(tmp_path_factory.mktemp("precedents"), registry) as found:
        yield found


def truth(web: Site) -> Planted:
    found = web.history
    assert isinstance(found, Planted)
    return found


def test_the_case_page_shows_how_alike_cases_were_decided(web: Site) -> None:
    case_id = truth(web).of("considered")[0]  # a planted household without the deviation
    page = web.client.get(f"/behandelaar/zaken/{case_id}", headers=web.as_("carla"))
    assert page.status_code == 200
    check_page(page.text)
    for words in ("Vergelijkbare zaken", "Beslist door", "afwijking (hardheidsclausule)",
                  "Participatiewet art. 18 lid 1", "Zeer bijzondere omstandigheden",
                  "Verschilt in", "Kostendelersnorm voor een alleenstaande"):
        assert words in page.text, words
    twin = web.client.get(f"/behandelaar/zaken/{case_id}.json", headers=web.as_("carla")).json()
    shown = twin["precedents"] + twin["precedents_maatwerk"]
    assert case_id not in [p["id"] for p in shown]
    assert len(twin["precedents"]) == 5
    deviated = [p for p in shown if p["layer"] == "deviation"]
    assert deviated and all(p["id"] in truth(web).of("deviated") for p in deviated)
    assert deviated[0]["deviations"][0]["value"] == NORM
    assert [p["distance"] for p in twin["precedents"]] == sorted(
        p["distance"] for p in twin["precedents"])


def test_in_english(web: Site) -> None:
    case_id = truth(web).of("ordinary")[0]
    page = web.client.get(f"/behandelaar/zaken/{case_id}?lang=en", headers=web.as_("carla"))
    assert page.status_code == 200
    for words in ("Alike cases", "Decided by", "Differs in"):
        assert words in page.text, words
