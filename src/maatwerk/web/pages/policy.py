"""The policy maker's face: the regulation browser. Public — regulations are public law.

``/beleid`` lists the regulations with their declared variants and how their decisions were
made; ``/beleid/regelingen/{id}`` shows one regulation whole: metadata and legal basis, inputs
with their sources and questions, parameters with their dated values and references (and the
statutory value where the value used differs from it), rules with their formulas and
references, decision tables, policy categories, hardship clauses, the assessment frame, the
dependency graph (SVG, with the same dependencies as a table), and the maatwerk profile —
declared, and from real decisions as a chart over time.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import func, select

from maatwerk.cases.models import Case, RegulationVersion
from maatwerk.engine import format as fmt
from maatwerk.engine.format import text
from maatwerk.engine.plan import Plan
from maatwerk.insight.profile import maatwerk_profile, overview
from maatwerk.spec.describe import describe, summary
from maatwerk.spec.errors import DecisionError
from maatwerk.spec.model import Regulation
from maatwerk.spec.values import to_json
from maatwerk.web import charts, depgraph
from maatwerk.web.deps import casefile
from maatwerk.web.i18n import language, translate
from maatwerk.web.pages.manager import layer_labels, wants_charts
from maatwerk.web.render import page, templates

router = APIRouter()
charts.register(templates.env)
KINDS = ("input", "parameter", "rule", "table", "assessment", "output")


@page(router, "/beleid", "policy/list.html")
def regulations(request: Request) -> dict[str, Any]:
    files = casefile(request)
    lang = language(request)
    regs = sorted(files.registry.current.values(), key=lambda r: r.id)
    with files.db.reading() as s:
        used = overview(s)
    items = []
    for reg in regs:
        item = summary(reg)
        item["counts"] = {"inputs": len(reg.inputs), "parameters": len(reg.parameters),
                          "rules": len(reg.rules) + len(reg.tables),
                          "categories": len(reg.categories), "hardship": len(reg.hardship),
                          "assessment": reg.assessment is not None}
        item["decided"] = used.get(reg.id, {"decisions": 0, "outputs": 0, "layers": {},
                                            "by_layer": {}, "not_standard": None})
        items.append(item)
    data: dict[str, Any] = {"regulations": items}
    if wants_charts(request):
        titles = {r.id: text(r.title, lang) for r in regs}
        rows = [{"regulation": titles.get(rid, rid), "layer": layer,
                 "outputs": x["by_layer"][layer], "share": share}
                for rid, x in sorted(used.items()) for layer, share in x["layers"].items()]
        data["charts"] = {"layers": charts.layers(
            "layers", rows, category="regulation",
            category_title=translate(lang, "regulation"),
            title=translate(lang, "layer_mix"), description=translate(lang, "chart_desc"),
            labels=layer_labels(lang), lang=lang)}
    return data


@page(router, "/beleid/regelingen/{regulation_id}", "policy/regulation.html")
def regulation(regulation_id: str, request: Request) -> dict[str, Any]:
    files = casefile(request)
    lang = language(request)
    reg = files.registry.get(regulation_id)
    data = describe(reg)
    data["statutory_values"] = statutory_values(reg, lang)
    data["shown"] = {n: [fmt.value(v.value, p.type, lang, unit=p.unit) for v in p.values]
                     for n, p in reg.parameters.items()}
    data["graph"] = depgraph.edges(reg)
    data["kinds"] = {n: reg.kind_of(n) for n in _graph_names(reg)}
    labels = names(reg, lang)
    data["assessed"] = [{"name": n, "label": labels.get(n, "")} for n in reg.assessed()]
    with files.db.reading() as s:
        data["profile"] = maatwerk_profile(s, reg)
        data["versions"] = versions(s, reg)
    if wants_charts(request):
        data["graph_svg"] = depgraph.svg(
            reg, title=translate(lang, "graph_title"), description=translate(lang, "graph_desc"),
            labels=labels, kinds={k: translate(lang, f"kind_{k}") for k in KINDS})
        data["charts"] = _profile_charts(data["profile"], lang)
        data["layer_labels"] = layer_labels(lang)
    return data


def _graph_names(reg: Regulation) -> list[str]:
    found = dict.fromkeys(reg.order)
    for names_read in reg.dependencies.values():
        found.update(dict.fromkeys(sorted(names_read)))
    return list(found)


def names(reg: Regulation, lang: str) -> dict[str, str]:
    """Each name's label for people."""
    found: dict[str, str] = {}
    for table in (reg.inputs, reg.parameters, reg.rules, reg.tables):
        for name, x in table.items():
            found[name] = text(x.label, lang)
    a = reg.assessment
    if a is not None:
        found[a.provision] = text(a.provision_label, lang)
        found[a.amount] = text(a.amount_label, lang)
    return found


def statutory_values(reg: Regulation, lang: str = "nl") -> dict[str, list[dict[str, Any]]]:
    """For each parameter with a statutory derivation: per dated value, the value by statute and
    the difference (when it can be computed on that date), exact and as shown to people."""
    found: dict[str, list[dict[str, Any]]] = {}
    for name, p in reg.parameters.items():
        if p.statutory is None:
            continue
        rows = []
        for v in p.values:
            try:
                by_statute = Plan(reg, v.valid_from).params[name].statutory
            except (DecisionError, AssertionError, ArithmeticError, KeyError):
                by_statute = None
            difference = _difference(v.value, by_statute)
            rows.append({"from": v.valid_from.isoformat(), "value": to_json(v.value),
                         "statutory": None if by_statute is None else to_json(by_statute),
                         "difference": difference,
                         "statutory_shown": None if by_statute is None else fmt.value(
                             by_statute, p.type, lang, unit=p.unit),
                         "difference_shown": None if difference in (None, "≠") else fmt.value(
                             Decimal(str(difference)), p.type, lang, unit=p.unit)})
        found[name] = rows
    return found


def _difference(value: Any, by_statute: Any) -> str | None:
    if by_statute is None or isinstance(value, (bool, dict)):
        return None
    try:
        diff = Decimal(str(to_json(value))) - Decimal(str(to_json(by_statute)))
    except (InvalidOperation, ValueError):
        return None if value == by_statute else "≠"
    return None if diff == 0 else format(diff.normalize(), "f")


def versions(s: Any, reg: Regulation) -> list[dict[str, Any]]:
    """The versions of the regulation the case file holds, with their number of cases."""
    rows = s.execute(select(RegulationVersion.version, RegulationVersion.sha256,
                            RegulationVersion.loaded_at, func.count(Case.id))
                     .outerjoin(Case, Case.regulation_version_id == RegulationVersion.id)
                     .where(RegulationVersion.regulation == reg.id)
                     .group_by(RegulationVersion.id, RegulationVersion.version,
                               RegulationVersion.sha256, RegulationVersion.loaded_at)
                     .order_by(RegulationVersion.loaded_at))
    return [{"version": v, "sha256": sha, "loaded_at": at.isoformat()[:19] if at else None,
             "cases": int(n), "current": sha == reg.sha256} for v, sha, at, n in rows]


def _profile_charts(found: dict[str, Any], lang: str) -> dict[str, Any]:
    seen = found["observed"]
    labels = layer_labels(lang)
    about = translate(lang, "chart_desc")
    by_output = [{"output": o, "layer": layer, **x}
                 for o, layers in seen["by_output"].items() for layer, x in layers.items()]
    return {
        "over_time": charts.layers(
            "profile-over-time", seen["over_time"], category="month",
            category_title=translate(lang, "month"), title=translate(lang, "profile_over_time"),
            description=about, labels=labels, lang=lang, temporal=True,
            domain=[m["month"] for m in seen["months"]]),
        "by_output": charts.layers(
            "profile-by-output", by_output, category="output",
            category_title=translate(lang, "output"), title=translate(lang, "profile_by_output"),
            description=about, labels=labels, lang=lang),
    }
