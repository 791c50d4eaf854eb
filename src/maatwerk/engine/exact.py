"""Exact arithmetic: the semantics of numbers and amounts in every backend.

Values are ``int``, ``Decimal`` or, after a division that does not terminate, ``Fraction``. Every
operation is exact: additions and products run in a 60-digit decimal context that traps any
rounding, and a result that would need rounding (a division such as 130/3) continues as an exact
fraction. Rounding happens only where a formula says so, with the mode it names.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from fractions import Fraction
from typing import Any

Number = int | Decimal | Fraction

CONTEXT = decimal.Context(
    prec=60, rounding=decimal.ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999,
    traps=[decimal.Inexact, decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow])

# Rounding is the one place where dropping digits is intended.
ROUNDING = decimal.Context(prec=60, Emax=999_999, Emin=-999_999,
                           traps=[decimal.InvalidOperation, decimal.Overflow])

_Exact = (TypeError, decimal.Inexact)
_add = CONTEXT.add
_sub = CONTEXT.subtract
_mul = CONTEXT.multiply
_div = CONTEXT.divide


def add(a: Any, b: Any) -> Any:
    if type(a) is int and type(b) is int:
        return a + b
    try:
        return _add(a, b)
    except _Exact:
        return Fraction(a) + Fraction(b)


def sub(a: Any, b: Any) -> Any:
    if type(a) is int and type(b) is int:
        return a - b
    try:
        return _sub(a, b)
    except _Exact:
        return Fraction(a) - Fraction(b)


def mul(a: Any, b: Any) -> Any:
    if type(a) is int and type(b) is int:
        return a * b
    try:
        return _mul(a, b)
    except _Exact:
        return Fraction(a) * Fraction(b)


def div(a: Any, b: Any) -> Any:
    """Exact division; raises ``ZeroDivisionError`` for a zero divisor."""
    if not b:
        raise ZeroDivisionError
    try:
        return _div(a, b)
    except _Exact:
        na, da = a.as_integer_ratio()
        nb, db = b.as_integer_ratio()
        return Fraction(na * db, da * nb)


def percent(a: Any) -> Any:
    """``a%``: a divided by 100."""
    return div(a, 100)


def neg(a: Any) -> Any:
    return CONTEXT.minus(a) if type(a) is Decimal else -a


def absolute(a: Any) -> Any:
    return CONTEXT.abs(a) if type(a) is Decimal else abs(a)


_MODES = {
    "round": decimal.ROUND_HALF_UP,
    "round_half_even": decimal.ROUND_HALF_EVEN,
    "floor": decimal.ROUND_FLOOR,
    "ceil": decimal.ROUND_CEILING,
    "truncate": decimal.ROUND_DOWN,
}
_QUANTUM = [Decimal(1).scaleb(-p) for p in range(13)]


def _round_ratio(num: int, den: int, places: int, mode: str) -> Decimal:
    """``num / den`` (``den`` > 0) rounded to ``places`` decimals, in integers only."""
    floor, rest = divmod(num * 10**places, den)  # 0 <= rest < den
    twice = 2 * rest
    if rest == 0 or mode == "floor":
        n = floor
    elif mode == "ceil":
        n = floor + 1
    elif mode == "truncate":
        n = floor if floor >= 0 else floor + 1
    elif twice != den:
        n = floor + (1 if twice > den else 0)
    elif mode == "round":  # a tie: away from zero
        n = floor + 1 if floor >= 0 else floor
    else:  # a tie: to even
        n = floor if floor % 2 == 0 else floor + 1
    return Decimal(n).scaleb(-places, CONTEXT)


def div_round(a: Any, b: Any, places: int, mode: str) -> Any:
    """``round_to(div(a, b), places, mode)`` without building a fraction."""
    if not b:
        raise ZeroDivisionError
    na, da = a.as_integer_ratio()
    nb, db = b.as_integer_ratio()
    num, den = na * db, da * nb
    if den < 0:
        num, den = -num, -den
    return _round_ratio(num, den, places, mode)


def round_to(value: Any, places: int, mode: str) -> Any:
    """``value`` rounded to ``places`` decimals with the named mode (see ``_MODES``)."""
    if type(value) is int:
        return value
    if type(value) is Fraction:
        return _round_ratio(value.numerator, value.denominator, places, mode)
    return value.quantize(_QUANTUM[places], rounding=_MODES[mode], context=ROUNDING)


def normal(value: Any) -> Any:
    """A fraction that has a finite decimal expansion as a ``Decimal``; others unchanged."""
    if type(value) is not Fraction:
        return value
    den = value.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    if den != 1:
        return value
    try:
        return CONTEXT.divide(Decimal(value.numerator), Decimal(value.denominator))
    except decimal.Inexact:  # more digits than the context holds: keep the fraction
        return value
