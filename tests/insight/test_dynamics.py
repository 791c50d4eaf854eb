"""The dynamics signals over the synthetic histories, on SQLite and PostgreSQL: the planted
assertive-citizen effect (requests at the desk granted far more often) is detected in that
channel and nowhere else; the clean history raises no alarm; the caseworkers', managers' and
administrators' signals count what the plans hold."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from maatwerk.cases.db import Database
from maatwerk.cases.registry import Registry
from maatwerk.insight.cohort import Cohort
from maatwerk.insight.dashboard import Period
from maatwerk.insight.dynamics import RECURRING, dynamics, z_test
from tests.insight import expected
from tests.insight.synthetic import ASSERTIVE, OUTLIER, TODAY


def signals(db: Database, registry: Registry, period: Period | None = None) -> dict[str, Any]:
    with db.reading() as s, Cohort.gather(s, period or Period()) as cohort:
        return dynamics(s, cohort, registry.current, TODAY)


def test_the_planted_assertive_citizen_effect_is_detected(planted_db: Database,
                                                          registry: Registry) -> None:
    citizens = signals(planted_db, registry)["citizens"]
    assert [c["regulation"] for c in citizens] == ["bijstand"]
    bijstand = citizens[0]
    assert bijstand["alarms"] == [ASSERTIVE]
    assert bijstand["grant_funnel"]["outliers"] == [ASSERTIVE]
    assert bijstand["ask_funnel"]["outliers"] == []  # they do not ask more, they get more
    desk = next(c for c in bijstand["channels"] if c["channel"] == ASSERTIVE)
    others = [c for c in bijstand["channels"] if c["channel"] != ASSERTIVE]
    assert all(desk["grant_rate"] > c["grant_rate"] for c in others)
    assert bijstand["asking_pays"]["alarm"]


def test_a_history_without_the_effect_raises_no_alarm(clean_db: Database,
                                                      registry: Registry) -> None:
    found = signals(clean_db, registry)
    bijstand = found["citizens"][0]
    assert bijstand["alarms"] == [] and not bijstand["asking_pays"]["alarm"]
    assert found["caseworkers"]["outliers"] == {"deviation_rate": [], "refusal_rate": []}


def test_asking_and_getting_per_channel_are_counted(planted_db: Database,
                                                    registry: Registry) -> None:
    bijstand = signals(planted_db, registry)["citizens"][0]
    counted = expected.per_channel(expected.plans(True), "bijstand")
    for channel in bijstand["channels"]:
        want = counted[channel["channel"]]
        assert {k: channel[k] for k in want} == want


def test_the_caseworkers_signals(planted_db: Database, registry: Registry) -> None:
    found = signals(planted_db, registry)["caseworkers"]
    assert found["outliers"]["deviation_rate"] == [OUTLIER]
    plans = expected.plans(True)
    decided = Counter(p.caseworker for p in expected.decided(plans))
    still_open = Counter(p.caseworker for p in plans if p.decided is None)
    for row in found["caseworkers"]:
        assert row["decided"] == decided[row["caseworker"]]
        assert row["open"] == still_open[row["caseworker"]]
    proposals = sum(r["proposals"] for r in found["caseworkers"])
    assert proposals == sum(1 for p in plans for d in p.deviations
                            if d.clause and d.state in ("approved", "refused"))


def test_the_backlog_is_what_was_received_and_not_yet_decided(planted_db: Database,
                                                              registry: Registry) -> None:
    backlog = signals(planted_db, registry)["managers"]["backlog"]
    plans = expected.plans(True)
    for row in backlog:
        end = dt.date.fromisoformat(row["month"] + "-01") + dt.timedelta(days=31)
        end = end.replace(day=1)
        waiting = [p for p in plans if p.regulation == row["regulation"] and p.received < end
                   and (p.decided is None or p.decided >= end)]
        assert row["backlog"] == len(waiting), row


def test_deadline_breaches_per_month(planted_db: Database, registry: Registry) -> None:
    breaches = signals(planted_db, registry)["managers"]["breaches"]
    due: Counter[tuple[str, str]] = Counter()
    late: Counter[tuple[str, str]] = Counter()
    for p in expected.plans(True):  # the decision term: eight weeks from receipt
        term = p.received + dt.timedelta(weeks=8)
        if term > TODAY:
            continue
        key = (p.regulation, term.isoformat()[:7])
        due[key] += 1
        late[key] += p.decided is None or p.decided > term
    terms = Counter({(b["regulation"], b["month"]): b["due"] for b in breaches})
    assert all(terms[k] >= n for k, n in due.items())  # and the objection terms
    assert sum(b["breached"] for b in breaches) >= sum(late.values())


def test_recurring_deviations_are_counted_per_clause_and_ground(
        planted_db: Database, registry: Registry) -> None:
    found = signals(planted_db, registry)["administrators"]["recurring"]
    counted = Counter((d.clause, d.ground) for p in expected.plans(True) for d in p.deviations
                      if d.state == "approved")
    assert {(r["clause"], r["ground"]): r["approved"] for r in found} == dict(counted)
    for row in found:
        assert row["approved"] == sum(m["approved"] for m in row["by_month"])
        assert row["recurring"] == (row["approved"] >= RECURRING and row["months"] >= 3)


def test_the_two_proportion_test() -> None:
    assert z_test(30, 32, 50, 130) is not None and z_test(30, 32, 50, 130) > 3.09  # type: ignore[operator]
    assert z_test(5, 9, 50, 130) is None  # too few
    assert z_test(0, 20, 0, 20) is None  # no spread
