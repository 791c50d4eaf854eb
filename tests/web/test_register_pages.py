"""The public maatwerk register: a page anyone may read (no sign-in), in Dutch and in English,
with its JSON twin and a CSV — the same published cells, never a suppressed number."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest

from maatwerk.cases.registry import Registry
from tests.conftest import REGULATIONS
from tests.web.insight_site import InsightSite, insight_site
from tests.web.sites import check_page


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InsightSite]:
    registry = Registry([REGULATIONS / "bijstand", REGULATIONS / "zorgtoeslag"])
    with insight_site(tmp_path_factory.mktemp("register"), registry) as found:
        yield found


def test_anyone_may_read_the_register_in_dutch_and_english(web: InsightSite) -> None:
    dutch = web.client.get("/register")
    assert dutch.status_code == 200 and '<html lang="nl">' in dutch.text
    for words in ("Openbaar maatwerkregister", "Jaar 2025", "Hardheidsclausule", "Grond",
                  "Goedgekeurd", "Afgewezen", "Participatiewet art. 18 lid 1",
                  "Zeer bijzondere omstandigheden", "alle gronden"):
        assert words in dutch.text
    page = check_page(dutch.text)
    assert "/register.json" in page.links and "/register.csv" in page.links
    assert 'href="/register"' in dutch.text  # in the menu
    english = web.client.get("/register?lang=en")
    assert "Public maatwerk register" in english.text and "Very special circumstances" in (
        english.text)
    web.client.get("/register?lang=nl")


def test_the_json_twin_and_the_csv_hold_the_same_cells(web: InsightSite) -> None:
    data = web.client.get("/register.json").json()
    assert data["threshold"] == 10 and data["years"][0]["year"] == "2025"
    bijstand = data["years"][0]["regulations"][0]
    answer = web.client.get("/register.csv")
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0] == ["year", "regulation", "clause", "ground", "level", "legal_basis",
                       "approved", "refused"]
    shown = {(r[2], r[3], r[4]): (r[6], r[7]) for r in rows[1:] if r[1] == "bijstand"}
    for clause in bijstand["clauses"]:
        assert shown[(clause["clause"], "", "clause")] == (clause["approved"]["shown"],
                                                           clause["refused"]["shown"])
        for g in clause["grounds"]:
            assert shown[(clause["clause"], g["ground"], "ground")] == (
                g["approved"]["shown"], g["refused"]["shown"])
            for cell in (g["approved"], g["refused"]):
                assert (cell["value"] is None) == (cell["suppressed"] is not None)


def test_the_register_names_no_case_person_or_team(web: InsightSite) -> None:
    text = web.client.get("/register").text + web.client.get("/register.csv").text
    for private in ("cw-0", "team-", "bijstand-0", "fiat-", "planted-"):
        assert private not in text
