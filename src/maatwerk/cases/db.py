"""Connecting to the case file's database: SQLite by default, PostgreSQL by URL.

SQLite runs in WAL mode with ``synchronous=FULL`` (a commit is on disk when it returns) and
foreign keys on; every writing transaction starts with ``BEGIN IMMEDIATE``, so writers are
serialised and a read-then-write never races another writer, while a reading session
(``reading()``) begins a deferred transaction: it reads a snapshot and never takes the write
lock. On PostgreSQL rows are locked with ``SELECT ... FOR UPDATE`` where a transaction reads what
it will change. One code path serves both.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_URL = "sqlite:///maatwerk.sqlite"
READING = "maatwerk_reading"  # the execution option of the engine that reading sessions use


def database_url(url: str | None = None) -> str:
    """The URL to use: the argument, else ``MAATWERK_DB``, else ``maatwerk.sqlite`` here."""
    url = url or os.environ.get("MAATWERK_DB") or DEFAULT_URL
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun explicitly below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        reading = connection.get_execution_options().get(READING, False)
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


class Database:
    """An engine and its sessions."""

    def __init__(self, url: str | None = None, *, echo: bool = False,
                 schema: str | None = None) -> None:
        self.url = database_url(url)
        self.schema = schema
        if self.url.startswith("sqlite"):
            path = self.url.split("///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.engine = create_engine(self.url, echo=echo,
                                        connect_args={"timeout": 30, "check_same_thread": False})
            _sqlite(self.engine)
        else:
            options = {"options": f"-csearch_path={schema}"} if schema else {}
            self.engine = create_engine(self.url, echo=echo, pool_pre_ping=True, pool_size=10,
                                        max_overflow=20, connect_args=options)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.read_sessions = sessionmaker(self.engine.execution_options(**{READING: True}),
                                          expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed when the block ends, rolled back on error."""
        with self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reading only (on SQLite a deferred transaction: no write lock)."""
        with self.read_sessions() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def upsert(session: Session, model: Any, values: dict[str, Any], key: str, *,
           update: dict[str, Any] | None = None, returning: Any = None) -> Any:
    """Insert a row unless one with the same ``key`` exists, then (with ``update``) change that
    one instead, in one statement that two transactions cannot both win: ``INSERT ... ON
    CONFLICT`` on both databases (on PostgreSQL the second waits for the first to commit). With
    ``returning``, the value of that column of the row inserted or changed."""
    dialect = session.get_bind().dialect.name
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    insert = make(model.__table__).values(**values)
    statement = (insert.on_conflict_do_update(index_elements=[key], set_=update) if update
                 else insert.on_conflict_do_nothing(index_elements=[key]))
    if returning is None:
        session.execute(statement)
        return None
    return session.execute(statement.returning(returning)).scalar_one()
