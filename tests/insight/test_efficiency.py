"""Efficiency: lead times per discretion class read exactly from a histogram of days, and the
manual share per regulation, team and caseworker; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from maatwerk.cases.db import Database
from maatwerk.insight.cohort import Cohort
from maatwerk.insight.dashboard import Period
from maatwerk.insight.efficiency import efficiency, nearest_rank
from tests.insight import expected


def test_nearest_rank_from_a_histogram() -> None:
    # 5, 10, 30, 30: median at rank 2 (10), p90 at rank 4 (30)
    assert nearest_rank({5: 1, 10: 1, 30: 2}) == {"cases": 4, "median_days": 10, "p90_days": 30,
                                                 "mean_days": Decimal("18.8")}
    assert nearest_rank({7: 1}) == {"cases": 1, "median_days": 7, "p90_days": 7,
                                    "mean_days": Decimal("7.0")}
    assert nearest_rank({})["median_days"] is None


def test_lead_times_and_manual_share(planted_db: Database) -> None:
    with planted_db.reading() as s, Cohort.gather(s, Period()) as cohort:
        found = efficiency(s, cohort)
    plans = expected.decided(expected.plans(True))
    for row in found["lead_times"]:
        mine = [p for p in plans if p.regulation == row["regulation"]
                and expected.how(p) == row["discretion"]]
        histogram = Counter((p.decided - p.received).days for p in mine  # type: ignore[operator]
                            )
        assert {k: row[k] for k in ("cases", "median_days", "p90_days", "mean_days")} == (
            nearest_rank(dict(histogram)))
    assert {(r["regulation"], r["discretion"]) for r in found["lead_times"]} == {
        ("bijstand", "rules"), ("bijstand", "deviation"), ("zorgtoeslag", "rules")}
    teams = {(r["regulation"], r["team"]): r for r in found["manual"]["team"]}
    zuid = teams[("bijstand", "team-zuid")]
    mine = [p for p in plans if p.regulation == "bijstand" and p.caseworker in
            ("cw-05", "cw-06", "cw-07", "cw-08")]
    assert zuid["decided"] == len(mine)
    assert zuid["deviation"] == zuid["manual"] == sum(expected.how(p) == "deviation"
                                                      for p in mine)
    assert teams[("zorgtoeslag", "team-zuid")]["share"] == Decimal("0")
