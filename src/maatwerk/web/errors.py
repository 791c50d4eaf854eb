"""One JSON shape for every error the API gives, and the handlers that produce it.

    {"error": {"code": "MW710", "status": 422, "message": "...", "path": "deviation.value",
               "got": "2500", "position": "regulation.yaml:12:5"}}

Codes are those of ``maatwerk.spec.errors.CODES`` (regulations, decisions, discretion) and
``maatwerk.cases.errors.CASE_CODES`` (the case file). No traceback ever reaches a client; an
unexpected failure is ``MW500`` with a reference to the server log. A 401 says how to sign in
(``WWW-Authenticate: Bearer``); a 405 names in ``Allow`` every method the path serves.

``ErrorAnswer`` is the shape as a model, and ``responses`` documents it in the OpenAPI
description (instead of FastAPI's own ``{"detail": [...]}`` for 422).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.routing import Match

from maatwerk.cases.errors import CaseError
from maatwerk.spec.errors import CodedError, DecisionError, SpecError

log = logging.getLogger("maatwerk.web")

STATUS = {SpecError: 422, DecisionError: 422}
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
REALM = 'Bearer realm="maatwerk"'


class ErrorDetail(BaseModel):
    """What went wrong: the code, the HTTP status, a message naming the thing, the value and
    what was expected, where in the request or regulation, and the offending value."""

    code: str = Field(pattern=r"^MW\d{3}$", examples=["MW803"],
                      description="an error code of docs/errors.md or docs/case-file.md; MW500 "
                                  "for an unexpected failure")
    status: int = Field(examples=[404], description="the HTTP status, as in the answer")
    message: str = Field(examples=["no case 12 that you may see"])
    path: str = Field(examples=["case"], description="the field, parameter or part of the "
                                                     "regulation concerned ('' if none)")
    got: str | None = Field(examples=["12"], description="the offending value, shortened to "
                                                         "80 characters")
    position: str | None = Field(examples=[None], description="file:line:col in the "
                                                              "regulation, if it is about one")


class ErrorAnswer(BaseModel):
    """Every error answer of the API."""

    error: ErrorDetail


DESCRIPTIONS = {
    401: "not signed in, or wrong credentials (MW807); carries `WWW-Authenticate: Bearer`",
    403: "the person may not do this: role, or separation of duties (MW802, MW808)",
    404: "no such case, request for maatwerk, regulation or output (MW803)",
    409: "not possible in the case's state (MW801), changed by someone else (MW804), not "
         "ready (MW805), or its term has passed (MW806)",
    422: "the request does not match the API (MW809), or the regulation refuses it: facts, "
         "decision, discretion (MW6xx, MW7xx)",
}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error answers an operation can give, for its OpenAPI description; every operation
    also documents ``default`` (any other error, such as MW500) in the same shape."""
    found: dict[int | str, dict[str, Any]] = {
        status: {"model": ErrorAnswer, "description": DESCRIPTIONS[status]}
        for status in statuses}
    found["default"] = {"model": ErrorAnswer, "description": "any other error, in the same "
                                                             "shape (MW500: unexpected)"}
    return found


def body(code: str, status: int, message: str, *, path: str = "", got: Any = None,
         position: str | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "status": status, "message": message, "path": path,
                      "got": got, "position": position}}


def wants_html(request: Request) -> bool:
    """A page (not the API, not a JSON twin) is answered with an HTML error page."""
    path = request.url.path
    return not path.startswith("/api") and not path.endswith(".json")


def html_error(request: Request, status: int, code: str, message: str,
               headers: dict[str, str] | None = None) -> Response:
    from maatwerk.web.render import base_context, templates
    context = base_context(request, None)
    context.update({"status": status, "code": code, "message": message})
    return templates.TemplateResponse(request, "error.html", context, status_code=status,
                                      headers=headers)


def challenge(request: Request | None) -> dict[str, str]:
    """The ``WWW-Authenticate`` header of a 401 (RFC 9110, RFC 6750): a bearer token; an
    ``invalid_token`` if one was sent and refused."""
    sent = request is not None and request.headers.get("authorization", "").lower().startswith(
        "bearer ")
    return {"WWW-Authenticate": REALM + (', error="invalid_token"' if sent else "")}


def coded(exc: CodedError, request: Request | None = None) -> JSONResponse:
    status = exc.status if isinstance(exc, CaseError) else 422
    data = exc.as_dict()
    position = None
    if exc.position is not None:
        position = str(exc.position)
    return JSONResponse(body(exc.code, status, exc.message, path=exc.path, got=data["got"],
                             position=position), status_code=status,
                        headers=challenge(request) if status == 401 else None)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at the request's path (not only the first route's)."""
    found = []
    for method in METHODS:
        scope = {"type": "http", "method": method, "path": request.scope["path"],
                 "root_path": request.scope.get("root_path", ""), "headers": [],
                 "query_string": b""}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            found.append(method)
    return found


def _invalid_answer(exc: RequestValidationError) -> JSONResponse:
    first: dict[str, Any] = dict(exc.errors()[0]) if exc.errors() else {
        "loc": (), "msg": "invalid request"}
    loc = [str(p) for p in first.get("loc", ()) if p not in ("body",)]
    if first.get("type") == "nul_character":  # where in the field (models.Body)
        loc += [str(p) for p in first["ctx"]["within"]]
    got = first.get("input")
    shown = None  # a value given, not a whole body; never a password
    if (first.get("type") != "missing" and isinstance(got, (str, int, float, bool))
            and not any("password" in p for p in loc)):
        text = str(got)
        shown = text if len(text) <= 80 else text[:77] + "..."
    return JSONResponse(body("MW809", 422, f"the request is invalid: {first['msg']}",
                             path=".".join(loc), got=shown), status_code=422)


def install(app: FastAPI) -> None:
    @app.exception_handler(CodedError)
    async def _coded(request: Request, exc: CodedError) -> Response:
        if wants_html(request):
            status = exc.status if isinstance(exc, CaseError) else 422
            return html_error(request, status, exc.code, exc.message,
                              challenge(request) if status == 401 else None)
        return coded(exc, request)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _invalid_answer(exc)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        code = {404: "MW803", 401: "MW807", 403: "MW802", 405: "MW809"}.get(exc.status_code,
                                                                            "MW809")
        message = {404: f"there is nothing at {request.url.path}",
                   405: f"{request.method} is not allowed on {request.url.path}"}.get(
            exc.status_code, str(exc.detail))
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            methods = allowed_methods(request)
            if methods:
                headers["Allow"] = ", ".join(methods)
        if exc.status_code == 401:
            headers.update(challenge(request))
        if wants_html(request):
            return html_error(request, exc.status_code, code, message, headers or None)
        return JSONResponse(body(code, exc.status_code, message), status_code=exc.status_code,
                            headers=headers or None)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        reference = uuid.uuid4().hex[:12]
        log.exception("internal error %s on %s %s", reference, request.method, request.url.path)
        if wants_html(request):
            return html_error(request, 500, "MW500", f"an internal error occurred (reference "
                              f"{reference}); it has been logged")
        return JSONResponse(body("MW500", 500, f"an internal error occurred (reference "
                                 f"{reference}); it has been logged"), status_code=500)
