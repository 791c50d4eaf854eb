"""Claims on facts: a citizen (or a caseworker on her behalf) disputes a recorded fact with a
proposed value, a reason and evidence; a caseworker accepts (the value is recorded as a new fact
and a decided case is decided again: a decision of kind 'correction') or refuses it, or the
claimant withdraws it. The claim keeps the fact it recorded and both decisions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("fact", sa.String(64), nullable=False),
        sa.Column("value", sa.JSON, nullable=False),
        sa.Column("disputed", sa.JSON),
        sa.Column("disputed_source", sa.String(100), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("evidence", sa.JSON, nullable=False),
        sa.Column("state", sa.String(20), nullable=False, index=True),
        sa.Column("lodged_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("lodged_role", sa.String(20), nullable=False),
        sa.Column("lodged_at", TS, nullable=False),
        sa.Column("handled_by", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("handled_at", TS),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("fact_id", sa.Integer, sa.ForeignKey("facts.id")),
        sa.Column("previous_decision_id", sa.Integer, sa.ForeignKey("decisions.id")),
        sa.Column("decision_id", sa.Integer, sa.ForeignKey("decisions.id")),
        sa.Column("revision", sa.Integer, nullable=False))


def downgrade() -> None:
    raise RuntimeError("the case file is not downgraded: its audit log is append-only")
