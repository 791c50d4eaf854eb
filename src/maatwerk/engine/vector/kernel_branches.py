"""Merging branches: one value chosen from several arms, each compiled into its own block.

Small arms are evaluated for every row and the value picked without a jump; larger ones become
``if``/``elif`` blocks that assign common locals. Either way the values are first brought to one
representation (``_merge``): for numbers the least common denominator, or a per-row one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from maatwerk.engine.vector.kernel_emit import (
    EAGER_LINES,
    Block,
    Thunk,
    V,
    lcm,
    pick,
    pick_bool,
)
from maatwerk.engine.vector.kernel_numbers import Numbers
from maatwerk.engine.vector.kernel_plan import Unsupported


class Branches(Numbers):
    """Choices between values: ``choice``, and the merging of values into one representation."""

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
                        acc = self.let(pick_bool(cond, part[index], acc) if boolean else
                                       pick(cond, part[index], acc), "p")
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
                common = self._static(lcm(common, v.den))
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
