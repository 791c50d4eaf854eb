"""Settings of the web app (``maatwerk.web.settings``): from arguments or the environment."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from fastapi import Request
from sqlalchemy import select

from maatwerk.cases.models import User
from maatwerk.cases.registry import Registry
from maatwerk.web import deps
from maatwerk.web.settings import DEVELOPMENT_SECRET, Settings
from tests.dbs import database
from tests.web.conftest import Api, client_for, make_app

ENVIRONMENT = ("MAATWERK_DB", "MAATWERK_REGULATIONS", "MAATWERK_SECRET", "MAATWERK_OIDC_ISSUER",
               "MAATWERK_OIDC_CLIENT_ID", "MAATWERK_OIDC_CLIENT_SECRET")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_defaults(clean_env: pytest.MonkeyPatch) -> None:
    settings = Settings.from_env()
    assert settings == Settings(db=None, regulations=("regulations",), secret="")
    assert settings.oidc_issuer is None
    assert settings.secure_cookies is False


def test_from_the_environment(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("MAATWERK_DB", "postgresql://maatwerk@db/maatwerk")
    clean_env.setenv("MAATWERK_REGULATIONS", "regulations::/srv/extra:")
    clean_env.setenv("MAATWERK_SECRET", "s3cret")
    clean_env.setenv("MAATWERK_OIDC_ISSUER", "https://login.example.nl")
    clean_env.setenv("MAATWERK_OIDC_CLIENT_ID", "maatwerk")
    clean_env.setenv("MAATWERK_OIDC_CLIENT_SECRET", "oidc-secret")
    settings = Settings.from_env()
    assert settings.db == "postgresql://maatwerk@db/maatwerk"
    assert settings.regulations == ("regulations", "/srv/extra")
    assert settings.secret == "s3cret"
    assert (settings.oidc_issuer, settings.oidc_client_id, settings.oidc_client_secret) == (
        "https://login.example.nl", "maatwerk", "oidc-secret")


def test_arguments_win_over_the_environment_unless_none(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("MAATWERK_DB", "sqlite:///from-env.sqlite")
    clean_env.setenv("MAATWERK_SECRET", "from-env")
    settings = Settings.from_env(db="sqlite:///argument.sqlite", secret=None,
                                 regulations=("elsewhere",), secure_cookies=True)
    assert settings.db == "sqlite:///argument.sqlite"
    assert settings.secret == "from-env"
    assert settings.regulations == ("elsewhere",)
    assert settings.secure_cookies is True


def test_settings_cannot_change() -> None:
    settings = Settings(secret="x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.secret = "y"  # type: ignore[misc]


def test_without_a_secret_a_development_secret_with_a_warning() -> None:
    with pytest.warns(UserWarning, match="MAATWERK_SECRET is not set"):
        assert Settings().secret_bytes() == DEVELOPMENT_SECRET.encode()
    assert Settings(secret="s3cret").secret_bytes() == b"s3cret"


def test_an_app_without_a_secret_warns(tmp_path: Path) -> None:
    with database("sqlite", tmp_path) as db, pytest.warns(UserWarning, match="MAATWERK_SECRET"):
        make_app(db, Registry(()), secret="")


def _session_cookie(api: Api) -> str:
    @api.app.get("/api/_test/sign-in/{username}")
    def sign_in(username: str, request: Request) -> dict[str, str]:
        with api.db.reading() as s:
            deps.sign_in(request, s.execute(select(User).where(User.username == username)
                                            ).scalar_one())
        return {}

    api.person("carla", "caseworker", unit="team-zuid")
    answer = api.client.get("/api/_test/sign-in/carla")
    cookie: str = answer.headers["set-cookie"]
    return cookie.lower()


@pytest.mark.parametrize("secure", [False, True])
def test_the_session_cookie(tmp_path: Path, registry: Registry, secure: bool) -> None:
    with database("sqlite", tmp_path) as db:
        app = make_app(db, registry, secure_cookies=secure)
        assert app.state.settings.secure_cookies is secure
        with client_for(app) as client:
            cookie = _session_cookie(Api("sqlite", db, app, client))
    name, *attributes = [part.strip() for part in cookie.split(";")]
    assert name.startswith("maatwerk_session=")
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert ("secure" in attributes) is secure
