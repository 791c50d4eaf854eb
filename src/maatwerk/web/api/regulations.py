"""Regulations: the list, one regulation, the inputs an output needs, its profile, and the
stateless decision (``POST /api/regulations/{id}/decide``).

The decision is the hot path of every integration, so it is answered lean: ``DecideLane`` takes a
well-formed decide request (``POST``, a JSON body, no cookie) before the routing and the
middleware of the application, decides it on the event loop (a decision is tens to hundreds of
microseconds of CPU, less than handing it to a thread would cost) and sends the JSON bytes. What
it cannot answer with a decision (a body the model refuses, an unknown regulation, a decision
error, a cookie, another content type) goes the ordinary way, to the endpoint below, and is
answered exactly as before, errors in the one error shape included.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import TypeAdapter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from maatwerk.cases.errors import CaseError
from maatwerk.cases.registry import Registry
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
PREFIX = router.prefix + "/"
DECIDE = "/decide"
ANSWER = TypeAdapter(dict[str, Any])  # how FastAPI serialises a dict[str, Any] answer


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


def decision_answer(registry: Registry, regulation: str, payload: DecideRequest) -> Response:
    """The answer to a decide request: the decision as JSON bytes, stamped with its version."""
    reg = registry.get(regulation)
    deviations, considerations = records.read_deviations(
        {"deviations": payload.deviations, "considerations": payload.considerations})
    assessment = records.read_assessment(payload.assessment) if payload.assessment else None
    decision = registry.decider_for(reg).decide(  # through its chain
        payload.peildatum, payload.inputs, assessment=assessment, deviations=deviations,
        considerations=considerations)
    data = decision.to_json(trace=payload.trace, explanation=payload.explanation)
    response = Response(ANSWER.dump_json(data), media_type="application/json")
    response.raw_headers += [  # stamp()'s headers, on an answer that has none of them yet
        (b"x-maatwerk-regulation", f"{reg.id}@{reg.version}".encode("latin-1")),
        (b"x-maatwerk-regulation-sha256", reg.sha256.encode("latin-1"))]
    return response


@router.post("/{regulation}/decide", response_model=dict[str, Any],
             responses=errors.responses(404, 422))
async def decide(regulation: str, payload: DecideRequest, request: Request) -> Response:
    """Decide a case without storing it: the citizen's "Wat krijg ik?" and every integration."""
    return decision_answer(casefile(request).registry, regulation, payload)


def lane_regulation(scope: Scope) -> str | None:
    """The regulation of a request ``DecideLane`` may answer, or None: ``POST`` to
    ``/api/regulations/{regulation}/decide`` (the route's own pattern) with a JSON body and no
    cookie (the session middleware then has nothing to do), FastAPI's telemetry not running."""
    if (scope["type"] != "http" or scope["method"] != "POST" or scope.get("root_path")
            or "fastapi.telemetry" in scope):
        return None
    path: str = scope["path"]
    if not path.startswith(PREFIX) or not path.endswith(DECIDE):
        return None
    regulation = path[len(PREFIX):-len(DECIDE)]
    if not regulation or "/" in regulation:
        return None
    content_type = None
    for name, value in scope["headers"]:
        if name == b"cookie":
            return None
        if name == b"content-type" and content_type is None:
            content_type = value
    if content_type is None or content_type.split(b";", 1)[0].strip().lower() != (
            b"application/json"):
        return None
    return regulation


class DecideLane:
    """ASGI middleware: the stateless decision without the routing, middleware, thread pool and
    serialisation of the application around it; anything else passes through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        regulation = lane_regulation(scope)
        if regulation is None:
            await self.app(scope, receive, send)
            return
        received: list[Message] = []
        body = b""
        while True:
            message = await receive()
            received.append(message)
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        response = None
        if message["type"] == "http.request":
            try:
                payload = DecideRequest.model_validate(json.loads(body))
                registry = scope["app"].state.casefile.registry
                response = decision_answer(registry, regulation, payload)
            except Exception:  # answered the ordinary way, as it always was
                response = None
        if response is not None:
            await response(scope, receive, send)
            return

        async def replay() -> Message:  # the ordinary way reads the same request again
            return received.pop(0) if received else await receive()

        await self.app(scope, replay, send)
