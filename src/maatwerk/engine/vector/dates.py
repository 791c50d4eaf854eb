"""The date functions over columns (``datetime64[D]``), with the scalar engine's rules:
completed years and months round down, adding months clips to the month's last day, and a date
outside the calendar is a refusal (MW610) for that row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from maatwerk.engine.vector import rational as r
from maatwerk.engine.vector.columns import BAD_DATE, Col, either, flag, known

MIN_YEAR, MAX_YEAR = 1, 9999


def parts(day: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month (1-12) and day (1-31) of a date column."""
    d = np.asarray(day, dtype="datetime64[D]")
    years = d.astype("datetime64[Y]")
    months = d.astype("datetime64[M]")
    year = years.astype(np.int64) + 1970
    month = (months - years.astype("datetime64[M]")).astype(np.int64) + 1
    dom = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, dom


def _ints(q: Any) -> np.ndarray:
    assert isinstance(q, r.Q)
    return np.asarray(q.num, dtype=np.int64) // np.asarray(q.den, dtype=np.int64)


def _build(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dates from parts, the day clipped to the month's length; and where it was impossible."""
    year, month, day = np.broadcast_arrays(year, month, day)
    bad = (year < MIN_YEAR) | (year > MAX_YEAR)
    safe_year = np.where(bad, 2000, year)
    first = (safe_year - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (month - 1)
    length = ((first + 1).astype("datetime64[D]") - first.astype("datetime64[D]")).astype(
        np.int64)
    result = first.astype("datetime64[D]") + (np.minimum(day, length) - 1)
    return result, bad


def _completed_years(a: Any, b: Any) -> Any:
    ya, ma, da = parts(a)
    yb, mb, db = parts(b)
    before = (mb < ma) | ((mb == ma) & (db < da))
    return r.Q((yb - ya - before).astype(np.int64))


def _completed_months(a: Any, b: Any) -> Any:
    ya, ma, da = parts(a)
    yb, mb, db = parts(b)
    return r.Q(((yb - ya) * 12 + mb - ma - (db < da)).astype(np.int64))


def call(name: str, args: list[Callable[[Any], Col]]) -> Callable[[Any], Col]:
    def run(env: Any) -> Col:
        cols = [a(env) for a in args]
        unknown = error = None
        for c in cols:
            unknown, error = either(unknown, c.unknown), either(error, c.error)
        values = [c.value for c in cols]
        value, bad = _apply(name, values)
        if bad is not None:  # not where an argument is unknown: the scalar engine stops there
            error = either(error, flag(np.asarray(bad) & known(unknown), BAD_DATE, env.n))
        return Col(value, unknown, error)
    return run


def _apply(name: str, v: list[Any]) -> tuple[Any, Any]:
    if name == "completed_years":
        return _completed_years(v[0], v[1]), None
    if name == "completed_months":
        return _completed_months(v[0], v[1]), None
    if name == "days_between":
        diff = np.asarray(v[1], dtype="datetime64[D]") - np.asarray(v[0], dtype="datetime64[D]")
        return r.Q(diff.astype(np.int64)), None
    if name in ("year", "month", "day"):
        y, m, d = parts(v[0])
        return r.Q({"year": y, "month": m, "day": d}[name]), None
    if name == "add_days":
        day = np.asarray(v[0], dtype="datetime64[D]") + _ints(v[1])
        y, _, _ = parts(day)
        return day, (y < MIN_YEAR) | (y > MAX_YEAR)
    if name in ("add_months", "add_years"):
        y, m, d = parts(v[0])
        step = _ints(v[1]) * (12 if name == "add_years" else 1)
        total = y * 12 + (m - 1) + step
        return _build(total // 12, total % 12 + 1, d)
    if name == "date":
        y, m, d = (_ints(x) for x in v)
        bad = (m < 1) | (m > 12) | (d < 1)
        built, outside = _build(y, np.clip(m, 1, 12), np.maximum(d, 1))
        _, _, dom = parts(built)
        bad = bad | outside | (dom != np.maximum(d, 1))
        return built, bad
    raise NotImplementedError(name)
