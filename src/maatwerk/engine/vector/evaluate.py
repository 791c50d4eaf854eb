"""Deciding a whole population at once: the standard layer, then the policy categories by the
regulation's hit policy, per person exactly as the scalar engine decides each case.

The result holds, per output, the value of every person, who is still unknown (and for want of
which inputs), who would be refused (and why), and the deciding layer. Discretion (assessments,
deviations) is individual and stays with the scalar engine; a population is decided up to the
category layer, which is what a simulation of a policy change needs.

Two backends decide a population and agree exactly: the numpy backend here (column by column)
and a compiled kernel (``kernel``: one numba row loop generated from the plan). ``decide`` uses
the kernel where it can and numpy otherwise; ``backend=`` forces one of them.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

from maatwerk.engine.vector import rational as r
from maatwerk.engine.vector.columns import (
    CODES,
    INVALID_INPUT,
    TWO_CATEGORIES,
    Col,
    Interner,
    either,
    flag,
    known,
    pick,
)
from maatwerk.engine.vector.compile import VCompiler, VEnv, VFn, constant
from maatwerk.spec.errors import DecisionError
from maatwerk.spec.graph import full_graph, reachable
from maatwerk.spec.model import CategoryDef, Regulation

MAX_INPUTS = 62
LAYERS = ("standard", "category")
BACKENDS = ("auto", "kernel", "numpy")
# the default of ``decide(backend=...)``; MAATWERK_VECTOR_BACKEND=numpy turns the kernel off
DEFAULT_BACKEND = os.environ.get("MAATWERK_VECTOR_BACKEND", "auto")


@dataclass
class Result:
    """The decisions of a population."""

    regulation: Regulation
    day: dt.date
    n: int
    outputs: dict[str, Col]
    standard: dict[str, Col]
    categories: dict[str, np.ndarray]
    status: np.ndarray  # 0 determined, 1 indeterminate, 2 refused
    error: np.ndarray
    unknown: np.ndarray
    deciding_layer: dict[str, np.ndarray]  # codes into LAYERS
    bits: tuple[str, ...]
    strings: Interner
    backend: str = "numpy"  # which backend decided: numpy or kernel

    def value(self, output: str, i: int) -> Any:
        """Person ``i``'s value of ``output``, as the scalar engine would hold it."""
        found = python_value(self.outputs[output].value, i)
        kind = self.regulation.type_of(output).kind
        if kind in ("text", "enum"):
            return self.strings.strings[int(found)]
        return found

    def layer(self, output: str, i: int) -> str:
        return LAYERS[int(self.deciding_layer[output][i])]

    def missing(self, i: int) -> tuple[str, ...]:
        mask = int(self.unknown[i])
        return tuple(name for bit, name in enumerate(self.bits) if mask >> bit & 1)

    def refusal(self, i: int) -> str | None:
        mask = int(self.error[i])
        for bit, code in CODES.items():
            if mask & bit:
                return code
        return None

    def row(self, i: int) -> dict[str, Any]:
        """Person ``i``'s known outputs."""
        out = {}
        for o in self.regulation.outputs:
            unknown = self.outputs[o].unknown
            if unknown is None or unknown[i] == 0:
                out[o] = self.value(o, i)
        return out


def python_value(value: Any, i: int) -> Any:
    if isinstance(value, r.Q):
        return r.to_decimal(value, i)
    item = value[i] if isinstance(value, np.ndarray) and value.ndim else value
    if isinstance(item, np.datetime64):
        return item.astype("datetime64[D]").astype(dt.date)
    if isinstance(item, np.bool_ | bool):
        return bool(item)
    if isinstance(item, np.integer):
        return int(item)
    return item


def _money(values: Sequence[Any], n: int) -> tuple[r.Q, np.ndarray]:
    """Amounts and decimals: exact scaled integers; empty values are missing."""
    missing = np.zeros(n, dtype=bool)
    parsed: list[Fraction] = []
    for i, v in enumerate(values):
        if v is None or v == "" or (isinstance(v, float) and math.isnan(v)):
            missing[i] = True
            parsed.append(Fraction(0))
        else:
            parsed.append(Fraction(v if not isinstance(v, float) else Decimal(repr(v))))
    den = 1
    for f in parsed:
        den = den * f.denominator // math.gcd(den, f.denominator)
    nums = [f.numerator * (den // f.denominator) for f in parsed]
    big = any(abs(x) >= r.LIMIT for x in nums)
    return r.Q(np.array(nums, dtype=object if big else np.int64), den), missing


def column(kind: str, values: Any, n: int, strings: Interner) -> tuple[Any, np.ndarray]:
    """An input column in the backend's form, and where it is missing."""
    if isinstance(values, np.ndarray) and kind in ("integer", "decimal", "money") and (
            values.dtype.kind in "iu"):
        # integers narrower than 64 bits are kept as they are (the kernel reads them so;
        # rational arithmetic widens them); uint64 beyond int64 is not an int64
        if values.dtype.itemsize < 8:
            return r.Q(values), np.zeros(n, dtype=bool)
        if values.dtype == np.uint64 and values.size and int(values.max()) >= 2**63:
            return r.Q(values.astype(object)), np.zeros(n, dtype=bool)
        return r.Q(values.astype(np.int64)), np.zeros(n, dtype=bool)
    values = list(values)
    if kind in ("integer", "decimal", "money"):
        return _money(values, n)
    missing = np.array([v is None or (isinstance(v, float) and math.isnan(v)) for v in values],
                       dtype=bool)
    if kind == "bool":
        return np.array([bool(v) if v is not None else False for v in values]), missing
    if kind == "date":
        return np.array([v if v is not None else dt.date(2000, 1, 1) for v in values],
                        dtype="datetime64[D]"), missing
    return strings.column([v if v is not None else "" for v in values]), missing


class Population:
    """The input columns of a population, by input name."""

    def __init__(self, reg: Regulation, columns: Mapping[str, Any], n: int | None = None) -> None:
        self.reg = reg
        unknown_names = [c for c in columns if c not in reg.inputs]
        if unknown_names:
            raise DecisionError("MW602", f"{', '.join(unknown_names)} is not an input of "
                                f"{reg.id}", path="population", got=unknown_names[0])
        if len(reg.inputs) > MAX_INPUTS:
            raise DecisionError("MW601", f"the vectorised engine takes at most {MAX_INPUTS} "
                                f"inputs; {reg.id} has {len(reg.inputs)}", path="inputs")
        lengths = {len(v) for v in columns.values()}
        if n is None:
            if len(lengths) != 1:
                raise DecisionError("MW601", "the columns of a population differ in length",
                                    path="population", got=sorted(lengths))
            n = lengths.pop()
        self.n = n
        assessed = list(reg.assessed())
        self.bits = (*reg.inputs, *(["assessment"] if assessed else []))
        self.strings = Interner()
        self.invalid: Any = None
        self.cols: dict[str, Col] = {}
        for name in assessed:  # an assessment is individual: never part of a population
            self.cols[name] = Col(self.strings.code("") if reg.assessed()[name].kind == "enum"
                                  else r.Q(0), np.full(n, 1 << len(reg.inputs), dtype=np.int64))
        for bit, (name, definition) in enumerate(reg.inputs.items()):
            if name in columns:
                value, missing = column(definition.type.kind, columns[name], n, self.strings)
                unknown = np.where(missing, 1 << bit, 0).astype(np.int64) if missing.any() \
                    else None
                self._bounds(definition, value, missing, n)
            else:
                kind = definition.type.kind
                value = r.Q(0) if kind in ("integer", "decimal", "money") else (
                    False if kind == "bool" else np.datetime64("2000-01-01", "D")
                    if kind == "date" else self.strings.code(""))
                unknown = np.full(n, 1 << bit, dtype=np.int64)
            self.cols[name] = Col(value, unknown)

    def _bounds(self, definition: Any, value: Any, missing: np.ndarray, n: int) -> None:
        """Values outside an input's declared bounds are refused (MW601), as the scalar
        engine refuses such a case."""
        outside: Any = np.zeros(n, dtype=bool)
        for bound, op in ((definition.minimum, "<"), (definition.maximum, ">")):
            if bound is not None and isinstance(value, r.Q):
                outside = outside | np.broadcast_to(
                    np.asarray(r.compare(value, r.Q.of(bound), op), dtype=bool), (n,))
        outside = outside & ~missing
        if np.any(outside):
            self.invalid = either(self.invalid, flag(outside, INVALID_INPUT, n))


def _params(reg: Regulation, day: dt.date) -> dict[str, Any]:
    params = {}
    for name, p in reg.parameters.items():
        at = p.at(day)
        if at is None:
            raise DecisionError("MW604", f"the parameter has no value on {day}",
                                path=f"parameters.{name}", got=str(day))
        params[name] = at.value
    return params


def _funcs(reg: Regulation, day: dt.date, compiler: VCompiler) -> dict[str, VFn]:
    funcs: dict[str, VFn] = {}
    for name, rule in reg.rules.items():
        formula = rule.at(day)
        assert formula is not None
        funcs[name] = compiler.formula(formula)
    for name, table in reg.tables.items():
        funcs[name] = compiler.table(table)
    for name in reg.assessed():
        funcs[name] = _reader(name)
    return funcs


def _reader(name: str) -> VFn:
    return lambda env: env.inputs[name]


def _select(reg: Regulation, members: dict[str, np.ndarray], n: int
            ) -> tuple[list[tuple[CategoryDef, np.ndarray]], Any]:
    """Per category, where it applies (in the order its overrides apply); conflicts."""
    cats = list(reg.categories.values())
    error: Any = None
    if reg.category_policy == "unique":
        count = np.sum(np.stack([members[c.name] for c in cats]), axis=0) if cats else 0
        error = flag(count > 1, TWO_CATEGORIES, n)
        return [(c, members[c.name] & (count == 1)) for c in cats], error
    if reg.category_policy == "first":
        taken = np.zeros(n, dtype=bool)
        chosen = []
        for c in sorted(cats, key=lambda c: (-(c.precedence or 0), c.order)):
            hit = members[c.name] & ~taken
            taken = taken | hit
            chosen.append((c, hit))
        return chosen, error
    ordered = sorted(cats, key=lambda c: (c.precedence or 0, c.order))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if a.overrides() & b.overrides() and (a.precedence is None or
                                                  a.precedence == b.precedence):
                error = either(error, flag(members[a.name] & members[b.name], TWO_CATEGORIES, n))
    return [(c, members[c.name]) for c in ordered], error


def decide(reg: Regulation, day: dt.date, population: Population,
           backend: str | None = None, threads: int | None = None) -> Result:
    """Decide every person of ``population`` under ``reg`` on ``day``.

    ``backend``: ``"kernel"`` (the compiled kernel; ``KernelUnavailable`` when it cannot decide
    this population), ``"numpy"``, or ``"auto"`` (the default): the kernel where it can (for a
    small population only once its kernel is compiled), numpy otherwise. The results are the
    same; ``Result.backend`` says which one decided. ``threads``: how many threads the kernel
    uses for a large population (default: ``kernel.THREADS``, ``$MAATWERK_KERNEL_THREADS`` or
    every core).
    """
    backend = backend or DEFAULT_BACKEND
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}; got {backend!r}")
    if not reg.valid_on(day):
        raise DecisionError("MW603", f"{reg.id} applies from {reg.valid_from}",
                            path="peildatum", got=day.isoformat())
    if backend != "numpy":
        from maatwerk.engine.vector import kernel

        result, reason = kernel.attempt(reg, day, population, compile_small=(
            backend == "kernel" or population.n >= kernel.AUTO_MIN_ROWS), threads=threads)
        if result is not None:
            assert isinstance(result, Result)
            return result
        if backend == "kernel":
            raise kernel.KernelUnavailable(reason)
    return _decide_numpy(reg, day, population)


def _decide_numpy(reg: Regulation, day: dt.date, population: Population) -> Result:
    n = population.n
    params = _params(reg, day)
    inputs = frozenset(reg.inputs) | frozenset(reg.assessed())
    base = VCompiler(params, inputs, population.strings)
    env = VEnv(n, population.cols, _funcs(reg, day, base), day)
    standard = {o: env.get(o) for o in reg.outputs}
    conditions = {c.name: base.formula(c.when)(env) for c in reg.categories.values()}
    members = {name: np.broadcast_to(np.asarray(col.value, dtype=bool), (n,)) & known(col.unknown)
               for name, col in conditions.items()}
    chosen, conflict = _select(reg, members, n)
    final = dict(standard)
    applied = np.zeros(n, dtype=bool)
    if any(np.any(mask) for _, mask in chosen):
        final, applied = _category_layer(reg, day, population, params, chosen, n)
    graph = full_graph(reg)
    unknown_all = np.zeros(n, dtype=np.int64)
    error_all = np.zeros(n, dtype=np.int64) if conflict is None else conflict.copy()
    if population.invalid is not None:
        error_all |= population.invalid
    for cond in conditions.values():
        if cond.error is not None:
            error_all |= cond.error
    deciding: dict[str, np.ndarray] = {}
    for o in reg.outputs:
        col = final[o]
        needs = reachable(graph, [o])
        for name, cond in conditions.items():
            if cond.unknown is not None and needs & reg.categories[name].overrides():
                col = Col(col.value, either(col.unknown, cond.unknown), col.error)
        final[o] = col
        if col.unknown is not None:
            unknown_all |= col.unknown
        if col.error is not None:
            error_all |= col.error
        s = standard[o]
        if s.error is not None:
            error_all |= s.error
        same = np.broadcast_to(np.asarray(_same(col.value, s.value), dtype=bool), (n,))
        # an unknown standard value that the categories made known also counts as a change
        same = same & (known(s.unknown) == known(col.unknown))
        changed = applied & ~same
        deciding[o] = changed.astype(np.int8)  # LAYERS[code]: 0 standard, 1 category
    status = np.where(error_all != 0, 2, np.where(unknown_all != 0, 1, 0))
    categories = {c.name: mask for c, mask in chosen}
    return Result(reg, day, n, final, standard, categories, status, error_all, unknown_all,
                  deciding, population.bits, population.strings)


def _same(a: Any, b: Any) -> Any:
    if isinstance(a, r.Q) or isinstance(b, r.Q):
        return r.compare(a if isinstance(a, r.Q) else r.Q.of(a),
                         b if isinstance(b, r.Q) else r.Q.of(b), "==")
    return a == b


def _category_layer(reg: Regulation, day: dt.date, population: Population,
                    params: dict[str, Any], chosen: list[tuple[CategoryDef, np.ndarray]], n: int
                    ) -> tuple[dict[str, Col], np.ndarray]:
    """Every output with each person's categories applied, in order."""
    layered: dict[str, Any] = dict(params)
    overrides: dict[str, list[tuple[np.ndarray, VFn]]] = {}
    for cat, mask in chosen:
        for name, p in cat.parameters.items():
            at = p.at(day)
            if at is None:
                raise DecisionError("MW604", f"the parameter has no value on {day} (set by "
                                    f"category {cat.name!r})", path=f"parameters.{name}")
            before = layered[name]
            strings = population.strings
            if isinstance(at.value, dict):
                layered[name] = {k: _pick_value(mask, constant(v, strings),
                                                constant(before[k], strings))
                                 for k, v in at.value.items()}
            else:
                layered[name] = _pick_value(mask, constant(at.value, strings),
                                            constant(before, strings))
    compiler = VCompiler(layered, frozenset(reg.inputs) | frozenset(reg.assessed()),
                         population.strings)
    funcs = _funcs(reg, day, compiler)
    for cat, mask in chosen:
        for name, override in cat.rules.items():
            overrides.setdefault(name, []).append((mask, compiler.formula(override.formula)))
    for name, pairs in overrides.items():
        funcs[name] = _layered(funcs[name], pairs, n)
    env = VEnv(n, population.cols, funcs, day)
    applied = np.zeros(n, dtype=bool)
    for _, mask in chosen:
        applied = applied | mask
    return {o: env.get(o) for o in reg.outputs}, applied


def _pick_value(mask: np.ndarray, a: Any, b: Any) -> Any:
    if isinstance(a, r.Q) or isinstance(b, r.Q):
        return r.where(mask, a if isinstance(a, r.Q) else r.Q.of(a),
                       b if isinstance(b, r.Q) else r.Q.of(b))
    return np.where(mask, a, b)


def _layered(base: VFn, pairs: list[tuple[np.ndarray, VFn]], n: int) -> VFn:
    def evaluate(env: VEnv) -> Col:
        col = base(env)
        for mask, fn in pairs:
            other = fn(env)
            col = Col(_pick_value(mask, other.value, col.value),
                      pick(mask, other.unknown, col.unknown, n),
                      pick(mask, other.error, col.error, n))
        return col
    return evaluate
