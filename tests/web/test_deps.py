"""Who is asking (``maatwerk.web.deps``): a bearer token, or a signed session cookie whose
changing requests must carry the session's CSRF token."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi import Request
from sqlalchemy import select, update

from maatwerk.cases.models import ApiToken, User
from maatwerk.cases.registry import Registry
from maatwerk.web import deps
from tests.web.conftest import (
    BIJSTAND_DAY,
    BIJSTAND_FACTS,
    Api,
    Person,
    assert_error,
    client_for,
    make_app,
    routes,
)


def _session_routes(api: Api) -> None:
    """Test-only routes: sign in as a user by name (as the login page does), sign out, and
    read the session's CSRF token."""

    @api.app.get("/api/_test/sign-in/{username}")
    def sign_in(username: str, request: Request) -> dict[str, str]:
        with api.db.reading() as s:
            user = s.execute(select(User).where(User.username == username)).scalar_one()
        deps.sign_in(request, user)
        return {"csrf": deps.csrf_token(request)}

    @api.app.get("/api/_test/sign-out")
    def sign_out(request: Request) -> dict[str, str]:
        deps.sign_out(request)
        return {}

    @api.app.get("/api/_test/csrf")
    def csrf(request: Request) -> dict[str, str]:
        return {"csrf": deps.csrf_token(request)}


def signed_in(api: Api, who: Person) -> str:
    """Sign ``who`` in on the api's client (the cookie stays on it); the CSRF token."""
    _session_routes(api)
    answer = api.client.get(f"/api/_test/sign-in/{who.username}")
    assert answer.status_code == 200, answer.text
    assert "maatwerk_session" in api.client.cookies
    token: str = answer.json()["csrf"]
    return token


SUBMIT = {"regulation": "bijstand", "facts": BIJSTAND_FACTS, "peildatum": BIJSTAND_DAY,
          "subject": {"key": "123456782"}}


def _count_cases(api: Api, who: Person) -> int:
    total: int = api.client.get("/api/cases", headers=who.headers).json()["total"]
    return total


# -- bearer tokens ------------------------------------------------------------------------------


def test_a_bearer_token_names_the_person(api: Api) -> None:
    caseworker = api.person("carla", "caseworker", unit="team-zuid")
    me = api.client.get("/api/me", headers=caseworker.headers)
    assert me.json() == {"username": "carla", "role": "caseworker", "unit": "team-zuid"}
    lower = api.client.get("/api/me", headers={"Authorization": f"bearer {caseworker.token}"})
    assert lower.json()["username"] == "carla"


@pytest.mark.parametrize("header", ["Bearer mw_not-a-token", "Bearer ", "Basic Y2FybGE6cHc=",
                                    "mw_no-scheme"])
def test_a_wrong_or_missing_token_is_refused(api: Api, header: str) -> None:
    api.person("carla", "caseworker", unit="team-zuid")
    assert_error(api.client.get("/api/me", headers={"Authorization": header}), 401, "MW807")
    assert_error(api.client.get("/api/me"), 401, "MW807")


def test_the_token_of_a_deactivated_user_is_refused(api: Api) -> None:
    caseworker = api.person("carla", "caseworker", unit="team-zuid")
    with api.db.transaction() as s:
        s.execute(update(User).where(User.id == caseworker.id).values(active=False))
    assert_error(api.client.get("/api/me", headers=caseworker.headers), 401, "MW807")


def test_an_expired_token_is_refused(api: Api) -> None:
    caseworker = api.person("carla", "caseworker", unit="team-zuid")
    with api.db.transaction() as s:
        s.execute(update(ApiToken).where(ApiToken.user_id == caseworker.id).values(
            expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)))
    error = assert_error(api.client.get("/api/me", headers=caseworker.headers), 401, "MW807")
    assert "expired" in error["message"]


# -- the session cookie and its CSRF token ---------------------------------------------------


def test_a_session_signs_in_for_reading(api: Api) -> None:
    api.person("carla", "caseworker", unit="team-zuid")
    signed_in(api, api.people["carla"])
    assert api.client.get("/api/me").json()["username"] == "carla"
    assert api.client.get("/api/cases").status_code == 200


def test_a_changing_request_with_the_session_needs_the_csrf_token(api: Api) -> None:
    caseworker = api.person("carla", "caseworker", unit="team-zuid")
    token = signed_in(api, caseworker)
    without = api.client.post("/api/cases", json=SUBMIT)
    assert assert_error(without, 403, "MW802")["path"] == deps.CSRF_HEADER
    wrong = api.client.post("/api/cases", json=SUBMIT, headers={deps.CSRF_HEADER: "forged"})
    assert_error(wrong, 403, "MW802")
    assert _count_cases(api, caseworker) == 0
    right = api.client.post("/api/cases", json=SUBMIT, headers={deps.CSRF_HEADER: token})
    assert right.status_code == 201, right.text
    assert _count_cases(api, caseworker) == 1


def test_every_changing_api_request_with_the_session_needs_the_csrf_token(api: Api) -> None:
    """Every POST of the API that asks who is asking refuses a session without CSRF token,
    before it looks at the request."""
    caseworker = api.person("carla", "caseworker", unit="team-zuid")
    case_id = api.submit(caseworker)["id"]
    signed_in(api, caseworker)
    fill = {"case_id": case_id, "request_id": 1, "claim_id": 1, "step": "start",
            "regulation": "bijstand"}
    anyone = {"/api/auth/token", "/api/regulations/{regulation}/decide"}
    posts = [path for method, path in routes(api.app)
             if method == "POST" and path.startswith("/api/") and "/_test/" not in path
             and path not in anyone]
    assert len(posts) >= 10
    for path in posts:
        answer = api.client.post(path.format(**fill), json={})
        assert answer.status_code == 403, (path, answer.text)
        assert answer.json()["error"]["path"] == deps.CSRF_HEADER, path
    case = api.client.get(f"/api/cases/{case_id}").json()
    assert (case["state"], case["revision"]) == ("received", 1)


def test_the_csrf_token_stays_for_the_session_and_changes_with_a_new_one(api: Api) -> None:
    caseworker = api.person("carla", "caseworker", unit="team-zuid")
    token = signed_in(api, caseworker)
    assert api.client.get("/api/_test/csrf").json()["csrf"] == token
    again = api.client.get(f"/api/_test/sign-in/{caseworker.username}").json()["csrf"]
    assert again != token
    stale = api.client.post("/api/cases", json=SUBMIT, headers={deps.CSRF_HEADER: token})
    assert_error(stale, 403, "MW802")


def test_signing_out_ends_the_session(api: Api) -> None:
    signed_in(api, api.person("carla", "caseworker", unit="team-zuid"))
    api.client.get("/api/_test/sign-out")
    assert_error(api.client.get("/api/me"), 401, "MW807")


def test_the_session_of_a_deactivated_user_ends(api: Api) -> None:
    caseworker = api.person("carla", "caseworker", unit="team-zuid")
    signed_in(api, caseworker)
    with api.db.transaction() as s:
        s.execute(update(User).where(User.id == caseworker.id).values(active=False))
    assert_error(api.client.get("/api/me"), 401, "MW807")
    with api.db.transaction() as s:
        s.execute(update(User).where(User.id == caseworker.id).values(active=True))
    assert_error(api.client.get("/api/me"), 401, "MW807")  # the session was cleared


def test_a_bearer_token_wins_over_the_session(api: Api) -> None:
    citizen = api.person("anna", "citizen")
    caseworker = api.person("carla", "caseworker", unit="team-zuid")
    signed_in(api, citizen)
    assert api.client.get("/api/me", headers=caseworker.headers).json()["username"] == "carla"
    # a token is not sent by a browser on its own, so it needs no CSRF token
    made = api.client.post("/api/cases", json=SUBMIT, headers=caseworker.headers)
    assert made.status_code == 201, made.text
    # a wrong token does not fall back to the session
    assert_error(api.client.get("/api/me", headers={"Authorization": "Bearer mw_wrong"}), 401,
                 "MW807")


def test_a_cookie_signed_with_another_secret_or_altered_is_ignored(
        api: Api, registry: Registry) -> None:
    caseworker = api.person("carla", "caseworker", unit="team-zuid")
    other = make_app(api.db, registry, secret="another-secret")
    with client_for(other) as client:
        signed_in(Api("sqlite", api.db, other, client), caseworker)
        foreign = client.cookies["maatwerk_session"]
        assert client.get("/api/me").status_code == 200
    signed_in(api, caseworker)
    own = api.client.cookies["maatwerk_session"]
    assert api.client.get("/api/me").status_code == 200
    api.client.cookies.clear()
    altered = own[:-2] + ("xx" if own[-2:] != "xx" else "yy")
    for cookie in (foreign, altered):
        answer = api.client.get("/api/me", headers={"Cookie": f"maatwerk_session={cookie}"})
        assert_error(answer, 401, "MW807")
