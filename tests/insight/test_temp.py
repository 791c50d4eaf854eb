"""The read model's temporary tables: a name is made into a table once and reused, never
created twice on one connection, and a statement on it is compiled once — on SQLite and
PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

from maatwerk.cases.db import Database
from maatwerk.insight import temp


def columns() -> list[sa.Column[int]]:
    return [sa.Column("case_id", sa.Integer, primary_key=True, autoincrement=False)]


def test_a_name_is_reused_once_given_back(db: Database) -> None:
    with db.engine.begin() as c:
        first = temp.create(c, "mw_test", columns)
        second = temp.create(c, "mw_test", columns)  # the first is still in use
        assert (first.name, second.name) == ("mw_test_0", "mw_test_1")
        c.execute(first.insert().values(case_id=1))
        temp.drop(c, first)
        again = temp.create(c, "mw_test", columns)
        assert again is first and c.execute(sa.select(again.c.case_id)).all() == []
        temp.drop(c, again)
        temp.drop(c, second)


def test_a_statement_on_a_temporary_table_is_compiled_once(db: Database) -> None:
    keys = []
    for _ in range(2):
        with db.engine.begin() as c:
            table = temp.create(c, "mw_test", columns)
            keys.append(sa.select(table.c.case_id).where(table.c.case_id > 3)
                        ._generate_cache_key())
            temp.drop(c, table)
    assert keys[0] == keys[1]


def test_a_table_left_behind_keeps_its_name_out_of_use(db: Database) -> None:
    with db.engine.connect() as c:
        with c.begin():
            kept = temp.create(c, "mw_test", columns)  # not dropped: left on the connection
        with c.begin():
            other = temp.create(c, "mw_test", columns)
            assert other.name != kept.name
            temp.drop(c, other)
            temp.drop(c, kept)
