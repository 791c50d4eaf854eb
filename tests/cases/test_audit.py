"""The audit chain: every action appends its entries, the chain verifies, the database itself
refuses to change or delete an entry, and when someone with the rights to drop that protection
tampers with the log anyway, ``verify`` (and ``maatwerk audit verify``) name the first entry that
no longer fits."""

from __future__ import annotations

import datetime as dt
import itertools
import subprocess
import sys
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from maatwerk.cases import audit
from maatwerk.cases.casefile import CaseFile
from maatwerk.cases.db import Database
from maatwerk.cases.models import AuditEntry
from maatwerk.cli import main
from tests.cases.helpers import (
    AFSTEMMING,
    BIJSTAND,
    BIJSTAND_DAY,
    BIJSTAND_FACTS,
    GROUNDS,
    STORY,
    Clock,
    People,
    audit_length,
)


def entries(db: Database) -> list[AuditEntry]:
    with db.reading() as s:
        return list(s.execute(sa.select(AuditEntry).order_by(AuditEntry.id)).scalars())


def drop_protection(db: Database, table: str = "audit_log") -> None:
    """What an attacker with rights on the database does first: drop the log's triggers (or
    those of its head)."""
    with db.engine.begin() as connection:
        if db.is_sqlite:
            names = connection.execute(sa.text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                f"AND tbl_name = '{table}'")).scalars().all()
            for name in names:
                connection.execute(sa.text(f"DROP TRIGGER {name}"))
        else:
            names = connection.execute(sa.text(
                f"SELECT tgname FROM pg_trigger WHERE tgrelid = '{table}'::regclass "
                "AND NOT tgisinternal")).scalars().all()
            for name in names:
                connection.execute(sa.text(f"DROP TRIGGER {name} ON {table}"))
    assert names


def cli_url(db: Database) -> str:
    """The database's URL for ``maatwerk --db`` (a PostgreSQL test schema as search_path)."""
    if db.schema is None:
        return db.url
    return db.url + ("&" if "?" in db.url else "?") + f"options=-csearch_path%3D{db.schema}"


def cli_verify(db: Database) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "maatwerk", "audit", "verify",
                           "--db", cli_url(db)], capture_output=True, text=True, timeout=60,
                          check=False)


def test_every_action_appends_its_entries(cf: CaseFile, people: People) -> None:
    steps: list[tuple[list[str], Callable[[], object]]] = [
        (["submit"], lambda: cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS,
                                       peildatum=BIJSTAND_DAY)),
        (["maatwerk.request"], lambda: cf.request_maatwerk(people.anna, 1, STORY)),
        (["record_facts"], lambda: cf.record_facts(people.anna, 1, {"vermogen": 10})),
        (["start"], lambda: cf.start(people.carla, 1)),
        (["deviation.propose"], lambda: cf.propose_deviation(people.carla, 1, request_id=1,
                                                             **AFSTEMMING)),
        (["deviation.approve"], lambda: cf.approve_deviation(people.alex, 1)),
        (["decision.proposal", "propose"], lambda: cf.propose(people.carla, 1)),
        (["decision.decision", "decide"], lambda: cf.decide(people.carla, 1)),
        (["announce"], lambda: cf.announce(people.carla, 1)),
        (["objection.lodge", "object"], lambda: cf.object(people.anna, 1, GROUNDS)),
        (["objection.upheld", "decision.redecision", "decide_objection"],
         lambda: cf.decide_objection(people.bo, 1, True, "Het bezwaar is gegrond.")),
    ]
    for expected, step in steps:
        before = audit_length(cf.db)
        step()
        added = entries(cf.db)[before:]
        assert [e.action for e in added] == expected
        assert all(e.case_id == 1 for e in added)
    log = entries(cf.db)
    assert [e.id for e in log] == list(range(1, len(log) + 1))
    assert all(e.prev_hash == p.hash for p, e in itertools.pairwise(log))
    first = log[0]
    assert (first.actor, first.entity, first.entity_id) == ("anna", "case", 1)
    assert first.after["regulation"] == BIJSTAND
    moved = next(e for e in log if e.action == "start")
    assert (moved.before, moved.after) == ({"state": "received"}, {"state": "in_progress"})
    assert next(e for e in log if e.action == "maatwerk.request").why == STORY

    result = cf.verify(people.ada)
    assert (result.ok, result.entries, result.broken_id) == (True, len(log), None)
    assert "intact" in result.message()


def test_the_database_refuses_to_change_or_delete_an_entry(
        cf: CaseFile, people: People) -> None:
    for _ in range(2):
        cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY)
    count = audit_length(cf.db)
    statements = ["UPDATE audit_log SET why = 'nothing happened' WHERE id = 2",
                  "UPDATE audit_log SET hash = prev_hash",
                  "DELETE FROM audit_log WHERE id = 2",
                  "DELETE FROM audit_log"]
    if not cf.db.is_sqlite:
        statements.append("TRUNCATE audit_log")
    for statement in statements:
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), \
                cf.db.engine.begin() as connection:
            connection.execute(sa.text(statement))
    # Through the ORM as well.
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), cf.db.transaction() as s:
        s.get_one(AuditEntry, 1).why = "changed"
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), cf.db.transaction() as s:
        s.delete(s.get_one(AuditEntry, 1))
    assert audit_length(cf.db) == count
    assert cf.verify().ok


def test_tampering_is_found_and_the_first_broken_entry_named(
        cf: CaseFile, people: People) -> None:
    for _ in range(3):
        cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY)
    cf.submit(people.carla, BIJSTAND, BIJSTAND_FACTS, subject_key="123", peildatum=BIJSTAND_DAY)
    assert audit_length(cf.db) == 4
    assert cf.verify().ok
    drop_protection(cf.db)

    with cf.db.engine.begin() as connection:
        connection.execute(sa.text("UPDATE audit_log SET why = 'op verzoek' WHERE id = 2"))
    changed = cf.verify(people.ada)
    assert (changed.ok, changed.broken_id, changed.entries) == (False, 2, 1)
    assert "entry 2" in changed.message() and "changed" in changed.message()
    # An earlier change is the first one named.
    with cf.db.engine.begin() as connection:
        connection.execute(sa.text("UPDATE audit_log SET actor = 'bram' WHERE id = 1"))
    assert cf.verify().broken_id == 1


def test_a_removed_entry_is_found(cf: CaseFile, people: People) -> None:
    for _ in range(4):
        cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY)
    drop_protection(cf.db)
    with cf.db.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM audit_log WHERE id = 4"))
    last = cf.verify()
    assert (last.ok, last.broken_id) == (False, 4)  # the head still records entry 4
    assert "entry 4" in last.message()
    with cf.db.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM audit_log WHERE id = 2"))
    middle = cf.verify()
    assert (middle.ok, middle.broken_id) == (False, 2)
    assert "entry 2 is missing" in middle.message()


def rewind(db: Database, to: int) -> None:
    """Remove the entries after ``to`` and move the head back to it."""
    with db.engine.begin() as connection:
        last = connection.execute(sa.text(f"SELECT hash FROM audit_log WHERE id = {to}")
                                  ).scalar_one()
        connection.execute(sa.text(f"DELETE FROM audit_log WHERE id > {to}"))
        connection.execute(sa.text(f"UPDATE audit_head SET last_id = {to}, "
                                   f"last_hash = '{last}'"))


def test_the_head_only_moves_forward_to_an_entry_of_the_log(
        cf: CaseFile, people: People) -> None:
    for _ in range(4):
        cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY)
    statements = ["UPDATE audit_head SET last_id = 3",
                  "UPDATE audit_head SET last_id = 5",  # no such entry
                  f"UPDATE audit_head SET last_hash = '{'1' * 64}'",
                  "DELETE FROM audit_head"]
    if not cf.db.is_sqlite:
        statements.append("TRUNCATE audit_head")
    for statement in statements:
        with pytest.raises(sa.exc.DBAPIError, match="only moves forward"), \
                cf.db.engine.begin() as connection:
            connection.execute(sa.text(statement))
    # Whoever drops the log's triggers to remove the newest entries cannot rewind the head.
    drop_protection(cf.db)
    with pytest.raises(sa.exc.DBAPIError, match="only moves forward"):
        rewind(cf.db, 2)
    assert audit_length(cf.db) == 4
    assert cf.verify().ok
    cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY)
    assert cf.verify().entries == 5


def test_a_removed_head_is_found(cf: CaseFile, people: People) -> None:
    cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY)
    drop_protection(cf.db, "audit_head")
    with cf.db.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM audit_head"))
    missing = cf.verify()
    assert (missing.ok, missing.broken_id) == (False, 1)
    assert "head is missing" in missing.message()


def test_the_limit_whoever_drops_every_trigger_can_rewind_the_log_unseen(
        cf: CaseFile, people: People) -> None:
    """docs/case-file.md says so: the chain cannot show that its newest entries were removed
    by someone who may drop the triggers of the log and of its head; only a copy of the head
    kept elsewhere can."""
    for _ in range(3):
        cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY)
    drop_protection(cf.db)
    drop_protection(cf.db, "audit_head")
    rewind(cf.db, 1)
    assert (cf.verify().ok, cf.verify().entries) == (True, 1)


def test_the_cli_names_the_broken_entry(cf: CaseFile, people: People,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    for _ in range(3):
        cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY)
    # Intact: exit 0 (in this process; the subprocess below is the same command).
    main(["audit", "verify", "--db", cli_url(cf.db)])
    assert "intact: 3 entries" in capsys.readouterr().out

    drop_protection(cf.db)
    with cf.db.engine.begin() as connection:
        connection.execute(sa.text(
            "UPDATE audit_log SET why = 'niets gebeurd' WHERE id = 2"))
    broken = cli_verify(cf.db)
    assert broken.returncode == 1, (broken.stdout, broken.stderr)
    assert "broken at entry 2" in broken.stderr
    assert "Traceback" not in broken.stderr


def test_a_clock_in_local_time_keeps_the_chain_and_the_times(
        cf: CaseFile, people: People, clock: Clock) -> None:
    """Times are stored in UTC and read back as aware UTC times, on SQLite (which keeps no
    offset) as on PostgreSQL: the chain verifies and a time reads back as the same instant."""
    clock.now = dt.datetime(2025, 7, 1, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    case = cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY)
    result = cf.verify()
    assert result.ok, result.message()
    stored = dt.datetime.fromisoformat(cf.get(people.carla, case["id"])["created_at"])
    assert stored == clock.now  # the same instant (07:00 UTC)


def test_entries_hash_their_own_fields() -> None:
    fields = {"id": 1, "at": "2025-07-01T09:00:00.000000", "actor": "anna", "action": "submit",
              "case_id": 1, "entity": "case", "entity_id": 1, "why": "", "before": None,
              "after": {"b": 1, "a": "é"}}
    first = audit.entry_hash(audit.GENESIS, fields)
    assert first == audit.entry_hash(audit.GENESIS, dict(reversed(fields.items())))
    assert first != audit.entry_hash(audit.GENESIS, {**fields, "why": " "})
    assert first != audit.entry_hash("1" * 64, fields)
