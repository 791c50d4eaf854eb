"""Decision tables in the kernel, walked as the scalar engine walks them: every row's condition
computed, counted only where the scalar engine would have evaluated it; the first, unique or
collecting hit policy, and the aggregates of a collecting table (count, sum, min, max).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from functools import partial

from maatwerk.engine.vector.columns import NO_ROW, TWO_ROWS
from maatwerk.engine.vector.kernel_emit import Scope, Thunk, V, pick
from maatwerk.engine.vector.kernel_expr import Expressions
from maatwerk.engine.vector.kernel_plan import Unsupported
from maatwerk.spec.model import TableDef

NUMBER_KINDS = ("integer", "decimal", "money")


@dataclass(frozen=True)
class Walk:
    """A table's rows walked: where the walk stopped at an unknown condition (``stop``, a flag
    or "False"), the unknown and the errors of the conditions that count, how many rows match
    and each row's match flag."""

    stop: str
    unknown: str
    error: str | None
    count: str
    matches: list[str]


class Tables(Expressions):
    """The value of a decision table in a scope."""

    def table(self, table: TableDef, scope: Scope) -> V:
        """A decision table as the scalar engine walks it: row by row, stopping at a condition
        that is unknown and (first hit) at the first match."""
        policy, aggregate = table.hit_policy, table.aggregate
        walk = self._walk(table, scope)
        stop, count, matches = walk.stop, walk.count, walk.matches
        kind = _table_kind(table)

        def stopped() -> V:
            return self.placeholder(kind, walk.unknown, None)

        def none() -> V:
            if table.otherwise is not None:
                return self.expr(table.otherwise.expr, scope)
            if policy == "collect" and aggregate in ("count", "sum"):
                return self.number(Fraction(0))
            return self.placeholder(kind, None, str(NO_ROW))

        arms: list[tuple[str | None, Thunk]] = []
        if stop != "False":
            arms.append((stop, stopped))
        if policy == "collect":
            arms += [(f"({count} == 0)", none),
                     (None, partial(self._collect, table, scope, matches))]
        else:
            if policy == "unique":
                arms.append((f"({count} > 1)", lambda: self.placeholder(kind, None,
                                                                        str(TWO_ROWS))))
            for m, row in zip(matches, table.rows, strict=True):
                arms.append((m, partial(self.expr, row.then.expr, scope)))
            arms.append((None, none))
        result = self.choice(arms)
        return replace(result, err=self.either(walk.error, result.err))

    def _walk(self, table: TableDef, scope: Scope) -> Walk:
        """Every row's condition computed; ``open`` says whether the scalar engine would have
        evaluated it, and only then do its errors, its unknown and its match count."""
        policy = table.hit_policy
        stop = "False"  # an earlier condition was unknown: the walk stopped there
        tu: str = "0"
        te: str | None = None
        count = "0"
        matches = []
        for row in table.rows:
            w = self.expr(row.when.expr, scope)
            if stop == "False" and (policy != "first" or count == "0"):
                is_open = "True"
            elif policy == "first":
                is_open = self.let(f"({stop} ^ True) & ({count} == 0)", "c")
            else:
                is_open = self.let(f"{stop} ^ True", "c")
            if w.err is not None:
                te = self.either(te, self.let(f"{w.err} * {is_open}", "e"))
            if w.unk is not None:
                stops = self.let(f"{is_open} & ({w.unk} != 0)", "c")
                tu = self.let(f"{tu} | ({w.unk} * {stops})", "u")
                stop = stops if stop == "False" else self.let(f"{stop} | {stops}", "c")
                m = self.let(f"{is_open} & ({w.unk} == 0) & {w.val}", "c")
            else:
                m = w.val if is_open == "True" else self.let(f"{is_open} & {w.val}", "c")
            matches.append(m)
            count = self.let(f"{count} + {m}" if count != "0" else f"{m} * 1", "n")
        return Walk(stop, tu, te, count, matches)

    def _collect(self, table: TableDef, scope: Scope, matches: list[str]) -> V:
        """All matching rows: every row's value evaluated (its errors and unknown count where
        it matches), then combined by the aggregate."""
        aggregate = table.aggregate
        values = [self.expr(row.then.expr, scope) for row in table.rows]
        unk = err = None
        for m, v in zip(matches, values, strict=True):
            if v.unk is not None:
                unk = self.either(unk, self.let(f"{v.unk} * {m}", "u"), hint="u")
            if v.err is not None:
                err = self.either(err, self.let(f"{v.err} * {m}", "e"))
        if aggregate == "count":
            total = self.let(" + ".join(f"{m} * 1" for m in matches) or "0", "n")
            return self.num(total, 1, self.bounds.const(len(matches)), unk=unk, err=err)
        if any(v.kind != "num" for v in values):
            raise Unsupported(f"aggregate {aggregate} of non-numbers")
        target, parts = self._merge(values)
        if aggregate in ("min", "max"):
            return replace(self._extreme_row(target, parts, matches, aggregate), unk=unk,
                           err=err)
        return self._sum(target, values, parts, matches, unk, err)  # the default aggregate

    def _extreme_row(self, target: V, parts: list[tuple[str, str, str, str]],
                     matches: list[str], aggregate: str) -> V:
        """The least (``min``) or greatest (``max``) value of the matching rows."""
        static = isinstance(target.den, int)
        found: str | None = None
        acc: V | None = None
        for m, part in zip(matches, parts, strict=True):
            candidate = replace(target, val=part[0], den=target.den if static else part[1],
                                unk=None, err=None)
            if acc is None:
                take = m
                val, den = part[0], part[1]
            else:
                better = self.compare_expr(candidate, acc, "<" if aggregate == "min" else ">")
                take = self.let(f"{m} & (({found} ^ True) | {better})", "c")
                val = self.let(pick(take, part[0], acc.val), "v")
                den = part[1] if static else self.let(pick(take, part[1], str(acc.den)), "d")
            acc = replace(target, val=val, den=target.den if static else den, unk=None,
                          err=None)
            found = m if found is None else self.let(f"{found} | {m}", "c")
        assert acc is not None
        return acc

    def _sum(self, target: V, values: list[V], parts: list[tuple[str, str, str, str]],
             matches: list[str], unk: str | None, err: str | None) -> V:
        """The sum of the matching rows' values."""
        if isinstance(target.den, int):
            terms = " + ".join(f"{part[0]} * {m}" for m, part in zip(matches, parts,
                                                                      strict=True))
            slots = [self.bounds.scale(v.slot, target.den // int(v.den)) for v in values]
            return self.num(self.let(terms or "0"), target.den, self.bounds.add(*slots),
                            unk=unk, err=err)
        total, den = "0", "1"
        slot, dslot = self.bounds.const(0), self.bounds.const(1)
        for m, v, part in zip(matches, values, parts, strict=True):
            d, sd = self._den(v)
            total = self.let(pick(m, f"{total} * {d} + {part[0]} * {den}", total))
            den = self.let(pick(m, f"{den} * {d}", den), "d")
            slot = self.bounds.add(self.bounds.mul(slot, sd), self.bounds.mul(v.slot, dslot))
            dslot = self.bounds.mul(dslot, sd)
        return self.num(total, den, slot, dslot, unk, err)


def _table_kind(table: TableDef) -> str:
    kind = table.type.kind
    if kind in NUMBER_KINDS:
        return "num"
    return {"bool": "bool", "date": "date"}.get(kind, "code")
