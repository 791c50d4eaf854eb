"""Exact rationals in the kernel: numbers as an integer numerator over a denominator that is a
constant wherever it can be (aligned on the least common multiple while generating) and a local
after dividing by a value that varies per row; sums, products, quotients, comparisons, minimum
and maximum, and rounding in integers with the modes of ``exact.round_to``. Every integer emitted
gets a slot in the magnitude program (``kernel_bounds``).
"""

from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction

from maatwerk.engine.vector.columns import DIVISION_BY_ZERO
from maatwerk.engine.vector.kernel_bounds import LIMIT
from maatwerk.engine.vector.kernel_emit import Emitter, V, lcm, pick
from maatwerk.engine.vector.kernel_plan import Unsupported


class Numbers(Emitter):
    """The arithmetic of numeric values (``V`` of kind num)."""

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
            common = self._static(lcm(a.den, b.den))
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
            common = self._static(lcm(a.den, b.den))
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
            common = self._static(lcm(a.den, b.den))
            x, sx = self._scaled(a, common // a.den)
            y, sy = self._scaled(b, common // b.den)
            return self.num(self.let(f"{fn}({x}, {y})"), common, self.bounds.max(sx, sy),
                            unk=unk, err=err)
        ad, sad = self._den(a)
        bd, sbd = self._den(b)
        x, y = self._pair(a, b)
        take = self.let(f"{y} {'<' if fn == 'min' else '>'} {x}", "c")
        n = self.let(pick(take, b.val, a.val))
        d = self.let(pick(take, bd, ad), "d")
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
        static = isinstance(a.den, int)
        two = str(2 * den) if static else f"(2 * {d})"
        dividend = self.bounds.add(self.bounds.scale(ss, 2), sd)  # bounds every dividend below
        self.bounds.scale(sd, 2)

        def div(x: str, by: str, factor: int = 1) -> str:  # by: d, or 2d with factor 2
            return self.floordiv(x, by, den * factor if static else None, dividend)
        if mode == "floor":
            n = self.let(div(s, d), "r")
        elif mode == "ceil":
            n = self.let(f"-{div(f'(-{s})', d)}", "r")
        elif mode == "truncate":
            q = self.let(div(f"abs({s})", d), "r")
            n = self.let(f"{q} * (1 - 2 * ({s} < 0))", "r")
        elif mode == "round":
            q = self.let(div(f"(2 * abs({s}) + {d})", two, 2), "r")
            n = self.let(f"{q} * (1 - 2 * ({s} < 0))", "r")
        elif mode == "round_half_even":
            up = self.let(f"2 * {s} + {d}", "r")
            q = self.let(div(up, two, 2), "r")
            n = self.let(f"{q} - (({q} % 2 != 0) & ({up} - {q} * {two} == 0))", "r")
        else:
            raise Unsupported(f"rounding mode {mode}")
        slot = self.bounds.plus(self.bounds.quotient(ss, den if isinstance(a.den, int) else 1), 1)
        return self.num(n, result_den, slot, unk=a.unk, err=a.err)

    def integer(self, a: V) -> tuple[str, int]:
        """The whole number of a numeric value (floored, as the numpy backend does)."""
        if a.kind != "num":
            raise Unsupported("a date function with a non-number")
        d, _ = self._den(a)
        if isinstance(a.den, int) and a.den == 1:
            return a.val, a.slot
        static = a.den if isinstance(a.den, int) else None
        return self.let(self.floordiv(a.val, d, static, a.slot), "i"), self.bounds.plus(a.slot, 1)

    def floordiv(self, x: str, d: str, static: int | None, slot: int) -> str:
        """``x // d`` (``d > 0``; ``static`` its value when it is a constant, ``slot`` bounds
        ``|x|``): by a constant from a floating-point estimate, which compiles to vector
        instructions and is exact within the bound the proof then requires."""
        if static is None or static >= 2**53:
            return f"{x} // {d}"
        self.bounds.estimated(slot, static)
        return f"fdiv({x}, {d})"

    def same_expr(self, a: V, b: V) -> str:
        """Whether two values are equal (as ``==`` in the scalar engine)."""
        return self.compare_expr(a, b, "==")
