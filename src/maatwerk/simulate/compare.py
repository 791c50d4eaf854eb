"""Comparing a baseline and a reform over a population: budget, winners and losers, the change
per income decile, the effect per category, and the expected manual caseload.

Everything is summed exactly (integers over a common denominator), and per batch into a
``Tally`` whose ``merge`` is associative, so a run split over batches or over a cluster gives the
same numbers as one run.

Manual caseload counts the cases that will need a person: refusals and undecidable cases (the
engine refuses or lacks inputs), every case of a regulation with an assessment (standard
maatwerk), and — where the regulation has an individual hardship clause on the output — the
*hardship candidates*: persons who lose more than the threshold (default: 10 % of their baseline
amount, at least € 100), who are the likely requests for maatwerk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from maatwerk.engine.vector import rational as r
from maatwerk.engine.vector.evaluate import Result
from maatwerk.spec.graph import full_graph, reachable
from maatwerk.spec.model import Regulation

DECILES = 10
HARDSHIP_SHARE = Fraction(1, 10)
HARDSHIP_MINIMUM = Fraction(100)


def _fractions(q: Any, n: int) -> tuple[np.ndarray, int] | None:
    """Values as integers over one denominator, or None when the denominator varies."""
    if not isinstance(q, r.Q) or not isinstance(q.den, int):
        return None
    return np.broadcast_to(np.asarray(q.num), (n,)), q.den


def amounts(result: Result, output: str) -> tuple[np.ndarray, int]:
    """An output as integers over a common denominator (exact)."""
    n = result.n
    value = result.outputs[output].value
    found = _fractions(value, n)
    if found is not None:
        return found
    values = [Fraction(str(result.value(output, i))) for i in range(n)]
    den = 1
    for v in values:
        den = den * v.denominator // np.gcd(den, v.denominator)
    return np.array([v.numerator * (den // v.denominator) for v in values], dtype=object), den


@dataclass
class Tally:
    """Exact sums over persons, mergeable across batches."""

    persons: int = 0
    weight: int = 0
    status_base: list[int] = field(default_factory=lambda: [0, 0, 0])
    status_reform: list[int] = field(default_factory=lambda: [0, 0, 0])
    budget_base: Fraction = Fraction(0)
    budget_reform: Fraction = Fraction(0)
    winners: int = 0
    losers: int = 0
    unchanged: int = 0
    gains: Fraction = Fraction(0)
    losses: Fraction = Fraction(0)
    decile_count: list[int] = field(default_factory=lambda: [0] * DECILES)
    decile_base: list[Fraction] = field(default_factory=lambda: [Fraction(0)] * DECILES)
    decile_reform: list[Fraction] = field(default_factory=lambda: [Fraction(0)] * DECILES)
    category_count: dict[str, int] = field(default_factory=dict)
    category_change: dict[str, Fraction] = field(default_factory=dict)
    assessments: int = 0
    hardship_candidates: int = 0

    def merge(self, other: Tally) -> Tally:
        out = Tally()
        for name in ("persons", "weight", "winners", "losers", "unchanged", "assessments",
                     "hardship_candidates", "budget_base", "budget_reform", "gains", "losses"):
            setattr(out, name, getattr(self, name) + getattr(other, name))
        out.status_base = [a + b for a, b in zip(self.status_base, other.status_base,
                                                 strict=True)]
        out.status_reform = [a + b for a, b in zip(self.status_reform, other.status_reform,
                                                   strict=True)]
        out.decile_count = [a + b for a, b in zip(self.decile_count, other.decile_count,
                                                  strict=True)]
        out.decile_base = [a + b for a, b in zip(self.decile_base, other.decile_base,
                                                 strict=True)]
        out.decile_reform = [a + b for a, b in zip(self.decile_reform, other.decile_reform,
                                                   strict=True)]
        for name in {*self.category_count, *other.category_count}:
            out.category_count[name] = (self.category_count.get(name, 0) +
                                        other.category_count.get(name, 0))
            out.category_change[name] = (self.category_change.get(name, Fraction(0)) +
                                         other.category_change.get(name, Fraction(0)))
        return out

    @property
    def status_change(self) -> Fraction:
        """The budget change of persons decided in one run and not in the other."""
        return self.budget_reform - self.budget_base - self.gains + self.losses

    @property
    def manual(self) -> int:
        return (self.status_reform[1] + self.status_reform[2] + self.assessments +
                self.hardship_candidates)


def _sum(values: np.ndarray, den: int, mask: np.ndarray, weight: np.ndarray) -> Fraction:
    chosen = values[mask]
    w = weight[mask]
    if object in (chosen.dtype, w.dtype):
        total = sum((int(a) * int(b) for a, b in zip(chosen, w, strict=True)), 0)
    else:
        total = int(np.sum(chosen.astype(object) * w.astype(object))) if chosen.size and (
            np.max(np.abs(chosen)) * max(1, int(np.max(np.abs(w)))) * chosen.size >= 2**62
        ) else int(np.sum(chosen * w))
    return Fraction(total, den)


def hardship_output(reg: Regulation, output: str) -> bool:
    """Whether an individual hardship clause can change ``output``."""
    graph = full_graph(reg)
    needs = reachable(graph, [output])
    return any(c.level == "individual" and set(c.bounds) & needs for c in reg.hardship.values())


def tally(reg: Regulation, output: str, base: Result, reform: Result, income: np.ndarray,
          cuts: np.ndarray, weight: np.ndarray) -> Tally:
    """The sums of one batch."""
    n = base.n
    t = Tally(persons=n, weight=int(np.sum(weight)))
    t.status_base = [int(np.sum(weight[base.status == s])) for s in range(3)]
    t.status_reform = [int(np.sum(weight[reform.status == s])) for s in range(3)]
    b_num, b_den = amounts(base, output)
    f_num, f_den = amounts(reform, output)
    common = b_den * f_den // np.gcd(b_den, f_den)
    b = b_num * (common // b_den) if common != b_den else b_num
    f = f_num * (common // f_den) if common != f_den else f_num
    ok = (base.status == 0) & (reform.status == 0)
    t.budget_base = _sum(b, common, base.status == 0, weight)
    t.budget_reform = _sum(f, common, reform.status == 0, weight)
    change = f - b
    t.winners = int(np.sum(weight[ok & (f > b)]))
    t.losers = int(np.sum(weight[ok & (f < b)]))
    t.unchanged = int(np.sum(weight[ok & (f == b)]))
    t.gains = _sum(change, common, ok & (f > b), weight)
    t.losses = -_sum(change, common, ok & (f < b), weight)
    decile = np.searchsorted(cuts, income, side="right")
    for d in range(DECILES):
        mask = ok & (decile == d)
        t.decile_count[d] = int(np.sum(weight[mask]))
        t.decile_base[d] = _sum(b, common, mask, weight)
        t.decile_reform[d] = _sum(f, common, mask, weight)
    for name, applied in reform.categories.items():
        mask = ok & applied
        if mask.any():
            t.category_count[name] = int(np.sum(weight[mask]))
            t.category_change[name] = _sum(change, common, mask, weight)
    if reg.assessment is not None:
        t.assessments = int(np.sum(weight[reform.status != 2]))
    if hardship_output(reg, output):
        loss = b - f
        base_value = np.abs(b)
        threshold = np.maximum(base_value * HARDSHIP_SHARE.numerator // HARDSHIP_SHARE.denominator,
                               int(HARDSHIP_MINIMUM * common))
        t.hardship_candidates = int(np.sum(weight[ok & (loss > threshold)]))
    return t


def money(value: Fraction) -> str:
    """An exact amount in euros and cents, half a cent rounded away from zero."""
    cents = abs(value) * 100
    whole = int(cents + Fraction(1, 2))
    sign = "-" if value < 0 and whole else ""
    return f"{sign}{whole // 100}.{whole % 100:02d}"


def report(t: Tally, cuts: np.ndarray, income_den: int) -> dict[str, Any]:
    """The tally as plain data (amounts as exact decimal strings, rounded to cents)."""

    def mean(total: Fraction, count: int) -> str | None:
        return money(total / count) if count else None

    deciles = []
    for d in range(DECILES):
        count = t.decile_count[d]
        low = Fraction(int(cuts[d - 1]), income_den) if d else None
        deciles.append({"decile": d + 1, "from_income": money(low) if low is not None else None,
                        "persons": count, "mean_base": mean(t.decile_base[d], count),
                        "mean_reform": mean(t.decile_reform[d], count),
                        "mean_change": mean(t.decile_reform[d] - t.decile_base[d], count)})
    return {
        "rows": t.persons, "persons": t.weight,
        "status": {"base": dict(zip(("determined", "indeterminate", "refused"), t.status_base,
                                    strict=True)),
                   "reform": dict(zip(("determined", "indeterminate", "refused"),
                                      t.status_reform, strict=True))},
        "budget": {"base": money(t.budget_base), "gains": money(t.gains),
                   "losses": money(-t.losses), "status": money(t.status_change),
                   "reform": money(t.budget_reform),
                   "change": money(t.budget_reform - t.budget_base)},
        "winners": t.winners, "losers": t.losers, "unchanged": t.unchanged,
        "deciles": deciles,
        "categories": [{"category": name, "persons": count,
                        "change": money(t.category_change[name])}
                       for name, count in sorted(t.category_count.items())],
        "manual_caseload": {"total": t.manual, "refused": t.status_reform[2],
                            "indeterminate": t.status_reform[1], "assessments": t.assessments,
                            "hardship_candidates": t.hardship_candidates},
    }

