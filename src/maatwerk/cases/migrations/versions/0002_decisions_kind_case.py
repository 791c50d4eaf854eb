"""An index of the decisions by kind and case, holding their time and id: the insight queries
(each case's first and standing decision) read it alone, never the rows with their documents.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_decisions_kind_case", "decisions",
                    ["kind", "case_id", "decided_at", "id"])


def downgrade() -> None:
    raise RuntimeError("the case file is not downgraded: its audit log is append-only")
