"""The dilemma monitor and the dynamics signals on the manager's dashboard, over a history with a
planted outlier caseworker and assertive-citizen effect: the alarms, the funnel plot as an
accessible chart with its table, the signals per group, the JSON twin, Dutch and English."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from maatwerk.cases.registry import Registry
from maatwerk.insight.funnel import Unit, funnel
from maatwerk.web import charts
from maatwerk.web.pages.manager_insight import funnel_words
from tests.conftest import REGULATIONS
from tests.insight.synthetic import ASSERTIVE, OUTLIER
from tests.web.insight_site import InsightSite, insight_site
from tests.web.sites import check_page, drawn

SECTIONS = ("dilemmas", "gelijkheid", "rechtszekerheid", "doelmatigheid", "transparantie",
            "willekeur", "dynamiek", "burgers", "behandelaars", "managers", "bestuurders")


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InsightSite]:
    registry = Registry([REGULATIONS / "bijstand", REGULATIONS / "zorgtoeslag"])
    with insight_site(tmp_path_factory.mktemp("manager-insight"), registry, outlier=True,
                      assertive=True) as found:
        yield found


def test_the_dashboard_shows_the_dilemmas_and_the_signals(web: InsightSite) -> None:
    text = web.client.get("/manager", headers=web.headers).text
    page = check_page(text)
    assert set(SECTIONS) <= page.ids
    for words in ("Dilemma&#39;s van maatwerk", "Signalen", "Gelijkheid", "Rechtszekerheid",
                  "Doelmatigheid", "Transparantie", "Willekeur", "Dynamiek: signalen per groep",
                  "Trechter van behandelaars", "Toekenning per kanaal",
                  "Achterstand aan het eind van de maand", "Terugkerend"):
        assert words in text, words
    signals = text[text.index('id="dilemma-signals"'):text.index('id="gelijkheid"')]
    assert f"<strong>{OUTLIER}</strong>" in signals and "uitschieter naar boven" in signals
    citizens = text[text.index('id="burgers"'):text.index('id="behandelaars"')]
    assert f"<strong>{ASSERTIVE}</strong>" in citizens


def test_the_funnel_is_an_image_with_its_table(web: InsightSite) -> None:
    text = drawn(web.client, "/manager", web.headers)
    figure = text[text.index('id="funnel-bijstand-caseworkers-caption"'):]
    figure = figure[:figure.index("</figure>")]
    assert 'role="img"' in figure and '<title id="funnel-bijstand-caseworkers-title">' in figure
    assert "<table" in figure and "99,8%-grenzen" in figure
    table = figure[figure.index("<table"):]
    row = table[table.index(f">{OUTLIER}<"):]
    assert "uitschieter naar boven" in row[:row.index("</tr>")]


def test_the_json_twin_holds_the_monitor_and_the_signals(web: InsightSite) -> None:
    data = web.client.get("/manager.json", headers=web.headers).json()
    assert "charts" not in data
    alarms = data["dilemmas"]["alarms"]
    assert [a["name"] for a in alarms if a["level"] == "caseworker"] == [OUTLIER]
    assert data["dynamics"]["citizens"][0]["alarms"] == [ASSERTIVE]
    assert isinstance(data["dilemmas"]["equality"]["regulations"][0]["pair_share"], str)
    assert data["dynamics"]["caseworkers"]["outliers"]["deviation_rate"] == [OUTLIER]
    filtered = web.client.get("/manager.json?regeling=zorgtoeslag",
                              headers=web.headers).json()
    assert filtered["dilemmas"]["alarms"] == [] and filtered["dynamics"]["citizens"] == []


def test_in_english(web: InsightSite) -> None:
    text = web.client.get("/manager?lang=en", headers=web.headers).text
    for words in ("The dilemmas of maatwerk", "Equality", "Legal certainty", "Arbitrariness",
                  "Funnel of caseworkers", "outlier above", "99.8% limits",
                  "Citizens: who asks for maatwerk and who gets it?"):
        assert words in text, words
    web.client.get("/manager?lang=nl", headers=web.headers)


def test_a_funnel_chart_draws_limits_points_and_outliers() -> None:
    found = funnel([Unit("a", 100, 10), Unit("b", 120, 11), Unit("c", 110, 40)])
    chart = charts.funnel("f", found, title="T", description="D", x_title="X", y_title="Y",
                          words=funnel_words("nl", "caseworker", "decided_n", "with_deviation"))
    assert chart.svg is not None and 'role="img"' in chart.svg and chart.below
    assert chart.columns[0] == "Behandelaar" and len(chart.rows) == 3
    assert chart.rows[2][-1] == "uitschieter naar boven"
    empty = charts.funnel("e", funnel([]), title="T", description="D", x_title="X",
                          y_title="Y", words=funnel_words("en", "team", "cases", "rate"))
    assert empty.svg is None and empty.rows == []
    assert found["target"] == Decimal("0.1848")  # 61 of 330
