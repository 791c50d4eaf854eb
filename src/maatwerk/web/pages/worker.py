"""The caseworker's face: the queue ordered by deadline (and the claims on facts to verify), a
case with its facts and sources, its claims (to accept or refuse), the outcome and its trace,
the categories applied, the assessment form, the proposal form offering only the clauses this
person may use (with their bounds, grounds and required motivation), alike earlier cases, and
the inbox of others' proposals to approve or refuse."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from maatwerk.cases.errors import CaseError
from maatwerk.cases.models import Case
from maatwerk.cases.service import Actor
from maatwerk.cases.workflow import ACTIONS, STAFF, allowed, may
from maatwerk.engine.format import text
from maatwerk.insight.precedents import Found, search
from maatwerk.spec.errors import DecisionError
from maatwerk.web.deps import casefile, optional_actor
from maatwerk.web.i18n import language
from maatwerk.web.render import flash, form_int, form_of, page, redirect, render_form

router = APIRouter()
STEPS = ("start", "investigate", "apply", "propose", "decide", "announce")


def _staff(request: Request) -> Actor | Response:
    who = optional_actor(request)
    if who is None or who.role not in STAFF:
        return redirect(f"/login?next={request.url.path}")
    return who


@page(router, "/behandelaar", "worker/queue.html")
def queue(request: Request) -> Any:
    who = _staff(request)
    if not isinstance(who, Actor):
        return who
    files = casefile(request)
    return {"queue": files.queue(who), "inbox": files.inbox(who),
            "claims": files.pending_claims(who)}


def case_data(request: Request, who: Actor, case_id: int) -> dict[str, Any]:
    files = casefile(request)
    lang = language(request)
    data = files.get(who, case_id)
    reg = files.registry.pinned_by_sha(data["regulation_sha256"])
    assert reg is not None
    data["title"] = text(reg.title, lang)
    data["current"] = files.current(who, case_id)
    data["frames"] = files.frames(who, case_id, lang)
    data["steps"] = [s for s in STEPS if may(s, who.role) and allowed(s, data["state"])
                     and (reg.assessment is not None or s not in ("investigate", "apply"))]
    data["step_labels"] = {s: ACTIONS[s].label if lang == "nl" else ACTIONS[s].english
                           for s in STEPS}
    data["inputs"] = {n: {"label": text(i.label, lang), "source": i.source}
                      for n, i in reg.inputs.items()}
    data["labels"] = {n: text(r.label, lang) or n for n, r in reg.rules.items()}
    data["people"] = files.people({f["recorded_by"] for f in data["facts"]} |
                                  {r["proposed_by"] for r in data["deviations"]} |
                                  {r["approved_by"] for r in data["deviations"]} |
                                  {c["lodged_by"] for c in data["claims"]})
    data["always_consider"] = [
        {"clause": c.name, "label": text(c.label, lang)} for c in reg.hardship.values()
        if c.mode == "always_consider" and c.decider.role == who.role]
    frame = reg.assessment
    data["assessment_frame"] = None if frame is None else {
        "label": text(frame.label, lang),
        "domains": [{"label": text(d.label, lang), "reference": d.reference, "questions": [
            {"name": q, "type": x.type, "label": text(x.label, lang),
             "question": None, "unit": text(x.unit, lang), "source": "onderzoek",
             "required": x.required,
             "values": [(v, text(lab, lang)) for v, lab in (x.values or {}).items()]}
            for q, x in d.questions.items()]} for d in frame.domains.values()],
        "provisions": [(p, text(x.label, lang)) for p, x in frame.provisions.items()],
        "report": [(r, text(x.label, lang), x.required) for r, x in frame.report.items()],
    }
    with files.db.reading() as s:
        row = s.get(Case, case_id)
        found = search(s, row, reg) if row is not None else Found()
    data["precedents"] = found.nearest
    shown = {p["id"] for p in found.nearest}
    data["precedents_maatwerk"] = [p for p in found.with_deviation if p["id"] not in shown][:3]
    return data


@page(router, "/behandelaar/zaken/{case_id}", "worker/case.html")
def case(case_id: int, request: Request) -> Any:
    who = _staff(request)
    if not isinstance(who, Actor):
        return who
    return case_data(request, who, case_id)


def _again(request: Request, who: Actor, case_id: int, error: str) -> Response:
    return render_form(request, "worker/case.html", case_data(request, who, case_id), error)


async def _act(request: Request, case_id: int, action: Any, done: str) -> Response:
    """Run an action from a form; on refusal show the case again with the error."""
    form = await form_of(request)
    who = _staff(request)
    if not isinstance(who, Actor):
        return who
    try:
        action(who, form)
    except (CaseError, DecisionError) as exc:
        return _again(request, who, case_id, f"{exc.code}: {exc.message}")
    flash(request, done)
    return redirect(f"/behandelaar/zaken/{case_id}")


@router.post("/behandelaar/zaken/{case_id}/stap/{step}", include_in_schema=False)
async def step(case_id: int, step: str, request: Request) -> Response:
    files = casefile(request)
    if step not in STEPS:
        return redirect(f"/behandelaar/zaken/{case_id}")
    return await _act(request, case_id, lambda who, form: getattr(files, step)(who, case_id),
                      f"{ACTIONS[step].label}: gedaan.")


@router.post("/behandelaar/zaken/{case_id}/afwijking", include_in_schema=False)
async def propose(case_id: int, request: Request) -> Response:
    files = casefile(request)

    def run(who: Actor, form: Any) -> None:
        clause, _, output = str(form.get("clause_output", "")).partition(":")
        evidence = [e.strip() for e in str(form.get("evidence", "")).split(",") if e.strip()]
        files.propose_deviation(who, case_id, clause=clause, output=output,
                                value=str(form.get("value", "")),
                                ground=str(form.get("ground", "")),
                                motivation=str(form.get("motivation", "")), evidence=evidence,
                                request_id=form_int(form, "request_id"))
    return await _act(request, case_id, run, "Afwijking voorgesteld.")


@router.post("/behandelaar/zaken/{case_id}/onderzoek", include_in_schema=False)
async def assessment(case_id: int, request: Request) -> Response:
    files = casefile(request)

    def run(who: Actor, form: Any) -> None:
        answers = {k[2:]: v for k, v in form.items() if k.startswith("q_") and v != ""}
        report = {k[2:]: str(v) for k, v in form.items() if k.startswith("r_")}
        files.record_assessment(who, case_id, {
            "answers": answers, "provision": str(form.get("provision", "")),
            "amount": str(form.get("amount", "")), "motivation": str(form.get("motivation", "")),
            "report": report})
    return await _act(request, case_id, run, "Onderzoek vastgelegd.")


@router.post("/behandelaar/zaken/{case_id}/overweging", include_in_schema=False)
async def consider(case_id: int, request: Request) -> Response:
    files = casefile(request)
    return await _act(request, case_id, lambda who, form: files.consider(
        who, case_id, str(form.get("clause", "")), str(form.get("motivation", ""))),
        "Overweging vastgelegd.")


@router.post("/behandelaar/zaken/{case_id}/beslissing-op-bezwaar", include_in_schema=False)
async def objection(case_id: int, request: Request) -> Response:
    files = casefile(request)
    return await _act(request, case_id, lambda who, form: files.decide_objection(
        who, case_id, form.get("upheld") == "ja", str(form.get("motivation", ""))),
        "Op het bezwaar is beslist.")


@router.post("/behandelaar/afwijkingen/{request_id}/{verdict}", include_in_schema=False)
async def verdict(request_id: int, verdict: str, request: Request) -> Response:
    form = await form_of(request)
    who = _staff(request)
    if not isinstance(who, Actor):
        return who
    files = casefile(request)
    case_id = form_int(form, "case_id") or 0
    try:
        if verdict == "goedkeuren":
            files.approve_deviation(who, request_id)
        elif verdict == "afwijzen":
            files.refuse_deviation(who, request_id, str(form.get("reason", "")))
        else:
            files.withdraw_deviation(who, request_id)
    except (CaseError, DecisionError) as exc:
        if case_id:
            return _again(request, who, case_id, f"{exc.code}: {exc.message}")
        flash(request, f"{exc.code}: {exc.message}")
        return redirect("/behandelaar")
    flash(request, "Vastgelegd.")
    return redirect(f"/behandelaar/zaken/{case_id}" if case_id else "/behandelaar")
