"""Claims on facts: lodging one on a case, listing a case's claims, and accepting, refusing or
withdrawing one (``maatwerk.cases.claims``). Refusals answer in the one error shape."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request

from maatwerk.cases.models import MAX_ID
from maatwerk.cases.service import Actor
from maatwerk.web import errors
from maatwerk.web.api import models
from maatwerk.web.deps import actor, casefile

router = APIRouter(prefix="/api", tags=["claims"], responses=errors.responses(401))
Who = Annotated[Actor, Depends(actor)]
CaseId = Annotated[int, Path(ge=1, le=MAX_ID, description="the case's id")]
ClaimId = Annotated[int, Path(ge=1, le=MAX_ID, description="the claim's id")]
ACTING = errors.responses(403, 404, 409, 422)


@router.post("/cases/{case_id}/claims", status_code=201, responses=ACTING)
def lodge(case_id: CaseId, payload: models.ClaimBody, request: Request,
          who: Who) -> dict[str, Any]:
    """Dispute a recorded fact: the citizen on her own case, a caseworker on her behalf."""
    return casefile(request).lodge_claim(who, case_id, payload.fact, payload.value,
                                         payload.reason, payload.evidence)


@router.get("/cases/{case_id}/claims", responses=errors.responses(404, 422))
def list_claims(case_id: CaseId, request: Request, who: Who) -> dict[str, Any]:
    """The case's claims, oldest first, each with its term."""
    return {"items": casefile(request).claims(who, case_id)}


@router.get("/claims", responses=errors.responses(403))
def pending(request: Request, who: Who) -> dict[str, Any]:
    """The claims waiting to be verified, the soonest term first (staff)."""
    return {"items": casefile(request).pending_claims(who)}


@router.post("/claims/{claim_id}/accept", responses=ACTING)
def accept(claim_id: ClaimId, request: Request, who: Who) -> dict[str, Any]:
    """Record the proposed value as a fact; a decided case is decided again."""
    return casefile(request).accept_claim(who, claim_id)


@router.post("/claims/{claim_id}/refuse", responses=ACTING)
def refuse(claim_id: ClaimId, payload: models.Refusal, request: Request,
           who: Who) -> dict[str, Any]:
    return casefile(request).refuse_claim(who, claim_id, payload.reason)


@router.post("/claims/{claim_id}/withdraw", responses=ACTING)
def withdraw(claim_id: ClaimId, request: Request, who: Who) -> dict[str, Any]:
    return casefile(request).withdraw_claim(who, claim_id)
