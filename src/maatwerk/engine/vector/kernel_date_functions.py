"""The date functions in the kernel: parts of a date, days, completed years and months, and the
functions that give a date (a date outside the calendar refuses the case, MW610). Dates are
int64 day numbers; the calendar arithmetic is that of ``kernel_dates``, copied into the module.
"""

from __future__ import annotations

from collections.abc import Callable

from maatwerk.engine.vector.columns import BAD_DATE
from maatwerk.engine.vector.kernel_dates import MAX_DAY, MIN_DAY
from maatwerk.engine.vector.kernel_emit import DATE_LIMIT, V
from maatwerk.engine.vector.kernel_numbers import Numbers
from maatwerk.engine.vector.kernel_plan import Unsupported


class DateFunctions(Numbers):
    """Calls of the date functions, on values already computed."""

    def date_call(self, name: str, args: list[V]) -> V:
        unk = self.either(*(a.unk for a in args), hint="u")
        err = self.either(*(a.err for a in args))
        b = self.bounds
        year_bound = 10_000

        def parts(d: V) -> tuple[str, str, str, int]:
            y, m, dd = self.tmp("y"), self.tmp("m"), self.tmp("dd")
            self.line(f"{y}, {m}, {dd} = civil({d.val})")
            b.plus(d.slot, 719468)
            return y, m, dd, b.plus(b.quotient(d.slot, 365), year_bound)

        if name in ("year", "month", "day"):
            y, m, dd, sy = parts(args[0])
            value = {"year": y, "month": m, "day": dd}[name]
            slot = {"year": sy, "month": b.const(12), "day": b.const(31)}[name]
            return self.num(value, 1, slot, unk=unk, err=err)
        if name == "days_between":
            return self.num(self.let(f"{args[1].val} - {args[0].val}"), 1,
                            b.add(args[0].slot, args[1].slot), unk=unk, err=err)
        if name in ("completed_years", "completed_months"):
            ya, ma, da, sya = parts(args[0])
            yb, mb, db, syb = parts(args[1])
            if name == "completed_years":
                value = self.let(f"{yb} - {ya} - (({mb} < {ma}) | (({mb} == {ma}) & "
                                 f"({db} < {da})))")
                return self.num(value, 1, b.plus(b.add(sya, syb), 1), unk=unk, err=err)
            value = self.let(f"({yb} - {ya}) * 12 + {mb} - {ma} - ({db} < {da})")
            return self.num(value, 1, b.plus(b.scale(b.add(sya, syb), 12), 24), unk=unk,
                            err=err)
        return self._date_result(name, args, unk, err, parts)

    def _date_result(self, name: str, args: list[V], unk: str | None, err: str | None,
                     parts: Callable[[V], tuple[str, str, str, int]]) -> V:
        """The functions that give a date: a date outside the calendar refuses the case
        (MW610) and is replaced by zero."""
        b = self.bounds
        r = self.tmp("dt")
        bad = self.tmp("c")
        if name == "add_days":
            n, sn = self.integer(args[1])
            self.line(f"{r} = {args[0].val} + {n}")
            b.add(args[0].slot, sn)
            self.line(f"{bad} = ({r} < {MIN_DAY}) | ({r} > {MAX_DAY})")
        elif name in ("add_months", "add_years"):
            y, m, dd, sy = parts(args[0])
            n, sn = self.integer(args[1])
            ny, nm = self.tmp("y"), self.tmp("m")
            if name == "add_months":
                total = self.let(f"{y} * 12 + {m} - 1 + {n}")
                b.add(b.scale(sy, 12), b.const(12), sn)
                self.line(f"{ny} = {total} // 12")
                self.line(f"{nm} = {total} % 12 + 1")
            else:
                self.line(f"{ny} = {y} + {n}")
                self.line(f"{nm} = {m}")
                b.add(sy, sn)
            self.line(f"{bad} = ({ny} < 1) | ({ny} > 9999)")
            yy = self.let(f"min(max({ny}, 1), 9999)", "y")  # days() of a valid year, then zeroed
            self.line(f"{r} = days({yy}, {nm}, min({dd}, month_days({yy}, {nm})))")
        elif name == "date":
            (y, _), (m, _), (dd, _) = (self.integer(a) for a in args)
            yy = self.let(f"min(max({y}, 1), 9999)", "y")
            mm = self.let(f"min(max({m}, 1), 12)", "m")
            dc = self.let(f"min(max({dd}, 1), 31)", "dd")
            self.line(f"{bad} = ({yy} != {y}) | ({mm} != {m}) | ({dc} != {dd}) | "
                      f"({dc} > month_days({yy}, {mm}))")
            self.line(f"{r} = days({yy}, {mm}, {dc})")
        else:
            raise Unsupported(f"function {name}")
        e = self.flag(bad, BAD_DATE, unk)
        self.line(f"{r} = {r} * ({bad} ^ True)")
        return V("date", r, 1, unk, self.either(err, e), b.const(DATE_LIMIT))
