"""The citizen's face: what do I get and why, apply, ask for maatwerk, follow one's cases and
deadlines, see the facts of a case and dispute one ("Klopt dit niet?"), see the decision (marked
provisional while a disputed fact it rests on is verified) and its explanation, object."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from maatwerk.cases.errors import CaseError
from maatwerk.cases.models import DECIDED_KINDS
from maatwerk.engine import format as fmt
from maatwerk.engine.decide import decider
from maatwerk.engine.format import text
from maatwerk.spec.describe import summary
from maatwerk.spec.errors import DecisionError
from maatwerk.spec.library import Library, facts_for
from maatwerk.spec.model import InputDef, Regulation
from maatwerk.web.deps import casefile, optional_actor
from maatwerk.web.i18n import language, translate
from maatwerk.web.render import flash, form_of, page, redirect, render_form

router = APIRouter()


def questions(reg: Regulation, lang: str, library: Library) -> list[dict[str, Any]]:
    """The questions the regulation's outputs need, in declaration order (from the graph): an
    input that is the output of another regulation is not asked, the facts that regulation
    needs are (under this case's names)."""
    needed: dict[str, InputDef] = {}
    for output in reg.outputs:
        if output in reg.rules or output in reg.tables:
            for name, definition in facts_for(library, reg, output).items():
                needed.setdefault(name, definition)
    return [{"name": n, "type": i.type.kind, "label": text(i.label, lang),
             "question": text(i.question, lang), "unit": text(i.unit, lang),
             "source": i.source,
             "values": [(v, text(label, lang)) for v, label in i.values.items()]}
            for n, i in needed.items()]


def _default_date(reg: Regulation, today: dt.date) -> dt.date:
    """The case file's date, or the nearest date the regulation applies on."""
    if reg.valid_on(today):
        return today
    return reg.valid_until if reg.valid_until and today > reg.valid_until else reg.valid_from


@page(router, "/burger", "citizen/start.html")
def start(request: Request) -> dict[str, Any]:
    files = casefile(request)
    who = optional_actor(request)
    mine = files.list_cases(who, size=20)["items"] if who and who.role == "citizen" else []
    regs = sorted(files.registry.current.values(), key=lambda r: r.id)
    return {"regulations": [summary(r) for r in regs], "cases": mine}


@page(router, "/burger/regelingen/{regulation}", "citizen/form.html")
def form(regulation: str, request: Request) -> dict[str, Any]:
    files = casefile(request)
    reg = files.registry.get(regulation)
    lang = language(request)
    return {"regulation": summary(reg), "questions": questions(reg, lang, _library(request)),
            "peildatum": _default_date(reg, files.today()).isoformat(), "values": {}}


def _library(request: Request) -> Library:
    return casefile(request).registry.library


def _given(reg: Regulation, params: Any, library: Library) -> dict[str, Any]:
    return {n: params[n] for n in library.namespace(reg) if params.get(n) not in (None, "")}


@page(router, "/burger/regelingen/{regulation}/uitkomst", "citizen/result.html")
def result(regulation: str, request: Request) -> Any:
    """The outcome of the answers so far, with the explanation and what is still needed."""
    files = casefile(request)
    reg = files.registry.get(regulation)
    lang = language(request)
    params = request.query_params
    values = _given(reg, params, _library(request))
    peildatum = params.get("peildatum") or _default_date(reg, files.today()).isoformat()
    base: dict[str, Any] = {"regulation": summary(reg),
                            "questions": questions(reg, lang, _library(request)),
                            "values": values, "peildatum": peildatum}
    try:
        day = dt.date.fromisoformat(peildatum)
        decision = decider(reg).decide(day, values)
    except ValueError:
        return render_form(request, "citizen/form.html", base,
                           "de peildatum is geen datum (JJJJ-MM-DD)")
    except DecisionError as exc:
        return render_form(request, "citizen/form.html", base, exc.message)
    data = decision.to_json(trace=False, explanation=False)
    base.update({"decision": data, "explanation": decision.explanation(lang),
                 "missing": [q for q in base["questions"] if q["name"] in decision.missing]})
    return base


@router.post("/burger/regelingen/{regulation}/aanvragen", include_in_schema=False)
async def submit(regulation: str, request: Request) -> Response:
    form_data = await form_of(request)
    files = casefile(request)
    who = optional_actor(request)
    if who is None or who.role != "citizen":
        return redirect(f"/login?next=/burger/regelingen/{regulation}")
    reg = files.registry.get(regulation)
    facts = _given(reg, form_data, _library(request))
    try:
        created = files.submit(who, regulation, facts,
                               peildatum=dt.date.fromisoformat(str(form_data["peildatum"])))
    except (CaseError, DecisionError, ValueError, KeyError) as exc:
        message = getattr(exc, "message", str(exc))
        data = {"regulation": summary(reg),
                "questions": questions(reg, language(request), _library(request)),
                "values": facts, "peildatum": str(form_data.get("peildatum", ""))}
        return render_form(request, "citizen/form.html", data, message)
    flash(request, f"Uw aanvraag is ontvangen: {created['reference']}")
    return redirect(f"/burger/zaken/{created['id']}")


@page(router, "/burger/zaken/{case_id}", "citizen/case.html")
def case(case_id: int, request: Request) -> Any:
    files = casefile(request)
    who = optional_actor(request)
    if who is None:
        return redirect(f"/login?next=/burger/zaken/{case_id}")
    data = files.get(who, case_id)
    reg = files.registry.pinned_by_sha(data["regulation_sha256"])
    lang = language(request)
    decisions = [d for d in data["decisions"] if d["kind"] in DECIDED_KINDS]
    data["final"] = decisions[-1] if decisions else None
    data["previous"] = (decisions[-2] if len(decisions) > 1 and decisions[-1]["kind"] ==
                        "correction" else None)
    data["explanation"] = data["final"]["explanation"][lang] if data["final"] else None
    data["title"] = text(reg.title, lang) if reg else data["regulation"]
    declared = files.registry.decider_for(reg).facts() if reg else {}
    data["fact_rows"] = fact_rows(data, declared, lang)
    data["fact_labels"] = {r["name"]: r["label"] for r in data["fact_rows"]}
    for claim in data["claims"]:
        definition = declared.get(claim["fact"])
        claim["shown"] = {k: shown(claim[k], definition, lang) for k in ("disputed", "value")}
    return data


def shown(value: Any, definition: InputDef | None, lang: str) -> str:
    """A fact's value as a person reads it: yes or no, an option's label, an amount in euros."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return translate(lang, "yes" if value else "no")
    if definition is not None:
        if definition.values and str(value) in definition.values:
            return text(definition.values[str(value)], lang)
        if definition.type.kind == "money":
            try:
                return fmt.money(value, lang)
            except ArithmeticError:
                return str(value)
    return str(value)


def fact_rows(data: dict[str, Any], declared: Mapping[str, InputDef],
              lang: str) -> list[dict[str, Any]]:
    """Each fact of the case as it stands (the latest record), with its label, source, the
    form to dispute it (type and options) and its pending claim, if any."""
    latest = {f["name"]: f for f in data["facts"]}
    pending = {c["fact"]: c for c in data["claims"] if c["state"] == "pending"}
    rows = []
    for name, record in latest.items():
        definition = declared.get(name)
        rows.append({
            "name": name, "value": record["value"], "source": record["source"],
            "label": text(definition.label, lang) if definition else name,
            "shown": shown(record["value"], definition, lang),
            "type": definition.type.kind if definition else "text",
            "unit": text(definition.unit, lang) if definition and definition.unit else "",
            "options": [(v, text(label, lang)) for v, label in definition.values.items()]
            if definition else [],
            "claim": pending.get(name)})
    return rows


@router.post("/burger/zaken/{case_id}/maatwerk", include_in_schema=False)
async def ask_maatwerk(case_id: int, request: Request) -> Response:
    form_data = await form_of(request)
    files = casefile(request)
    who = optional_actor(request)
    if who is None:
        return redirect("/login")
    try:
        files.request_maatwerk(who, case_id, str(form_data.get("story", "")))
    except CaseError as exc:
        return _case_again(request, case_id, exc.message)
    flash(request, "Uw verzoek om maatwerk is ontvangen.")
    return redirect(f"/burger/zaken/{case_id}")


@router.post("/burger/zaken/{case_id}/bezwaar", include_in_schema=False)
async def lodge_objection(case_id: int, request: Request) -> Response:
    form_data = await form_of(request)
    files = casefile(request)
    who = optional_actor(request)
    if who is None:
        return redirect("/login")
    try:
        files.object(who, case_id, str(form_data.get("grounds", "")))
    except CaseError as exc:
        return _case_again(request, case_id, exc.message)
    flash(request, "Uw bezwaar is ontvangen.")
    return redirect(f"/burger/zaken/{case_id}")


def _case_again(request: Request, case_id: int, error: str) -> Response:
    data = case(case_id=case_id, request=request)
    if isinstance(data, Response):
        return data
    return render_form(request, "citizen/case.html", data, error)
