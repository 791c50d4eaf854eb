"""Charts for the web pages: Vega-Lite specifications rendered to SVG on the server.

``vl_convert`` runs Vega-Lite itself (``maatwerk.web.drawing``: no CDN, no JavaScript in the
browser, no network: external data is refused), so a chart is plain SVG inlined in the page —
or, on a page that asks for its charts ``drawing.later()``, a chart not drawn before is an
image of that SVG drawn when the browser asks for it (``Chart.later``). Each chart is
accessible: the SVG has ``role="img"`` with a ``<title>`` and a ``<desc>`` (as an image: its
title as the text), its colours have at least 3:1 contrast with the white between them, series
are also told apart by shape, and its data comes with it as a table (``Chart.columns`` /
``Chart.rows``) that the page shows beside it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from maatwerk.engine.decision import LAYERS
from maatwerk.web import drawing

# Colours with at least 4:1 contrast on white (WCAG 1.4.11 asks 3:1), from the site's palette.
INK, MUTED, GRID = "#1b1b1b", "#4a4a4a", "#e3e3e3"
PALETTE = ("#154273", "#c05600", "#2e7d32", "#a4121c", "#5b2a86", "#00657a", "#6b4e16",
           "#4a4a4a")
SHAPES = ("circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "wedge",
          "stroke")
LAYER_COLOURS = {"standard": "#154273", "category": "#3a7dc9", "assessment": "#2e7d32",
                 "deviation": "#c05600"}
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
WIDTH, HEIGHT = 520, 240

CONFIG: dict[str, Any] = {
    "font": FONT, "background": "#ffffff",
    # room on the left: the browser may draw labels a little wider than vl-convert measured
    "padding": {"left": 36, "right": 12, "top": 8, "bottom": 8},
    "view": {"stroke": None},
    "axis": {"labelColor": INK, "titleColor": INK, "domainColor": MUTED, "tickColor": MUTED,
             "gridColor": GRID, "labelFontSize": 12, "titleFontSize": 12,
             "titleFontWeight": 600, "labelLimit": 220},
    "legend": {"labelColor": INK, "titleColor": INK, "labelFontSize": 12, "titleFontSize": 12,
               "orient": "bottom", "direction": "vertical", "labelLimit": 400},
    "range": {"category": list(PALETTE)},
    "bar": {"stroke": "#ffffff", "strokeWidth": 1.5},
    "line": {"strokeWidth": 2.5},
    "point": {"size": 60, "filled": True},
}


@dataclass(frozen=True)
class Chart:
    """One chart: its SVG and the same data as a table."""

    id: str
    title: str
    svg: str | None  # None when there is nothing to draw, or it is drawn later
    columns: list[str]
    rows: list[list[str]]
    below: bool = False  # the table goes below the chart (wide tables), not beside it
    later: drawing.Later | None = None  # drawn when its image is asked for (``drawing``)


# -- formatting ---------------------------------------------------------------------------------


def number(value: Decimal | float | int | None, lang: str, decimals: int = 0) -> str:
    """A number with the language's separators; '—' for none."""
    if value is None:
        return "—"
    body = f"{value:,.{decimals}f}"
    if lang == "nl":
        body = body.replace(",", "_").replace(".", ",").replace("_", ".")
    return body


def percent(value: Decimal | float | None, lang: str, decimals: int = 1) -> str:
    """A share (0..1) as a percentage, '—' for none."""
    if value is None:
        return "—"
    return number(value * 100, lang, decimals) + "%"


def register(env: Any) -> None:
    """The number filters for templates: ``|pct(lang)`` and ``|num(lang)``."""
    env.filters.setdefault("pct", lambda v, lang="nl", d=1: percent(v, lang, d))
    env.filters.setdefault("num", lambda v, lang="nl", d=0: number(v, lang, d))


# -- rendering ----------------------------------------------------------------------------------


def svg(spec: dict[str, Any], *, name: str, title: str, description: str,
        lang: str = "nl") -> str:
    """The chart as inline SVG with ``role="img"``, a title and a description; ids inside it are
    prefixed with ``name`` so that several charts can share a page (``maatwerk.web.drawing``:
    drawn now unless it was drawn before)."""
    return drawing.svg({"config": CONFIG, **spec}, name=name, title=title,
                       description=description, lang=lang)


def _values(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows as Vega-Lite data: decimals as numbers, nothing for none."""
    return [{k: float(v) if isinstance(v, Decimal) else v for k, v in r.items() if v is not None}
            for r in rows]


def _chart(name: str, title: str, description: str, spec: dict[str, Any] | None,
           columns: list[str], rows: list[list[str]], lang: str) -> Chart:
    if spec is None:
        return Chart(name, title, None, columns, rows)
    drawn, later = drawing.drawn_or_later({"config": CONFIG, **spec}, name=name, title=title,
                                          description=description, lang=lang)
    return Chart(name, title, drawn, columns, rows, later=later)


def resolve(charts: Any) -> Any:
    """``charts`` (a chart, or dicts and lists of them) with each chart to be drawn later that
    has been drawn since given inline."""
    if isinstance(charts, Chart):
        if charts.later is None:
            return charts
        drawn = drawing.drawn_by(charts.later)
        return charts if drawn is None else replace(charts, svg=drawn, later=None)
    if isinstance(charts, dict):
        return {k: resolve(v) for k, v in charts.items()}
    if isinstance(charts, list):
        return [resolve(v) for v in charts]
    return charts


def custom(name: str, spec: dict[str, Any], *, title: str, description: str,
           columns: list[str], rows: list[list[str]], lang: str = "nl") -> Chart:
    """A chart drawn from a specification made elsewhere (such as a simulation's waterfall),
    in the same accessible frame and with its data as a table."""
    return _chart(name, title, description, spec, columns, rows, lang)


def _pivot(rows: Sequence[dict[str, Any]], across: str, down: str, value: str,
           show: Callable[[Any], str], order: Sequence[str] = ()) -> tuple[list[str],
                                                                       list[list[str]]]:
    """A long table turned wide: one row per ``down``, one column per ``across``."""
    heads = list(dict.fromkeys(str(r[across]) for r in rows))
    cell = {(str(r[down]), str(r[across])): r.get(value) for r in rows}
    found = [d for d in (list(order) or list(dict.fromkeys(str(r[down]) for r in rows)))
             if any((d, h) in cell for h in heads)]
    return heads, [[d, *(show(cell[(d, h)]) if (d, h) in cell else "—" for h in heads)]
                   for d in found]


def _format(value_format: str) -> dict[str, Any]:
    return {"format": value_format} if value_format else {}


# -- the kinds of chart -------------------------------------------------------------------------


def _value_axis(title: str, share: bool, top: float = 5) -> dict[str, Any]:
    """A quantitative axis: shares as whole percentages, counts and days as whole numbers (no
    more ticks than whole numbers up to ``top``)."""
    ticks = 5 if share else max(1, min(5, math.ceil(top)))
    axis = {"tickCount": ticks, "format": ".0%" if share else "d"}
    return {"type": "quantitative", "title": title, "axis": axis}


def _top(rows: Sequence[dict[str, Any]], value: str) -> float:
    return max((float(r[value]) for r in rows if r.get(value) is not None), default=0.0)


def _colour(series: str, title: str, names: list[str],
            colours: dict[str, str] | None) -> dict[str, Any]:
    scale: dict[str, Any] = {"domain": names}
    if colours:
        scale["range"] = [colours.get(n, PALETTE[i % len(PALETTE)]) for i, n in enumerate(names)]
    else:
        scale["range"] = [PALETTE[i % len(PALETTE)] for i in range(len(names))]
    return {"field": series, "type": "nominal", "title": title, "scale": scale}


def bars(name: str, rows: Sequence[dict[str, Any]], *, category: str, value: str,
         category_title: str, value_title: str, title: str, description: str,
         series: str | None = None, series_title: str = "", share: bool = False,
         lang: str = "nl", show: Callable[[Any], str] | None = None,
         colours: dict[str, str] | None = None) -> Chart:
    """Horizontal bars of ``value`` per ``category`` (grouped by ``series`` when given, in the
    order the rows name them)."""
    show = show or ((lambda v: percent(v, lang)) if share else (lambda v: number(v, lang)))
    drawn = [r for r in rows if r.get(value) is not None]
    if series:
        heads, table = _pivot(rows, series, category, value, show)
        columns = [category_title, *heads]
    else:
        columns = [category_title, value_title]
        table = [[str(r[category]), show(r.get(value))] for r in rows]
    if not drawn:
        return _chart(name, title, description, None, columns, table, lang)
    categories = list(dict.fromkeys(str(r[category]) for r in drawn))
    names = list(dict.fromkeys(str(r[series]) for r in drawn)) if series else []
    encoding: dict[str, Any] = {
        "y": {"field": category, "type": "nominal", "title": None, "sort": categories},
        "x": {"field": value, **_value_axis(value_title, share, _top(drawn, value))},
    }
    mark: dict[str, Any] = {"type": "bar", "color": PALETTE[0]}
    if series:
        encoding["color"] = _colour(series, series_title, names, colours)
        encoding["yOffset"] = {"field": series, "type": "nominal", "sort": names}
        mark.pop("color")
    spec = {"width": WIDTH, "height": max(40, len(categories) * (20 * max(1, len(names)) + 10)),
            "data": {"values": _values(drawn)}, "mark": mark, "encoding": encoding}
    return _chart(name, title, description, spec, columns, table, lang)


def lines(name: str, rows: Sequence[dict[str, Any]], *, x: str, value: str, series: str,
          x_title: str, value_title: str, series_title: str, title: str, description: str,
          domain: Sequence[str] = (), share: bool = False, lang: str = "nl",
          show: Callable[[Any], str] | None = None) -> Chart:
    """Lines over time (months as ordered text, every month of ``domain`` on the axis), one per
    ``series``, told apart by colour and by the shape of their points."""
    show = show or ((lambda v: percent(v, lang)) if share else (lambda v: number(v, lang)))
    drawn = [r for r in rows if r.get(value) is not None]
    heads, table = _pivot(rows, series, x, value, show, domain)
    columns = [x_title, *heads]
    if not drawn:
        return _chart(name, title, description, None, columns, table, lang)
    names = list(dict.fromkeys(str(r[series]) for r in drawn))
    colour = _colour(series, series_title, names, None)
    shape = {"field": series, "type": "nominal", "title": series_title,
             "scale": {"domain": names, "range": [SHAPES[i % len(SHAPES)]
                                                  for i in range(len(names))]}}
    along = {"field": x, "type": "ordinal", "title": x_title,
             "scale": {"domain": list(domain)} if domain else {}, "axis": {"labelAngle": -45}}
    spec = {"width": WIDTH, "height": HEIGHT, "data": {"values": _values(drawn)},
            "encoding": {"x": along, "y": {"field": value,
                                           **_value_axis(value_title, share,
                                                         _top(drawn, value))}},
            "layer": [
                {"mark": {"type": "line"},
                 "encoding": {"color": {**colour, "legend": None},
                              "detail": {"field": series}}},
                {"mark": {"type": "point", "filled": True, "opacity": 1},
                 "encoding": {"color": colour, "shape": shape}},
            ]}
    return _chart(name, title, description, spec, columns, table, lang)


def layers(name: str, rows: Sequence[dict[str, Any]], *, category: str, category_title: str,
           title: str, description: str, labels: dict[str, str], lang: str = "nl",
           temporal: bool = False, domain: Sequence[str] = ()) -> Chart:
    """A stacked bar per ``category`` of the share of outputs each deciding layer decided
    (rows with ``layer``, ``outputs`` and ``share``); layers in pipeline order and fixed
    colours. The table (one column per layer: count and share) goes below the chart."""
    shown = [{**r, "layer": labels.get(r["layer"], r["layer"]),
              "cell": f"{number(r['outputs'], lang)} ({percent(r['share'], lang)})"}
             for r in rows]
    heads, table = _pivot(shown, "layer", category, "cell", str, domain)
    columns = [category_title, *heads]
    drawn = [{category: r[category], "layer": labels.get(r["layer"], r["layer"]),
              "rank": LAYERS.index(r["layer"]) if r["layer"] in LAYERS else len(LAYERS),
              "outputs": r["outputs"], "share": r["share"]} for r in rows if r["outputs"]]
    if not drawn:
        return replace(_chart(name, title, description, None, columns, table, lang),
                       below=True)
    names = [*LAYERS, *sorted({r["layer"] for r in rows} - set(LAYERS))]
    colour = {"field": "layer", "type": "nominal", "title": labels.get("layer", "layer"),
              "scale": {"domain": [labels.get(n, n) for n in names],
                        "range": [LAYER_COLOURS.get(n, PALETTE[-1]) for n in names]}}
    categories = list(domain) or list(dict.fromkeys(str(r[category]) for r in drawn))
    along: dict[str, Any] = {"field": category, "type": "ordinal" if temporal else "nominal",
                             "title": category_title if temporal else None,
                             "sort": categories}
    share = {"field": "outputs", "stack": "normalize",
             **_value_axis(labels.get("share", "share"), True)}
    encoding: dict[str, Any] = {"color": colour,
                                "order": {"field": "rank", "type": "quantitative"}}
    if temporal:
        along["scale"] = {"domain": categories}
        along["axis"] = {"labelAngle": -45}
        encoding |= {"x": along, "y": share}
        size = {"width": WIDTH, "height": HEIGHT}
    else:
        encoding |= {"y": along, "x": share}
        size = {"width": WIDTH, "height": max(40, 30 * len(categories))}
    spec = {**size, "data": {"values": _values(drawn)}, "mark": {"type": "bar"},
            "encoding": encoding}
    return replace(_chart(name, title, description, spec, columns, table, lang), below=True)


def funnel(name: str, data: dict[str, Any], *, title: str, description: str, x_title: str,
           y_title: str, words: dict[str, str], lang: str = "nl",
           extra: tuple[str, ...] = ()) -> Chart:
    """A funnel plot (``maatwerk.insight.funnel``): each unit's rate against its number of
    cases, the target rate and the 95 % (dashed) and 99.8 % (solid) control limits; outliers
    drawn as red crosses with their name, warnings as orange diamonds. ``words`` names the
    judgements, the limits and the table's columns; ``extra`` adds columns of the points
    (a team)."""
    points = data["points"]
    verdict = {"high": "outlier", "low": "outlier", "warn_high": "warning",
               "warn_low": "warning"}
    columns = [words["name"], *(words[k] for k in extra), words["cases"], words["rate"],
               words["limits_95"], words["limits_998"], words["judgement"]]
    rows = [[str(p["name"]), *(str(p.get(k, "")) for k in extra), number(p["cases"], lang),
             percent(p["rate"], lang),
             f"{percent(p['low_95'], lang)} – {percent(p['high_95'], lang)}",
             f"{percent(p['low_998'], lang)} – {percent(p['high_998'], lang)}",
             words[p["judgement"]]] for p in points]
    drawn = [{"name": str(p["name"]), "cases": p["cases"], "rate": p["rate"],
              "kind": words[verdict.get(p["judgement"], "within")]}
             for p in points if p["rate"] is not None]
    if not drawn or data["target"] is None:
        return _chart(name, title, description, None, columns, rows, lang)
    spec = _funnel_spec(data, drawn, x_title=x_title, y_title=y_title, words=words)
    return replace(_chart(name, title, description, spec, columns, rows, lang), below=True)


def _funnel_spec(data: dict[str, Any], drawn: list[dict[str, Any]], *, x_title: str,
                 y_title: str, words: dict[str, str]) -> dict[str, Any]:
    """The layers of a funnel plot: the limit lines, the target, the points, the outliers'
    names."""
    limits = [{"cases": line["cases"], "side": side, "level": words[level],
               "rate": line[f"{side}_{suffix}"]}
              for line in data["lines"] for side in ("low", "high")
              for level, suffix in (("level_95", "95"), ("level_998", "998"))]
    kinds = [words[k] for k in ("within", "warning", "outlier")]
    top = max((int(p["cases"]) for p in data["points"]), default=1)
    x = {"field": "cases", "type": "quantitative", "title": x_title,
         "scale": {"domain": [0, math.ceil(top * 1.1)]}, "axis": {"format": "d"}}
    y = {"field": "rate", **_value_axis(y_title, True)}
    return {"width": WIDTH, "height": HEIGHT, "layer": [
        {"data": {"values": _values(limits)}, "mark": {"type": "line", "color": MUTED,
                                                       "strokeWidth": 1.5},
         "encoding": {"x": x, "y": y, "detail": {"field": "side"},
                      "strokeDash": {"field": "level", "type": "nominal",
                                     "title": words["limits"],
                                     "legend": {"orient": "right", "direction": "vertical"},
                                     "scale": {"domain": [words["level_95"],
                                                          words["level_998"]],
                                               "range": [[5, 4], [1, 0]]}}}},
        {"data": {"values": [{"rate": float(data["target"])}]},
         "mark": {"type": "rule", "color": INK, "strokeWidth": 1},
         "encoding": {"y": {"field": "rate", "type": "quantitative"}}},
        {"data": {"values": _values(drawn)}, "mark": {"type": "point", "filled": True,
                                                      "opacity": 1, "size": 80},
         "encoding": {"x": x, "y": y,
                      "color": {"field": "kind", "type": "nominal", "title": words["judgement"],
                                "scale": {"domain": kinds,
                                          "range": [PALETTE[0], PALETTE[1], PALETTE[3]]}},
                      "shape": {"field": "kind", "type": "nominal", "title": words["judgement"],
                                "scale": {"domain": kinds,
                                          "range": ["circle", "diamond", "cross"]}}}},
        {"data": {"values": _values([d for d in drawn if d["kind"] == kinds[2]])},
         "mark": {"type": "text", "align": "left", "dx": 8, "dy": -6, "color": INK,
                  "fontSize": 12},
         "encoding": {"x": x, "y": y, "text": {"field": "name"}}},
    ], "resolve": {"scale": {"color": "independent", "shape": "independent"}}}
