"""A synthetic history of the case file: thousands of cases over eighteen months, taken
through the ``CaseFile`` service step by step, reproducible from a seed.

EVERYTHING HERE IS SYNTHETIC. The people, households, terrains, names, stories and numbers are
invented; the distributions below are rough shapes taken from public Dutch statistics (CBS,
Dienst Toeslagen, SVB, CBR annual reports), rounded and simplified, not estimates of anything.
Subjects and staff carry "(synthetisch)" in their names.

How it works
------------
Every case is planned as a list of timed steps (``maatwerk.simulate.history_cases``): submit, start,
investigate, record the investigation, ask for maatwerk, propose/approve/refuse a deviation,
record a consideration, propose, decide, announce, object, decide on the objection, withdraw.
The steps of all cases are then taken in time order on a ``CaseFile`` whose clock is set to
each step's moment, so every case has real decisions with their layers, deciding layer and
receipt, every action its audit entries in one hash chain, and the audit log grows in time
order. Steps that fall on or after the history's *today* are not taken: recent cases are still
open, proposals wait for approval, objections wait for a decision. Staff work on working days in
office hours; citizens at any time of day.

This module takes the steps; the units, staff and subjects are made in ``history_people``, and
what the history holds is counted in ``history_summary`` (``summarise``, ``planted_patterns``).

The history's today is the real date, unless a worked regulation is not valid then: it is then
14 days before the earliest end of validity (with the regulations of this repository:
2025-12-17), so that every regulation can still decide. Cases of a regulation arrive only while
it is valid (bijstand, bijzondere bijstand and the Staatsbosbeheer rules from 2025-01-01).

Shares of the cases: zorgtoeslag 34 %, bijstand 26 %, Wmo 15 %, CBR 12 %, bijzondere bijstand
10 %, Staatsbosbeheer 3 %.

Distributions (all synthetic)
-----------------------------
- zorgtoeslag (person): age 18-24 15 %, 25-44 30 %, 45-66 30 %, 67+ 25 %; a toeslagpartner
  for 30 % (under 25) or 38 %; assessment income €9k-22k 35 %, €22k-36k 45 %, €36k-42k 14 %,
  €42k-60k 6 % (above the limit: € 0); partner income none 25 %, up to €15k 35 %, €15k-32k
  40 %; assets below €15k 80 %, €15k-100k 16 %, €100k-260k 4 % (some above the limit);
  insured 99.5 %; 95 % online, 5 % by post; 1 % withdrawn; 2.5 % ask for maatwerk (refused:
  the Awir has no individual hardship clause); objections 3 %.
- bijstand (household): single 58 % (18-20: 7 %, 21-26: 14 %, 27-44: 37 %, 45-66: 39 %, AOW
  age 3 %), single parent 24 % (21-60), married or cohabiting 18 % (4 % both of AOW age, the
  partner within six years); cost sharers for singles 1: 78 %, 2: 14 %, 3: 6 %, 4: 2 %, for
  couples 2: 85 %, 3: 12 %, 4: 3 %; assets under €500 72 %, up to the limit 22 %, above it
  6 %; culpable behaviour none 95 %, first category 2.5 %, second 1.8 %, third 0.7 %;
  65 % online, 35 % at the desk; 2 % withdrawn. Only situations the regulation covers are
  drawn. Every decision records that art. 18 lid 1 was considered (a deviation or a
  consideration). Without entitlement (assets above the limit) half ask for help; the
  maatwerkteam proposes art. 16 lid 1 for 70 % of those who ask and 20 % of the others, its
  manager approves 85 %. A milder cut (art. 18 lid 2) is proposed for 15 % of the second and
  third category cases (or when asked), approved 55-75 %. Other requests for maatwerk (5 %:
  medical costs, housing, debts, young people): 45 % proposed (up 5-25 %), 65 % approved.
  Proactive flags: 3 % of cases, up (60 %) or down (40 %), approved 50 %. 8 % are decided
  late; objections 3.5 % (15 % after a cut, 20 % after a refusal).
- bijzondere bijstand (household; half of them a household that applied for bijstand
  before): medical 35 % (€150-1,500), housing and furnishing 40 % (€300-2,500), other
  costs of living 25 % (€100-900); special circumstances 88 %; the necessary part 60-100 %
  of the amount applied for; a prior provision covers part for 50 % (medical), 10 % (housing),
  30 % (other); own capacity to pay for 40 %. At least €50 left: granted as a gift (housing:
  as a loan 60 %), otherwise refused. Objections 3 % (12 % after a refusal).
- Wmo (person): age 19-64 25 %, 65-79 35 %, 80+ 40 %; the report by phone (55 %, registered
  by the consultant) or online; household help 45 %, support (begeleiding) 22 %, an aid 15 %,
  a home adaptation 8 %, nothing (the need is covered) 10 %; need 2-8 hours a week, with own
  strength, usual help, informal care and general provisions covering part; 10 % of the
  investigations are late (after six weeks), 8 % of the decisions; objections 5 %.
- CBR (person): drivers of 75+ renewing (45 %), group-2 licences (20 %), first licences with
  a health question (17 %), new health complaints (18 %); the medical route for 22 %, 18 %,
  12 % and 35 % of them; the medical adviser's judgement fit 45 %, limited term 25 %, with
  conditions 15 %, unfit 8 %, more information 7 %.
- Staatsbosbeheer (terrain; illustrative rules): up to 24 terrains (forest 30 %, heath 20 %,
  dunes 15 %, marsh 10 %, salt marsh 7 %, meadow-bird grassland 8 %, recreation 10 %; Natura
  2000 40 %, NNN 45 %), each with a case per visit of the ranger; temporary measures for 45 %
  (breeding birds in spring, wildfire risk in summer, storm damage or management work in
  autumn and winter, a larger event), approved by the head of the unit 85 %.
- Everywhere: about 3.5 % of the cases that arrived in the last five months (0.4 % of the
  older ones) stall after the first steps and become overdue; objections are upheld 22 %
  (the case is decided again).

Teams and people
----------------
Units follow the deciders the regulations declare: ``toeslagen``, ``team-noord`` and
``team-zuid`` (bijstand), ``maatwerkteam`` (art. 16), ``bijzondere-bijstand``,
``wmo-consulenten``, ``cbr-medische-zaken``, ``beheereenheid-van-het-terrein``, ``beleid`` and
``beheer``; see ``history_people.ROSTER``. The demo accounts (``DEMO_ACCOUNTS``) take part in
the history as ordinary members of their teams: ``behandelaar`` is a caseworker of team Noord,
``goedkeurder`` its approver, ``manager`` heads the maatwerkteam; ``burger`` is the applicant of
a planted household (a bijstand case with a granted request for maatwerk, a bijzondere-bijstand
case under objection, and one just received). Four more bijstand cases leave them work on the
history's today: proposals waiting for the goedkeurder (a mantelzorger's request, the
behandelaar's own motion) and for the manager (art. 16), and a case of the behandelaar past its
term. Every household and person has a citizen account (without a password); the case file links
an account to one subject, so a person who applies for themselves and for their household has
one account for each.

Planted patterns (for insight)
------------------------------
1. **A caseworker who deviates far more often than peers.** ``d.mulder`` (team Zuid) handles
   about a tenth of the settled bijstand cases and flags a deviation under art. 18 lid 1 in
   30 % of the cases without a request (peers: 3 %), and proposes a milder cut three times as
   often.
2. **A recurring deviation that could become a category.** About 6 % of the bijstand
   households (at least three) are a single person of 38-63 whose parent moved in to be cared
   for: two cost sharers, so the kostendelersnorm applies. When a deviation is made it is
   always the same: clause ``afstemming``, ground ``omstandigheden``, the norm of a single
   person without cost sharers, motivated by the care (mantelzorg). A policy category
   "mantelzorger met inwonende ouder" would decide these alike.
3. **The assertive-citizen effect.** In that same situation 5 of 9 households ask for
   maatwerk; of those who ask, 6 of 7 get the deviation; of those who do not ask, only 1 in 10
   is flagged by a caseworker. Across bijstand, requested deviations are approved more often
   than proactive ones (about 80 % against 50 %).
``planted_patterns`` measures the three from the case file.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import event

from maatwerk.cases.casefile import CaseFile
from maatwerk.cases.db import Database
from maatwerk.cases.errors import CaseError
from maatwerk.cases.registry import Registry
from maatwerk.simulate.history_cases import Planner, Window, share
from maatwerk.simulate.history_people import DEMO_ACCOUNTS, DEMO_PASSWORD, make_staff, make_subjects
from maatwerk.simulate.history_summary import Summary, planted_patterns, summarise
from maatwerk.simulate.history_world import Acts, Run
from maatwerk.spec.errors import DecisionError

MONTHS = 18
SHARES = (("zorgtoeslag", 0.34), ("bijstand", 0.26), ("wmo-maatwerkvoorziening", 0.15),
          ("cbr-medische-route", 0.12), ("bijzondere-bijstand", 0.10),
          ("staatsbosbeheer-terreinen", 0.03))


@dataclass(frozen=True)
class Options:
    """What to generate: the seed, the number of cases and the history's today (None: see
    ``history_today``)."""

    seed: int = 1
    cases: int = 3000
    today: dt.date | None = None
    months: int = MONTHS
    password: str = DEMO_PASSWORD


class Reporter(Protocol):
    """Progress: stages with an optional number of units, advanced as work is done."""

    def stage(self, label: str, total: int | None = None) -> None: ...

    def advance(self, amount: int = 1) -> None: ...


class Silent:
    def stage(self, label: str, total: int | None = None) -> None:
        pass

    def advance(self, amount: int = 1) -> None:
        pass


class Clock:
    """The case file's clock during the generation: set to each step's moment."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def history_today(registry: Registry, real: dt.date | None = None) -> dt.date:
    """The real date, or 14 days before the earliest end of validity of the loaded
    regulations when one of them is not valid on the real date."""
    real = real or dt.date.today()
    ends = [r.valid_until for r in registry.current.values() if r.valid_until is not None]
    if not ends or real <= min(ends) - dt.timedelta(days=14):
        return real
    return min(ends) - dt.timedelta(days=14)


def window(options: Options, registry: Registry) -> Window:
    today = options.today or history_today(registry)
    start = today - dt.timedelta(days=round(options.months * 30.44))
    return Window(start=start, today=today)


def faster_commits(db: Database) -> None:
    """For the generation only: SQLite with ``synchronous=NORMAL`` (in WAL mode a commit is
    then durable at the next checkpoint instead of at once; the database stays consistent)."""
    if not db.is_sqlite:
        return
    event.listen(db.engine, "connect", _normal)
    db.engine.dispose()  # connections made before this keep synchronous=FULL


def _normal(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _restore(db: Database) -> None:
    if db.is_sqlite and event.contains(db.engine, "connect", _normal):
        event.remove(db.engine, "connect", _normal)
        db.engine.dispose()


def plan(planner: Planner, registry: Registry, cases: int) -> list[Run]:
    known = [(name, weight) for name, weight in SHARES if name in registry.current]
    counts = share(cases, known)
    # Bijstand first: the bijzondere-bijstand applicants and the demo household come from it.
    planners = {"bijstand": planner.plan_bijstand, "zorgtoeslag": planner.plan_zorgtoeslag,
                "bijzondere-bijstand": planner.plan_bijzondere_bijstand,
                "wmo-maatwerkvoorziening": planner.plan_wmo,
                "cbr-medische-route": planner.plan_cbr,
                "staatsbosbeheer-terreinen": planner.plan_staatsbosbeheer}
    runs: list[Run] = []
    for name, make in planners.items():
        if name in counts:
            runs += make(counts[name])
    return runs


def execute(runs: list[Run], clock: Clock, end: dt.datetime, reporter: Reporter) -> list[str]:
    """Take the steps of all cases in time order, up to ``end``. A step the case file refuses
    ends its case (and is reported); it should not happen."""
    total = sum(1 for r in runs for s in r.steps if s.at < end)
    reporter.stage("History: the steps of every case", total)
    queue = [(r.steps[0].at, i, 0) for i, r in enumerate(runs) if r.steps]
    heapq.heapify(queue)
    failures = []
    done = reported = 0
    while queue:
        at, i, k = heapq.heappop(queue)
        if at >= end:
            continue
        run = runs[i]
        step = run.steps[k]
        clock.now = at
        try:
            step.act(run)
        except (CaseError, DecisionError) as exc:
            failures.append(f"{run.regulation} case {run.case_id or '?'} ({run.subject.label}) "
                            f"step {step.name} at {at:%Y-%m-%d %H:%M}: {exc}")
            continue
        finally:
            done += 1
            if done - reported >= 50:
                reporter.advance(done - reported)
                reported = done
        if k + 1 < len(run.steps):
            heapq.heappush(queue, (run.steps[k + 1].at, i, k + 1))
    reporter.advance(total - reported)
    return failures


def generate(db: Database, registry: Registry, secret: bytes, options: Options = Options(),
             reporter: Reporter | None = None) -> Summary:
    """Fill the (migrated, empty) case file with a synthetic history; see the module
    docstring."""
    reporter = reporter or Silent()
    began = time.perf_counter()
    span = window(options, registry)
    since = dt.datetime.combine(span.start, dt.time(7), tzinfo=dt.UTC) - dt.timedelta(days=30)
    rng = random.Random(options.seed)
    clock = Clock(since)
    faster_commits(db)
    try:
        reporter.stage("Regulation versions, units and staff")
        with db.transaction() as s:
            for reg in sorted(registry.current.values(), key=lambda r: r.id):
                registry.store(s, reg)
        staff, password_hash = make_staff(db, options.password, since)
        cf = CaseFile(db, registry, secret, clock=clock)
        planner = Planner(rng, staff, Acts(cf), registry, span)
        reporter.stage(f"Planning {options.cases} cases")
        runs = plan(planner, registry, options.cases)
        if planner.demo is None:
            _adopt_demo_citizen(runs)
        reporter.stage("Households, persons, terrains and their accounts")
        make_subjects(db, planner.subjects, secret, password_hash, since)
        failures = execute(runs, clock, span.end, reporter)
    finally:
        _restore(db)
    reporter.stage("Counting, and verifying the audit chain")
    summary = summarise(db, span, options.seed)
    summary.failures = failures
    summary.planted = planted_patterns(db, runs)
    summary.seconds = time.perf_counter() - began
    return summary


def _adopt_demo_citizen(runs: list[Run]) -> None:
    """Without the planted demo household (it did not fit the window), the household with the
    most cases gets the demo citizen's account."""
    counts = Counter(id(r.subject) for r in runs if r.subject.kind == "household")
    if not counts:
        counts = Counter(id(r.subject) for r in runs if r.subject.username)
    if not counts:
        return
    best = counts.most_common(1)[0][0]
    next(r.subject for r in runs if id(r.subject) == best).username = "burger"


__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "MONTHS", "SHARES", "Clock", "Options", "Reporter",
           "Silent", "Summary", "execute", "faster_commits", "generate", "history_today", "plan",
           "planted_patterns", "summarise", "window"]
