"""The tables of the insight read model (migration 0005 creates them; ``readmodel`` keeps them
up to date, ``view`` reads them).

Two kinds of table:

- **items**: one small row per thing a figure counts, each belonging to one case — the case
  itself (``insight_cases``: what the cohort of the dilemma monitor held), the layers of its
  standing decision, the clauses of its approved deviations, its deviation requests, its
  considerations and investigations, its terms, its upheld objections. Written per case: when a
  case changes, its items are replaced.
- **cubes**: the items counted by the keys the figures filter and group on (``Cube.keys``: a
  regulation, a day, a caseworker's id, ...), with ``n`` the number of items and the sums of
  some of their columns (``Cube.sums``). A figure is a ``GROUP BY`` over a cube, whose size is
  bounded by the number of distinct keys (days × caseworkers × channels, ...), not by the
  number of cases. A cube follows its items by adding the difference (items removed count -1,
  items added +1) and dropping the keys that count 0.

Days are ``YYYY-MM-DD`` text (``''`` when there is none) and absent ids are 0, so that every
key is a value (``NULL`` would not match itself in a unique key). ``insight_state`` holds, in
one row, how far the read model has followed the case file.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import BigInteger, Column, Date, Index, Integer, String

META = sa.MetaData()
DAY = String(10)
REGULATION = String(64)
FLAGS = ("asked", "requested", "granted", "offered", "offer_approved", "objected", "ruled",
         "upheld")
# the tables whose largest id the state keeps (a row added without an audit entry, as a bulk
# load writes them, still shows which case it belongs to)
SOURCES = ("cases", "decisions", "deviation_requests", "objections", "assessments",
           "considerations", "deadlines")


def _int(name: str) -> Column[int]:
    return Column(name, Integer, nullable=False)


def _text(name: str, size: int = 64) -> Column[str]:
    return Column(name, String(size), nullable=False)


def _day(name: str) -> Column[str]:
    return Column(name, DAY, nullable=False)


def _key(name: str) -> Column[int]:
    return Column(name, Integer, primary_key=True, autoincrement=False)


STATE = sa.Table(
    "insight_state", META, _key("id"),
    _int("version"),  # the read model's definition it was built by (``readmodel.VERSION``)
    _int("complete"),  # 1 when every case up to the build's start has been read
    _int("built_upto"),  # while building: the largest case id read so far
    _int("audit"),  # the last audit entry followed
    *(_int(f"{name}_id") for name in SOURCES))

CASES = sa.Table(
    "insight_cases", META, _key("case_id"), Column("regulation", REGULATION, nullable=False),
    _text("channel", 30), _text("state", 30), _day("received_on"), Column("peildatum", Date),
    _int("assigned_to"), _int("unit_id"), _day("gone_day"), _int("decided"), _day("first_day"),
    _int("days"), _int("decision_id"), _text("how", 12), *(_int(f) for f in FLAGS),
    Column("hash", BigInteger, nullable=False),
    Index("ix_insight_cases_sample", "regulation", "hash"))

LAYER_ITEMS = sa.Table(
    "insight_layer_items", META, _key("case_id"),
    Column("layer", String(64), primary_key=True), Column("regulation", REGULATION,
                                                          nullable=False),
    _day("day"), _int("outputs"))

CLAUSE_ITEMS = sa.Table(
    "insight_clause_items", META, _key("case_id"),
    Column("clause", String(64), primary_key=True),
    Column("regulation", REGULATION, nullable=False), _day("day"), _int("objected"),
    _int("ruled"), _int("upheld"))

DEVIATION_ITEMS = sa.Table(
    "insight_deviation_items", META, _key("id"), _int("case_id"),
    Column("regulation", REGULATION, nullable=False), _day("day"), _int("proposed_by"),
    _text("state", 20), _text("trigger", 20), _text("clause"), _int("claused"),
    _text("ground"), _int("motivated"), _int("reasoned"),
    Index("ix_insight_deviation_items_case", "case_id"))

NOTE_ITEMS = sa.Table(
    "insight_note_items", META, Column("kind", String(20), primary_key=True), _key("id"),
    _int("case_id"), Column("regulation", REGULATION, nullable=False), _day("day"),
    _int("motivated"), Index("ix_insight_note_items_case", "case_id"))

TERM_ITEMS = sa.Table(
    "insight_term_items", META, _key("id"), _int("case_id"),
    Column("regulation", REGULATION, nullable=False), _text("kind", 40), _day("due"),
    _text("status", 10), Index("ix_insight_term_items_case", "case_id"),
    Index("ix_insight_term_items_open", "status", "due"))

UPHELD_ITEMS = sa.Table(
    "insight_upheld_items", META, _key("id"), Column("output", String(64), primary_key=True),
    _int("case_id"), Column("regulation", REGULATION, nullable=False), _day("day"),
    Index("ix_insight_upheld_items_case", "case_id"))


@dataclass(frozen=True)
class Cube:
    """Items counted by ``keys``: ``n`` and the sums of ``sums``; only the items whose column
    ``where`` is 1 when it is given."""

    table: sa.Table
    items: sa.Table
    keys: tuple[str, ...]
    sums: tuple[str, ...] = ()
    where: str | None = None


def _cube(name: str, items: sa.Table, keys: tuple[str, ...], sums: tuple[str, ...] = (),
          where: str | None = None) -> Cube:
    columns = [Column(k, items.c[k].type, primary_key=True, autoincrement=False) for k in keys]
    table = sa.Table(name, META, *columns, _int("n"), *(_int(m) for m in sums))
    return Cube(table, items, keys, sums, where)


RECEIVED = _cube("insight_received", CASES, ("regulation", "received_on"))
STATES = _cube("insight_states", CASES, ("regulation", "state", "assigned_to", "gone_day"))
UNITS = _cube("insight_units", CASES, ("regulation", "first_day", "assigned_to", "unit_id",
                                       "channel", "how"), FLAGS, where="decided")
DAYS = _cube("insight_days", CASES, ("regulation", "first_day", "how", "days"),
             where="decided")
LAYERS = _cube("insight_layers", LAYER_ITEMS, ("regulation", "day", "layer"), ("outputs",))
CLAUSES = _cube("insight_clauses", CLAUSE_ITEMS, ("regulation", "day", "clause"),
                ("objected", "ruled", "upheld"))
DEVIATIONS = _cube("insight_deviations", DEVIATION_ITEMS,
                   ("regulation", "day", "proposed_by", "state", "trigger", "clause", "claused",
                    "ground"), ("motivated", "reasoned"))
NOTES = _cube("insight_notes", NOTE_ITEMS, ("regulation", "day", "kind"), ("motivated",))
TERMS = _cube("insight_terms", TERM_ITEMS, ("regulation", "due", "status"))
UPHELD = _cube("insight_upheld", UPHELD_ITEMS, ("regulation", "day", "output"))

CUBES = (RECEIVED, STATES, UNITS, DAYS, LAYERS, CLAUSES, DEVIATIONS, NOTES, TERMS, UPHELD)
ITEMS = (CASES, LAYER_ITEMS, CLAUSE_ITEMS, DEVIATION_ITEMS, NOTE_ITEMS, TERM_ITEMS,
         UPHELD_ITEMS)
