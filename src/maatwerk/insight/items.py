"""What the read model holds of each case (``maatwerk.insight.store``), read from the case file.

Each function gives the item rows of the cases ``within`` selects (a condition on a column of
case ids: the cases touched since the last refresh, a range of cases while building, or all),
in the column order of its item table. Decision rows are read through the index
``ix_decisions_kind_case`` — except the standing decision's deciding layers and the outputs of
contested and re-decided decisions, read by id.

What an item holds is what the figures count (``docs/insight.md``):

- a case (``insight_cases``): regulation, channel, state, day of receipt, reference date,
  assignee and unit; the day of withdrawal; whether it was decided, the day of its first
  decision (not a proposal, not a re-decision) and its lead time in days; the id of its standing
  decision as the samples read it (its latest re-decision, else its latest decision); its
  discretion class (``deviation``: an approved deviation; ``assessment``: else an
  investigation; ``rules``); whether it asked for maatwerk, had a request decided or granted, an
  offer decided or approved, an objection, ruled or upheld; its sample hash (default seed).
- the layers of its standing decision (its latest decision or re-decision): per layer, the
  outputs it decided, on the day of that decision.
- the clauses of its approved deviations, if it was decided, with its objection flags.
- its deviation requests: the day of their last change, proposer, state, trigger, clause,
  ground, whether motivated and (refused) with a reason.
- its considerations and investigations: the day recorded and whether motivated.
- its terms — not the citizen's objection term, none of a withdrawn case: due day and status
  (``open``, ``late``: met after the day, ``kept``).
- its upheld objections (output ``''``) and the outputs their re-decision changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.selectable import CompoundSelect, Select, Subquery

from maatwerk.cases.deadlines import OBJECTION
from maatwerk.cases.models import (
    DECIDED_KINDS,
    Assessment,
    Case,
    Consideration,
    Deadline,
    Decision,
    DeviationRequest,
    Objection,
)
from maatwerk.insight.sql import Sql, hashed
from maatwerk.insight.store import (
    CASES,
    CLAUSE_ITEMS,
    CUBES,
    DEVIATION_ITEMS,
    LAYER_ITEMS,
    NOTE_ITEMS,
    TERM_ITEMS,
    UPHELD_ITEMS,
    Cube,
)

Within = Callable[[Any], ColumnElement[bool]]
# a case's standing decision is the latest of them: its decision, the decision on an objection,
# the decision after an accepted claim on a fact (a correction)
STANDING_KINDS = DECIDED_KINDS
DECIDED_STATES = ("approved", "refused")
MIN_TEXT = 10  # a motivation or reason is present when it has at least this many characters


def everything(column: Any) -> ColumnElement[bool]:
    """``within`` for every case."""
    return sa.true()


def _any(condition: Any) -> Any:
    return func.max(case((condition, 1), else_=0))


def present(column: Any) -> ColumnElement[int]:
    """1 when a text has at least ``MIN_TEXT`` characters (trimmed), else 0."""
    return case((func.length(func.trim(func.coalesce(column, ""))) >= MIN_TEXT, 1), else_=0)


def firsts(within: Within) -> Subquery:
    """Per case with a decision: the time of its first decision and the id of its latest
    decision (re-decisions apart)."""
    return (select(Decision.case_id, func.min(Decision.decided_at).label("at"),
                   func.max(Decision.id).label("id"))
            .where(Decision.kind == "decision", within(Decision.case_id))
            .group_by(Decision.case_id).subquery("first"))


def redecisions(within: Within) -> Subquery:
    """Per case decided again on objection: the id of its latest re-decision."""
    return (select(Decision.case_id, func.max(Decision.id).label("id"))
            .where(Decision.kind == "redecision", within(Decision.case_id))
            .group_by(Decision.case_id).subquery("again"))


def standing(within: Within) -> Subquery:
    """Per decided case: the id of its standing decision (the latest of ``STANDING_KINDS``)."""
    return (select(Decision.case_id, func.max(Decision.id).label("id"))
            .where(Decision.kind.in_(STANDING_KINDS), within(Decision.case_id))
            .group_by(Decision.case_id).subquery("standing"))


def _discretion(within: Within) -> Subquery:
    """Per case with a request, offer or deviation: what it had (1 or 0)."""
    d = DeviationRequest
    done = d.state.in_(DECIDED_STATES)
    asked, offered, approved = d.trigger == "request", d.trigger == "flag", d.state == "approved"
    return (select(d.case_id, _any(approved).label("deviated"), _any(asked).label("asked"),
                   _any(asked & done).label("requested"), _any(asked & approved).label("granted"),
                   _any(offered & done).label("offered"),
                   _any(offered & approved).label("offer_approved"))
            .where(within(d.case_id)).group_by(d.case_id).subquery("discretion"))


def _objections(within: Within) -> Subquery:
    o = Objection
    return (select(o.case_id, _any(o.state.in_(("upheld", "rejected"))).label("ruled"),
                   _any(o.state == "upheld").label("upheld"))
            .where(within(o.case_id)).group_by(o.case_id).subquery("objected"))


def _flag(column: Any) -> Any:
    return func.coalesce(column, 0)


def cases(sql: Sql, within: Within) -> Select[Any]:
    """One row per case (``insight_cases``)."""
    first, again = firsts(within), standing(within)
    dev, obj = _discretion(within), _objections(within)
    assessed = (select(Assessment.case_id).where(within(Assessment.case_id)).distinct()
                .subquery("assessed"))
    decided = first.c.at.is_not(None)
    how = case((dev.c.deviated == 1, sa.literal_column("'deviation'")),
               (assessed.c.case_id.is_not(None), sa.literal_column("'assessment'")),
               else_=sa.literal_column("'rules'"))
    return (select(
        Case.id, Case.regulation, Case.channel, Case.state, sql.day_of_date(Case.received_on),
        Case.peildatum, func.coalesce(Case.assigned_to, 0), func.coalesce(Case.unit_id, 0),
        case((Case.state == "withdrawn", sql.day_of_time(Case.updated_at)), else_=""),
        case((decided, 1), else_=0), func.coalesce(sql.day_of_time(first.c.at), ""),
        func.coalesce(sql.days_between(Case.received_on, first.c.at), 0),
        func.coalesce(again.c.id, first.c.id, 0), how,
        _flag(dev.c.asked), _flag(dev.c.requested), _flag(dev.c.granted), _flag(dev.c.offered),
        _flag(dev.c.offer_approved), case((obj.c.case_id.is_not(None), 1), else_=0),
        _flag(obj.c.ruled), _flag(obj.c.upheld), hashed(Case.id))
        .select_from(Case).outerjoin(first, first.c.case_id == Case.id)
        .outerjoin(again, again.c.case_id == Case.id)
        .outerjoin(dev, dev.c.case_id == Case.id).outerjoin(obj, obj.c.case_id == Case.id)
        .outerjoin(assessed, assessed.c.case_id == Case.id).where(within(Case.id)))


def layers(sql: Sql, within: Within) -> Select[Any]:
    """Per case and layer: the outputs of its standing decision that layer decided."""
    standing = (select(Decision.case_id, func.max(Decision.id).label("id"),
                       func.max(Decision.decided_at).label("at"))
                .where(Decision.kind.in_(STANDING_KINDS), within(Decision.case_id))
                .group_by(Decision.case_id).subquery("standing"))
    pairs = sql.json_pairs(Decision.deciding_layer)
    layer = func.coalesce(pairs.c.value, "")
    return (select(standing.c.case_id, layer, Case.regulation,
                   sql.day_of_time(standing.c.at), func.count())
            .select_from(standing).join(Decision, Decision.id == standing.c.id)
            .join(Case, Case.id == standing.c.case_id).join(pairs, sa.true())
            .group_by(standing.c.case_id, layer, Case.regulation, standing.c.at))


def clauses(sql: Sql, within: Within) -> Select[Any]:
    """Per decided case and clause of its approved deviations: its objection flags."""
    d = DeviationRequest
    first, obj = firsts(within), _objections(within)
    used = (select(d.case_id, func.coalesce(d.clause, "").label("clause"))
            .where(d.state == "approved", within(d.case_id)).distinct().subquery("used"))
    return (select(used.c.case_id, used.c.clause, Case.regulation, sql.day_of_time(first.c.at),
                   case((obj.c.case_id.is_not(None), 1), else_=0), _flag(obj.c.ruled),
                   _flag(obj.c.upheld))
            .select_from(used).join(first, first.c.case_id == used.c.case_id)
            .join(Case, Case.id == used.c.case_id)
            .outerjoin(obj, obj.c.case_id == used.c.case_id))


def deviations(sql: Sql, within: Within) -> Select[Any]:
    """One row per deviation request."""
    d = DeviationRequest
    reasoned = case(((d.state == "refused")
                     & (func.length(func.trim(func.coalesce(d.reason, ""))) >= MIN_TEXT), 1),
                    else_=0)
    return (select(d.id, d.case_id, Case.regulation, sql.day_of_time(d.updated_at),
                   func.coalesce(d.proposed_by, 0), d.state, func.coalesce(d.trigger, ""),
                   func.coalesce(d.clause, ""), case((d.clause.is_not(None), 1), else_=0),
                   func.coalesce(d.ground, ""), present(d.motivation), reasoned)
            .join(Case, Case.id == d.case_id).where(within(d.case_id)))


def notes(sql: Sql, within: Within) -> CompoundSelect[Any]:
    """One row per consideration and per investigation."""
    c, a = Consideration, Assessment
    return sa.union_all(
        select(sa.literal_column("'consideration'"), c.id, c.case_id, Case.regulation,
               sql.day_of_time(c.recorded_at), present(c.motivation))
        .join(Case, Case.id == c.case_id).where(within(c.case_id)),
        select(sa.literal_column("'assessment'"), a.id, a.case_id, Case.regulation,
               sql.day_of_time(a.recorded_at), present(a.record["motivation"].as_string()))
        .join(Case, Case.id == a.case_id).where(within(a.case_id)))


def terms(sql: Sql, within: Within) -> Select[Any]:
    """One row per term of the agency (not the citizen's objection term, none of a withdrawn
    case)."""
    t = Deadline
    status = case((t.met_on.is_(None), sa.literal_column("'open'")),
                  (t.met_on > t.due, sa.literal_column("'late'")),
                  else_=sa.literal_column("'kept'"))
    return (select(t.id, t.case_id, Case.regulation, t.kind, sql.day_of_date(t.due), status)
            .join(Case, Case.id == t.case_id)
            .where(t.kind != OBJECTION, Case.state != "withdrawn", within(t.case_id)))


def upheld(sql: Sql, within: Within) -> CompoundSelect[Any]:
    """One row per upheld objection (output ``''``) and per output its re-decision changed."""
    o = Objection
    day = func.coalesce(sql.day_of_time(o.decided_at), "")
    latest = redecisions(within)
    contested, again = aliased(Decision), aliased(Decision)
    before, after = sql.json_pairs(contested.outputs), sql.json_pairs(again.outputs)
    return sa.union_all(
        select(o.id, sa.literal_column("''"), o.case_id, Case.regulation, day)
        .join(Case, Case.id == o.case_id).where(o.state == "upheld", within(o.case_id)),
        select(o.id, before.c.key, o.case_id, Case.regulation, day)
        .select_from(o).join(Case, Case.id == o.case_id)
        .join(contested, contested.id == o.decision_id)
        .join(latest, latest.c.case_id == o.case_id).join(again, again.id == latest.c.id)
        .join(before, sa.true()).join(after, after.c.key == before.c.key)
        .where(o.state == "upheld", within(o.case_id),
               func.coalesce(before.c.value, "") != func.coalesce(after.c.value, "")))


@dataclass(frozen=True)
class Family:
    """An item table, how its rows are read from the case file, and the cubes that count
    them."""

    items: sa.Table
    read: Callable[[Sql, Within], Select[Any] | CompoundSelect[Any]]

    @property
    def cubes(self) -> tuple[Cube, ...]:
        return tuple(c for c in CUBES if c.items is self.items)


FAMILIES = (Family(CASES, cases), Family(LAYER_ITEMS, layers), Family(CLAUSE_ITEMS, clauses),
            Family(DEVIATION_ITEMS, deviations), Family(NOTE_ITEMS, notes),
            Family(TERM_ITEMS, terms), Family(UPHELD_ITEMS, upheld))
