"""Regulations: the list, one regulation, the inputs an output needs, its profile, and the
stateless decision (``POST /api/regulations/{id}/decide``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from maatwerk.cases.errors import CaseError
from maatwerk.spec import records
from maatwerk.spec.describe import describe, summary
from maatwerk.spec.library import facts_for
from maatwerk.spec.profile import profile
from maatwerk.spec.typecheck import suggest
from maatwerk.web import errors
from maatwerk.web.api.models import DecideRequest
from maatwerk.web.deps import casefile

router = APIRouter(prefix="/api/regulations", tags=["regulations"])
HEADER = "X-Maatwerk-Regulation"


def stamp(response: Response, regulation: str, version: str, sha256: str) -> None:
    """Every answer that carries a decision names the regulation version it was made under."""
    response.headers[HEADER] = f"{regulation}@{version}"
    response.headers["X-Maatwerk-Regulation-Sha256"] = sha256


@router.get("")
def list_regulations(request: Request) -> dict[str, Any]:
    regs = casefile(request).registry.current.values()
    return {"items": [summary(r) for r in sorted(regs, key=lambda r: r.id)]}


@router.get("/{regulation}", responses=errors.responses(404))
def show(regulation: str, request: Request) -> dict[str, Any]:
    return describe(casefile(request).registry.get(regulation))


@router.get("/{regulation}/profile", responses=errors.responses(404))
def show_profile(regulation: str, request: Request) -> dict[str, Any]:
    return profile(casefile(request).registry.get(regulation))


@router.get("/{regulation}/inputs", response_model=None,
             responses=errors.responses(404, 422))
def needed_inputs(regulation: str, output: str, request: Request) -> Any:
    registry = casefile(request).registry
    reg = registry.get(regulation)
    if output not in reg.rules and output not in reg.tables:
        raise CaseError("MW803", f"{output!r} is not a rule or table of {reg.id}"
                        f"{suggest(output, [*reg.rules, *reg.tables])}", path="output",
                        got=output)
    return {"regulation": reg.id, "version": reg.version, "output": output,
            "inputs": list(facts_for(registry.library, reg, output))}


@router.post("/{regulation}/decide", responses=errors.responses(404, 422))
def decide(regulation: str, payload: DecideRequest, request: Request,
           response: Response) -> dict[str, Any]:
    """Decide a case without storing it: the citizen's "Wat krijg ik?" and every integration."""
    reg = casefile(request).registry.get(regulation)
    deviations, considerations = records.read_deviations(
        {"deviations": payload.deviations, "considerations": payload.considerations})
    assessment = records.read_assessment(payload.assessment) if payload.assessment else None
    decision = casefile(request).registry.decider_for(reg).decide(  # through its chain
        payload.peildatum, payload.inputs, assessment=assessment, deviations=deviations,
        considerations=considerations)
    stamp(response, reg.id, reg.version, reg.sha256)
    return decision.to_json(trace=payload.trace, explanation=payload.explanation)
