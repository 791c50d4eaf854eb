"""Charts rendered to SVG on the server (``maatwerk.web.charts``): offline, accessible, escaped,
with their data as a table, and the numbers in Dutch and English."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from maatwerk.web import charts


def test_a_chart_is_an_image_with_a_title_and_a_description() -> None:
    chart = charts.bars("deviations", [{"team": "noord", "rate": Decimal("0.25")},
                                       {"team": "zuid", "rate": None}],
                        category="team", value="rate", category_title="Team",
                        value_title="Aandeel", title="Afwijkingen <per> team",
                        description="Ook als tabel.", share=True, lang="nl")
    assert chart.svg is not None
    head = chart.svg[:chart.svg.index(">") + 1]
    assert 'role="img"' in head and 'aria-labelledby="deviations-title deviations-desc"' in head
    assert '<title id="deviations-title">Afwijkingen &lt;per&gt; team</title>' in chart.svg
    assert '<desc id="deviations-desc">Ook als tabel.</desc>' in chart.svg
    # the table holds every row, also the one without a value that the chart leaves out
    assert chart.columns == ["Team", "Aandeel"]
    assert chart.rows == [["noord", "25,0%"], ["zuid", "—"]]


def test_labels_are_escaped() -> None:
    chart = charts.bars("x", [{"k": "<script>alert(1)</script> & co", "v": 2}], category="k",
                        value="v", category_title="K", value_title="V", title="T",
                        description="D")
    assert chart.svg is not None
    assert "<script" not in chart.svg and "&lt;script&gt;" in chart.svg


def test_nothing_to_draw_is_no_chart() -> None:
    chart = charts.lines("empty", [], x="month", value="cases", series="regulation",
                         x_title="Maand", value_title="Zaken", series_title="Regeling",
                         title="T", description="D")
    assert chart.svg is None and chart.rows == []


def test_charts_load_nothing_from_elsewhere() -> None:
    with pytest.raises(ValueError, match="not allowed"):
        charts.svg({"data": {"url": "https://example.org/data.csv"}, "mark": "bar",
                    "encoding": {"x": {"field": "a", "type": "nominal"}}},
                   name="remote", title="T", description="D")


def test_lines_have_a_table_per_month_and_series() -> None:
    rows = [{"month": "2025-01", "regulation": "A", "cases": 3},
            {"month": "2025-03", "regulation": "A", "cases": 1},
            {"month": "2025-03", "regulation": "B", "cases": 2}]
    chart = charts.lines("volumes", rows, x="month", value="cases", series="regulation",
                         x_title="Maand", value_title="Zaken", series_title="Regeling",
                         title="Instroom", description="D",
                         domain=["2025-01", "2025-02", "2025-03"])
    assert chart.columns == ["Maand", "A", "B"]
    assert chart.rows == [["2025-01", "3", "—"], ["2025-03", "1", "2"]]
    assert chart.svg is not None and "2025-02" in chart.svg  # the empty month is on the axis


def test_the_layer_mix_keeps_the_pipeline_order_and_colours() -> None:
    rows = [{"regulation": "R", "layer": "deviation", "outputs": 1, "share": Decimal("0.25")},
            {"regulation": "R", "layer": "standard", "outputs": 3, "share": Decimal("0.75")}]
    labels = {"standard": "standaard", "deviation": "afwijking", "layer": "Laag"}
    chart = charts.layers("mix", rows, category="regulation", category_title="Regeling",
                          title="Lagen", description="D", labels=labels)
    assert chart.below and chart.svg is not None
    assert chart.rows == [["R", "1 (25,0%)", "3 (75,0%)"]]
    fills = re.findall(r'fill="(#[0-9a-f]{6})"', chart.svg)
    assert charts.LAYER_COLOURS["standard"] in fills
    assert charts.LAYER_COLOURS["deviation"] in fills


def test_two_charts_on_a_page_share_no_ids() -> None:
    rows = [{"k": "a", "v": 1}]
    first = charts.bars("one", rows, category="k", value="v", category_title="K",
                        value_title="V", title="T", description="D")
    second = charts.bars("two", rows, category="k", value="v", category_title="K",
                         value_title="V", title="T", description="D")
    assert first.svg is not None and second.svg is not None
    ids = [set(re.findall(r'\bid="([^"]+)"', svg)) for svg in (first.svg, second.svg)]
    assert ids[0] and not ids[0] & ids[1]


@pytest.mark.parametrize(("value", "lang", "shown"), [
    (Decimal("0.3333"), "nl", "33,3%"), (Decimal("0.3333"), "en", "33.3%"), (None, "nl", "—"),
    (1, "en", "100.0%")])
def test_percentages(value: Decimal | None, lang: str, shown: str) -> None:
    assert charts.percent(value, lang) == shown


def test_numbers() -> None:
    assert charts.number(12345, "nl") == "12.345"
    assert charts.number(12345, "en") == "12,345"
    assert charts.number(Decimal("18.8"), "nl", 1) == "18,8"
    assert charts.number(None, "nl") == "—"
