"""The web application (``maatwerk.web.app``): the index, the OpenAPI description and its
documentation, the database it opens and migrates, and how it routes."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from maatwerk import __version__
from maatwerk.cases.db import Database
from maatwerk.web.app import create_app
from maatwerk.web.settings import Settings
from tests.conftest import REGULATIONS
from tests.dbs import database
from tests.web.conftest import SECRET, Api, client_for, routes, template_pattern


def test_the_index(api: Api) -> None:
    answer = api.client.get("/api")
    assert answer.status_code == 200
    assert answer.json() == {"name": "maatwerk", "version": __version__,
                             "openapi": "/api/openapi.json", "regulations": "/api/regulations",
                             "cases": "/api/cases"}


def test_the_openapi_description_and_its_documentation(api: Api) -> None:
    schema = api.client.get("/api/openapi.json")
    assert schema.status_code == 200
    data = schema.json()
    assert data["openapi"].startswith("3.")
    assert (data["info"]["title"], data["info"]["version"]) == ("maatwerk", __version__)
    api_paths = {path for method, path in routes(api.app)
                 if path.startswith("/api/") and path not in ("/api/openapi.json", "/api/docs")}
    assert api_paths <= set(data["paths"])
    docs = api.client.get("/api/docs")
    assert docs.status_code == 200
    assert "text/html" in docs.headers["content-type"]
    assert "/api/openapi.json" in docs.text


def test_the_app_keeps_its_settings_and_case_file(api: Api) -> None:
    assert api.app.state.settings.secret == SECRET
    assert api.files.db is api.db


@pytest.mark.parametrize("migrate", [True, False])
def test_the_app_migrates_the_database_it_is_given(tmp_path: Path, migrate: bool) -> None:
    with database("sqlite", tmp_path, migrate=False) as db:
        create_app(Settings(secret=SECRET), migrate=migrate, db=db)
        tables = set(sa.inspect(db.engine).get_table_names())
    assert ({"cases", "audit_log", "users"} <= tables) is migrate


def test_the_app_opens_the_database_of_its_settings(tmp_path: Path) -> None:
    file = tmp_path / "from-settings.sqlite"
    app = create_app(Settings(db=f"sqlite:///{file}", secret=SECRET))
    try:
        assert file.exists()
        with client_for(app) as client:
            assert client.get("/api/cases").status_code == 401  # the tables are there
    finally:
        app.state.casefile.db.dispose()


def test_the_app_loads_the_regulations_of_its_settings(tmp_path: Path) -> None:
    folder = REGULATIONS / "zorgtoeslag"
    with database("sqlite", tmp_path) as db:
        app = create_app(Settings(regulations=(str(folder),), secret=SECRET), migrate=False,
                         db=db)
        with client_for(app) as client:
            items = client.get("/api/regulations").json()["items"]
    assert [r["id"] for r in items] == ["zorgtoeslag"]


def test_the_app_reads_its_settings_from_the_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAATWERK_DB", f"sqlite:///{tmp_path / 'env.sqlite'}")
    monkeypatch.setenv("MAATWERK_REGULATIONS", str(REGULATIONS / "zorgtoeslag"))
    monkeypatch.setenv("MAATWERK_SECRET", "from-the-environment")
    app = create_app()
    try:
        assert app.state.settings.secret == "from-the-environment"
        assert (tmp_path / "env.sqlite").exists()
        assert list(app.state.casefile.registry.current) == ["zorgtoeslag"]
    finally:
        app.state.casefile.db.dispose()


def test_no_route_is_hidden_by_an_earlier_one(api: Api) -> None:
    """A route is reachable only if no route tried before it matches its path with the same
    method (a fixed segment such as 'maatwerk' also matches an earlier '{step}')."""
    ordered = routes(api.app)
    hidden = []
    for index, (method, path) in enumerate(ordered):
        for earlier_method, earlier in ordered[:index]:
            if earlier_method == method and template_pattern(earlier).match(path):
                hidden.append(f"{method} {path} (hidden by {earlier})")
                break
    assert hidden == []


def test_the_route_check_sees_a_hidden_route() -> None:
    """The check above, on two routes made for it."""
    app = create_app(Settings(regulations=(), secret=SECRET), migrate=False,
                     db=Database("sqlite://"))

    @app.post("/x/{case_id}/{step}")
    def step(case_id: int, step: str) -> None:
        del case_id, step

    @app.post("/x/{case_id}/fixed")
    def fixed(case_id: int) -> None:
        del case_id

    ordered = routes(app)
    first = ordered.index(("POST", "/x/{case_id}/{step}"))
    assert ordered[first + 1] == ("POST", "/x/{case_id}/fixed")
    assert template_pattern(ordered[first][1]).match(ordered[first + 1][1])
    assert not template_pattern("/api/cases/{case_id}").match("/api/cases/{case_id}/facts")
    assert not template_pattern("/api/cases").match("/api/cases/{case_id}")
