"""Databases for tests: a fresh SQLite file, or a fresh schema in the PostgreSQL server.

PostgreSQL is used when ``MAATWERK_TEST_POSTGRES`` names a server (``.ci/run`` sets it), or when
one answers at 127.0.0.1:5432 (database ``test``); otherwise the PostgreSQL variant of each
test is skipped, with the reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from maatwerk.cases.db import Database
from maatwerk.cases.migrate import upgrade

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
KINDS = ("sqlite", "postgresql")


def postgres_url() -> str | None:
    """The PostgreSQL server to test against, or None (and why) when there is none."""
    url = os.environ.get("MAATWERK_TEST_POSTGRES")
    if url:
        return url
    try:
        engine = sa.create_engine("postgresql+psycopg://" + DEFAULT_POSTGRES.split("://", 1)[1],
                                  connect_args={"connect_timeout": 2})
        with engine.connect():
            pass
        engine.dispose()
    except Exception:
        return None
    return DEFAULT_POSTGRES


_POSTGRES = postgres_url()


@contextmanager
def database(kind: str, tmp_path: Path, *, migrate: bool = True) -> Iterator[Database]:
    """A fresh, migrated database of ``kind``; removed afterwards."""
    if kind == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'case-file.sqlite'}")
        if migrate:
            upgrade(db)
        try:
            yield db
        finally:
            db.dispose()
        return
    if _POSTGRES is None:
        pytest.skip("no PostgreSQL server: set MAATWERK_TEST_POSTGRES or run one at "
                    f"{DEFAULT_POSTGRES} (.ci/run does)")
    schema = f"mw_test_{uuid.uuid4().hex[:12]}"
    admin = Database(_POSTGRES)
    with admin.engine.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    db = Database(_POSTGRES, schema=schema)
    if migrate:
        upgrade(db)
    try:
        yield db
    finally:
        db.dispose()
        with admin.engine.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
