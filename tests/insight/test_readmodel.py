"""The insight read model stays exact: built from the rows that exist, then brought up to date
after cases change through the case service or rows are added in bulk, it holds what a build
from scratch holds, and every figure is the same; a session reads it as of its own snapshot;
a case file upgraded with decisions in it gets its read model; refreshes at once, or one
interrupted, leave it right. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from maatwerk.cases.casefile import CaseFile
from maatwerk.cases.db import Database
from maatwerk.cases.migrate import upgrade
from maatwerk.cases.models import User
from maatwerk.cases.registry import Registry
from maatwerk.cases.service import Actor
from maatwerk.insight import readmodel
from maatwerk.insight.cohort import Cohort
from maatwerk.insight.dashboard import Period, dashboard
from maatwerk.insight.dilemmas import dilemmas
from maatwerk.insight.dynamics import dynamics
from maatwerk.insight.readmodel import rebuild, refresh
from maatwerk.insight.register import register
from maatwerk.insight.store import META
from maatwerk.insight.view import viewing
from tests.dbs import database
from tests.insight import synthetic
from tests.insight.bulk import Bulk
from tests.insight.history import (
    AFSTEMMING,
    BIJSTAND,
    BIJSTAND_DAY,
    BIJSTAND_FACTS,
    CONSIDERED,
    SECRET,
    TODAY,
    Clock,
    History,
    at,
    build_on,
)


def figures(db: Database, registry: Registry, *, fresh: bool = True) -> dict[str, Any]:
    """Every figure of the manager's dashboard and the register, in one reading session
    (``fresh`` false: without refreshing the read model first)."""
    regs = registry.current
    with db.reading() as s, viewing(s, refresh=fresh), Cohort.gather(s, Period()) as cohort:
        found = dilemmas(s, cohort, regs)
        return {"dashboard": dashboard(s, Period(), TODAY), "dilemmas": found,
                "dynamics": dynamics(s, cohort, regs, TODAY, found),
                "register": register(s, regs)}


def stored(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the read model but its state, sorted."""
    with db.reading() as s:
        return {t.name: sorted(tuple(r) for r in s.execute(select(t)))
                for t in META.sorted_tables if t.name != "insight_state"}


def as_built_afresh(db: Database, registry: Registry) -> None:
    """The read model and the figures, brought up to date, are what reading every case again
    gives."""
    refresh(db)
    kept, before = stored(db), figures(db, registry)
    rebuild(db)
    assert stored(db) == kept
    assert figures(db, registry) == before


def actor(db: Database, username: str) -> Actor:
    with db.reading() as s:
        return Actor.of(s.execute(select(User).where(User.username == username)).scalar_one())


def act(db: Database, registry: Registry, history: History) -> None:
    """A month of work through the case service: Z2 decided, B3 announced, a new case with an
    approved deviation and an investigation decided, another received."""
    clock = Clock()
    cf = CaseFile(db, registry, SECRET, clock=clock)
    carla, mo, alex = (actor(db, n) for n in ("carla", "mo", "alex"))
    at(clock, "2025-04-02")
    cf.propose(mo, history.z2)
    cf.decide(alex, history.z2)
    cf.announce(carla, history.b3)
    new = cf.submit(carla, BIJSTAND, BIJSTAND_FACTS, subject_key="b6",
                    peildatum=BIJSTAND_DAY)["id"]
    cf.start(carla, new)
    at(clock, "2025-04-08")
    deviation: dict[str, Any] = dict(AFSTEMMING)
    cf.approve_deviation(alex, cf.propose_deviation(carla, new, **deviation)["id"])
    cf.consider(carla, new, "afstemming", CONSIDERED)
    cf.propose(carla, new)
    cf.decide(alex, new)
    at(clock, "2025-04-10")
    cf.submit(carla, BIJSTAND, BIJSTAND_FACTS, subject_key="b7", peildatum=BIJSTAND_DAY)


@pytest.fixture
def built(db: Database, history: History) -> History:
    refresh(db)
    return history


def test_cases_changed_through_the_case_service_are_followed(
        db: Database, registry: Registry, built: History) -> None:
    before = figures(db, registry)["dashboard"]["summary"]
    act(db, registry, built)
    assert refresh(db) == 4  # Z2, B3 and the two new cases
    after = figures(db, registry)
    summary = after["dashboard"]["summary"]
    assert summary["received"] == before["received"] + 2
    assert summary["decided"] == before["decided"] + 2
    assert summary["open"] == before["open"] - 1 + 1
    assert summary["due_soon"] == 0  # Z2's term was met
    mix = {x["layer"]: x["outputs"] for x in after["dashboard"]["layers"]
           if x["regulation"] == BIJSTAND}
    assert mix["deviation"] > 0
    as_built_afresh(db, registry)


def test_a_session_reads_the_cases_touched_since_afresh(
        db: Database, registry: Registry, built: History) -> None:
    act(db, registry, built)
    with db.reading() as s, viewing(s, refresh=False) as view:
        assert view.touched is not None and view.usable  # the read model is behind
    unrefreshed = figures(db, registry, fresh=False)
    with db.reading() as s:  # the temporary tables are gone with the view
        assert sa.inspect(s.connection()).get_temp_table_names() == []
    refresh(db)
    with db.reading() as s, viewing(s, refresh=False) as view:
        assert view.touched is None
    assert figures(db, registry, fresh=False) == unrefreshed


def test_without_a_read_model_every_case_is_read_afresh(
        db: Database, registry: Registry, history: History) -> None:
    with db.reading() as s, viewing(s, refresh=False) as view:
        assert not view.usable
    unbuilt = figures(db, registry, fresh=False)
    refresh(db)
    assert figures(db, registry) == unbuilt


def test_an_upgraded_case_file_gets_its_read_model(
        kind: str, registry: Registry, tmp_path: Path) -> None:
    with database(kind, tmp_path, migrate=False) as db:
        upgrade(db, "0004")  # the case file before the read model, with its history
        history = build_on(kind, db, registry, tmp_path)
        upgrade(db)
        summary = figures(db, registry)["dashboard"]["summary"]
        assert {k: summary[k] for k in ("received", "decided", "open", "median_days",
                                        "due_soon", "overdue")} == {
            "received": 7, "decided": 4, "open": 2, "median_days": 10, "due_soon": 1,
            "overdue": 1}
        act(db, registry, history)
        as_built_afresh(db, registry)


def test_rows_added_in_bulk_are_followed(kind: str, registry: Registry,
                                         tmp_path: Path) -> None:
    plans = synthetic.history(7, cases=120)
    with database(kind, tmp_path) as db:
        staff = synthetic.staff()
        staff.create(db)
        Bulk(db, registry, staff).add(plans[:60])
        refresh(db)
        Bulk(db, registry, staff).add(plans[60:])
        assert refresh(db) == 60
        with db.reading() as s:
            assert sum(v["cases"] for v in dashboard(s, Period(), TODAY)["volumes"]) == 120
        as_built_afresh(db, registry)


def test_a_build_in_chunks_and_an_interrupted_one_give_the_same(
        db: Database, registry: Registry, history: History,
        monkeypatch: pytest.MonkeyPatch) -> None:
    rebuild(db, chunk=2)
    in_chunks = stored(db)
    calls = {"n": 0}
    apply = readmodel.apply

    def failing(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("interrupted")
        apply(*args, **kwargs)

    monkeypatch.setattr(readmodel, "apply", failing)
    with pytest.raises(RuntimeError):
        rebuild(db, chunk=2)
    monkeypatch.setattr(readmodel, "apply", apply)
    refresh(db)  # resumes after the last chunk committed
    assert stored(db) == in_chunks
    rebuild(db)
    assert stored(db) == in_chunks


def test_refreshes_at_once_take_turns(db: Database, registry: Registry,
                                      built: History) -> None:
    act(db, registry, built)
    start = threading.Barrier(3)
    errors: list[BaseException] = []

    def run() -> None:
        start.wait()
        try:
            refresh(db)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    as_built_afresh(db, registry)


def test_the_period_filter_reads_whole_days(db: Database, built: History) -> None:
    """A case decided on the last day of the period is in it, whatever the time of day."""
    with db.reading() as s:
        day = dashboard(s, Period(start=dt.date(2025, 2, 14), end=dt.date(2025, 2, 14)),
                        TODAY)
        assert day["summary"]["decided"] == 1
        assert dashboard(s, Period(end=dt.date(2025, 1, 31)), TODAY)["summary"][
            "decided"] == 1
