"""One JSON shape for every error the API gives, and the handlers that produce it.

    {"error": {"code": "MW710", "status": 422, "message": "...", "path": "deviation.value",
               "got": "2500", "position": "regulation.yaml:12:5"}}

Codes are those of ``maatwerk.spec.errors.CODES`` (regulations, decisions, discretion) and
``maatwerk.cases.errors.CASE_CODES`` (the case file). No traceback ever reaches a client; an
unexpected failure is ``MW500`` with a reference to the server log.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from maatwerk.cases.errors import CaseError
from maatwerk.spec.errors import CodedError, DecisionError, SpecError

log = logging.getLogger("maatwerk.web")

STATUS = {SpecError: 422, DecisionError: 422}


def body(code: str, status: int, message: str, *, path: str = "", got: Any = None,
         position: str | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "status": status, "message": message, "path": path,
                      "got": got, "position": position}}


def wants_html(request: Request) -> bool:
    """A page (not the API, not a JSON twin) is answered with an HTML error page."""
    path = request.url.path
    return not path.startswith("/api") and not path.endswith(".json")


def html_error(request: Request, status: int, code: str, message: str) -> Response:
    from maatwerk.web.render import base_context, templates
    context = base_context(request, None)
    context.update({"status": status, "code": code, "message": message})
    return templates.TemplateResponse(request, "error.html", context, status_code=status)


def coded(exc: CodedError) -> JSONResponse:
    status = exc.status if isinstance(exc, CaseError) else 422
    data = exc.as_dict()
    position = None
    if exc.position is not None:
        position = str(exc.position)
    return JSONResponse(body(exc.code, status, exc.message, path=exc.path, got=data["got"],
                             position=position), status_code=status)


def install(app: FastAPI) -> None:
    @app.exception_handler(CodedError)
    async def _coded(request: Request, exc: CodedError) -> Response:
        if wants_html(request):
            status = exc.status if isinstance(exc, CaseError) else 422
            return html_error(request, status, exc.code, exc.message)
        return coded(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        loc = [str(p) for p in first.get("loc", ()) if p not in ("body",)]
        return JSONResponse(body("MW809", 422, f"the request is invalid: {first['msg']}",
                                 path=".".join(loc)), status_code=422)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        code = {404: "MW803", 401: "MW807", 403: "MW802", 405: "MW809"}.get(exc.status_code,
                                                                            "MW809")
        message = {404: f"there is nothing at {request.url.path}",
                   405: f"{request.method} is not allowed on {request.url.path}"}.get(
            exc.status_code, str(exc.detail))
        if wants_html(request):
            return html_error(request, exc.status_code, code, message)
        return JSONResponse(body(code, exc.status_code, message), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        reference = uuid.uuid4().hex[:12]
        log.exception("internal error %s on %s %s", reference, request.method, request.url.path)
        if wants_html(request):
            return html_error(request, 500, "MW500", f"an internal error occurred (reference "
                              f"{reference}); it has been logged")
        return JSONResponse(body("MW500", 500, f"an internal error occurred (reference "
                                 f"{reference}); it has been logged"), status_code=500)
