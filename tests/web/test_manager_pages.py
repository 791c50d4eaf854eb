"""The manager's dashboard page (``/manager``) as a manager sees it: in Dutch and in English, the
numbers in its JSON twin, charts as inline SVG with their tables (a chart not drawn before as an
image drawn when asked), the filter form, and who may see it at all."""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path

import pytest

from maatwerk.cases.registry import Registry
from maatwerk.web import drawing, memo
from tests.conftest import REGULATIONS
from tests.web.sites import CHART_IMAGE, PASSWORD, Site, check_page, drawn, site

CHARTS = ("volumes", "lead-by-regulation", "lead-by-month", "deadlines", "rate-by-team",
          "rate-by-caseworker", "layers")
# the dilemma monitor and the dynamics signals (tests/web/test_manager_insight.py)
INSIGHT_CHARTS = ("equality-teams", "discretion-teams", "lead-by-discretion",
                  "objections-by-discretion", "funnel-bijstand-caseworkers",
                  "funnel-bijstand-teams", "grants-bijstand", "refusal-funnel", "backlog",
                  "breaches", "maatwerk-trend", "recurring")


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    registry = Registry([REGULATIONS / "bijstand", REGULATIONS / "zorgtoeslag"])
    with site(tmp_path_factory.mktemp("manager"), registry) as found:
        yield found


def test_the_dashboard_in_dutch_and_in_english(web: Site) -> None:
    dutch = web.client.get("/manager", headers=web.as_("max"))
    assert dutch.status_code == 200
    assert dutch.headers["content-type"].startswith("text/html")
    assert '<html lang="nl">' in dutch.text
    for words in ("Kerncijfers", "Instroom per maand", "Doorlooptijden", "Termijnen in gevaar",
                  "Afwijkingen per team en behandelaar", "Beslissende laag per uitkomst"):
        assert words in dutch.text
    assert "33,3%" in dutch.text  # carla's share, with a decimal comma
    english = web.client.get("/manager?lang=en", headers=web.as_("max"))
    assert english.status_code == 200
    assert '<html lang="en">' in english.text
    for words in ("Key figures", "Cases received per month", "Lead times", "Deadlines at risk",
                  "Deviations per team and caseworker", "Deciding layer per output"):
        assert words in english.text
    assert "33.3%" in english.text
    web.client.get("/manager?lang=nl", headers=web.as_("max"))


def test_every_chart_is_inline_svg_with_its_table(web: Site) -> None:
    text = drawn(web.client, "/manager", web.as_("max"))
    found = check_page(text)
    charts = [s for s in found.svgs if s.get("role") == "img"]
    assert len(charts) == len(CHARTS) + len(INSIGHT_CHARTS)
    for name in (*CHARTS, *INSIGHT_CHARTS):
        assert f'<title id="{name}-title">' in text
        figure = text[text.index(f'id="{name}-caption"'):]
        figure = figure[:figure.index("</figure>")]
        assert "<svg" in figure and "<table" in figure, name
    assert "<script" not in text.replace(
        '<script src="/static/vendor/htmx-1.9.12.min.js" defer></script>', "")
    assert "cdn" not in text.lower()


def test_a_chart_not_drawn_before_is_an_image_drawn_when_asked(
        web: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drawing, "_drawn", OrderedDict())  # nothing drawn before
    memo.for_database(web.app.state.casefile.db).clear()
    text = web.client.get("/manager", headers=web.as_("max")).text
    found = check_page(text)
    sources = CHART_IMAGE.findall(text)
    assert len(sources) == len(found.images) == len(CHARTS) + len(INSIGHT_CHARTS)
    assert not [s for s in found.svgs if s.get("role") == "img"]
    figure = text[text.index('id="volumes-caption"'):]
    figure = figure[:figure.index("</figure>")]
    assert '<img src="/grafieken/' in figure and "<table" in figure
    image = web.client.get(sources[0], headers=web.as_("max"))
    assert image.status_code == 200 and image.headers["content-type"] == "image/svg+xml"
    assert 'role="img"' in image.text and "immutable" in image.headers["cache-control"]
    assert web.client.get(sources[0], follow_redirects=False).status_code == 303  # signed out
    assert web.client.get(sources[0], headers=web.as_("carla"),
                          follow_redirects=False).status_code == 303  # not a manager
    unknown = "/grafieken/" + "0" * 64 + ".svg"
    assert web.client.get(unknown, headers=web.as_("max")).status_code == 404
    monkeypatch.setattr(drawing, "_waiting", OrderedDict())  # as if left out by later pages
    assert web.client.get(sources[1], headers=web.as_("max")).status_code == 404
    again = web.client.get("/manager", headers=web.as_("max")).text
    assert len(CHART_IMAGE.findall(again)) == len(sources) - 1  # the one drawn is inline
    assert web.client.get(sources[1], headers=web.as_("max")).status_code == 200  # named again


def test_the_json_twin_holds_the_numbers(web: Site) -> None:
    answer = web.client.get("/manager.json", headers=web.as_("max"))
    assert answer.status_code == 200
    data = answer.json()
    assert "charts" not in data
    assert data["summary"]["received"] == 7
    assert data["summary"]["decided"] == 4
    assert (data["summary"]["median_days"], data["summary"]["p90_days"]) == (10, 30)
    assert (data["summary"]["due_soon"], data["summary"]["overdue"]) == (1, 1)
    assert data["deadlines"]["today"] == "2025-04-20"
    assert [(x["regulation"], x["median_days"], x["p90_days"])
            for x in data["lead_times"]["by_regulation"]] == [("bijstand", 10, 30),
                                                              ("zorgtoeslag", 30, 30)]
    carla = next(x for x in data["deviations"]["caseworkers"] if x["caseworker"] == "carla")
    assert (carla["decided"], carla["deviated"], carla["refused"]) == (3, 1, 1)
    assert {x["layer"] for x in data["layers"]} == {"standard", "category", "assessment",
                                                    "deviation"}
    assert [r["id"] for r in data["regulations"]] == ["bijstand", "zorgtoeslag"]


def test_the_filter_form(web: Site) -> None:
    text = web.client.get("/manager?regeling=zorgtoeslag&van=2025-02-01&tot=2025-03-31",
                          headers=web.as_("max")).text
    found = check_page(text)
    assert {f["name"] for f in found.fields} >= {"regeling", "van", "tot"}
    assert '<option value="zorgtoeslag" selected>' in text
    assert 'value="2025-02-01"' in text and 'value="2025-03-31"' in text
    data = web.client.get("/manager.json?regeling=zorgtoeslag&van=2025-02-01&tot=2025-03-31",
                          headers=web.as_("max")).json()
    assert data["filter"] == {"regulation": "zorgtoeslag", "start": "2025-02-01",
                              "end": "2025-03-31"}
    assert data["summary"]["received"] == 2
    assert [x["regulation"] for x in data["lead_times"]["by_regulation"]] == ["zorgtoeslag"]
    # the JSON link on the page keeps the filter
    assert 'href="/manager.json?regeling=zorgtoeslag&amp;van=2025-02-01&amp;tot=2025-03-31"' in (
        text)


def test_a_wrong_filter_is_said_and_ignored(web: Site) -> None:
    answer = web.client.get("/manager?van=gisteren&regeling=nope", headers=web.as_("max"))
    assert answer.status_code == 200
    assert "Geen geldige datum, genegeerd: gisteren" in answer.text
    assert "Onbekende regeling, genegeerd: nope" in answer.text
    data = web.client.get("/manager.json?van=2025-13-01", headers=web.as_("max")).json()
    assert data["filter"]["start"] is None and len(data["problems"]) == 1
    assert data["summary"]["received"] == 7


def test_a_reversed_period_is_turned_around(web: Site) -> None:
    data = web.client.get("/manager.json?van=2025-02-28&tot=2025-02-01",
                          headers=web.as_("max")).json()
    assert data["filter"] == {"regulation": None, "start": "2025-02-01", "end": "2025-02-28"}
    assert len(data["problems"]) == 1 and data["summary"]["received"] == 2


def test_an_empty_selection_shows_no_charts_but_says_so(web: Site) -> None:
    text = web.client.get("/manager?van=2030-01-01", headers=web.as_("max")).text
    assert "Geen gegevens in deze selectie." in text
    check_page(text)


@pytest.mark.parametrize("who", ["max", "ada", "pim"])
def test_managers_administrators_and_policy_makers_see_it(web: Site, who: str) -> None:
    assert web.client.get("/manager", headers=web.as_(who)).status_code == 200
    assert web.client.get("/manager.json", headers=web.as_(who)).status_code == 200


@pytest.mark.parametrize("who", [None, "anna", "carla", "alex"])
def test_anyone_else_is_sent_to_sign_in(web: Site, who: str | None) -> None:
    for path in ("/manager", "/manager.json"):
        answer = web.client.get(path, headers=web.as_(who), follow_redirects=False)
        assert answer.status_code == 303, (who, path)
        assert answer.headers["location"] == f"/login?next={path}"


def test_a_manager_signs_in_with_a_password(web: Site) -> None:
    login = web.client.get("/login?next=/manager")
    token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
    assert token is not None
    answer = web.client.post("/login", data={"csrf_token": token.group(1), "username": "mia",
                                             "password": PASSWORD, "next": "/manager"},
                             follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/manager"
    page = web.client.get("/manager")
    assert page.status_code == 200 and "mia" in page.text
    assert 'href="/manager"' in page.text  # the face is in the menu
    web.client.cookies.clear()
    assert web.client.get("/manager", follow_redirects=False).status_code == 303


def test_a_case_at_risk_links_to_the_case_for_staff_only(web: Site) -> None:
    z2 = web.history.z2
    assert f'href="/behandelaar/zaken/{z2}"' in web.client.get(
        "/manager", headers=web.as_("max")).text
    assert f'href="/behandelaar/zaken/{z2}"' not in web.client.get(
        "/manager", headers=web.as_("pim")).text


def test_the_web_app_draws_charts_only_through_its_drawing_module() -> None:
    """vl-convert (and altair) are used by the web app through maatwerk.web.drawing only."""
    web = Path(__file__).resolve().parents[2] / "src" / "maatwerk" / "web"
    users = sorted(p.relative_to(web).as_posix() for p in web.rglob("*.py")
                   if re.search(r"^\s*(import|from)\s+(vl_convert|altair)\b",
                                p.read_text("utf-8"), re.M))
    assert users == ["drawing.py"]
