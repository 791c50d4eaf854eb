"""Equality: do alike cases get alike outcomes?

Two decided cases are *alike* when they fall under the same regulation, the same policy
categories applied to them, and every fact falls in the same band (``band``):

- yes/no, enumerations and texts: the same value;
- integers from -10 to 10: the same value (a number of cost sharers, of children);
- larger integers, decimals and amounts: both zero, or the same sign and the same 10 % band on a
  logarithmic scale (``⌊ln |v| / ln 1.1⌋``: one band runs from 18,429 to 20,271, the next to
  22,298), so an income is compared relative to its size, not in euros;
- dates: the whole years between the date and the case's reference date (a date of birth
  becomes an age), then as an integer;
- a fact the case does not have: alike only to another case without it.

The alike cases form *cells*. Within a cell, two outcomes *differ* when, for some output of
the regulation, the deciding layer differs or the final values differ beyond the tolerance:
numbers by more than 1 % of the larger and at least 1 (a euro, a unit), anything else when not
equal. Measured per regulation:

- ``pair_share``: of all pairs of alike cases, the share whose outcomes differ;
- ``departing``: the alike cases (in a cell of at least two) whose outcome differs from their
  cell's *reference outcome* — per output the most common deciding layer (the earliest layer on a
  tie) and the middle value of its cases — and their share; also per team and per caseworker.

The cases are a sample (``maatwerk.insight.cohort``: at most ``SAMPLE`` decided cases per
regulation, the smallest hashes; all of them when there are fewer): the facts, outputs, deciding
layers and applied categories of those cases are read, so the cost does not grow with the case
file. Blocking by cell makes the comparison linear in the sample, never pairwise over it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from maatwerk.engine.decision import CATEGORY, LAYERS
from maatwerk.insight.cohort import SEED, Cohort
from maatwerk.insight.dashboard import share
from maatwerk.insight.documents import Row, fact_versions, facts_of, rows
from maatwerk.spec.model import Regulation

SAMPLE = 500  # decided cases per regulation
BAND = math.log(1.1)  # the width of a band of amounts: 10 %
EXACT = 10  # integers up to this size are compared exactly
TOLERANCE, AT_LEAST = Decimal("0.01"), Decimal(1)
MISSING = "∅"
NUMERIC = ("integer", "decimal", "money")


def number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def band(value: Decimal) -> str:
    """The band of a number: itself when small and whole, else its 10 % band."""
    if value == value.to_integral_value() and abs(value) <= EXACT:
        return str(int(value))
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    return f"{sign}~{math.floor(math.log(abs(float(value))) / BAND)}"


def normalised(value: Any, kind: str | None, peildatum: dt.date) -> str:
    """A fact as the value alike cases share (see the module's text)."""
    if value is None:
        return MISSING
    if kind == "date" and isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return value
        years = peildatum.year - day.year - ((peildatum.month, peildatum.day)
                                             < (day.month, day.day))
        return "y" + band(Decimal(years))
    found = number(value) if kind in NUMERIC or kind is None else None
    if found is not None and not isinstance(value, bool):
        return band(found)
    return str(value).lower() if isinstance(value, bool) else str(value)


def differ(a: Any, b: Any, numeric: bool) -> bool:
    """Whether two values of an output differ beyond the tolerance."""
    x, y = (number(a), number(b)) if numeric else (None, None)
    if x is None or y is None:
        return str(a) != str(b)
    return abs(x - y) > max(AT_LEAST, TOLERANCE * max(abs(x), abs(y)))


@dataclass(frozen=True)
class Sampled:
    case_id: int
    reference: str
    caseworker: str
    team: str
    key: tuple[Any, ...]
    outcome: tuple[tuple[str, Any], ...]  # (layer, value) per output


def categories(layers: Any) -> tuple[str, ...]:
    """The policy categories a decision applied, from its layers."""
    for layer in layers or ():
        if isinstance(layer, dict) and layer.get("layer") == CATEGORY:
            return tuple(sorted(str(c.get("id")) for c in layer.get("categories") or ()))
    return ()


def sample(s: Session, cohort: Cohort, size: int = SAMPLE, seed: int = SEED) -> list[Row]:
    """The sampled decided cases with their standing decision's outputs, layers and
    categories."""
    return rows(s, cohort.sample(s, size, seed), cohort.documents)


def _kinds(reg: Regulation | None) -> tuple[dict[str, str], dict[str, str]]:
    if reg is None:
        return {}, {}
    inputs = {n: i.type.kind for n, i in reg.inputs.items()}
    outputs = {}
    for name in reg.outputs:
        try:
            outputs[name] = reg.type_of(name).kind
        except KeyError:
            outputs[name] = "text"
    return inputs, outputs


def _reference(values: list[tuple[str, Any]], numeric: bool) -> tuple[str, Any]:
    """The reference outcome of one output in a cell: the most common layer (the earliest on
    a tie) and the middle value of its cases (the most common, for non-numbers)."""
    layers = Counter(layer for layer, _ in values)
    top = max(layers.values())
    layer = min((x for x, n in layers.items() if n == top),
                key=lambda x: (LAYERS.index(x) if x in LAYERS else len(LAYERS), x))
    mine = [v for x, v in values if x == layer]
    numbers = sorted(n for v in mine if (n := number(v)) is not None) if numeric else []
    if numbers and len(numbers) == len(mine):
        return layer, numbers[(len(numbers) - 1) // 2]
    counted = Counter(str(v) for v in mine)
    best = max(counted.values())
    return layer, min(v for v, n in counted.items() if n == best)


def sampled(rows: list[Row], facts: Mapping[int, Mapping[str, Any]],
            regulations: Mapping[str, Regulation]) -> dict[str, list[Sampled]]:
    """The sampled cases per regulation, each with the key of its cell and its outcome."""
    found: dict[str, list[Sampled]] = {}
    kinds: dict[str, tuple[dict[str, str], dict[str, str]]] = {}
    for row in rows:
        if row.regulation not in kinds:
            kinds[row.regulation] = _kinds(regulations.get(row.regulation))
        inputs, outputs = kinds[row.regulation]
        mine = facts.get(row.case_id, {})
        names = sorted(inputs) if inputs else sorted(mine)
        key = (categories(row.layers), tuple(normalised(mine.get(n), inputs.get(n), row.peildatum)
                                             for n in names))
        layers = row.deciding_layer or {}
        shown = row.outputs or {}
        outs = list(outputs) if outputs else sorted(shown)
        outcome = tuple((str(layers.get(o, "")), shown.get(o)) for o in outs)
        found.setdefault(row.regulation, []).append(Sampled(
            row.case_id, row.reference, row.caseworker, row.team, key, outcome))
    return found


def _numeric(reg: Regulation | None, size: int) -> list[bool]:
    _, outputs = _kinds(reg)
    return [k in NUMERIC for k in outputs.values()] if outputs else [True] * size


def _differs(a: tuple[tuple[str, Any], ...], b: tuple[tuple[str, Any], ...],
             numeric: list[bool]) -> bool:
    return any(x[0] != y[0] or differ(x[1], y[1], n)
               for x, y, n in zip(a, b, numeric, strict=False))


@dataclass(frozen=True)
class _Prepared:
    """An outcome made ready to compare with many others: its *signature* — per output the
    deciding layer and, unless it is a number compared within the tolerance, the value as
    text — and its numbers by position. Two outcomes with different signatures differ; with
    the same signature they differ only when one of the numbers lies beyond the tolerance
    (``differ``: a value is compared as a number exactly when it reads as one)."""

    signature: tuple[Any, ...]
    numbers: tuple[tuple[int, Decimal], ...]


def _prepare(outcome: tuple[tuple[str, Any], ...], numeric: list[bool]) -> _Prepared:
    signature: list[Any] = []
    numbers = []
    for i, ((layer, value), n) in enumerate(zip(outcome, numeric, strict=False)):
        found = number(value) if n else None
        signature.append((layer, "#") if found is not None else (layer, str(value)))
        if found is not None:
            numbers.append((i, found))
    return _Prepared(tuple(signature), tuple(numbers))


def _apart(a: _Prepared, b: _Prepared) -> bool:
    """Whether two outcomes of the same signature differ (as ``_differs``)."""
    for (_, x), (_, y) in zip(a.numbers, b.numbers, strict=True):
        if abs(x - y) > max(AT_LEAST, TOLERANCE * max(abs(x), abs(y))):
            return True
    return False


def _differing_pairs(groups: Counter[tuple[tuple[str, Any], ...]],
                     numeric: list[bool]) -> int:
    """Of the pairs of a cell's cases, how many have outcomes that differ: every pair across
    two signatures, and the pairs within one signature whose numbers lie apart (the pairs of
    one outcome never differ)."""
    if any(len(outcome) != len(numeric) for outcome in groups):  # outputs unknown: pairwise
        outcomes = list(groups.items())
        return sum(n * m for i, (a, n) in enumerate(outcomes)
                   for b, m in outcomes[i + 1:] if _differs(a, b, numeric))
    same: dict[tuple[Any, ...], list[tuple[_Prepared, int]]] = {}
    for outcome, n in groups.items():
        prepared = _prepare(outcome, numeric)
        same.setdefault(prepared.signature, []).append((prepared, n))
    total = sum(groups.values())
    apart = (total * total - sum(n * n for n in groups.values())) // 2  # distinct outcomes
    for members in same.values():
        for i, (a, n) in enumerate(members):
            for b, m in members[i + 1:]:
                if not _apart(a, b):
                    apart -= n * m
    return apart


@dataclass
class Tally:
    alike: int = 0
    departing: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"alike": self.alike, "departing": self.departing,
                "share": share(self.departing, self.alike)}


def measure(cases: list[Sampled], numeric: list[bool]) -> dict[str, Any]:
    """The equality figures of one regulation's sampled cases."""
    cells: dict[tuple[Any, ...], list[Sampled]] = {}
    for case in cases:
        cells.setdefault(case.key, []).append(case)
    pairs = differing = 0
    overall = Tally()
    teams: dict[str, Tally] = {}
    workers: dict[tuple[str, str], Tally] = {}
    worst = []
    for key, members in cells.items():
        if len(members) < 2:
            continue
        groups = Counter(m.outcome for m in members)
        apart = _differing_pairs(groups, numeric)
        pairs += len(members) * (len(members) - 1) // 2
        differing += apart
        reference = tuple(_reference([m.outcome[i] for m in members], numeric[i])
                          for i in range(len(members[0].outcome)))
        away = {outcome: _differs(outcome, reference, numeric) for outcome in groups}
        for m in members:
            for tally in (overall, teams.setdefault(m.team, Tally()),
                          workers.setdefault((m.caseworker, m.team), Tally())):
                tally.alike += 1
                tally.departing += int(away[m.outcome])
        if apart:
            worst.append((apart, key, members, groups))
    worst.sort(key=lambda x: (-x[0], str(x[1])))
    return {"sampled": len(cases), "cells": sum(1 for m in cells.values() if len(m) > 1),
            "pairs": pairs, "differing_pairs": differing, "pair_share": share(differing, pairs),
            **overall.to_json(),
            "teams": [{"team": t, **x.to_json()} for t, x in sorted(teams.items())],
            "caseworkers": [{"caseworker": w, "team": t, **x.to_json()}
                            for (w, t), x in sorted(workers.items())],
            "examples": [_example(key, members, groups) for _, key, members, groups
                         in worst[:5]]}


def _example(key: tuple[Any, ...], members: list[Sampled],
             groups: Counter[tuple[tuple[str, Any], ...]]) -> dict[str, Any]:
    """A cell of alike cases with different outcomes, to look into."""
    return {"categories": list(key[0]), "cases": len(members),
            "outcomes": [{"cases": n, "layers": [x[0] for x in outcome],
                          "values": [x[1] for x in outcome]}
                         for outcome, n in groups.most_common()],
            "references": sorted(m.reference for m in members)[:10]}


def _content(regulation: str, reg: Regulation | None, chosen: Sequence[Any],
             versions: Mapping[int, tuple[int, int]], size: int, seed: int) -> tuple[Any, ...]:
    """What one regulation's equality figures are computed from, as a key: the regulation's
    definition, the sample, and per sampled case its standing decision (a decision does not
    change once written), its reference date, caseworker and team, and its fact version (facts
    are only added). The case's reference does not change either. (The whole row of the
    sample is taken, by position: its case id first.)"""
    rows = repr([(*r, versions.get(r[0])) for r in chosen])
    return ("equality", regulation, reg.sha256 if reg is not None else None, size, seed,
            hashlib.sha256(rows.encode()).hexdigest())


def _measured(s: Session, cohort: Cohort, regulation: str, chosen: Sequence[Any],
              regulations: Mapping[str, Regulation]) -> dict[str, Any]:
    """The equality figures of one regulation's sampled cases, computed."""
    read = rows(s, chosen, cohort.documents)
    cases = sampled(read, facts_of(s, [r.case_id for r in read]), regulations)[regulation]
    reg = regulations.get(regulation)
    return {"regulation": regulation, "outputs": list(reg.outputs) if reg else [],
            **measure(cases, _numeric(reg, len(cases[0].outcome)))}


def equality(s: Session, cohort: Cohort, regulations: Mapping[str, Regulation],
             size: int = SAMPLE, seed: int = SEED) -> dict[str, Any]:
    """Per regulation: how often alike cases got different outcomes. A regulation's figures
    are taken from ``cohort.kept`` when they were computed before from the same content
    (``_content``), and kept there when computed."""
    chosen = cohort.sample(s, size, seed)
    by_regulation: dict[str, list[Any]] = {}
    for row in chosen:
        by_regulation.setdefault(row.regulation, []).append(row)
    versions = fact_versions(s, [r.case_id for r in chosen])
    found = []
    for regulation, mine in sorted(by_regulation.items()):
        key = _content(regulation, regulations.get(regulation), mine, versions, size, seed)
        figures = cohort.kept.get(key)
        if figures is None:
            figures = cohort.kept[key] = _measured(s, cohort, regulation, mine, regulations)
        found.append(figures)
    return {"sample": size, "seed": seed, "tolerance": TOLERANCE,
            "regulations": found}
