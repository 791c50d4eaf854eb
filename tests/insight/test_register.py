"""The public register: deviations per year, regulation, clause and ground — every declared
ground listed, counts from the case file, small numbers and their complements hidden, nothing
hidden ever published; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from maatwerk.cases.db import Database
from maatwerk.cases.registry import Registry
from maatwerk.insight.register import csv_rows, register
from tests.insight import expected
from tests.insight.bulk import Bulk, Deviation, Plan
from tests.insight.synthetic import BIJSTAND, BIJSTAND_DAY, staff


def published(db: Database, registry: Registry) -> dict[str, Any]:
    with db.reading() as s:
        return register(s, registry.current)


def test_the_register_counts_the_deviations_per_clause_and_ground(
        planted_db: Database, registry: Registry) -> None:
    found = published(planted_db, registry)
    assert [y["year"] for y in found["years"]] == ["2025"]
    bijstand = next(r for r in found["years"][0]["regulations"] if r["regulation"] == "bijstand")
    declared = registry.current["bijstand"].hardship
    assert [c["clause"] for c in bijstand["clauses"]] == [
        n for n, c in declared.items() if c.level == "individual"]
    counted = Counter((d.clause, d.ground, d.state) for p in expected.plans(True)
                      for d in p.deviations if d.clause and d.state in ("approved", "refused"))
    for clause in bijstand["clauses"]:
        assert [g["ground"] for g in clause["grounds"]] == list(
            declared[clause["clause"]].grounds)
        for g in clause["grounds"]:
            for state in ("approved", "refused"):
                n = counted[(clause["clause"], g["ground"], state)]
                cell = g[state]
                assert cell["value"] == n if cell["suppressed"] is None else cell["value"] is None
                assert cell["suppressed"] != "small" or 0 < n < 10
    afstemming = bijstand["clauses"][0]
    assert afstemming["legal_basis"] == "Participatiewet art. 18 lid 1"
    assert afstemming["label"]["nl"].startswith("Afstemming")
    assert all(r["regulation"] != "zorgtoeslag" for r in found["years"][0]["regulations"])


def small_history(db: Database, registry: Registry) -> None:
    """Three deviations on one ground, 25 on another, 12 refused, in 2025."""
    people = staff()
    people.create(db)
    plans = []
    for i in range(40):
        ground = "mogelijkheden" if i < 3 else "omstandigheden"
        state = "approved" if i < 28 else "refused"
        plans.append(Plan("bijstand", dict(BIJSTAND), BIJSTAND_DAY, "cw-01",
                          dt.date(2025, 2, 3), dt.date(2025, 3, 3),
                          deviations=(Deviation(state=state, ground=ground),)))
    Bulk(db, registry, people).add(plans)


def test_small_numbers_and_their_complements_are_hidden(db: Database,
                                                        registry: Registry) -> None:
    small_history(db, registry)
    found = published(db, registry)
    clause = found["years"][0]["regulations"][0]["clauses"][0]
    grounds = {g["ground"]: g for g in clause["grounds"]}
    assert grounds["mogelijkheden"]["approved"] == {"value": None, "shown": "< 10",
                                                    "suppressed": "small"}
    # 3 + 25 = 28 is published, so 25 is hidden too, or 3 would follow
    assert grounds["omstandigheden"]["approved"] == {"value": None, "shown": "×",
                                                     "suppressed": "complementary"}
    assert grounds["middelen"]["approved"]["shown"] == "0"
    assert clause["approved"]["value"] == 28 and clause["refused"]["value"] == 12
    assert grounds["omstandigheden"]["refused"]["value"] == 12
    rows = csv_rows(found)
    assert rows[0] == ["year", "regulation", "clause", "ground", "level", "legal_basis",
                       "approved", "refused"]
    flat = "\n".join(",".join(r) for r in rows)
    assert ",25," not in flat and ",3," not in flat
    assert "mogelijkheden,ground,Participatiewet art. 18 lid 1,< 10,0" in flat


def test_no_deviations_no_years(db: Database, registry: Registry) -> None:
    assert published(db, registry) == {"threshold": 10, "measures": ["approved", "refused"],
                                       "years": []}
