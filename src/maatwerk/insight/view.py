"""Reading the insight read model in a session: exact for what the session sees.

``viewing(s)`` first brings the read model up to date (``readmodel.refresh``, in a transaction
of its own) — unless ``s`` writes itself — and then looks, in ``s``'s own snapshot, for cases
touched after the marks of the read model that ``s`` sees. There are usually none: then the
figures read the stored cubes and items as they are. When there are some — ``s`` began before
the refresh committed (on SQLite a reading transaction keeps the snapshot of its first read),
a change committed since, or the refresh could not run — their items are read afresh into
temporary tables, and every cube is read as the stored cube, minus what their stored items
count, plus what their fresh items count (``View.cube``); items alike (``View.items``). A read
model that is missing or of another definition is not used at all: every case is read afresh.

The figures of one request share one view: ``viewing`` in a session that already has one
reuses it (the figure functions each open one, the dashboard and the cohort around them).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import FromClause

from maatwerk.cases.db import READING, Database
from maatwerk.cases.models import Case
from maatwerk.insight import readmodel, temp
from maatwerk.insight.readmodel import (
    counted,
    read_items,
    read_state,
    temp_case_ids,
    touched_since,
)
from maatwerk.insight.store import Cube

KEY = "maatwerk.insight.view"
log = logging.getLogger(__name__)


@dataclass
class View:
    """The read model as one session sees it (see the module's text)."""

    session: Session
    usable: bool
    touched: sa.Table | None
    fresh: dict[str, sa.Table] = field(default_factory=dict)
    depth: int = 1

    def _fresh(self, items: sa.Table) -> sa.Table:
        """The items of the touched cases, read afresh into a temporary table (once)."""
        found = self.fresh.get(items.name)
        if found is None:
            assert self.touched is not None
            found = read_items(self.session.connection(), items, self.touched, analyse=True)
            self.fresh[items.name] = found
        return found

    def items(self, items: sa.Table) -> FromClause:
        """The item rows as of the session's snapshot."""
        if self.touched is None:
            return items
        fresh = self._fresh(items)
        if not self.usable:
            return fresh
        kept = select(items).where(items.c.case_id.not_in(select(self.touched.c.case_id)))
        return sa.union_all(kept, select(fresh)).subquery()

    def cube(self, cube: Cube) -> FromClause:
        """The cube as of the session's snapshot: possibly several rows per key, to be summed
        (a figure groups and sums anyway, and leaves out what counts 0)."""
        if self.touched is None:
            return cube.table
        fresh = counted(cube, self._fresh(cube.items), 1)
        if not self.usable:
            return fresh.subquery()
        gone = counted(cube, cube.items, -1,
                       cube.items.c.case_id.in_(select(self.touched.c.case_id)))
        return sa.union_all(select(cube.table), gone, fresh).subquery()

    def close(self) -> None:
        c = self.session.connection()
        for table in self.fresh.values():
            temp.drop(c, table)
        if self.touched is not None:
            temp.drop(c, self.touched)


def _may_refresh(s: Session) -> bool:
    """Whether to refresh from ``s``: not from a session that writes (on SQLite the refresh
    would wait for its lock), nor in a SQLite database in memory (one connection)."""
    bind = s.get_bind()
    engine = bind if isinstance(bind, sa.Engine) else bind.engine
    if engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:"):
        return False
    if s.in_transaction():
        return bool(s.connection().get_execution_options().get(READING, False)) or (
            engine.dialect.name != "sqlite")
    return True


def before_reading(db: Database | sa.Engine) -> None:
    """Bring the read model up to date before a reading session begins, so that the session's
    snapshot holds it (a session that began before reads the cases touched since afresh). A
    refresh that cannot take its lock in time is left for the next one: the figures stay
    exact."""
    try:
        readmodel.refresh(db)
    except OperationalError as error:
        log.warning("the insight read model was not refreshed: %s", error)


def _refresh(s: Session) -> None:
    bind = s.get_bind()
    before_reading(bind if isinstance(bind, sa.Engine) else bind.engine)


def _open(s: Session) -> View:
    c = s.connection()
    state, now = read_state(c)
    if state.usable and state.complete and state.marks == now:
        return View(s, True, None)
    touched = temp_case_ids(c, touched_since(state) if state.usable else select(Case.id))
    if state.usable and c.execute(select(touched.c.case_id).limit(1)).first() is None:
        temp.drop(c, touched)
        return View(s, True, None)
    return View(s, state.usable, touched)


@contextmanager
def viewing(s: Session, *, refresh: bool = True) -> Iterator[View]:
    """The read model as ``s`` sees it, brought up to date first (unless ``refresh`` is
    false); the one ``s`` has open when it has one."""
    found: View | None = s.info.get(KEY)
    if found is not None:
        found.depth += 1
        try:
            yield found
        finally:
            found.depth -= 1
        return
    if refresh and _may_refresh(s):
        _refresh(s)
    view = _open(s)
    s.info[KEY] = view
    try:
        yield view
    except BaseException:
        del s.info[KEY]
        with suppress(SQLAlchemyError):  # the transaction may be lost; it takes the tables
            view.close()
        raise
    del s.info[KEY]
    view.close()
