"""Calendar arithmetic in integers, for the compiled kernels.

A date is the number of days since 1970-01-01 (what ``datetime64[D]`` holds). These functions are
plain Python; the kernel generator copies their source into each generated module, where they are
compiled with numba beside the kernel (so a kernel's source, and its disk cache, covers every
function it calls). The tests run them as plain Python against ``datetime``.

``civil`` and ``days`` are Howard Hinnant's ``civil_from_days`` and ``days_from_civil`` (public
domain), with Python's floor division; they are exact for every day an int64 can count.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

EPOCH = dt.date(1970, 1, 1)
MIN_DAY = (dt.date(1, 1, 1) - EPOCH).days  # the first and last day the scalar engine can hold
MAX_DAY = (dt.date(9999, 12, 31) - EPOCH).days


def civil(z: int) -> tuple[int, int, int]:
    """Year, month (1-12) and day (1-31) of day number ``z``."""
    z = z + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    y = yoe + era * 400 + (1 if m <= 2 else 0)
    return y, m, d


def days(y: int, m: int, d: int) -> int:
    """Day number of a valid date."""
    y = y - (1 if m <= 2 else 0)
    era = y // 400
    yoe = y - era * 400
    mp = m - 3 if m > 2 else m + 9
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def month_days(y: int, m: int) -> int:
    """The number of days of month ``m`` (1-12) of year ``y``."""
    if m == 2:
        return 29 if y % 4 == 0 and (y % 100 != 0 or y % 400 == 0) else 28
    if m == 4 or m == 6 or m == 9 or m == 11:  # noqa: PLR1714 - numba compiles no set here
        return 30
    return 31


def fdiv(x: int, d: int) -> int:
    """``x // d`` for ``d > 0``, exact when ``|x| <= 2**50 * d`` and ``d < 2**53``: a quotient
    estimated in floating point (within 1/4 of ``x / d``, so its floor is off by at most one),
    corrected by the remainder. Unlike an integer division it compiles to vector
    instructions."""
    q = np.int64(np.floor(np.float64(x) / np.float64(d)))
    r = x - q * d
    return int(q - (r < 0) + (r >= d))


def gcd(a: int, b: int) -> int:
    """The greatest common divisor of two integers (at least 1 when ``b`` is not zero)."""
    a = -a if a < 0 else a
    b = -b if b < 0 else b
    while b != 0:
        a, b = b, a % b
    return a


HELPERS = (civil, days, month_days, fdiv, gcd)
