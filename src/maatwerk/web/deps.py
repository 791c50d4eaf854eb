"""Who is asking: a bearer token (the API) or a signed session cookie (the web pages), with a
CSRF token required for every changing request made with the cookie."""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request

from maatwerk.cases import accounts
from maatwerk.cases.casefile import CaseFile
from maatwerk.cases.errors import CaseError
from maatwerk.cases.models import User
from maatwerk.cases.service import Actor

SAFE = ("GET", "HEAD", "OPTIONS")
CSRF_HEADER = "X-CSRF-Token"


def casefile(request: Request) -> CaseFile:
    found: CaseFile = request.app.state.casefile
    return found


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made when first needed."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return str(token)


def _check_csrf(request: Request, submitted: str | None) -> None:
    expected = request.session.get("csrf", "")
    if not submitted or not expected or not hmac.compare_digest(submitted, expected):
        raise CaseError("MW802", "the form or request lacks a valid CSRF token; reload the "
                        "page and try again", path=CSRF_HEADER)


def optional_actor(request: Request) -> Actor | None:
    """The signed-in person, or None."""
    header = request.headers.get("authorization", "")
    files = casefile(request)
    if header.lower().startswith("bearer "):
        with files.db.reading() as s:
            return Actor.of(accounts.by_token(s, header[7:].strip()))
    user_id = request.session.get("uid") if "session" in request.scope else None
    if user_id is None:
        return None
    if request.method not in SAFE:
        _check_csrf(request, request.headers.get(CSRF_HEADER) or
                    request.scope.get("maatwerk.form_csrf"))
    with files.db.reading() as s:
        user = s.get(User, int(user_id))
        if user is None or not user.active:
            request.session.clear()
            return None
        return Actor.of(user)


def actor(request: Request) -> Actor:
    """The signed-in person; refused (MW807) when nobody is."""
    found = optional_actor(request)
    if found is None:
        raise CaseError("MW807", "sign in first: send 'Authorization: Bearer <token>' (POST "
                        "/api/auth/token) or use the web login")
    return found


def sign_in(request: Request, user: User) -> None:
    request.session.clear()
    request.session["uid"] = user.id
    csrf_token(request)


def sign_out(request: Request) -> None:
    request.session.clear()


