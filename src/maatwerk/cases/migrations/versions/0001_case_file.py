"""The case file: regulation versions, accounts, subjects, cases, facts, decisions, discretion
records, objections, deadlines and the append-only audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True)


def upgrade() -> None:
    op.create_table(
        "regulation_versions", _id(),
        sa.Column("regulation", sa.String(64), nullable=False, index=True),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("loaded_at", TS, nullable=False))
    op.create_table(
        "units", _id(),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("label", sa.String(200), nullable=False))
    op.create_table(
        "subjects", _id(),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("pseudonym", sa.String(64), nullable=False, unique=True),
        sa.Column("label", sa.String(200), nullable=False))
    op.create_table(
        "users", _id(),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id")),
        sa.Column("password_hash", sa.String(200)),
        sa.Column("subject_id", sa.Integer, sa.ForeignKey("subjects.id")),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False))
    op.create_table(
        "api_tokens", _id(),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS))
    op.create_table(
        "cases", _id(),
        sa.Column("reference", sa.String(40), nullable=False, unique=True),
        sa.Column("regulation", sa.String(64), nullable=False, index=True),
        sa.Column("regulation_version_id", sa.Integer, sa.ForeignKey("regulation_versions.id"),
                  nullable=False),
        sa.Column("subject_id", sa.Integer, sa.ForeignKey("subjects.id"), nullable=False,
                  index=True),
        sa.Column("state", sa.String(30), nullable=False, index=True),
        sa.Column("channel", sa.String(30), nullable=False),
        sa.Column("peildatum", sa.Date, nullable=False),
        sa.Column("received_on", sa.Date, nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id")),
        sa.Column("assigned_to", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False))
    op.create_table(
        "facts", _id(),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.JSON),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
        sa.Column("recorded_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False))
    op.create_table(
        "decisions", _id(),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("outputs", sa.JSON, nullable=False),
        sa.Column("deciding_layer", sa.JSON, nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.Column("regulation_version_id", sa.Integer, sa.ForeignKey("regulation_versions.id"),
                  nullable=False),
        sa.Column("decided_at", TS, nullable=False),
        sa.Column("decided_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False))
    op.create_table(
        "deviation_requests", _id(),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("state", sa.String(20), nullable=False, index=True),
        sa.Column("story", sa.Text, nullable=False),
        sa.Column("trigger", sa.String(20), nullable=False),
        sa.Column("clause", sa.String(64)),
        sa.Column("output", sa.String(64)),
        sa.Column("value", sa.JSON),
        sa.Column("ground", sa.String(64)),
        sa.Column("motivation", sa.Text, nullable=False),
        sa.Column("evidence", sa.JSON, nullable=False),
        sa.Column("requested_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("proposed_by", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("approved_by", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False))
    op.create_table(
        "assessments", _id(),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("record", sa.JSON, nullable=False),
        sa.Column("assessor_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("recorded_at", TS, nullable=False))
    op.create_table(
        "considerations", _id(),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("clause", sa.String(64), nullable=False),
        sa.Column("motivation", sa.Text, nullable=False),
        sa.Column("by_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("recorded_at", TS, nullable=False))
    op.create_table(
        "objections", _id(),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("decision_id", sa.Integer, sa.ForeignKey("decisions.id"), nullable=False),
        sa.Column("grounds", sa.Text, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("lodged_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("lodged_at", TS, nullable=False),
        sa.Column("decided_by", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("decided_at", TS),
        sa.Column("outcome", sa.Text, nullable=False))
    op.create_table(
        "deadlines", _id(),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("starts", sa.Date, nullable=False),
        sa.Column("due", sa.Date, nullable=False, index=True),
        sa.Column("met_on", sa.Date),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.UniqueConstraint("case_id", "kind"))
    op.create_table(
        "audit_log", _id(),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("case_id", sa.Integer, index=True),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.Integer),
        sa.Column("why", sa.Text, nullable=False),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, unique=True))
    op.create_table(
        "audit_head", _id(),
        sa.Column("last_id", sa.Integer, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False))
    op.create_table(
        "counters",
        sa.Column("name", sa.String(80), primary_key=True),
        sa.Column("value", sa.Integer, nullable=False))
    op.execute(sa.text("INSERT INTO audit_head (id, last_id, last_hash) VALUES "
                       "(1, 0, '" + "0" * 64 + "')"))
    _append_only()


def _append_only() -> None:
    """The database itself refuses to change or remove audit entries."""
    if op.get_bind().dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(sa.text(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"))
        return
    op.execute(sa.text(
        "CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$ BEGIN "
        "RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql"))
    op.execute(sa.text(
        "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"))
    op.execute(sa.text(
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"))


def downgrade() -> None:
    raise RuntimeError("the case file is not downgraded: its audit log is append-only")
