"""The few SQL functions of the insight figures that differ between SQLite and PostgreSQL.

Times are stored in UTC on both databases; a *day* is written as ``YYYY-MM-DD`` text (the UTC
day of a time), so that the read model's day columns compare, sort and cut into months
(``substr(day, 1, 7)``) alike on both.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, func
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import TableValuedAlias


def is_sqlite(s: Session | sa.Connection) -> bool:
    bind = s.get_bind() if isinstance(s, Session) else s
    return bind.dialect.name == "sqlite"


class Sql:
    """The few SQL functions that differ between SQLite and PostgreSQL.

    Constant arguments are written into the SQL (not bound), so that the same expression in
    ``SELECT`` and ``GROUP BY`` is recognised as the same by PostgreSQL.
    """

    def __init__(self, session: Session | sa.Connection) -> None:
        self.sqlite = is_sqlite(session)

    def _utc(self, column: Any) -> Any:
        return func.timezone(sa.literal_column("'UTC'"), column)

    def month_of_day(self, column: Any) -> ColumnElement[str]:
        """``YYYY-MM`` of a date column."""
        if self.sqlite:
            return func.strftime(sa.literal_column("'%Y-%m'"), column)
        return func.to_char(column, sa.literal_column("'YYYY-MM'"))

    def month_of_time(self, column: Any) -> ColumnElement[str]:
        """``YYYY-MM`` of a UTC time column."""
        if self.sqlite:
            return func.strftime(sa.literal_column("'%Y-%m'"), column)
        return func.to_char(self._utc(column), sa.literal_column("'YYYY-MM'"))

    def day_of_date(self, column: Any) -> ColumnElement[str]:
        """``YYYY-MM-DD`` of a date column."""
        if self.sqlite:
            return func.strftime(sa.literal_column("'%Y-%m-%d'"), column)
        return func.to_char(column, sa.literal_column("'YYYY-MM-DD'"))

    def day_of_time(self, column: Any) -> ColumnElement[str]:
        """``YYYY-MM-DD`` of a UTC time column: its day in UTC."""
        if self.sqlite:
            return func.strftime(sa.literal_column("'%Y-%m-%d'"), column)
        return func.to_char(self._utc(column), sa.literal_column("'YYYY-MM-DD'"))

    def days_between(self, day: Any, time: Any) -> ColumnElement[int]:
        """Whole days from a date to the (UTC) date of a time."""
        if self.sqlite:
            return sa.cast(func.julianday(func.date(time)) - func.julianday(day), sa.Integer)
        return sa.type_coerce(sa.cast(self._utc(time), sa.Date) - day, sa.Integer)

    def json_pairs(self, column: Any) -> TableValuedAlias:
        """The (key, value) pairs of a JSON object column, as text, to join against."""
        each = func.json_each if self.sqlite else func.json_each_text
        return each(column).table_valued("key", "value")


def month(day: Any) -> ColumnElement[str]:
    """``YYYY-MM`` of a ``YYYY-MM-DD`` text column."""
    return func.substr(day, sa.literal_column("1"), sa.literal_column("7"))


# The sample hash (``maatwerk.insight.cohort``): Knuth's multiplicative hash of an id.
SEED = 20250101  # the default seed of every sample
MULTIPLIER, MODULUS = 2654435761, 2**32


def hashed(column: Any, seed: int = SEED) -> ColumnElement[int]:
    """The sample hash of an id column (constants written into the SQL, 64-bit arithmetic)."""
    shifted = column + sa.literal_column(str(int(seed)), sa.BigInteger)
    found: ColumnElement[int] = (shifted * sa.literal_column(str(MULTIPLIER), sa.BigInteger)
                                 ) % sa.literal_column(str(MODULUS), sa.BigInteger)
    return found
