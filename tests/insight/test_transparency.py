"""Transparency: motivations and legal bases present, objections and how they fared per
regulation, clause and discretion class, and per rule the upheld objections that changed it;
on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from maatwerk.cases.db import Database
from maatwerk.cases.models import Decision
from maatwerk.cases.registry import Registry
from maatwerk.insight import transparency
from maatwerk.insight.cohort import Cohort
from maatwerk.insight.dashboard import NO_TEAM, Period
from tests.insight import expected
from tests.insight.bulk import Bulk, Deviation, Plan
from tests.insight.synthetic import BIJSTAND, BIJSTAND_DAY, staff


def test_every_deviation_is_motivated_and_grounded(planted_db: Database,
                                                   registry: Registry) -> None:
    with planted_db.reading() as s:
        motivated = transparency.motivated(s, Period())
        grounded = transparency.legal_basis(s, Period(), registry.current)
    plans = expected.plans(True)
    decided = [d for p in plans for d in p.deviations if d.clause and
               d.state in ("approved", "refused")]
    bijstand = next(m for m in motivated if m["regulation"] == "bijstand")
    assert bijstand["deviations"] == bijstand["deviations_motivated"] == len(decided)
    assert bijstand["refusals"] == sum(d.state == "refused" for d in decided)
    assert bijstand["deviations_share"] == Decimal(1) and bijstand["assessments_share"] is None
    assert bijstand["considerations"] == bijstand["considerations_motivated"] > 0
    assert grounded == [{"regulation": "bijstand", "clause": "afstemming",
                         "deviations": len(decided),
                         "legal_basis": "Participatiewet art. 18 lid 1",
                         "grounded": len(decided), "share": Decimal(1)}]


def test_objections_per_regulation_clause_and_class(planted_db: Database) -> None:
    with planted_db.reading() as s, Cohort.gather(s, Period()) as cohort:
        found = transparency.objections(s, cohort)
    plans = expected.decided(expected.plans(True))
    for row in found["by_regulation"]:
        mine = [p for p in plans if p.regulation == row["regulation"]]
        assert row["decided"] == len(mine)
        assert row["objected"] == row["ruled"] == sum(p.objection is not None for p in mine)
        assert row["upheld"] == sum(p.objection == "upheld" for p in mine)
    clauses = {(r["regulation"], r["clause"]): r for r in found["by_clause"]}
    classes = {(r["regulation"], r["discretion"]): r for r in found["by_discretion"]}
    assert clauses[("bijstand", "afstemming")]["decided"] == classes[
        ("bijstand", "deviation")]["decided"]
    assert clauses[("bijstand", NO_TEAM)]["objected"] == classes[("bijstand", "rules")][
        "objected"]


def test_an_upheld_objection_that_changed_an_output(db: Database, registry: Registry) -> None:
    people = staff()
    people.create(db)
    plans = [Plan("bijstand", dict(BIJSTAND), BIJSTAND_DAY, "cw-01", dt.date(2025, 2, 3),
                  dt.date(2025, 2, 20), announced=True, objection=objection)
             for objection in ("upheld", "upheld", "rejected")]
    plans.append(Plan("bijstand", dict(BIJSTAND), BIJSTAND_DAY, "cw-01", dt.date(2025, 2, 3),
                      dt.date(2025, 2, 20), deviations=(Deviation(),)))
    first = Bulk(db, registry, people).add(plans)[0]
    with db.transaction() as s:  # the first re-decision gave a higher amount
        again = s.execute(sa.select(Decision).where(Decision.case_id == first,
                                                    Decision.kind == "redecision")).scalar_one()
        again.outputs = {**again.outputs, "uit_te_betalen": "1400.00"}
    with db.reading() as s:
        found = transparency.objections_by_rule(s, Period())
    assert found == [{"regulation": "bijstand", "output": "uit_te_betalen", "upheld": 2,
                      "changed": 1, "share": Decimal("0.5000")}]
