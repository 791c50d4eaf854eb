"""The case file's tables (SQLAlchemy 2). The schema itself is created by the Alembic migrations
in ``maatwerk/cases/migrations``; these classes map it.

Values of a case (facts, outputs, records) are stored as JSON in their exact form: amounts and
decimals as strings, dates as ISO text. Times are stored in UTC (``UTC``: an aware time in any
zone is converted on write, a naive one is taken as UTC) and read back as aware UTC times, on
SQLite (which keeps no offset) as on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Ids are ``integer`` columns (32 bits on PostgreSQL): an id outside 1..MAX_ID cannot exist.
MAX_ID = 2**31 - 1


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime) -> dt.datetime:
    """The same instant in UTC (a naive time is taken to be UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


class UTC(TypeDecorator[dt.datetime]):
    """A time, stored in UTC and read back as an aware UTC time on every database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None,
                           dialect: Dialect) -> dt.datetime | None:
        return None if value is None else as_utc(value)

    def process_result_value(self, value: dt.datetime | None,
                             dialect: Dialect) -> dt.datetime | None:
        return None if value is None else as_utc(value)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, dt.datetime: UTC}


class RegulationVersion(Base):
    """A regulation text as it was loaded, content-addressed by its sha256."""

    __tablename__ = "regulation_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    regulation: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    # the whole text (tens of kB): loaded only when the version must be rebuilt from it
    source: Mapped[str] = mapped_column(Text, deferred=True)
    loaded_at: Mapped[dt.datetime] = mapped_column(UTC, default=utcnow)


class Unit(Base):
    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subjects.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTC, default=utcnow)
    unit: Mapped[Unit | None] = relationship(lazy="joined")

    @property
    def unit_name(self) -> str | None:
        return self.unit.name if self.unit else None


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTC, default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTC)
    user: Mapped[User] = relationship(lazy="joined")


class Subject(Base):
    """Who or what a case is about; known by a pseudonym, never by a BSN."""

    __tablename__ = "subjects"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    pseudonym: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")


class Case(Base):
    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    regulation: Mapped[str] = mapped_column(String(64), index=True)
    regulation_version_id: Mapped[int] = mapped_column(ForeignKey("regulation_versions.id"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), index=True)
    state: Mapped[str] = mapped_column(String(30), index=True)
    channel: Mapped[str] = mapped_column(String(30), default="online")
    peildatum: Mapped[dt.date] = mapped_column(Date)
    received_on: Mapped[dt.date] = mapped_column(Date)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTC, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTC, default=utcnow)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    regulation_version: Mapped[RegulationVersion] = relationship(lazy="joined")
    subject: Mapped[Subject] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": revision}


class Fact(Base):
    """One fact of a case as recorded; a later record of the same name supersedes it."""

    __tablename__ = "facts"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTC, default=utcnow)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))


# The kinds of decision that stand: the case's decision is the latest of them (a proposal only
# prepares one). A correction is the decision taken again after a claim on a fact was accepted.
DECIDED_KINDS = ("decision", "redecision", "correction")


class Decision(Base):
    """A decision with all its layers, its deciding layer and its receipt."""

    __tablename__ = "decisions"
    # each case's first and standing decision, read from the index alone (migration 0002)
    __table_args__ = (Index("ix_decisions_kind_case", "kind", "case_id", "decided_at", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # proposal | decision | redecision | correction
    status: Mapped[str] = mapped_column(String(20))
    outputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    deciding_layer: Mapped[dict[str, Any]] = mapped_column(JSON)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)  # layers, trace, explanation, receipt
    regulation_version_id: Mapped[int] = mapped_column(ForeignKey("regulation_versions.id"))
    decided_at: Mapped[dt.datetime] = mapped_column(UTC, default=utcnow)
    decided_by: Mapped[int] = mapped_column(ForeignKey("users.id"))


class DeviationRequest(Base):
    """A request for maatwerk (by a citizen) or a proposed deviation (by a caseworker)."""

    __tablename__ = "deviation_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    story: Mapped[str] = mapped_column(Text, default="")  # the citizen's own words
    trigger: Mapped[str] = mapped_column(String(20), default="request")
    clause: Mapped[str | None] = mapped_column(String(64))
    output: Mapped[str | None] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    ground: Mapped[str | None] = mapped_column(String(64))
    motivation: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # the role and unit of the proposer and the approver when they acted (migration 0003): the
    # clause's check sees them as they were, whatever their role is now
    proposer_role: Mapped[str | None] = mapped_column(String(20))
    proposer_unit: Mapped[str | None] = mapped_column(String(64))
    approver_role: Mapped[str | None] = mapped_column(String(20))
    approver_unit: Mapped[str | None] = mapped_column(String(64))
    proposed_at: Mapped[dt.datetime | None] = mapped_column(UTC)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTC)  # approved or refused
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTC, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTC, default=utcnow)
    revision: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": revision}


class Claim(Base):
    """A claim on a fact of a case: the citizen (or a caseworker on her behalf) says a recorded
    value is wrong and proposes the right one; pending until a caseworker accepts or refuses it,
    or the claimant withdraws it (migration 0004)."""

    __tablename__ = "claims"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    fact: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSON)  # the proposed value
    disputed: Mapped[Any] = mapped_column(JSON, nullable=True)  # the value recorded when lodged
    disputed_source: Mapped[str] = mapped_column(String(100), default="")
    reason: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(20), index=True)  # pending|accepted|refused|withdrawn
    lodged_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    lodged_role: Mapped[str] = mapped_column(String(20))  # citizen, or staff on her behalf
    lodged_at: Mapped[dt.datetime] = mapped_column(UTC, default=utcnow)
    handled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handled_at: Mapped[dt.datetime | None] = mapped_column(UTC)
    outcome: Mapped[str] = mapped_column(Text, default="")  # why refused or withdrawn
    fact_id: Mapped[int | None] = mapped_column(ForeignKey("facts.id"))  # recorded on accepting
    previous_decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))  # the correction
    revision: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": revision}


class Assessment(Base):
    __tablename__ = "assessments"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTC, default=utcnow)


class Consideration(Base):
    __tablename__ = "considerations"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    clause: Mapped[str] = mapped_column(String(64))
    motivation: Mapped[str] = mapped_column(Text)
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    by_role: Mapped[str | None] = mapped_column(String(20))  # as they were (migration 0003)
    by_unit: Mapped[str | None] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTC, default=utcnow)


class Objection(Base):
    __tablename__ = "objections"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    grounds: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20))  # lodged | upheld | rejected | withdrawn
    lodged_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    lodged_at: Mapped[dt.datetime] = mapped_column(UTC, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTC)
    outcome: Mapped[str] = mapped_column(Text, default="")


class Deadline(Base):
    __tablename__ = "deadlines"
    __table_args__ = (UniqueConstraint("case_id", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    starts: Mapped[dt.date] = mapped_column(Date)
    due: Mapped[dt.date] = mapped_column(Date, index=True)
    met_on: Mapped[dt.date | None] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(200), default="")
    # a term that ended unmet (migration 0003): 'withdrawn' (the case was withdrawn)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    closed_as: Mapped[str | None] = mapped_column(String(20))


class AuditEntry(Base):
    """One event, hash-chained to the one before; the database refuses to change or delete it."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTC)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    why: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[Any] = mapped_column(JSON, nullable=True)
    after: Mapped[Any] = mapped_column(JSON, nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """The last entry of the audit chain; locking this row serialises appends."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class Counter(Base):
    """Per-regulation sequence for case references (ZT-2025-000001)."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
