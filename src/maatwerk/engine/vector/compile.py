"""Compiling formula IR to functions over whole columns: the vectorised backend.

The same IR as the scalar backend (``maatwerk.engine.compile``), the same semantics: exact
rationals (``rational.Q``), Kleene's three values for missing inputs (the ``unknown`` bitmask),
and refusals per row (the ``error`` bitmask) where the scalar engine would refuse that case.
Short-circuits are mirrored: what the scalar engine would not evaluate for a row cannot refuse
that row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from maatwerk.engine.functions import ROUNDING
from maatwerk.engine.vector import dates
from maatwerk.engine.vector import rational as r
from maatwerk.engine.vector.columns import (
    DIVISION_BY_ZERO,
    NO_KEY,
    NO_ROW,
    TWO_ROWS,
    Col,
    Interner,
    either,
    flag,
    known,
    pick,
)
from maatwerk.spec import ir
from maatwerk.spec.model import Formula, TableDef

VFn = Callable[["VEnv"], Col]


@dataclass(slots=True)
class VEnv:
    """The columns of one population in one layer."""

    n: int
    inputs: Mapping[str, Col]
    funcs: Mapping[str, VFn]
    day: dt.date
    values: dict[str, Col] = field(default_factory=dict)

    def get(self, name: str) -> Col:
        found = self.values.get(name)
        if found is None:
            found = self.funcs[name](self)
            self.values[name] = found
        return found


def constant(value: Any, strings: Interner | None = None) -> Any:
    """A scalar as the vector backend holds it (columns and arrays pass through); text becomes
    its code."""
    if isinstance(value, str):
        assert strings is not None
        return strings.code(value)
    if isinstance(value, bool | r.Q | np.ndarray | np.integer):
        return value
    if isinstance(value, dt.date):
        return np.datetime64(value, "D")
    if isinstance(value, int | Decimal):
        return r.Q.of(value)
    return value


def _equal(a: Any, b: Any) -> Any:
    if isinstance(a, r.Q) or isinstance(b, r.Q):
        return r.compare(_q(a), _q(b), "==")
    return a == b


def _q(value: Any) -> r.Q:
    return value if isinstance(value, r.Q) else r.Q.of(value)


def _compare(a: Any, b: Any, op: str) -> Any:
    if isinstance(a, r.Q) or isinstance(b, r.Q):
        return r.compare(_q(a), _q(b), op)
    if op == "==":
        return _equal(a, b)
    if op == "!=":
        return ~np.asarray(_equal(a, b))
    return {"<": np.less, "<=": np.less_equal, ">": np.greater,
            ">=": np.greater_equal}[op](a, b)


def _where(mask: Any, a: Any, b: Any) -> Any:
    if isinstance(a, r.Q) or isinstance(b, r.Q):
        return r.where(mask, _q(a), _q(b))
    return np.where(mask, a, b)


class VCompiler:
    """Compiles the formulas of one plan (a date and a set of parameter values) over columns."""

    def __init__(self, params: Mapping[str, Any], inputs: frozenset[str],
                 strings: Interner) -> None:
        self.params = params
        self.inputs = inputs
        self.strings = strings

    def formula(self, formula: Formula) -> VFn:
        return _Unit(self, formula).compile(formula.expr)

    def table(self, table: TableDef) -> VFn:
        return _table(self, table)


class _Unit:
    def __init__(self, compiler: VCompiler, formula: Formula) -> None:
        self.c = compiler
        self.formula = formula

    def compile(self, node: ir.Node) -> VFn:
        if isinstance(node, ir.Lit):
            value = constant(node.value, self.c.strings)
            return lambda env: Col(value)
        if isinstance(node, ir.Name):
            return self._name(node.name)
        if isinstance(node, ir.Unary):
            return self._unary(node)
        if isinstance(node, ir.Binary):
            return self._logic(node) if node.op in ir.LOGIC else self._binary(node)
        if isinstance(node, ir.If):
            return self._if(node)
        if isinstance(node, ir.Call):
            return self._call(node)
        if isinstance(node, ir.Index):
            return self._index(node)
        return self._member(node)

    def _name(self, name: str) -> VFn:
        if name in self.c.params:
            value = constant(self.c.params[name], self.c.strings)
            return lambda env: Col(value)
        if name in self.c.inputs:
            return lambda env: env.inputs[name]
        if name == "peildatum":
            return lambda env: Col(np.datetime64(env.day, "D"))
        return lambda env: env.get(name)

    def _unary(self, node: ir.Unary) -> VFn:
        arg = self.compile(node.arg)
        if node.op == "not":
            return lambda env: _map(arg(env), lambda v: ~np.asarray(v) if not isinstance(
                v, bool) else not v)
        if node.op == "-":
            return lambda env: _map(arg(env), lambda v: r.neg(_q(v)))
        hundred = r.Q.of(100)
        return lambda env: _map(arg(env), lambda v: r.div(_q(v), hundred)[0])

    def _binary(self, node: ir.Binary) -> VFn:
        left, right = self.compile(node.left), self.compile(node.right)
        op = node.op

        def binary(env: VEnv) -> Col:
            a, b = left(env), right(env)
            unknown = either(a.unknown, b.unknown)
            error = either(a.error, b.error)
            if op in ir.COMPARISON:
                return Col(_compare(a.value, b.value, op), unknown, error)
            x, y = _q(a.value), _q(b.value)
            if op == "+":
                return Col(r.add(x, y), unknown, error)
            if op == "-":
                return Col(r.sub(x, y), unknown, error)
            if op == "*":
                return Col(r.mul(x, y), unknown, error)
            value, zero = r.div(x, y)
            # the scalar engine does not divide when either side is unknown
            failed = np.asarray(zero) & known(unknown)
            return Col(value, unknown, either(error, flag(failed, DIVISION_BY_ZERO, env.n)))
        return binary

    def _logic(self, node: ir.Binary) -> VFn:
        left, right = self.compile(node.left), self.compile(node.right)
        is_and = node.op == "and"

        def logic(env: VEnv) -> Col:
            a = left(env)
            b = right(env)
            va, vb = np.asarray(a.value, dtype=bool), np.asarray(b.value, dtype=bool)
            # the side that decides alone: false for 'and', true for 'or'
            a_decides = (~va if is_and else va) & known(a.unknown)
            b_decides = (~vb if is_and else vb) & known(b.unknown)
            value = (va & vb) if is_and else (va | vb)
            unknown = either(a.unknown, b.unknown)
            if unknown is not None:
                unknown = np.where(a_decides | b_decides, 0, unknown)
                value = np.where(a_decides, va, np.where(b_decides, vb, value))
            error = either(a.error, pick(a_decides, None, b.error, env.n))
            return Col(value, unknown, error)
        return logic

    def _if(self, node: ir.If) -> VFn:
        test, then, other = (self.compile(n) for n in (node.test, node.then, node.other))

        def choose(env: VEnv) -> Col:
            t, a, b = test(env), then(env), other(env)
            mask = np.asarray(t.value, dtype=bool)
            value = _where(mask, a.value, b.value)
            unknown = pick(mask, a.unknown, b.unknown, env.n)
            error = either(t.error, pick(mask, a.error, b.error, env.n))
            if t.unknown is not None:
                doubtful = t.unknown != 0
                same = np.asarray(_equal(a.value, b.value), dtype=bool) & known(
                    a.unknown) & known(b.unknown)
                both = either(either(t.unknown, a.unknown), b.unknown)
                assert both is not None
                unknown = np.where(doubtful, np.where(same, 0, both),
                                   0 if unknown is None else unknown)
                error = either(error, pick(doubtful, either(a.error, b.error), None, env.n))
            return Col(value, unknown, error)
        return choose

    def _call(self, node: ir.Call) -> VFn:
        args = [self.compile(a) for a in node.args]
        name = node.func
        if name in ROUNDING:
            default, mode, takes_places = ROUNDING[name]
            places = default
            if takes_places and len(node.args) > 1:
                literal = node.args[1]
                assert isinstance(literal, ir.Lit) and isinstance(literal.value, int)
                places = literal.value
            first = args[0]
            return lambda env: _map(first(env), lambda v: r.round_to(_q(v), places, mode))
        if name in ("min", "max"):
            def extreme(env: VEnv) -> Col:
                cols = [a(env) for a in args]
                result = cols[0]
                for col in cols[1:]:
                    x, y = _q(result.value), _q(col.value)
                    take = r.compare(y, x, "<" if name == "min" else ">")
                    result = Col(r.where(take, y, x), either(result.unknown, col.unknown),
                                 either(result.error, col.error))
                return result
            return extreme
        if name == "abs":
            first = args[0]
            return lambda env: _map(first(env), lambda v: r.where(
                r.compare(_q(v), r.Q(0), "<"), r.neg(_q(v)), _q(v)))
        return dates.call(name, args)

    def _index(self, node: ir.Index) -> VFn:
        strings = self.c.strings
        table = {int(strings.code(k)): constant(v, strings)
                 for k, v in self.c.params[node.base.name].items()}
        key = self.compile(node.key)
        values = list(table.values())
        constant_values = all(isinstance(v, r.Q) and np.ndim(v.num) == 0 for v in values)
        if constant_values:  # a look-up table over the codes
            common = 1
            for v in values:
                common = common * v.den // np.gcd(common, v.den)
            size = max(table) + 1
            nums = np.zeros(size, dtype=object)
            present = np.zeros(size, dtype=bool)
            for code, v in table.items():
                nums[code] = int(v.num) * (common // v.den)
                present[code] = True
            small = all(abs(x) < r.LIMIT for x in nums)
            lut = nums.astype(np.int64) if small else nums

        def lookup(env: VEnv) -> Col:
            k = key(env)
            codes = np.asarray(k.value)
            if constant_values:
                inside = (codes >= 0) & (codes < size)
                safe = np.where(inside, codes, 0)
                result: Any = r.Q(lut[safe], common)
                missing = ~(inside & present[safe]) & known(k.unknown)
            else:
                result = values[0]
                found: Any = False
                for code, value in table.items():
                    hit = codes == code
                    result = _where(hit, value, result)
                    found = found | hit
                missing = ~np.asarray(found) & known(k.unknown)
            return Col(result, k.unknown, either(k.error, flag(missing, NO_KEY, env.n)))
        return lookup

    def _member(self, node: ir.Member) -> VFn:
        item = self.compile(node.item)
        options = [self.compile(o) for o in node.options]
        negated = node.negated

        def member(env: VEnv) -> Col:
            x = item(env)
            hits: Any = False
            unknown, error = x.unknown, x.error
            for option in options:
                o = option(env)
                hits = hits | np.asarray(_equal(x.value, o.value), dtype=bool)
                unknown, error = either(unknown, o.unknown), either(error, o.error)
            return Col(~hits if negated else hits, unknown, error)
        return member


def _map(col: Col, fn: Callable[[Any], Any]) -> Col:
    return Col(fn(col.value), col.unknown, col.error)


def _table(c: VCompiler, table: TableDef) -> VFn:
    rows = [(_Unit(c, row.when).compile(row.when.expr), _Unit(c, row.then).compile(row.then.expr))
            for row in table.rows]
    otherwise = _Unit(c, table.otherwise).compile(table.otherwise.expr) if table.otherwise else None
    policy, aggregate = table.hit_policy, table.aggregate

    def evaluate(env: VEnv) -> Col:
        n = env.n
        conditions = [when(env) for when, _ in rows]
        values = [then(env) for _, then in rows]
        masks = [np.broadcast_to(np.asarray(w.value, dtype=bool), (n,)) for w in conditions]
        unknown: Any = None
        error: Any = None
        # As the scalar engine walks the rows: a row's condition is evaluated where no earlier
        # row was unknown (it stops there) and, for 'first', no earlier row matched.
        open_rows = np.ones(n, dtype=bool)
        for w, mask in zip(conditions, masks, strict=True):
            unknown = either(unknown, pick(open_rows, w.unknown, None, n))
            error = either(error, pick(open_rows, w.error, None, n))
            stops = ~known(w.unknown) if w.unknown is not None else np.zeros(n, dtype=bool)
            if policy == "first":
                stops = stops | (mask & known(w.unknown))
            open_rows = open_rows & ~stops
        count = np.sum(np.stack(masks), axis=0) if masks else np.zeros(n, dtype=np.int64)
        # where the walk stopped at an unknown condition no row's value is evaluated
        walked = known(unknown) if unknown is not None else True
        if unknown is not None:
            masks = [m & walked for m in masks]
            count = np.where(walked, count, 0)
        if policy == "collect":
            return _collect(aggregate, masks, values, otherwise(env) if otherwise else None,
                            count, unknown, error, n, walked)
        result: Any = None
        result_unknown: Any = None
        result_error: Any = None
        chosen = np.zeros(n, dtype=bool)
        for mask, value in zip(masks, values, strict=True):
            take = mask & ~chosen
            result = value.value if result is None else _where(take, value.value, result)
            result_unknown = pick(take, value.unknown, result_unknown, n)
            result_error = pick(take, value.error, result_error, n)
            chosen = chosen | mask
        none = ~chosen & walked
        if otherwise is not None:
            o = otherwise(env)
            result = _where(none, o.value, result)
            result_unknown = pick(none, o.unknown, result_unknown, n)
            result_error = pick(none, o.error, result_error, n)
        else:
            error = either(error, flag(none & known(unknown), NO_ROW, n))
        if policy == "unique":
            error = either(error, flag((count > 1) & known(unknown), TWO_ROWS, n))
        return Col(result, either(unknown, result_unknown), either(error, result_error))
    return evaluate


def _collect(aggregate: str | None, masks: list[Any], values: list[Col], otherwise: Col | None,
             count: Any, unknown: Any, error: Any, n: int, walked: Any = True) -> Col:
    none = (count == 0) & walked
    if aggregate in ("count", "sum"):
        total = r.Q(count.astype(np.int64)) if aggregate == "count" else r.Q(0)
        for mask, value in zip(masks, values, strict=True):
            if aggregate == "sum":
                total = r.where(mask, r.add(total, _q(value.value)), total)
            # the scalar engine evaluates every matching row's value, also to count it
            unknown = either(unknown, pick(mask, value.unknown, None, n))
            error = either(error, pick(mask, value.error, None, n))
        if otherwise is not None:
            total = r.where(none, _q(otherwise.value), total)
            unknown = either(unknown, pick(none, otherwise.unknown, None, n))
            error = either(error, pick(none, otherwise.error, None, n))
        return Col(total, unknown, error)
    best: Any = None
    for mask, value in zip(masks, values, strict=True):
        v = _q(value.value)
        if best is None:
            best = v
            first = mask
        else:
            better = r.compare(v, best, "<" if aggregate == "min" else ">")
            best = r.where(mask & (~first | better), v, best)
            first = first | mask
        unknown = either(unknown, pick(mask, value.unknown, None, n))
        error = either(error, pick(mask, value.error, None, n))
    if otherwise is not None and best is not None:
        best = r.where(none, _q(otherwise.value), best)
    elif best is not None:
        error = either(error, flag(none, NO_ROW, n))
    return Col(best, unknown, error)
