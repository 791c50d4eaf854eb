"""Columns: a value per person, which persons are still unknown (and waiting for which inputs),
and which could not be computed (and why).

``unknown`` is a bitmask per row, one bit per input (0: known): the vector form of the scalar
engine's ``Unknown.missing``. ``error`` is a bitmask of the refusals the scalar engine raises for
that case (division by zero, an impossible date, two matching rows, ...). Both are ``None`` when
no row has one, which keeps the common path fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

DIVISION_BY_ZERO = 1  # MW605
BAD_DATE = 2  # MW610
TWO_ROWS = 4  # MW607
NO_ROW = 8  # MW608
NO_KEY = 16  # MW609
TWO_CATEGORIES = 32  # MW606
INVALID_INPUT = 64  # MW601
CODES = {INVALID_INPUT: "MW601", DIVISION_BY_ZERO: "MW605", BAD_DATE: "MW610", TWO_ROWS: "MW607",
         NO_ROW: "MW608", NO_KEY: "MW609", TWO_CATEGORIES: "MW606"}

Mask = np.ndarray | None


class Interner:
    """Text values as integer codes, shared by a population and the formulas compiled for it:
    comparing and looking up codes is much faster than comparing strings."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}
        self.strings: list[str] = []

    def code(self, text: str) -> np.int32:
        found = self.codes.get(text)
        if found is None:
            found = len(self.strings)
            self.codes[text] = found
            self.strings.append(text)
        return np.int32(found)

    def column(self, values: Any) -> np.ndarray:
        uniques, inverse = np.unique(np.asarray(values, dtype=object).astype(str),
                                     return_inverse=True)
        lookup = np.array([self.code(str(u)) for u in uniques], dtype=np.int32)
        return lookup[inverse].astype(np.int32)


@dataclass(slots=True)
class Col:
    value: Any
    unknown: Mask = None
    error: Mask = None


def either(a: Mask, b: Mask) -> Mask:
    """The union of two bitmasks (``None`` is all zeros)."""
    if a is None:
        return b
    if b is None:
        return a
    return a | b


def pick(mask: Any, a: Mask, b: Mask, n: int) -> Mask:
    """``a`` where ``mask``, else ``b`` (bitmasks)."""
    if a is None and b is None:
        return None
    zero = np.zeros(n, dtype=np.int64)
    return np.where(mask, zero if a is None else a, zero if b is None else b)


def flag(condition: Any, bit: int, n: int) -> Mask:
    """``bit`` where ``condition`` holds (``None`` when it holds nowhere)."""
    if isinstance(condition, (bool, np.bool_)):
        return np.full(n, bit, dtype=np.int64) if condition else None
    if not np.any(condition):
        return None
    return np.where(condition, bit, 0).astype(np.int64)


def known(mask: Mask) -> Any:
    """Where the bitmask is zero (all True for ``None``)."""
    return True if mask is None else mask == 0
