"""Fixtures of the insight tests: the small dated history of ``tests.insight.history`` in a
fresh case file, on SQLite and on PostgreSQL; and the synthetic histories of
``tests.insight.synthetic`` (clean, and with a planted outlier and assertive-citizen effect),
built once per session and database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from maatwerk.cases.db import Database
from maatwerk.cases.registry import Registry
from tests.conftest import REGULATIONS
from tests.dbs import KINDS, database
from tests.insight.history import History, build_on
from tests.insight.synthetic import history_db


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


@pytest.fixture(scope="session", params=KINDS)
def clean_db(request: pytest.FixtureRequest, registry: Registry,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The synthetic history without anything planted."""
    with history_db(request.param, tmp_path_factory.mktemp("clean"), registry) as found:
        yield found


@pytest.fixture(scope="session", params=KINDS)
def planted_db(request: pytest.FixtureRequest, registry: Registry,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The synthetic history with a planted outlier caseworker and a planted
    assertive-citizen effect."""
    with history_db(request.param, tmp_path_factory.mktemp("planted"), registry,
                    outlier=True, assertive=True) as found:
        yield found
