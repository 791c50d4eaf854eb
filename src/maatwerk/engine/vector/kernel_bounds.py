"""Proving that a kernel cannot overflow: a small program of magnitude bounds.

While the code generator emits the kernel's integer arithmetic, it records beside every integer it
computes an upper bound of that integer's magnitude, as a *slot* of this program: a constant, the
largest magnitude an input may have, or a sum, product, maximum, ... of earlier slots. The bounds
are exact Python integers and only ever over-estimate (an ``if`` takes the larger branch, a sum
the sum of magnitudes, a division by a row's denominator is bounded as if that denominator were
one), so when every slot stays below ``LIMIT`` no intermediate of the kernel can leave int64.

A division by a constant is computed from a floating-point estimate (``kernel_dates.fdiv``),
which is exact while the quotient stays below ``FLOAT_QUOTIENT``: that too is a condition of the
program.

The generator then chooses, per numeric input, the largest magnitude (a power of two) for which
the whole program holds; the kernel checks each value it reads against it and reports the first
row that exceeds it, and the batch is decided by the numpy backend instead. A proof therefore
costs one comparison per input value, not a check per operation.
"""

from __future__ import annotations

from collections.abc import Sequence

LIMIT = 2**62  # every intermediate stays below this; leaves room for a sign, a +1, a doubling
MAX_BITS = 62
FLOAT_QUOTIENT = 2**50  # a quotient estimated in floating point is exact up to this magnitude


class Bounds:
    """The magnitude program of one kernel; slots are indices into it."""

    def __init__(self) -> None:
        self.ops: list[tuple[str, int, int, tuple[int, ...]]] = []
        self._consts: dict[int, int] = {}

    def _op(self, op: str, a: int = -1, k: int = 0, args: tuple[int, ...] = ()) -> int:
        self.ops.append((op, a, k, args))
        return len(self.ops) - 1

    def const(self, value: int) -> int:
        value = abs(value)
        found = self._consts.get(value)
        if found is None:
            found = self._op("c", k=value)
            self._consts[value] = found
        return found

    def input(self, index: int) -> int:
        return self._op("in", k=index)

    def add(self, *slots: int) -> int:
        return self._op("+", args=slots)

    def mul(self, a: int, b: int) -> int:
        return self._op("*", args=(a, b))

    def scale(self, a: int, factor: int) -> int:
        return a if abs(factor) == 1 else self._op("k*", a, abs(factor))

    def plus(self, a: int, constant: int) -> int:
        return self._op("k+", a, abs(constant))

    def max(self, *slots: int) -> int:
        if len(set(slots)) == 1:
            return slots[0]
        return self._op("max", args=slots)

    def quotient(self, a: int, divisor: int) -> int:
        """A bound of ``x // divisor`` (divisor > 0) when ``|x|`` is bounded by ``a``."""
        return self._op("//", a, divisor)

    def estimated(self, a: int, divisor: int) -> None:
        """``x // divisor`` is computed from a floating-point estimate (``fdiv``): exact while
        ``|x|``, bounded by ``a``, is at most ``FLOAT_QUOTIENT * divisor``."""
        self._op("fdiv", a, divisor)

    def holds(self, inputs: Sequence[int]) -> bool:
        """Whether every slot stays below ``LIMIT`` when input ``j`` has magnitude at most
        ``inputs[j]``."""
        values: list[int] = []
        append = values.append
        for op, a, k, args in self.ops:
            if op == "c":
                v = k
            elif op == "in":
                v = inputs[k]
            elif op == "+":
                v = sum(values[s] for s in args)
            elif op == "*":
                v = values[args[0]] * values[args[1]]
            elif op == "k*":
                v = values[a] * k
            elif op == "k+":
                v = values[a] + k
            elif op == "max":
                v = max(values[s] for s in args)
            elif op == "fdiv":
                if values[a] > FLOAT_QUOTIENT * k:
                    return False
                v = 0
            else:  # "//"
                v = values[a] // k + 1
            if v >= LIMIT:
                return False
            append(v)
        return True

    def thresholds(self, numeric: Sequence[int], fixed: Sequence[int]) -> list[int] | None:
        """The largest magnitudes (powers of two) of the ``numeric`` inputs for which the
        program holds, the others at ``fixed``; None when it fails even for tiny inputs.

        First one common size for all numeric inputs, then each input raised on its own."""
        sizes = list(fixed)

        def fits(bits: dict[int, int]) -> bool:
            trial = list(sizes)
            for j, b in bits.items():
                trial[j] = 1 << b
            return self.holds(trial)

        if not fits(dict.fromkeys(numeric, 0)):
            return None
        low, high = 0, MAX_BITS
        while low < high:  # the largest common size that fits
            mid = (low + high + 1) // 2
            if fits(dict.fromkeys(numeric, mid)):
                low = mid
            else:
                high = mid - 1
        bits = dict.fromkeys(numeric, low)
        for j in numeric:
            lo, hi = bits[j], MAX_BITS
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if fits({**bits, j: mid}):
                    lo = mid
                else:
                    hi = mid - 1
            bits[j] = lo
        for j, b in bits.items():
            sizes[j] = 1 << b
        return sizes
