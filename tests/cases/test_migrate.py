"""Migrations: a fresh database is brought to the newest schema, upgrading again changes
nothing, the migrated schema is the one the models describe, and there is no way back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from maatwerk.cases import accounts, migrate
from maatwerk.cases.db import Database
from maatwerk.cases.models import Base, Consideration, Deadline, DeviationRequest, Fact
from maatwerk.insight import store as insight_store
from tests.dbs import database


def differences(db: Database) -> list[Any]:
    """What differs between the migrated schema and the models (the case file's and the
    insight read model's, ``maatwerk.insight.store``)."""
    models = sa.MetaData()
    for table in (*Base.metadata.sorted_tables, *insight_store.META.sorted_tables):
        table.to_metadata(models)
    with db.engine.connect() as connection:
        found: list[Any] = compare_metadata(MigrationContext.configure(connection), models)
    return found


def schema_of(db: Database) -> dict[str, list[str]]:
    inspector = sa.inspect(db.engine)
    return {t: sorted(c["name"] for c in inspector.get_columns(t))
            for t in sorted(inspector.get_table_names())}


def test_upgrade_brings_a_fresh_database_to_the_head_and_again_changes_nothing(
        kind: str, tmp_path: Path) -> None:
    with database(kind, tmp_path, migrate=False) as db:
        assert migrate.current(db) is None
        assert not migrate.is_current(db)
        migrate.upgrade(db)
        assert migrate.head() is not None
        assert migrate.current(db) == migrate.head()
        assert migrate.is_current(db)
        with db.transaction() as s:
            accounts.create_user(s, "carla", "caseworker", unit_name="team-noord")
        schema = schema_of(db)
        assert {"cases", "audit_log", "audit_head", "users", "deadlines"} <= set(schema)

        migrate.upgrade(db)  # a no-op
        assert migrate.current(db) == migrate.head()
        assert schema_of(db) == schema
        with db.reading() as s:
            assert s.execute(sa.text("SELECT count(*) FROM users")).scalar_one() == 1
            assert s.execute(sa.text("SELECT id, last_id FROM audit_head")).all() == [(1, 0)]


def test_the_migrated_schema_matches_the_models(db: Database) -> None:
    assert differences(db) == []


def test_the_case_file_is_not_downgraded(db: Database) -> None:
    config = migrate._config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        with pytest.raises(RuntimeError, match="append-only"):
            command.downgrade(config, "base")
    assert migrate.is_current(db)


def test_migration_0003_fills_in_what_was_there(kind: str, tmp_path: Path) -> None:
    """A case file of revision 0002: a fact stored as NULL, a deviation proposed by Carla and
    approved by Alex (as the audit log records), Carla's consideration, a withdrawn case with
    an open term. After 0003: the fact is JSON null, the roles and units and the times are
    filled in, the withdrawn case's term is closed -- and the audit head is protected."""
    at = dt.datetime(2025, 7, 1, 9, tzinfo=dt.UTC)
    with database(kind, tmp_path, migrate=False) as db:
        migrate.upgrade(db, "0002")
        tables = Base.metadata.tables
        with db.engine.begin() as c:
            def add(table: str, **values: Any) -> None:
                c.execute(tables[table].insert().values(**values))

            add("units", id=1, name="team-noord", label="Team Noord")
            for i, (name, role, unit) in enumerate((("carla", "caseworker", 1),
                                                    ("alex", "approver", None)), 1):
                add("users", id=i, username=name, name=name, role=role, unit_id=unit,
                    active=True, created_at=at)
            add("subjects", id=1, kind="person", pseudonym="p", label="")
            add("regulation_versions", id=1, regulation="r", version="1", sha256="s",
                title="t", source="", loaded_at=at)
            for case_id, state in ((1, "in_progress"), (2, "withdrawn")):
                add("cases", id=case_id, reference=f"r-{case_id}", regulation="r",
                    regulation_version_id=1, subject_id=1, state=state, channel="online",
                    peildatum=at.date(), received_on=at.date(), created_by=1, created_at=at,
                    updated_at=at + dt.timedelta(days=case_id), revision=1)
            add("facts", case_id=1, name="x", value=sa.null(), source="s", recorded_at=at,
                recorded_by=1)
            add("deviation_requests", id=1, case_id=1, state="approved", story="", trigger="flag",
                clause="c", motivation="m", evidence=[], requested_by=1, proposed_by=1,
                approved_by=2, reason="", created_at=at, updated_at=at, revision=1)
            for i, action in enumerate(("deviation.propose", "deviation.approve"), 1):
                add("audit_log", id=i, at=at + dt.timedelta(hours=i), actor="x", action=action,
                    case_id=1, entity="deviation", entity_id=1, why="", prev_hash="",
                    hash=str(i))
            add("considerations", case_id=1, clause="c", motivation="m", by_id=1,
                recorded_at=at)
            for case_id in (1, 2):
                add("deadlines", case_id=case_id, kind="beslistermijn", label="B",
                    starts=at.date(), due=at.date(), reference="")
        migrate.upgrade(db)
        with db.reading() as s:
            assert s.execute(sa.select(Fact.value)).scalar_one() is None
            row = s.execute(sa.select(DeviationRequest)).scalar_one()
            assert (row.proposer_role, row.proposer_unit, row.approver_role,
                    row.approver_unit) == ("caseworker", "team-noord", "approver", None)
            assert (row.proposed_at, row.decided_at) == (at + dt.timedelta(hours=1),
                                                         at + dt.timedelta(hours=2))
            noted = s.execute(sa.select(Consideration)).scalar_one()
            assert (noted.by_role, noted.by_unit) == ("caseworker", "team-noord")
            terms = {d.case_id: (d.closed_as, d.closed_on) for d in
                     s.execute(sa.select(Deadline)).scalars()}
            assert terms == {1: (None, None), 2: ("withdrawn", dt.date(2025, 7, 3))}
            assert s.execute(sa.text("SELECT count(*) FROM facts WHERE value IS NULL")
                             ).scalar_one() == 0
        with pytest.raises(sa.exc.DBAPIError, match="only moves forward"), \
                db.engine.begin() as c:
            c.execute(sa.text("DELETE FROM audit_head"))
