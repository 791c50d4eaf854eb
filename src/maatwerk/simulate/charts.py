"""The charts of a simulation as Vega-Lite specifications: the change per income decile (bars)
and the budget from baseline to reform (a waterfall). ``svg`` renders one with vl-convert,
offline; the web pages wrap the same specifications in their accessible chart frame."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

WORDS = {
    "nl": {"decile": "Inkomensdeciel", "mean_change": "Gemiddelde verandering (€ per persoon)",
           "mean_base": "Gemiddeld bedrag (€ per persoon)", "amount": "Bedrag (€)",
           "step": "Stap", "base": "Basis", "gains": "Winnaars", "losses": "Verliezers",
           "status": "Anders beslist", "reform": "Hervorming", "change": "Verandering",
           "deciles_title": "Verandering per inkomensdeciel",
           "deciles_base_title": "Bedrag per inkomensdeciel",
           "budget_title": "Verandering van het budget: winnaars, verliezers, anders beslist"},
    "en": {"decile": "Income decile", "mean_change": "Average change (€ per person)",
           "mean_base": "Average amount (€ per person)", "amount": "Amount (€)",
           "step": "Step", "base": "Baseline", "gains": "Winners", "losses": "Losers",
           "status": "Decided differently", "reform": "Reform", "change": "Change",
           "deciles_title": "Change per income decile",
           "deciles_base_title": "Amount per income decile",
           "budget_title": "Change of the budget: winners, losers, decided differently"},
}
BLUE, ORANGE, GREEN, RED = "#154273", "#c05600", "#2e7d32", "#a4121c"


def decile_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Per decile the value the chart shows: the mean change, or the mean amount without a
    reform."""
    key = "mean_change" if report.get("reform") else "mean_base"
    return [{"decile": row["decile"], "value": float(Decimal(row[key] or "0"))}
            for row in report["deciles"]]


def deciles(report: dict[str, Any], lang: str = "nl") -> dict[str, Any]:
    """Bars of the mean change (or amount) per income decile."""
    w = WORDS[lang]
    title = w["mean_change"] if report.get("reform") else w["mean_base"]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": w["deciles_title"] if report.get("reform") else w["deciles_base_title"],
        "width": 480, "height": 220,
        "data": {"values": decile_rows(report)},
        "mark": {"type": "bar"},
        "encoding": {
            "x": {"field": "decile", "type": "ordinal", "title": w["decile"],
                  "axis": {"labelAngle": 0}},
            "y": {"field": "value", "type": "quantitative", "title": title},
            "color": {"condition": {"test": "datum.value < 0", "value": ORANGE}, "value": BLUE},
            "tooltip": [{"field": "decile", "title": w["decile"]},
                        {"field": "value", "title": title, "format": ",.2f"}],
        },
    }


def waterfall_rows(report: dict[str, Any], lang: str = "nl") -> list[dict[str, Any]]:
    """The steps from baseline to reform budget: what the winners gain, what the losers lose,
    the change from persons decided in one run only, and the total change."""
    w = WORDS[lang]
    budget = report["budget"]
    rows: list[dict[str, Any]] = []
    level = Decimal(0)
    for order, key in enumerate(("gains", "losses", "status")):
        delta = Decimal(budget[key])
        rows.append({"step": w[key], "start": float(level), "end": float(level + delta),
                     "amount": float(delta), "kind": "up" if delta >= 0 else "down",
                     "order": order})
        level += delta
    rows.append({"step": w["change"], "start": 0.0, "end": float(level), "amount": float(level),
                 "kind": "total", "order": 3})
    for row in rows:
        row["top"] = max(row["start"], row["end"])
        sign = "+" if row["amount"] > 0 else ""
        whole = f"{row['amount']:,.0f}"
        row["label"] = sign + (whole.replace(",", ".") if lang == "nl" else whole)
    return rows


def waterfall(report: dict[str, Any], lang: str = "nl") -> dict[str, Any]:
    """The budget from baseline to reform, step by step."""
    w = WORDS[lang]
    rows = waterfall_rows(report, lang)
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": {"text": w["budget_title"], "offset": 18}, "width": 480, "height": 240,
        "data": {"values": rows},
        "encoding": {
            "x": {"field": "step", "type": "nominal", "title": w["step"],
                  "sort": [row["step"] for row in rows], "axis": {"labelAngle": 0}},
        },
        "layer": [
            {"mark": {"type": "bar"},
             "encoding": {
                 "y": {"field": "start", "type": "quantitative", "title": w["amount"]},
                 "y2": {"field": "end"},
                 "color": {"field": "kind", "type": "nominal", "legend": None,
                           "scale": {"domain": ["total", "up", "down"],
                                     "range": [BLUE, GREEN, RED]}},
                 "tooltip": [{"field": "step", "title": w["step"]},
                             {"field": "amount", "title": w["amount"], "format": ",.2f"}]}},
            {"mark": {"type": "text", "dy": -8, "color": "#1b1b1b"},
             "encoding": {"y": {"field": "top", "type": "quantitative"},
                          "text": {"field": "label"}}},
        ],
    }


LOCALES = {"nl": "nl-NL", "en": "en-US"}


def svg(spec: dict[str, Any], lang: str = "nl") -> str:
    """A chart as SVG, rendered offline (no external data is fetched)."""
    import vl_convert

    locale: Any = LOCALES[lang]
    return str(vl_convert.vegalite_to_svg(spec, format_locale=locale, time_format_locale=locale,
                                          allowed_base_urls=[]))
