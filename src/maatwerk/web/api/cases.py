"""Cases: submitting, facts, the workflow's steps, discretion records, objections, deadlines and
the audit trail. Every case answer names the regulation version the case is pinned to."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from maatwerk.cases.casefile import CaseFile
from maatwerk.cases.errors import CaseError
from maatwerk.cases.models import MAX_ID, Case
from maatwerk.cases.service import MAX_PAGE_SIZE, MAX_WITHIN_DAYS, PAGE_SIZE, Actor
from maatwerk.web import errors
from maatwerk.web.api import models
from maatwerk.web.api.regulations import stamp
from maatwerk.web.deps import actor, casefile

router = APIRouter(prefix="/api", tags=["cases"], responses=errors.responses(401))
Who = Annotated[Actor, Depends(actor)]
CaseId = Annotated[int, Path(ge=1, le=MAX_ID, description="the case's id")]
RequestId = Annotated[int, Path(ge=1, le=MAX_ID, description="the id of the request for "
                                                           "maatwerk (or proposed deviation)")]
Page = Annotated[int, Query(le=MAX_ID, description="the page, from 1; a lower one is read as 1")]
Size = Annotated[int, Query(description=f"items per page, 1 to {MAX_PAGE_SIZE}; a size outside "
                                        "is read as the nearest bound")]
NO_NUL = r"^[^\x00]*$"
# What a change to a case can answer besides success.
ACTING = errors.responses(403, 404, 409, 422)


def _stamped(response: Response, case: dict[str, Any]) -> dict[str, Any]:
    stamp(response, case["regulation"], case["regulation_version"], case["regulation_sha256"])
    return case


def _case(files: CaseFile, who: Actor, case_id: int, response: Response) -> dict[str, Any]:
    return _stamped(response, files.get(who, case_id))


@router.post("/cases", status_code=201, responses=errors.responses(403, 404, 422))
def submit(payload: models.Submit, request: Request, response: Response,
           who: Who) -> dict[str, Any]:
    files = casefile(request)
    created = files.submit(who, payload.regulation, payload.facts,
                           subject_key=payload.subject.key if payload.subject else None,
                           subject_label=payload.subject.label if payload.subject else "",
                           channel=payload.channel, peildatum=payload.peildatum)
    return _case(files, who, created["id"], response)


@router.get("/cases", responses=errors.responses(422))
def list_cases(request: Request, who: Who,
               state: Annotated[str | None, Query(
                   max_length=models.column_length(Case.state), pattern=NO_NUL)] = None,
               regulation: Annotated[str | None, Query(
                   max_length=models.column_length(Case.regulation), pattern=NO_NUL)] = None,
               page: Page = 1, size: Size = PAGE_SIZE) -> dict[str, Any]:
    return casefile(request).list_cases(who, state=state, regulation=regulation, page=page,
                                        size=size)


@router.get("/cases/{case_id}", responses=errors.responses(404, 422))
def show(case_id: CaseId, request: Request, response: Response,
         who: Who) -> dict[str, Any]:
    return _case(casefile(request), who, case_id, response)


@router.post("/cases/{case_id}/facts", responses=ACTING)
def facts(case_id: CaseId, payload: models.Facts, request: Request, response: Response,
          who: Who) -> dict[str, Any]:
    files = casefile(request)
    files.record_facts(who, case_id, payload.facts, payload.source)
    return _case(files, who, case_id, response)


@router.post("/cases/{case_id}/maatwerk", status_code=201, responses=ACTING)
def ask_for_maatwerk(case_id: CaseId, payload: models.MaatwerkRequest, request: Request,
                     who: Who) -> dict[str, Any]:
    return casefile(request).request_maatwerk(who, case_id, payload.story)


@router.post("/cases/{case_id}/deviations", status_code=201, responses=ACTING)
def propose_deviation(case_id: CaseId, payload: models.DeviationProposal, request: Request,
                      who: Who) -> dict[str, Any]:
    return casefile(request).propose_deviation(
        who, case_id, clause=payload.clause, output=payload.output, value=payload.value,
        ground=payload.ground, motivation=payload.motivation, evidence=payload.evidence,
        request_id=payload.request_id)


@router.post("/deviations/{request_id}/approve", responses=ACTING)
def approve(request_id: RequestId, request: Request, who: Who) -> dict[str, Any]:
    return casefile(request).approve_deviation(who, request_id)


@router.post("/deviations/{request_id}/refuse", responses=ACTING)
def refuse(request_id: RequestId, payload: models.Refusal, request: Request,
           who: Who) -> dict[str, Any]:
    return casefile(request).refuse_deviation(who, request_id, payload.reason)


@router.post("/deviations/{request_id}/withdraw", responses=ACTING)
def withdraw(request_id: RequestId, request: Request, who: Who) -> dict[str, Any]:
    return casefile(request).withdraw_deviation(who, request_id)


@router.post("/cases/{case_id}/assessment", status_code=201, responses=ACTING)
def assessment(case_id: CaseId, payload: models.AssessmentBody, request: Request,
               who: Who) -> dict[str, Any]:
    return casefile(request).record_assessment(who, case_id,
                                               payload.model_dump(mode="json"))


@router.post("/cases/{case_id}/considerations", status_code=201, responses=ACTING)
def consider(case_id: CaseId, payload: models.ConsiderationBody, request: Request,
             who: Who) -> dict[str, Any]:
    return casefile(request).consider(who, case_id, payload.clause, payload.motivation)


@router.post("/cases/{case_id}/objections", status_code=201, responses=ACTING)
def object_(case_id: CaseId, payload: models.ObjectionBody, request: Request,
            who: Who) -> dict[str, Any]:
    return casefile(request).object(who, case_id, payload.grounds)


@router.post("/cases/{case_id}/objection-decision", responses=ACTING)
def decide_objection(case_id: CaseId, payload: models.ObjectionDecision, request: Request,
                     response: Response, who: Who) -> dict[str, Any]:
    files = casefile(request)
    files.decide_objection(who, case_id, payload.upheld, payload.motivation)
    return _case(files, who, case_id, response)


@router.get("/cases/{case_id}/audit", responses=errors.responses(403, 404, 422))
def audit_trail(case_id: CaseId, request: Request, who: Who) -> dict[str, Any]:
    return {"items": casefile(request).audit_trail(who, case_id)}


@router.get("/deadlines", responses=errors.responses(422))
def deadlines(request: Request, who: Who, status: Literal["due", "overdue"] = "due",
              within_days: Annotated[int, Query(ge=0, le=MAX_WITHIN_DAYS, description=(
                  "with status 'due': the terms due from today up to this many days"))] = 14,
              page: Page = 1, size: Size = PAGE_SIZE) -> dict[str, Any]:
    return casefile(request).deadlines(who, status, within_days=within_days, page=page,
                                       size=size)


@router.get("/audit/verify", responses=errors.responses(403))
def verify(request: Request, who: Who) -> dict[str, Any]:
    result = casefile(request).verify(who)
    return {"ok": result.ok, "entries": result.entries, "broken_id": result.broken_id,
            "message": result.message()}


# Registered last: the more specific routes above must match before this one.
STEPS = ("start", "investigate", "apply", "propose", "decide", "announce", "withdraw")


@router.post("/cases/{case_id}/{step}", responses=ACTING)
def take_step(case_id: CaseId, step: str, request: Request, response: Response,
              who: Who) -> dict[str, Any]:
    """A step of the workflow: start, investigate, apply, propose, decide, announce, withdraw."""
    files = casefile(request)
    if step not in STEPS:
        raise CaseError("MW803", f"no step {step!r}; steps: {', '.join(STEPS)}", path="step",
                        got=step)
    getattr(files, step)(who, case_id)
    return _case(files, who, case_id, response)
