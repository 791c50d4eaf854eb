"""What the kernel of one period computes: a regulation fixed to a day, ready for the generator.

``plan(reg, day)`` takes the formulas, tables and parameter values in force on ``day``, the
dependency graph of the rules and tables, the names the outputs and the categories need (in
dependency order), the inputs to read and the categories in the order their overrides apply. A
plan the kernel cannot compute raises ``Unsupported``: the numpy backend then decides.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from maatwerk.spec import ir
from maatwerk.spec.graph import find_cycle, reachable, topological
from maatwerk.spec.model import CategoryDef, Formula, Regulation

NAME = re.compile(r"[a-z][a-z0-9_]{0,80}\Z")


class Unsupported(Exception):
    """The plan cannot be compiled to a kernel; the numpy backend decides it."""


@dataclass(frozen=True)
class KernelPlan:
    """A regulation fixed to one period: the formulas, tables and parameter values in force, the
    names the kernel computes (in dependency order) and the inputs it reads. (It does not hold
    the regulation, so that a cache of plans keyed by the regulation does not keep it alive.)"""

    day: dt.date
    formulas: Mapping[str, Formula]
    params: Mapping[str, Any]
    category_params: Mapping[str, Mapping[str, Any]]  # category -> parameter -> value
    graph: Mapping[str, frozenset[str]]
    order: tuple[str, ...]
    inputs: tuple[str, ...]  # the inputs and assessed values the kernel reads, in order
    categories: tuple[CategoryDef, ...]  # in the order their overrides apply


def plan(reg: Regulation, day: dt.date) -> KernelPlan:
    """The plan of ``reg`` on ``day``; raises ``Unsupported`` when it cannot be compiled."""
    formulas = _formulas(reg, day)
    params, category_params = _parameters(reg, day)
    assessed = reg.assessed()
    names = [*reg.inputs, *assessed, *reg.rules, *reg.tables, *reg.parameters, *reg.categories]
    for name in names:
        if not NAME.match(name):
            raise Unsupported(f"{name!r} is not a plain name")
    computed = _dependencies(reg, formulas)
    if find_cycle(computed) is not None:
        raise Unsupported("the rules depend on each other in a cycle")
    needed = reachable(computed, _roots(reg))
    order = tuple(n for n in topological(computed) if n in needed and n in computed)
    read = [n for n in (*reg.inputs, *assessed) if n in needed]
    return KernelPlan(day, formulas, params, category_params, computed, order, tuple(read),
                      tuple(_application_order(reg)))


def _formulas(reg: Regulation, day: dt.date) -> dict[str, Formula]:
    """The formula of every rule on ``day``."""
    formulas: dict[str, Formula] = {}
    for name, rule in reg.rules.items():
        formula = rule.at(day)
        if formula is None:
            raise Unsupported(f"rule {name} has no formula on {day}")
        formulas[name] = formula
    return formulas


def _parameters(reg: Regulation, day: dt.date) -> tuple[dict[str, Any],
                                                        dict[str, dict[str, Any]]]:
    """The values on ``day`` of the parameters and, per category, of its parameters."""
    params: dict[str, Any] = {}
    for name, p in reg.parameters.items():
        at = p.at(day)
        if at is None:
            raise Unsupported(f"parameter {name} has no value on {day}")
        params[name] = at.value
    category_params: dict[str, dict[str, Any]] = {}
    for cat in reg.categories.values():
        values = {}
        for name, p in cat.parameters.items():
            at = p.at(day)
            if at is None:
                raise Unsupported(f"parameter {name} of category {cat.name} has no value")
            values[name] = at.value
        category_params[cat.name] = values
    return params, category_params


def _dependencies(reg: Regulation, formulas: Mapping[str, Formula]) -> dict[str, frozenset[str]]:
    """Per rule and table, the names its formulas (and the categories' overrides) use."""
    graph: dict[str, frozenset[str]] = {}
    for name, formula in formulas.items():
        graph[name] = frozenset(ir.names(formula.expr))
    for name, table in reg.tables.items():
        used: set[str] = set()
        for row in table.rows:
            used |= ir.names(row.when.expr) | ir.names(row.then.expr)
        if table.otherwise is not None:
            used |= ir.names(table.otherwise.expr)
        graph[name] = frozenset(used)
    for cat in reg.categories.values():
        for name, override in cat.rules.items():
            graph[name] = graph.get(name, frozenset()) | ir.names(override.formula.expr)
    return {n: deps for n, deps in graph.items()}


def _roots(reg: Regulation) -> set[str]:
    """What the kernel must compute: the outputs, the categories' conditions and overrides."""
    roots: set[str] = set(reg.outputs)
    for cat in reg.categories.values():
        roots |= ir.names(cat.when.expr)
        for override in cat.rules.values():
            roots |= ir.names(override.formula.expr)
    return roots


def _application_order(reg: Regulation) -> list[CategoryDef]:
    cats = list(reg.categories.values())
    if reg.category_policy == "first":
        return sorted(cats, key=lambda c: (-(c.precedence or 0), c.order))
    if reg.category_policy == "collect":
        return sorted(cats, key=lambda c: (c.precedence or 0, c.order))
    return cats
