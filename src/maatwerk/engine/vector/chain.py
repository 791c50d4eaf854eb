"""Deciding a population through a chain of regulations, in dependency order.

For every input of a regulation that is the output of another (``output_of``), the other
regulation is decided first over the whole population, on the reference date its rule gives;
its output column then becomes the input column of the using regulation, and only then is the
using regulation decided over the population. No case is decided on its own: each regulation of
the chain is one population decision (``maatwerk.engine.vector.evaluate.decide``).

Per person the result is what the scalar engine decides through the chain
(``maatwerk.engine.chain``): a person the referenced regulation refuses is refused with its
reason; an output it cannot decide makes the input unknown, and ``missing`` names what that
output waits for, in the case's names.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from maatwerk.engine.chain import date_rules, expand, reference_day
from maatwerk.engine.vector import rational as r
from maatwerk.engine.vector.columns import Col, Interner
from maatwerk.engine.vector.evaluate import LAYERS, Population, Result, decide
from maatwerk.spec.errors import DecisionError
from maatwerk.spec.library import Library
from maatwerk.spec.model import Reference, Regulation
from maatwerk.spec.typecheck import suggest


@dataclass
class ChainResult:
    """The decisions of a population under a regulation, and, per input decided by another
    regulation, that regulation's decisions of the same population."""

    result: Result
    links: dict[str, tuple[Reference, ChainResult]]

    @property
    def status(self) -> np.ndarray:
        return self.result.status

    def row(self, i: int) -> dict[str, Any]:
        return self.result.row(i)

    def layer(self, output: str, i: int) -> str:
        return self.result.layer(output, i)

    def refusal(self, i: int) -> str | None:
        return self.result.refusal(i)

    def link_layer(self, name: str, i: int) -> str | None:
        """Which layer of the referenced regulation decided input ``name`` for person ``i``."""
        ref, sub = self.links[name]
        unknown = sub.result.outputs[ref.output].unknown
        if sub.status[i] == 2 or (unknown is not None and unknown[i] != 0):
            return None
        return LAYERS[int(sub.result.deciding_layer[ref.output][i])]

    def waiting(self, output: str, i: int) -> tuple[str, ...]:
        """What ``output`` still needs for person ``i``, in the case's names."""
        unknown = self.result.outputs[output].unknown
        mask = 0 if unknown is None else int(unknown[i])
        return self._expand(tuple(n for b, n in enumerate(self.result.bits) if mask >> b & 1), i)

    def missing(self, i: int) -> tuple[str, ...]:
        """What person ``i``'s decision still needs, in the case's names."""
        return self._expand(self.result.missing(i), i)

    def _expand(self, names: tuple[str, ...], i: int) -> tuple[str, ...]:
        waiting: dict[str, tuple[str, ...]] = {}
        for name in names:
            if name in self.links:
                ref, sub = self.links[name]  # its names mapped back to the case's names
                waiting[name] = tuple(ref.inputs.get(n, n) for n in sub.waiting(ref.output, i))
        return expand(names, waiting)


def _column(col: Col, kind: str, theirs: Interner, ours: Interner, n: int, bit: int) -> Col:
    """An output column of another regulation as an input column of this one."""
    value = col.value
    if kind in ("text", "enum"):
        lookup = np.array([int(ours.code(s)) for s in theirs.strings] or [0], dtype=np.int32)
        value = lookup[np.broadcast_to(np.asarray(value, dtype=np.int64), (n,))]
    elif isinstance(value, r.Q):
        if not isinstance(value.num, np.ndarray):
            wide = abs(value.num) >= r.LIMIT
            value = r.Q(np.full(n, value.num, dtype=object if wide else np.int64), value.den)
        elif value.num.ndim == 0:
            value = r.Q(np.full(n, value.num.item(), dtype=value.num.dtype), value.den)
    else:
        value = np.array(np.broadcast_to(np.asarray(value), (n,)))
    unknown = None
    if col.unknown is not None and np.any(col.unknown):
        unknown = np.where(col.unknown != 0, 1 << bit, 0).astype(np.int64)
    return Col(value, unknown)


def _check_columns(reg: Regulation, library: Library, columns: Mapping[str, Any]) -> None:
    names = library.namespace(reg)
    references = reg.references()
    for name in columns:
        if name in references:
            raise DecisionError("MW602", f"{name!r} is the output of {references[name]}: it is "
                                "decided, not given", path="population", got=name)
        if name not in names:
            raise DecisionError("MW602", f"{name!r} is not an input of {reg.id} nor of the "
                                f"regulations it uses{suggest(name, list(names))}",
                                path="population", got=name)


def _sub_columns(library: Library, other: Regulation, ref: Reference,
                 columns: Mapping[str, Any]) -> dict[str, Any]:
    names = library.namespace(other)
    sub = {n: c for n, c in columns.items() if n in names and n not in ref.inputs}
    for theirs, ours in ref.inputs.items():
        if ours in columns:
            sub[theirs] = columns[ours]
    return sub


def _refused(result: Result, population: Population,
             links: dict[str, tuple[Reference, ChainResult]]) -> Result:
    """Persons a referenced regulation refuses are refused, with its reason (the first link
    in declaration order), unless an input of their own was already invalid."""
    n = result.n
    refused = np.zeros(n, dtype=bool)
    error = np.zeros(n, dtype=np.int64)
    for _, sub in links.values():
        hit = (sub.status == 2) & ~refused
        error = np.where(hit, sub.result.error, error)
        refused |= hit
    if not np.any(refused):
        return result
    invalid = (np.zeros(n, dtype=bool) if population.invalid is None
               else population.invalid != 0)
    take = refused & ~invalid
    final = np.where(take, error, result.error)
    status = np.where(final != 0, 2, result.status)
    return dataclasses.replace(result, error=final, status=status)


def decide_chain(reg: Regulation, day: dt.date, columns: Mapping[str, Any], library: Library,
                 n: int | None = None) -> ChainResult:
    """Decide every person of a population (columns of facts by name, as in ``Population``,
    including the facts of the regulations ``reg`` uses) through ``reg``'s chain on ``day``."""
    _check_columns(reg, library, columns)
    if n is None:
        lengths = {len(v) for v in columns.values()}
        if len(lengths) != 1:
            raise DecisionError("MW601", "the columns of a population differ in length",
                                path="population", got=sorted(lengths))
        n = lengths.pop()
    rules = date_rules(reg)
    links: dict[str, tuple[Reference, ChainResult]] = {}
    for name, ref in reg.references().items():
        when = reference_day(reg, name, ref, day, rules.get(name))
        other = library.resolve(reg, ref, when)
        links[name] = (ref, decide_chain(other, when, _sub_columns(library, other, ref, columns),
                                         library, n))
    own = {c: v for c, v in columns.items() if c in reg.inputs}
    population = Population(reg, own, n=n)
    bits = list(reg.inputs)
    for name, (ref, sub) in links.items():
        kind = sub.result.regulation.type_of(ref.output).kind
        population.cols[name] = _column(sub.result.outputs[ref.output], kind,
                                        sub.result.strings, population.strings, n,
                                        bits.index(name))
    result = decide(reg, day, population)
    return ChainResult(_refused(result, population, links), links)
