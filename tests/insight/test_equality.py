"""Equality: alike cases (same regulation and categories, facts in the same band) and how often
their outcomes differ beyond the tolerance — the bands, the comparison, and a small history on
SQLite and PostgreSQL where the answer is known."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from maatwerk.cases.db import Database
from maatwerk.cases.registry import Registry
from maatwerk.insight.cohort import Cohort
from maatwerk.insight.dashboard import Period
from maatwerk.insight.equality import Sampled, band, differ, equality, measure, normalised
from tests.insight.bulk import Bulk, Deviation, Plan
from tests.insight.synthetic import BIJSTAND, BIJSTAND_DAY, ZORGTOESLAG, ZORGTOESLAG_DAY, staff

DAY = dt.date(2025, 7, 1)


def test_facts_are_banded_by_type() -> None:
    assert band(Decimal(3)) == "3" and band(Decimal(-10)) == "-10"
    assert band(Decimal(19000)) == band(Decimal(20000)) != band(Decimal(21000))
    assert band(Decimal("0.00")) == "0" and band(Decimal(-500)).startswith("-~")
    assert normalised("1990-03-01", "date", DAY) == normalised("1990-01-01", "date", DAY)
    assert normalised("1990-03-01", "date", DAY) == "y~37"  # 35 years: the band of 35 to 37
    assert normalised(True, "bool", DAY) == "true"
    assert normalised("alleenstaand", "enum", DAY) == "alleenstaand"
    assert normalised(None, "money", DAY) == "∅"
    assert normalised("20000.00", "money", DAY) == normalised(19000, "money", DAY)


def test_outcomes_differ_beyond_one_percent_and_one_unit() -> None:
    assert not differ("1000.00", "1009.99", True)
    assert differ("1000.00", "1010.20", True)  # more than 1 % of the larger
    assert not differ("10", "10.90", True)  # at least one unit
    assert differ("recht", "geen_recht", False) and not differ(True, True, False)


def case(i: int, key: str, *outcome: tuple[str, object]) -> Sampled:
    return Sampled(i, f"Z-{i}", "cw", "team", ((), (key,)), tuple(outcome))


def test_pairs_and_departures_within_cells() -> None:
    std, dev = ("standard", "1369.06"), ("deviation", "1500")
    cases = [case(1, "a", std), case(2, "a", std), case(3, "a", dev), case(4, "b", std),
             case(5, "b", ("standard", "1370.00")), case(6, "c", dev)]
    found = measure(cases, [True])
    assert (found["cells"], found["pairs"], found["differing_pairs"]) == (2, 4, 2)
    assert (found["alike"], found["departing"]) == (5, 1)  # case 6 is alike to none
    assert found["pair_share"] == Decimal("0.5000") and found["share"] == Decimal("0.2000")
    assert found["examples"][0]["references"] == ["Z-1", "Z-2", "Z-3"]


def test_alike_cases_with_different_outcomes_in_the_case_file(db: Database,
                                                             registry: Registry) -> None:
    people = staff()
    people.create(db)
    received, decided = dt.date(2025, 2, 3), dt.date(2025, 2, 20)

    def plan(facts: dict[str, object], worker: str, *deviations: Deviation,
             regulation: str = "bijstand") -> Plan:
        day = BIJSTAND_DAY if regulation == "bijstand" else ZORGTOESLAG_DAY
        return Plan(regulation, facts, day, worker, received, decided, deviations=deviations)

    single = dict(BIJSTAND)
    sharing = {**BIJSTAND, "aantal_kostendelers": 2}  # a policy category: not alike to single
    Bulk(db, registry, people).add([
        plan(single, "cw-01"), plan(single, "cw-01"), plan(single, "cw-05", Deviation()),
        plan(sharing, "cw-05"), plan(sharing, "cw-05"),
        plan({**ZORGTOESLAG, "toetsingsinkomen": 20000}, "cw-01", regulation="zorgtoeslag"),
        plan({**ZORGTOESLAG, "toetsingsinkomen": 19000}, "cw-01", regulation="zorgtoeslag"),
        plan({**ZORGTOESLAG, "toetsingsinkomen": 30000}, "cw-01", regulation="zorgtoeslag")])
    with db.reading() as s, Cohort.gather(s, Period()) as cohort:
        found = {r["regulation"]: r for r in equality(s, cohort, registry.current)["regulations"]}
    bijstand = found["bijstand"]
    assert (bijstand["sampled"], bijstand["cells"], bijstand["pairs"]) == (5, 2, 4)
    assert (bijstand["differing_pairs"], bijstand["departing"]) == (2, 1)
    assert {t["team"]: (t["alike"], t["departing"]) for t in bijstand["teams"]} == {
        "team-noord": (2, 0), "team-zuid": (3, 1)}
    assert bijstand["examples"][0]["categories"] == []
    zorgtoeslag = found["zorgtoeslag"]  # 19,000 and 20,000 are alike, 30,000 is not
    assert (zorgtoeslag["alike"], zorgtoeslag["pairs"], zorgtoeslag["differing_pairs"]) == (
        2, 1, 0)


def test_the_sample_is_bounded_and_the_same_on_every_run(planted_db: Database,
                                                         registry: Registry) -> None:
    with planted_db.reading() as s, Cohort.gather(s, Period()) as cohort:
        first = equality(s, cohort, registry.current, size=100)
        again = equality(s, cohort, registry.current, size=100)
    assert first == again
    assert [r["sampled"] for r in first["regulations"]] == [100, 100]
