"""The manager's dashboard: what the case file says about the work.

Every figure is a ``GROUP BY`` over the insight read model (``maatwerk.insight.store``): small
tables that count the case file's items by regulation, day and the few other keys the figures
filter and group on, kept up to date from the case file (``maatwerk.insight.readmodel``) and
read as of the session's own snapshot (``maatwerk.insight.view``). The same SQL runs on SQLite
and PostgreSQL; nothing walks the cases one by one in Python.

What each figure counts, and what the period filter applies to:

- volumes: cases per month of receipt and regulation; the period is on the day of receipt.
- lead times: cases with a decision, in days from receipt to their first decision (median and
  p90 by the nearest-rank method, read from the number of cases per number of days); the period
  is on the day of that decision.
- deadline risk: open terms due within 14 days, or overdue, as of today (the citizen's own
  objection term and withdrawn cases are left out); not filtered by period.
- deviation rates: decided cases per caseworker (the assignee) and team, and the share with an
  approved deviation; deviations proposed and refused, per proposer. The period is on the
  decision and on a proposal's last change.
- deciding-layer mix: the outputs of each case's standing decision (its latest decision or
  re-decision) by the layer that decided them; the period is on the day of that decision.

A period runs from the start of its first day to the end of its last, in UTC. Shares are
``Decimal`` rounded to four places (in JSON: exact strings, as every decimal of the project),
mean lead times rounded to a tenth of a day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.selectable import Subquery

from maatwerk.cases.models import Case, Deadline, Decision, Unit, User
from maatwerk.engine.decision import LAYERS
from maatwerk.insight.items import STANDING_KINDS
from maatwerk.insight.sql import month
from maatwerk.insight.store import DAYS, DEVIATIONS, RECEIVED, STATES, TERM_ITEMS, UNITS
from maatwerk.insight.store import LAYERS as LAYER_CUBE
from maatwerk.insight.view import viewing

DUE_WINDOW = 14  # days: an open term due within this many days is at risk
DECIDED_KINDS = STANDING_KINDS
OPEN_STATES = ("received", "in_progress", "investigation", "proposal", "objection")
NO_TEAM = "—"
PLACES = Decimal("0.0001")  # shares are decimals rounded to four places
# The index that makes the decision queries index-only (migration 0002 adds it).
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

    def on_days(self, column: Any) -> list[ColumnElement[bool]]:
        """Conditions on a day of the read model (``YYYY-MM-DD`` text, ``''`` for none: never
        in a bounded period)."""
        found: list[ColumnElement[bool]] = []
        if self.start is not None:
            found.append(column >= self.start.isoformat())
        if self.end is not None:
            found += [column <= self.end.isoformat(), column != ""]
        return found

    def to_json(self) -> dict[str, Any]:
        return {"regulation": self.regulation,
                "start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None}


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


# -- the queries ----------------------------------------------------------------------------------


def counted(column: Any) -> Any:
    """``HAVING`` a group counts something (a cube read with its difference may hold keys that
    sum to 0)."""
    return func.sum(column) > 0


def volumes(s: Session, period: Period) -> list[dict[str, Any]]:
    """Cases received per month and regulation."""
    with viewing(s) as v:
        r = v.cube(RECEIVED).c
        m = month(r.received_on).label("month")
        rows = s.execute(select(m, r.regulation, func.sum(r.n))
                         .where(*period.of(r.regulation), *period.on_days(r.received_on))
                         .group_by(m, r.regulation).having(counted(r.n))
                         .order_by(m, r.regulation)).all()
    return [{"month": found, "regulation": reg, "cases": int(n)} for found, reg, n in rows]


def first_decisions() -> Subquery:
    """Each case's first decision (not a proposal, not a re-decision): case id and time."""
    return (select(Decision.case_id, func.min(Decision.decided_at).label("decided_at"))
            .where(Decision.kind == "decision").group_by(Decision.case_id).subquery("first"))


def standing_decisions() -> Subquery:
    """Each case's standing decision: its latest decision or re-decision — its id, case and
    time (read from the index ``ix_decisions_kind_case``)."""
    return (select(Decision.case_id, func.max(Decision.id).label("id"),
                   func.max(Decision.decided_at).label("decided_at"))
            .where(Decision.kind.in_(DECIDED_KINDS)).group_by(Decision.case_id)
            .subquery("standing"))


def nearest_rank(histogram: dict[int, int]) -> dict[str, Any]:
    """Count, median, 90th percentile (nearest rank: the value at rank ⌈p·n⌉) and mean of a
    histogram of days."""
    n = sum(histogram.values())
    if n == 0:
        return {"decided": 0, "median_days": None, "p90_days": None, "mean_days": None}
    found: dict[str, Any] = {"decided": n}
    seen = 0
    for days in sorted(histogram):
        seen += histogram[days]
        for name, rank in (("median_days", (n + 1) // 2), ("p90_days", (9 * n + 9) // 10)):
            if name not in found and seen >= rank:
                found[name] = days
    mean = Decimal(sum(d * k for d, k in histogram.items())) / n
    found["mean_days"] = mean.quantize(Decimal("0.1"))
    return found


def lead_times(s: Session, period: Period) -> dict[str, Any]:
    """Days from receipt to the first decision: overall, per regulation, per month."""
    with viewing(s) as v:
        d = v.cube(DAYS).c
        m = month(d.first_day).label("month")
        rows = s.execute(select(d.regulation, m, d.days, func.sum(d.n))
                         .where(*period.of(d.regulation), *period.on_days(d.first_day))
                         .group_by(d.regulation, m, d.days).having(counted(d.n))).all()
    overall: dict[int, int] = {}
    regulations: dict[str, dict[int, int]] = {}
    by_month: dict[tuple[str, str], dict[int, int]] = {}
    for regulation, found, days, n in rows:
        for histogram in (overall, regulations.setdefault(regulation, {}),
                          by_month.setdefault((regulation, found), {})):
            histogram[int(days)] = histogram.get(int(days), 0) + int(n)
    return {
        "overall": nearest_rank(overall),
        "by_regulation": [{"regulation": r, **nearest_rank(h)}
                          for r, h in sorted(regulations.items())],
        "by_month": [{"regulation": r, "month": m, **nearest_rank(h)}
                     for (r, m), h in sorted(by_month.items())],
    }


def _teams() -> tuple[Any, Any]:
    return aliased(User), aliased(Unit)


def deadline_risk(s: Session, period: Period, today: dt.date,
                  window: int = DUE_WINDOW, limit: int = 50) -> dict[str, Any]:
    """Open terms due within ``window`` days, and overdue ones, as of ``today``."""
    horizon = today + dt.timedelta(days=window)
    assignee, team = _teams()
    with viewing(s) as v:
        terms = v.items(TERM_ITEMS)
        t = terms.c
        where = [t.status == "open", t.due <= horizon.isoformat(), *period.of(t.regulation)]
        overdue = func.sum(case((t.due < today.isoformat(), 1), else_=0)).label("overdue")
        due = func.sum(case((t.due >= today.isoformat(), 1), else_=0)).label("due_soon")
        by_kind = s.execute(select(t.regulation, t.kind, func.min(Deadline.label), due, overdue)
                            .select_from(terms).join(Deadline, Deadline.id == t.id)
                            .where(*where).group_by(t.regulation, t.kind)
                            .order_by(t.regulation, t.kind)).all()
        team_name = func.coalesce(team.name, NO_TEAM)
        by_team = s.execute(select(team_name, due, overdue).select_from(terms)
                            .join(Case, Case.id == t.case_id)
                            .outerjoin(assignee, assignee.id == Case.assigned_to)
                            .outerjoin(team, team.id == func.coalesce(Case.unit_id,
                                                                      assignee.unit_id))
                            .where(*where).group_by(team_name).order_by(team_name)).all()
        cases = s.execute(select(Case.id, Case.reference, Case.regulation, Case.state,
                                 Deadline.kind, Deadline.label, Deadline.due, Deadline.reference,
                                 assignee.username, team.name)
                          .select_from(terms).join(Deadline, Deadline.id == t.id)
                          .join(Case, Case.id == t.case_id)
                          .outerjoin(assignee, assignee.id == Case.assigned_to)
                          .outerjoin(team, team.id == func.coalesce(Case.unit_id,
                                                                    assignee.unit_id))
                          .where(*where).order_by(t.due, t.case_id).limit(limit)).all()
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


def decided_by(s: Session, period: Period) -> list[Any]:
    """Per caseworker and team: the cases decided in the period, and those with an approved
    deviation."""
    assignee, team = _teams()
    with viewing(s) as v:
        units = v.cube(UNITS)
        u = units.c
        return list(s.execute(
            select(assignee.username, team.name, func.sum(u.n),
                   func.sum(case((u.how == "deviation", u.n), else_=0)))
            .select_from(units).outerjoin(assignee, assignee.id == u.assigned_to)
            .outerjoin(team, team.id == func.coalesce(func.nullif(u.unit_id, 0),
                                                      assignee.unit_id))
            .where(*period.of(u.regulation), *period.on_days(u.first_day))
            .group_by(assignee.username, team.name).having(counted(u.n))))


def proposed_by(s: Session, period: Period) -> list[Any]:
    """Per proposer and their team: deviations proposed, approved, refused and still open,
    by the day of their last change."""
    proposer, unit = _teams()
    with viewing(s) as v:
        cube = v.cube(DEVIATIONS)
        d = cube.c

        def of(state: str) -> Any:
            return func.sum(case((d.state == state, d.n), else_=0))

        return list(s.execute(
            select(proposer.username, unit.name, func.sum(d.n), of("approved"), of("refused"),
                   of("proposed"))
            .select_from(cube).join(proposer, proposer.id == d.proposed_by)
            .outerjoin(unit, unit.id == proposer.unit_id)
            .where(*period.of(d.regulation), *period.on_days(d.day))
            .group_by(proposer.username, unit.name).having(counted(d.n))))


def deviation_rates(s: Session, period: Period) -> dict[str, Any]:
    """Per caseworker and per team: decided cases and the share with an approved deviation;
    deviations proposed and refused."""
    people: dict[tuple[str, str], dict[str, int]] = {}

    def person(name: str | None, team_name: str | None) -> dict[str, int]:
        key = (name or NO_TEAM, team_name or NO_TEAM)
        return people.setdefault(key, {"decided": 0, "deviated": 0, "proposals": 0,
                                       "approved": 0, "refused": 0, "open": 0})

    for name, team_name, n, dev in decided_by(s, period):
        found = person(name, team_name)
        found["decided"] += int(n)
        found["deviated"] += int(dev)
    for name, team_name, n, approved, refused, pending in proposed_by(s, period):
        found = person(name, team_name)
        for key, value in (("proposals", n), ("approved", approved), ("refused", refused),
                           ("open", pending)):
            found[key] += int(value)
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
    with viewing(s) as v:
        x = v.cube(LAYER_CUBE).c
        rows = s.execute(select(x.regulation, x.layer, func.sum(x.outputs))
                         .where(*period.of(x.regulation), *period.on_days(x.day))
                         .group_by(x.regulation, x.layer).having(counted(x.n))).all()
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
    with viewing(s) as v:
        x = v.cube(STATES).c
        rows = s.execute(select(x.regulation, x.state, func.sum(x.n))
                         .where(x.state.in_(OPEN_STATES), *period.of(x.regulation))
                         .group_by(x.regulation, x.state).having(counted(x.n))
                         .order_by(x.regulation, x.state)).all()
    return [{"regulation": r, "state": state, "cases": int(n)} for r, state, n in rows]


def regulations_in(s: Session) -> list[str]:
    """The regulations the case file has cases of."""
    with viewing(s) as v:
        x = v.cube(RECEIVED).c
        return list(s.execute(select(x.regulation).group_by(x.regulation)
                              .having(counted(x.n)).order_by(x.regulation)).scalars())


def months(first: str, last: str) -> list[str]:
    """Every month ``YYYY-MM`` from ``first`` to ``last``, both included."""
    year, month_ = (int(p) for p in first.split("-"))
    end = tuple(int(p) for p in last.split("-"))
    found = []
    while (year, month_) <= end:
        found.append(f"{year:04d}-{month_:02d}")
        year, month_ = (year + 1, 1) if month_ == 12 else (year, month_ + 1)
    return found


def dashboard(s: Session, period: Period, today: dt.date) -> dict[str, Any]:
    """Every figure of the manager's dashboard."""
    with viewing(s):
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
