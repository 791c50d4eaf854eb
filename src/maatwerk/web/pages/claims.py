"""The forms of claims on facts: the citizen disputes a fact ("Klopt dit niet?") or withdraws her
claim; the caseworker accepts or refuses one, or disputes a fact on the citizen's behalf. Plain
forms with the CSRF token; a refusal shows the case again with the error and nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from maatwerk.cases.errors import CaseError
from maatwerk.cases.service import Actor
from maatwerk.cases.workflow import STAFF
from maatwerk.spec.errors import DecisionError
from maatwerk.web.deps import casefile, optional_actor
from maatwerk.web.i18n import language, translate
from maatwerk.web.pages import citizen, worker
from maatwerk.web.render import flash, form_int, form_of, redirect, render_form

router = APIRouter()
VERDICTS = {"overnemen": "claim_accepted", "afwijzen": "claim_refused",
            "intrekken": "claim_withdrawn"}


def _evidence(form: FormData) -> list[str]:
    return [e.strip() for e in str(form.get("evidence", "")).split(",") if e.strip()]


def _said(request: Request, key: str) -> None:
    flash(request, translate(language(request), key))


@router.post("/burger/zaken/{case_id}/correctie", include_in_schema=False)
async def dispute(case_id: int, request: Request) -> Response:
    """The citizen disputes a fact of her case."""
    form = await form_of(request)
    who = optional_actor(request)
    if who is None:
        return redirect(f"/login?next=/burger/zaken/{case_id}")
    try:
        casefile(request).lodge_claim(who, case_id, str(form.get("fact", "")),
                                      str(form.get("value", "")),
                                      str(form.get("reason", "")), _evidence(form))
    except (CaseError, DecisionError) as exc:
        return _citizen_again(request, case_id, exc)
    _said(request, "claim_received")
    return redirect(f"/burger/zaken/{case_id}")


@router.post("/burger/correcties/{claim_id}/intrekken", include_in_schema=False)
async def withdraw(claim_id: int, request: Request) -> Response:
    form = await form_of(request)
    who = optional_actor(request)
    case_id = form_int(form, "case_id") or 0
    if who is None:
        return redirect(f"/login?next=/burger/zaken/{case_id}")
    try:
        casefile(request).withdraw_claim(who, claim_id)
    except CaseError as exc:
        return _citizen_again(request, case_id, exc)
    _said(request, "claim_withdrawn")
    return redirect(f"/burger/zaken/{case_id}")


def _citizen_again(request: Request, case_id: int, exc: CaseError | DecisionError) -> Response:
    data = citizen.case(case_id=case_id, request=request)
    if isinstance(data, Response):
        return data
    return render_form(request, "citizen/case.html", data, f"{exc.code}: {exc.message}")


@router.post("/behandelaar/zaken/{case_id}/correctie", include_in_schema=False)
async def dispute_for(case_id: int, request: Request) -> Response:
    """A caseworker disputes a fact on the citizen's behalf."""
    files = casefile(request)
    return await _as_worker(request, case_id, lambda who, form: files.lodge_claim(
        who, case_id, str(form.get("fact", "")), str(form.get("value", "")),
        str(form.get("reason", "")), _evidence(form)), "claim_lodged")


@router.post("/behandelaar/correcties/{claim_id}/{verdict}", include_in_schema=False)
async def verdict(claim_id: int, verdict: str, request: Request) -> Response:
    """A caseworker accepts or refuses a claim, or withdraws one they lodged."""
    files = casefile(request)
    form = await form_of(request)
    case_id = form_int(form, "case_id") or 0

    def act(who: Actor, form: FormData) -> Any:
        if verdict == "overnemen":
            return files.accept_claim(who, claim_id)
        if verdict == "afwijzen":
            return files.refuse_claim(who, claim_id, str(form.get("reason", "")))
        if verdict == "intrekken":
            return files.withdraw_claim(who, claim_id)
        raise CaseError("MW803", f"no verdict {verdict!r}; verdicts: {', '.join(VERDICTS)}",
                        path="verdict", got=verdict)
    return await _as_worker(request, case_id, act, VERDICTS.get(verdict, ""), form)


async def _as_worker(request: Request, case_id: int, action: Callable[[Actor, FormData], Any],
                     done: str, form: FormData | None = None) -> Response:
    """Run an action from a caseworker's form; on refusal show the case again with the error
    (or, without a case, the queue with it)."""
    form = form if form is not None else await form_of(request)
    who = optional_actor(request)
    if who is None or who.role not in STAFF:
        return redirect(f"/login?next={request.url.path}")
    try:
        action(who, form)
    except (CaseError, DecisionError) as exc:
        message = f"{exc.code}: {exc.message}"
        if case_id:
            return render_form(request, "worker/case.html",
                               worker.case_data(request, who, case_id), message)
        flash(request, message)
        return redirect("/behandelaar")
    _said(request, done)
    return redirect(f"/behandelaar/zaken/{case_id}#claims" if case_id else "/behandelaar")
