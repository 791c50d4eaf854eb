"""Synthetic histories with a planted truth, for the dilemma monitor, the dynamics signals and the
register: about 1,800 cases of bijstand and zorgtoeslag handled by twelve caseworkers in three
teams over the first half of 2025, drawn from a fixed seed and inserted in bulk
(``tests.insight.bulk``).

The clean history: every caseworker offers a deviation (art. 18 lid 1, afstemming) in 12 % of
their bijstand cases, approved 40 % of the time; citizens ask for maatwerk in 10 % of bijstand
cases whatever their channel, granted 40 % of the time (a refused request was refused with or
without a proposed deviation, half and half); objections against 4 % of the decisions, upheld
30 % of the time. Nothing in it should raise an alarm.

Planted, each on its own:

- ``OUTLIER`` (cw-07, team-zuid) offers a deviation in 60 % of their bijstand cases: their
  share of decided cases with a deviation is about three times their peers';
- ``ASSERTIVE``: requests that come in at the desk (``balie``) are granted 85 % of the time,
  against 40 % in every other channel and for deviations offered by caseworkers.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from maatwerk.cases.db import Database
from maatwerk.cases.registry import Registry
from tests.dbs import database
from tests.insight.bulk import Bulk, Deviation, Plan, Staff

TEAMS = {"team-noord": ["cw-01", "cw-02", "cw-03", "cw-04"],
         "team-zuid": ["cw-05", "cw-06", "cw-07", "cw-08"],
         "team-west": ["cw-09", "cw-10", "cw-11", "cw-12"]}
OUTLIER, OUTLIER_TEAM = "cw-07", "team-zuid"
ASSERTIVE = "balie"
CHANNELS = (("online", 0.55), ("balie", 0.2), ("telefoon", 0.15), ("post", 0.1))
TODAY = dt.date(2025, 8, 31)
FIRST = dt.date(2025, 1, 6)
BIJSTAND_DAY, ZORGTOESLAG_DAY = dt.date(2025, 7, 1), dt.date(2025, 6, 1)
BIJSTAND: dict[str, Any] = {
    "geboortedatum": "1990-03-01", "leefvorm": "alleenstaand", "aow_leeftijd_bereikt": False,
    "aantal_kostendelers": 1, "verblijft_in_inrichting": False, "vermogen": 0,
    "categorie_gedraging": "geen"}
ZORGTOESLAG: dict[str, Any] = {
    "leeftijd": 30, "is_verzekerd": True, "heeft_toeslagpartner": False,
    "toetsingsinkomen": 20000, "vermogen": 5000}
OFFER, GRANT, ASK = 0.12, 0.40, 0.10
OUTLIER_OFFER, ASSERTIVE_GRANT = 0.60, 0.85


def staff() -> Staff:
    return Staff(teams={team: list(people) for team, people in TEAMS.items()})


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    roll, total = rng.random(), 0.0
    for value, weight in weighted:
        total += weight
        if roll < total:
            return value
    return weighted[-1][0]


def _facts(rng: random.Random, bijstand: bool) -> dict[str, Any]:
    if bijstand:
        return {**BIJSTAND,
                "geboortedatum": rng.choice(["1962-05-01", "1975-06-15", "1990-03-01",
                                             "1998-11-20"]),
                "aantal_kostendelers": _pick(rng, ((1, 0.7), (2, 0.2), (3, 0.1))),  # type: ignore[arg-type]
                "vermogen": rng.choice([0, 0, 1500, 5000])}
    return {**ZORGTOESLAG, "leeftijd": rng.choice([22, 30, 45, 60, 70]),
            "toetsingsinkomen": rng.choice([15000, 20000, 25000, 30000, 35000]),
            "vermogen": rng.choice([5000, 50000])}


def _deviations(rng: random.Random, worker: str, channel: str, outlier: bool,
                assertive: bool) -> tuple[Deviation, ...]:
    found = []
    value = rng.choice([1450, 1500, 1600])
    if rng.random() < ASK:
        grant = ASSERTIVE_GRANT if assertive and channel == ASSERTIVE else GRANT
        if rng.random() < grant:
            found.append(Deviation(trigger="request", state="approved", value=value))
        elif rng.random() < 0.5:
            found.append(Deviation(trigger="request", state="refused", value=value))
        else:
            found.append(Deviation(trigger="request", state="refused", clause=None))
    offer = OUTLIER_OFFER if outlier and worker == OUTLIER else OFFER
    if not found and rng.random() < offer:
        state = "approved" if rng.random() < GRANT else "refused"
        found.append(Deviation(trigger="flag", state=state, value=value,
                               ground=rng.choice(["omstandigheden", "mogelijkheden"])))
    return tuple(found)


def history(seed: int = 2025, *, outlier: bool = False, assertive: bool = False,
            cases: int = 1800) -> list[Plan]:
    """The planned cases of a history (the clean one unless something is planted)."""
    rng = random.Random(seed)
    workers = [(w, team) for team, people in TEAMS.items() for w in people]
    plans = []
    for _ in range(cases):
        worker, _team = rng.choice(workers)
        bijstand = rng.random() < 0.8
        received = FIRST + dt.timedelta(days=rng.randrange(175))
        decided: dt.date | None = received + dt.timedelta(days=rng.choice(
            [3, 6, 9, 14, 21, 30, 45, 60, 70]))
        if decided is not None and decided >= TODAY:
            decided = None
        channel = _pick(rng, CHANNELS)
        devs = _deviations(rng, worker, channel, outlier, assertive) if bijstand else ()
        if decided is None:
            devs = ()
        roll = rng.random()
        objection = None
        if decided is not None and roll < 0.04:
            objection = "upheld" if rng.random() < 0.3 else "rejected"
        plans.append(Plan(
            regulation="bijstand" if bijstand else "zorgtoeslag",
            facts=_facts(rng, bijstand), peildatum=BIJSTAND_DAY if bijstand else ZORGTOESLAG_DAY,
            caseworker=worker, received=received, decided=decided, channel=channel,
            deviations=devs, announced=decided is not None, objection=objection))
    return plans


@contextmanager
def history_db(kind: str, folder: Path, registry: Registry, **planted: bool) -> Iterator[Database]:
    """A fresh case file of ``kind`` holding the history (with what is ``planted``)."""
    with database(kind, folder) as db:
        people = staff()
        people.create(db)
        Bulk(db, registry, people).add(history(**planted))
        yield db
