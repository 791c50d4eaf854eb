"""The engine's implementations of the formula functions (signatures: ``maatwerk.spec.builtins``).

Each takes already evaluated arguments. Date functions raise ``DateProblem`` when a result is not
a calendar date; the evaluator reports it as MW610 with the formula's position.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from typing import Any

from maatwerk.engine.exact import absolute, round_to


class DateProblem(ValueError):
    """A date computation has no valid result."""


def _rounder(mode: str) -> Callable[..., Any]:
    def fn(value: Any, places: int = 0) -> Any:
        return round_to(value, places, mode)
    return fn


def completed_years(start: dt.date, end: dt.date) -> int:
    """Whole years from ``start`` to ``end``; born on 29 February, one turns a year older on
    1 March in a common year."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def completed_months(start: dt.date, end: dt.date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return months


def days_between(start: dt.date, end: dt.date) -> int:
    return (end - start).days


def _clip(year: int, month: int, day: int) -> dt.date:
    if not 1 <= year <= 9999:
        raise DateProblem(f"the year {year} is outside 1-9999")
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def add_days(day: dt.date, n: int) -> dt.date:
    try:
        return day + dt.timedelta(days=n)
    except (OverflowError, ValueError):
        raise DateProblem(f"{day} plus {n} days is outside the calendar") from None


def add_months(day: dt.date, n: int) -> dt.date:
    total = day.year * 12 + day.month - 1 + n
    return _clip(total // 12, total % 12 + 1, day.day)


def add_years(day: dt.date, n: int) -> dt.date:
    return _clip(day.year + n, day.month, day.day)


def make_date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except (ValueError, OverflowError):
        raise DateProblem(f"{year}-{month}-{day} is not a calendar date") from None


# The rounding functions: name -> (default places, mode). ``round(x, 2)`` takes its places from
# the call; the fixed ones do not.
ROUNDING: dict[str, tuple[int, str, bool]] = {
    "round": (0, "round", True),
    "round_half_even": (0, "round_half_even", True),
    "floor": (0, "floor", True),
    "ceil": (0, "ceil", True),
    "truncate": (0, "truncate", True),
    "round_euro": (0, "round", False),
    "round_cents": (2, "round", False),
    "floor_euro": (0, "floor", False),
}

FUNCTIONS: dict[str, Callable[..., Any]] = {
    "min": min,
    "max": max,
    "abs": absolute,
    "round": _rounder("round"),
    "round_half_even": _rounder("round_half_even"),
    "floor": _rounder("floor"),
    "ceil": _rounder("ceil"),
    "truncate": _rounder("truncate"),
    "round_euro": lambda v: round_to(v, 0, "round"),
    "round_cents": lambda v: round_to(v, 2, "round"),
    "floor_euro": lambda v: round_to(v, 0, "floor"),
    "completed_years": completed_years,
    "completed_months": completed_months,
    "days_between": days_between,
    "add_days": add_days,
    "add_months": add_months,
    "add_years": add_years,
    "year": lambda d: d.year,
    "month": lambda d: d.month,
    "day": lambda d: d.day,
    "date": make_date,
}
