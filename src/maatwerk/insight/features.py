"""The facts of cases as columns of numbers, for learning a condition (``crystallise``) and for
measuring how alike two cases are (``precedents``).

A *feature* is a named value of a case with one of three kinds:

- ``number`` — an integer, decimal or amount (and, for precedents, a date as its day number);
- ``bool`` — yes or no, as 1 or 0;
- ``choice`` — an enumeration (or a free text), as the position of its value in ``values``.

Every column is a ``float64`` array with ``nan`` where the case has no value. Which names may be
features depends on the use: a condition of a policy category is evaluated on the standard layer,
so it may use the inputs and the standard layer's rules and tables, but nothing that depends on
the output it changes and nothing a category overrides (``condition_features``); nearness of
cases is measured on their facts, the inputs (``fact_features``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np

from maatwerk.spec.graph import reachable
from maatwerk.spec.model import Regulation
from maatwerk.spec.types import Type

NUMBER, BOOL, CHOICE = "number", "bool", "choice"
NUMERIC_TYPES = ("integer", "decimal", "money")


@dataclass(frozen=True)
class Feature:
    """A name of a regulation used as a column: its kind, declared type and (for a choice) the
    values its codes stand for."""

    name: str
    kind: str
    type: Type
    origin: str = "input"  # input | rule | table
    values: tuple[str, ...] = ()

    def code(self, value: Any) -> float:
        """The column value of ``value`` (``nan`` when missing or not of this feature)."""
        if value is None:
            return math.nan
        if self.kind == BOOL:
            return 1.0 if value is True else 0.0 if value is False else math.nan
        if self.kind == CHOICE:
            text = str(value)
            return float(self.values.index(text)) if text in self.values else math.nan
        return number(value)


def number(value: Any) -> float:
    """A number, amount or date (as its day number) as a float; ``nan`` for anything else."""
    if isinstance(value, bool) or value is None:
        return math.nan
    if isinstance(value, dt.date):
        return float(value.toordinal())
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    text = str(value)
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return float(dt.date.fromisoformat(text).toordinal())
        except ValueError:
            return math.nan
    try:
        return float(Decimal(text))
    except (InvalidOperation, ValueError):
        return math.nan


def _feature(name: str, t: Type, origin: str, values: Iterable[str] = (),
             dates: bool = False) -> Feature | None:
    if t.kind in NUMERIC_TYPES or (dates and t.kind == "date"):
        return Feature(name, NUMBER, t, origin)
    if t.kind == "bool":
        return Feature(name, BOOL, t, origin)
    if t.kind in ("enum", "text"):
        return Feature(name, CHOICE, t, origin, tuple(t.values) or tuple(values))
    return None


def condition_features(reg: Regulation, output: str) -> list[Feature]:
    """The names a category condition about ``output`` may use: the inputs, then the standard
    layer's rules and tables — each of a type a condition can compare — leaving out ``output``
    itself, whatever depends on it and whatever a category overrides."""
    overridden = {n for c in reg.categories.values() for n in c.overrides()}
    found: list[Feature] = []
    for name, i in reg.inputs.items():
        f = _feature(name, i.type, "input", i.values)
        if f is not None:
            found.append(f)
    for name in reg.order:
        if name == output or name in overridden:
            continue
        if output in reachable(reg.dependencies, [name]):
            continue
        rule = reg.rules.get(name)
        origin = "rule" if rule is not None else "table"
        values = rule.values if rule is not None else reg.tables[name].values
        f = _feature(name, reg.type_of(name), origin, values)
        if f is not None:
            found.append(f)
    return found


def fact_features(reg: Regulation) -> list[Feature]:
    """The inputs of a regulation as features (dates as day numbers; texts as choices whose
    values are collected as they are seen, see ``Vocabulary``)."""
    found = []
    for name, i in reg.inputs.items():
        f = _feature(name, i.type, "input", i.values, dates=True)
        if f is not None:
            found.append(f)
    return found


@dataclass
class Vocabulary:
    """Codes for the values of choice features, growing as new values are seen (for texts
    whose values are not declared)."""

    codes: dict[str, dict[str, int]] = field(default_factory=dict)

    def code(self, feature: Feature, value: Any) -> float:
        if feature.kind != CHOICE or feature.values:
            return feature.code(value)
        if value is None:
            return math.nan
        known = self.codes.setdefault(feature.name, {})
        return float(known.setdefault(str(value), len(known)))


def columns(features: Sequence[Feature], rows: Sequence[Mapping[str, Any]]
            ) -> tuple[list[Feature], dict[str, np.ndarray]]:
    """One column per feature over ``rows`` (each a mapping of name to value). A choice whose
    values are not declared (a text) gets the values seen in ``rows``, in sorted order."""
    done: list[Feature] = []
    found: dict[str, np.ndarray] = {}
    for f in features:
        if f.kind == CHOICE and not f.values:
            seen = {str(r[f.name]) for r in rows if r.get(f.name) is not None}
            f = replace(f, values=tuple(sorted(seen)))
        done.append(f)
        found[f.name] = np.array([f.code(r.get(f.name)) for r in rows], dtype=np.float64)
    return done, found
