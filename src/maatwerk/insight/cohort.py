"""The cases the dilemma monitor and the dynamics signals count, gathered once per request.

A case is *decided in the period* when its first decision (not a proposal, not a re-decision)
falls in it — as the dashboard's lead times and deviation rates count it. It is counted for its
caseworker (the assignee) and its team (the case's unit, else the caseworker's). What was
decided in the end is its standing decision: its latest decision or re-decision. A case is
decided *with discretion* when it has an approved deviation (``deviation``) or, without one, a
recorded investigation (``assessment``); otherwise by the rules (``rules``: the standard rules
and the policy categories).

``Cohort.gather`` writes every case decided up to the end of the period into a temporary table,
one row per case with what the figures count (``in_period`` tells the period's own cases from
the earlier ones, which only the backlog needs). Every figure is then a ``GROUP BY`` over that
small table instead of a join over the case file. Decision rows are read only through the index
``ix_decisions_kind_case`` (``kind``, ``case_id``, ``decided_at``, ``id``), never through their
documents — except in a bounded sample.

Samples are taken without randomness that changes between runs: a case's place in a sample is
its *hash* ``((id + seed) × 2654435761) mod 2³²`` (Knuth's multiplicative hash), and a sample of
``k`` is the ``k`` cases with the smallest hash (per regulation). The same case file, seed and
``k`` give the same sample on SQLite and PostgreSQL; a regulation with at most ``k`` cases is
taken whole.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.selectable import Subquery

from maatwerk.cases.models import (
    Assessment,
    Case,
    Decision,
    DeviationRequest,
    Objection,
    Unit,
    User,
)
from maatwerk.insight.dashboard import NO_TEAM, Period, Sql

SEED = 20250101  # the default seed of every sample
MULTIPLIER, MODULUS = 2654435761, 2**32
DECIDED_STATES = ("approved", "refused")


def hashed(column: Any, seed: int = SEED) -> ColumnElement[int]:
    """The sample hash of an id column (constants written into the SQL, 64-bit arithmetic)."""
    shifted = column + sa.literal_column(str(int(seed)), sa.BigInteger)
    found: ColumnElement[int] = (shifted * sa.literal_column(str(MULTIPLIER), sa.BigInteger)
                                 ) % sa.literal_column(str(MODULUS), sa.BigInteger)
    return found


def firsts() -> Subquery:
    """Per case with a decision: the time of its first decision (``decided_at``) and the id of
    its latest decision (``id``, re-decisions apart). One range of ``ix_decisions_kind_case``,
    already in the order of ``case_id``."""
    return (select(Decision.case_id, func.min(Decision.decided_at).label("decided_at"),
                   func.max(Decision.id).label("id"))
            .where(Decision.kind == "decision").group_by(Decision.case_id).subquery("first"))


def redecisions() -> Subquery:
    """Per case decided again on objection: the id of its latest re-decision."""
    return (select(Decision.case_id, func.max(Decision.id).label("id"))
            .where(Decision.kind == "redecision").group_by(Decision.case_id)
            .subquery("again"))


def _any(condition: Any) -> Any:
    return func.max(case((condition, 1), else_=0))


def _discretion() -> Subquery:
    """Per case with a request, offer or deviation: what it had (1 or 0)."""
    d = DeviationRequest
    done = d.state.in_(DECIDED_STATES)
    asked, offered, approved = d.trigger == "request", d.trigger == "flag", d.state == "approved"
    return (select(d.case_id, _any(approved).label("deviated"), _any(asked).label("asked"),
                   _any(asked & done).label("requested"), _any(asked & approved).label("granted"),
                   _any(offered & done).label("offered"),
                   _any(offered & approved).label("offer_approved"))
            .group_by(d.case_id).subquery("discretion"))


def _objections() -> Subquery:
    o = Objection
    return (select(o.case_id, _any(o.state.in_(("upheld", "rejected"))).label("ruled"),
                   _any(o.state == "upheld").label("upheld")).group_by(o.case_id)
            .subquery("objected"))


COLUMNS: tuple[tuple[str, Any], ...] = (
    ("case_id", sa.Integer), ("regulation", sa.String(64)), ("channel", sa.String(30)),
    ("received_on", sa.Date), ("peildatum", sa.Date), ("decided_at", sa.DateTime(timezone=True)),
    ("month", sa.String(7)), ("days", sa.Integer), ("in_period", sa.Integer),
    ("caseworker", sa.String(64)), ("team", sa.String(64)), ("decision_id", sa.Integer),
    ("how", sa.String(12)), ("asked", sa.Integer), ("requested", sa.Integer),
    ("granted", sa.Integer), ("offered", sa.Integer), ("offer_approved", sa.Integer),
    ("objected", sa.Integer), ("ruled", sa.Integer), ("upheld", sa.Integer))


def _select(s: Session, period: Period) -> Any:
    """One row per case decided up to the end of the period (see ``COLUMNS``)."""
    sql = Sql(s)
    first, again, dev, obj = firsts(), redecisions(), _discretion(), _objections()
    assessed = select(Assessment.case_id).distinct().subquery("assessed")
    assignee, team = aliased(User), aliased(Unit)
    upto = Period(period.regulation, None, period.end)
    inside = sa.and_(sa.true(), *period.times(first.c.decided_at))

    def flag(column: Any) -> Any:
        return func.coalesce(column, 0)

    return (select(
        Case.id, Case.regulation, Case.channel, Case.received_on, Case.peildatum,
        first.c.decided_at, sql.month_of_time(first.c.decided_at),
        sql.days_between(Case.received_on, first.c.decided_at), case((inside, 1), else_=0),
        func.coalesce(assignee.username, NO_TEAM), func.coalesce(team.name, NO_TEAM),
        func.coalesce(again.c.id, first.c.id),
        case((dev.c.deviated == 1, sa.literal_column("'deviation'")),
             (assessed.c.case_id.is_not(None), sa.literal_column("'assessment'")),
             else_=sa.literal_column("'rules'")),
        flag(dev.c.asked), flag(dev.c.requested), flag(dev.c.granted), flag(dev.c.offered),
        flag(dev.c.offer_approved), case((obj.c.case_id.is_not(None), 1), else_=0),
        flag(obj.c.ruled), flag(obj.c.upheld))
        .join_from(first, Case, Case.id == first.c.case_id)
        .outerjoin(assignee, assignee.id == Case.assigned_to)
        .outerjoin(team, team.id == func.coalesce(Case.unit_id, assignee.unit_id))
        .outerjoin(again, again.c.case_id == Case.id)
        .outerjoin(dev, dev.c.case_id == Case.id).outerjoin(obj, obj.c.case_id == Case.id)
        .outerjoin(assessed, assessed.c.case_id == Case.id)
        .where(*upto.of(Case.regulation), *upto.times(first.c.decided_at)))


SUMS = ("asked", "requested", "granted", "offered", "offer_approved", "objected", "ruled",
        "upheld")


@dataclass(frozen=True)
class Cohort:
    """The decided cases of a period, gathered in a temporary table (``table``)."""

    period: Period
    table: sa.Table
    cache: dict[str, list[Any]] = field(default_factory=dict, compare=False)
    # decisions read from their documents (``equality.decisions``), by id: the samples of
    # several figures overlap, and a decision's row does not change once written (``gather``
    # may be given a mapping that outlives the cohort)
    documents: MutableMapping[int, Any] = field(default_factory=dict, compare=False)

    @property
    def c(self) -> Any:
        return self.table.c

    def inside(self) -> ColumnElement[bool]:
        """The condition for the cases decided in the period itself."""
        return self.table.c.in_period == 1

    def _counted(self, s: Session, name: str, keys: tuple[str, ...], *, inside: bool = True,
                 sums: tuple[str, ...] = ()) -> list[Any]:
        """The cohort counted by ``keys`` (each grouping once per cohort: on SQLite a
        ``GROUP BY`` sorts the whole cohort)."""
        if name not in self.cache:
            c = self.table.c
            columns = [c[k] for k in keys]
            query = select(*columns, func.count().label("n"),
                           *(func.sum(c[k]).label(k) for k in sums))
            if inside:
                query = query.where(self.inside())
            self.cache[name] = list(s.execute(query.group_by(*columns).order_by(*columns)))
        return self.cache[name]

    def units(self, s: Session) -> list[Any]:
        """The period's cases counted per regulation, team, caseworker, channel and discretion
        class, with the sums of ``SUMS``."""
        return self._counted(s, "units", ("regulation", "team", "caseworker", "channel", "how"),
                             sums=SUMS)

    def days(self, s: Session) -> list[Any]:
        """The period's cases counted per regulation, discretion class and lead time in
        days."""
        return self._counted(s, "days", ("regulation", "how", "days"))

    def months(self, s: Session) -> list[Any]:
        """Every case of the cohort counted per regulation, month of its first decision,
        whether it is in the period, and discretion class."""
        return self._counted(s, "months", ("regulation", "month", "in_period", "how"),
                             inside=False)

    @classmethod
    @contextmanager
    def gather(cls, s: Session, period: Period,
               documents: MutableMapping[int, Any] | None = None) -> Iterator[Cohort]:
        """The cohort of ``period`` in ``s``'s connection, dropped afterwards; the decisions
        its figures read are kept in ``documents`` when given (see ``Cohort.documents``)."""
        name = f"mw_cohort_{uuid.uuid4().hex[:12]}"
        table = sa.Table(name, sa.MetaData(), *(sa.Column(n, t) for n, t in COLUMNS),
                         prefixes=["TEMPORARY"])
        connection = s.connection()
        table.create(connection)
        try:
            connection.execute(table.insert().from_select([n for n, _ in COLUMNS],
                                                          _select(s, period)))
            if connection.dialect.name == "postgresql":  # else it guesses its size wrong
                connection.execute(sa.text(f"ANALYZE {name}"))
            yield cls(period, table, documents={} if documents is None else documents)
        finally:
            table.drop(connection)

    def sample(self, s: Session, size: int, seed: int = SEED, *,
               discretion: bool = False) -> list[Any]:
        """Per regulation, the ``size`` cases of the period with the smallest hash (with
        ``discretion``: among those decided with discretion), ordered by regulation and case.

        Read in one pass over the cohort: per regulation only the cases whose hash lies below
        a threshold that lets about three times ``size`` through (all of them in a small
        regulation) — the hash spreads the ids evenly — and the smallest ``size`` of those;
        a regulation with too few below it is read again whole. The result is exactly the
        ``size`` smallest hashes."""
        c = self.c
        where = [self.inside(), *([c.how != "rules"] if discretion else [])]
        counts: dict[str, int] = {}
        for row in self.units(s):
            if not discretion or row.how != "rules":
                counts[row.regulation] = counts.get(row.regulation, 0) + int(row.n)
        limits = {r: MODULUS if n <= 3 * size else MODULUS * 3 * size // n
                  for r, n in counts.items()}
        found = self._below(s, where, limits, seed)
        short = [r for r, n in counts.items()
                 if len(found.get(r, [])) < min(size, n)]
        if short:
            found.update(self._below(s, where, dict.fromkeys(short, MODULUS), seed))
        return sorted((row for rows in found.values() for row in rows[:size]),
                      key=lambda row: (row.regulation, row.case_id))

    def _below(self, s: Session, where: list[Any], limits: dict[str, int],
               seed: int) -> dict[str, list[Any]]:
        if not limits:
            return {}
        c = self.c
        h = hashed(c.case_id, seed)
        threshold = case(*((c.regulation == r, sa.literal_column(str(t), sa.BigInteger))
                           for r, t in limits.items()), else_=sa.literal_column("0"))
        rows = s.execute(select(c.case_id, c.regulation, c.peildatum, c.caseworker, c.team,
                                c.decision_id, c.month, h.label("hash"))
                         .where(*where, c.regulation.in_(list(limits)), h < threshold))
        found: dict[str, list[Any]] = {}
        for row in sorted(rows, key=lambda row: (row.hash, row.case_id)):
            found.setdefault(row.regulation, []).append(row)
        return found
