"""Arbitrariness: deviation rates per caseworker and team against funnel limits, per regulation;
on SQLite and PostgreSQL, counted against the plans of the synthetic histories."""

from __future__ import annotations

from typing import Any

from maatwerk.cases.db import Database
from maatwerk.cases.registry import Registry
from maatwerk.insight.arbitrariness import arbitrariness, can_deviate
from maatwerk.insight.cohort import Cohort
from maatwerk.insight.dashboard import Period
from tests.insight import expected
from tests.insight.synthetic import OUTLIER, OUTLIER_TEAM


def funnels(db: Database, registry: Registry) -> list[dict[str, Any]]:
    with db.reading() as s, Cohort.gather(s, Period()) as cohort:
        return arbitrariness(s, cohort, registry.current)


def test_the_counts_are_the_cases_decided_and_those_with_a_deviation(
        planted_db: Database, registry: Registry) -> None:
    found = funnels(planted_db, registry)
    assert [f["regulation"] for f in found] == ["bijstand"]  # zorgtoeslag cannot deviate
    points = {p["name"]: (p["cases"], p["count"]) for p in found[0]["caseworkers"]["points"]}
    assert points == expected.per_caseworker(expected.plans(True), "bijstand")


def test_the_planted_outlier_is_flagged_and_nobody_else(planted_db: Database,
                                                        registry: Registry) -> None:
    bijstand = funnels(planted_db, registry)[0]
    assert bijstand["caseworkers"]["outliers"] == [OUTLIER]
    point = next(p for p in bijstand["caseworkers"]["points"] if p["name"] == OUTLIER)
    assert point["judgement"] == "high" and point["team"] == OUTLIER_TEAM
    assert point["rate"] > point["high_998"]
    assert set(bijstand["teams"]["outliers"]) <= {OUTLIER_TEAM}


def test_a_history_without_an_outlier_raises_no_alarm(clean_db: Database,
                                                      registry: Registry) -> None:
    bijstand = funnels(clean_db, registry)[0]
    assert bijstand["caseworkers"]["outliers"] == []
    assert bijstand["teams"]["outliers"] == []


def test_only_a_regulation_with_an_individual_clause_can_deviate(registry: Registry) -> None:
    assert can_deviate(registry.current["bijstand"])
    assert not can_deviate(registry.current["zorgtoeslag"])
    assert not can_deviate(None)
