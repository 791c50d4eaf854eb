"""A small, dated case history built through the case service, for the insight tests.

Everything happens through ``CaseFile`` with a clock set to the day of each step, so the case
file holds what it would hold after these months of work:

- B1, bijstand (Anna's own), received 2025-01-10, carla (team-noord): considered, decided by
  alex on 2025-01-20 (lead 10), announced, objection upheld by bo on 2025-02-20 (re-decision).
- B2, bijstand, received 2025-01-15, carla: a deviation (afstemming) proposed and approved by
  alex, decided 2025-02-14 (lead 30), announced 2025-02-15.
- B3, bijstand with two cost sharers (a category), received 2025-02-03, carla: a deviation
  proposed and refused by alex, considered, decided 2025-02-08 (lead 5).
- Z1, zorgtoeslag, received 2025-02-01, mo (maatwerkteam): decided by alex 2025-03-03 (lead 30).
- Z2, zorgtoeslag, received 2025-03-01, mo: in progress, its decision term due 2025-04-26.
- B4, bijstand, received 2025-01-05: not started, its decision term due 2025-03-02 (overdue).
- B5, bijstand (Bram's own), received 2025-01-02: withdrawn (its open term does not count).

The dashboard is looked at on ``TODAY`` (2025-04-20). On PostgreSQL the case service cannot yet
change a case (the ``FOR UPDATE`` bug declared in ``tests/cases/conftest.py``), so the history is
built on SQLite and copied, row for row, into the PostgreSQL database under test.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from maatwerk.cases import accounts
from maatwerk.cases.casefile import CaseFile
from maatwerk.cases.db import Database
from maatwerk.cases.models import Base, Subject
from maatwerk.cases.registry import Registry
from maatwerk.cases.service import Actor, pseudonym

SECRET = b"insight-tests-secret"
BIJSTAND, ZORGTOESLAG = "bijstand", "zorgtoeslag"
# A single person of 35 on 1 July 2025 (regulations/bijstand/tests/afstemming.yaml); article 18
# lid 1 ('afstemming') must be considered in every decision.
BIJSTAND_DAY = dt.date(2025, 7, 1)
BIJSTAND_FACTS: dict[str, object] = {
    "geboortedatum": "1990-03-01", "leefvorm": "alleenstaand", "aow_leeftijd_bereikt": False,
    "aantal_kostendelers": 1, "verblijft_in_inrichting": False, "vermogen": 0,
    "categorie_gedraging": "geen"}
AFSTEMMING: dict[str, object] = {
    "clause": "afstemming", "output": "bijstandsnorm", "value": 1500, "ground": "omstandigheden",
    "motivation": "Zeer bijzondere situatie: hoge medische kosten (rapport van 12 juni 2025)."}
CONSIDERED = "Afstemming overwogen; geen zeer bijzondere omstandigheden voor de norm."
REASON = "Er zijn geen bijzondere omstandigheden aangetoond."
GROUNDS = "De norm houdt geen rekening met mijn medische kosten."
ZORGTOESLAG_DAY = dt.date(2025, 6, 1)
ZORGTOESLAG_FACTS: dict[str, object] = {
    "leeftijd": 30, "is_verzekerd": True, "heeft_toeslagpartner": False,
    "toetsingsinkomen": 20000, "vermogen": 5000}


class Clock:
    """The case file's clock, set to the day of each step."""

    def __init__(self) -> None:
        self.now = dt.datetime(2025, 1, 1, 10, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass(frozen=True)
class People:
    anna: Actor  # citizen
    bram: Actor  # citizen
    carla: Actor  # caseworker, team-noord
    mo: Actor  # caseworker, maatwerkteam
    alex: Actor  # approver
    bo: Actor  # approver
    max: Actor  # manager, maatwerkteam
    pim: Actor  # policy maker


def make_people(db: Database) -> People:
    with db.transaction() as s:
        def citizen(name: str) -> Actor:
            subject = Subject(kind="person", pseudonym=pseudonym(SECRET, "person", name),
                              label=name)
            s.add(subject)
            s.flush()
            return Actor.of(accounts.create_user(s, name, "citizen", subject_id=subject.id))

        def staff(name: str, role: str, unit: str | None = None) -> Actor:
            return Actor.of(accounts.create_user(s, name, role, unit_name=unit))

        return People(anna=citizen("anna"), bram=citizen("bram"),
                      carla=staff("carla", "caseworker", "team-noord"),
                      mo=staff("mo", "caseworker", "maatwerkteam"),
                      alex=staff("alex", "approver"), bo=staff("bo", "approver"),
                      max=staff("max", "manager", "maatwerkteam"),
                      pim=staff("pim", "policy_maker"))


TODAY = dt.date(2025, 4, 20)
NOT_COPIED = ("audit_log", "audit_head")  # the chain is not what the dashboard reads


@dataclass(frozen=True)
class History:
    b1: int
    b2: int
    b3: int
    b4: int
    b5: int
    z1: int
    z2: int


def at(clock: Clock, day: str) -> None:
    clock.now = dt.datetime.fromisoformat(day).replace(hour=10, tzinfo=dt.UTC)


def build(cf: CaseFile, clock: Clock, people: People) -> History:
    """The history in the table above."""
    def submit(regulation: str, day: str, facts: dict[str, object], key: str,
               peildatum: dt.date) -> int:
        at(clock, day)
        case_id: int = cf.submit(people.carla, regulation, facts, subject_key=key,
                                 peildatum=peildatum)["id"]
        return case_id

    def decide(case_id: int, day: str) -> None:
        at(clock, day)
        cf.propose(people.carla, case_id)
        cf.decide(people.alex, case_id)

    deviation: dict[str, Any] = dict(AFSTEMMING)
    at(clock, "2025-01-02")
    b5 = cf.submit(people.bram, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY)["id"]
    cf.withdraw(people.bram, b5, "Ik heb werk gevonden.")
    b4 = submit(BIJSTAND, "2025-01-05", BIJSTAND_FACTS, "b4", BIJSTAND_DAY)

    at(clock, "2025-01-10")
    b1 = cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY)["id"]
    cf.start(people.carla, b1)
    cf.consider(people.carla, b1, "afstemming", CONSIDERED)
    decide(b1, "2025-01-20")
    at(clock, "2025-01-21")
    cf.announce(people.carla, b1)
    at(clock, "2025-01-25")
    cf.object(people.anna, b1, GROUNDS)
    at(clock, "2025-02-20")
    cf.decide_objection(people.bo, b1, True, "Gegrond: de feiten zijn opnieuw beoordeeld.")

    b2 = submit(BIJSTAND, "2025-01-15", BIJSTAND_FACTS, "b2", BIJSTAND_DAY)
    cf.start(people.carla, b2)
    at(clock, "2025-02-01")
    request = cf.propose_deviation(people.carla, b2, **deviation)["id"]
    cf.approve_deviation(people.alex, request)
    decide(b2, "2025-02-14")
    at(clock, "2025-02-15")
    cf.announce(people.carla, b2)

    z1 = submit(ZORGTOESLAG, "2025-02-01", ZORGTOESLAG_FACTS, "z1", ZORGTOESLAG_DAY)
    cf.start(people.mo, z1)
    at(clock, "2025-03-03")
    cf.propose(people.mo, z1)
    cf.decide(people.alex, z1)

    b3 = submit(BIJSTAND, "2025-02-03", {**BIJSTAND_FACTS, "aantal_kostendelers": 2}, "b3",
                BIJSTAND_DAY)
    cf.start(people.carla, b3)
    refused = cf.propose_deviation(people.carla, b3, **deviation)["id"]
    at(clock, "2025-02-05")
    cf.refuse_deviation(people.alex, refused, REASON)
    cf.consider(people.carla, b3, "afstemming", CONSIDERED)
    decide(b3, "2025-02-08")

    z2 = submit(ZORGTOESLAG, "2025-03-01", ZORGTOESLAG_FACTS, "z2", ZORGTOESLAG_DAY)
    cf.start(people.mo, z2)
    return History(b1=b1, b2=b2, b3=b3, b4=b4, b5=b5, z1=z1, z2=z2)


def copy(source: Database, target: Database) -> None:
    """Every row of the case file (but the audit chain) from ``source`` into the empty,
    migrated ``target``, with the same ids (PostgreSQL's sequences continue after them)."""
    tables = [t for t in Base.metadata.sorted_tables if t.name not in NOT_COPIED]
    with source.engine.connect() as read, target.engine.begin() as write:
        for table in tables:
            rows = [dict(r._mapping) for r in read.execute(sa.select(table))]
            for row in rows:
                for column in table.columns:
                    value = row.get(column.name)
                    if isinstance(value, dt.datetime) and value.tzinfo is None:
                        row[column.name] = value.replace(tzinfo=dt.UTC)
            if rows:
                write.execute(table.insert(), rows)
            if target.engine.dialect.name == "postgresql" and "id" in table.columns and rows:
                # the ids were copied, so the sequence must continue after them
                write.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table.name}', "
                                      f"'id'), (SELECT max(id) FROM {table.name}))"))


def build_on(kind: str, db: Database, registry: Registry, tmp_path: Path) -> History:
    """The history in ``db``: built there on SQLite, built on SQLite and copied otherwise."""
    if kind == "sqlite":
        clock = Clock()
        return build(CaseFile(db, registry, SECRET, clock=clock), clock, make_people(db))
    from maatwerk.cases.migrate import upgrade
    scratch = Database(f"sqlite:///{tmp_path / 'history.sqlite'}")
    try:
        upgrade(scratch)
        clock = Clock()
        found = build(CaseFile(scratch, registry, SECRET, clock=clock), clock,
                      make_people(scratch))
        copy(scratch, db)
    finally:
        scratch.dispose()
    return found
