"""Finding cases where two categories (or two rows of a unique table) apply at once.

Whether two conditions can hold together is decided by search, not by proof: candidate values
are taken from the regulation itself (every constant and parameter value a comparison uses, one
step either side of it, each enumeration value, both booleans, birth dates that make each age
limit hold or fail on each reference date), then the conditions are evaluated on every
combination, or on a fixed-seed sample when there are too many. A combination where both hold is
a concrete example that is reported with the error, so the author can see the overlap.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from maatwerk.engine.compile import Compiler, Env, EvalProblem, Missing
from maatwerk.engine.format import value as show
from maatwerk.engine.functions import add_days, add_years
from maatwerk.engine.plan import Plans
from maatwerk.spec import ir
from maatwerk.spec.errors import DecisionError, SpecError
from maatwerk.spec.graph import full_graph, reachable
from maatwerk.spec.model import Formula, Regulation, TableDef
from maatwerk.spec.source import dotted

MAX_COMBINATIONS = 4000
_STEPS = (Decimal("0.01"), Decimal(1))


def _constants(reg: Regulation, formulas: Sequence[Formula], day: dt.date) -> set[Any]:
    """Numbers and texts that the formulas (and the rules they use) compare against."""
    found: set[Any] = {0}
    graph = full_graph(reg)
    names: set[str] = set()
    exprs = [f.expr for f in formulas]
    for f in formulas:
        names |= reachable(graph, ir.names(f.expr))
    for name in names:
        rule = reg.rules.get(name)
        if rule is not None:
            exprs += [v.expr for v in rule.versions]
        table = reg.tables.get(name)
        if table is not None:
            exprs += [r.when.expr for r in table.rows]
        param = reg.parameters.get(name)
        if param is not None:
            at = param.at(day)
            if at is not None and not isinstance(at.value, Mapping):
                found.add(at.value)
    for expr in exprs:
        for node in ir.walk(expr):
            if isinstance(node, ir.Lit) and node.kind in ("integer", "decimal", "money", "text",
                                                          "date"):
                found.add(node.value)
    return found


def _candidates(reg: Regulation, name: str, constants: set[Any], day: dt.date) -> list[Any]:
    inp = reg.inputs[name]
    kind = inp.type.kind
    if kind == "bool":
        return [False, True]
    if kind == "enum":
        return list(inp.type.values)
    if kind == "text":
        return sorted({c for c in constants if isinstance(c, str)} | {""})
    numbers = sorted({Decimal(c) for c in constants
                      if isinstance(c, (int, Decimal)) and not isinstance(c, bool)})
    if kind == "date":
        out = {day}
        for d in (c for c in constants if isinstance(c, dt.date)):
            out |= {d, add_days(d, 1), add_days(d, -1)}
        for n in numbers:
            if n == n.to_integral_value() and 0 < n < 130:
                born = add_years(day, -int(n))
                out |= {born, add_days(born, 1), add_days(born, -1)}
        return sorted(out)
    values: set[Any] = set()
    for n in numbers:
        for step in _STEPS if kind != "integer" else (Decimal(1),):
            values |= {n - step, n, n + step}
    if kind == "integer":
        values = {int(v) for v in values if v == v.to_integral_value()}
    low, high = inp.minimum, inp.maximum
    return sorted(v for v in values if (low is None or v >= low) and (high is None or v <= high))


def _combinations(space: Mapping[str, list[Any]]) -> Iterator[dict[str, Any]]:
    names = list(space)
    total = 1
    for values in space.values():
        total *= max(1, len(values))
    if total <= MAX_COMBINATIONS:
        for combo in itertools.product(*(space[n] for n in names)):
            yield dict(zip(names, combo, strict=True))
        return
    rng = random.Random(20250101)
    for _ in range(MAX_COMBINATIONS):
        yield {n: rng.choice(space[n]) for n in names if space[n]}


Found = dict[tuple[int, int], tuple[dt.date, dict[str, Any]]]


def _search(reg: Regulation, formulas: Sequence[Formula], owners: Sequence[str],
            pairs: Sequence[tuple[int, int]], inputs: Sequence[str]) -> Found:
    """Search the combinations of ``inputs`` for cases where both formulas of a pair hold."""
    plans = Plans(reg)
    used = sorted({i for pair in pairs for i in pair})
    found: Found = {}
    for day in (d for d in plans.dates if reg.valid_on(d)):
        plan = plans.get(day)
        compiler = Compiler(plan.params, plan.inputs, partial=False)
        conditions = {i: compiler.formula(formulas[i], owners[i]) for i in used}
        constants = _constants(reg, [formulas[i] for i in used], day)
        space = {n: _candidates(reg, n, constants, day) for n in inputs}
        for case in _combinations(space):
            env = Env(case, plan.funcs, day)
            truth: dict[int, bool] = {}
            for i, condition in conditions.items():
                try:
                    truth[i] = bool(condition(env))
                except (EvalProblem, Missing, DecisionError, TypeError, ArithmeticError):
                    truth[i] = False
            for a, b in pairs:
                if (a, b) not in found and truth[a] and truth[b]:
                    found[(a, b)] = (day, case)
            if len(found) == len(pairs):
                return found
    return found


def _witness(reg: Regulation, formulas: Sequence[Formula], owners: Sequence[str],
             pairs: Sequence[tuple[int, int]]) -> Found:
    """For each pair of formula indexes, an example (date, inputs) where both are true.

    Pairs are searched per set of inputs they read, so that the combinations are spent on the
    inputs that matter to the pair.
    """
    graph = full_graph(reg)
    reads = [frozenset(n for n in reachable(graph, ir.names(f.expr)) if n in reg.inputs)
             for f in formulas]
    groups: dict[frozenset[str], list[tuple[int, int]]] = {}
    for a, b in pairs:
        groups.setdefault(reads[a] | reads[b], []).append((a, b))
    found: Found = {}
    for names, group in groups.items():
        found.update(_search(reg, formulas, owners, group, [n for n in reg.inputs if n in names]))
    return found


def _example(reg: Regulation, day: dt.date, case: Mapping[str, Any]) -> str:
    parts = [f"{n} = {show(v, reg.inputs[n].type, 'en')}" for n, v in case.items()]
    return ", ".join(parts) + f" on {day}"


def category_overlaps(reg: Regulation) -> list[SpecError]:
    """Pairs of categories that can both apply where the policy does not settle it (MW403)."""
    cats = list(reg.categories.values())
    if reg.category_policy == "first" or len(cats) < 2:
        return []
    pairs = []
    for i, a in enumerate(cats):
        for j in range(i + 1, len(cats)):
            b = cats[j]
            if reg.category_policy == "unique" or (
                    a.overrides() & b.overrides() and (a.precedence is None or
                                                       a.precedence == b.precedence)):
                pairs.append((i, j))
    if not pairs:
        return []
    found = _witness(reg, [c.when for c in cats], [c.name for c in cats], pairs)
    errors = []
    for (i, j), (day, case) in sorted(found.items()):
        a, b = cats[i], cats[j]
        why = ("category_policy 'unique' allows one category per case; give them a "
               "precedence and use 'first' or 'collect'" if reg.category_policy == "unique" else
               f"both change {', '.join(sorted(a.overrides() & b.overrides()))}; give one a "
               "higher 'precedence'")
        line = reg.source.position(("categories", a.name), key=True).line
        errors.append(SpecError(
            "MW403", f"categories {a.name!r} (line {line}) and {b.name!r} can both apply, for "
            f"example when {_example(reg, day, case)}; {why}", path=f"categories.{b.name}",
            position=reg.source.position(("categories", b.name), key=True)))
    return errors


def table_overlaps(reg: Regulation, table: TableDef) -> list[SpecError]:
    """Pairs of rows of a unique table that can both match (MW404)."""
    if table.hit_policy != "unique" or len(table.rows) < 2:
        return []
    rows = list(table.rows)
    pairs = [(i, j) for i in range(len(rows)) for j in range(i + 1, len(rows))]
    found = _witness(reg, [r.when for r in rows], [table.name] * len(rows), pairs)
    errors = []
    for (i, j), (day, case) in sorted(found.items()):
        a, b = rows[i], rows[j]
        errors.append(SpecError(
            "MW404", f"rows {i + 1} ({a.when.text.strip()}) and {j + 1} ({b.when.text.strip()}) "
            f"can both match, for example when {_example(reg, day, case)}; a unique table "
            "allows one matching row — make the conditions exclusive or use hit_policy 'first'",
            path=dotted(b.when.path), position=reg.source.position(b.when.path)))
    return errors


def overlaps(reg: Regulation) -> list[SpecError]:
    """Every overlap problem of a regulation."""
    errors = category_overlaps(reg)
    for table in reg.tables.values():
        errors += table_overlaps(reg, table)
    return errors
