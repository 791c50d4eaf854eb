"""Keeping the insight read model (``maatwerk.insight.store``) up to date with the case file.

The read model follows the case file by two marks kept in ``insight_state``: the last audit
entry it has seen, and the largest id of each table it reads (``store.SOURCES``). A case is
*touched* when an audit entry about it (``case_id``) or a row of it in one of those tables is
newer than the marks. Every change the case service makes is logged in the audit log in the
same transaction, with the case's id; a row added without an audit entry — a bulk load, the
insight tests — still shows by its id. (A change made behind the case service's back, without
an audit entry and without a new row, is not seen; ``rebuild`` reads everything again.)

``refresh`` brings it up to date: the items of each touched case are replaced, and each cube
takes the difference (``apply``). It runs in a writing transaction that locks the state's row
first (``FOR UPDATE`` on PostgreSQL; on SQLite every writing transaction is exclusive), so two
refreshes at once take turns and the second finds nothing left to do; audit entries are
numbered under a lock held until their transaction commits, so they become visible in the order
of their ids and none is skipped.

The first refresh (the read model is empty after migration 0005, or was built by another
``VERSION`` of its definition) *builds* it from the rows that exist: the marks are set to the
case file as it is then, and the cases up to there are read in chunks of ``CHUNK``, each in its
own transaction (writers of the case file are held up for one chunk at most, and an interrupted
build resumes where it stopped); whatever changes meanwhile is newer than the marks and is read
again by the refresh that follows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.selectable import CompoundSelect, FromClause, Select

from maatwerk.cases.db import READING, Database
from maatwerk.cases.models import AuditEntry, Base, Case
from maatwerk.insight import temp
from maatwerk.insight.items import FAMILIES, Family
from maatwerk.insight.sql import Sql
from maatwerk.insight.store import CUBES, ITEMS, SOURCES, STATE, Cube

VERSION = 2  # the definition of the items and cubes; another makes the next refresh rebuild
CHUNK = 25_000  # cases read per transaction while building
T = TypeVar("T")
_BUILT: dict[tuple[Any, ...], Any] = {}  # statements by what they are made of (``built``)
_BUILT_LOCK = threading.Lock()


@dataclass(frozen=True)
class Marks:
    """How far the case file goes: its last audit entry and the largest id of each source."""

    audit: int
    ids: tuple[int, ...]

    def values(self) -> dict[str, int]:
        return {"audit": self.audit, **{f"{n}_id": i for n, i in zip(SOURCES, self.ids,
                                                                       strict=True)}}


@dataclass(frozen=True)
class State:
    """The row of ``insight_state`` (``version`` 0 when there is none)."""

    version: int
    complete: bool
    built_upto: int
    marks: Marks

    @property
    def usable(self) -> bool:
        """Whether the stored items and cubes are of this definition."""
        return self.version == VERSION


def _largest(name: str) -> Any:
    table = Base.metadata.tables[name]
    return select(func.coalesce(func.max(table.c.id), 0)).scalar_subquery()


def _state_query() -> Select[Any]:
    own = [select(column).where(STATE.c.id == 1).scalar_subquery()
           for column in STATE.c if column.name != "id"]
    return select(select(func.coalesce(func.max(AuditEntry.id), 0)).scalar_subquery(),
                  *(_largest(n) for n in SOURCES), *own)


def read_state(c: sa.Connection) -> tuple[State, Marks]:
    """The state as ``c`` sees it, and the case file's marks now: one statement, each part a
    lookup in a primary key."""
    row = c.execute(built(("state",), _state_query)).one()
    now = Marks(int(row[0]), tuple(int(x) for x in row[1:1 + len(SOURCES)]))
    version, complete, upto, audit, *ids = row[1 + len(SOURCES):]
    if version is None:
        return State(0, False, 0, Marks(0, (0,) * len(SOURCES))), now
    return State(int(version), bool(complete), int(upto),
                 Marks(int(audit), tuple(int(i) for i in ids))), now


def touched_since(state: State) -> CompoundSelect[Any]:
    """The ids of the cases touched after the state's marks (and, while building, the cases
    not read yet)."""
    tables = Base.metadata.tables
    parts: list[Select[Any]] = [select(AuditEntry.case_id).where(
        AuditEntry.id > state.marks.audit, AuditEntry.case_id.is_not(None))]
    for name, mark in zip(SOURCES, state.marks.ids, strict=True):
        table = tables[name]
        parts.append(select(table.c.id if name == "cases" else table.c.case_id)
                     .where(table.c.id > mark))
    if not state.complete:
        parts.append(select(Case.id).where(Case.id > state.built_upto))
    return sa.union(*parts)


def temp_case_ids(c: sa.Connection, rows: Select[Any] | CompoundSelect[Any]) -> sa.Table:
    """A temporary table of case ids (``case_id``) filled from ``rows`` (drop it with
    ``temp.drop``)."""
    table = temp.create(c, "mw_touched", lambda: [
        sa.Column("case_id", sa.Integer, primary_key=True, autoincrement=False)])
    c.execute(table.insert().from_select(["case_id"], rows))
    if c.dialect.name == "postgresql":  # else it guesses the size wrong
        c.execute(sa.text(f"ANALYZE {table.name}"))
    return table


@contextmanager
def case_ids(c: sa.Connection, rows: Select[Any] | CompoundSelect[Any]) -> Iterator[sa.Table]:
    """``temp_case_ids``, dropped afterwards."""
    table = temp_case_ids(c, rows)
    try:
        yield table
    except BaseException:
        with suppress(SQLAlchemyError):  # the transaction may be lost; it takes the table
            temp.drop(c, table)
        raise
    temp.drop(c, table)


def counted(cube: Cube, source: FromClause, sign: int, *where: Any) -> Select[Any]:
    """The items of ``source`` counted by the cube's keys (negated when ``sign`` is -1)."""
    c = source.c
    keys = [c[k] for k in cube.keys]
    only = [c[cube.where] == 1] if cube.where else []
    times = sa.literal_column(str(sign), sa.Integer)
    return (select(*keys, (func.count() * times).label("n"),
                   *((func.sum(c[m]) * times).label(m) for m in cube.sums))
            .where(sa.true(), *where, *only).group_by(*keys))


def built(key: tuple[Any, ...], make: Callable[[], T]) -> T:
    """The statement ``make`` gives, made once per ``key``. The read model's statements are on
    the same table objects every time (its own, and ``temp``'s), so they are made once per
    process instead of on every refresh (making them took longer than running them)."""
    with _BUILT_LOCK:
        found = _BUILT.get(key)
    if found is None:
        found = make()
        with _BUILT_LOCK:
            found = _BUILT.setdefault(key, found)
    return cast(T, found)


def _upsert(dialect: str, cube: Cube, rows: Select[Any]) -> Any:
    """Add counted rows to the cube: a key it has takes the sum, a new key is inserted."""
    t = cube.table
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    names = [*cube.keys, "n", *cube.sums]
    statement = make(t).from_select(names, rows)
    return statement.on_conflict_do_update(
        index_elements=[t.c[k] for k in cube.keys],
        set_={m: t.c[m] + statement.excluded[m] for m in ("n", *cube.sums)})


def family_of(items: sa.Table) -> Family:
    return next(f for f in FAMILIES if f.items is items)


def read_items(c: sa.Connection, items: sa.Table, touched: sa.Table, *,
               analyse: bool = False) -> sa.Table:
    """The items of the touched cases read from the case file into a temporary table (with
    ``analyse``, on PostgreSQL its statistics gathered for the statements that join it; drop
    it with ``temp.drop``)."""
    table = temp.create(c, f"mw_{items.name}",
                        lambda: [sa.Column(col.name, col.type) for col in items.c])
    ids = select(touched.c.case_id)
    sql = Sql(c)
    c.execute(built(("fill", c.dialect.name, items, table, touched),
                    lambda: table.insert().from_select(
                        [col.name for col in items.c],
                        family_of(items).read(sql, lambda column: column.in_(ids)))))
    if analyse and c.dialect.name == "postgresql":
        c.execute(sa.text(f"ANALYZE {table.name}"))
    return table


def _difference(cube: Cube, fresh: sa.Table, mine: Any) -> Select[Any]:
    """Per key of the cube: what the stored items of the touched cases (``mine``) count, taken
    off, plus what their items read afresh count — one row per key (an upsert may change a
    row only once)."""
    both = sa.union_all(counted(cube, cube.items, -1, mine), counted(cube, fresh, 1)).subquery()
    keys = [both.c[k] for k in cube.keys]
    return (select(*keys, func.sum(both.c.n).label("n"),
                   *(func.sum(both.c[m]).label(m) for m in cube.sums)).group_by(*keys))


@dataclass(frozen=True)
class _Steps:
    """The statements that bring one family of items along, per cube where it has several."""

    any: Select[Any]  # whether the touched cases have items, stored or read afresh
    differences: tuple[Any, ...]  # the cubes given the difference
    zeros: tuple[Any, ...]  # the cubes' keys that count 0 dropped
    delete: Any  # the touched cases' stored items
    insert: Any  # their items read afresh stored
    new: tuple[Any, ...]  # the cubes given the items read afresh (while building)


def _steps(dialect: str, family: Family, fresh: sa.Table, touched: sa.Table) -> _Steps:
    items = family.items
    mine = items.c.case_id.in_(select(touched.c.case_id))
    return _Steps(
        any=select(sa.or_(select(fresh.c.case_id).exists(),
                          select(items.c.case_id).where(mine).exists())),
        differences=tuple(_upsert(dialect, cube, _difference(cube, fresh, mine))
                          for cube in family.cubes),
        zeros=tuple(cube.table.delete().where(cube.table.c.n == 0) for cube in family.cubes),
        delete=items.delete().where(mine),
        insert=items.insert().from_select([col.name for col in items.c], select(fresh)),
        new=tuple(_upsert(dialect, cube, counted(cube, fresh, 1)) for cube in family.cubes))


def apply(c: sa.Connection, touched: sa.Table, *, new: bool = False) -> None:
    """Replace the items of the touched cases and bring the cubes along: what their stored
    items count is taken off, what their items read afresh count is added (``new``: cases
    never read, while building, have no stored items). A family of items the touched cases
    have none of, stored or afresh, is left as it is."""
    dialect = c.dialect.name
    for family in FAMILIES:
        fresh = read_items(c, family.items, touched)
        steps = built(("steps", dialect, family.items, fresh, touched),
                      partial(_steps, dialect, family, fresh, touched))
        if new:
            for statement in steps.new:
                c.execute(statement)
        elif c.execute(steps.any).scalar():
            for difference, zero in zip(steps.differences, steps.zeros, strict=True):
                c.execute(difference)
                c.execute(zero)
            c.execute(steps.delete)
        else:
            temp.drop(c, fresh)
            continue
        c.execute(steps.insert)
        temp.drop(c, fresh)


def analyse(c: sa.Connection) -> None:
    """Gather the read model's statistics for the planner (once it is built)."""
    for table in (*ITEMS, *(cube.table for cube in CUBES)):
        c.execute(sa.text(f"ANALYZE {table.name}"))


def _lock(c: sa.Connection) -> None:
    """Lock the state's row (made when missing), which serialises refreshes."""
    make = postgresql.insert if c.dialect.name == "postgresql" else sqlite.insert
    empty = {col.name: 0 for col in STATE.c if col.name != "id"}
    c.execute(make(STATE).values(id=1, **empty).on_conflict_do_nothing(index_elements=["id"]))
    c.execute(select(STATE.c.id).where(STATE.c.id == 1).with_for_update())


def _save(c: sa.Connection, **values: Any) -> None:
    c.execute(STATE.update().where(STATE.c.id == 1).values(**values))


def _reset(c: sa.Connection, now: Marks) -> None:
    """Empty the read model and start building it from the case file as it is ``now``."""
    # not TRUNCATE: on PostgreSQL it would wait for every session reading the read model,
    # and one of them may be waiting for this transaction's lock on the state
    for table in (*ITEMS, *(cube.table for cube in CUBES)):
        c.execute(table.delete())
    _save(c, version=VERSION, complete=0, built_upto=0, **now.values())


def _step(c: sa.Connection, chunk: int) -> tuple[bool, int]:
    """One transaction of a refresh: (whether it is done, the cases read)."""
    _lock(c)
    state, now = read_state(c)
    if not state.usable:
        _reset(c, now)
        return False, 0
    if not state.complete:
        rows = (select(Case.id).where(Case.id > state.built_upto,
                                      Case.id <= state.marks.ids[0])
                .order_by(Case.id).limit(chunk))
        with case_ids(c, rows) as touched:
            last = c.execute(select(func.max(touched.c.case_id))).scalar()
            if last is None:
                analyse(c)
                _save(c, complete=1)
                return False, 0
            apply(c, touched, new=True)
            _save(c, built_upto=int(last))
            return False, int(c.execute(select(func.count()).select_from(touched)).scalar_one())
    if now == state.marks:
        return True, 0
    with case_ids(c, touched_since(state)) as touched:
        apply(c, touched)
        found = int(c.execute(select(func.count()).select_from(touched)).scalar_one())
    _save(c, **now.values())
    return True, found


def writer(engine: sa.Engine) -> sa.Engine:
    """The engine for writing transactions (on SQLite ``BEGIN IMMEDIATE``)."""
    return engine.execution_options(**{READING: False})


def is_current(engine: sa.Engine) -> bool:
    """Whether the read model is complete and has seen everything (read without a lock)."""
    with engine.execution_options(**{READING: True}).connect() as c:
        state, now = read_state(c)
        return state.usable and state.complete and state.marks == now


def refresh(db: Database | sa.Engine, chunk: int = CHUNK) -> int:
    """Bring the read model up to date (building it first when needed); the number of cases
    read."""
    engine = db.engine if isinstance(db, Database) else db
    if is_current(engine):
        return 0
    found, done = 0, False
    while not done:
        with writer(engine).begin() as c:
            done, read = _step(c, chunk)
        found += read
    return found


def rebuild(db: Database | sa.Engine, chunk: int = CHUNK) -> int:
    """Read every case again (after changes made behind the case service's back)."""
    engine = db.engine if isinstance(db, Database) else db
    with writer(engine).begin() as c:
        _lock(c)
        _save(c, version=0)
    return refresh(engine, chunk)


