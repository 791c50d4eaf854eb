"""The manager's dashboard: what the case file says about the work, aggregated in SQL.

Every figure is one or two ``GROUP BY`` queries that run unchanged on SQLite and PostgreSQL (the
few functions that differ — months, days between two dates, unpacking a JSON object — are chosen
by dialect in ``Sql``); nothing walks the cases one by one in Python.

What each figure counts, and what the period filter applies to:

- volumes: cases per month of receipt and regulation; the period is on the day of receipt.
- lead times: cases with a decision, in days from receipt to their first decision (median and
  p90 by the nearest-rank method); the period is on the day of that decision.
- deadline risk: open terms due within 14 days, or overdue, as of today (the citizen's own
  objection term and withdrawn cases are left out); not filtered by period.
- deviation rates: decided cases per caseworker (the assignee) and team, and the share with an
  approved deviation; deviations proposed and refused, per proposer. The period is on the
  decision and on a proposal's last change.
- deciding-layer mix: the outputs of each case's standing decision (its latest decision or
  re-decision) by the layer that decided them; the period is on the day of that decision.

Shares are ``Decimal`` rounded to four places (in JSON: exact strings, as every decimal of the
project), mean lead times rounded to a tenth of a day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.selectable import Subquery, TableValuedAlias

from maatwerk.cases.deadlines import OBJECTION
from maatwerk.cases.models import Case, Deadline, Decision, DeviationRequest, Unit, User
from maatwerk.engine.decision import LAYERS

DUE_WINDOW = 14  # days: an open term due within this many days is at risk
DECIDED_KINDS = ("decision", "redecision")
OPEN_STATES = ("received", "in_progress", "investigation", "proposal", "objection")
NO_TEAM = "—"
PLACES = Decimal("0.0001")  # shares are decimals rounded to four places
# The index that makes the decision queries index-only; the case file's schema does not have it
# yet (a migration of maatwerk.cases would add it).
INDEX_ADVICE = "CREATE INDEX ix_decisions_kind_case ON decisions (kind, case_id, decided_at, id)"


@dataclass(frozen=True)
class Period:
    """The filter of the dashboard: one regulation (or all) and a period (both ends included;
    either may be open)."""

    regulation: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None

    def of(self, regulation: Any) -> list[ColumnElement[bool]]:
        return [] if self.regulation is None else [regulation == self.regulation]

    def days(self, column: Any) -> list[ColumnElement[bool]]:
        """Conditions on a date column."""
        found: list[ColumnElement[bool]] = []
        if self.start is not None:
            found.append(column >= self.start)
        if self.end is not None:
            found.append(column <= self.end)
        return found

    def times(self, column: Any) -> list[ColumnElement[bool]]:
        """Conditions on a UTC time column: from the start of the first day to the end of the
        last."""
        found: list[ColumnElement[bool]] = []
        if self.start is not None:
            found.append(column >= _midnight(self.start))
        if self.end is not None:
            found.append(column < _midnight(self.end + dt.timedelta(days=1)))
        return found

    def to_json(self) -> dict[str, Any]:
        return {"regulation": self.regulation,
                "start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None}


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


class Sql:
    """The few SQL functions that differ between SQLite and PostgreSQL.

    Constant arguments are written into the SQL (not bound), so that the same expression in
    ``SELECT`` and ``GROUP BY`` is recognised as the same by PostgreSQL.
    """

    def __init__(self, session: Session) -> None:
        self.sqlite = session.get_bind().dialect.name == "sqlite"

    def _utc(self, column: Any) -> Any:
        return func.timezone(sa.literal_column("'UTC'"), column)

    def month_of_day(self, column: Any) -> ColumnElement[str]:
        """``YYYY-MM`` of a date column."""
        if self.sqlite:
            return func.strftime(sa.literal_column("'%Y-%m'"), column)
        return func.to_char(column, sa.literal_column("'YYYY-MM'"))

    def month_of_time(self, column: Any) -> ColumnElement[str]:
        """``YYYY-MM`` of a UTC time column."""
        if self.sqlite:
            return func.strftime(sa.literal_column("'%Y-%m'"), column)
        return func.to_char(self._utc(column), sa.literal_column("'YYYY-MM'"))

    def days_between(self, day: Any, time: Any) -> ColumnElement[int]:
        """Whole days from a date to the (UTC) date of a time."""
        if self.sqlite:
            return sa.cast(func.julianday(func.date(time)) - func.julianday(day), sa.Integer)
        return sa.type_coerce(sa.cast(self._utc(time), sa.Date) - day, sa.Integer)

    def json_pairs(self, column: Any) -> TableValuedAlias:
        """The (key, value) pairs of a JSON object column, as text, to join against."""
        each = func.json_each if self.sqlite else func.json_each_text
        return each(column).table_valued("key", "value")


# -- the queries ----------------------------------------------------------------------------------


def volumes(s: Session, period: Period) -> list[dict[str, Any]]:
    """Cases received per month and regulation."""
    month = Sql(s).month_of_day(Case.received_on).label("month")
    rows = s.execute(select(month, Case.regulation, func.count().label("cases"))
                     .where(*period.of(Case.regulation), *period.days(Case.received_on))
                     .group_by(month, Case.regulation).order_by(month, Case.regulation))
    return [{"month": m, "regulation": r, "cases": int(n)} for m, r, n in rows]


def first_decisions() -> Subquery:
    """Each case's first decision (not a proposal, not a re-decision): case id and time."""
    return (select(Decision.case_id, func.min(Decision.decided_at).label("decided_at"))
            .where(Decision.kind == "decision").group_by(Decision.case_id).subquery("first"))


def standing_decisions() -> Subquery:
    """Each case's standing decision: its latest decision or re-decision — its id, case and
    time.

    Only ``kind``, ``case_id``, ``id`` and ``decided_at`` are read here, and the rest of the row
    (``deciding_layer``) only by id: on SQLite ``decided_at`` sits behind the large decision
    document, so these reads are cheap only with an index that holds them (see
    ``INDEX_ADVICE``).
    """
    return (select(Decision.case_id, func.max(Decision.id).label("id"),
                   func.max(Decision.decided_at).label("decided_at"))
            .where(Decision.kind.in_(DECIDED_KINDS)).group_by(Decision.case_id)
            .subquery("standing"))


LEVELS = {"overall": (), "regulation": ("regulation",), "month": ("regulation", "month")}


def _percentiles(source: Any) -> Any:
    """Count, median, p90 and mean of ``source.c.days`` overall, per regulation and per
    regulation and month, in one statement that reads ``source`` once.

    Nearest rank: the p-th percentile of n sorted values is the value at rank ⌈p·n⌉, computed
    with window functions (SQLite has no percentile function). The ranks of the three groupings
    are computed side by side over one materialised ``ranked``, then aggregated per grouping.
    """
    c = source.c
    windows = []
    for level, keys in LEVELS.items():
        parts = [c[k] for k in keys] or None
        windows += [func.row_number().over(partition_by=parts, order_by=c.days).label(
                        f"rn_{level}"),
                    func.count().over(partition_by=parts).label(f"n_{level}")]
    ranked = select(c.regulation, c.month, c.days, *windows).cte("ranked")
    r = ranked.c
    parts = []
    for level, keys in LEVELS.items():
        rn, n = r[f"rn_{level}"], r[f"n_{level}"]
        groups = [r[k] for k in keys]
        parts.append(select(
            sa.literal_column(f"'{level}'").label("level"),
            *(r[k] if k in keys else sa.cast(sa.null(), sa.String).label(k)
              for k in ("regulation", "month")),
            func.count().label("decided"),
            func.max(case((rn == (n + 1) // 2, r.days))).label("median"),
            func.max(case((rn == (9 * n + 9) // 10, r.days))).label("p90"),
            func.avg(r.days).label("mean")).group_by(*groups))
    return sa.union_all(*parts)


def _lead(row: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    found = {k: getattr(row, k) for k in keys}
    mean = row.mean
    found.update({"decided": int(row.decided),
                  "median_days": None if row.median is None else int(row.median),
                  "p90_days": None if row.p90 is None else int(row.p90),
                  "mean_days": None if mean is None else Decimal(str(mean)).quantize(
                      Decimal("0.1"))})
    return found


def lead_times(s: Session, period: Period) -> dict[str, Any]:
    """Days from receipt to the first decision: overall, per regulation, per month."""
    sql = Sql(s)
    first = first_decisions()
    source = (select(Case.regulation.label("regulation"),
                     sql.month_of_time(first.c.decided_at).label("month"),
                     sql.days_between(Case.received_on, first.c.decided_at).label("days"))
              .join_from(first, Case, Case.id == first.c.case_id)
              .where(*period.of(Case.regulation), *period.times(first.c.decided_at))
              .cte("lead"))
    rows = s.execute(_percentiles(source)).all()
    found: dict[str, list[dict[str, Any]]] = {level: [] for level in LEVELS}
    for row in rows:
        found[row.level].append(_lead(row, LEVELS[row.level]))
    overall = found["overall"] or [_lead(_NONE, ())]
    return {
        "overall": overall[0],
        "by_regulation": sorted(found["regulation"], key=lambda x: x["regulation"]),
        "by_month": sorted(found["month"], key=lambda x: (x["regulation"], x["month"])),
    }


class _None:
    decided, median, p90, mean = 0, None, None, None


_NONE = _None()


def deadline_risk(s: Session, period: Period, today: dt.date,
                  window: int = DUE_WINDOW, limit: int = 50) -> dict[str, Any]:
    """Open terms due within ``window`` days, and overdue ones, as of ``today``."""
    horizon = today + dt.timedelta(days=window)
    assignee, team = aliased(User), aliased(Unit)
    where = [Deadline.met_on.is_(None), Deadline.kind != OBJECTION, Case.state != "withdrawn",
             Deadline.due <= horizon, *period.of(Case.regulation)]
    overdue = func.sum(case((Deadline.due < today, 1), else_=0)).label("overdue")
    due = func.sum(case((Deadline.due >= today, 1), else_=0)).label("due_soon")
    by_kind = s.execute(select(Case.regulation, Deadline.kind, func.min(Deadline.label), due,
                               overdue).join(Case, Case.id == Deadline.case_id).where(*where)
                        .group_by(Case.regulation, Deadline.kind)
                        .order_by(Case.regulation, Deadline.kind))
    team_name = func.coalesce(team.name, NO_TEAM)
    by_team = s.execute(select(team_name, due, overdue).join(Case, Case.id == Deadline.case_id)
                        .outerjoin(assignee, assignee.id == Case.assigned_to)
                        .outerjoin(team, team.id == func.coalesce(Case.unit_id,
                                                                  assignee.unit_id))
                        .where(*where).group_by(team_name).order_by(team_name))
    cases = s.execute(select(Case.id, Case.reference, Case.regulation, Case.state,
                             Deadline.kind, Deadline.label, Deadline.due, Deadline.reference,
                             assignee.username, team.name)
                      .join(Case, Case.id == Deadline.case_id)
                      .outerjoin(assignee, assignee.id == Case.assigned_to)
                      .outerjoin(team, team.id == func.coalesce(Case.unit_id, assignee.unit_id))
                      .where(*where).order_by(Deadline.due, Case.id).limit(limit))
    summary = [{"regulation": r, "kind": k, "label": label, "due_soon": int(d),
                "overdue": int(o)} for r, k, label, d, o in by_kind]
    return {
        "today": today.isoformat(), "window_days": window,
        "due_soon": sum(x["due_soon"] for x in summary),
        "overdue": sum(x["overdue"] for x in summary),
        "by_kind": summary,
        "by_team": [{"team": t, "due_soon": int(d), "overdue": int(o)} for t, d, o in by_team],
        "cases": [{"id": i, "reference": ref, "regulation": reg, "state": state, "kind": kind,
                   "label": label, "due": due_on.isoformat(), "days": (due_on - today).days,
                   "overdue": due_on < today, "reference_text": legal, "caseworker": who,
                   "team": unit_name}
                  for i, ref, reg, state, kind, label, due_on, legal, who, unit_name in cases],
    }


def share(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` as a decimal rounded to four places (none of nothing)."""
    return None if whole == 0 else (Decimal(part) / Decimal(whole)).quantize(PLACES)


def deviation_rates(s: Session, period: Period) -> dict[str, Any]:
    """Per caseworker and per team: decided cases and the share with an approved deviation;
    deviations proposed and refused."""
    first = first_decisions()
    deviated = sa.exists().where(DeviationRequest.case_id == Case.id,
                                 DeviationRequest.state == "approved")
    assignee, team = aliased(User), aliased(Unit)
    decided = s.execute(
        select(assignee.username, team.name, func.count().label("decided"),
               func.sum(case((deviated, 1), else_=0)).label("deviated"))
        .join_from(first, Case, Case.id == first.c.case_id)
        .outerjoin(assignee, assignee.id == Case.assigned_to)
        .outerjoin(team, team.id == func.coalesce(Case.unit_id, assignee.unit_id))
        .where(*period.of(Case.regulation), *period.times(first.c.decided_at))
        .group_by(assignee.username, team.name))
    proposer, unit = aliased(User), aliased(Unit)

    def count(state: str) -> Any:
        return func.sum(case((DeviationRequest.state == state, 1), else_=0))

    proposed = s.execute(
        select(proposer.username, unit.name, func.count(), count("approved"), count("refused"),
               count("proposed"))
        .join_from(DeviationRequest, Case, Case.id == DeviationRequest.case_id)
        .join(proposer, proposer.id == DeviationRequest.proposed_by)
        .outerjoin(unit, unit.id == proposer.unit_id)
        .where(*period.of(Case.regulation), *period.times(DeviationRequest.updated_at))
        .group_by(proposer.username, unit.name))
    people: dict[tuple[str, str], dict[str, int]] = {}

    def person(name: str | None, team_name: str | None) -> dict[str, int]:
        key = (name or NO_TEAM, team_name or NO_TEAM)
        return people.setdefault(key, {"decided": 0, "deviated": 0, "proposals": 0,
                                       "approved": 0, "refused": 0, "open": 0})

    for name, team_name, n, dev in decided:
        found = person(name, team_name)
        found["decided"] += int(n)
        found["deviated"] += int(dev)
    for name, team_name, n, approved, refused, pending in proposed:
        found = person(name, team_name)
        found["proposals"] += int(n)
        found["approved"] += int(approved)
        found["refused"] += int(refused)
        found["open"] += int(pending)
    teams: dict[str, dict[str, int]] = {}
    for (_, team_name), figures in people.items():
        total = teams.setdefault(team_name, dict.fromkeys(figures, 0))
        for k, v in figures.items():
            total[k] += v

    def rates(figures: dict[str, int]) -> dict[str, Any]:
        return {**figures, "deviation_rate": share(figures["deviated"], figures["decided"]),
                "refusal_rate": share(figures["refused"], figures["proposals"])}

    return {
        "caseworkers": [{"caseworker": name, "team": team_name, **rates(f)}
                        for (name, team_name), f in sorted(people.items())],
        "teams": [{"team": team_name, **rates(f)} for team_name, f in sorted(teams.items())],
    }


def layer_mix(s: Session, period: Period) -> list[dict[str, Any]]:
    """Per regulation: how many outputs of the standing decisions each layer decided, and its
    share."""
    standing = standing_decisions()
    pairs = Sql(s).json_pairs(Decision.deciding_layer)
    layer = pairs.c.value
    rows = s.execute(select(Case.regulation, layer, func.count())
                     .select_from(standing).join(Decision, Decision.id == standing.c.id)
                     .join(Case, Case.id == standing.c.case_id).join(pairs, sa.true())
                     .where(*period.of(Case.regulation), *period.times(standing.c.decided_at))
                     .group_by(Case.regulation, layer))
    counts: dict[str, dict[str, int]] = {}
    for regulation, name, n in rows:
        counts.setdefault(regulation, {})[name] = int(n)
    return [{"regulation": regulation, "layer": name, "outputs": found.get(name, 0),
             "share": share(found.get(name, 0), sum(found.values()))}
            for regulation, found in sorted(counts.items()) for name in ordered(found)]


def ordered(layers: dict[str, int]) -> list[str]:
    """The four layers in pipeline order, then any other name met."""
    return [*LAYERS, *sorted(set(layers) - set(LAYERS))]


def open_cases(s: Session, period: Period) -> list[dict[str, Any]]:
    """Cases open now, per regulation and state."""
    rows = s.execute(select(Case.regulation, Case.state, func.count())
                     .where(Case.state.in_(OPEN_STATES), *period.of(Case.regulation))
                     .group_by(Case.regulation, Case.state)
                     .order_by(Case.regulation, Case.state))
    return [{"regulation": r, "state": state, "cases": int(n)} for r, state, n in rows]


def regulations_in(s: Session) -> list[str]:
    """The regulations the case file has cases of."""
    return list(s.execute(select(Case.regulation).distinct().order_by(Case.regulation))
                .scalars())


def months(first: str, last: str) -> list[str]:
    """Every month ``YYYY-MM`` from ``first`` to ``last``, both included."""
    year, month = (int(p) for p in first.split("-"))
    end = tuple(int(p) for p in last.split("-"))
    found = []
    while (year, month) <= end:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def dashboard(s: Session, period: Period, today: dt.date) -> dict[str, Any]:
    """Every figure of the manager's dashboard."""
    received = volumes(s, period)
    lead = lead_times(s, period)
    risk = deadline_risk(s, period, today)
    rates = deviation_rates(s, period)
    mix = layer_mix(s, period)
    still_open = open_cases(s, period)
    decided = sum(t["decided"] for t in rates["teams"])
    deviated = sum(t["deviated"] for t in rates["teams"])
    outputs = sum(x["outputs"] for x in mix)
    standard = sum(x["outputs"] for x in mix if x["layer"] == "standard")
    return {
        "filter": period.to_json(),
        "summary": {
            "received": sum(v["cases"] for v in received),
            "decided": lead["overall"]["decided"],
            "open": sum(o["cases"] for o in still_open),
            "median_days": lead["overall"]["median_days"],
            "p90_days": lead["overall"]["p90_days"],
            "due_soon": risk["due_soon"], "overdue": risk["overdue"],
            "deviation_rate": share(deviated, decided),
            "not_standard": share(outputs - standard, outputs),
        },
        "volumes": received,
        "open_cases": still_open,
        "lead_times": lead,
        "deadlines": risk,
        "deviations": rates,
        "layers": mix,
    }
