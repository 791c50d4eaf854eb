"""Learning an interpretable membership condition from examples: a short conjunction of tests
on features (``leefvorm == 'alleenstaande_ouder' and aantal_kostendelers >= 2``), written in the
regulation's own formula language.

The learner is *sequential covering* with *FOIL gain* (Quinlan, 1990), small enough to read:

1. Grow one rule from ``true``: among all tests — ``x >= t`` and ``x <= t`` for a number (``t``
   a value a positive example has), ``x == v`` for a choice (``v`` a value a positive example
   has), ``x`` and ``not x`` for a yes/no — take the one with the highest FOIL gain
   ``p1 · (log2 p1/(p1+n1) − log2 p0/(p0+n0))`` that keeps at least ``min_support`` positives
   and makes the rule *more significant*: the hypergeometric probability of covering so many
   positives by chance must go down (so a test that buys a little precision with much coverage
   is not added), and it must exclude at least a tenth of the negatives still covered
   (``min_effect``: a test that only trims an outlier is noise). Stop after ``max_literals``
   tests, when no test qualifies, or when the rule is ``pure`` (a precision of 0.9: a further
   test would mostly fit the exceptions). A test may only use a feature every case still
   covered has (so a condition never asks for what a case lacks: an earlier test is false for a
   case without it).
2. Prune: drop a test whose removal does not lower the rule's (Laplace) precision.
3. Keep the rule when it has at least ``min_support`` positives, a precision of at least
   ``min_precision``, and is unlikely to be chance: the hypergeometric probability of at least
   that many positives among the cases it covers, times the number of tests tried (Bonferroni),
   below ``alpha``.
4. Remove the cases the rule covers and grow the next, until ``max_rules`` or too few positives.

Thresholds are written as round numbers: any threshold between the last covered value and the
next one splits the examples alike, and the roundest number in that gap is chosen (``€25000``
rather than ``€24817.33``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import numpy as np

from maatwerk.insight.features import BOOL, CHOICE, Feature

ORIGIN_RANK = {"input": 0, "rule": 1, "table": 1}  # on equal gain, a fact before a derived name
STEPS = tuple(Decimal(m) * Decimal(10) ** k for k in range(9, -7, -1) for m in (5, 1))
FINEST = {"integer": Decimal(1), "money": Decimal("0.01")}


@dataclass(frozen=True)
class Literal:
    """One test: ``feature op value`` (``is``/``not`` for a yes/no; ``==`` on a choice's code)."""

    feature: Feature
    op: str
    value: float = 1.0

    def mask(self, column: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            if self.op == ">=":
                return np.asarray(column >= self.value)
            if self.op == "<=":
                return np.asarray(column <= self.value)
            if self.op == "not":
                return np.asarray(column == 0)
            if self.op == "is":
                return np.asarray(column == 1)
            return np.asarray(column == self.value)

    def formula(self) -> str:
        f = self.feature
        if f.kind == BOOL:
            return f.name if self.op == "is" else f"not {f.name}"
        if f.kind == CHOICE:
            return f"{f.name} == {quote(f.values[int(self.value)])}"
        return f"{f.name} {self.op} {number_literal(self.value, f.type.kind)}"


def quote(text: str) -> str:
    """A text literal of the formula language."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def number_literal(value: float, kind: str) -> str:
    """A number as a literal of its type: ``3``, ``0.25``, ``€1500.50``."""
    exact = Decimal(repr(float(value))).quantize(Decimal("0.01") if kind == "money" else Decimal(
        "0.000001")).normalize()
    text = format(exact, "f")
    if kind == "integer":
        text = str(int(exact))
    return f"€{text}" if kind == "money" else text


@dataclass(frozen=True)
class Rule:
    """A conjunction of tests and how many positive and negative examples it covers."""

    literals: tuple[Literal, ...]
    positives: int
    negatives: int
    chance: float = 1.0  # the Bonferroni-corrected probability of covering so many by chance

    @property
    def precision(self) -> float:
        covered = self.positives + self.negatives
        return self.positives / covered if covered else 0.0

    def mask(self, columns: Mapping[str, np.ndarray], size: int) -> np.ndarray:
        found = np.ones(size, dtype=bool)
        for lit in self.literals:
            found &= lit.mask(columns[lit.feature.name])
        return found

    def formula(self) -> str:
        return " and ".join(lit.formula() for lit in self.literals) or "true"


@dataclass(frozen=True)
class Settings:
    min_support: int = 10
    min_precision: float = 0.5
    max_literals: int = 3
    max_rules: int = 5
    alpha: float = 0.01
    pure: float = 0.9  # stop growing a rule at this precision
    min_effect: float = 0.1  # a test excludes at least this share of the negatives covered


def learn(features: Sequence[Feature], columns: Mapping[str, np.ndarray], labels: np.ndarray,
          settings: Settings = Settings()) -> list[Rule]:
    """The rules that single out the positive ``labels``, best first (see the module)."""
    labels = np.asarray(labels, dtype=bool)
    active = np.ones(labels.size, dtype=bool)
    found: list[Rule] = []
    while len(found) < settings.max_rules and (labels & active).sum() >= settings.min_support:
        literals, tried = _grow(features, columns, labels, active, settings)
        literals = _prune(literals, columns, labels, active)
        if not literals:
            break
        covered = Rule(literals, 0, 0).mask(columns, labels.size)
        here = covered & active
        p, n = int((here & labels).sum()), int((here & ~labels).sum())
        chance = min(1.0, math.exp(log_tail(int(active.sum()), int((labels & active).sum()),
                                            p + n, p)) * max(tried, 1))
        rule = Rule(literals, p, n, chance)
        if p < settings.min_support or rule.precision < settings.min_precision or (
                chance >= settings.alpha):
            break
        found.append(rule)
        active &= ~covered
    return found


def _gain(p: np.ndarray, n: np.ndarray, p0: int, n0: int) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        base = math.log2(p0 / (p0 + n0))
        gain = p * (np.log2(p / (p + n)) - base)
    return np.where(p > 0, gain, -np.inf)


def _grow(features: Sequence[Feature], columns: Mapping[str, np.ndarray], labels: np.ndarray,
          active: np.ndarray, s: Settings) -> tuple[tuple[Literal, ...], int]:
    covered = active.copy()
    total, positives = int(active.sum()), int((labels & active).sum())
    chosen: list[Literal] = []
    tried = 0
    while len(chosen) < s.max_literals:
        p0, n0 = int((covered & labels).sum()), int((covered & ~labels).sum())
        if p0 == 0 or p0 / (p0 + n0) >= s.pure:
            break
        now = log_tail(total, positives, p0 + n0, p0) if chosen else 0.0
        ranked: list[tuple[tuple[float, int, int, int], Literal, int, int]] = []
        for rank, f in enumerate(features):
            column = columns[f.name]
            if np.isnan(column[covered]).any():
                continue
            for lit, p, n in _candidates(f, column, covered, labels):
                tried += 1
                gain = float(_gain(np.array([p]), np.array([n]), p0, n0)[0])
                if p >= s.min_support and gain > 1e-9 and n0 - n >= s.min_effect * n0:
                    ranked.append(((round(gain, 9), p, -ORIGIN_RANK[f.origin], -rank), lit, p,
                                   n))
        ranked.sort(key=lambda r: r[0], reverse=True)
        best = next((lit for _, lit, p, n in ranked
                     if log_tail(total, positives, p + n, p) < now - 1e-9), None)
        if best is None:
            break
        chosen.append(best)
        covered &= best.mask(columns[best.feature.name])
    return tuple(chosen), tried


def _candidates(f: Feature, column: np.ndarray, covered: np.ndarray, labels: np.ndarray
                ) -> list[tuple[Literal, int, int]]:
    x = column[covered]
    y = labels[covered]
    if f.kind == BOOL:
        return [(Literal(f, op), int((y & m).sum()), int((~y & m).sum()))
                for op, m in (("is", x == 1), ("not", x == 0))]
    if f.kind == CHOICE:
        return [(Literal(f, "==", v), int((y & (x == v)).sum()), int((~y & (x == v)).sum()))
                for v in np.unique(x[y])]
    values, inverse = np.unique(x, return_inverse=True)
    pos = np.bincount(inverse, weights=y, minlength=values.size)
    neg = np.bincount(inverse, weights=~y, minlength=values.size)
    found: list[tuple[Literal, int, int]] = []
    at_or_above_p, at_or_above_n = np.cumsum(pos[::-1])[::-1], np.cumsum(neg[::-1])[::-1]
    at_or_below_p, at_or_below_n = np.cumsum(pos), np.cumsum(neg)
    for i in np.nonzero(pos)[0]:
        if i > 0:  # x >= values[i]: a real cut only above the smallest value
            t = _roundest(values[i - 1], values[i], up=True, kind=f.type.kind)
            found.append((Literal(f, ">=", t), int(at_or_above_p[i]), int(at_or_above_n[i])))
        if i < values.size - 1:
            t = _roundest(values[i], values[i + 1], up=False, kind=f.type.kind)
            found.append((Literal(f, "<=", t), int(at_or_below_p[i]), int(at_or_below_n[i])))
    return found


def _roundest(low: float, high: float, *, up: bool, kind: str) -> float:
    """The roundest number in ``(low, high]`` (``up``) or ``[low, high)``: any of them splits
    the values alike. Computed in decimals, so a cut never slips onto a neighbouring value."""
    lo, hi = Decimal(repr(float(low))), Decimal(repr(float(high)))
    finest = FINEST.get(kind, Decimal("0.000001"))
    for step in STEPS:
        if step < finest:
            break
        if up:
            candidate = (lo / step).to_integral_value(rounding=ROUND_FLOOR) * step + step
            if lo < candidate <= hi:
                return float(candidate)
        else:
            candidate = (hi / step).to_integral_value(rounding=ROUND_CEILING) * step - step
            if lo <= candidate < hi:
                return float(candidate)
    return high if up else low


def _prune(literals: tuple[Literal, ...], columns: Mapping[str, np.ndarray],
           labels: np.ndarray, active: np.ndarray) -> tuple[Literal, ...]:
    def laplace(lits: tuple[Literal, ...]) -> float:
        m = Rule(lits, 0, 0).mask(columns, labels.size) & active
        return (float((m & labels).sum()) + 1) / (float(m.sum()) + 2)

    kept = literals
    for lit in literals:
        fewer = tuple(x for x in kept if x is not lit)
        if fewer and _asks_only_what_is_there(fewer, columns, active) and (
                laplace(fewer) >= laplace(kept)):
            kept = fewer
    return kept


def _asks_only_what_is_there(literals: tuple[Literal, ...], columns: Mapping[str, np.ndarray],
                             active: np.ndarray) -> bool:
    """Whether each test's feature is present in every case the tests before it cover."""
    covered = active.copy()
    for lit in literals:
        column = columns[lit.feature.name]
        if np.isnan(column[covered]).any():
            return False
        covered &= lit.mask(column)
    return True


def log_tail(total: int, positives: int, drawn: int, hits: int) -> float:
    """The natural logarithm of P(X >= hits) for X hypergeometric: ``drawn`` cases out of
    ``total`` of which ``positives`` are positive (summed from ``hits`` up until the terms no
    longer matter)."""
    def log_choose(n: int, k: int) -> float:
        return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)

    top = min(positives, drawn)
    low = max(hits, drawn - (total - positives))
    if low > top:
        return -math.inf
    denominator = log_choose(total, drawn)
    first = (log_choose(positives, low) + log_choose(total - positives, drawn - low)
             - denominator)
    acc = 1.0
    for x in range(low + 1, top + 1):
        term = math.exp(log_choose(positives, x) + log_choose(total - positives, drawn - x)
                        - denominator - first)
        acc += term
        if term < 1e-12 * acc and x > (drawn * positives) / max(total, 1):
            break
    return min(0.0, first + math.log(acc))
