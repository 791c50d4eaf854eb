"""The policy maker's simulation: what a change of a regulation does to the demo population.

``/beleid/simulatie`` is a GET form (it changes nothing, so its query is the whole question and
``/beleid/simulatie.json`` with the same query is its twin): a regulation with a synthetic
population (``maatwerk.simulate.synthetic``), the reference date, the population's size, new
values for parameters in force on that date (``p.NAME`` or ``p.NAME.KEY``) and/or a patch
pasted as text. It shows the budget, winners and losers, the change per income decile (bars),
the budget from baseline to reform (a waterfall), the effect per category and the manual
caseload, with every chart's data as a table. For policy makers, managers and administrators.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Any

import pyarrow as pa
from fastapi import APIRouter, Request

from maatwerk.cases.service import Actor
from maatwerk.engine import format as fmt
from maatwerk.engine.format import text
from maatwerk.simulate import charts as sim_charts
from maatwerk.simulate import synthetic
from maatwerk.simulate.patches import parameter_patch
from maatwerk.simulate.population import SimulationError
from maatwerk.simulate.reform import apply_text
from maatwerk.simulate.run import Job, default_output, simulate
from maatwerk.spec.errors import MaatwerkError, SpecErrors
from maatwerk.spec.model import Regulation
from maatwerk.web import charts
from maatwerk.web.deps import casefile
from maatwerk.web.i18n import language, translate
from maatwerk.web.pages.manager import allowed, wants_charts
from maatwerk.web.render import page

router = APIRouter()
SIZES = (10_000, 100_000, 1_000_000)
DEFAULT_SIZE = 100_000
SEED = 2025
MAX_PATCH = 20_000  # characters


@functools.lru_cache(maxsize=4)
def population(regulation: str, size: int, day: dt.date) -> pa.Table:
    """The demo population (synthetic, seed 2025), kept for the next question."""
    return synthetic.table(regulation, size, SEED, day)


def _parameters(reg: Regulation, day: dt.date, given: dict[str, str],
                lang: str) -> list[dict[str, Any]]:
    """The numeric parameters in force on ``day``, one field per value (per key if keyed)."""
    fields = []
    for name, p in reg.parameters.items():
        at = p.at(day)
        if at is None or p.type.kind not in ("money", "decimal", "integer"):
            continue
        label = text(p.label, lang) if p.label else name
        parts = [(k, at.value[k]) for k in p.keys] if p.keys else [(None, at.value)]
        for key, value in parts:
            field = f"{name}.{key}" if key else name
            fields.append({"field": field, "label": f"{label} ({key})" if key else label,
                           "current": str(value),
                           "shown": fmt.value(value, p.type, lang, unit=p.unit),
                           "reference": at.reference, "new": given.get(field, "")})
    return fields


def _reform(reg: Regulation, day: dt.date, changes: dict[str, str],
            patch: str) -> Regulation | None:
    if patch.strip():
        reg = apply_text(reg, patch, "hervorming.yaml")
    if changes:
        reg = apply_text(reg, parameter_patch(reg, day, changes), "parameters")
    return None if not (patch.strip() or changes) else reg


def _problems(exc: MaatwerkError) -> list[str]:
    if isinstance(exc, SpecErrors):
        return [e.render() for e in exc.errors]
    return [str(exc)]


def _question(request: Request, regs: list[str]) -> dict[str, Any]:
    q = request.query_params
    problems: list[str] = []
    regulation = q.get("regeling") or regs[0]
    if regulation not in regs:
        problems.append(f"{translate(language(request), 'unknown_regulation')}: {regulation}")
        regulation = regs[0]
    try:
        day = dt.date.fromisoformat(q.get("peildatum") or "2025-06-01")
    except ValueError:
        problems.append(f"{translate(language(request), 'invalid_date')}: {q.get('peildatum')}")
        day = dt.date(2025, 6, 1)
    size = int(q["personen"]) if q.get("personen", "").isdigit() else DEFAULT_SIZE
    if size not in SIZES:
        size = DEFAULT_SIZE
    changes = {k[2:]: v for k, v in q.items() if k.startswith("p.") and v.strip()}
    patch = (q.get("hervorming") or "")[:MAX_PATCH]
    return {"regulation": regulation, "date": day, "size": size, "changes": changes,
            "patch": patch, "problems": problems, "query": str(request.url.query)}


@page(router, "/beleid/simulatie", "policy/simulation.html")
def simulation_page(request: Request) -> Any:
    who = allowed(request)
    if not isinstance(who, Actor):
        return who
    files = casefile(request)
    lang = language(request)
    regs = [r for r in sorted(synthetic.MAPPINGS) if r in files.registry.current]
    ask = _question(request, regs)
    reg = files.registry.get(ask["regulation"])
    data: dict[str, Any] = {
        "regulations": [{"id": r, "title": text(files.registry.get(r).title, lang)}
                        for r in regs],
        "question": {k: ask[k] for k in ("regulation", "date", "size", "changes", "patch")},
        "sizes": list(SIZES), "query": ask["query"], "problems": ask["problems"],
        "parameters": _parameters(reg, ask["date"], ask["changes"], lang),
        "report": None,
    }
    try:
        reform = _reform(reg, ask["date"], ask["changes"], ask["patch"])
    except MaatwerkError as exc:
        data["problems"] += _problems(exc)
        return data
    if reform is None:
        return data
    job = Job(reg, reform, ask["date"], default_output(reg))
    try:
        outcome = simulate(job, population(reg.id, ask["size"], ask["date"]))
    except (SimulationError, MaatwerkError) as exc:
        data["problems"] += _problems(exc)
        return data
    data["report"] = outcome.report()
    if wants_charts(request):
        data["charts"] = _charts(data["report"], lang)
    return data


def _charts(report: dict[str, Any], lang: str) -> dict[str, charts.Chart]:
    words = sim_charts.WORDS[lang]
    deciles = [{"decile": str(row["decile"]),
                "change": Decimal(row["mean_change"]) if row["mean_change"] else None}
               for row in report["deciles"]]
    steps = sim_charts.waterfall_rows(report, lang)
    waterfall = sim_charts.waterfall(report, lang)
    for key in ("$schema", "title"):
        waterfall.pop(key, None)
    return {
        "deciles": charts.bars(
            "deciles", deciles, category="decile", value="change",
            category_title=words["decile"], value_title=words["mean_change"],
            title=words["deciles_title"], description=translate(lang, "chart_desc"),
            lang=lang, show=lambda v: fmt.money(v, lang) if v is not None else "—"),
        "budget": charts.custom(
            "budget", waterfall, title=words["budget_title"],
            description=translate(lang, "chart_desc"),
            columns=[words["step"], words["amount"]],
            rows=[[row["step"], fmt.money(row["amount"], lang)] for row in steps], lang=lang),
    }
