"""The start page, signing in and out."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from maatwerk.cases import accounts
from maatwerk.cases.errors import CaseError
from maatwerk.spec.describe import summary
from maatwerk.web.deps import casefile, sign_in, sign_out
from maatwerk.web.errors import challenge
from maatwerk.web.i18n import language, translate
from maatwerk.web.render import flash, form_of, page, redirect, render_form

router = APIRouter()


@page(router, "/", "home.html")
def home(request: Request) -> dict[str, Any]:
    regs = casefile(request).registry.current.values()
    return {"regulations": [summary(r) for r in sorted(regs, key=lambda r: r.id)]}


@page(router, "/login", "login.html")
def login_form(request: Request) -> dict[str, Any]:
    return {"next": request.query_params.get("next", "/")}


@router.post("/login", include_in_schema=False)
async def login(request: Request) -> Response:
    form = await form_of(request)
    files = casefile(request)
    target = str(form.get("next") or "/")
    if not target.startswith("/"):
        target = "/"
    try:
        with files.db.reading() as s:
            user = accounts.authenticate(s, str(form.get("username", "")),
                                         str(form.get("password", "")))
    except CaseError as exc:
        refused = render_form(request, "login.html", {"next": target}, exc.message, 401)
        refused.headers.update(challenge(request))  # every 401 says how to authenticate
        return refused
    sign_in(request, user)
    flash(request, f"{translate(language(request), 'signed_in_as')} {user.username}")
    return redirect(target)


@router.post("/logout", include_in_schema=False)
async def logout(request: Request) -> Response:
    await form_of(request)
    sign_out(request)
    return redirect("/")
