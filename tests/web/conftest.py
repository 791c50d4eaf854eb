"""Shared fixtures for the tests of the web API: an app over a fresh case file, people with
bearer tokens, and the facts of a bijstand case that decides.

The regulations are loaded once per session (that takes most of a second) and shared by every
app: ``create_app`` is called with no regulation folders and the case file it makes is then
given the shared registry.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from maatwerk.cases import accounts
from maatwerk.cases.db import Database
from maatwerk.cases.models import Subject
from maatwerk.cases.registry import Registry
from maatwerk.cases.service import Actor
from maatwerk.web.app import create_app
from maatwerk.web.settings import Settings
from tests.conftest import REGULATIONS
from tests.dbs import KINDS, database

with warnings.catch_warnings():
    # starlette asks for the 'httpx2' package; the 'httpx' the project depends on works.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

SECRET = "web-tests-secret"

# A single person of 35 on 1 July 2025: norm EUR 1,369.06, no assets, no culpable behaviour
# (regulations/bijstand/tests/afstemming.yaml).
BIJSTAND_FACTS: dict[str, Any] = {
    "geboortedatum": "1990-03-01", "leefvorm": "alleenstaand", "aow_leeftijd_bereikt": False,
    "aantal_kostendelers": 1, "verblijft_in_inrichting": False, "vermogen": 0,
    "categorie_gedraging": "geen"}
BIJSTAND_DAY = "2025-07-01"
ZORGTOESLAG_FACTS: dict[str, Any] = {
    "leeftijd": 30, "is_verzekerd": True, "heeft_toeslagpartner": False,
    "toetsingsinkomen": 20000, "vermogen": 5000}
ZORGTOESLAG_DAY = "2025-06-01"

ERROR_KEYS = {"code", "status", "message", "path", "got", "position"}


@pytest.fixture(scope="session")
def registry() -> Registry:
    return Registry([REGULATIONS])


def client_for(app: FastAPI) -> TestClient:
    """A test client that answers a server error as the server would (MW500), not by raising."""
    return TestClient(app, raise_server_exceptions=False)


def make_app(db: Database, registry: Registry, **settings: Any) -> FastAPI:
    app = create_app(Settings(**{"regulations": (), "secret": SECRET, **settings}),
                     migrate=False, db=db)
    app.state.casefile.registry = registry
    return app


@dataclass
class Person:
    id: int
    username: str
    role: str
    token: str
    unit: str | None = None
    subject_id: int | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def actor(self) -> Actor:
        """The person as the case service knows them (for steps taken without the API)."""
        return Actor(self.id, self.username, self.role, self.unit, self.subject_id)


@dataclass
class Api:
    """An app over a fresh case file of one kind, with a client and a way to add people."""

    kind: str
    db: Database
    app: FastAPI
    client: TestClient
    people: dict[str, Person] = field(default_factory=dict)

    @property
    def files(self) -> Any:
        """The case file the app serves (the service under the API)."""
        return self.app.state.casefile

    def person(self, username: str, role: str, *, unit: str | None = None,
               password: str | None = None) -> Person:
        """A user with a bearer token; a citizen is linked to a subject of their own."""
        with self.db.transaction() as s:
            subject_id = None
            if role == "citizen":
                subject = Subject(kind="household", pseudonym=f"pseudonym-{username}",
                                  label=f"Huishouden {username}")
                s.add(subject)
                s.flush()
                subject_id = subject.id
            user = accounts.create_user(s, username, role, password=password, unit_name=unit,
                                        subject_id=subject_id)
            token = accounts.issue_token(s, user, "tests")
            found = Person(user.id, username, role, token, unit, subject_id)
        self.people[username] = found
        return found

    def submit(self, who: Person, regulation: str = "bijstand",
               facts: dict[str, Any] | None = None, peildatum: str = BIJSTAND_DAY,
               **extra: Any) -> dict[str, Any]:
        """Submit a case over the API; a caseworker names a subject."""
        payload: dict[str, Any] = {"regulation": regulation,
                                   "facts": BIJSTAND_FACTS if facts is None else facts,
                                   "peildatum": peildatum, **extra}
        if who.role != "citizen" and "subject" not in payload:
            payload["subject"] = {"key": f"bsn-{len(self.people)}-{who.username}",
                                  "label": "aanvrager"}
        answer = self.client.post("/api/cases", json=payload, headers=who.headers)
        assert answer.status_code == 201, answer.text
        data: dict[str, Any] = answer.json()
        return data


@contextmanager
def api_on(kind: str, tmp_path: Path, registry: Registry, **settings: Any) -> Iterator[Api]:
    """An app over a fresh, migrated case file of ``kind`` (skipped without PostgreSQL)."""
    with database(kind, tmp_path) as db:
        app = make_app(db, registry, **settings)
        with client_for(app) as client:
            yield Api(kind, db, app, client)


@pytest.fixture
def api(tmp_path: Path, registry: Registry) -> Iterator[Api]:
    """The app on SQLite."""
    with api_on("sqlite", tmp_path, registry) as found:
        yield found


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    found: str = request.param
    return found


@pytest.fixture
def kinds_api(kind: str, tmp_path: Path, registry: Registry) -> Iterator[Api]:
    """The app on each kind of database (SQLite and PostgreSQL)."""
    with api_on(kind, tmp_path, registry) as found:
        yield found


def assert_error(answer: Any, status: int, code: str) -> dict[str, Any]:
    """The answer is the one error shape with this status and code; its error part."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    data = answer.json()
    assert set(data) == {"error"}, data
    error: dict[str, Any] = data["error"]
    assert set(error) == ERROR_KEYS, error
    assert error["code"] == code, error
    assert error["status"] == status
    return error


def routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) the app routes, in the order it tries them.

    FastAPI up to 0.11x flattens included routers into ``app.routes``; later versions keep an
    included router as one entry with the router's routes and prefix behind it. Both are read.
    """
    found: list[tuple[str, str]] = []

    def walk(entries: Any, prefix: str) -> None:
        for route in entries:
            inner = getattr(route, "original_router", None)
            if inner is not None:
                context = getattr(route, "include_context", None)
                walk(inner.routes, prefix + str(getattr(context, "prefix", "") or ""))
                continue
            path = getattr(route, "path", None)
            for method in sorted(getattr(route, "methods", None) or ()):
                if path is not None and method != "HEAD":
                    found.append((method, prefix + path))

    walk(app.routes, "")
    return found


def template_pattern(template: str) -> re.Pattern[str]:
    """A path template as the router matches it: each ``{name}`` is one path segment."""
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")
