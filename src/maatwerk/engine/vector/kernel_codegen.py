"""Generating one row-loop kernel from a regulation's plan: the IR as Python source for numba.

The kernel decides every person of a population in one loop: per row it reads the inputs, computes
the standard layer (every rule and table the outputs, the category conditions and the categories'
overrides need, in dependency order), evaluates the category conditions, selects the categories by
the regulation's hit policy, computes the category layer where one applies, and writes each
output's value, unknown and error bits, the deciding layer and the applied categories.

Semantics are those of the scalar engine (``maatwerk.engine.compile``), value by value:

- numbers are exact rationals: a numerator in an int64 local over a denominator that is a
  compile-time integer wherever it can be (literals, parameters, input columns; operands aligned
  on the least common multiple at generation time), and an int64 local after dividing by a value
  that varies per row. Rounding is done in integers with the modes of ``exact.round_to``;
- booleans are booleans, texts and enumeration values integer codes (the population's
  ``Interner``; text literals are passed in as an array of codes, never written into the source),
  dates int64 day numbers;
- a missing input is Kleene's third value: each value may carry an ``unknown`` bitmask (only where
  it can be non-zero; with complete inputs no such code is generated). A refusal (division by
  zero, an impossible date, a missing key, no or two matching rows, two categories, an input
  outside its bounds) is an ``error`` bitmask that travels with the value it taints. Every
  operation the kernel emits is total (a zero divisor is replaced, an impossible date computed
  from a valid one), so evaluating a branch the scalar engine would skip changes nothing as long
  as its errors and unknowns are not counted: ``and``/``or``, ``if`` and the tables take them
  exactly where the scalar engine, evaluating lazily, would have evaluated them. Small branches
  are therefore evaluated for every row and picked without a jump (fewer blocks make numba
  compile much faster, and the loop has fewer mispredicted branches); large ones stay ``if``s;
- every integer the kernel computes has a magnitude bound in a ``Bounds`` program, from which
  the largest safe magnitude of each numeric input is derived (``kernel_bounds``);
- what is the same for every row (parameters, ``peildatum``, rules over them) is computed once
  before the loop, and a subexpression written twice is computed once.

Only validated identifiers (prefixed) and integers are written into the source.
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from functools import partial
from typing import Any

from maatwerk.engine.functions import ROUNDING
from maatwerk.engine.vector.columns import (
    BAD_DATE,
    DIVISION_BY_ZERO,
    INVALID_INPUT,
    NO_KEY,
    NO_ROW,
    TWO_CATEGORIES,
    TWO_ROWS,
)
from maatwerk.engine.vector.kernel_bounds import LIMIT, Bounds
from maatwerk.engine.vector.kernel_dates import EPOCH, HELPERS, MAX_DAY, MIN_DAY
from maatwerk.spec import ir
from maatwerk.spec.graph import find_cycle, reachable, topological
from maatwerk.spec.model import CategoryDef, Formula, Regulation, TableDef

NAME = re.compile(r"[a-z][a-z0-9_]{0,80}\Z")
DATE_LIMIT = max(-MIN_DAY, MAX_DAY) + 1  # input dates beyond the calendar go to numpy
EAGER_LINES = 24  # arms of a choice up to this many lines in all are evaluated without branching
NUMBER_KINDS = ("integer", "decimal", "money")
# error_model="numpy": no exception path for integer division; the kernel never divides by zero
# (a divisor that can be zero is tested first and replaced)
DECORATOR = '@njit(cache=CACHE, nogil=True, error_model="numpy")'


class Unsupported(Exception):
    """The plan cannot be compiled to a kernel; the numpy backend decides it."""


# -- the plan: what one period of a regulation computes ----------------------------------------


@dataclass(frozen=True)
class KernelPlan:
    """A regulation fixed to one period: the formulas, tables and parameter values in force, the
    names the kernel computes (in dependency order) and the inputs it reads. (It does not hold
    the regulation, so that a cache of plans keyed by the regulation does not keep it alive.)"""

    day: dt.date
    formulas: Mapping[str, Formula]
    params: Mapping[str, Any]
    category_params: Mapping[str, Mapping[str, Any]]  # category -> parameter -> value
    graph: Mapping[str, frozenset[str]]
    order: tuple[str, ...]
    inputs: tuple[str, ...]  # the inputs and assessed values the kernel reads, in order
    categories: tuple[CategoryDef, ...]  # in the order their overrides apply


def plan(reg: Regulation, day: dt.date) -> KernelPlan:
    """The plan of ``reg`` on ``day``; raises ``Unsupported`` when it cannot be compiled."""
    formulas: dict[str, Formula] = {}
    for name, rule in reg.rules.items():
        formula = rule.at(day)
        if formula is None:
            raise Unsupported(f"rule {name} has no formula on {day}")
        formulas[name] = formula
    params: dict[str, Any] = {}
    for name, p in reg.parameters.items():
        at = p.at(day)
        if at is None:
            raise Unsupported(f"parameter {name} has no value on {day}")
        params[name] = at.value
    category_params: dict[str, dict[str, Any]] = {}
    for cat in reg.categories.values():
        values = {}
        for name, p in cat.parameters.items():
            at = p.at(day)
            if at is None:
                raise Unsupported(f"parameter {name} of category {cat.name} has no value")
            values[name] = at.value
        category_params[cat.name] = values
    assessed = reg.assessed()
    names = [*reg.inputs, *assessed, *reg.rules, *reg.tables, *reg.parameters, *reg.categories]
    for name in names:
        if not NAME.match(name):
            raise Unsupported(f"{name!r} is not a plain name")
    graph: dict[str, frozenset[str]] = {}
    for name, formula in formulas.items():
        graph[name] = frozenset(ir.names(formula.expr))
    for name, table in reg.tables.items():
        used: set[str] = set()
        for row in table.rows:
            used |= ir.names(row.when.expr) | ir.names(row.then.expr)
        if table.otherwise is not None:
            used |= ir.names(table.otherwise.expr)
        graph[name] = frozenset(used)
    for cat in reg.categories.values():
        for name, override in cat.rules.items():
            graph[name] = graph.get(name, frozenset()) | ir.names(override.formula.expr)
    computed = {n: deps for n, deps in graph.items()}
    if find_cycle(computed) is not None:
        raise Unsupported("the rules depend on each other in a cycle")
    roots: set[str] = set(reg.outputs)
    for cat in reg.categories.values():
        roots |= ir.names(cat.when.expr)
        for override in cat.rules.values():
            roots |= ir.names(override.formula.expr)
    needed = reachable(computed, roots)
    order = tuple(n for n in topological(computed) if n in needed and n in computed)
    read = [n for n in (*reg.inputs, *assessed) if n in needed]
    return KernelPlan(day, formulas, params, category_params, computed, order, tuple(read),
                      tuple(_application_order(reg)))


def _application_order(reg: Regulation) -> list[CategoryDef]:
    cats = list(reg.categories.values())
    if reg.category_policy == "first":
        return sorted(cats, key=lambda c: (-(c.precedence or 0), c.order))
    if reg.category_policy == "collect":
        return sorted(cats, key=lambda c: (c.precedence or 0, c.order))
    return cats


# -- values as the generator holds them ---------------------------------------------------------


@dataclass(frozen=True)
class V:
    """A value in the kernel: ``kind`` num | bool | code | date; ``val`` a local or a literal (for
    num the numerator, over ``den``: an int, or a local when it varies per row); ``unk`` and
    ``err`` locals of bitmasks, None where they are zero for every row; ``slot`` and ``dslot``
    bound |val| and den in the magnitude program."""

    kind: str
    val: str
    den: int | str = 1
    unk: str | None = None
    err: str | None = None
    slot: int = -1
    dslot: int = -1
    const: Fraction | None = None
    placeholder: bool = False


@dataclass(frozen=True)
class InputSpec:
    """One input column of the kernel: its kind (num | bool | code | date), the denominator the
    kernel works with (num) and whether the column has an unknown mask."""

    name: str
    kind: str
    den: int = 1
    unknown: bool = False


@dataclass(frozen=True)
class OutSpec:
    """Where the kernel writes one value: rows of the int64 (``i``), bool (``b``) or int32
    (``c``) output matrices; ``den`` the static denominator, or None when ``den_row`` holds it."""

    kind: str
    row: int
    den: int | None = 1
    den_row: int = -1
    unk_row: int = -1
    err_row: int = -1


@dataclass
class Generated:
    """The generated source and what the caller needs to run it and read its results."""

    source: str
    inputs: tuple[InputSpec, ...]
    texts: tuple[str, ...]
    limits: tuple[int, ...]  # per input, the largest magnitude the proof allows
    n_int: int
    n_bool: int
    n_code: int
    n_small: int
    outputs: dict[str, OutSpec]
    standard: dict[str, OutSpec] | None
    categories: dict[str, int]  # category -> row of the bool matrix
    deciding: dict[str, int]  # output -> row of the int8 matrix
    may_err: bool  # whether a case can be refused (then listed in ``op``)
    may_unknown: bool  # whether a case can be indeterminate (then listed in ``op``)


class Block:
    """Lines of code; an item is a line or a header with a nested block."""

    def __init__(self) -> None:
        self.items: list[str | tuple[str, Block]] = []

    def size(self) -> int:
        return sum(1 if isinstance(item, str) else 1 + item[1].size() for item in self.items)

    def render(self, depth: int, out: list[str]) -> None:
        if not self.items:
            out.append("    " * depth + "pass")
        for item in self.items:
            if isinstance(item, str):
                out.append("    " * depth + item)
            else:
                out.append("    " * depth + item[0])
                item[1].render(depth + 1, out)


@dataclass
class Scope:
    """What names mean in one layer: values computed so far and parameter values."""

    names: dict[str, V]
    params: dict[str, V | dict[str, V]] = field(default_factory=dict)
    invariant: set[str] = field(default_factory=set)  # names with one value for every row


Thunk = Callable[[], V]


def _lcm(a: int, b: int) -> int:
    return a * b // math.gcd(a, b)


class Generator:
    """Generates the kernel of one plan for one input layout."""

    def __init__(self, reg: Regulation, kp: KernelPlan, layout: Sequence[InputSpec]) -> None:
        self.kp = kp
        self.reg = reg
        self.layout = tuple(layout)
        self.bounds = Bounds()
        self.root = Block()
        self.block = self.root
        self.counter = 0
        self.texts: list[str] = []
        self.text_index: dict[str, int] = {}
        self.n_int = self.n_bool = self.n_code = self.n_small = 0
        self.any_applied = "False"
        self.rows: dict[str, int] = {}  # int64 outputs already written, by expression
        self.prologue = Block()  # what is the same for every row, computed before the loop
        self.hoisted: dict[ir.Node, V] = {}
        self.stack: list[Block] = [self.root]
        # common subexpressions: (node, scope, block) -> value, valid in that block and in the
        # blocks nested in it (the block and scope objects are kept, so their ids stay unique)
        self.memo: dict[tuple[ir.Node, int, int], tuple[Scope, Block, V]] = {}
        self.invalid: list[str] = []  # per input outside its declared bounds: MW601

    # -- emitting -------------------------------------------------------------------------------

    def line(self, text: str) -> None:
        self.block.items.append(text)

    def tmp(self, hint: str = "t") -> str:
        self.counter += 1
        return f"{hint}{self.counter}"

    def let(self, expr: str, hint: str = "t") -> str:
        name = self.tmp(hint)
        self.line(f"{name} = {expr}")
        return name

    @contextmanager
    def into(self, block: Block) -> Iterator[Block]:
        """Emit into ``block``: nested in the current one (it sees the values computed there so
        far) or, for the prologue, before everything else (it sees nothing of the row)."""
        saved, saved_stack = self.block, self.stack
        self.block = block
        self.stack = [block] if block is self.prologue else [*self.stack, block]
        try:
            yield block
        finally:
            self.block, self.stack = saved, saved_stack

    def attach(self, header: str, block: Block) -> None:
        self.block.items.append((header, block))

    def text(self, value: str) -> str:
        index = self.text_index.get(value)
        if index is None:
            index = len(self.texts)
            self.texts.append(value)
            self.text_index[value] = index
        return f"lit{index}"

    def either(self, *parts: str | None, hint: str = "e") -> str | None:
        present = list(dict.fromkeys(p for p in parts if p is not None))
        if not present:
            return None
        if len(present) == 1:
            return present[0]
        return self.let(" | ".join(present), hint)

    def flag(self, condition: str, bit: int, unknown: str | None) -> str:
        """An error local: ``bit`` where ``condition`` (a boolean) holds and the operands are
        known (the scalar engine does not evaluate an operation on an unknown value)."""
        guard = f"({condition})" if unknown is None else f"(({unknown} == 0) & ({condition}))"
        return self.let(f"{guard} * {bit}", "e")

    # -- constants ------------------------------------------------------------------------------

    def number(self, value: Fraction) -> V:
        num = value.numerator
        text = str(num) if num >= 0 else f"({num})"
        return V("num", text, value.denominator, slot=self.bounds.const(num), const=value)

    def constant(self, value: Any) -> V:
        if isinstance(value, bool):
            return V("bool", "True" if value else "False")
        if isinstance(value, str):
            return V("code", self.text(value))
        if isinstance(value, dt.date):
            days = (value - EPOCH).days
            return V("date", str(days) if days >= 0 else f"({days})",
                     slot=self.bounds.const(days))
        if isinstance(value, int | Decimal | Fraction):
            return self.number(Fraction(value))
        raise Unsupported(f"a value of type {type(value).__name__}")

    def param(self, value: Any) -> V | dict[str, V]:
        if isinstance(value, Mapping):
            return {str(k): self.constant(v) for k, v in value.items()}
        return self.constant(value)

    def placeholder(self, kind: str, unk: str | None = None, err: str | None = None) -> V:
        val = {"num": "0", "bool": "False", "code": "0", "date": "0"}[kind]
        return V(kind, val, 1, unk, err, slot=self.bounds.const(0), placeholder=True)

    # -- numbers --------------------------------------------------------------------------------

    def _den(self, v: V) -> tuple[str, int]:
        if isinstance(v.den, int):
            return str(v.den), self.bounds.const(v.den)
        return v.den, v.dslot

    def _scaled(self, v: V, factor: int) -> tuple[str, int]:
        if factor == 1:
            return v.val, v.slot
        if v.const is not None:
            value = v.const.numerator * factor
            return (str(value) if value >= 0 else f"({value})"), self.bounds.const(value)
        return f"({v.val} * {factor})", self.bounds.scale(v.slot, factor)

    def _static(self, den: int) -> int:
        if den >= LIMIT:
            raise Unsupported("a denominator outside int64")
        return den

    def num(self, val: str, den: int | str, slot: int, dslot: int = -1,
            unk: str | None = None, err: str | None = None) -> V:
        return V("num", val, den, unk, err, slot, dslot)

    def add(self, a: V, b: V, sign: str) -> V:
        unk, err = self.either(a.unk, b.unk, hint="u"), self.either(a.err, b.err)
        if a.const is not None and b.const is not None:
            return self.number(a.const + b.const if sign == "+" else a.const - b.const)
        if isinstance(a.den, int) and isinstance(b.den, int):
            common = self._static(_lcm(a.den, b.den))
            x, sx = self._scaled(a, common // a.den)
            y, sy = self._scaled(b, common // b.den)
            t = self.let(f"{x} {sign} {y}")
            return self.num(t, common, self.bounds.add(sx, sy), unk=unk, err=err)
        ad, sad = self._den(a)
        bd, sbd = self._den(b)
        n = self.let(f"{a.val} * {bd} {sign} {b.val} * {ad}")
        d = self.let(f"{ad} * {bd}", "d")
        return self.num(n, d, self.bounds.add(self.bounds.mul(a.slot, sbd),
                                              self.bounds.mul(b.slot, sad)),
                        self.bounds.mul(sad, sbd), unk, err)

    def mul(self, a: V, b: V) -> V:
        unk, err = self.either(a.unk, b.unk, hint="u"), self.either(a.err, b.err)
        if a.const is not None and b.const is not None:
            return self.number(a.const * b.const)
        if b.const is not None and isinstance(a.den, int):
            a, b = b, a
        if a.const is not None and isinstance(b.den, int):  # a constant times a static value
            p, q = a.const.numerator, a.const.denominator
            den = b.den * q
            g = math.gcd(p, den)
            p, den = p // g, den // g
            if p == 0:
                return replace(self.number(Fraction(0)), unk=unk, err=err)
            if p == 1:
                return self.num(b.val, self._static(den), b.slot, unk=unk, err=err)
            t = self.let(f"{b.val} * {p}" if p > 0 else f"{b.val} * ({p})")
            return self.num(t, self._static(den), self.bounds.scale(b.slot, p), unk=unk,
                            err=err)
        if isinstance(a.den, int) and isinstance(b.den, int):
            t = self.let(f"{a.val} * {b.val}")
            return self.num(t, self._static(a.den * b.den), self.bounds.mul(a.slot, b.slot),
                            unk=unk, err=err)
        ad, sad = self._den(a)
        bd, sbd = self._den(b)
        n = self.let(f"{a.val} * {b.val}")
        d = self.let(f"{ad} * {bd}", "d")
        return self.num(n, d, self.bounds.mul(a.slot, b.slot), self.bounds.mul(sad, sbd), unk,
                        err)

    def div(self, a: V, b: V) -> V:
        if b.const is not None and b.const != 0:
            return self.mul(a, self.number(1 / b.const))
        unk, err = self.either(a.unk, b.unk, hint="u"), self.either(a.err, b.err)
        if b.const is not None:  # a division by the constant zero
            e = self.let(f"({unk} == 0) * {DIVISION_BY_ZERO}" if unk else
                         str(DIVISION_BY_ZERO), "e")
            return self.placeholder("num", unk, self.either(err, e))
        ad, sad = self._den(a)
        bd, sbd = self._den(b)
        # den > 0: the sign moves to the numerator; a zero divisor gives 0/1 and the error
        sign = self.let(f"1 - 2 * ({b.val} < 0)", "g")
        zero = self.let(f"{b.val} == 0", "c")
        n = self.let(f"{a.val} * {bd} * {sign} * ({zero} ^ True)")
        d = self.let(f"{ad} * {b.val} * {sign} + {zero}", "d")
        zero = self.flag(zero, DIVISION_BY_ZERO, unk)
        return self.num(n, d, self.bounds.mul(a.slot, sbd),
                        self.bounds.max(self.bounds.mul(sad, b.slot), self.bounds.const(1)),
                        unk, self.either(err, zero))

    def neg(self, a: V) -> V:
        if a.const is not None:
            return self.number(-a.const)
        return replace(a, val=self.let(f"-{a.val}"), const=None)

    def absolute(self, a: V) -> V:
        if a.const is not None:
            return self.number(abs(a.const))
        return replace(a, val=self.let(f"abs({a.val})"), const=None)

    def _pair(self, a: V, b: V) -> tuple[str, str]:
        """Two integers ordered as the numbers are (aligned or cross-multiplied)."""
        if isinstance(a.den, int) and isinstance(b.den, int):
            common = self._static(_lcm(a.den, b.den))
            x, sx = self._scaled(a, common // a.den)
            y, sy = self._scaled(b, common // b.den)
            self.bounds.max(sx, sy)
            return x, y
        ad, sad = self._den(a)
        bd, sbd = self._den(b)
        self.bounds.mul(a.slot, sbd)
        self.bounds.mul(b.slot, sad)
        return f"{a.val} * {bd}", f"{b.val} * {ad}"

    def compare_expr(self, a: V, b: V, op: str) -> str:
        if a.kind == "num" and b.kind == "num":
            x, y = self._pair(a, b)
            return f"({x} {op} {y})"
        if a.kind != b.kind:
            raise Unsupported(f"comparing {a.kind} with {b.kind}")
        return f"({a.val} {op} {b.val})"

    def extreme(self, a: V, b: V, fn: str) -> V:
        unk, err = self.either(a.unk, b.unk, hint="u"), self.either(a.err, b.err)
        if a.const is not None and b.const is not None:
            return self.number(min(a.const, b.const) if fn == "min" else max(a.const, b.const))
        if isinstance(a.den, int) and isinstance(b.den, int):
            common = self._static(_lcm(a.den, b.den))
            x, sx = self._scaled(a, common // a.den)
            y, sy = self._scaled(b, common // b.den)
            return self.num(self.let(f"{fn}({x}, {y})"), common, self.bounds.max(sx, sy),
                            unk=unk, err=err)
        ad, sad = self._den(a)
        bd, sbd = self._den(b)
        x, y = self._pair(a, b)
        take = self.let(f"{y} {'<' if fn == 'min' else '>'} {x}", "c")
        n = self.let(_pick(take, b.val, a.val))
        d = self.let(_pick(take, bd, ad), "d")
        return self.num(n, d, self.bounds.max(a.slot, b.slot), self.bounds.max(sad, sbd), unk,
                        err)

    def round(self, a: V, places: int, mode: str) -> V:
        """``exact.round_to``: the value to ``places`` decimals, in integers."""
        scale = 10**places
        if isinstance(a.den, int) and scale % a.den == 0:
            return a  # already a multiple of the quantum: unchanged
        if a.const is not None:
            from maatwerk.engine.exact import round_to
            return self.number(Fraction(round_to(a.const, places, mode)))
        result_den = scale
        den = 1
        if isinstance(a.den, int):
            g = math.gcd(scale, a.den)
            factor, den = scale // g, a.den // g
            scaled, ss = self._scaled(a, factor)
            d, sd = str(den), self.bounds.const(den)
        else:
            scaled, ss = self._scaled(a, scale)
            d, sd = a.den, a.dslot
        # One division per mode (d > 0); ``x // y`` floors:
        #   floor  s // d                 ceil      -((-s) // d)
        #   round  sign(s) * ((2|s| + d) // 2d)      (half away from zero)
        #   truncate  sign(s) * (|s| // d)
        #   half even  q = (2s + d) // 2d (half up), minus one at an exact tie with q odd
        s = self.let(scaled, "r")
        two = str(2 * den) if isinstance(a.den, int) else f"(2 * {d})"
        if mode == "floor":
            n = self.let(f"{s} // {d}", "r")
        elif mode == "ceil":
            n = self.let(f"-((-{s}) // {d})", "r")
        elif mode == "truncate":
            q = self.let(f"abs({s}) // {d}", "r")
            n = self.let(f"{q} * (1 - 2 * ({s} < 0))", "r")
        elif mode == "round":
            q = self.let(f"(2 * abs({s}) + {d}) // {two}", "r")
            n = self.let(f"{q} * (1 - 2 * ({s} < 0))", "r")
        elif mode == "round_half_even":
            up = self.let(f"2 * {s} + {d}", "r")
            q = self.let(f"{up} // {two}", "r")
            n = self.let(f"{q} - (({q} % 2 != 0) & ({up} % {two} == 0))", "r")
        else:
            raise Unsupported(f"rounding mode {mode}")
        self.bounds.add(self.bounds.scale(ss, 2), sd)
        self.bounds.scale(sd, 2)
        slot = self.bounds.plus(self.bounds.quotient(ss, den if isinstance(a.den, int) else 1), 1)
        return self.num(n, result_den, slot, unk=a.unk, err=a.err)

    def integer(self, a: V) -> tuple[str, int]:
        """The whole number of a numeric value (floored, as the numpy backend does)."""
        if a.kind != "num":
            raise Unsupported("a date function with a non-number")
        d, _ = self._den(a)
        if isinstance(a.den, int) and a.den == 1:
            return a.val, a.slot
        return self.let(f"{a.val} // {d}", "i"), self.bounds.plus(a.slot, 1)

    # -- merging branches -----------------------------------------------------------------------

    def choice(self, arms: Sequence[tuple[str | None, Thunk]]) -> V:
        """``if c1: arm1 elif c2: arm2 ... else: last``, every arm compiled into its own block.

        Small arms are evaluated for every row and the value picked without a branch (every
        operation the kernel emits is total, and a value's errors and unknowns travel with it
        and are picked the same way, so evaluating an arm that is not taken changes nothing);
        larger ones become ``if``/``elif`` blocks that assign common locals. Either way the
        values are aligned to one representation first."""
        compiled: list[tuple[str | None, Block, V]] = []
        for cond, thunk in arms:
            block = Block()
            with self.into(block):
                compiled.append((cond, block, thunk()))
        real = [(block, v) for _, block, v in compiled if not v.placeholder]
        if len(real) == 1 and not real[0][0].items and all(
                v.unk is None and v.err is None for _, _, v in compiled if v.placeholder):
            return real[0][1]  # one value that costs nothing: the others are placeholders
        if len(compiled) == 1:
            self.block.items.extend(compiled[0][1].items)
            return compiled[0][2]
        assert compiled[-1][0] is None, "a choice ends with an else"
        target, parts = self._merge([v for _, _, v in compiled])
        if sum(block.size() for _, block, _ in compiled) <= EAGER_LINES:
            for _, block, _ in compiled:
                self.block.items.extend(block.items)
            conds = [c for c, _, _ in compiled[:-1] if c is not None]
            picked = []
            for index in range(4):
                acc = parts[-1][index]
                boolean = index == 0 and target.kind == "bool"
                for cond, part in zip(reversed(conds), reversed(parts[:-1]), strict=True):
                    if part[index] != acc:
                        acc = self.let(_pick_bool(cond, part[index], acc) if boolean else
                                       _pick(cond, part[index], acc), "p")
                picked.append(acc)
            return replace(target, val=picked[0],
                           den=target.den if isinstance(target.den, int) else picked[1],
                           unk=None if target.unk is None else picked[2],
                           err=None if target.err is None else picked[3])
        for k, ((cond, block, _), part) in enumerate(zip(compiled, parts, strict=True)):
            with self.into(block):
                self._assign(target, part)
            if cond is None:
                self.attach("else:", block)
                break
            self.attach(f"{'if' if k == 0 else 'elif'} {cond}:", block)
        return target

    def _ready(self, value: V, block: Block) -> Thunk:
        """A thunk of a value compiled already: it moves the code into the arm's block."""
        def thunk() -> V:
            self.block.items.extend(block.items)
            return value
        return thunk

    def _assign(self, target: V, part: tuple[str, str, str, str]) -> None:
        self.line(f"{target.val} = {part[0]}")
        if not isinstance(target.den, int):
            self.line(f"{target.den} = {part[1]}")
        if target.unk is not None:
            self.line(f"{target.unk} = {part[2]}")
        if target.err is not None:
            self.line(f"{target.err} = {part[3]}")

    def _merge(self, values: Sequence[V]) -> tuple[V, list[tuple[str, str, str, str]]]:
        """New locals for one value taken from ``values``, in a representation all of them
        fit (numbers: the least common denominator, or a per-row one if any has it); and per
        value the expressions of value, denominator, unknown and error in that form."""
        real = [v for v in values if not v.placeholder] or list(values)
        kind = real[0].kind
        if any(v.kind != kind for v in real):
            raise Unsupported("branches of different kinds")
        unk = self.tmp("u") if any(v.unk is not None for v in values) else None
        err = self.tmp("e") if any(v.err is not None for v in values) else None
        val = self.tmp("v")
        parts: list[tuple[str, str, str, str]] = []
        if kind != "num":
            slot = self.bounds.max(*(v.slot for v in values)) if kind == "date" else -1
            parts = [(v.val, "1", v.unk or "0", v.err or "0") for v in values]
            return V(kind, val, 1, unk, err, slot), parts
        if all(isinstance(v.den, int) for v in real):
            common = 1
            for v in real:
                assert isinstance(v.den, int)
                common = self._static(_lcm(common, v.den))
            slots = []
            for v in values:
                assert isinstance(v.den, int)
                scaled, slot = self._scaled(v, 1 if v.placeholder else common // v.den)
                slots.append(slot)
                parts.append((scaled, "1", v.unk or "0", v.err or "0"))
            return V("num", val, common, unk, err, self.bounds.max(*slots)), parts
        den = self.tmp("d")
        dslots = []
        for v in values:
            d, sd = self._den(v)
            dslots.append(sd)
            parts.append((v.val, d, v.unk or "0", v.err or "0"))
        return V("num", val, den, unk, err, self.bounds.max(*(v.slot for v in values)),
                 self.bounds.max(*dslots)), parts

    def same_expr(self, a: V, b: V) -> str:
        """Whether two values are equal (as ``==`` in the scalar engine)."""
        return self.compare_expr(a, b, "==")

    # -- expressions ----------------------------------------------------------------------------

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
            _pick_bool(t.val, pa[0], pb[0]) if a.kind == "bool" else _pick(t.val, pa[0], pb[0]),
            "v"), den=value.den if isinstance(value.den, int) else self.let(
            _pick(t.val, pa[1], pb[1]), "d"))
        same = self.same_expr(a, b)
        agree = " & ".join([f"({x} == 0)" for x in (a.unk, b.unk) if x] + [same])
        doubt = self.let(f"{self.either(t.unk, a.unk, b.unk, hint='u')} * (({agree}) ^ True)",
                         "u")
        taken = _pick(t.val, a.unk or "0", b.unk or "0")
        unk = self.let(_pick(known_test, taken, doubt), "u")
        err = None
        if a.err is not None or b.err is not None:
            taken = _pick(t.val, a.err or "0", b.err or "0")
            both = self.either(a.err, b.err)
            assert both is not None
            err = self.let(_pick(known_test, taken, both), "e")
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
            arms.append((f"{key.val} == {self.text(k)}", _given(table[k])))
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

    # -- tables ---------------------------------------------------------------------------------

    def table(self, table: TableDef, scope: Scope) -> V:
        """A decision table as the scalar engine walks it: row by row, stopping at a condition
        that is unknown and (first hit) at the first match. Every row's condition is computed;
        ``open`` says whether the scalar engine would have evaluated it, and only then do its
        errors, its unknown and its match count."""
        policy, aggregate = table.hit_policy, table.aggregate
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
        kind = _table_kind(table)

        def stopped() -> V:
            return self.placeholder(kind, tu, None)

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
        return replace(result, err=self.either(te, result.err))

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
                    val = self.let(_pick(take, part[0], acc.val), "v")
                    den = part[1] if static else self.let(_pick(take, part[1], str(acc.den)),
                                                          "d")
                acc = replace(target, val=val, den=target.den if static else den, unk=None,
                              err=None)
                found = m if found is None else self.let(f"{found} | {m}", "c")
            assert acc is not None
            return replace(acc, unk=unk, err=err)
        # sum (the default aggregate)
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
            total = self.let(_pick(m, f"{total} * {d} + {part[0]} * {den}", total))
            den = self.let(_pick(m, f"{den} * {d}", den), "d")
            slot = self.bounds.add(self.bounds.mul(slot, sd), self.bounds.mul(v.slot, dslot))
            dslot = self.bounds.mul(dslot, sd)
        return self.num(total, den, slot, dslot, unk, err)

    # -- the kernel -----------------------------------------------------------------------------

    def rule(self, name: str, scope: Scope, overrides: Sequence[tuple[str, Formula]] = ()
             ) -> V:
        """A rule or table in a scope; ``overrides`` (applied-flag, formula) in order, a later
        one winning, replace the rule's formula where their category applies."""
        if name in self.reg.tables:
            def base() -> V:
                return self.table(self.reg.tables[name], scope)
        else:
            formula = self.kp.formulas[name]

            def base() -> V:
                return self.expr(formula.expr, scope)
        if not overrides:
            return base()
        arms: list[tuple[str | None, Thunk]] = [
            (flag, partial(self.expr, f.expr, scope))
            for flag, f in reversed(overrides)]
        arms.append((None, base))
        return self.choice(arms)

    def generate(self) -> Generated:
        reg, kp = self.reg, self.kp
        body = Block()
        prologue: list[str] = []
        scope = Scope({}, {name: self.param(v) for name, v in kp.params.items()},
                      set(kp.params))
        with self.into(body):
            self._read_inputs(scope, prologue)
            for name in kp.order:
                if kp.graph[name] <= scope.invariant | {"peildatum"}:
                    with self.into(self.prologue):
                        scope.names[name] = self._stable(self.rule(name, scope), f"s_{name}")
                    scope.invariant.add(name)
                    continue
                value = self.rule(name, scope)
                scope.names[name] = self._stable(value, f"s_{name}")
            conditions = {c.name: self._stable(self.expr(c.when.expr, scope), f"q_{c.name}")
                          for c in reg.categories.values()}
            applied, conflict = self._select(conditions)
            final = self._category_layer(scope, applied)
            result = self._write(scope, conditions, applied, conflict, final)
        head = self._header(prologue)
        lines: list[str] = []
        for fn in HELPERS:
            lines += ["", "", DECORATOR, inspect.getsource(fn).rstrip()]
        lines += ["", "", DECORATOR, *head]
        if self.prologue.items:
            self.prologue.render(1, lines)
        lines.append("    for i in range(start, stop):")
        body.render(2, lines)
        lines.append("    return -1 - count")
        result.source = "\n".join(_module_header() + lines) + "\n"
        return result

    def _stable(self, v: V, name: str) -> V:
        """A value under a readable name (rules and conditions, for reading the source)."""
        if v.const is not None or v.placeholder:
            return v
        self.line(f"{name} = {v.val}")
        return replace(v, val=name)

    def _read_inputs(self, scope: Scope, prologue: list[str]) -> None:
        """Read the row's inputs.

        A number outside its input's declared ``min``/``max`` refuses the case (MW601, as the
        scalar engine refuses it before evaluating anything) and is replaced by zero; those
        bounds are then also its magnitude in the overflow proof. Any other number or date
        beyond its proven magnitude ends the kernel with the row's index (one unsigned
        comparison per value: ``x + lim`` in unsigned integers, which wrap around by definition,
        is above ``2 lim`` exactly when ``|x| > lim``). Both without a branch but
        the one that ends the kernel (measured: faster than testing all bounds at once and
        sorting out a failing row on a slow path)."""
        checks = []
        for j, spec in enumerate(self.layout):
            local = f"v_{spec.name}"
            unk = None
            if spec.unknown:
                unk = f"vu_{spec.name}"
                self.line(f"{unk} = mu{j}[i]")
            if spec.kind == "num":
                self.line(f"{local} = a{j}[i]")
                low, high = self._declared(spec)
                sides = [] if low is None else [f"({local} < {low})"]
                sides += [] if high is None else [f"({local} > {high})"]
                if sides:
                    bad = self.let(" | ".join(sides), "c")
                    self.line(f"{local} = {local} * ({bad} ^ True)")
                    self.invalid.append(self.flag(bad, INVALID_INPUT, unk))
                if low is not None and high is not None:
                    slot = self.bounds.const(max(abs(low), abs(high)))
                else:
                    prologue.append(f"lim{j} = np.uint64(lim[{j}])")
                    prologue.append(f"width{j} = lim{j} + lim{j}")
                    checks.append(f"(np.uint64({local}) + lim{j} > width{j})")
                    slot = self.bounds.input(j)
                scope.names[spec.name] = V("num", local, spec.den, unk, None, slot)
            elif spec.kind == "date":
                self.line(f"{local} = a{j}[i]")
                if "days_limit = np.uint64(DATE_LIMIT)" not in prologue:
                    prologue.append("days_limit = np.uint64(DATE_LIMIT)")
                    prologue.append("days_width = days_limit + days_limit")
                checks.append(f"(np.uint64({local}) + days_limit > days_width)")
                scope.names[spec.name] = V("date", local, 1, unk, None, self.bounds.input(j))
            elif spec.kind == "code":
                self.line(f"{local} = int(a{j}[i])")
                scope.names[spec.name] = V("code", local, 1, unk)
            else:
                self.line(f"{local} = a{j}[i]")
                scope.names[spec.name] = V("bool", local, 1, unk)
        if checks:
            self.line(f"if {' | '.join(checks)}:")
            self.line("    return i")

    def _declared(self, spec: InputSpec) -> tuple[int | None, int | None]:
        """The declared bounds of a numeric input as bounds of its numerator. Not for an input
        that is another regulation's output: the scalar engine checks the facts it is given,
        not the values it decides."""
        inp = self.reg.inputs.get(spec.name)
        if inp is None or spec.name in self.reg.references():
            return None, None
        low = high = None
        if inp.minimum is not None:
            low = math.ceil(Fraction(inp.minimum) * spec.den)
        if inp.maximum is not None:
            high = math.floor(Fraction(inp.maximum) * spec.den)
        return low, high

    def _select(self, conditions: dict[str, V]) -> tuple[dict[str, str], str | None]:
        """Per category, a flag for whether it applies to the row; and the conflict error."""
        reg = self.reg
        member = {}
        for name, c in conditions.items():
            member[name] = self.let(f"{c.val} & ({c.unk} == 0)" if c.unk else c.val, "c")
        applied: dict[str, str] = {}
        conflict = None
        cats = self.kp.categories
        if not cats:
            return applied, None
        if reg.category_policy == "unique":
            count = self.let(" + ".join(f"({member[c.name]} * 1)" for c in cats), "n")
            conflict = self.let(f"({count} > 1) * {TWO_CATEGORIES}", "e")
            for cat in cats:
                applied[cat.name] = self.let(f"{member[cat.name]} & ({count} == 1)",
                                             f"ap_{cat.name}_")
        elif reg.category_policy == "first":
            taken = "False"
            for cat in cats:
                flag = self.let(f"{member[cat.name]} & ({taken} ^ True)", f"ap_{cat.name}_")
                taken = self.let(f"{taken} | {flag}", "c")
                applied[cat.name] = flag
        else:
            pairs = []
            for i, a in enumerate(cats):
                for b in cats[i + 1:]:
                    if a.overrides() & b.overrides() and (a.precedence is None or
                                                          a.precedence == b.precedence):
                        pairs.append(f"({member[a.name]} & {member[b.name]})")
            if pairs:
                conflict = self.let(f"({' | '.join(pairs)}) * {TWO_CATEGORIES}", "e")
            for cat in cats:
                applied[cat.name] = self.let(member[cat.name], f"ap_{cat.name}_")
        return applied, conflict

    def _affected(self) -> set[str]:
        changed: set[str] = set()
        for c in self.kp.categories:
            changed |= c.overrides()
        graph = self.kp.graph
        return {n for n in self.kp.order if reachable(graph, [n]) & changed}

    def _category_layer(self, scope: Scope, applied: dict[str, str]) -> dict[str, V]:
        """Every output with the row's categories applied (the standard value where none
        applies or where no category changes what it depends on)."""
        reg, kp = self.reg, self.kp
        final = {o: scope.names[o] for o in reg.outputs}
        affected = self._affected()
        outputs = [o for o in reg.outputs if o in affected]
        if not applied or not outputs:
            return final
        any_applied = self.let(" | ".join(applied.values()), "c")
        inner = Block()
        computed: dict[str, V] = {}
        with self.into(inner):
            overridden = {p for c in kp.categories for p in c.parameters}
            layered = Scope(dict(scope.names), dict(scope.params),
                            scope.invariant - overridden - affected)
            for name in sorted({p for c in kp.categories for p in c.parameters}):
                layered.params[name] = self._layered_param(name, applied, scope.params[name])
            for name in kp.order:
                if name not in affected:
                    continue
                overrides = [(applied[c.name], c.rules[name].formula) for c in kp.categories
                             if name in c.rules]
                layered.names[name] = self._stable(self.rule(name, layered, overrides),
                                                   f"k_{name}")
            computed = {o: layered.names[o] for o in outputs}
        other = Block()
        for o in outputs:
            target, (to_cat, to_std) = self._merge([computed[o], scope.names[o]])
            with self.into(inner):
                self._assign(target, to_cat)
            with self.into(other):
                self._assign(target, to_std)
            final[o] = target
        self.attach(f"if {any_applied}:", inner)
        self.attach("else:", other)
        self.any_applied = any_applied
        return final

    def _layered_param(self, name: str, applied: dict[str, str],
                       standard: V | dict[str, V]) -> V | dict[str, V]:
        overriders = [c for c in self.kp.categories if name in c.parameters]
        values = {c.name: self.param(self.kp.category_params[c.name][name]) for c in overriders}
        if isinstance(standard, dict):
            out: dict[str, V] = {}
            for key, std in standard.items():
                arms: list[tuple[str | None, Thunk]] = []
                for c in reversed(overriders):
                    table = values[c.name]
                    if not isinstance(table, dict) or key not in table:
                        raise Unsupported(f"category {c.name} lacks key {key} of {name}")
                    arms.append((applied[c.name], _given(table[key])))
                arms.append((None, _given(std)))
                out[key] = self.choice(arms)
            return out
        arms = []
        for c in reversed(overriders):
            value = values[c.name]
            if isinstance(value, dict):
                raise Unsupported(f"category {c.name} gives {name} keys")
            arms.append((applied[c.name], _given(value)))
        arms.append((None, _given(standard)))
        return self.choice(arms)

    def _write(self, scope: Scope, conditions: dict[str, V], applied: dict[str, str],
               conflict: str | None, final: dict[str, V]) -> Generated:
        reg = self.reg
        has_categories = bool(self.kp.categories)
        graph = self.kp.graph
        outputs: dict[str, OutSpec] = {}
        standard: dict[str, OutSpec] | None = {} if has_categories else None
        unknowns: list[str] = []
        errors: list[str | None] = [conflict, *self.invalid]
        errors += [c.err for c in conditions.values()]
        deciding: dict[str, int] = {}
        for o in reg.outputs:
            s = scope.names[o]
            f = final[o]
            needs = reachable(graph, [o])
            extra = [c.unk for name, c in conditions.items()
                     if c.unk and needs & reg.categories[name].overrides()]
            if extra:
                f = replace(f, unk=self.either(f.unk, *extra, hint="u"))
            outputs[o] = self._store(f)
            if standard is not None:
                standard[o] = self._store(s) if f is not s else outputs[o]
            if f.unk:
                unknowns.append(f.unk)
            errors += [f.err, s.err]
            if has_categories:
                deciding[o] = self._deciding(f, s, changed=f is not s and bool(applied))
        categories = {}
        for name, flag in applied.items():
            categories[name] = self.n_bool
            self.line(f"ob[{self.n_bool}, i] = {flag}")
            self.n_bool += 1
        may_err, may_unknown = self._status(self.either(*errors),
                                            self.either(*unknowns, hint="u"))
        return Generated("", self.layout, tuple(self.texts), (), self.n_int, self.n_bool,
                         self.n_code, self.n_small, outputs, standard, categories, deciding,
                         may_err, may_unknown)

    def _deciding(self, f: V, s: V, changed: bool) -> int:
        """The deciding layer of one output: the category layer where a category applies and
        the value (or whether it is known) differs from the standard layer's."""
        row = self.n_small
        self.n_small += 1
        if not changed:
            self.line(f"od[{row}, i] = 0")
        else:
            known = f"((({f.unk or 0}) == 0) == (({s.unk or 0}) == 0))"
            same = self.same_expr(f, s)
            self.line(f"od[{row}, i] = {self.any_applied} & (({same} & {known}) ^ True)")
        return row

    def _status(self, error: str | None, unknown: str | None) -> tuple[bool, bool]:
        """The cases that are refused or indeterminate, usually few: listed (row, error bits,
        unknown bits) in ``op`` from position ``start`` on, counted in ``count``; the others
        are determined. Whether errors and unknowns can occur at all."""
        if error is not None or unknown is not None:
            block = Block()
            with self.into(block):
                self.line("op[0, start + count] = i")
                self.line(f"op[1, start + count] = {error or 0}")
                self.line(f"op[2, start + count] = {unknown or 0}")
                self.line("count += 1")
            self.attach(f"if ({self.either(error, unknown)}) != 0:", block)
        return error is not None, unknown is not None

    def _int_row(self, expr: str) -> int:
        found = self.rows.get(expr)
        if found is not None:
            return found
        row = self.n_int
        self.rows[expr] = row
        self.n_int += 1
        self.line(f"oi[{row}, i] = {expr}")
        return row

    def _store(self, v: V) -> OutSpec:
        unk_row = self._int_row(v.unk) if v.unk else -1
        err_row = self._int_row(v.err) if v.err else -1
        if v.kind == "bool":
            row = self.n_bool
            self.n_bool += 1
            self.line(f"ob[{row}, i] = {v.val}")
            return OutSpec("bool", row, 1, -1, unk_row, err_row)
        if v.kind == "code":
            row = self.n_code
            self.n_code += 1
            self.line(f"oc[{row}, i] = {v.val}")
            return OutSpec("code", row, 1, -1, unk_row, err_row)
        if v.kind == "date":
            return OutSpec("date", self._int_row(v.val), 1, -1, unk_row, err_row)
        if isinstance(v.den, int):
            return OutSpec("num", self._int_row(v.val), v.den, -1, unk_row, err_row)
        g = self.let(f"gcd({v.val}, {v.den})", "g")  # a den is positive: g >= 1
        num = self._int_row(f"{v.val} // {g}")
        den = self._int_row(f"{v.den} // {g}")
        return OutSpec("num", num, None, den, unk_row, err_row)

    def _header(self, prologue: list[str]) -> list[str]:
        args = ["start", "stop", "day", "lits", "lim"]
        for j, spec in enumerate(self.layout):
            args.append(f"a{j}")
            if spec.unknown:
                args.append(f"mu{j}")
        args += ["oi", "ob", "oc", "od", "op"]
        head = [f"def kernel({', '.join(args)}):"]
        head += [f"    lit{k} = lits[{k}]" for k in range(len(self.texts))]
        head += ["    " + p for p in prologue]
        head.append("    count = 0")
        return head

    def proof(self) -> tuple[int, ...]:
        """The largest magnitude each input may have (numbers: in the kernel's denominator)."""
        numeric = [j for j, s in enumerate(self.layout) if s.kind == "num"]
        fixed = [DATE_LIMIT if s.kind == "date" else 0 for s in self.layout]
        limits = self.bounds.thresholds(numeric, fixed)
        if limits is None:
            raise Unsupported("the formulas overflow int64 even for small inputs")
        return tuple(limits)


def _pick(condition: str, a: str, b: str) -> str:
    """``a if condition else b`` without a branch, for integers whose difference fits in int64
    (every value the kernel holds is below 2**62 in magnitude, every bitmask non-negative)."""
    if a == b:
        return a
    if b == "0":
        return f"{a} * ({condition})"
    if a == "0":
        return f"{b} * (({condition}) ^ True)"
    return f"{b} + ({a} - {b}) * ({condition})"


def _pick_bool(condition: str, a: str, b: str) -> str:
    return f"(({condition}) & {a}) | ((({condition}) ^ True) & {b})"


def _given(value: V) -> Thunk:
    return lambda: value


def _texts(node: ir.Node) -> set[str] | None:
    """The texts an expression can have when it is made of text literals and ``if``s; None when
    it can have others (an input, a rule)."""
    if isinstance(node, ir.Lit):
        return {node.value} if isinstance(node.value, str) else None
    if isinstance(node, ir.If):
        a, b = _texts(node.then), _texts(node.other)
        return a | b if a is not None and b is not None else None
    return None


def _table_kind(table: TableDef) -> str:
    kind = table.type.kind
    if kind in NUMBER_KINDS:
        return "num"
    return {"bool": "bool", "date": "date"}.get(kind, "code")


def _module_header() -> list[str]:
    return ['"""A kernel generated by maatwerk.engine.vector.kernel_codegen; do not edit."""',
            "", "import numpy as np", "from numba import njit", "", "CACHE = True",
            f"DATE_LIMIT = {DATE_LIMIT}"]


def generate(reg: Regulation, kp: KernelPlan, layout: Sequence[InputSpec]) -> Generated:
    """The kernel of ``reg``'s plan ``kp`` for input columns laid out as ``layout``."""
    gen = Generator(reg, kp, layout)
    result = gen.generate()
    result.limits = gen.proof()
    return result
