"""The insight read model: small tables that the manager's dashboard, the dilemma monitor, the
dynamics signals and the register count from, instead of the case file's large tables.

Items (one row per case, per layer of its standing decision, per clause of its approved
deviations, per deviation request, consideration and investigation, term and upheld objection)
and cubes (the items counted per regulation, day and the keys the figures group on), and the
state of the read model in one row. The tables are created empty: the first refresh
(``maatwerk.insight.readmodel``) builds them from the rows that exist, and every refresh after
brings them up to date (see ``maatwerk/insight/store.py``, which maps them).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SOURCES = ("cases", "decisions", "deviation_requests", "objections", "assessments",
           "considerations", "deadlines")
FLAGS = ("asked", "requested", "granted", "offered", "offer_approved", "objected", "ruled",
         "upheld")
REG, DAY = sa.String(64), sa.String(10)


def _int(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer, nullable=False)


def _text(name: str, type_: Any) -> sa.Column[str]:
    return sa.Column(name, type_, nullable=False)


def _key(name: str, type_: Any = None) -> sa.Column[Any]:
    return sa.Column(name, type_ or sa.Integer, primary_key=True, autoincrement=False)


def _items() -> None:
    op.create_table(
        "insight_cases", _key("case_id"), _text("regulation", REG),
        _text("channel", sa.String(30)), _text("state", sa.String(30)),
        _text("received_on", DAY), sa.Column("peildatum", sa.Date), _int("assigned_to"),
        _int("unit_id"), _text("gone_day", DAY), _int("decided"), _text("first_day", DAY),
        _int("days"), _int("decision_id"), _text("how", sa.String(12)),
        *(_int(f) for f in FLAGS), sa.Column("hash", sa.BigInteger, nullable=False))
    op.create_index("ix_insight_cases_sample", "insight_cases", ["regulation", "hash"])
    op.create_table("insight_layer_items", _key("case_id"), _key("layer", sa.String(64)),
                    _text("regulation", REG), _text("day", DAY), _int("outputs"))
    op.create_table("insight_clause_items", _key("case_id"), _key("clause", sa.String(64)),
                    _text("regulation", REG), _text("day", DAY), _int("objected"),
                    _int("ruled"), _int("upheld"))
    op.create_table(
        "insight_deviation_items", _key("id"), _int("case_id"), _text("regulation", REG),
        _text("day", DAY), _int("proposed_by"), _text("state", sa.String(20)),
        _text("trigger", sa.String(20)), _text("clause", sa.String(64)), _int("claused"),
        _text("ground", sa.String(64)), _int("motivated"), _int("reasoned"))
    op.create_table("insight_note_items", _key("kind", sa.String(20)), _key("id"),
                    _int("case_id"), _text("regulation", REG), _text("day", DAY),
                    _int("motivated"))
    op.create_table("insight_term_items", _key("id"), _int("case_id"),
                    _text("regulation", REG), _text("kind", sa.String(40)),
                    _text("due", DAY), _text("status", sa.String(10)))
    op.create_index("ix_insight_term_items_open", "insight_term_items", ["status", "due"])
    op.create_table("insight_upheld_items", _key("id"), _key("output", sa.String(64)),
                    _int("case_id"), _text("regulation", REG), _text("day", DAY))
    for name in ("deviation", "note", "term", "upheld"):
        op.create_index(f"ix_insight_{name}_items_case", f"insight_{name}_items", ["case_id"])


CUBES: dict[str, tuple[tuple[tuple[str, Any], ...], tuple[str, ...]]] = {
    "insight_received": ((("regulation", REG), ("received_on", DAY)), ()),
    "insight_states": ((("regulation", REG), ("state", sa.String(30)),
                        ("assigned_to", sa.Integer()), ("gone_day", DAY)), ()),
    "insight_units": ((("regulation", REG), ("first_day", DAY), ("assigned_to", sa.Integer()),
                       ("unit_id", sa.Integer()), ("channel", sa.String(30)),
                       ("how", sa.String(12))), FLAGS),
    "insight_days": ((("regulation", REG), ("first_day", DAY), ("how", sa.String(12)),
                      ("days", sa.Integer())), ()),
    "insight_layers": ((("regulation", REG), ("day", DAY), ("layer", sa.String(64))),
                       ("outputs",)),
    "insight_clauses": ((("regulation", REG), ("day", DAY), ("clause", sa.String(64))),
                        ("objected", "ruled", "upheld")),
    "insight_deviations": ((("regulation", REG), ("day", DAY), ("proposed_by", sa.Integer()),
                            ("state", sa.String(20)), ("trigger", sa.String(20)),
                            ("clause", sa.String(64)), ("claused", sa.Integer()),
                            ("ground", sa.String(64))), ("motivated", "reasoned")),
    "insight_notes": ((("regulation", REG), ("day", DAY), ("kind", sa.String(20))),
                      ("motivated",)),
    "insight_terms": ((("regulation", REG), ("due", DAY), ("status", sa.String(10))), ()),
    "insight_upheld": ((("regulation", REG), ("day", DAY), ("output", sa.String(64))), ()),
}


def upgrade() -> None:
    op.create_table("insight_state", _key("id"), _int("version"), _int("complete"),
                    _int("built_upto"), _int("audit"), *(_int(f"{n}_id") for n in SOURCES))
    op.execute(sa.text(
        "INSERT INTO insight_state (id, version, complete, built_upto, audit, "
        f"{', '.join(f'{n}_id' for n in SOURCES)}) VALUES (1, 0, 0, 0, 0"
        f"{', 0' * len(SOURCES)})"))
    _items()
    for name, (keys, sums) in CUBES.items():
        op.create_table(name, *(_key(k, t) for k, t in keys), _int("n"),
                        *(_int(m) for m in sums))


def downgrade() -> None:
    raise RuntimeError("the case file is not downgraded: its audit log is append-only")
