"""Two people acting at the same moment, each in their own session: the case file serialises
them, so exactly one wins and the other is told (MW804) -- never two approvals, never an
internal error."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import pytest
import sqlalchemy as sa

from maatwerk.cases.casefile import CaseFile
from maatwerk.cases.errors import CaseError
from maatwerk.cases.models import AuditEntry, Counter, RegulationVersion, Subject
from tests.cases.helpers import (
    AFSTEMMING,
    BIJSTAND,
    BIJSTAND_DAY,
    BIJSTAND_FACTS,
    STORY,
    ZORGTOESLAG,
    ZORGTOESLAG_DAY,
    ZORGTOESLAG_FACTS,
    People,
)

TIMEOUT = 30


def together(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released at the same moment; each call's result or exception.
    An exception that is not a CaseError is raised here, so that it fails the test."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        barrier.wait(timeout=TIMEOUT)
        try:
            results[index] = call()
        except BaseException as exc:  # reported to the test below
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT)
        assert not thread.is_alive(), "a thread hangs (deadlock?)"
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, CaseError):
            raise result
    return results


def test_two_approvers_approve_the_same_deviation_at_the_same_moment(
        cf: CaseFile, people: People) -> None:
    case_id = cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY)["id"]
    request_id = cf.request_maatwerk(people.anna, case_id, STORY)["id"]
    cf.start(people.carla, case_id)
    cf.propose_deviation(people.carla, case_id, request_id=request_id, **AFSTEMMING)

    results = together(lambda: cf.approve_deviation(people.alex, request_id),
                       lambda: cf.approve_deviation(people.bo, request_id))
    won = [r for r in results if isinstance(r, dict)]
    lost = [r for r in results if isinstance(r, CaseError)]
    assert len(won) == 1 and len(lost) == 1, results
    assert lost[0].code == "MW804"
    assert "approved" in lost[0].message
    deviation = cf.get(people.carla, case_id)["deviations"][0]
    assert deviation["state"] == "approved"
    assert deviation["approved_by"] == won[0]["approved_by"]
    with cf.db.reading() as s:
        approvals = s.execute(sa.select(AuditEntry.actor).where(
            AuditEntry.action == "deviation.approve")).scalars().all()
    assert len(approvals) == 1
    assert approvals[0] in ("alex", "bo")
    assert cf.verify().ok


@contextmanager
def interleaved(cf: CaseFile, table: str) -> Iterator[None]:
    """Force the interleaving a get-or-create race needs on PostgreSQL: the first two
    transactions that read ``table`` both finish that read before either goes on (so both
    find nothing and both insert). SQLite serialises writers (BEGIN IMMEDIATE): the second
    cannot read before the first commits, so nothing is forced there."""
    if cf.db.is_sqlite:
        yield
        return
    gate = threading.Barrier(2)
    seen = threading.local()

    def after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if (statement.lstrip().upper().startswith("SELECT") and f"FROM {table} " in
                statement + " " and not getattr(seen, "done", False)):
            seen.done = True
            # If the other one cannot read yet, it waits for a lock, as it should.
            with suppress(threading.BrokenBarrierError):
                gate.wait(timeout=5)

    sa.event.listen(cf.db.engine, "after_cursor_execute", after)
    try:
        yield
    finally:
        sa.event.remove(cf.db.engine, "after_cursor_execute", after)


@pytest.mark.parametrize("race", ["regulation_versions", "counters", "subjects"])
def test_first_submissions_at_the_same_moment_both_succeed(
        cf: CaseFile, people: People, race: str) -> None:
    """A new regulation version (``registry.store``), the first case of a year
    (``_reference``'s counter), a new subject (``_subject``): each is made by whichever
    submission comes first (INSERT ... ON CONFLICT), and the other uses it."""
    keys = ["100000001", "100000002"]
    if race != "regulation_versions":  # the version exists: a case of the year before
        cf.submit(people.carla, ZORGTOESLAG, ZORGTOESLAG_FACTS, subject_key="100000009",
                  peildatum=dt.date(2024, 6, 1))
    if race == "subjects":  # the counter exists too; both are for the same, new person
        cf.submit(people.carla, ZORGTOESLAG, ZORGTOESLAG_FACTS, subject_key="100000008",
                  peildatum=ZORGTOESLAG_DAY)
        keys = ["100000003", "100000003"]

    def submit(key: str) -> Callable[[], Any]:
        return lambda: cf.submit(people.carla, ZORGTOESLAG, ZORGTOESLAG_FACTS, subject_key=key,
                                 peildatum=ZORGTOESLAG_DAY)

    with cf.db.reading() as s:
        subjects_before = s.execute(sa.select(sa.func.count()).select_from(Subject)
                                    ).scalar_one()
    with interleaved(cf, race):
        results = together(submit(keys[0]), submit(keys[1]))
    references = sorted(r["reference"] for r in results)
    assert len(set(references)) == 2
    with cf.db.reading() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(RegulationVersion)
                         ).scalar_one() == 1
        assert s.execute(sa.select(Counter.value).where(
            Counter.name == "zorgtoeslag-2025")).scalar_one() == int(references[-1][-6:])
        subjects = s.execute(sa.select(sa.func.count()).select_from(Subject)).scalar_one()
    assert subjects == subjects_before + len(set(keys))
    assert cf.verify().ok


def test_a_reading_session_does_not_hold_up_a_writer(cf: CaseFile, people: People) -> None:
    """On SQLite a reading session begins a deferred transaction: while it is open (and has
    read), a submission commits at once instead of waiting for the write lock (held by the
    reader, it would wait the 30 s busy timeout and fail); the reader keeps its snapshot."""
    cf.submit(people.anna, ZORGTOESLAG, ZORGTOESLAG_FACTS, peildatum=ZORGTOESLAG_DAY)
    cases = sa.text("SELECT count(*) FROM cases")
    with cf.db.reading() as s:
        assert s.execute(cases).scalar_one() == 1
        began = time.monotonic()
        cf.submit(people.carla, ZORGTOESLAG, ZORGTOESLAG_FACTS, subject_key="100000007",
                  peildatum=ZORGTOESLAG_DAY)
        assert time.monotonic() - began < 5
        # SQLite: the snapshot of the reading transaction; PostgreSQL: each statement's own
        assert s.execute(cases).scalar_one() == (1 if cf.db.is_sqlite else 2)
    assert cf.list_cases(people.ada)["total"] == 2
