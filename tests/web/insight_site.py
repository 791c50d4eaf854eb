"""A web app over a synthetic history of ``tests.insight.synthetic`` (SQLite), with a manager who
has a token, for the tests of the dilemma monitor, the dynamics signals and the register."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

from maatwerk.cases import accounts
from maatwerk.cases.registry import Registry
from maatwerk.web.app import create_app
from maatwerk.web.settings import Settings
from tests.insight.synthetic import TODAY, history_db

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient


@dataclass
class InsightSite:
    app: FastAPI
    client: TestClient
    headers: dict[str, str]  # the manager's


@contextmanager
def insight_site(folder: Path, registry: Registry, **planted: bool) -> Iterator[InsightSite]:
    with history_db("sqlite", folder, registry, **planted) as db:
        with db.transaction() as s:
            manager = accounts.create_user(s, "manon", "manager")
            token = accounts.issue_token(s, manager, "tests")
        app = create_app(Settings(regulations=(), secret="insight-site-tests"), migrate=False,
                         db=db)
        app.state.casefile.registry = registry
        app.state.casefile.clock = lambda: dt.datetime.combine(TODAY, dt.time(12),
                                                               tzinfo=dt.UTC)
        with TestClient(app, raise_server_exceptions=True) as client:
            yield InsightSite(app, client, {"Authorization": f"Bearer {token}"})
