"""Rendering pages: every HTML page has a JSON twin (the same path with ``.json``), forms carry
a CSRF token, and refusals come back to the form with the error and nothing changed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib import resources
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from maatwerk.cases.errors import CaseError
from maatwerk.cases.service import Actor
from maatwerk.engine import format as fmt
from maatwerk.spec.values import to_json
from maatwerk.web.deps import _check_csrf, csrf_token, optional_actor
from maatwerk.web.i18n import language, translate

NUL = "\x00"
templates = Jinja2Templates(str(resources.files("maatwerk.web").joinpath("templates")))
templates.env.filters["json"] = to_json
templates.env.filters["shown"] = lambda v: {True: "ja", False: "nee", None: "—"}.get(
    v, v) if isinstance(v, (bool, type(None))) else v
templates.env.filters["money"] = lambda v, lang="nl": fmt.money(v, lang) if v not in (
    None, "") else ""


def base_context(request: Request, who: Actor | None) -> dict[str, Any]:
    lang = language(request)
    return {
        "request": request, "lang": lang, "who": who,
        "t": lambda key: translate(lang, key),
        "csrf": csrf_token(request),
        "flash": request.session.pop("flash", None),
        "other_lang": "en" if lang == "nl" else "nl",
        "path": request.url.path,
    }


def flash(request: Request, message: str, kind: str = "info") -> None:
    request.session["flash"] = {"message": message, "kind": kind}


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def page(router: APIRouter, path: str, template: str) -> Callable[[Callable[..., Any]],
                                                                   Callable[..., Any]]:
    """Register a GET page at ``path`` (HTML) and ``path.json`` (its JSON twin).

    The handler returns the page's data (a dict), or a Response (a redirect).
    """
    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def html(*args: Any, **kwargs: Any) -> Response:
            request: Request = kwargs["request"]
            data = fn(*args, **kwargs)
            if isinstance(data, Response):
                return data
            context = base_context(request, optional_actor(request))
            context["data"] = data
            return templates.TemplateResponse(request, template, context)

        @functools.wraps(fn)
        def as_json(*args: Any, **kwargs: Any) -> Response:
            data = fn(*args, **kwargs)
            if isinstance(data, Response):
                return data
            return JSONResponse(jsonable(data))

        # The twin first: "/zaken/{id}" would otherwise also match "/zaken/1.json".
        router.add_api_route(("/index" if path == "/" else path) + ".json", as_json,
                             methods=["GET"], include_in_schema=False)
        router.add_api_route(path, html, methods=["GET"], response_class=HTMLResponse,
                             include_in_schema=False)
        return fn
    return decorate


_PLAIN = (str, int, bool, type(None))  # written as they are (``to_json`` keeps them)


def jsonable(value: Any) -> Any:
    """A page's data as JSON values (``to_json`` for each value; keys as text). The plain
    types are told by their exact type first: a dashboard has some 30,000 values."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict or isinstance(value, dict):
        return {k if type(k) is str else str(k): jsonable(v) for k, v in value.items()}
    if kind is list or isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return to_json(value)


async def form_of(request: Request) -> FormData:
    """The submitted form, after checking its CSRF token against the session; a field holding
    a NUL character is refused (MW809), as in the API: no text column can hold one."""
    form = await request.form()
    submitted = str(form.get("csrf_token") or "")
    _check_csrf(request, submitted)
    request.scope["maatwerk.form_csrf"] = submitted  # the signed-in check reads it
    for name, value in form.multi_items():
        if NUL in name or (isinstance(value, str) and NUL in value):
            shown = name.replace(NUL, "\\u0000")
            raise CaseError("MW809", f"the form field {shown!r} contains a NUL character "
                            "(\\u0000); text cannot hold one, remove it", path=shown)
    return form


def form_int(form: FormData, name: str) -> int | None:
    """A whole number from a form field (None if it is empty or absent); refused (MW809)
    otherwise."""
    raw = str(form.get(name) or "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise CaseError("MW809", f"the form field {name!r} is a whole number", path=name,
                        got=raw) from None


def render_form(request: Request, template: str, data: dict[str, Any], error: str,
                status: int = 422) -> Response:
    """The form again, with the refusal shown and nothing changed."""
    context = base_context(request, optional_actor(request))
    context["data"] = data
    context["error"] = error
    return templates.TemplateResponse(request, template, context, status_code=status)

