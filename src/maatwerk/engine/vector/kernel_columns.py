"""A population's columns laid out for a kernel: per input its kind, the denominator the kernel
is compiled for (numbers as integer numerators over one denominator, read as int64; per-row
decimal denominators brought to their power of ten) and whether it has missing values; or why the
kernel cannot read a column (big integers, denominators that are not decimal, ...). Columns are
passed as they are where the kernel can read them: an int32 or int16 column of numerators is not
widened first (numba compiles the kernel for those types).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from maatwerk.engine.vector import rational as r
from maatwerk.engine.vector.columns import Col
from maatwerk.engine.vector.kernel_plan import KernelPlan
from maatwerk.engine.vector.kernel_spec import InputSpec
from maatwerk.spec.model import Regulation

Layout = tuple[InputSpec, ...]


@dataclass
class Prepared:
    """A population's columns as the kernel reads them."""

    layout: Layout
    arrays: list[np.ndarray]

    def signature(self) -> tuple[str, ...]:
        """The arrays' types: a kernel is compiled once per combination."""
        return tuple(a.dtype.str for a in self.arrays)


def _kind(type_kind: str) -> str:
    if type_kind in ("integer", "decimal", "money"):
        return "num"
    if type_kind in ("bool", "date"):
        return type_kind
    return "code"


def _full(value: Any, n: int, dtype: Any) -> np.ndarray:
    array = np.asarray(value)
    if array.ndim == 0:
        return np.full(n, array, dtype=dtype)
    if array.shape != (n,):
        raise ValueError("a column of another length")
    return np.ascontiguousarray(array, dtype=dtype)


def _decimal_den(den: np.ndarray) -> int | None:
    """The power of ten that every per-row denominator divides, if there is a small one."""
    if den.size == 0:
        return 1
    for places in range(13):
        if not np.any((10**places) % den):
            return int(10**places)
    return None


def _number(q: Any, n: int) -> tuple[np.ndarray, int] | None:
    """An input number as int64 numerators over one denominator (what the kernel is compiled
    for); None when the kernel cannot read it."""
    if not isinstance(q, r.Q):
        return None
    num = np.asarray(q.num)
    if num.dtype == object or num.dtype.kind not in "iu":
        return None
    if num.dtype.itemsize == 8 and num.dtype != np.int64:
        if num.size and int(num.max()) >= 2**63:
            return None
        num = num.astype(np.int64)
    # narrower integers are read as they are (the kernel widens each value it reads)
    nums = _full(num, n, num.dtype if num.ndim else np.int64)
    if isinstance(q.den, np.ndarray):  # per-row denominators: over their power of ten
        dens = np.asarray(q.den)
        if dens.dtype == object or dens.shape != (n,):
            return None
        common = _decimal_den(dens)
        if common is None:
            return None
        factors = common // dens.astype(np.int64)
        nums = nums.astype(np.int64, copy=False)
        if n and int(np.max(np.abs(nums))) >= 2**62 // max(1, int(factors.max())):
            return None
        return nums * factors, common
    den = int(q.den)
    if den <= 0 or den >= 2**40:
        return None
    return nums, den


def prepare(reg: Regulation, kp: KernelPlan, population: Any) -> Prepared | str:
    """The population's columns laid out for the kernel, or why they cannot be."""
    n = population.n
    layout: list[InputSpec] = []
    arrays: list[np.ndarray] = []
    for name in kp.inputs:
        col: Col = population.cols[name]
        type_kind = reg.type_of(name).kind
        kind = _kind(type_kind)
        den = 1
        try:
            if kind == "num":
                found = _number(col.value, n)
                if found is None:
                    return f"column {name} is not in int64 form"
                values, den = found
            elif kind == "bool":
                values = _full(col.value, n, np.bool_)
            elif kind == "code":
                values = _full(col.value, n, np.int32)
            else:
                days = np.asarray(col.value)
                if days.dtype.kind != "M":
                    return f"column {name} does not hold dates"
                values = _full(days.astype("datetime64[D]").view(np.int64), n, np.int64)
            unknown = None
            if col.unknown is not None:
                unknown = _full(col.unknown, n, np.int64)
        except (ValueError, TypeError) as exc:
            return f"column {name}: {exc}"
        layout.append(InputSpec(name, kind, den, unknown is not None))
        arrays.append(values)
        if unknown is not None:
            arrays.append(unknown)
    return Prepared(tuple(layout), arrays)
