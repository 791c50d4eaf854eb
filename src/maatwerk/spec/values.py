"""Reading typed values (parameter values, test data, case inputs from the CLI or JSON).

Runtime representation: ``bool``; ``int`` for integer; ``Decimal`` for decimal and money (exact,
never a binary float); ``datetime.date``; ``str`` for text and enumerations.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from maatwerk.spec.types import Type

MAX_DIGITS = 15
MAX_DECIMALS = 12
_NUMBER = re.compile(r"[-+]?[0-9]+(_[0-9]{3})*(\.[0-9]+)?\Z")
_LIMIT = 10**MAX_DIGITS
_TRUE = {"true", "ja", "yes", "1"}
_FALSE = {"false", "nee", "no", "0"}


class ValueProblem(ValueError):
    """A value does not fit its type; the message says what was expected, ``code`` which error
    it is (MW203 a wrong form, MW305 a number too large or too precise)."""

    def __init__(self, message: str, code: str = "MW203") -> None:
        super().__init__(message)
        self.code = code


def _number(value: Any, what: str) -> Decimal:
    if isinstance(value, bool):
        raise ValueProblem(f"expected {what}, not true/false")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str):
        return _text_number(value, what)
    else:
        raise ValueProblem(f"expected {what}")
    return _within_limits(number, value, what)


@functools.lru_cache(maxsize=4096)
def _text_number(value: str, what: str) -> Decimal:
    """A number written as text (kept: cases, records and the API give amounts as text, the same
    ones again and again); a text that is no number raises each time, it is not kept."""
    text = value.strip().removeprefix("€").strip()
    if "," in text:
        raise ValueProblem(f"expected {what} written with a decimal point and no thousands "
                           "separators, like 2112.50")
    if not _NUMBER.match(text):
        raise ValueProblem(f"expected {what}")
    return _within_limits(Decimal(text.replace("_", "")), value, what)


def _within_limits(number: Decimal, value: Any, what: str) -> Decimal:
    if not number.is_finite():
        raise ValueProblem(f"expected {what}, not {value}")
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    whole = len(digits) + exponent
    if whole > MAX_DIGITS:
        raise ValueProblem(f"a number may have at most {MAX_DIGITS} digits before the decimal "
                           "point", "MW305")
    if exponent < -MAX_DECIMALS:
        raise ValueProblem(f"a number may have at most {MAX_DECIMALS} decimals", "MW305")
    return number


def coerce(value: Any, type_: Type) -> Any:
    """``value`` in the runtime representation of ``type_``; raises ``ValueProblem``."""
    kind = type_.kind
    fast = type(value)
    if fast is int and kind in ("money", "decimal") and -_LIMIT < value < _LIMIT:
        return Decimal(value)
    if fast is Decimal and kind in ("money", "decimal"):
        # A Decimal from Python is taken as given when finite and below the size limit; text
        # (the CLI, JSON, YAML) is held to the digit limits below.
        if value.is_finite() and value.adjusted() < MAX_DIGITS:
            return value
    elif (fast is int and kind == "integer" and -_LIMIT < value < _LIMIT) or (
            fast is bool and kind == "bool") or (fast is str and kind == "text"):
        return value
    elif fast is str and kind == "money":
        return _text_number(value, "an amount in euros")
    if value is None:
        raise ValueProblem(f"expected {_describe(type_)}, not an empty value")
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise ValueProblem("expected true or false")
    if kind == "integer":
        number = _number(value, "a whole number")
        if number != number.to_integral_value():
            raise ValueProblem("expected a whole number")
        return int(number)
    if kind == "money":
        return _number(value, "an amount in euros")
    if kind == "decimal":
        if isinstance(value, str) and value.strip().endswith("%"):
            return _number(value.strip()[:-1], "a percentage like 13.7%") / 100
        return _number(value, "a number or a percentage like 13.7%")
    if kind == "date":
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise ValueProblem("expected a date written as YYYY-MM-DD")
    if kind == "enum":
        if isinstance(value, str) and value in type_.values:
            return value
        raise ValueProblem(f"expected one of: {', '.join(type_.values)}")
    if isinstance(value, str):
        if len(value) > 10_000:
            raise ValueProblem("expected a text of at most 10,000 characters")
        return value
    raise ValueProblem("expected text")


def _describe(type_: Type) -> str:
    return {"bool": "true or false", "integer": "a whole number", "decimal": "a number",
            "money": "an amount in euros", "date": "a date", "text": "text"}.get(
        type_.kind, f"one of: {', '.join(type_.values)}")


def to_json(value: Any) -> Any:
    """A value as JSON: amounts and decimals as exact strings, dates as ISO text. A binary float
    (a rate or share computed for a chart, never a value of a case) is written as the shortest
    decimal that reads back as the same float (0.1 as "0.1", not its exact binary expansion)."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        number = Decimal(repr(value))
        return format(number, "f") if number.is_finite() and abs(number.adjusted()) < 30 else (
            str(number))
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return str(Decimal(value))
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
