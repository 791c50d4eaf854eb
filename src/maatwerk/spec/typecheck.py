"""Type checking formulas and resolving their names.

``Checker.infer`` walks a formula's IR once and returns its type, or raises ``Fault`` with the
code, message and character span of the offending node. Names resolve against a ``Scope``:
inputs, parameters, rules and tables of one regulation, plus the built-in ``peildatum``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from maatwerk.spec import ir
from maatwerk.spec.builtins import BUILTINS
from maatwerk.spec.types import (
    BOOL,
    DATE,
    DECIMAL,
    NUMBERS,
    QUANTITIES,
    SIMPLE,
    Type,
    Typed,
    TypeProblem,
    additive,
    comparable,
    divide,
    multiply,
    unify,
)

BUILTIN_NAMES = {"peildatum": DATE}


@dataclass(frozen=True, slots=True)
class Symbol:
    kind: str  # input | parameter | rule | table | builtin
    type: Type | None  # None while a rule's type is not yet known
    keys: tuple[str, ...] | None = None


class Fault(Exception):
    """A problem in a formula at a character span."""

    def __init__(self, code: str, message: str, span: ir.Span, got: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.span = span
        self.got = got


Scope = Mapping[str, Symbol]


def suggest(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.7)
    return f"; did you mean {close[0]!r}?" if close else ""


def unknown_name(node: ir.Name, scope: Scope) -> Fault:
    if node.name in BUILTINS:
        return Fault("MW302", f"{node.name!r} is a function; call it with arguments, like "
                     f"{node.name}(...)", node.span, node.name)
    return Fault("MW302", f"unknown name {node.name!r}{suggest(node.name, sorted(scope))}",
                 node.span, node.name)


class Checker:
    """Infers the type of formulas in one scope."""

    def __init__(self, scope: Scope, resolve: Callable[[str], Type] | None = None) -> None:
        self.scope = scope
        self.resolve = resolve

    def infer(self, node: ir.Node) -> Typed:
        try:
            return self._infer(node)
        except TypeProblem as exc:
            raise Fault("MW304", str(exc), node.span) from None

    def _type_of(self, node: ir.Name) -> Typed:
        if node.name in BUILTIN_NAMES and node.name not in self.scope:
            return Typed(BUILTIN_NAMES[node.name])
        symbol = self.scope.get(node.name)
        if symbol is None:
            raise unknown_name(node, self.scope)
        if symbol.keys is not None:
            raise Fault("MW304", f"{node.name!r} is a keyed parameter; look up one of its keys, "
                        f"like {node.name}[{symbol.keys[0]!r}]", node.span, node.name)
        found = symbol.type
        if found is None and self.resolve is not None:
            found = self.resolve(node.name)
        assert found is not None, node.name
        return Typed(found)

    def _infer(self, node: ir.Node) -> Typed:
        if isinstance(node, ir.Lit):
            kind = {"percent": "decimal"}.get(node.kind, node.kind)
            return Typed(SIMPLE[kind], literal=True)
        if isinstance(node, ir.Name):
            return self._type_of(node)
        if isinstance(node, ir.Unary):
            return self._unary(node)
        if isinstance(node, ir.Binary):
            return self._binary(node)
        if isinstance(node, ir.If):
            self._expect_bool(node.test, "the condition of 'if'")
            return self._sub(node.other, lambda: unify(
                self.infer(node.then), self.infer(node.other), "the branches of 'if'"))
        if isinstance(node, ir.Call):
            return self._call(node)
        if isinstance(node, ir.Index):
            return self._index(node)
        return self._member(node)

    def _sub(self, node: ir.Node, fn: Callable[[], Typed]) -> Typed:
        try:
            return fn()
        except TypeProblem as exc:
            raise Fault("MW304", str(exc), node.span) from None

    def _expect_bool(self, node: ir.Node, what: str) -> None:
        t = self.infer(node)
        if t.type != BOOL:
            raise Fault("MW304", f"{what} must be true or false, not {t.type}", node.span)

    def _unary(self, node: ir.Unary) -> Typed:
        if node.op == "not":
            self._expect_bool(node.arg, "the operand of 'not'")
            return Typed(BOOL)
        t = self.infer(node.arg)
        if node.op == "%":
            if t.type.kind not in NUMBERS:
                raise Fault("MW304", f"only a number can be a percentage, not {t.type}",
                            node.span)
            return Typed(DECIMAL, t.literal)
        if t.type.kind not in QUANTITIES:
            raise Fault("MW304", f"cannot negate {t.type}", node.span)
        return t

    def _binary(self, node: ir.Binary) -> Typed:
        if node.op in ir.LOGIC:
            self._expect_bool(node.left, f"the left side of '{node.op}'")
            self._expect_bool(node.right, f"the right side of '{node.op}'")
            return Typed(BOOL)
        left, right = self.infer(node.left), self.infer(node.right)
        if node.op in ir.COMPARISON:
            comparable(left, right, node.op)
            self._enum_literal(node.left, left, node.right, right)
            return Typed(BOOL)
        if node.op == "+":
            return additive(left, right, "add")
        if node.op == "-":
            if DATE in (left.type, right.type):
                raise TypeProblem("dates cannot be subtracted; use days_between(), "
                                  "completed_months() or completed_years()")
            return additive(left, right, "subtract")
        if node.op == "*":
            return multiply(left, right)
        return divide(left, right)

    def _enum_literal(self, a: ir.Node, ta: Typed, b: ir.Node, tb: Typed) -> None:
        for enum_t, lit in ((ta, b), (tb, a)):
            if enum_t.type.kind == "enum" and isinstance(lit, ir.Lit) and lit.kind == "text":
                value = str(lit.value)
                if value not in enum_t.type.values:
                    raise Fault("MW307", f"{value!r} is not a value of {enum_t.type.name}; "
                                f"expected one of: {', '.join(enum_t.type.values)}"
                                f"{suggest(value, list(enum_t.type.values))}", lit.span, value)

    def _call(self, node: ir.Call) -> Typed:
        builtin = BUILTINS.get(node.func)
        if builtin is None:
            if node.func in self.scope:
                raise Fault("MW303", f"{node.func!r} is not a function; use it as a name "
                            "without brackets", node.span, node.func)
            raise Fault("MW303", f"unknown function {node.func!r}"
                        f"{suggest(node.func, sorted(BUILTINS))}", node.span, node.func)
        n = len(node.args)
        if n < builtin.min_args or (builtin.max_args is not None and n > builtin.max_args):
            if builtin.max_args is None:
                want = f"at least {builtin.min_args}"
            elif builtin.min_args == builtin.max_args:
                want = str(builtin.min_args)
            else:
                want = f"{builtin.min_args} or {builtin.max_args}"
            raise Fault("MW303", f"{node.func}() takes {want} argument(s)", node.span,
                        f"{n} argument(s)")
        args = [self.infer(a) for a in node.args]
        return builtin.result(args, node.args)

    def _index(self, node: ir.Index) -> Typed:
        symbol = self.scope.get(node.base.name)
        if symbol is None:
            raise unknown_name(node.base, self.scope)
        if symbol.keys is None or symbol.type is None:
            raise Fault("MW304", f"{node.base.name!r} has no keys; only a keyed parameter can "
                        "be looked up with [...]", node.span, node.base.name)
        key = self.infer(node.key)
        if key.type.kind not in ("text", "enum"):
            raise Fault("MW304", f"the key of {node.base.name!r} must be text, not {key.type}",
                        node.key.span)
        keys = symbol.keys
        if isinstance(node.key, ir.Lit) and str(node.key.value) not in keys:
            value = str(node.key.value)
            raise Fault("MW307", f"{value!r} is not a key of {node.base.name}; expected one of: "
                        f"{', '.join(keys)}{suggest(value, list(keys))}", node.key.span, value)
        if key.type.kind == "enum":
            absent = [v for v in key.type.values if v not in keys]
            if absent:
                raise Fault("MW307", f"{node.base.name!r} has no value for "
                            f"{', '.join(map(repr, absent))} of {key.type.name}", node.key.span)
        return Typed(symbol.type)

    def _member(self, node: ir.Member) -> Typed:
        item = self.infer(node.item)
        if not node.options:
            raise Fault("MW304", "the list after 'in' is empty", node.span)
        for option in node.options:
            t = self.infer(option)
            try:
                comparable(item, t, "==")
            except TypeProblem as exc:
                raise Fault("MW304", str(exc), option.span) from None
            self._enum_literal(node.item, item, option, t)
        return Typed(BOOL)
