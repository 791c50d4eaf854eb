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
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from maatwerk.cases.models import Case, Decision, Fact
from maatwerk.engine.decision import CATEGORY, LAYERS
from maatwerk.insight.cohort import SEED, Cohort
from maatwerk.insight.dashboard import share
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


@dataclass(frozen=True)
class Row:
    """A sampled case with its standing decision's outputs, deciding layers and layers."""

    case_id: int
    reference: str
    regulation: str
    peildatum: dt.date
    caseworker: str
    team: str
    outputs: dict[str, Any]
    deciding_layer: dict[str, str]
    layers: list[Any]


def decisions(s: Session, ids: Sequence[int]) -> dict[int, Any]:
    """The outputs, deciding layers and document layers of decisions, by id (read by primary
    key, a bounded number)."""
    found = {}
    for start in range(0, len(ids), 1000):
        for row in s.execute(select(Decision.id, Decision.outputs, Decision.deciding_layer,
                                    Decision.document["layers"].label("layers"))
                             .where(Decision.id.in_(list(ids[start:start + 1000])))):
            found[row.id] = row
    return found


def sample(s: Session, cohort: Cohort, size: int = SAMPLE, seed: int = SEED) -> list[Row]:
    """The sampled decided cases with their standing decision's outputs, layers and
    categories."""
    chosen = cohort.sample(s, size, seed)
    found = decisions(s, [r.decision_id for r in chosen])
    references: dict[int, str] = {}
    ids = [r.case_id for r in chosen]
    for start in range(0, len(ids), 1000):
        references.update((i, ref) for i, ref in s.execute(
            select(Case.id, Case.reference).where(Case.id.in_(ids[start:start + 1000]))))
    return [Row(r.case_id, references[r.case_id], r.regulation, r.peildatum, r.caseworker,
                r.team, found[r.decision_id].outputs, found[r.decision_id].deciding_layer,
                found[r.decision_id].layers) for r in chosen]


def facts_of(s: Session, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The facts of the cases as they stand (a later record of a name supersedes)."""
    found: dict[int, dict[str, Any]] = {i: {} for i in ids}
    for start in range(0, len(ids), 5000):
        chunk = list(ids[start:start + 5000])
        for case_id, name, value in s.execute(
                select(Fact.case_id, Fact.name, Fact.value)
                .where(Fact.case_id.in_(chunk)).order_by(Fact.id)):
            found[case_id][name] = value
    return found


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
        outcomes = list(groups.items())
        apart = sum(n * m for i, (a, n) in enumerate(outcomes)
                    for b, m in outcomes[i + 1:] if _differs(a, b, numeric))
        pairs += len(members) * (len(members) - 1) // 2
        differing += apart
        reference = tuple(_reference([m.outcome[i] for m in members], numeric[i])
                          for i in range(len(members[0].outcome)))
        for m in members:
            away = _differs(m.outcome, reference, numeric)
            for tally in (overall, teams.setdefault(m.team, Tally()),
                          workers.setdefault((m.caseworker, m.team), Tally())):
                tally.alike += 1
                tally.departing += int(away)
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


def equality(s: Session, cohort: Cohort, regulations: Mapping[str, Regulation],
             size: int = SAMPLE, seed: int = SEED) -> dict[str, Any]:
    """Per regulation: how often alike cases got different outcomes."""
    rows = sample(s, cohort, size, seed)
    facts = facts_of(s, [r.case_id for r in rows])
    found = []
    for regulation, cases in sorted(sampled(rows, facts, regulations).items()):
        reg = regulations.get(regulation)
        numeric = _numeric(reg, len(cases[0].outcome))
        found.append({"regulation": regulation, "outputs": list(reg.outputs) if reg else [],
                      **measure(cases, numeric)})
    return {"sample": size, "seed": seed, "tolerance": TOLERANCE,
            "regulations": found}
