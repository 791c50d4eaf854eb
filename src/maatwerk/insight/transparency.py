"""Transparency: is every exercise of discretion motivated and grounded, and how do objections
fare?

- ``motivated``: of the deviations decided in the period (approved or refused: a proposal's last
  change in the period), how many carry a motivation (at least ten characters, as the engine
  asks), and of the refusals how many a reason; of the considerations and the investigations
  recorded in the period, how many carry a motivation. Per regulation.
- ``legal_basis``: of the deviations decided in the period, how many were made under a clause
  that declares its legal basis with an article (looked up in the regulation as it is loaded now;
  a clause it no longer has counts as without). Per regulation and clause.
- ``objections``: of the cases decided in the period, how many were objected to, and of the
  objections decided, how many were upheld — per regulation, per clause (the clauses of the
  case's approved deviations; ``—`` for a case without one) and per discretion class (a case
  with an approved deviation, with an investigation, or decided by the rules alone).
- ``objections_by_rule``: per output (the rule that computes it), the upheld objections whose
  re-decision changed its value, and their share of the upheld objections of the regulation.

Counted in SQL over the insight read model (``maatwerk.insight.store``): the deviations,
considerations, investigations, clauses of decided cases and upheld objections, each counted per
regulation and day; a motivation or reason is present with at least ten characters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from maatwerk.insight.cohort import Cohort
from maatwerk.insight.dashboard import NO_TEAM, Period, counted, share
from maatwerk.insight.store import DEVIATIONS, NOTES, UPHELD
from maatwerk.insight.view import viewing
from maatwerk.spec.model import Regulation

DONE = ("approved", "refused")
NOTED = {"consideration": "considerations", "assessment": "assessments"}


def _decided(s: Session, period: Period, keys: tuple[str, ...], *sums: Any) -> list[Any]:
    """The deviations decided in the period (approved or refused, with a clause), counted by
    ``keys`` of the deviation cube, with ``sums`` (functions of the cube's columns)."""
    with viewing(s) as v:
        x = v.cube(DEVIATIONS).c
        columns = [x[k] for k in keys]
        return list(s.execute(
            select(*columns, func.sum(x.n), *(func.sum(f(x)) for f in sums))
            .where(x.state.in_(DONE), x.claused == 1, *period.of(x.regulation),
                   *period.on_days(x.day))
            .group_by(*columns).having(counted(x.n)).order_by(*columns)))


def motivated(s: Session, period: Period) -> list[dict[str, Any]]:
    """Per regulation: decided deviations, refusals, considerations and investigations, and how
    many of each are motivated."""
    found: dict[str, dict[str, int]] = {}

    def add(regulation: str, **counts: Any) -> None:
        entry = found.setdefault(regulation, dict.fromkeys(
            ("deviations", "deviations_motivated", "refusals", "refusals_motivated",
             "considerations", "considerations_motivated", "assessments",
             "assessments_motivated"), 0))
        for k, v in counts.items():
            entry[k] += int(v or 0)

    for regulation, n, m, r, rm in _decided(
            s, period, ("regulation",), lambda x: x.motivated,
            lambda x: case((x.state == "refused", x.n), else_=0), lambda x: x.reasoned):
        add(regulation, deviations=n, deviations_motivated=m, refusals=r,
            refusals_motivated=rm)
    with viewing(s) as v:
        x = v.cube(NOTES).c
        notes = s.execute(select(x.regulation, x.kind, func.sum(x.n), func.sum(x.motivated))
                          .where(*period.of(x.regulation), *period.on_days(x.day))
                          .group_by(x.regulation, x.kind).having(counted(x.n))).all()
    for regulation, kind, n, m in notes:
        add(regulation, **{NOTED[kind]: n, f"{NOTED[kind]}_motivated": m})
    return [{"regulation": r, **x,
             **{f"{k}_share": share(x[f"{k}_motivated"], x[k])
                for k in ("deviations", "refusals", "considerations", "assessments")}}
            for r, x in sorted(found.items())]


def legal_basis(s: Session, period: Period,
                regulations: Mapping[str, Regulation]) -> list[dict[str, Any]]:
    """Per regulation and clause: the deviations decided in the period and the legal basis
    the clause declares (none for a clause the regulation does not have)."""
    found = []
    for regulation, clause, n in _decided(s, period, ("regulation", "clause")):
        reg = regulations.get(regulation)
        declared = reg.hardship.get(str(clause)) if reg else None
        basis = declared.legal_basis if declared else None
        grounded = basis is not None and bool(basis.article)
        found.append({"regulation": regulation, "clause": clause, "deviations": int(n),
                      "legal_basis": None if basis is None else
                      " ".join(x for x in (basis.title, basis.article) if x),
                      "grounded": int(n) if grounded else 0,
                      "share": share(int(n) if grounded else 0, int(n))})
    return found


KEYS = ("decided", "objected", "ruled", "upheld")


def _objections(found: dict[tuple[str, ...], list[int]],
                names: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{**dict(zip(names, key, strict=True)), "decided": n, "objected": o,
             "objection_rate": share(o, n), "ruled": r, "upheld": u,
             "upheld_share": share(u, r)} for key, (n, o, r, u) in sorted(found.items())]


def _add(found: dict[tuple[str, ...], list[int]], key: tuple[str, ...], *counts: int) -> None:
    total = found.setdefault(key, [0, 0, 0, 0])
    for i, v in enumerate(counts):
        total[i] += v


def objections(s: Session, cohort: Cohort) -> dict[str, list[dict[str, Any]]]:
    """Objection rate and upheld share per regulation, per clause and per discretion class."""
    regulations: dict[tuple[str, ...], list[int]] = {}
    classes: dict[tuple[str, ...], list[int]] = {}
    clauses: dict[tuple[str, ...], list[int]] = {}
    for row in cohort.units(s):
        counts = (int(row.n), int(row.objected or 0), int(row.ruled or 0),
                  int(row.upheld or 0))
        _add(regulations, (row.regulation,), *counts)
        _add(classes, (row.regulation, row.how), *counts)
        if row.how != "deviation":  # no approved deviation: no clause
            _add(clauses, (row.regulation, NO_TEAM), *counts)
    for row in cohort.clauses(s):
        _add(clauses, (row.regulation, row.clause), int(row.n), int(row.objected or 0),
             int(row.ruled or 0), int(row.upheld or 0))
    return {"by_regulation": _objections(regulations, ("regulation",)),
            "by_clause": _objections(clauses, ("regulation", "clause")),
            "by_discretion": _objections(classes, ("regulation", "discretion"))}


def objections_by_rule(s: Session, period: Period) -> list[dict[str, Any]]:
    """Per regulation and output: the upheld objections whose re-decision changed it."""
    with viewing(s) as v:
        x = v.cube(UPHELD).c
        rows = s.execute(select(x.regulation, x.output, func.sum(x.n))
                         .where(*period.of(x.regulation), *period.on_days(x.day))
                         .group_by(x.regulation, x.output).having(counted(x.n))
                         .order_by(x.regulation, x.output)).all()
    totals = {r: int(n) for r, o, n in rows if o == ""}
    return [{"regulation": r, "output": o, "upheld": totals.get(r, 0), "changed": int(n),
             "share": share(int(n), totals.get(r, 0))} for r, o, n in rows if o != ""]
