"""Fixtures of the insight tests: the small dated history of ``tests.insight.history`` in a
fresh case file, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from maatwerk.cases.db import Database
from maatwerk.cases.registry import Registry
from tests.conftest import REGULATIONS
from tests.dbs import KINDS, database
from tests.insight.history import History, build_on


@pytest.fixture(scope="session")
def registry() -> Registry:
    return Registry([REGULATIONS / "bijstand", REGULATIONS / "zorgtoeslag"])


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def db(kind: str, tmp_path: Path) -> Iterator[Database]:
    with database(kind, tmp_path) as found:
        yield found


@pytest.fixture
def history(kind: str, db: Database, registry: Registry, tmp_path: Path) -> History:
    return build_on(kind, db, registry, tmp_path)
