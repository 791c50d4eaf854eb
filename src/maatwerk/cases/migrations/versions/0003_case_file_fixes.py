"""The case file's fixes: facts.value NOT NULL as the model says; the role and unit of whoever
proposed, approved or considered, as they were when they acted; when a deviation was proposed
and decided; terms that ended unmet (a withdrawn case); and the audit head protected: it only
moves forward, to an entry that is in the log, and is never deleted.

Existing rows are filled in: the roles and units from the users as they are now (the best there
is), the times of proposal and decision from the audit log, the terms of withdrawn cases closed.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
HEAD_RULE = "audit_head only moves forward, to an entry of the log, and is never deleted"


def upgrade() -> None:
    op.execute(sa.text("UPDATE facts SET value = 'null' WHERE value IS NULL"))
    with op.batch_alter_table("facts") as batch:
        batch.alter_column("value", existing_type=sa.JSON, nullable=False)
    for name, type_ in (("proposer_role", sa.String(20)), ("proposer_unit", sa.String(64)),
                        ("approver_role", sa.String(20)), ("approver_unit", sa.String(64)),
                        ("proposed_at", TS), ("decided_at", TS)):
        op.add_column("deviation_requests", sa.Column(name, type_))
    op.add_column("considerations", sa.Column("by_role", sa.String(20)))
    op.add_column("considerations", sa.Column("by_unit", sa.String(64)))
    op.add_column("deadlines", sa.Column("closed_on", sa.Date))
    op.add_column("deadlines", sa.Column("closed_as", sa.String(20)))
    _fill()
    _protect_head()


def _role(column: str) -> str:
    return f"(SELECT users.role FROM users WHERE users.id = {column})"


def _unit(column: str) -> str:
    return (f"(SELECT units.name FROM users JOIN units ON units.id = users.unit_id "
            f"WHERE users.id = {column})")


def _logged(*actions: str) -> str:
    """When the newest of these actions on the deviation was logged."""
    names = ", ".join(f"'{a}'" for a in actions)
    return ("(SELECT max(audit_log.at) FROM audit_log WHERE audit_log.entity = 'deviation' "
            f"AND audit_log.entity_id = deviation_requests.id AND audit_log.action IN ({names}))")


def _fill() -> None:
    op.execute(sa.text(
        f"UPDATE deviation_requests SET proposer_role = {_role('proposed_by')}, "
        f"proposer_unit = {_unit('proposed_by')}, approver_role = {_role('approved_by')}, "
        f"approver_unit = {_unit('approved_by')}, "
        f"proposed_at = {_logged('deviation.propose')}, "
        f"decided_at = {_logged('deviation.approve', 'deviation.refuse')}"))
    # without four-eyes a proposal is approved as it is made
    op.execute(sa.text("UPDATE deviation_requests SET decided_at = proposed_at "
                       "WHERE state = 'approved' AND decided_at IS NULL"))
    op.execute(sa.text(f"UPDATE considerations SET by_role = {_role('by_id')}, "
                       f"by_unit = {_unit('by_id')}"))
    day = ("date(cases.updated_at)" if op.get_bind().dialect.name == "sqlite"
           else "CAST(cases.updated_at AS date)")
    op.execute(sa.text(
        f"UPDATE deadlines SET closed_as = 'withdrawn', closed_on = (SELECT {day} FROM cases "
        "WHERE cases.id = deadlines.case_id) WHERE met_on IS NULL AND case_id IN "
        "(SELECT id FROM cases WHERE state = 'withdrawn')"))


def _protect_head() -> None:
    """Whoever cannot drop triggers cannot rewind the head to hide removed entries."""
    wrong = ("NEW.id <> OLD.id OR NEW.last_id < OLD.last_id OR NOT EXISTS (SELECT 1 FROM "
             "audit_log WHERE audit_log.id = NEW.last_id AND audit_log.hash = NEW.last_hash)")
    if op.get_bind().dialect.name == "sqlite":
        op.execute(sa.text(
            f"CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head WHEN {wrong} "
            f"BEGIN SELECT RAISE(ABORT, '{HEAD_RULE}'); END"))
        op.execute(sa.text(
            "CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head "
            f"BEGIN SELECT RAISE(ABORT, '{HEAD_RULE}'); END"))
        return
    op.execute(sa.text(
        "CREATE FUNCTION audit_head_forward() RETURNS trigger AS $$ BEGIN "
        f"IF TG_OP <> 'UPDATE' OR {wrong} THEN RAISE EXCEPTION '{HEAD_RULE}'; END IF; "
        "RETURN NEW; END; $$ LANGUAGE plpgsql"))
    op.execute(sa.text(
        "CREATE TRIGGER audit_head_forward BEFORE UPDATE OR DELETE ON audit_head "
        "FOR EACH ROW EXECUTE FUNCTION audit_head_forward()"))
    op.execute(sa.text(
        "CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_head_forward()"))


def downgrade() -> None:
    raise RuntimeError("the case file is not downgraded: its audit log is append-only")
