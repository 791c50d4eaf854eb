"""The dynamics signals: one set for each group of the essay.

- **Citizens** — who asks for maatwerk and who gets it. Of the cases decided in the period, per
  regulation and channel: how many asked (a request for maatwerk, ``trigger`` ``request``), how
  many of the decided requests were granted (approved), and how many deviations caseworkers
  offered on their own motion (``flag``) and how many of those were approved. Two funnels
  (``maatwerk.insight.funnel``) look for the *assertive-citizen effect*: a channel whose
  requests are granted more (or less) often than the regulation's requests overall
  (``grant_funnel``), and a channel whose citizens ask more (or less) often (``ask_funnel``).
  ``asking_pays`` compares the grant rate of requests with that of offers (a two-proportion
  z-test, alarm beyond 3.09, the 99.8 % level, with at least ten of each).
- **Caseworkers** — per caseworker: open cases assigned now (workload), cases decided in the
  period, deviations proposed and refused (a proposal's last change in the period), the refusal
  rate, and a funnel of refusal rates; the outliers of that funnel and of the deviation rates
  (``maatwerk.insight.arbitrariness``).
- **Managers** — per month and regulation: the backlog at the end of the month (received up to
  then, minus first decisions and withdrawals up to then), the terms that fell due and how many
  were breached (met after their day, or still open after it; not the citizen's objection
  term), and the cost of maatwerk: deviations approved, the share of decided cases decided with
  discretion, and the net money of the deviations (``maatwerk.insight.certainty.cost``).
- **Administrators** — recurring deviations: approved deviations per regulation, clause and
  ground, per month of approval; a combination is *recurring* when it was approved at least
  ``RECURRING`` times in the period, in at least ``MONTHS`` different months (a hint for the
  crystallisation loop, ``maatwerk.insight.crystallise``).

Every figure is a ``GROUP BY`` in SQL over the insight read model (``maatwerk.insight.store``);
what Python does is bounded by the number of channels, caseworkers, months and clauses.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from maatwerk.cases.models import User
from maatwerk.insight.arbitrariness import arbitrariness
from maatwerk.insight.cohort import Cohort
from maatwerk.insight.dashboard import NO_TEAM, OPEN_STATES, Period, counted, months, share
from maatwerk.insight.funnel import ALARM, MIN_CASES, Unit, funnel
from maatwerk.insight.sql import month
from maatwerk.insight.store import DEVIATIONS, RECEIVED, STATES, TERMS
from maatwerk.insight.view import View, viewing
from maatwerk.spec.model import Regulation

RECURRING, MONTHS = 10, 3
Z_ALARM = 3.09  # two-sided 99.8 %


def z_test(x1: int, n1: int, x2: int, n2: int) -> float | None:
    """The two-proportion z statistic (pooled), or None with too few cases."""
    if min(n1, n2) < MIN_CASES:
        return None
    pooled = (x1 + x2) / (n1 + n2)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return None if spread == 0 else round((x1 / n1 - x2 / n2) / spread, 2)


def citizens(s: Session, cohort: Cohort) -> list[dict[str, Any]]:
    """Per regulation: asking and getting maatwerk per channel, with the funnels."""
    counted: dict[tuple[str, str], list[int]] = {}
    for row in cohort.units(s):
        total = counted.setdefault((row.regulation, row.channel), [0] * 6)
        for i, v in enumerate((row.n, row.asked, row.requested, row.granted, row.offered,
                               row.offer_approved)):
            total[i] += int(v or 0)
    found: dict[str, list[dict[str, Any]]] = {}
    for (regulation, channel), (n, asked, req, granted, off, approved) in sorted(
            counted.items()):
        found.setdefault(regulation, []).append({
            "channel": channel, "decided": n, "asked": asked, "ask_rate": share(asked, n),
            "requests": req, "granted": granted, "grant_rate": share(granted, req),
            "offers": off, "offers_approved": approved, "offer_rate": share(approved, off)})
    out = []
    for regulation, channels in sorted(found.items()):
        if not any(c["asked"] or c["offers"] for c in channels):
            continue
        req = sum(c["requests"] for c in channels)
        granted = sum(c["granted"] for c in channels)
        off = sum(c["offers"] for c in channels)
        approved = sum(c["offers_approved"] for c in channels)
        grant = funnel([Unit(c["channel"], c["requests"], c["granted"]) for c in channels])
        ask = funnel([Unit(c["channel"], c["decided"], c["asked"]) for c in channels])
        z = z_test(granted, req, approved, off)
        out.append({"regulation": regulation, "channels": channels,
                    "requests": req, "granted": granted, "grant_rate": share(granted, req),
                    "offers": off, "offers_approved": approved,
                    "offer_rate": share(approved, off), "grant_funnel": grant,
                    "ask_funnel": ask,
                    "asking_pays": {"z": z, "alarm": z is not None and abs(z) > Z_ALARM},
                    "alarms": sorted(set(grant["outliers"]) | set(ask["outliers"]))})
    return out


def _workload(s: Session, v: View, period: Period) -> list[Any]:
    """Per caseworker: the open cases assigned to them now."""
    assignee = aliased(User)
    states = v.cube(STATES)
    x = states.c
    return list(s.execute(select(assignee.username, func.sum(x.n)).select_from(states)
                          .join(assignee, assignee.id == x.assigned_to)
                          .where(x.state.in_(OPEN_STATES), *period.of(x.regulation))
                          .group_by(assignee.username).having(counted(x.n))))


def _proposals(s: Session, v: View, period: Period) -> list[Any]:
    """Per proposer: deviations decided in the period (by their last change), and refused."""
    proposer = aliased(User)
    cube = v.cube(DEVIATIONS)
    d = cube.c
    return list(s.execute(
        select(proposer.username, func.sum(d.n),
               func.sum(case((d.state == "refused", d.n), else_=0)))
        .select_from(cube).join(proposer, proposer.id == d.proposed_by)
        .where(d.state.in_(("approved", "refused")), *period.of(d.regulation),
               *period.on_days(d.day))
        .group_by(proposer.username).having(counted(d.n))))


def caseworkers(s: Session, cohort: Cohort,
                deviation_funnels: list[dict[str, Any]]) -> dict[str, Any]:
    """Per caseworker: workload, decided cases, proposals and refusals, with the outliers."""
    period = cohort.period
    people: dict[str, dict[str, Any]] = {}

    def person(name: str | None) -> dict[str, Any]:
        return people.setdefault(name or NO_TEAM, {"caseworker": name or NO_TEAM, "open": 0,
                                                   "decided": 0, "proposals": 0,
                                                   "refused": 0})

    with viewing(s) as v:
        for name, n in _workload(s, v, period):
            person(name)["open"] = int(n)
        for row in cohort.units(s):
            person(row.caseworker)["decided"] += int(row.n)
        for name, n, refused in _proposals(s, v, period):
            person(name).update(proposals=int(n), refused=int(refused or 0))
    rows = [{**p, "refusal_rate": share(p["refused"], p["proposals"])}
            for _, p in sorted(people.items())]
    refusals = funnel([Unit(p["caseworker"], p["proposals"], p["refused"]) for p in rows
                       if p["proposals"]])
    deviating = sorted({name for f in deviation_funnels
                        for name in f["caseworkers"]["outliers"]})
    return {"caseworkers": rows, "refusal_funnel": refusals,
            "outliers": {"deviation_rate": deviating, "refusal_rate": refusals["outliers"]}}


def _monthly(rows: Any) -> dict[tuple[str, str], int]:
    return {(regulation, month): int(n) for regulation, month, n in rows if month}


def backlog(s: Session, cohort: Cohort, today: dt.date) -> list[dict[str, Any]]:
    """Per regulation and month: received, decided (first decisions), withdrawn, and the
    backlog at the month's end (everything before the period counts towards it)."""
    period = cohort.period
    upto = Period(period.regulation, None, period.end or today)
    with viewing(s) as v:
        r = v.cube(RECEIVED).c
        received = _monthly(s.execute(
            select(r.regulation, month(r.received_on), func.sum(r.n))
            .where(*upto.of(r.regulation), *upto.on_days(r.received_on))
            .group_by(r.regulation, month(r.received_on)).having(counted(r.n))))
        x = v.cube(STATES).c
        withdrawn = _monthly(s.execute(
            select(x.regulation, month(x.gone_day), func.sum(x.n))
            .where(x.state == "withdrawn", *upto.of(x.regulation), *upto.on_days(x.gone_day))
            .group_by(x.regulation, month(x.gone_day)).having(counted(x.n))))
    done: dict[tuple[str, str], int] = {}
    for row in cohort.months(s):
        key = (row.regulation, row.month)
        done[key] = done.get(key, 0) + int(row.n)
    seen = received.keys() | done.keys() | withdrawn.keys()
    if not seen:
        return []
    span = months(min(m for _, m in seen), max(m for _, m in seen))
    first = period.start.strftime("%Y-%m") if period.start else span[0]
    found = []
    for regulation in sorted({r for r, _ in seen}):
        open_ = 0
        for m in span:
            key = (regulation, m)
            open_ += received.get(key, 0) - done.get(key, 0) - withdrawn.get(key, 0)
            if m >= first:
                found.append({"regulation": regulation, "month": m,
                              "received": received.get(key, 0), "decided": done.get(key, 0),
                              "withdrawn": withdrawn.get(key, 0), "backlog": open_})
    return found


def breaches(s: Session, period: Period, today: dt.date) -> list[dict[str, Any]]:
    """Per regulation and month in which terms fell due: how many, and how many were breached
    (met after their day, or open after it as of today)."""
    day = today.isoformat()
    with viewing(s) as v:
        x = v.cube(TERMS).c
        late = case(((x.status == "late") | ((x.status == "open") & (x.due < day)), x.n),
                    else_=0)
        due = month(x.due).label("month")
        rows = s.execute(select(x.regulation, due, func.sum(x.n), func.sum(late))
                         .where(x.due <= day, *period.of(x.regulation), *period.on_days(x.due))
                         .group_by(x.regulation, due).having(counted(x.n))
                         .order_by(x.regulation, due)).all()
    return [{"regulation": r, "month": m, "due": int(n), "breached": int(b or 0),
             "share": share(int(b or 0), int(n))} for r, m, n, b in rows]


def maatwerk_trend(s: Session, cohort: Cohort,
                   cost: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per regulation and month of decision: cases decided, with discretion, their share, and
    the net money of the deviations (from the certainty sample)."""
    counted: dict[tuple[str, str], list[int]] = {}
    for row in cohort.months(s):
        if row.in_period:
            total = counted.setdefault((row.regulation, row.month), [0, 0])
            total[0] += int(row.n)
            total[1] += int(row.n) if row.how != "rules" else 0
    money = {(x["regulation"], x["month"]): x for x in cost}
    return [{"regulation": r, "month": m, "decided": n, "discretion": x, "share": share(x, n),
             "net": money[(r, m)]["net"] if (r, m) in money else None,
             "estimated": money[(r, m)]["estimated"] if (r, m) in money else False}
            for (r, m), (n, x) in sorted(counted.items())]


def recurring(s: Session, period: Period) -> list[dict[str, Any]]:
    """Approved deviations per regulation, clause and ground, per month of approval."""
    with viewing(s) as v:
        d = v.cube(DEVIATIONS).c
        approved = month(d.day).label("month")
        rows = s.execute(select(d.regulation, d.clause, d.ground, approved, func.sum(d.n))
                         .where(d.state == "approved", *period.of(d.regulation),
                                *period.on_days(d.day))
                         .group_by(d.regulation, d.clause, d.ground, approved)
                         .having(counted(d.n))).all()
    found: dict[tuple[str, str, str], dict[str, int]] = {}
    for regulation, clause, ground, m, n in rows:
        found.setdefault((regulation, clause or NO_TEAM, ground or NO_TEAM), {})[m] = int(n)
    out = [{"regulation": r, "clause": c, "ground": g, "approved": sum(by.values()),
            "months": len(by), "recurring": sum(by.values()) >= RECURRING and len(by) >= MONTHS,
            "by_month": [{"month": m, "approved": n} for m, n in sorted(by.items())]}
           for (r, c, g), by in found.items()]
    return sorted(out, key=lambda x: (-x["approved"], x["regulation"], x["clause"],
                                      x["ground"]))


def dynamics(s: Session, cohort: Cohort, regulations: Mapping[str, Regulation],
             today: dt.date, monitor: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The signals for citizens, caseworkers, managers and administrators. ``monitor``: the
    dilemma monitor of the same cohort, whose deviation-rate funnels and cost are reused
    (computed here when not given)."""
    period = cohort.period
    if monitor is None:
        from maatwerk.insight.certainty import certainty
        funnels = arbitrariness(s, cohort, regulations)
        cost = certainty(s, cohort)["cost"]["by_month"]
    else:
        funnels = monitor["arbitrariness"]
        cost = monitor["efficiency"]["cost"]["by_month"]
    return {
        "filter": period.to_json(), "today": today.isoformat(),
        "levels": {"alarm": str(ALARM), "min_cases": MIN_CASES, "z_alarm": Z_ALARM,
                   "recurring": RECURRING, "recurring_months": MONTHS},
        "citizens": citizens(s, cohort),
        "caseworkers": caseworkers(s, cohort, funnels),
        "managers": {"backlog": backlog(s, cohort, today),
                     "breaches": breaches(s, period, today),
                     "maatwerk": maatwerk_trend(s, cohort, cost)},
        "administrators": {"recurring": recurring(s, period)},
    }
