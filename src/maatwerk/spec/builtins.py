"""The functions a formula may call, with their type rules.

Every rounding is explicit and named after its mode. ``round`` rounds half away from zero (the
Dutch "rekenkundig afronden"), ``round_half_even`` rounds half to even, ``floor``/``ceil`` round
down/up, ``truncate`` towards zero. The places argument, where present, is a literal whole number
from 0 to 12 and defaults to 0. Dates are never subtracted directly: ``completed_years`` and
``completed_months`` count whole periods completed (rounded down; an age on the reference date),
``days_between`` counts days; ``add_months``/``add_years`` keep the day of month or use the
month's last day when it has fewer days.

The engine's implementations live in ``maatwerk.engine.functions`` under the same names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from maatwerk.spec import ir
from maatwerk.spec.types import (
    DATE,
    INTEGER,
    QUANTITIES,
    Typed,
    TypeProblem,
    additive,
)


@dataclass(frozen=True, slots=True)
class Builtin:
    name: str
    min_args: int
    max_args: int | None
    result: Callable[[Sequence[Typed], Sequence[ir.Node]], Typed]
    summary: str


def _quantity(t: Typed, fn: str, position: int) -> None:
    if t.type.kind not in QUANTITIES:
        raise TypeProblem(f"{fn}() needs a number or amount as argument {position}, "
                          f"not {t.type}")


def _places(nodes: Sequence[ir.Node], fn: str) -> None:
    if len(nodes) < 2:
        return
    node = nodes[1]
    if not (isinstance(node, ir.Lit) and node.kind == "integer" and isinstance(node.value, int)
            and 0 <= node.value <= 12):
        raise TypeProblem(f"{fn}() takes the number of decimal places as a literal whole number "
                          "from 0 to 12")


def _rounding(name: str) -> Callable[[Sequence[Typed], Sequence[ir.Node]], Typed]:
    def result(args: Sequence[Typed], nodes: Sequence[ir.Node]) -> Typed:
        _quantity(args[0], name, 1)
        _places(nodes, name)
        return Typed(args[0].type)
    return result


def _fixed(name: str) -> Callable[[Sequence[Typed], Sequence[ir.Node]], Typed]:
    def result(args: Sequence[Typed], nodes: Sequence[ir.Node]) -> Typed:
        _quantity(args[0], name, 1)
        return Typed(args[0].type)
    return result


def _extreme(name: str) -> Callable[[Sequence[Typed], Sequence[ir.Node]], Typed]:
    def result(args: Sequence[Typed], nodes: Sequence[ir.Node]) -> Typed:
        out = args[0]
        for i, t in enumerate(args, 1):
            _quantity(t, name, i)
            if i > 1:
                out = additive(out, t, "compare")
        return out
    return result


def _dates(n_dates: int, result_type: Typed, name: str
           ) -> Callable[[Sequence[Typed], Sequence[ir.Node]], Typed]:
    def result(args: Sequence[Typed], nodes: Sequence[ir.Node]) -> Typed:
        for i, t in enumerate(args, 1):
            want = "date" if i <= n_dates else "integer"
            if t.type.kind != want:
                raise TypeProblem(f"{name}() needs a {want} as argument {i}, not {t.type}")
        return result_type
    return result


def _make_date(args: Sequence[Typed], nodes: Sequence[ir.Node]) -> Typed:
    for i, t in enumerate(args, 1):
        if t.type.kind != "integer":
            raise TypeProblem(f"date() needs whole numbers (year, month, day), argument {i} is "
                              f"{t.type}")
    return Typed(DATE)


_INT = Typed(INTEGER)
_DATE = Typed(DATE)

BUILTINS: dict[str, Builtin] = {b.name: b for b in (
    Builtin("min", 2, None, _extreme("min"), "the smallest of its arguments"),
    Builtin("max", 2, None, _extreme("max"), "the largest of its arguments"),
    Builtin("abs", 1, 1, _fixed("abs"), "the absolute value"),
    Builtin("round", 1, 2, _rounding("round"),
            "round half away from zero to the given places (rekenkundig afronden)"),
    Builtin("round_half_even", 1, 2, _rounding("round_half_even"),
            "round half to even to the given places"),
    Builtin("floor", 1, 2, _rounding("floor"), "round down to the given places"),
    Builtin("ceil", 1, 2, _rounding("ceil"), "round up to the given places"),
    Builtin("truncate", 1, 2, _rounding("truncate"), "round towards zero to the given places"),
    Builtin("round_euro", 1, 1, _fixed("round_euro"),
            "round half away from zero to whole euros"),
    Builtin("round_cents", 1, 1, _fixed("round_cents"),
            "round half away from zero to whole cents"),
    Builtin("floor_euro", 1, 1, _fixed("floor_euro"), "round down to whole euros"),
    Builtin("completed_years", 2, 2, _dates(2, _INT, "completed_years"),
            "whole years completed from the first date to the second (an age)"),
    Builtin("completed_months", 2, 2, _dates(2, _INT, "completed_months"),
            "whole months completed from the first date to the second"),
    Builtin("days_between", 2, 2, _dates(2, _INT, "days_between"),
            "days from the first date to the second"),
    Builtin("add_days", 2, 2, _dates(1, _DATE, "add_days"), "a date plus a number of days"),
    Builtin("add_months", 2, 2, _dates(1, _DATE, "add_months"),
            "a date plus a number of months (the month's last day when the day does not exist)"),
    Builtin("add_years", 2, 2, _dates(1, _DATE, "add_years"),
            "a date plus a number of years (28 February for 29 February in a common year)"),
    Builtin("year", 1, 1, _dates(1, _INT, "year"), "the year of a date"),
    Builtin("month", 1, 1, _dates(1, _INT, "month"), "the month of a date (1-12)"),
    Builtin("day", 1, 1, _dates(1, _INT, "day"), "the day of the month of a date"),
    Builtin("date", 3, 3, _make_date, "the date of a year, month and day"),
)}
