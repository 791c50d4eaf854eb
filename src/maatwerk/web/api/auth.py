"""Signing in for the API: a bearer token for a username and password, and who am I."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from maatwerk.cases import accounts
from maatwerk.cases.service import Actor
from maatwerk.web import errors
from maatwerk.web.api.models import Login
from maatwerk.web.deps import actor, casefile

router = APIRouter(prefix="/api", tags=["auth"])


@router.post("/auth/token", status_code=201, responses=errors.responses(401, 422))
def token(payload: Login, request: Request) -> dict[str, Any]:
    files = casefile(request)
    with files.db.transaction() as s:
        user = accounts.authenticate(s, payload.username, payload.password)
        issued = accounts.issue_token(s, user, "api")
        return {"token": issued, "token_type": "bearer", "user": _me(Actor.of(user))}


@router.get("/me", responses=errors.responses(401))
def me(who: Annotated[Actor, Depends(actor)]) -> dict[str, Any]:
    return _me(who)


def _me(who: Actor) -> dict[str, Any]:
    return {"username": who.username, "role": who.role, "unit": who.unit}
