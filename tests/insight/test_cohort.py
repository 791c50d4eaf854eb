"""The cohort: every decided case as the read model holds it (one row per case with what the
figures count) and its groupings; the seeded sample hash, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from maatwerk.cases.db import Database
from maatwerk.cases.models import User
from maatwerk.insight.cohort import MODULUS, MULTIPLIER, SEED, Cohort, hashed
from maatwerk.insight.dashboard import Period
from maatwerk.insight.store import CASES
from tests.insight import expected


def test_one_row_per_decided_case_with_what_it_had(planted_db: Database) -> None:
    plans = expected.plans(True)
    with planted_db.reading() as s, Cohort.gather(s, Period()) as cohort:
        items = cohort.view.items(CASES)
        rows = {r.case_id: r for r in s.execute(
            sa.select(items, User.username.label("caseworker"))
            .outerjoin(User, User.id == items.c.assigned_to).where(items.c.decided == 1))}
        units = cohort.units(s)
        assert cohort.units(s) is units  # counted once per cohort
    ids = sorted(rows)
    done = expected.decided(plans)
    assert len(rows) == len(done)
    for case_id, plan in zip(ids, done, strict=True):
        row = rows[case_id]
        assert (row.regulation, row.channel, row.caseworker) == (
            plan.regulation, plan.channel, plan.caseworker)
        assert row.how == expected.how(plan)
        assert row.first_day == plan.decided.isoformat()  # type: ignore[union-attr]
        assert row.days == (plan.decided - plan.received).days  # type: ignore[operator]
        assert row.objected == (plan.objection is not None)
        assert row.upheld == (plan.objection == "upheld")
        assert row.asked == any(d.trigger == "request" for d in plan.deviations)
        assert row.hash == ((case_id + SEED) * MULTIPLIER) % MODULUS
    assert sum(u.n for u in units) == len(done)


def test_the_period_marks_its_own_cases_and_keeps_the_earlier_ones(
        planted_db: Database) -> None:
    period = Period(start=dt.date(2025, 4, 1), end=dt.date(2025, 4, 30))
    plans = expected.decided(expected.plans(True))
    with planted_db.reading() as s, Cohort.gather(s, period) as cohort:
        counted = cohort.months(s)
    inside = sum(row.n for row in counted if row.in_period)
    every = sum(row.n for row in counted)
    assert inside == sum(p.decided is not None and period.start <= p.decided <= period.end  # type: ignore[operator]
                         for p in plans)
    assert every == sum(p.decided is not None and p.decided <= period.end  # type: ignore[operator]
                        for p in plans)


def test_the_sample_hash_is_the_same_in_python_and_sql(planted_db: Database) -> None:
    ids = [*range(1, 50), 2**31 - 1]
    with planted_db.reading() as s:
        found = [s.execute(sa.select(hashed(sa.literal(i, sa.BigInteger)))).scalar_one()
                 for i in ids]
    assert found == [((i + SEED) * MULTIPLIER) % MODULUS for i in ids]
