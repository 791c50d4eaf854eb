"""Expressions in the kernel: the IR compiled node by node into the current block.

What is the same for every row is computed once in the prologue, and a subexpression met again
in the same scope (in the block it was computed in, or one nested in it) is not computed twice.
``and``/``or`` and ``if`` follow Kleene's logic as the scalar engine evaluates it, counting the
errors and unknowns of a side only where the scalar engine would have evaluated it.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from functools import partial

from maatwerk.engine.functions import ROUNDING
from maatwerk.engine.vector.columns import NO_KEY
from maatwerk.engine.vector.kernel_branches import Branches
from maatwerk.engine.vector.kernel_date_functions import DateFunctions
from maatwerk.engine.vector.kernel_emit import (
    DATE_LIMIT,
    EAGER_LINES,
    Block,
    Scope,
    Thunk,
    V,
    given,
    pick,
    pick_bool,
)
from maatwerk.engine.vector.kernel_plan import Unsupported
from maatwerk.spec import ir


class Expressions(Branches, DateFunctions):
    """The value of an expression in a scope."""

    def expr(self, node: ir.Node, scope: Scope) -> V:
        if not isinstance(node, ir.Lit | ir.Name) and self.block is not self.prologue and all(
                n in scope.invariant or n == "peildatum" for n in ir.names(node)):
            # the same for every row: computed once, before the loop
            found = self.hoisted.get(node)
            if found is None:
                with self.into(self.prologue):
                    found = self._expr(node, scope)
                self.hoisted[node] = found
            return found
        if isinstance(node, ir.Lit | ir.Name):
            return self._expr(node, scope)
        for block in reversed(self.stack):
            seen = self.memo.get((node, id(scope), id(block)))
            if seen is not None:
                return seen[2]
        value = self._expr(node, scope)
        self.memo[(node, id(scope), id(self.block))] = (scope, self.block, value)
        return value

    def _expr(self, node: ir.Node, scope: Scope) -> V:
        if isinstance(node, ir.Lit):
            return self.constant(node.value)
        if isinstance(node, ir.Name):
            return self.name(node.name, scope)
        if isinstance(node, ir.Unary):
            return self.unary(node, scope)
        if isinstance(node, ir.Binary):
            if node.op in ir.LOGIC:
                return self.logic(node, scope)
            return self.binary(node, scope)
        if isinstance(node, ir.If):
            return self.branch(node, scope)
        if isinstance(node, ir.Call):
            return self.call(node, scope)
        if isinstance(node, ir.Index):
            return self.index(node, scope)
        return self.member(node, scope)

    def name(self, name: str, scope: Scope) -> V:
        found = scope.params.get(name)
        if found is not None:
            if isinstance(found, dict):
                raise Unsupported(f"keyed parameter {name} used without a key")
            return found
        value = scope.names.get(name)
        if value is not None:
            return value
        if name == "peildatum":
            return V("date", "day", slot=self.bounds.const(DATE_LIMIT))
        raise Unsupported(f"{name} is not known here")

    def unary(self, node: ir.Unary, scope: Scope) -> V:
        a = self.expr(node.arg, scope)
        if node.op == "not":
            return replace(a, val=self.let(f"not {a.val}", "c"))
        if a.kind != "num":
            raise Unsupported(f"{node.op} of a {a.kind}")
        if node.op == "-":
            return self.neg(a)
        return self.mul(a, self.number(Fraction(1, 100)))

    def binary(self, node: ir.Binary, scope: Scope) -> V:
        a, b = self.expr(node.left, scope), self.expr(node.right, scope)
        if node.op in ir.COMPARISON:
            unk, err = self.either(a.unk, b.unk, hint="u"), self.either(a.err, b.err)
            return V("bool", self.let(self.compare_expr(a, b, node.op), "c"), 1, unk, err)
        if a.kind != "num" or b.kind != "num":
            raise Unsupported(f"{node.op} of {a.kind} and {b.kind}")
        if node.op in ("+", "-"):
            return self.add(a, b, node.op)
        if node.op == "*":
            return self.mul(a, b)
        return self.div(a, b)

    def logic(self, node: ir.Binary, scope: Scope) -> V:
        """Kleene's ``and``/``or`` as the scalar engine evaluates it: the right side only where
        the left does not decide alone (false for ``and``, true for ``or``, and known)."""
        is_and = node.op == "and"
        a = self.expr(node.left, scope)
        right_block = Block()
        with self.into(right_block):
            b = self.expr(node.right, scope)
        decides = f"({a.val} ^ True)" if is_and else a.val
        if a.unk is not None:
            decides = f"(({a.unk} == 0) & {decides})"
        if right_block.size() <= EAGER_LINES:
            # both sides for every row; the right side's errors count where it was evaluated
            self.block.items.extend(right_block.items)
            err = a.err
            if b.err is not None:
                err = self.either(a.err, self.let(f"{b.err} * ({decides} ^ True)", "e"))
            op = "&" if is_and else "|"
            if a.unk is None and b.unk is None:
                return V("bool", self.let(f"{a.val} {op} {b.val}", "c"), 1, None, err)
            # the value: the left side's where it decides, else the right side's
            value = self.let(f"{b.val} & ({decides} ^ True)" if is_and else
                             f"{b.val} | {decides}", "c")
            b_decides = f"({b.val} ^ True)" if is_and else b.val
            if b.unk is not None:
                b_decides = f"(({b.unk} == 0) & {b_decides})"
            unk = self.either(a.unk, b.unk, hint="u")
            u = self.let(f"{unk} * (({decides} | {b_decides}) ^ True)", "u")
            return V("bool", value, 1, u, err)

        def left() -> V:
            return V("bool", a.val, 1, None, a.err)

        def right() -> V:
            self.block.items.extend(right_block.items)
            err = self.either(a.err, b.err)
            if a.unk is None and b.unk is None:
                return V("bool", b.val, 1, None, err)
            b_decides = f"({b.val} ^ True)" if is_and else b.val
            if b.unk is not None:
                b_decides = f"(({b.unk} == 0) & {b_decides})"
            unk = self.either(a.unk, b.unk, hint="u")
            u = self.let(f"{unk} * ({b_decides} ^ True)", "u")
            return V("bool", b.val, 1, u, err)
        return self.choice([(decides, left), (None, right)])

    def branch(self, node: ir.If, scope: Scope) -> V:
        t = self.expr(node.test, scope)
        if t.unk is None:
            result = self.choice([(t.val, lambda: self.expr(node.then, scope)),
                                  (None, lambda: self.expr(node.other, scope))])
            return replace(result, err=self.either(t.err, result.err))
        # Unknown test: the scalar engine evaluates both branches and knows the value only when
        # they agree; a known test takes one branch.
        then_block, other_block = Block(), Block()
        with self.into(then_block):
            a = self.expr(node.then, scope)
        with self.into(other_block):
            b = self.expr(node.other, scope)
        if then_block.size() + other_block.size() > EAGER_LINES:
            a = self.choice([(f"(({t.unk} != 0) | {t.val})", self._ready(a, then_block)),
                             (None, lambda: self.placeholder(a.kind))])
            b = self.choice([(f"(({t.unk} != 0) | ({t.val} ^ True))",
                              self._ready(b, other_block)),
                             (None, lambda: self.placeholder(b.kind))])
        else:
            self.block.items.extend(then_block.items)
            self.block.items.extend(other_block.items)
        known_test = f"({t.unk} == 0)"
        value, (pa, pb) = self._merge([replace(a, unk=None, err=None),
                                       replace(b, unk=None, err=None)])
        value = replace(value, val=self.let(
            pick_bool(t.val, pa[0], pb[0]) if a.kind == "bool" else pick(t.val, pa[0], pb[0]),
            "v"), den=value.den if isinstance(value.den, int) else self.let(
            pick(t.val, pa[1], pb[1]), "d"))
        same = self.same_expr(a, b)
        agree = " & ".join([f"({x} == 0)" for x in (a.unk, b.unk) if x] + [same])
        doubt = self.let(f"{self.either(t.unk, a.unk, b.unk, hint='u')} * (({agree}) ^ True)",
                         "u")
        taken = pick(t.val, a.unk or "0", b.unk or "0")
        unk = self.let(pick(known_test, taken, doubt), "u")
        err = None
        if a.err is not None or b.err is not None:
            taken = pick(t.val, a.err or "0", b.err or "0")
            both = self.either(a.err, b.err)
            assert both is not None
            err = self.let(pick(known_test, taken, both), "e")
        return replace(value, unk=unk, err=self.either(t.err, err))

    def call(self, node: ir.Call, scope: Scope) -> V:
        name = node.func
        if name in ROUNDING:
            default, mode, takes_places = ROUNDING[name]
            places = default
            if takes_places and len(node.args) > 1:
                literal = node.args[1]
                if not (isinstance(literal, ir.Lit) and isinstance(literal.value, int)):
                    raise Unsupported("rounding places that are not a literal")
                places = literal.value
            a = self.expr(node.args[0], scope)
            if a.kind != "num":
                raise Unsupported("rounding a non-number")
            return self.round(a, places, mode)
        args = [self.expr(a, scope) for a in node.args]
        if name in ("min", "max"):
            result = args[0]
            for other in args[1:]:
                result = self.extreme(result, other, name)
            return result
        if name == "abs":
            return self.absolute(args[0])
        return self.date_call(name, args)

    def index(self, node: ir.Index, scope: Scope) -> V:
        table = scope.params.get(node.base.name)
        if not isinstance(table, dict):
            raise Unsupported(f"{node.base.name} is not a keyed parameter")
        if not table:
            raise Unsupported(f"{node.base.name} has no keys")
        return self._lookup(table, node.key, scope)

    def _lookup(self, table: dict[str, V], key_node: ir.Node, scope: Scope) -> V:
        """A keyed look-up; a literal key, or an ``if`` of literal keys on a test that is never
        unknown, is resolved while generating (no codes compared per row)."""
        possible = _texts(key_node)
        if possible is not None and possible <= table.keys():
            if isinstance(key_node, ir.Lit):
                return table[str(key_node.value)]
            if isinstance(key_node, ir.If):
                t = self.expr(key_node.test, scope)
                if t.unk is None:
                    then, other = key_node.then, key_node.other
                    result = self.choice([(t.val, partial(self._lookup, table, then, scope)),
                                          (None, partial(self._lookup, table, other, scope))])
                    return replace(result, err=self.either(t.err, result.err))
        key = self.expr(key_node, scope)
        if key.kind != "code":
            raise Unsupported("a key that is not a text")
        covered = possible is not None and possible <= table.keys()
        keys = [k for k in table if possible is None or k in possible]
        arms: list[tuple[str | None, Thunk]] = []
        for k in keys:
            arms.append((f"{key.val} == {self.text(k)}", given(table[k])))
        kind = next(iter(table.values())).kind

        def missing() -> V:
            e = self.let(f"({key.unk} == 0) * {NO_KEY}" if key.unk else str(NO_KEY), "e")
            return self.placeholder(kind, None, e)
        if covered:  # the key can only be one of the keys: the last one needs no test
            arms[-1] = (None, arms[-1][1])
        else:
            arms.append((None, missing))
        result = self.choice(arms)
        return replace(result, unk=key.unk, err=self.either(key.err, result.err))

    def member(self, node: ir.Member, scope: Scope) -> V:
        item = self.expr(node.item, scope)
        options = [self.expr(o, scope) for o in node.options]
        hits = " | ".join(self.compare_expr(item, o, "==") for o in options) or "False"
        value = self.let(f"({hits}) ^ True" if node.negated else f"({hits})", "c")
        unk = self.either(item.unk, *(o.unk for o in options), hint="u")
        err = self.either(item.err, *(o.err for o in options))
        return V("bool", value, 1, unk, err)


def _texts(node: ir.Node) -> set[str] | None:
    """The texts an expression can have when it is made of text literals and ``if``s; None when
    it can have others (an input, a rule)."""
    if isinstance(node, ir.Lit):
        return {node.value} if isinstance(node.value, str) else None
    if isinstance(node, ir.If):
        a, b = _texts(node.then), _texts(node.other)
        return a | b if a is not None and b is not None else None
    return None
