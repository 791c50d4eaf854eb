"""Signing in for the API (``maatwerk.web.api.auth``): a bearer token for a username and password
(``POST /api/auth/token``) and who am I (``GET /api/me``)."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from maatwerk.cases.models import User
from tests.web.conftest import Api, assert_error

PASSWORD = "correct horse battery staple"


def test_a_token_for_a_username_and_password(api: Api) -> None:
    api.person("carla", "caseworker", unit="team-zuid", password=PASSWORD)
    answer = api.client.post("/api/auth/token", json={"username": "carla",
                                                      "password": PASSWORD})
    assert answer.status_code == 201, answer.text
    data = answer.json()
    assert data["token"].startswith("mw_")
    assert data["token_type"] == "bearer"
    assert data["user"] == {"username": "carla", "role": "caseworker", "unit": "team-zuid"}
    me = api.client.get("/api/me", headers={"Authorization": f"Bearer {data['token']}"})
    assert me.status_code == 200
    assert me.json() == data["user"]
    second = api.client.post("/api/auth/token", json={"username": "carla",
                                                      "password": PASSWORD}).json()["token"]
    assert second != data["token"]
    assert api.client.get("/api/me", headers={"Authorization": f"Bearer {second}"}
                          ).status_code == 200


def test_wrong_credentials_are_refused_alike(api: Api) -> None:
    api.person("carla", "caseworker", unit="team-zuid", password=PASSWORD)
    wrong_password = assert_error(api.client.post("/api/auth/token", json={
        "username": "carla", "password": "wrong"}), 401, "MW807")
    unknown_user = assert_error(api.client.post("/api/auth/token", json={
        "username": "nobody", "password": PASSWORD}), 401, "MW807")
    assert wrong_password == unknown_user  # nothing tells whether the name exists
    assert PASSWORD not in str(wrong_password)


def test_a_deactivated_or_passwordless_user_gets_no_token(api: Api) -> None:
    api.person("carla", "caseworker", unit="team-zuid", password=PASSWORD)
    api.person("token-only", "caseworker", unit="team-zuid")
    assert_error(api.client.post("/api/auth/token", json={"username": "token-only",
                                                          "password": ""}), 401, "MW807")
    with api.db.transaction() as s:
        s.execute(update(User).where(User.username == "carla").values(active=False))
    assert_error(api.client.post("/api/auth/token", json={"username": "carla",
                                                          "password": PASSWORD}), 401, "MW807")


@pytest.mark.parametrize("body", [{}, {"username": "carla"}, {"password": PASSWORD},
                                  {"username": "carla", "password": PASSWORD, "otp": "1"},
                                  {"username": 1, "password": PASSWORD}])
def test_a_malformed_sign_in_is_a_validation_error(api: Api, body: dict[str, object]) -> None:
    assert_error(api.client.post("/api/auth/token", json=body), 422, "MW809")


@pytest.mark.parametrize(("role", "unit"), [("citizen", None), ("caseworker", "team-zuid"),
                                            ("approver", "team-noord"), ("manager", "team-zuid"),
                                            ("policy_maker", None), ("administrator", None)])
def test_who_am_i(api: Api, role: str, unit: str | None) -> None:
    who = api.person(f"a-{role}", role, unit=unit)
    assert api.client.get("/api/me", headers=who.headers).json() == {
        "username": f"a-{role}", "role": role, "unit": unit}


def test_who_am_i_without_a_token(api: Api) -> None:
    error = assert_error(api.client.get("/api/me"), 401, "MW807")
    assert "/api/auth/token" in error["message"]
    assert_error(api.client.get("/api/me", headers={"Authorization": "Bearer mw_x"}), 401,
                 "MW807")


def test_a_401_says_how_to_authenticate(api: Api) -> None:
    """RFC 9110 11.6.1 / 15.5.2: a 401 sends WWW-Authenticate; here a bearer token (RFC 6750),
    with error="invalid_token" when the token sent was refused."""
    answers = {"no token": api.client.get("/api/me"),
               "a wrong token": api.client.get("/api/me",
                                               headers={"Authorization": "Bearer mw_x"}),
               "wrong credentials": api.client.post("/api/auth/token", json={
                   "username": "x", "password": "y"})}
    for name, answer in answers.items():
        assert_error(answer, 401, "MW807")
        challenge = answer.headers.get("WWW-Authenticate", "")
        assert challenge.startswith('Bearer realm="maatwerk"'), name
        assert ("invalid_token" in challenge) is (name == "a wrong token"), name
    signed_in = api.person("carla", "caseworker", unit="team-zuid")
    forbidden = api.client.get("/api/audit/verify", headers=signed_in.headers)
    assert_error(forbidden, 403, "MW802")
    assert "WWW-Authenticate" not in forbidden.headers
