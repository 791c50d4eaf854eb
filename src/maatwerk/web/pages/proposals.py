"""The policy maker's crystallisation proposals: ``/beleid/regelingen/{id}/voorstellen``.

For one regulation, the clusters of alike approved deviations in a period and each proposed as
a policy category (``maatwerk.insight.crystallise``): its learned condition, what it sets the
output to, its precedence and coverage, the reform patch to read and download
(``.../voorstellen/{name}.yaml``), and a link that simulates it on the demo population (the
simulation page, ``/beleid/simulatie``, with the patch as its reform). A GET form sets the
period (``van``, ``tot``), the threshold (``drempel``) and the minimum precision
(``precisie``); ``.../voorstellen.json`` with the same query is the twin. For policy makers,
managers and administrators.

Computing the proposals decides the period's cases twice and checks each patch (seconds on a
large case file), so a report is kept until something new is decided
(``REPORTS`` reports, per database).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from maatwerk.cases.errors import CaseError
from maatwerk.cases.models import Decision
from maatwerk.cases.service import Actor
from maatwerk.engine.format import text
from maatwerk.insight.crystallise import Options, Report, crystallise
from maatwerk.insight.dashboard import Period
from maatwerk.simulate import synthetic
from maatwerk.spec.model import Regulation
from maatwerk.web.deps import casefile
from maatwerk.web.i18n import language, translate
from maatwerk.web.pages.manager import allowed, period_of
from maatwerk.web.render import page

router = APIRouter()
REPORTS = 16
SIMULATED = 10_000  # persons of the demo population the link simulates
_CACHE: OrderedDict[tuple[Any, ...], Report] = OrderedDict()
_LOCK = threading.Lock()


def _options(request: Request, lang: str) -> tuple[Options, list[str]]:
    q = request.query_params
    problems: list[str] = []
    threshold, precision = Options().threshold, Options().min_precision
    raw = q.get("drempel", "")
    if raw:
        if raw.isdigit() and 2 <= int(raw) <= 100_000:
            threshold = int(raw)
        else:
            problems.append(f"{translate(lang, 'threshold')}: {raw} (2 …)")
    raw = q.get("precisie", "").replace(",", ".")
    if raw:
        try:
            precision = float(raw)
            assert 0 <= precision <= 1
        except (ValueError, AssertionError):
            problems.append(f"{translate(lang, 'min_precision')}: {raw} (0 … 1)")
            precision = Options().min_precision
    return Options(threshold, precision), problems


def report_for(s: Session, reg: Regulation, period: Period, options: Options) -> Report:
    """The crystallisation report, computed once until something new is decided."""
    newest = s.execute(select(func.max(Decision.id))).scalar() or 0
    key = (s.get_bind(), reg.sha256, newest, period.start, period.end, options)
    with _LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
            return found
    found = crystallise(s, reg, period, options)
    with _LOCK:
        _CACHE[key] = found
        while len(_CACHE) > REPORTS:
            _CACHE.popitem(last=False)
    return found


def _question(request: Request, reg: Regulation, lang: str
              ) -> tuple[Period, Options, list[str]]:
    period, problems = period_of(request, {reg.id}, lang)
    options, more = _options(request, lang)
    return Period(reg.id, period.start, period.end), options, problems + more


def _links(reg: Regulation, proposal: dict[str, Any], query: str) -> dict[str, Any]:
    base = f"/beleid/regelingen/{reg.id}/voorstellen/{proposal['name']}.yaml"
    found: dict[str, Any] = {"download": base + (f"?{query}" if query else ""),
                             "simulate": None}
    if reg.id in synthetic.MAPPINGS and not proposal["problems"]:
        day = proposal["peildatum"] or reg.valid_from.isoformat()
        found["simulate"] = "/beleid/simulatie?" + urlencode({
            "regeling": reg.id, "peildatum": day, "personen": SIMULATED,
            "hervorming": proposal["patch"]})
    return found


@page(router, "/beleid/regelingen/{regulation_id}/voorstellen", "policy/proposals.html")
def proposals_page(regulation_id: str, request: Request) -> Any:
    who = allowed(request)
    if not isinstance(who, Actor):
        return who
    files = casefile(request)
    lang = language(request)
    reg = files.registry.get(regulation_id)
    period, options, problems = _question(request, reg, lang)
    with files.db.reading() as s:
        report = report_for(s, reg, period, options)
    data = report.to_json()
    query = str(request.url.query)
    for proposal in data["proposals"]:
        proposal["links"] = _links(reg, proposal, query)
        clause = reg.hardship.get(proposal["clause"])
        proposal["clause_label"] = text(clause.label, lang) if clause else proposal["clause"]
    for group in data["groups"]:
        clause = reg.hardship.get(group["clause"])
        group["clause_label"] = text(clause.label, lang) if clause else group["clause"]
        ground = clause.grounds.get(group["ground"]) if clause else None
        group["ground_label"] = text(ground.label, lang) if ground else group["ground"]
    data.update({"title": text(reg.title, lang), "problems": problems, "query": query,
                 "simulation": reg.id in synthetic.MAPPINGS})
    return data


@router.get("/beleid/regelingen/{regulation_id}/voorstellen/{name}.yaml",
            include_in_schema=False)
def proposal_patch(regulation_id: str, name: str, request: Request) -> Response:
    """One proposal as a reform patch file, to check and simulate elsewhere."""
    who = allowed(request)
    if not isinstance(who, Actor):
        return who  # type: ignore[no-any-return]
    files = casefile(request)
    lang = language(request)
    reg = files.registry.get(regulation_id)
    period, options, _ = _question(request, reg, lang)
    with files.db.reading() as s:
        report = report_for(s, reg, period, options)
    for p in report.proposals:
        if p.name == name:
            return PlainTextResponse(p.patch, media_type="application/yaml", headers={
                "Content-Disposition": f'attachment; filename="{reg.id}-{name}.yaml"'})
    raise CaseError("MW803", f"no proposal {name!r} for {reg.id} with these settings; the "
                    f"proposals are: {', '.join(p.name for p in report.proposals) or 'none'}",
                    path="proposal", got=name)
