"""Compiling formula IR to Python closures: the scalar backend.

A compiled formula is a function of an ``Env`` (the case's inputs and the values computed so far).
Parameter values are constants of the plan they are compiled for, so each reference costs a call
and a note in the trace. There are two modes:

- *strict*: the fast path; reading an input that was not given raises ``Missing``;
- *partial*: Kleene's three-valued evaluation; a value that depends on a missing input is
  ``Unknown`` (carrying which inputs are missing), ``false and unknown`` is ``false``, and an
  ``if`` on an unknown condition is known only when both branches agree. The engine uses it to
  say exactly which inputs are still needed.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from maatwerk.engine import exact
from maatwerk.engine.functions import FUNCTIONS, ROUNDING, DateProblem
from maatwerk.spec import ir
from maatwerk.spec.model import Formula, TableDef
from maatwerk.spec.schema import Translations

Fn = Callable[["Env"], Any]
NOT_SET = object()  # what ``dict.get`` gives for a name not computed or given


class Missing(Exception):
    """Strict mode read an input that was not given."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class EvalProblem(Exception):
    """A formula cannot be evaluated for this case (division by zero, an impossible date, ...)."""

    def __init__(self, code: str, message: str, formula: Formula, span: ir.Span,
                 got: object = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.formula = formula
        self.span = span
        self.got = got


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value that cannot be known yet; ``missing`` names the inputs it waits for."""

    missing: frozenset[str]


@dataclass(frozen=True, slots=True)
class ParamUse:
    """A parameter value as used in a decision, for the trace."""

    name: str
    value: Any
    valid_from: dt.date
    reference: str
    provenance: str
    category: str | None = None
    statutory: Any = None
    note: Translations | None = None


@dataclass(slots=True)
class Env:
    """The state of evaluating one case in one layer."""

    inputs: Mapping[str, Any]
    funcs: Mapping[str, Fn]
    day: dt.date
    values: dict[str, Any] = field(default_factory=dict)
    used: dict[str, ParamUse] = field(default_factory=dict)
    branches: list[tuple[str, ir.Node, Any]] = field(default_factory=list)

    def get(self, name: str) -> Any:
        value = self.values.get(name, NOT_SET)
        if value is NOT_SET:
            value = self.funcs[name](self)
            self.values[name] = value
        return value


_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": exact.add, "-": exact.sub, "*": exact.mul, "/": exact.div,
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge,
}


def _unknown(*values: Any) -> Unknown | None:
    missing = [v.missing for v in values if type(v) is Unknown]
    return Unknown(frozenset().union(*missing)) if missing else None


def member(value: Any, options: list[Any], negated: bool) -> Any:
    """``value in options`` (``not in`` when negated); unknown when any of them is."""
    unknown = _unknown(value, *options)
    if unknown:
        return unknown
    return (value in options) is not negated


class Compiler:
    """Compiles the formulas of one plan (a reference date and a set of categories). ``inline``
    (strict only): the plan's rule formulas, which generated code may write in place of a call
    to ``env.funcs[rule]`` (only where ``env.funcs`` is this plan's)."""

    def __init__(self, params: Mapping[str, ParamUse], inputs: frozenset[str],
                 partial: bool, inline: Mapping[str, Formula] | None = None) -> None:
        self.params = params
        self.inputs = inputs
        self.partial = partial
        self.inline = inline

    def formula(self, formula: Formula, owner: str) -> Fn:
        """Strict: one generated function (the same steps, fewer calls), else closures."""
        from maatwerk.engine.codegen import function
        generated = None if self.partial else function(self, formula, owner)
        return generated or _Unit(self, formula, owner).compile(formula.expr)

    def table(self, table: TableDef) -> Fn:
        return _table(self, table)

    def reader(self, name: str) -> Fn:
        """A function that reads a value given with the case (an input or an assessed value)."""
        return self.formula(Formula(ir.Name(name), name, ()), name)


class _Unit:
    """Compiles one formula; knows its owner (for the trace) and its text (for errors)."""

    def __init__(self, compiler: Compiler, formula: Formula, owner: str) -> None:
        self.c = compiler
        self.formula = formula
        self.owner = owner
        self.partial = compiler.partial

    def compile(self, node: ir.Node) -> Fn:
        if isinstance(node, ir.Lit):
            value = node.value
            return lambda env: value
        if isinstance(node, ir.Name):
            return self._name(node)
        if isinstance(node, ir.Unary):
            return self._unary(node)
        if isinstance(node, ir.Binary):
            if node.op in ir.LOGIC:
                return self._logic(node)
            return self._binary(node)
        if isinstance(node, ir.If):
            return self._if(node)
        if isinstance(node, ir.Call):
            return self._call(node)
        if isinstance(node, ir.Index):
            return self._index(node)
        return self._member(node)

    def _name(self, node: ir.Name) -> Fn:
        name = node.name
        use = self.c.params.get(name)
        if use is not None:
            value = use.value

            def param(env: Env) -> Any:
                env.used[name] = use
                return value
            return param
        if name in self.c.inputs:
            return self._input(name)
        if name == "peildatum":
            return lambda env: env.day

        def ref(env: Env) -> Any:
            value = env.values.get(name, NOT_SET)
            if value is NOT_SET:
                value = env.funcs[name](env)
                env.values[name] = value
            return value
        return ref

    def _input(self, name: str) -> Fn:
        unknown = Unknown(frozenset({name}))
        partial = self.partial

        def read(env: Env) -> Any:
            value = env.inputs.get(name, NOT_SET)
            if value is NOT_SET:
                if partial:
                    return unknown
                raise Missing(name)
            return value
        return read

    def _unary(self, node: ir.Unary) -> Fn:
        arg = self.compile(node.arg)
        fn: Callable[[Any], Any] = {"not": lambda v: not v, "-": exact.neg,
                                    "%": exact.percent}[node.op]
        if self.partial:
            return lambda env: v if type(v := arg(env)) is Unknown else fn(v)
        return lambda env: fn(arg(env))

    def _binary(self, node: ir.Binary) -> Fn:
        left, right = self.compile(node.left), self.compile(node.right)
        op = _BINARY[node.op]
        if node.op == "/":
            formula, span = self.formula, node.span

            def divide(a: Any, b: Any) -> Any:
                try:
                    return exact.div(a, b)
                except ZeroDivisionError:
                    raise EvalProblem("MW605", "division by zero", formula, span,
                                      ir.render(node.right)) from None
            op = divide
        if self.partial:
            def partial(env: Env) -> Any:
                a, b = left(env), right(env)
                return _unknown(a, b) or op(a, b)
            return partial
        if isinstance(node.right, ir.Lit):
            constant = node.right.value
            return lambda env: op(left(env), constant)
        if isinstance(node.left, ir.Lit):
            constant = node.left.value
            return lambda env: op(constant, right(env))
        return lambda env: op(left(env), right(env))

    def _logic(self, node: ir.Binary) -> Fn:
        left, right = self.compile(node.left), self.compile(node.right)
        is_and = node.op == "and"
        if not self.partial:
            if is_and:
                return lambda env: left(env) and right(env)
            return lambda env: left(env) or right(env)

        def kleene(env: Env) -> Any:
            a = left(env)
            if type(a) is not Unknown and bool(a) is not is_and:
                return a  # false and ..., true or ...
            b = right(env)
            if type(b) is not Unknown and bool(b) is not is_and:
                return b
            return _unknown(a, b) or b
        return kleene

    def _if(self, node: ir.If) -> Fn:
        test, then, other = (self.compile(n) for n in (node.test, node.then, node.other))
        owner = self.owner
        if not self.partial:
            def branch(env: Env) -> Any:
                t = test(env)
                env.branches.append((owner, node, t))
                return then(env) if t else other(env)
            return branch

        def kleene(env: Env) -> Any:
            t = test(env)
            if type(t) is not Unknown:
                env.branches.append((owner, node, t))
                return then(env) if t else other(env)
            a, b = then(env), other(env)
            if type(a) is not Unknown and type(b) is not Unknown and a == b:
                return a
            return _unknown(t, a, b)
        return kleene

    def _call(self, node: ir.Call) -> Fn:
        division = node.args[0] if node.args else None
        if (node.func in ROUNDING and not self.partial and isinstance(division, ir.Binary)
                and division.op == "/"):
            return self._divide_and_round(node, division)
        fn = FUNCTIONS[node.func]
        args = [self.compile(a) for a in node.args]
        formula, span, name = self.formula, node.span, node.func

        def call(*values: Any) -> Any:
            try:
                return fn(*values)
            except DateProblem as exc:
                raise EvalProblem("MW610", f"{name}() gives no valid date: {exc}", formula,
                                  span) from None
        if self.partial:
            def partial(env: Env) -> Any:
                values = [a(env) for a in args]
                return _unknown(*values) or call(*values)
            return partial
        if len(args) == 1:
            a0 = args[0]
            return lambda env: call(a0(env))
        if len(args) == 2:
            a0, a1 = args
            return lambda env: call(a0(env), a1(env))
        return lambda env: call(*[a(env) for a in args])

    def _divide_and_round(self, node: ir.Call, division: ir.Binary) -> Fn:
        """``round(a / b, p)`` in one exact step, without an intermediate fraction."""
        default, mode, takes_places = ROUNDING[node.func]
        places = default
        if takes_places and len(node.args) > 1:
            literal = node.args[1]
            assert isinstance(literal, ir.Lit) and isinstance(literal.value, int)
            places = literal.value
        left, right = self.compile(division.left), self.compile(division.right)
        formula, span = self.formula, division.span
        divide_round = exact.div_round

        def fused(env: Env) -> Any:
            try:
                return divide_round(left(env), right(env), places, mode)
            except ZeroDivisionError:
                raise EvalProblem("MW605", "division by zero", formula, span,
                                  ir.render(division.right)) from None
        return fused

    def _index(self, node: ir.Index) -> Fn:
        name = node.base.name
        use = self.c.params[name]
        table, key = use.value, self.compile(node.key)
        formula, span = self.formula, node.span

        def lookup(env: Env) -> Any:
            env.used[name] = use
            k = key(env)
            if type(k) is Unknown:
                return k
            try:
                return table[k]
            except KeyError:
                raise EvalProblem("MW609", f"{name} has no value for the key {k!r}", formula,
                                  span, k) from None
        return lookup

    def _member(self, node: ir.Member) -> Fn:
        item = self.compile(node.item)
        options = [self.compile(o) for o in node.options]
        negated = node.negated

        return lambda env: member(item(env), [o(env) for o in options], negated)


def _table(c: Compiler, table: TableDef) -> Fn:
    rows = [(row.index, c.formula(row.when, table.name), c.formula(row.then, table.name), row)
            for row in table.rows]
    otherwise = c.formula(table.otherwise, table.name) if table.otherwise else None
    name, policy, aggregate = table.name, table.hit_policy, table.aggregate

    def evaluate(env: Env) -> Any:
        hits = []
        for index, when, then, row in rows:
            matched = when(env)
            if type(matched) is Unknown:
                return matched
            if matched:
                if policy == "first":
                    env.branches.append((name, row.when.expr, index))
                    return then(env)
                hits.append((index, then, row))
        if policy == "unique" and len(hits) > 1:
            (i, _, a), (j, _, b) = hits[0], hits[1]
            raise EvalProblem("MW607", f"rows {i + 1} ({a.when.text.strip()}) and {j + 1} "
                              f"({b.when.text.strip()}) of table {name!r} both match; a "
                              "unique table allows one", b.when, (0, 0))
        if not hits:
            if otherwise is None and aggregate in ("count", "sum"):
                return 0
            if otherwise is None:
                raise EvalProblem("MW608", f"no row of table {name!r} matches and it has no "
                                  "'otherwise'", table.rows[0].when, (0, 0))
            env.branches.append((name, table.rows[0].when.expr, "otherwise"))
            return otherwise(env)
        for index, _, row in hits:
            env.branches.append((name, row.when.expr, index))
        if policy == "unique":
            return hits[0][1](env)
        values = [then(env) for _, then, _ in hits]
        unknown = _unknown(*values)
        if unknown:
            return unknown
        return _aggregate(aggregate, values)
    return evaluate


def _aggregate(aggregate: str | None, values: list[Any]) -> Any:
    if aggregate == "count":
        return len(values)
    if aggregate == "min":
        return min(values)
    if aggregate == "max":
        return max(values)
    total: Any = 0
    for v in values:
        total = exact.add(total, v)
    return total
