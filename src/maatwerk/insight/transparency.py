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

Counted in SQL; nothing but the small tables and the ``outputs`` of contested decisions and
re-decisions is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from maatwerk.cases.models import Assessment, Case, Consideration, Decision, DeviationRequest
from maatwerk.cases.models import Objection as Obj
from maatwerk.insight.cohort import Cohort
from maatwerk.insight.dashboard import NO_TEAM, Period, Sql, share
from maatwerk.spec.model import Regulation

MIN_TEXT = 10  # a motivation or reason is present when it has at least this many characters
DONE = ("approved", "refused")


def _present(column: Any) -> Any:
    return func.sum(case((func.length(func.trim(func.coalesce(column, ""))) >= MIN_TEXT, 1),
                         else_=0))


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

    d = DeviationRequest
    refused = d.state == "refused"
    for regulation, n, m, r, rm in s.execute(
            select(Case.regulation, func.count(), _present(d.motivation),
                   func.sum(case((refused, 1), else_=0)),
                   func.sum(case((refused & (func.length(func.trim(d.reason)) >= MIN_TEXT), 1),
                                 else_=0)))
            .join(Case, Case.id == d.case_id)
            .where(d.state.in_(DONE), d.clause.is_not(None), *period.of(Case.regulation),
                   *period.times(d.updated_at)).group_by(Case.regulation)):
        add(regulation, deviations=n, deviations_motivated=m, refusals=r,
            refusals_motivated=rm)
    for regulation, n, m in s.execute(
            select(Case.regulation, func.count(), _present(Consideration.motivation))
            .join(Case, Case.id == Consideration.case_id)
            .where(*period.of(Case.regulation), *period.times(Consideration.recorded_at))
            .group_by(Case.regulation)):
        add(regulation, considerations=n, considerations_motivated=m)
    for regulation, n, m in s.execute(
            select(Case.regulation, func.count(),
                   _present(Assessment.record["motivation"].as_string()))
            .join(Case, Case.id == Assessment.case_id)
            .where(*period.of(Case.regulation), *period.times(Assessment.recorded_at))
            .group_by(Case.regulation)):
        add(regulation, assessments=n, assessments_motivated=m)
    return [{"regulation": r, **x,
             **{f"{k}_share": share(x[f"{k}_motivated"], x[k])
                for k in ("deviations", "refusals", "considerations", "assessments")}}
            for r, x in sorted(found.items())]


def legal_basis(s: Session, period: Period,
                regulations: Mapping[str, Regulation]) -> list[dict[str, Any]]:
    """Per regulation and clause: the deviations decided in the period and the legal basis
    the clause declares (none for a clause the regulation does not have)."""
    d = DeviationRequest
    rows = s.execute(select(Case.regulation, d.clause, func.count())
                     .join(Case, Case.id == d.case_id)
                     .where(d.state.in_(DONE), d.clause.is_not(None),
                            *period.of(Case.regulation), *period.times(d.updated_at))
                     .group_by(Case.regulation, d.clause).order_by(Case.regulation, d.clause))
    found = []
    for regulation, clause, n in rows:
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
    c = cohort.c
    used = (select(DeviationRequest.case_id, DeviationRequest.clause)
            .where(DeviationRequest.state == "approved").distinct().subquery("used"))
    for regulation, clause, n, o, r, u in s.execute(
            select(c.regulation, used.c.clause, func.count(), func.sum(c.objected),
                   func.sum(c.ruled), func.sum(c.upheld))
            .select_from(cohort.table).join(used, used.c.case_id == c.case_id)
            .where(cohort.inside()).group_by(c.regulation, used.c.clause)):
        _add(clauses, (regulation, clause), int(n), int(o or 0), int(r or 0), int(u or 0))
    return {"by_regulation": _objections(regulations, ("regulation",)),
            "by_clause": _objections(clauses, ("regulation", "clause")),
            "by_discretion": _objections(classes, ("regulation", "discretion"))}


def objections_by_rule(s: Session, period: Period) -> list[dict[str, Any]]:
    """Per regulation and output: the upheld objections whose re-decision changed it."""
    sql = Sql(s)
    contested, again = aliased(Decision), aliased(Decision)
    latest = (select(Decision.case_id, func.max(Decision.id).label("id"))
              .where(Decision.kind == "redecision").group_by(Decision.case_id).subquery())
    before, after = sql.json_pairs(contested.outputs), sql.json_pairs(again.outputs)
    upheld = (select(Case.regulation, func.count()).join(Obj, Obj.case_id == Case.id)
              .where(Obj.state == "upheld", *period.of(Case.regulation),
                     *period.times(Obj.decided_at)).group_by(Case.regulation))
    totals = {r: int(n) for r, n in s.execute(upheld)}
    changed = s.execute(
        select(Case.regulation, before.c.key, func.count())
        .select_from(Obj).join(Case, Case.id == Obj.case_id)
        .join(contested, contested.id == Obj.decision_id)
        .join(latest, latest.c.case_id == Obj.case_id).join(again, again.id == latest.c.id)
        .join(before, sa.true()).join(after, after.c.key == before.c.key)
        .where(Obj.state == "upheld", *period.of(Case.regulation),
               *period.times(Obj.decided_at),
               func.coalesce(before.c.value, "") != func.coalesce(after.c.value, ""))
        .group_by(Case.regulation, before.c.key).order_by(Case.regulation, before.c.key))
    return [{"regulation": r, "output": o, "upheld": totals.get(r, 0), "changed": int(n),
             "share": share(int(n), totals.get(r, 0))} for r, o, n in changed]
