"""The machinery of a synthetic history: planned cases as timed steps, the clock they run on,
the people who take them and the actions they call on the case file.

A planned case (``Run``) is a list of ``Step``s, each an action on the ``CaseFile`` at a moment.
The steps of all cases are taken in the order of their moments, so the audit log grows in time
order as it would in a real office. Each action is one call of the case file, with its own
transaction and audit entries, taken by an ``Actor`` with a real account.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from maatwerk.cases.casefile import CaseFile
from maatwerk.cases.service import Actor

T = TypeVar("T")
Action = Callable[["Run"], object]

OFFICE_START = 7 * 60 + 30  # 07:30 UTC, 08:30 in Dutch winter time
OFFICE_END = 16 * 60
CENT = Decimal("0.01")


def cents(value: Decimal | float | int) -> str:
    """An amount as the case file stores it: exact, rounded half up to cents."""
    return str(Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP))


@dataclass
class Step:
    at: dt.datetime
    name: str
    act: Action


@dataclass
class SubjectRef:
    """Who or what a case is about. The identifying key is synthetic and is only ever passed to
    the case file, which stores its pseudonym. Households and persons get a citizen account
    (without a password) when the subjects are made."""

    kind: str  # person | household | object
    key: str
    label: str
    username: str | None = None
    actor: Actor | None = None

    def citizen(self) -> Actor:
        if self.actor is None:
            raise RuntimeError(f"{self.label} has no citizen account")
        return self.actor


@dataclass
class Run:
    """One planned case and, once it runs, its ids in the case file."""

    regulation: str
    subject: SubjectRef
    steps: list[Step] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    case_id: int = 0
    requests: dict[str, int] = field(default_factory=dict)


class Timeline:
    """The moments of one case: staff work on working days in office hours, citizens at any
    time of day."""

    def __init__(self, rng: random.Random, run: Run, start: dt.datetime) -> None:
        self.rng = rng
        self.run = run
        self.now = start

    def _moment(self, day: dt.date, first: int, last: int) -> dt.datetime:
        minute = self.rng.randint(first, last)
        moment = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) + dt.timedelta(
            minutes=minute)
        if moment <= self.now:
            moment = self.now + dt.timedelta(minutes=self.rng.randint(3, 40))
        return moment

    def staff(self, low: int, high: int) -> dt.datetime:
        """After ``low``..``high`` working days, in office hours."""
        day = self.now.date()
        for _ in range(self.rng.randint(low, high)):
            day += dt.timedelta(days=1)
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        self.now = self._moment(day, OFFICE_START, OFFICE_END)
        return self.now

    def citizen(self, low: int, high: int) -> dt.datetime:
        """After ``low``..``high`` calendar days, between 07:00 and 22:00."""
        day = self.now.date() + dt.timedelta(days=self.rng.randint(low, high))
        self.now = self._moment(day, 6 * 60, 21 * 60)
        return self.now

    def soon(self) -> dt.datetime:
        """A few minutes later (the next action of the same sitting)."""
        self.now += dt.timedelta(minutes=self.rng.randint(2, 25))
        return self.now

    def add(self, name: str, act: Action, at: dt.datetime | None = None) -> None:
        self.run.steps.append(Step(at or self.now, name, act))


@dataclass
class Staff:
    """The people who work on cases, by unit."""

    caseworkers: dict[str, list[Actor]]
    approvers: dict[str, list[Actor]]
    managers: dict[str, list[Actor]]
    deviant: Actor  # the caseworker who deviates far more often than peers (planted)

    def caseworker(self, rng: random.Random, unit: str) -> Actor:
        return rng.choice(self.caseworkers[unit])

    def approver(self, rng: random.Random, unit: str) -> Actor:
        return rng.choice(self.approvers.get(unit) or self.managers[unit])

    def manager(self, rng: random.Random, unit: str) -> Actor:
        return rng.choice(self.managers.get(unit) or self.approvers[unit])


class Acts:
    """The case file's actions as steps of a planned case."""

    def __init__(self, cf: CaseFile) -> None:
        self.cf = cf

    def submit(self, actor: Actor | None, regulation: str, facts: dict[str, Any], *,
               peildatum: dt.date, channel: str) -> Action:
        def act(run: Run) -> None:
            who = actor or run.subject.citizen()
            key = None if who.role == "citizen" else run.subject.key
            label = "" if who.role == "citizen" else run.subject.label
            run.case_id = self.cf.submit(who, regulation, facts, subject_key=key,
                                         subject_label=label, channel=channel,
                                         peildatum=peildatum)["id"]
        return act

    def start(self, actor: Actor) -> Action:
        return lambda run: self.cf.start(actor, run.case_id)

    def investigate(self, actor: Actor) -> Action:
        return lambda run: self.cf.investigate(actor, run.case_id)

    def apply(self, actor: Actor | None) -> Action:
        return lambda run: self.cf.apply(actor or run.subject.citizen(), run.case_id)

    def record_facts(self, actor: Actor | None, facts: dict[str, Any]) -> Action:
        return lambda run: self.cf.record_facts(actor or run.subject.citizen(), run.case_id,
                                                facts)

    def record_assessment(self, actor: Actor, record: dict[str, Any]) -> Action:
        return lambda run: self.cf.record_assessment(actor, run.case_id, record)

    def consider(self, actor: Actor, clause: str, motivation: str) -> Action:
        return lambda run: self.cf.consider(actor, run.case_id, clause, motivation)

    def propose(self, actor: Actor) -> Action:
        return lambda run: self.cf.propose(actor, run.case_id)

    def decide(self, actor: Actor) -> Action:
        return lambda run: self.cf.decide(actor, run.case_id)

    def announce(self, actor: Actor) -> Action:
        return lambda run: self.cf.announce(actor, run.case_id)

    def withdraw(self, why: str) -> Action:
        return lambda run: self.cf.withdraw(run.subject.citizen(), run.case_id, why)

    def request(self, key: str, story: str) -> Action:
        def act(run: Run) -> None:
            run.requests[key] = self.cf.request_maatwerk(run.subject.citizen(), run.case_id,
                                                         story)["id"]
        return act

    def propose_deviation(self, actor: Actor, key: str, *, clause: str, output: str,
                          value: Any, ground: str, motivation: str,
                          evidence: Sequence[str] = (), answers: bool = False) -> Action:
        """A proposal under ``clause``; ``answers``: it answers the citizen's request ``key``."""
        def act(run: Run) -> None:
            found = self.cf.propose_deviation(
                actor, run.case_id, clause=clause, output=output, value=value, ground=ground,
                motivation=motivation, evidence=list(evidence),
                request_id=run.requests[key] if answers else None)
            run.requests[key] = found["id"]
        return act

    def approve(self, actor: Actor, key: str) -> Action:
        return lambda run: self.cf.approve_deviation(actor, run.requests[key])

    def refuse(self, actor: Actor, key: str, reason: str) -> Action:
        return lambda run: self.cf.refuse_deviation(actor, run.requests[key], reason)

    def object(self, grounds: str) -> Action:
        return lambda run: self.cf.object(run.subject.citizen(), run.case_id, grounds)

    def decide_objection(self, actor: Actor, upheld: bool, motivation: str) -> Action:
        return lambda run: self.cf.decide_objection(actor, run.case_id, upheld, motivation)


def weighted(rng: random.Random, options: Sequence[tuple[T, float]]) -> T:
    """One of the options, by weight."""
    values = [o for o, _ in options]
    weights = [w for _, w in options]
    return rng.choices(values, weights)[0]


def birth_date(rng: random.Random, age: int, on: dt.date) -> dt.date:
    """A date of birth of someone who is ``age`` on ``on``."""
    last_birthday = on.replace(year=on.year - age) if not (
        on.month == 2 and on.day == 29) else dt.date(on.year - age, 2, 28)
    return last_birthday - dt.timedelta(days=rng.randint(0, 364))
