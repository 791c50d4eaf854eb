"""Funnel plots: is a unit's rate beyond what chance explains?

A unit (a caseworker, a team, a channel) with ``n`` cases of which ``x`` count (say: decided
with a deviation) has the rate ``x / n``. Against a target rate ``p`` (the rate over all units),
a unit's count is expected to follow the binomial distribution ``B(n, p)`` if nothing but chance
set it apart. The control limits are that distribution's quantiles divided by ``n``: 95 % of
units lie between the 2.5 % and 97.5 % quantiles, 99.8 % between the 0.1 % and 99.9 %
quantiles. Drawn against ``n`` the limits form a funnel: wide for few cases, narrow for many.

The quantiles are exact (the binomial distribution summed, not the normal approximation, which
is too narrow in the upper tail when ``p`` is small), and smoothed between whole counts as in
Spiegelhalter, *Funnel plots for comparing institutional performance* (Statistics in Medicine
24, 2005), appendix A.1.1: with ``r`` the smallest count whose cumulative probability ``F(r)``
reaches the level ``q``, the limit is ``(r - a) / n`` with ``a = (F(r) - q) / (F(r) - F(r-1))``.

A unit is an *outlier* when its rate lies outside the 99.8 % limits at its own ``n`` and it has
at least ``MIN_CASES`` cases; outside the 95 % limits only, it is a *warning* (one unit in
twenty lies there by chance alone, so a warning is not an alarm).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

PLACES = Decimal("0.0001")
WARN, ALARM = 0.95, 0.998  # the two levels of the funnel
MIN_CASES = 10  # fewer cases are drawn but never judged


def _window(n: int, p: float) -> tuple[int, int]:
    """The counts outside which the binomial has no mass worth summing (< 1e-30)."""
    sd = math.sqrt(n * p * (1 - p))
    return max(0, math.floor(n * p - 14 * sd - 2)), min(n, math.ceil(n * p + 14 * sd + 2))


def quantiles(n: int, p: float, levels: tuple[float, ...]) -> list[float]:
    """The smoothed quantiles of ``B(n, p)`` at the ascending ``levels``, as counts
    (Spiegelhalter's interpolation), in one pass over the distribution."""
    if p <= 0.0 or n == 0:
        return [0.0 for _ in levels]
    if p >= 1.0:
        return [float(n) for _ in levels]
    low, high = _window(n, p)
    pmf = math.exp(math.lgamma(n + 1) - math.lgamma(low + 1) - math.lgamma(n - low + 1)
                   + low * math.log(p) + (n - low) * math.log1p(-p))
    odds = p / (1 - p)
    found: list[float] = []
    total = 0.0
    for r in range(low, high + 1):
        total += pmf
        while len(found) < len(levels) and total >= levels[len(found)]:
            found.append(r - ((total - levels[len(found)]) / pmf if pmf > 0 else 0.0))
        if len(found) == len(levels):
            return found
        pmf *= (n - r) / (r + 1) * odds
    return found + [float(high)] * (len(levels) - len(found))


def limit(n: int, p: float, q: float) -> float:
    """The control limit at level ``q`` (a rate) for a unit of ``n`` cases."""
    return 0.0 if n == 0 else min(1.0, max(0.0, quantiles(n, p, (q,))[0] / n))


def _rate(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(PLACES)


LEVELS = ((1 - ALARM) / 2, (1 - WARN) / 2, 1 - (1 - WARN) / 2, 1 - (1 - ALARM) / 2)
NAMES = ("low_998", "low_95", "high_95", "high_998")


@functools.lru_cache(maxsize=8192)
def _limits(n: int, p: float) -> tuple[float, ...]:
    """The four limits as rates (kept: a funnel asks for the same ones again, and so does the
    next request when the target rate did not change)."""
    return tuple(0.0 if n == 0 else min(1.0, max(0.0, c / n))
                 for c in quantiles(n, p, LEVELS))


@functools.lru_cache(maxsize=8192)
def _rates(n: int, p: float) -> tuple[Decimal, ...]:
    return tuple(_rate(value) for value in _limits(n, p))


def limits(n: int, p: float) -> dict[str, Decimal]:
    """The four limits (rates) for ``n`` cases around the target rate ``p``."""
    return dict(zip(NAMES, _rates(n, p), strict=True))


@dataclass(frozen=True)
class Unit:
    """One point of the funnel: a unit's name, its cases and how many of them count."""

    name: str
    n: int
    x: int
    extra: tuple[tuple[str, Any], ...] = ()  # carried into the point as it is (team, ...)


def judge(n: int, x: int, p: float) -> str:
    """``high`` or ``low`` beyond the 99.8 % limits, ``warn_high`` or ``warn_low`` beyond the
    95 % limits only, else ``within`` (also for fewer than ``MIN_CASES`` cases)."""
    if n < MIN_CASES:
        return "within"
    rate = x / n
    low_998, low_95, high_95, high_998 = _limits(n, p)
    if rate > high_998:
        return "high"
    if rate < low_998:
        return "low"
    if rate > high_95:
        return "warn_high"
    if rate < low_95:
        return "warn_low"
    return "within"


def grid(largest: int, points: int = 48) -> list[int]:
    """The case counts at which the limit lines are drawn: from ``MIN_CASES`` (fewer are never
    judged) up to a bit past ``largest``, spaced evenly on a log scale."""
    top = max(MIN_CASES + 1, math.ceil(largest * 1.1))
    span = math.log(top / MIN_CASES)
    steps = {round(MIN_CASES * math.exp(span * i / (points - 1))) for i in range(points)}
    return sorted(steps | {top})


def funnel(units: list[Unit]) -> dict[str, Any]:
    """The funnel of ``units``: the target rate (all units together), each unit with its rate,
    its limits and its judgement, and the limit lines to draw."""
    n = sum(u.n for u in units)
    x = sum(u.x for u in units)
    p = x / n if n else 0.0
    points = []
    for u in units:
        verdict = judge(u.n, u.x, p) if n else "within"
        points.append({"name": u.name, **dict(u.extra), "cases": u.n, "count": u.x,
                       "rate": None if u.n == 0 else (Decimal(u.x) / Decimal(u.n)).quantize(
                           PLACES), **limits(u.n, p), "judgement": verdict,
                       "outlier": verdict in ("high", "low")})
    largest = max((u.n for u in units), default=0)
    lines = [{"cases": k, **limits(k, p)} for k in grid(largest)] if n else []
    return {"cases": n, "count": x,
            "target": None if n == 0 else (Decimal(x) / Decimal(n)).quantize(PLACES),
            "min_cases": MIN_CASES, "levels": ["0.95", "0.998"], "points": points,
            "lines": lines, "outliers": [pt["name"] for pt in points if pt["outlier"]]}
