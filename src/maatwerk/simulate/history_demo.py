"""The demo accounts' cases: the demo citizen's household (a bijstand case with a granted request
for maatwerk, in the recurring pattern) and the open work that waits for the demo caseworker,
approver and manager on the history's today.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from maatwerk.cases.service import Actor
from maatwerk.engine.decide import decider
from maatwerk.engine.decision import Decision
from maatwerk.simulate import history_texts as texts
from maatwerk.simulate.history_planning import Planning
from maatwerk.simulate.history_world import Run, SubjectRef, Timeline, birth_date, cents


class DemoCases(Planning):
    """Plans the cases of the demo accounts."""

    def _demo_fits(self) -> bool:
        """Whether the demo household's cases fit the window and the regulations' validity."""
        first, last = self.window.today - dt.timedelta(days=100), self.window.today
        return all(r in self.registry.current and self.reg(r).valid_on(first)
                   and self.reg(r).valid_on(last - dt.timedelta(days=1))
                   for r in ("bijstand", "bijzondere-bijstand"))

    def _demo_household(self) -> SubjectRef:
        if self.demo is None:
            self.demo = self.subject("household", "H", "Huishouden Wijnberg")
            self.demo.username = "burger"
        return self.demo

    def _named(self, username: str) -> Actor:
        for group in (self.staff.caseworkers, self.staff.approvers, self.staff.managers):
            for actors in group.values():
                for actor in actors:
                    if actor.username == username:
                        return actor
        raise KeyError(username)

    def _demo_bijstand(self) -> Run:
        """The demo citizen: a single woman of 52 whose mother lives with her for care; she
        asks for maatwerk, the behandelaar proposes the alleenstaandennorm and the goedkeurder
        approves (the recurring pattern, and the assertive citizen)."""
        acts, regulation = self.acts, "bijstand"
        household = self._demo_household()
        run = Run(regulation, household, tags=["demo", "mantelzorg", "requested", "pattern",
                                               "afstemming-request"])
        arrival = self.window.end - dt.timedelta(days=100)
        tl = Timeline(self.rng, run, arrival)
        peildatum = tl.citizen(0, 0).date()
        facts = {"geboortedatum": birth_date(self.rng, 52, peildatum).isoformat(),
                 "leefvorm": "alleenstaand", "aow_leeftijd_bereikt": False,
                 "aantal_kostendelers": 2, "verblijft_in_inrichting": False, "vermogen": "240",
                 "categorie_gedraging": "geen"}
        alone = decider(self.reg(regulation)).decide(peildatum,
                                                     {**facts, "aantal_kostendelers": 1})
        cw, approver = self._named("behandelaar"), self._named("goedkeurder")
        tl.add("submit", acts.submit(None, regulation, facts, peildatum=peildatum,
                                     channel="online"))
        tl.citizen(1, 2)
        tl.add("request_maatwerk", acts.request("req", texts.STORY_MANTELZORG[0]))
        tl.staff(3, 4)
        tl.add("start", acts.start(cw))
        tl.staff(4, 6)
        self._propose_alone_norm(tl, cw, alone, texts.MOTIVATION_MANTELZORG[0])
        tl.staff(2, 3)
        tl.add("approve_deviation", acts.approve(approver, "req"))
        self.conclude(tl, cw, approver, wait=(1, 2))
        self.households.append((arrival, household))
        return run

    def _propose_alone_norm(self, tl: Timeline, cw: Actor, alone: Decision,
                            motivation: str) -> None:
        """A mantelzorger's request answered with a proposal: the norm of someone living alone
        (``alone``: the case decided without the cost sharer), under art. 18 lid 1."""
        tl.add("propose_deviation", self.acts.propose_deviation(
            cw, "req", clause="afstemming", output="bijstandsnorm",
            value=cents(Decimal(str(alone.outputs["bijstandsnorm"]))), ground="omstandigheden",
            motivation=motivation, answers=True))

    def _demo_case(self, age: int, leefvorm: str, cost_sharers: int, assets: int,
                   days_ago: int, tags: list[str]) -> tuple[Run, Timeline, dict[str, Any],
                                                            dt.date]:
        """A bijstand case of the demo's open work, submitted online ``days_ago`` days before
        the history's today."""
        household = self.subject("household", "H",
                                 f"Huishouden {self.rng.choice(texts.SURNAMES)}")
        run = Run("bijstand", household, tags=["demo", *tags])
        self.households.append((self.window.end - dt.timedelta(days=days_ago), household))
        tl = Timeline(self.rng, run, self.window.end - dt.timedelta(days=days_ago))
        peildatum = tl.citizen(0, 0).date()
        facts = {"geboortedatum": birth_date(self.rng, age, peildatum).isoformat(),
                 "leefvorm": leefvorm, "aow_leeftijd_bereikt": False,
                 "aantal_kostendelers": cost_sharers, "verblijft_in_inrichting": False,
                 "vermogen": str(assets), "categorie_gedraging": "geen"}
        tl.add("submit", self.acts.submit(None, "bijstand", facts, peildatum=peildatum,
                                          channel="online"))
        return run, tl, facts, peildatum

    def _demo_work(self) -> list[Run]:
        """Open work at the history's today for the demo accounts: proposals waiting in the
        goedkeurder's and the manager's inbox, and an overdue case in the behandelaar's queue.
        The approvals are planned after today, so they are not taken."""
        cw, approver, head = (self._named("behandelaar"), self._named("goedkeurder"),
                              self._named("manager"))
        waiting = self.window.end - dt.timedelta(days=3)
        return [self._waiting_mantelzorg(cw, approver, waiting),
                self._waiting_art16(cw, head, waiting),
                self._waiting_own_motion(cw, approver, waiting),
                self._overdue(cw)]

    def _waiting_mantelzorg(self, cw: Actor, approver: Actor, waiting: dt.datetime) -> Run:
        """A mantelzorger's request, answered with a proposal (the recurring pattern)."""
        acts = self.acts
        run, tl, facts, day = self._demo_case(58, "alleenstaand", 2, 120, 26,
                                              ["mantelzorg", "requested", "pattern"])
        alone = decider(self.reg("bijstand")).decide(day, {**facts, "aantal_kostendelers": 1})
        tl.citizen(1, 2)
        tl.add("request_maatwerk", acts.request("req", texts.STORY_MANTELZORG[1]))
        tl.staff(2, 3)
        tl.add("start", acts.start(cw))
        tl.now = max(tl.now, waiting)
        tl.staff(0, 1)
        self._propose_alone_norm(tl, cw, alone, texts.MOTIVATION_MANTELZORG[1])
        tl.staff(6, 8)
        tl.add("approve_deviation", acts.approve(approver, "req"))
        return run

    def _waiting_art16(self, cw: Actor, head: Actor, waiting: dt.datetime) -> Run:
        """Assets above the limit but out of reach: art. 16, waiting for the manager."""
        acts = self.acts
        run, tl, _, _ = self._demo_case(41, "alleenstaand", 1, 9500, 20, ["requested"])
        tl.citizen(0, 1)
        tl.add("request_maatwerk", acts.request("req", texts.STORY_OTHER["dringend"][0]))
        tl.staff(1, 2)
        tl.add("start", acts.start(cw))
        tl.now = max(tl.now, waiting)
        tl.staff(0, 1)
        tl.add("propose_deviation", acts.propose_deviation(
            self.staff.caseworker(self.rng, "maatwerkteam"), "req", clause="dringende_redenen",
            output="grondslag_bijstand", value="zeer_dringende_redenen",
            ground="zeer_dringende_redenen", motivation=texts.MOTIVATION_DRINGEND[0],
            evidence=[f"bankverklaring-blokkade-{tl.now:%Y-%m}"], answers=True))
        tl.staff(6, 8)
        tl.add("approve_deviation", acts.approve(head, "req"))
        return run

    def _waiting_own_motion(self, cw: Actor, approver: Actor, waiting: dt.datetime) -> Run:
        """The behandelaar's own motion: housing costs far above the norm."""
        acts = self.acts
        run, tl, facts, day = self._demo_case(33, "alleenstaande_ouder", 1, 300, 16, [])
        norm = decider(self.reg("bijstand")).decide(day, facts).outputs["bijstandsnorm"]
        tl.staff(1, 2)
        tl.add("start", acts.start(cw))
        tl.now = max(tl.now, waiting)
        tl.staff(0, 1)
        tl.add("propose_deviation", acts.propose_deviation(
            cw, "flag", clause="afstemming", output="bijstandsnorm",
            value=cents(Decimal(str(norm)) * Decimal("1.12")), ground="omstandigheden",
            motivation=texts.MOTIVATION_UP["wonen"]))
        tl.staff(6, 8)
        tl.add("approve_deviation", acts.approve(approver, "flag"))
        return run

    def _overdue(self, cw: Actor) -> Run:
        """Started and then left: past its eight-week term."""
        run, tl, _, _ = self._demo_case(29, "alleenstaand", 1, 80, 70, ["stalled"])
        tl.staff(3, 4)
        tl.add("start", self.acts.start(cw))
        return run
