"""Planning the synthetic cases: the history's window and what planning every regulation's cases
shares: one seeded random generator, the subjects (new ones numbered in the order they are
drawn), arrival days, who decides on an objection, and the common ends of a case: the decision,
an objection and a stall.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from maatwerk.cases.registry import Registry
from maatwerk.cases.service import Actor
from maatwerk.simulate import history_texts as texts
from maatwerk.simulate.history_world import Acts, Run, Staff, SubjectRef, Timeline
from maatwerk.spec.model import Regulation

# Seasonal weight of arrivals per month (1 = January): no season.
FLAT = dict.fromkeys(range(1, 13), 1.0)


@dataclass(frozen=True)
class Window:
    """The history's span: cases arrive from ``start`` up to (not including) ``today``."""

    start: dt.date
    today: dt.date

    @property
    def end(self) -> dt.datetime:
        """Steps at or after this moment are not taken (the history's today, 00:00 UTC)."""
        return dt.datetime(self.today.year, self.today.month, self.today.day, tzinfo=dt.UTC)


class Planning:
    """The state of the planning and the steps every regulation's cases share; every draw comes
    from one seeded random generator, so the order of the draws is the history."""

    def __init__(self, rng: random.Random, staff: Staff, acts: Acts, registry: Registry,
                 window: Window) -> None:
        self.rng = rng
        self.staff = staff
        self.acts = acts
        self.registry = registry
        self.window = window
        self.subjects: list[SubjectRef] = []
        self.households: list[tuple[dt.datetime, SubjectRef]] = []  # bijstand applicants
        self.demo: SubjectRef | None = None  # the demo citizen's household
        self.terrains = 0

    def reg(self, regulation: str) -> Regulation:
        return self.registry.get(regulation)

    def subject(self, kind: str, prefix: str, label: str) -> SubjectRef:
        number = len(self.subjects) + 1
        ref = SubjectRef(kind=kind, key=f"SYNTH-{prefix}-{number:06d}",
                         label=f"{label} (synthetisch)",
                         username=None if kind == "object" else f"burger-{number:06d}")
        self.subjects.append(ref)
        return ref

    def name(self) -> str:
        return f"{self.rng.choice(texts.FIRST_NAMES)[0]}. {self.rng.choice(texts.SURNAMES)}"

    def arrivals(self, regulation: str, n: int,
                 season: dict[int, float] | None = None) -> list[dt.datetime]:
        """``n`` arrival days (midnight UTC) inside the window and the regulation's validity,
        fewer at weekends, weighted by month; sorted."""
        reg = self.reg(regulation)
        first = max(self.window.start, reg.valid_from)
        last = self.window.today - dt.timedelta(days=1)
        if reg.valid_until is not None:
            last = min(last, reg.valid_until)
        if n <= 0 or last < first:
            return []
        days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
        weights = [(0.25 if d.weekday() >= 5 else 1.0) * (season or FLAT)[d.month]
                   for d in days]
        chosen = sorted(self.rng.choices(days, weights, k=n))
        return [dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC) for d in chosen]

    def stalled(self, arrival: dt.datetime) -> bool:
        """Whether handling stops after the first steps (a backlog: the case becomes overdue)."""
        recent = (self.window.end - arrival).days < 150
        return self.rng.random() < (0.035 if recent else 0.004)

    def judge(self, unit: str, not_id: int) -> Actor:
        """Someone who may decide on an objection and did not take the contested decision."""
        pool = [a for a in (self.staff.approvers.get(unit, []) + self.staff.managers.get(unit, []))
                if a.id != not_id]
        if not pool:
            pool = [a for group in self.staff.managers.values() for a in group if a.id != not_id]
        return self.rng.choice(pool)

    def objection(self, tl: Timeline, regulation: str, unit: str, decided_by: Actor,
                  rate: float) -> None:
        if self.rng.random() >= rate:
            return
        tl.citizen(3, 38)
        tl.add("object", self.acts.object(self.rng.choice(texts.GROUNDS[regulation])))
        tl.run.tags.append("objection")
        upheld = self.rng.random() < 0.22
        tl.staff(15, 50)
        tl.add("decide_objection", self.acts.decide_objection(
            self.judge(unit, decided_by.id), upheld,
            self.rng.choice(texts.UPHELD if upheld else texts.REJECTED)))

    def conclude(self, tl: Timeline, caseworker: Actor, decided_by: Actor, *,
                 wait: tuple[int, int]) -> None:
        """Propose, decide and announce."""
        tl.staff(*wait)
        tl.add("propose", self.acts.propose(caseworker))
        tl.soon()
        tl.add("decide", self.acts.decide(decided_by))
        tl.soon()
        tl.add("announce", self.acts.announce(caseworker))

    def stall(self, run: Run, after: str) -> None:
        """Keep the steps up to and including ``after``: nobody takes the case further."""
        names = [s.name for s in run.steps]
        if after in names:
            del run.steps[names.index(after) + 1:]
            run.tags.append("stalled")
