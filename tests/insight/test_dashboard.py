"""The manager's dashboard over a small dated history (``tests.insight.history``), on SQLite
and PostgreSQL: every figure checked against what happened, the filters, and that the figures
are aggregated in SQL (a fixed number of queries, however many cases)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from sqlalchemy import event, select

from maatwerk.cases.casefile import CaseFile
from maatwerk.cases.db import Database
from maatwerk.cases.models import Case, Deadline, Decision, User
from maatwerk.cases.registry import Registry
from maatwerk.cases.service import Actor
from maatwerk.insight.dashboard import (
    Period,
    dashboard,
    deadline_risk,
    deviation_rates,
    layer_mix,
    lead_times,
    months,
    share,
    volumes,
)
from maatwerk.insight.readmodel import refresh
from tests.insight.history import (
    BIJSTAND_DAY,
    BIJSTAND_FACTS,
    SECRET,
    TODAY,
    Clock,
    History,
)


def read(db: Database, fn: Any, *args: Any) -> Any:
    with db.reading() as s:
        return fn(s, *args)


def test_volumes_are_cases_per_month_of_receipt_and_regulation(
        db: Database, history: History) -> None:
    assert read(db, volumes, Period()) == [
        {"month": "2025-01", "regulation": "bijstand", "cases": 4},
        {"month": "2025-02", "regulation": "bijstand", "cases": 1},
        {"month": "2025-02", "regulation": "zorgtoeslag", "cases": 1},
        {"month": "2025-03", "regulation": "zorgtoeslag", "cases": 1}]


def test_lead_times_are_median_and_p90_by_nearest_rank(db: Database, history: History) -> None:
    lead = read(db, lead_times, Period())
    # bijstand: 5, 10, 30 days; zorgtoeslag: 30; all: 5, 10, 30, 30
    assert lead["overall"] == {"decided": 4, "median_days": 10, "p90_days": 30,
                               "mean_days": Decimal("18.8")}
    assert lead["by_regulation"] == [
        {"regulation": "bijstand", "decided": 3, "median_days": 10, "p90_days": 30,
         "mean_days": Decimal("15.0")},
        {"regulation": "zorgtoeslag", "decided": 1, "median_days": 30, "p90_days": 30,
         "mean_days": Decimal("30.0")}]
    # B1 by the month of its first decision (January), not of its re-decision
    assert [(x["regulation"], x["month"], x["decided"], x["median_days"], x["p90_days"])
            for x in lead["by_month"]] == [("bijstand", "2025-01", 1, 10, 10),
                                           ("bijstand", "2025-02", 2, 5, 30),
                                           ("zorgtoeslag", "2025-03", 1, 30, 30)]


def test_the_period_and_the_regulation_filter(db: Database, history: History) -> None:
    february = Period(start=dt.date(2025, 2, 1), end=dt.date(2025, 2, 28))
    assert [(v["regulation"], v["cases"]) for v in read(db, volumes, february)] == [
        ("bijstand", 1), ("zorgtoeslag", 1)]
    lead = read(db, lead_times, february)  # decided in February: B3 (5 days), B2 (30 days)
    assert lead["overall"]["decided"] == 2
    assert (lead["overall"]["median_days"], lead["overall"]["p90_days"]) == (5, 30)
    # the end day is included, whatever the time of day
    last_day = Period(start=dt.date(2025, 2, 14), end=dt.date(2025, 2, 14))
    assert read(db, lead_times, last_day)["overall"]["decided"] == 1
    only = Period("zorgtoeslag")
    assert {v["regulation"] for v in read(db, volumes, only)} == {"zorgtoeslag"}
    assert read(db, lead_times, only)["overall"]["decided"] == 1
    assert {x["regulation"] for x in read(db, layer_mix, only)} == {"zorgtoeslag"}
    assert read(db, deadline_risk, only, TODAY)["overdue"] == 0
    nothing = Period(start=dt.date(2030, 1, 1))
    assert read(db, volumes, nothing) == []
    assert read(db, lead_times, nothing)["overall"] == {
        "decided": 0, "median_days": None, "p90_days": None, "mean_days": None}
    assert read(db, layer_mix, nothing) == []


def test_deadline_risk_is_open_terms_due_soon_or_overdue(db: Database, history: History) -> None:
    risk = read(db, deadline_risk, Period(), TODAY)
    assert (risk["due_soon"], risk["overdue"]) == (1, 1)
    assert [(c["id"], c["kind"], c["due"], c["days"], c["overdue"], c["caseworker"])
            for c in risk["cases"]] == [
        (history.b4, "beslistermijn", "2025-03-02", -49, True, None),
        (history.z2, "beslistermijn", "2025-04-26", 6, False, "mo")]
    assert risk["by_kind"] == [
        {"regulation": "bijstand", "kind": "beslistermijn", "label": "Beslistermijn",
         "due_soon": 0, "overdue": 1},
        {"regulation": "zorgtoeslag", "kind": "beslistermijn", "label": "Beslistermijn",
         "due_soon": 1, "overdue": 0}]
    # B4 was submitted by a caseworker of team-noord: the case belongs to her team
    assert risk["by_team"] == [{"team": "maatwerkteam", "due_soon": 1, "overdue": 0},
                               {"team": "team-noord", "due_soon": 0, "overdue": 1}]
    # what is left out is there: the withdrawn case's open decision term, and the objection
    # term of the announced case nobody objected to (the citizen's term, not the agency's)
    with db.reading() as s:
        left_out = {(d.case_id, d.kind) for d in s.execute(select(Deadline).where(
            Deadline.met_on.is_(None), Deadline.due < TODAY)).scalars()}
    assert {(history.b5, "beslistermijn"), (history.b2, "bezwaartermijn")} <= left_out
    # a day before Z2's term is within the window, the window ends it
    assert read(db, deadline_risk, Period(), dt.date(2025, 4, 12))["due_soon"] == 1
    assert read(db, deadline_risk, Period(), dt.date(2025, 4, 11))["due_soon"] == 0


def test_deviation_rates_per_caseworker_and_team(db: Database, history: History) -> None:
    rates = read(db, deviation_rates, Period())
    assert rates["caseworkers"] == [
        {"caseworker": "carla", "team": "team-noord", "decided": 3, "deviated": 1,
         "proposals": 2, "approved": 1, "refused": 1, "open": 0,
         "deviation_rate": Decimal("0.3333"), "refusal_rate": Decimal("0.5")},
        {"caseworker": "mo", "team": "maatwerkteam", "decided": 1, "deviated": 0,
         "proposals": 0, "approved": 0, "refused": 0, "open": 0, "deviation_rate": 0.0,
         "refusal_rate": None}]
    assert [(t["team"], t["decided"], t["deviated"], t["refused"]) for t in rates["teams"]] == [
        ("maatwerkteam", 1, 0, 0), ("team-noord", 3, 1, 1)]
    # in March only Z1 was decided; the proposals were settled in February
    march = read(db, deviation_rates, Period(start=dt.date(2025, 3, 1)))
    assert [(x["caseworker"], x["decided"], x["proposals"]) for x in march["caseworkers"]] == [
        ("mo", 1, 0)]


def test_the_layer_mix_counts_the_outputs_of_each_standing_decision(
        db: Database, history: History) -> None:
    mix = read(db, layer_mix, Period())
    # recounted in Python from the stored decisions: each case's latest decision or re-decision
    with db.reading() as s:
        rows = s.execute(select(Decision, Case.regulation).join(Case, Case.id == Decision.case_id)
                         .where(Decision.kind.in_(("decision", "redecision")))
                         .order_by(Decision.id)).all()
    standing = {d.case_id: (d, regulation) for d, regulation in rows}
    expected: Counter[tuple[str, str]] = Counter()
    for d, regulation in standing.values():
        expected.update((regulation, layer) for layer in d.deciding_layer.values())
    assert {(x["regulation"], x["layer"]): x["outputs"] for x in mix if x["outputs"]} == dict(
        expected)
    assert len(standing) == 4 and len(rows) == 5  # B1's re-decision replaced its decision
    bijstand = {x["layer"]: x for x in mix if x["regulation"] == "bijstand"}
    assert [x["layer"] for x in mix if x["regulation"] == "bijstand"] == [
        "standard", "category", "assessment", "deviation"]
    assert bijstand["deviation"]["outputs"] > 0 and bijstand["category"]["outputs"] > 0
    assert bijstand["assessment"]["outputs"] == 0
    assert abs(sum(x["share"] for x in bijstand.values()) - 1) <= Decimal("0.0005")
    assert {x["layer"] for x in mix if x["regulation"] == "zorgtoeslag" and x["outputs"]} == {
        "standard"}


def test_the_dashboard_puts_it_together(db: Database, history: History) -> None:
    data = read(db, dashboard, Period(), TODAY)
    summary = dict(data["summary"])
    not_standard = summary.pop("not_standard")
    assert summary == {"received": 7, "decided": 4, "open": 2, "median_days": 10, "p90_days": 30,
                       "due_soon": 1, "overdue": 1, "deviation_rate": 0.25}
    outputs = sum(x["outputs"] for x in data["layers"])
    standard = sum(x["outputs"] for x in data["layers"] if x["layer"] == "standard")
    assert not_standard == share(outputs - standard, outputs)
    assert data["open_cases"] == [
        {"regulation": "bijstand", "state": "received", "cases": 1},
        {"regulation": "zorgtoeslag", "state": "in_progress", "cases": 1}]
    assert data["filter"] == {"regulation": None, "start": None, "end": None}


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_the_figures_are_aggregated_in_sql(db: Database, registry: Registry,
                                           history: History) -> None:
    """A fixed number of queries, however many cases there are; bringing the read model up to
    date is a fixed number of queries too, however many cases changed."""
    refresh(db)
    with statements(db) as before:
        read(db, dashboard, Period(), TODAY)
    clock = Clock()
    files = CaseFile(db, registry, SECRET, clock=clock)
    with db.reading() as s:
        who = Actor.of(s.execute(select(User).where(User.username == "carla")).scalar_one())
    for i in range(5):
        clock.now = dt.datetime(2025, 4, 1 + i, 9, tzinfo=dt.UTC)
        files.submit(who, "bijstand", BIJSTAND_FACTS, subject_key=f"more-{i}",
                     peildatum=BIJSTAND_DAY)
    with statements(db) as refreshed:
        refresh(db)
    with statements(db) as after:
        data = read(db, dashboard, Period(), TODAY)
    assert data["summary"]["received"] == 12
    # the figures' queries, and the read model's state read twice: to refresh, and as of the
    # reading session's snapshot (each with its BEGIN)
    assert len(after) == len(before) <= 13, after
    files.submit(who, "bijstand", BIJSTAND_FACTS, subject_key="one-more",
                 peildatum=BIJSTAND_DAY)
    with statements(db) as once:
        refresh(db)
    assert len(once) == len(refreshed), once


def test_shares_are_decimals_rounded_to_four_places() -> None:
    assert share(1, 3) == Decimal("0.3333") and share(2, 3) == Decimal("0.6667")
    assert share(0, 0) is None and share(5, 5) == 1


def test_months_fills_the_gaps() -> None:
    assert months("2024-11", "2025-02") == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert months("2025-03", "2025-03") == ["2025-03"]
