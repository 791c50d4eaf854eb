"""Exact rational arrays: the vectorised form of the scalar engine's numbers.

A ``Q`` is ``num / den`` elementwise, with ``den > 0``. ``num`` is an int64 array (an input
column may also hold narrower integers, widened by the first operation on them; or a Python
int, broadcast) and ``den`` a Python int (the usual case: a power of ten for decimals and
amounts) or an int64 array (after dividing by a column). Whenever a result could leave the int64
range the operation is redone on arrays of Python integers (``dtype=object``), so results are
exact whatever the numbers; rounding is done in integers with the same rules as
``maatwerk.engine.exact``. The two backends therefore agree to the cent by construction, and the
differential tests check it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

LIMIT = 2**62
Int = np.ndarray | int


def _int64(x: Int) -> Int:
    """An array of integers narrower than 64 bits as int64 (numpy computes int32 in int32 and
    would wrap around); anything else as it is."""
    if isinstance(x, np.ndarray) and x.dtype.kind in "iu" and x.dtype.itemsize < 8:
        return x.astype(np.int64)
    return x


def _magnitude(x: Int) -> int:
    if not isinstance(x, np.ndarray):
        return abs(x)
    x = np.asarray(_int64(x))
    if x.size == 0:
        return 0
    if x.dtype == object:
        return int(max((abs(v) for v in x.flat), default=0))
    return int(np.max(np.abs(x)))


def _wide(x: Int) -> Int:
    """The same values as Python integers (no overflow)."""
    if isinstance(x, int):
        return x
    return x.astype(object) if x.dtype != object else x


def _safe(*factors: Int) -> bool:
    product = 1
    for f in factors:
        product *= max(1, _magnitude(f))
        if product >= LIMIT:
            return False
    return True


def mul_int(a: Int, b: Int) -> Int:
    """``a * b`` exactly."""
    a, b = _int64(a), _int64(b)
    if _safe(a, b):
        return a * b
    return _wide(a) * _wide(b)


def add_int(a: Int, b: Int) -> Int:
    a, b = _int64(a), _int64(b)
    if _magnitude(a) < LIMIT // 2 and _magnitude(b) < LIMIT // 2:
        return a + b
    return _wide(a) + _wide(b)


def _gcd(a: Int, b: Int) -> Int:
    if isinstance(a, int) and isinstance(b, int):
        return math.gcd(a, b)
    if (isinstance(a, np.ndarray) and a.dtype == object) or (
            isinstance(b, np.ndarray) and b.dtype == object):
        return np.frompyfunc(math.gcd, 2, 1)(_wide(a), _wide(b))
    return np.gcd(a, b)


@dataclass(frozen=True, slots=True)
class Q:
    num: Int
    den: Int = 1

    @classmethod
    def of(cls, value: Any) -> Q:
        """A constant: an int, Decimal or Fraction."""
        if isinstance(value, bool):
            raise TypeError("a boolean is not a number")
        if isinstance(value, int):
            return cls(value, 1)
        ratio = Fraction(value)
        return cls(ratio.numerator, ratio.denominator)

    def reduced(self) -> Q:
        if isinstance(self.den, int) and self.den == 1:
            return self
        g = _gcd(self.num, self.den)
        if isinstance(g, int):
            return Q(self.num // g, self.den // g) if g > 1 else self
        g = np.where(g == 0, 1, g)
        return Q(self.num // g, self.den // g)


def _scale(q: Q, factor: Int) -> Int:
    return q.num if isinstance(factor, int) and factor == 1 else mul_int(q.num, factor)


def align(a: Q, b: Q) -> tuple[Int, Int, Int]:
    """Numerators over a common denominator, and that denominator."""
    if isinstance(a.den, int) and isinstance(b.den, int):
        common = a.den * b.den // math.gcd(a.den, b.den)
        return _scale(a, common // a.den), _scale(b, common // b.den), common
    return mul_int(a.num, b.den), mul_int(b.num, a.den), mul_int(a.den, b.den)


def add(a: Q, b: Q) -> Q:
    x, y, den = align(a, b)
    return Q(add_int(x, y), den)


def neg(a: Q) -> Q:
    return Q(-_int64(a.num), a.den)


def sub(a: Q, b: Q) -> Q:
    return add(a, neg(b))


def mul(a: Q, b: Q) -> Q:
    product = Q(mul_int(a.num, b.num), mul_int(a.den, b.den))
    return product if isinstance(product.den, int) else product.reduced()


def div(a: Q, b: Q) -> tuple[Q, np.ndarray | bool]:
    """``a / b`` and where ``b`` was zero (those places are 0/1, to be masked as errors)."""
    zero = b.num == 0
    num = mul_int(a.num, b.den)
    den = mul_int(a.den, b.num)
    if isinstance(den, int):
        if den == 0:
            return Q(0, 1), True
        if den < 0:
            num, den = -num, -den
        return Q(num, den).reduced(), False
    den = np.asarray(den)
    num = np.broadcast_to(np.asarray(num), den.shape) if not isinstance(num, np.ndarray) or (
        num.shape != den.shape) else num
    negative = den < 0
    num = np.where(negative, -num, num)
    den = np.where(negative, -den, den)
    den = np.where(den == 0, 1, den)
    num = np.where(zero, 0, num)
    return Q(num, den).reduced(), zero


def compare(a: Q, b: Q, op: str) -> np.ndarray | bool:
    x, y, _ = align(a, b)
    if op == "==":
        return x == y
    if op == "!=":
        return x != y
    if op == "<":
        return x < y
    if op == "<=":
        return x <= y
    if op == ">":
        return x > y
    return x >= y


def where(mask: np.ndarray | bool, a: Q, b: Q) -> Q:
    x, y, den = align(a, b)
    if isinstance(den, int):
        return Q(np.where(mask, x, y), den)
    da = np.broadcast_to(np.asarray(a.den), np.shape(mask)) if np.ndim(a.den) == 0 else a.den
    db = np.broadcast_to(np.asarray(b.den), np.shape(mask)) if np.ndim(b.den) == 0 else b.den
    return Q(np.where(mask, a.num, b.num), np.where(mask, da, db)).reduced()


def round_to(a: Q, places: int, mode: str) -> Q:
    """Rounding with the scalar engine's modes, in integers."""
    scale = 10**places
    if isinstance(a.den, int) and a.den == 1:
        return a
    scaled = mul_int(a.num, scale)
    floor = scaled // a.den
    rest = scaled - mul_int(floor, a.den)
    twice = mul_int(rest, 2)
    exact = rest == 0
    if mode == "floor":
        n = floor
    elif mode == "ceil":
        n = np.where(exact, floor, floor + 1)
    elif mode == "truncate":
        n = np.where(exact | (np.asarray(floor) >= 0), floor, floor + 1)
    else:
        up = twice > a.den
        tie = twice == a.den
        if mode == "round":
            up = up | (tie & (np.asarray(floor) >= 0))
        else:
            up = up | (tie & (np.asarray(floor) % 2 != 0))
        n = np.where(exact, floor, np.where(up, floor + 1, floor))
    n = np.asarray(n)
    if n.dtype != object:
        n = n.astype(np.int64, copy=False)
    return Q(n, scale)


def to_decimal(a: Q, i: int) -> Decimal | Fraction:
    """The value at position ``i`` as the scalar engine would hold it."""
    num = a.num if isinstance(a.num, int) else a.num[i] if np.ndim(a.num) else int(a.num)
    den = a.den if isinstance(a.den, int) else a.den[i] if np.ndim(a.den) else int(a.den)
    ratio = Fraction(int(num), int(den))
    d, twos, fives = ratio.denominator, 0, 0
    while d % 2 == 0:
        d, twos = d // 2, twos + 1
    while d % 5 == 0:
        d, fives = d // 5, fives + 1
    if d != 1:
        return ratio
    places = max(twos, fives)
    return Decimal(ratio.numerator * (10**places // ratio.denominator)).scaleb(-places)
