"""Emitting a kernel's source: values as the generator holds them, blocks of lines and scopes,
and ``Emitter``, the base of the generator: fresh locals, lines in the current block, nested
blocks and the prologue (what is computed once, before the loop), text literals and constants.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from maatwerk.engine.vector.kernel_bounds import Bounds
from maatwerk.engine.vector.kernel_dates import EPOCH, MAX_DAY, MIN_DAY
from maatwerk.engine.vector.kernel_plan import KernelPlan, Unsupported
from maatwerk.engine.vector.kernel_spec import InputSpec
from maatwerk.spec import ir
from maatwerk.spec.model import Regulation

DATE_LIMIT = max(-MIN_DAY, MAX_DAY) + 1  # input dates beyond the calendar go to numpy
EAGER_LINES = 24  # arms of a choice up to this many lines in all are evaluated without branching


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


def lcm(a: int, b: int) -> int:
    return a * b // math.gcd(a, b)


class Emitter:
    """The state of one kernel's generation and the means to emit code: one plan for one input
    layout."""

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

    def _stable(self, v: V, name: str) -> V:
        """A value under a readable name (rules and conditions, for reading the source)."""
        if v.const is not None or v.placeholder:
            return v
        self.line(f"{name} = {v.val}")
        return replace(v, val=name)

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


def pick(condition: str, a: str, b: str) -> str:
    """``a if condition else b`` without a branch, for integers whose difference fits in int64
    (every value the kernel holds is below 2**62 in magnitude, every bitmask non-negative)."""
    if a == b:
        return a
    if b == "0":
        return f"{a} * ({condition})"
    if a == "0":
        return f"{b} * (({condition}) ^ True)"
    return f"{b} + ({a} - {b}) * ({condition})"


def pick_bool(condition: str, a: str, b: str) -> str:
    return f"(({condition}) & {a}) | ((({condition}) ^ True) & {b})"


def given(value: V) -> Thunk:
    return lambda: value
