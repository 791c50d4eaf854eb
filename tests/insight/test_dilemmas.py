"""The dilemma monitor over the synthetic histories, on SQLite and PostgreSQL: the planted
outlier caseworker is the monitor's only alarm; the clean history raises none; every dilemma is
there, for the period and regulation asked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from maatwerk.cases.db import Database
from maatwerk.cases.registry import Registry
from maatwerk.insight.cohort import Cohort
from maatwerk.insight.dashboard import Period
from maatwerk.insight.dilemmas import dilemmas
from tests.insight import expected
from tests.insight.synthetic import OUTLIER, OUTLIER_TEAM

DILEMMAS = {"equality", "legal_certainty", "efficiency", "transparency", "arbitrariness"}


def monitor(db: Database, registry: Registry, period: Period | None = None) -> dict[str, Any]:
    with db.reading() as s, Cohort.gather(s, period or Period()) as cohort:
        return dilemmas(s, cohort, registry.current)


def test_the_planted_outlier_is_the_only_alarm(planted_db: Database,
                                               registry: Registry) -> None:
    found = monitor(planted_db, registry)
    assert set(found) >= DILEMMAS
    caseworkers = [a for a in found["alarms"] if a["level"] == "caseworker"]
    assert [(a["regulation"], a["name"], a["judgement"]) for a in caseworkers] == [
        ("bijstand", OUTLIER, "high")]
    assert {a["name"] for a in found["alarms"] if a["level"] == "team"} <= {OUTLIER_TEAM}
    assert {a["dilemma"] for a in found["alarms"]} == {"arbitrariness"}


def test_a_history_without_a_planted_truth_raises_no_alarm(clean_db: Database,
                                                           registry: Registry) -> None:
    assert monitor(clean_db, registry)["alarms"] == []


def test_how_often_outcomes_depart_by_discretion(planted_db: Database,
                                                 registry: Registry) -> None:
    found = monitor(planted_db, registry)["legal_certainty"]["how_often"]
    plans = expected.decided(expected.plans(True))
    for row in found:
        mine = [p for p in plans if p.regulation == row["regulation"]]
        assert row["decided"] == len(mine)
        assert row["deviation"] == sum(expected.how(p) == "deviation" for p in mine)
        assert row["assessment"] == 0


def test_the_period_and_the_regulation_filter(planted_db: Database,
                                              registry: Registry) -> None:
    period = Period("bijstand", dt.date(2025, 3, 1), dt.date(2025, 4, 30))
    found = monitor(planted_db, registry, period)
    assert found["filter"] == {"regulation": "bijstand", "start": "2025-03-01",
                               "end": "2025-04-30"}
    plans = [p for p in expected.decided(expected.plans(True)) if p.regulation == "bijstand"
             and p.decided is not None and period.start <= p.decided <= period.end]  # type: ignore[operator]
    assert [r["decided"] for r in found["legal_certainty"]["how_often"]] == [len(plans)]
    assert [r["regulation"] for r in found["equality"]["regulations"]] == ["bijstand"]
    assert found["equality"]["regulations"][0]["sampled"] == len(plans)


def test_an_empty_period_gives_empty_figures(planted_db: Database, registry: Registry) -> None:
    found = monitor(planted_db, registry, Period(start=dt.date(2030, 1, 1)))
    assert found["alarms"] == [] and found["arbitrariness"] == []
    assert found["equality"]["regulations"] == []
    assert found["efficiency"]["lead_times"] == []
