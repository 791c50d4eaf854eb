"""Legal certainty: how often and how far do final outcomes depart from the standard outcome —
and what do the deviations cost?

Every decision keeps its layers: the outputs of the standard rules (``layers[0]``), then of the
policy categories, the investigation and the deviations. An output *departs* when its deciding
layer is not ``standard``.

- how often: per regulation, team and caseworker, of the cases decided in the period, how many
  were decided with discretion — an approved deviation or a recorded investigation — and their
  share (exact, from the small tables; the manual share of ``efficiency``). How often each layer
  decided the outputs of the standing decisions, policy categories included, is the
  dashboard's deciding-layer mix.
- ``how_far``: for the outputs decided by a later layer than the standard rules in cases decided
  with discretion, the departure ``final - standard`` and, where the standard value is not zero,
  ``|final - standard| / |standard|``: count, mean and median per regulation, output and deciding
  layer. Numbers only; other outputs count how often they changed.
- ``cost``: per regulation, clause and output, the money the approved deviations add and
  subtract: each deviation's new value minus the value before it (the ``standard`` of the
  deviation in the decision document), summed; and per month of the decision.

``how_far`` and ``cost`` read decision documents, so they use a sample (``cohort``: at most
``SAMPLE`` of the cases decided with discretion per regulation, the smallest hashes). When a
regulation has more, the sums are scaled up by the number of cases over the number sampled and
marked ``estimated``; otherwise they are exact. Each regulation's part is kept by what it was
computed from (``certainty``), as the equality figures are.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from maatwerk.engine.decision import DEVIATION, LAYERS, STANDARD
from maatwerk.insight.cohort import SEED, Cohort
from maatwerk.insight.documents import decisions
from maatwerk.insight.equality import number

SAMPLE = 300  # cases decided with discretion, per regulation
CENTS, SHARE = Decimal("0.01"), Decimal("0.0001")


def population(s: Session, cohort: Cohort) -> dict[str, int]:
    """Per regulation, how many cases of the period were decided with discretion."""
    found: dict[str, int] = {}
    for row in cohort.units(s):
        if row.how != "rules":
            found[row.regulation] = found.get(row.regulation, 0) + int(row.n)
    return found


def _read(s: Session, cohort: Cohort, chosen: Sequence[Any]) -> list[Sampled]:
    found = decisions(s, [r.decision_id for r in chosen], cohort.documents)
    return [Sampled(r.regulation, r.case_id, r.month, found[r.decision_id].deciding_layer,
                    found[r.decision_id].layers) for r in chosen]


@dataclass(frozen=True)
class Sampled:
    regulation: str
    case_id: int
    month: str
    deciding_layer: dict[str, str]
    layers: list[Any]


def _median(values: list[Decimal]) -> Decimal | None:
    ordered = sorted(values)
    return ordered[(len(ordered) - 1) // 2] if ordered else None


def _mean(values: list[Decimal], places: Decimal) -> Decimal | None:
    return (sum(values, Decimal(0)) / len(values)).quantize(places) if values else None


@dataclass
class _Far:
    changed: int = 0
    deltas: list[Decimal] = field(default_factory=list)
    relatives: list[Decimal] = field(default_factory=list)

    def add(self, before: Any, after: Any) -> None:
        self.changed += 1
        x, y = number(before), number(after)
        if x is None or y is None:
            return
        self.deltas.append(y - x)
        if x != 0:
            self.relatives.append(abs(y - x) / abs(x))

    def to_json(self) -> dict[str, Any]:
        median = _median(self.relatives)
        return {"changed": self.changed, "numbers": len(self.deltas),
                "mean_delta": _mean(self.deltas, CENTS),
                "mean_abs_delta": _mean([abs(x) for x in self.deltas], CENTS),
                "mean_relative": _mean(self.relatives, SHARE),
                "median_relative": None if median is None else median.quantize(SHARE)}


def how_far(rows: Iterable[Any]) -> list[dict[str, Any]]:
    """Per regulation, output and deciding layer: how far the departing outputs of the sampled
    cases lie from their standard value."""
    found: dict[tuple[str, str, str], _Far] = {}
    for row in rows:
        layers = row.layers or []
        standard = layers[0].get("outputs", {}) if layers else {}
        final = layers[-1].get("outputs", {}) if layers else {}
        for output, layer in (row.deciding_layer or {}).items():
            if layer != STANDARD:
                found.setdefault((row.regulation, output, layer), _Far()).add(
                    standard.get(output), final.get(output))
    return [{"regulation": regulation, "output": output, "layer": layer, **far.to_json()}
            for (regulation, output, layer), far in sorted(
                found.items(), key=lambda x: (x[0][0], x[0][1], _rank(x[0][2])))]


def cost(rows: list[Any], population: dict[str, int]) -> dict[str, Any]:
    """What the approved deviations of the sampled cases add and subtract, per regulation,
    clause and output and per month, scaled up to all cases decided with discretion."""
    sampled: dict[str, int] = {}
    for row in rows:
        sampled[row.regulation] = sampled.get(row.regulation, 0) + 1
    totals: dict[tuple[str, str, str], list[Decimal]] = {}
    months: dict[tuple[str, str], list[Decimal]] = {}
    for row in rows:
        for layer in row.layers or []:
            for dev in layer.get("deviations") or () if layer.get("layer") == DEVIATION else ():
                before, after = number(dev.get("standard")), number(dev.get("value"))
                if before is None or after is None:
                    continue
                factor = Decimal(population.get(row.regulation, 0)) / sampled[row.regulation]
                found = totals.setdefault((row.regulation, str(dev.get("clause")),
                                           str(dev.get("output"))), [Decimal(0)] * 3)
                delta = (after - before) * factor
                found[0 if delta >= 0 else 1] += delta
                found[2] += 1
                month = months.setdefault((row.regulation, row.month), [Decimal(0)] * 2)
                month[0] += delta
                month[1] += 1
    return {
        "by_clause": [{"regulation": r, "clause": c, "output": o, "sampled": int(n),
                       "added": add.quantize(CENTS), "subtracted": sub.quantize(CENTS),
                       "net": (add + sub).quantize(CENTS),
                       "estimated": population.get(r, 0) > sampled.get(r, 0)}
                      for (r, c, o), (add, sub, n) in sorted(totals.items())],
        "by_month": [{"regulation": r, "month": m, "sampled": int(n), "net": net.quantize(CENTS),
                      "estimated": population.get(r, 0) > sampled.get(r, 0)}
                     for (r, m), (net, n) in sorted(months.items())],
        "population": population, "sampled": sampled}


def _rank(layer: str) -> int:
    return LAYERS.index(layer) if layer in LAYERS else len(LAYERS)


def _measured(s: Session, cohort: Cohort, regulation: str, chosen: Sequence[Any],
              cases: int) -> dict[str, Any]:
    """``how_far`` and ``cost`` of one regulation's sample, of ``cases`` decided with
    discretion."""
    rows = _read(s, cohort, chosen)
    return {"how_far": how_far(rows), "cost": cost(rows, {regulation: cases})}


def certainty(s: Session, cohort: Cohort, size: int = SAMPLE,
              seed: int = SEED) -> dict[str, Any]:
    """How far outcomes decided with discretion depart from the standard one, and what the
    deviations cost. A regulation's part is taken from ``cohort.kept`` when it was computed
    before from the same sample — the same cases with the same standing decisions (which do
    not change once written) in the same months — and the same number of cases decided with
    discretion; and kept there when computed."""
    chosen = cohort.sample(s, size, seed, discretion=True)
    cases = population(s, cohort)
    by_regulation: dict[str, list[Any]] = {}
    for row in chosen:
        by_regulation.setdefault(row.regulation, []).append(row)
    far: list[dict[str, Any]] = []
    spent: dict[str, Any] = {"by_clause": [], "by_month": [], "population": cases,
                             "sampled": {}}
    for regulation, mine in sorted(by_regulation.items()):
        content = repr([(r.case_id, r.decision_id, r.month) for r in mine])
        key = ("certainty", regulation, size, seed, cases.get(regulation, 0),
               hashlib.sha256(content.encode()).hexdigest())
        part = cohort.kept.get(key)
        if part is None:
            part = cohort.kept[key] = _measured(s, cohort, regulation, mine,
                                                cases.get(regulation, 0))
        far += part["how_far"]
        for name in ("by_clause", "by_month"):
            spent[name] += part["cost"][name]
        spent["sampled"].update(part["cost"]["sampled"])
    return {"sample": size, "seed": seed, "how_far": far, "cost": spent}
