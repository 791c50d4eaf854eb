"""The cases the dilemma monitor and the dynamics signals count, read from the insight read
model once per request.

A case is *decided in the period* when its first decision (not a proposal, not a re-decision)
falls in it — as the dashboard's lead times and deviation rates count it. It is counted for its
caseworker (the assignee) and its team (the case's unit, else the caseworker's). What was
decided in the end is its standing decision: its latest decision or re-decision. A case is
decided *with discretion* when it has an approved deviation (``deviation``) or, without one, a
recorded investigation (``assessment``); otherwise by the rules (``rules``: the standard rules
and the policy categories).

The read model (``maatwerk.insight.store``) holds one small row per case with what the figures
count (``insight_cases``) and counts them per day of the first decision, caseworker, team,
channel and discretion class (``insight_units``) and per number of days (``insight_days``).
``Cohort.gather`` opens the read model as the session sees it (``maatwerk.insight.view``); each
grouping of the figures is one ``GROUP BY`` over those counts, done once per cohort. Decision
rows are not read — except in a bounded sample.

Samples are taken without randomness that changes between runs: a case's place in a sample is
its *hash* ``((id + seed) × 2654435761) mod 2³²`` (Knuth's multiplicative hash), and a sample of
``k`` is the ``k`` cases with the smallest hash (per regulation). The same case file, seed and
``k`` give the same sample on SQLite and PostgreSQL; a regulation with at most ``k`` cases is
taken whole. The read model keeps each case's hash for the default seed, in an index per
regulation: a sample reads ``k`` rows in the index's order.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from maatwerk.cases.models import Unit, User
from maatwerk.insight.dashboard import NO_TEAM, Period, counted
from maatwerk.insight.items import DECIDED_STATES
from maatwerk.insight.sql import MODULUS, MULTIPLIER, SEED, hashed, month
from maatwerk.insight.store import CASES, CLAUSES, DAYS, FLAGS, UNITS
from maatwerk.insight.view import View, viewing

__all__ = ["DECIDED_STATES", "MODULUS", "MULTIPLIER", "SEED", "SUMS", "Cohort", "hashed"]

SUMS = FLAGS  # what the units count besides the cases


def _names(unit_id: Any, assigned_to: Any) -> tuple[Any, Any, tuple[Any, Any]]:
    """The caseworker's and the team's names (``—`` for none) of an assignee and a case's unit
    (0 for none), and the two tables to join for them."""
    assignee, team = aliased(User), aliased(Unit)
    return (func.coalesce(assignee.username, NO_TEAM).label("caseworker"),
            func.coalesce(team.name, NO_TEAM).label("team"),
            ((assignee, assignee.id == assigned_to),
             (team, team.id == func.coalesce(func.nullif(unit_id, 0), assignee.unit_id))))


@dataclass(frozen=True)
class Cohort:
    """The decided cases of a period, as the read model counts them (``view``)."""

    period: Period
    view: View
    cache: dict[str, list[Any]] = field(default_factory=dict, compare=False)
    # decisions read from their documents (``documents.decisions``), by id: the samples of
    # several figures overlap, and a decision's row does not change once written (``gather``
    # may be given a mapping that outlives the cohort)
    documents: MutableMapping[int, Any] = field(default_factory=dict, compare=False)
    # figures computed from a sample, by a key of the content they were computed from (see
    # ``equality.equality``): kept across cohorts when ``gather`` is given a mapping
    kept: MutableMapping[Hashable, Any] = field(default_factory=dict, compare=False)

    def _once(self, s: Session, name: str, query: Any) -> list[Any]:
        """Each grouping once per cohort (``query`` may be a function that makes it)."""
        if name not in self.cache:
            self.cache[name] = list(s.execute(query() if callable(query) else query))
        return self.cache[name]

    def units(self, s: Session) -> list[Any]:
        """The period's cases counted per regulation, team, caseworker, channel and discretion
        class, with the sums of ``SUMS``."""
        return self._once(s, "units", self._units)

    def _units(self) -> Any:
        cube = self.view.cube(UNITS)
        u = cube.c
        caseworker, team, joins = _names(u.unit_id, u.assigned_to)
        keys = [u.regulation, team, caseworker, u.channel, u.how]
        query = select(*keys, func.sum(u.n).label("n"),
                       *(func.sum(u[k]).label(k) for k in SUMS)).select_from(cube)
        for table, on in joins:
            query = query.outerjoin(table, on)
        return (query.where(*self.period.of(u.regulation), *self.period.on_days(u.first_day))
                .group_by(*keys).having(counted(u.n)).order_by(*keys))

    def days(self, s: Session) -> list[Any]:
        """The period's cases counted per regulation, discretion class and lead time in
        days."""
        d = self.view.cube(DAYS).c
        keys = [d.regulation, d.how, d.days]
        return self._once(s, "days", select(*keys, func.sum(d.n).label("n"))
                          .where(*self.period.of(d.regulation),
                                 *self.period.on_days(d.first_day))
                          .group_by(*keys).having(counted(d.n)).order_by(*keys))

    def months(self, s: Session) -> list[Any]:
        """Every case decided up to the end of the period counted per regulation, month of its
        first decision, whether it is in the period, and discretion class."""
        d = self.view.cube(DAYS).c
        upto = Period(self.period.regulation, None, self.period.end)
        inside = case((sa.and_(sa.true(), *self.period.on_days(d.first_day)), 1),
                      else_=0).label("in_period")
        keys = [d.regulation, month(d.first_day).label("month"), inside, d.how]
        return self._once(s, "months", select(*keys, func.sum(d.n).label("n"))
                          .where(*upto.of(d.regulation), *upto.on_days(d.first_day))
                          .group_by(*keys).having(counted(d.n)).order_by(*keys))

    def clauses(self, s: Session) -> list[Any]:
        """The period's cases with an approved deviation counted per regulation and clause,
        with how many were objected to, ruled on and upheld."""
        x = self.view.cube(CLAUSES).c
        return self._once(s, "clauses", select(
            x.regulation, x.clause, func.sum(x.n).label("n"),
            *(func.sum(x[k]).label(k) for k in ("objected", "ruled", "upheld")))
            .where(*self.period.of(x.regulation), *self.period.on_days(x.day))
            .group_by(x.regulation, x.clause).having(counted(x.n))
            .order_by(x.regulation, x.clause))

    @classmethod
    @contextmanager
    def gather(cls, s: Session, period: Period,
               documents: MutableMapping[int, Any] | None = None,
               kept: MutableMapping[Hashable, Any] | None = None) -> Iterator[Cohort]:
        """The cohort of ``period`` as ``s`` sees the case file; the decisions its figures
        read are kept in ``documents`` when given (see ``Cohort.documents``), and the figures
        computed from samples in ``kept`` (``Cohort.kept``)."""
        with viewing(s) as view:
            yield cls(period, view, documents={} if documents is None else documents,
                      kept={} if kept is None else kept)

    def sample(self, s: Session, size: int, seed: int = SEED, *,
               discretion: bool = False) -> list[Any]:
        """Per regulation, the ``size`` cases of the period with the smallest hash (with
        ``discretion``: among those decided with discretion), ordered by regulation and case:
        for the default seed read in the order of the stored hash, for another computed."""
        regulations = sorted({row.regulation for row in self.units(s)
                              if not discretion or row.how != "rules"})
        items = self.view.items(CASES)
        c = items.c
        h = c.hash if seed == SEED else hashed(c.case_id, seed)
        caseworker, team, joins = _names(c.unit_id, c.assigned_to)
        query = select(c.case_id, c.regulation, c.peildatum, caseworker, team, c.decision_id,
                       month(c.first_day).label("month"), h.label("hash")).select_from(items)
        for table, on in joins:
            query = query.outerjoin(table, on)
        query = query.where(c.decided == 1, *self.period.on_days(c.first_day),
                            *([c.how != "rules"] if discretion else []))
        found: list[Any] = []
        for regulation in regulations:  # in order; within one, by case (the first column)
            found += sorted(s.execute(query.where(c.regulation == regulation)
                                      .order_by(h, c.case_id).limit(size)).all(),
                            key=itemgetter(0))
        return found
