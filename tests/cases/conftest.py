"""Fixtures of the case-file tests: every test runs on SQLite and on PostgreSQL.

``kind`` is autouse and parametrized over ``tests.dbs.KINDS``, so each test in this folder runs
once per database, whether it asks for a database or not; the PostgreSQL variant is skipped, with
the reason, when no server answers.

Known bugs are strict xfails naming the bug (``raises=`` the error it causes, so that any other
failure still fails); a bug on one database only is marked inside the test with
``request.applymarker``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from maatwerk.cases.casefile import CaseFile
from maatwerk.cases.db import Database
from maatwerk.cases.registry import Registry
from tests.cases.helpers import SECRET, Clock, People, make_people
from tests.conftest import REGULATIONS
from tests.dbs import KINDS, database


@pytest.fixture(params=KINDS, autouse=True)
def kind(request: pytest.FixtureRequest) -> str:
    """The database the test runs on."""
    name: str = request.param
    return name


@pytest.fixture
def db(kind: str, tmp_path: Path) -> Iterator[Database]:
    """A fresh, migrated database of the kind."""
    with database(kind, tmp_path) as found:
        yield found


@pytest.fixture(scope="session")
def registry() -> Registry:
    """The worked regulations, loaded once (tests that load other versions make their own)."""
    return Registry([REGULATIONS / "bijstand", REGULATIONS / "wmo-maatwerkvoorziening",
                     REGULATIONS / "zorgtoeslag"])


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cf(db: Database, registry: Registry, clock: Clock) -> CaseFile:
    """The case file on the test's database, with the test's clock."""
    return CaseFile(db, registry, SECRET, clock=clock)


@pytest.fixture
def people(db: Database) -> People:
    return make_people(db)
