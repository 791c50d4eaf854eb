"""A web app over the planted bijstand history of ``tests.insight.crystal_history`` (on SQLite),
for the pages of precedents and crystallisation proposals: everyone in it has a bearer
token."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select

from maatwerk.cases import accounts
from maatwerk.cases.models import User
from maatwerk.cases.registry import Registry
from maatwerk.insight.precedent_index import forget
from maatwerk.web.app import create_app
from maatwerk.web.settings import Settings
from tests.insight.crystal_history import history_in
from tests.web.sites import Site

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient


@contextmanager
def crystal_site(tmp_path: Path, registry: Registry) -> Iterator[Site]:
    with history_in("sqlite", tmp_path) as (db, truth):
        tokens = {}
        with db.transaction() as s:
            accounts.create_user(s, "ada", "administrator")
            for user in s.execute(select(User)).scalars():
                tokens[user.username] = accounts.issue_token(s, user, "tests")
        app = create_app(Settings(regulations=(), secret="crystal-web-tests"), migrate=False,
                         db=db)
        app.state.casefile.registry = registry
        app.state.casefile.clock = lambda: dt.datetime(2025, 9, 1, 12, tzinfo=dt.UTC)
        try:
            with TestClient(app, raise_server_exceptions=True) as client:
                yield Site(app, client, truth, tokens)  # type: ignore[arg-type]
        finally:
            forget(db.engine)
