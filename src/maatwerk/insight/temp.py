"""Temporary tables of the insight read model (the cases touched, their items read afresh).

SQLAlchemy keeps a compiled statement by its structure, and it knows a table by the identity of
its ``Table`` object: a statement on a temporary table made afresh for each refresh (with a
name of its own) is compiled again every time — a refresh runs some 50 of them, and compiling
them cost more than running them. So each name is made into a ``Table`` once per process and
reused: ``create`` takes the first name of the form ``{base}_{n}`` not in use on the
connection (tracked in the DBAPI connection's ``info``, which lives exactly as long as its
temporary tables), ``drop`` gives it back. A table left behind by a transaction that failed
keeps its name out of use, so a name is never created twice on one connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

USED = "maatwerk.insight.temp"  # the names in use on a connection (its ``info``)
_META = sa.MetaData()
_TABLES: dict[str, sa.Table] = {}
_LOCK = threading.Lock()


def create(c: sa.Connection, base: str, columns: Callable[[], list[sa.Column[Any]]]
           ) -> sa.Table:
    """A temporary table named from ``base`` with ``columns`` (called when the name is made
    into a table for the first time; the same base must always give the same columns),
    created on ``c``."""
    used: set[str] = c.info.setdefault(USED, set())
    n = 0
    while f"{base}_{n}" in used:
        n += 1
    name = f"{base}_{n}"
    with _LOCK:
        table = _TABLES.get(name)
        if table is None:
            table = _TABLES[name] = sa.Table(name, _META, *columns(), prefixes=["TEMPORARY"])
    used.add(name)  # before creating: a failed creation keeps the name out of use
    table.create(c)
    return table


def drop(c: sa.Connection, table: sa.Table) -> None:
    """Drop a table made by ``create`` and give its name back."""
    table.drop(c)
    c.info.get(USED, set()).discard(table.name)
