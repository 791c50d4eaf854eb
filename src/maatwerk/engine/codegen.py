"""Strict formulas as generated Python functions: the scalar backend's fast path.

``function(compiler, formula, owner)`` turns one formula into the source of one Python function of
an ``Env`` and compiles it. It computes exactly what the closures of ``maatwerk.engine.compile``
compute in strict mode, step for step: the sub-expressions in the same order, the same calls into
``maatwerk.engine.exact`` and the formula functions, each parameter noted in ``env.used`` and each
branch appended to ``env.branches`` at the same moment, the same ``Missing`` and ``EvalProblem``.
What it saves is a Python call per node of the tree: a formula is one function with its
sub-expressions as local variables. Every value of the plan (literals, parameter values, the nodes
a branch records, names) is passed in as a constant of the generated module, never written into
its source text. A formula too deeply nested to compile this way keeps its closures.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Inexact
from fractions import Fraction
from types import CodeType
from typing import Any

from maatwerk.engine import exact
from maatwerk.engine.compile import (
    NOT_SET,
    Compiler,
    Env,
    EvalProblem,
    Missing,
    Unknown,
    member,
)
from maatwerk.engine.functions import FUNCTIONS, ROUNDING, DateProblem
from maatwerk.spec import ir
from maatwerk.spec.model import Formula

_MAX_DEPTH = 40  # nested branches; deeper formulas keep their closures
_MAX_LINES = 400  # no rule is written in place in a function longer than this
_MAX_INLINED = 100  # nor one that would take more lines than this
# Compiled source, by its text: the plans of other periods and of categories have the same text
# for most formulas (their constants differ, and are given to each function apart).
_CODE: dict[tuple[str, str], CodeType] = {}
_MAX_CODE = 4096


class TooDeep(Exception):
    """The formula nests too deeply for generated code."""


class _Source:
    """The source of one generated function, with its constants and its local names."""

    def __init__(self, compiler: Compiler, formula: Formula, owner: str) -> None:
        self.c = compiler
        self.owner = owner
        self.lines: list[str] = []
        self.consts: dict[str, Any] = {
            "NONE": NOT_SET, "Missing": Missing, "Unknown": Unknown, "EvalProblem": EvalProblem,
            "DateProblem": DateProblem, "member": member, "EXACT": (TypeError, Inexact),
            "Fraction": Fraction}
        self._ids: dict[int, str] = {}
        self.temps = 0
        self.aliases: set[str] = set()
        self.formula = self.const(formula)
        self.inlining = [owner]  # the rules whose formulas are being written, outermost first

    def const(self, value: Any) -> str:
        name = self._ids.get(id(value))
        if name is None:
            name = f"k{len(self._ids)}"
            self._ids[id(value)] = name
            self.consts[name] = value
        return name

    def temp(self) -> str:
        self.temps += 1
        return f"t{self.temps}"

    def emit(self, depth: int, line: str) -> None:
        if depth > _MAX_DEPTH:
            raise TooDeep
        self.lines.append("    " * depth + line)

    def alias(self, name: str) -> str:
        """A local for ``env.inputs``, ``env.values``, ``env.used`` or ``env.branches``."""
        self.aliases.add(name)
        return name

    # -- expressions: each emits statements and returns a local or a constant ------------------

    def expr(self, node: ir.Node, d: int) -> str:
        if isinstance(node, ir.Lit):
            return self.const(node.value)
        if isinstance(node, ir.Name):
            return self.name(node.name, d)
        if isinstance(node, ir.Unary):
            arg = self.expr(node.arg, d)
            out = self.temp()
            if node.op == "not":
                self.emit(d, f"{out} = not {arg}")
            else:
                fn = exact.neg if node.op == "-" else exact.percent
                self.emit(d, f"{out} = {self.const(fn)}({arg})")
            return out
        if isinstance(node, ir.Binary):
            if node.op in ir.LOGIC:
                return self.logic(node, d)
            return self.binary(node, d)
        if isinstance(node, ir.If):
            return self.branch(node, d)
        if isinstance(node, ir.Call):
            return self.call(node, d)
        if isinstance(node, ir.Index):
            return self.index(node, d)
        item = self.expr(node.item, d)
        options = [self.expr(o, d) for o in node.options]
        out = self.temp()
        self.emit(d, f"{out} = member({item}, [{', '.join(options)}], {node.negated!r})")
        return out

    def name(self, name: str, d: int) -> str:
        use = self.c.params.get(name)
        if use is not None:
            self.emit(d, f"{self.alias('used')}[{self.const(name)}] = {self.const(use)}")
            return self.const(use.value)
        out, key = self.temp(), self.const(name)
        if name in self.c.inputs:
            self.emit(d, f"{out} = {self.alias('inputs')}.get({key}, NONE)")
            self.emit(d, f"if {out} is NONE: raise Missing({key})")
        elif name == "peildatum":
            self.emit(d, f"{out} = env.day")
        else:
            values = self.alias("values")
            self.emit(d, f"{out} = {values}.get({key}, NONE)")
            if not self.inline(name, out, key, d):
                self.emit(d, f"if {out} is NONE: {out} = {values}[{key}] = env.funcs[{key}](env)")
        return out

    def inline(self, name: str, out: str, key: str, d: int) -> bool:
        """Write the formula of rule ``name`` in place of the call that computes it when not
        computed yet (as ``env.funcs[name]`` would: the plan's formula, noted under its name).
        Not for a rule already being written, nor one that makes the function too long."""
        formula = self.c.inline.get(name) if self.c.inline is not None else None
        if formula is None or name in self.inlining or len(self.lines) > _MAX_LINES:
            return False
        mark, outer = len(self.lines), (self.owner, self.formula)
        self.owner, self.formula = name, self.const(formula)
        self.inlining.append(name)
        try:
            self.emit(d, f"if {out} is NONE:")
            result = self.expr(formula.expr, d + 1)
            self.emit(d + 1, f"{out} = values[{key}] = {result}")
            fits = len(self.lines) - mark <= _MAX_INLINED
        except TooDeep:
            fits = False
        finally:
            self.owner, self.formula = outer
            self.inlining.pop()
        if not fits:
            del self.lines[mark:]
        return fits

    def arithmetic(self, op: str, left: str, right: str, out: str, d: int) -> None:
        """``exact.add``/``sub``/``mul`` written out: integers as Python integers, otherwise the
        exact decimal context, and a fraction when that would have to round."""
        fn = {"+": exact.CONTEXT.add, "-": exact.CONTEXT.subtract, "*": exact.CONTEXT.multiply}[op]
        tests = []
        for operand in (left, right):
            if operand not in self.consts:
                tests.append(f"type({operand}) is int")
            elif type(self.consts[operand]) is not int:
                tests = ["False"]
                break
        if tests != ["False"]:
            self.emit(d, f"if {' and '.join(tests) or 'True'}: {out} = {left} {op} {right}")
            self.emit(d, "else:")
            d += 1
        self.emit(d, f"try: {out} = {self.const(fn)}({left}, {right})")
        self.emit(d, f"except EXACT: {out} = Fraction({left}) {op} Fraction({right})")

    def binary(self, node: ir.Binary, d: int) -> str:
        left, right = self.expr(node.left, d), self.expr(node.right, d)
        out = self.temp()
        if node.op == "/":
            self.emit(d, f"try: {out} = {self.const(exact.div)}({left}, {right})")
            self.emit(d, "except ZeroDivisionError: raise EvalProblem('MW605', 'division by "
                      f"zero', {self.formula}, {self.const(node.span)}, "
                      f"{self.const(ir.render(node.right))}) from None")
        elif node.op in ir.ARITHMETIC:
            self.arithmetic(node.op, left, right, out, d)
        else:
            self.emit(d, f"{out} = {left} {node.op} {right}")
        return out

    def logic(self, node: ir.Binary, d: int) -> str:
        out = self.temp()
        self.emit(d, f"{out} = {self.expr(node.left, d)}")
        self.emit(d, f"if {'' if node.op == 'and' else 'not '}{out}:")
        self.emit(d + 1, f"{out} = {self.expr(node.right, d + 1)}")
        return out

    def branch(self, node: ir.If, d: int) -> str:
        test = self.expr(node.test, d)
        out = self.temp()
        self.emit(d, f"{self.alias('branches')}.append(({self.const(self.owner)}, "
                  f"{self.const(node)}, {test}))")
        self.emit(d, f"if {test}:")
        self.emit(d + 1, f"{out} = {self.expr(node.then, d + 1)}")
        self.emit(d, "else:")
        self.emit(d + 1, f"{out} = {self.expr(node.other, d + 1)}")
        return out

    def call(self, node: ir.Call, d: int) -> str:
        division = node.args[0] if node.args else None
        if node.func in ROUNDING and isinstance(division, ir.Binary) and division.op == "/":
            return self.divide_and_round(node, division, d)
        args = [self.expr(a, d) for a in node.args]
        out = self.temp()
        rounding = ROUNDING.get(node.func)
        if rounding is not None and (len(args) == 1 or (rounding[2] and len(args) == 2)):
            places = args[1] if len(args) == 2 else self.const(rounding[0])
            self.emit(d, f"{out} = {self.const(exact.round_to)}({args[0]}, {places}, "
                      f"{self.const(rounding[1])})")
            return out
        message = self.const(f"{node.func}() gives no valid date: ")
        self.emit(d, f"try: {out} = {self.const(FUNCTIONS[node.func])}({', '.join(args)})")
        self.emit(d, "except DateProblem as exc: raise EvalProblem('MW610', "
                  f"{message} + str(exc), {self.formula}, {self.const(node.span)}) from None")
        return out

    def divide_and_round(self, node: ir.Call, division: ir.Binary, d: int) -> str:
        """``round(a / b, p)`` in one exact step, as ``Compiler`` does it."""
        default, mode, takes_places = ROUNDING[node.func]
        places = default
        if takes_places and len(node.args) > 1:
            literal = node.args[1]
            assert isinstance(literal, ir.Lit) and isinstance(literal.value, int)
            places = literal.value
        left, right = self.expr(division.left, d), self.expr(division.right, d)
        out = self.temp()
        self.emit(d, f"try: {out} = {self.const(exact.div_round)}({left}, {right}, "
                  f"{self.const(places)}, {self.const(mode)})")
        self.emit(d, "except ZeroDivisionError: raise EvalProblem('MW605', 'division by zero', "
                  f"{self.formula}, {self.const(division.span)}, "
                  f"{self.const(ir.render(division.right))}) from None")
        return out

    def index(self, node: ir.Index, d: int) -> str:
        name = node.base.name
        use = self.c.params[name]
        self.emit(d, f"{self.alias('used')}[{self.const(name)}] = {self.const(use)}")
        key = self.expr(node.key, d)
        out = self.temp()
        self.emit(d, f"if type({key}) is Unknown: {out} = {key}")
        self.emit(d, "else:")
        self.emit(d + 1, f"try: {out} = {self.const(use.value)}[{key}]")
        self.emit(d + 1, f"except KeyError: raise EvalProblem('MW609', {self.const(name)} + "
                  f"' has no value for the key ' + repr({key}), {self.formula}, "
                  f"{self.const(node.span)}, {key}) from None")
        return out

    def function(self, node: ir.Node) -> Callable[[Env], Any]:
        result = self.expr(node, 1)
        head = ["def formula(env):"]
        body = "\n".join(self.lines)  # rules written in place and then dropped used some
        head += [f"    {a} = env.{a}" for a in ("inputs", "values", "used", "branches")
                 if a in self.aliases and re.search(rf"\b{a}\b", body)]
        source = "\n".join([*head, *self.lines, f"    return {result}"])
        code = _CODE.get((source, self.owner))
        if code is None:
            if len(_CODE) >= _MAX_CODE:
                _CODE.clear()
            code = _CODE[source, self.owner] = compile(source, f"<formula {self.owner}>", "exec")
        namespace = dict(self.consts)
        exec(code, namespace)
        fn: Callable[[Env], Any] = namespace["formula"]
        return fn


def function(compiler: Compiler, formula: Formula, owner: str) -> Callable[[Env], Any] | None:
    """The formula as one generated function, or None when it nests too deeply for that."""
    try:
        return _Source(compiler, formula, owner).function(formula.expr)
    except (TooDeep, RecursionError, SyntaxError, MemoryError):
        return None
