"""The synthetic cases of each worked regulation, planned as timed steps on the case file.

Each ``plan_*`` method draws the people (or terrains) and their facts from the distributions
described in ``maatwerk.simulate.history`` and plans what happens to their case: who submits it,
who handles it, whether the citizen asks for maatwerk, which deviations are proposed and whether
they are approved, the investigation, the decision, the announcement and any objection. Steps
that fall after the history's today are not taken, so recent cases are still open.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from maatwerk.cases.registry import Registry
from maatwerk.cases.service import Actor
from maatwerk.engine.decide import decider
from maatwerk.simulate import history_texts as texts
from maatwerk.simulate.history_world import (
    Acts,
    Run,
    Staff,
    SubjectRef,
    Timeline,
    birth_date,
    cents,
    weighted,
)
from maatwerk.spec.model import Regulation

AOW_AGE = 67  # the AOW age in 2024 and 2025 (SVB)

# Seasonal weight of arrivals per month (1 = January).
FLAT = dict.fromkeys(range(1, 13), 1.0)
ZORGTOESLAG_SEASON = {**FLAT, 1: 1.8, 2: 1.3, 12: 1.2, 7: 0.8, 8: 0.7}
WMO_SEASON = {**FLAT, 1: 1.2, 2: 1.2, 7: 0.8, 8: 0.7, 12: 0.9}
CBR_SEASON = {**FLAT, 7: 0.8, 8: 0.8}


@dataclass(frozen=True)
class Window:
    """The history's span: cases arrive from ``start`` up to (not including) ``today``."""

    start: dt.date
    today: dt.date

    @property
    def end(self) -> dt.datetime:
        """Steps at or after this moment are not taken (the history's today, 00:00 UTC)."""
        return dt.datetime(self.today.year, self.today.month, self.today.day, tzinfo=dt.UTC)


@dataclass
class Bijstand:
    """A bijstand case being planned: who handles it, its facts, its norm and what happened."""

    tl: Timeline
    cw: Actor
    approver: Actor
    facts: dict[str, Any]
    peildatum: dt.date
    norm: Decimal  # the norm after the categories, before any deviation
    mantelzorg: int | None  # the household's number in the planted mantelzorg pattern
    forced_flag: bool  # the deviant caseworker's case that is flagged in any case
    kind: str | None = None  # what the citizen asked for
    approved: list[str] = field(default_factory=list)
    refused: bool = False


class Planner:
    """Plans the synthetic cases; every draw comes from one seeded random generator."""

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

    # -- shared ---------------------------------------------------------------------------------

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

    # -- zorgtoeslag: standardisation, one rule for everyone -----------------------------------

    def plan_zorgtoeslag(self, n: int) -> list[Run]:
        rng, acts, regulation = self.rng, self.acts, "zorgtoeslag"
        runs = []
        for arrival in self.arrivals(regulation, n, ZORGTOESLAG_SEASON):
            facts = self._zorgtoeslag_facts()
            person = self.subject("person", "P", self.name())
            run = Run(regulation, person)
            tl = Timeline(rng, run, arrival)
            cw = self.staff.caseworker(rng, "toeslagen")
            online = rng.random() < 0.95
            when = tl.citizen(0, 0) if online else tl.staff(0, 0)
            tl.add("submit", acts.submit(None if online else cw, regulation, facts,
                                         peildatum=when.date(),
                                         channel="online" if online else "post"))
            if rng.random() < 0.01:
                tl.citizen(1, 10)
                tl.add("withdraw", acts.withdraw(rng.choice(texts.WITHDRAWN)))
                runs.append(run)
                continue
            asks = rng.random() < 0.025
            if asks:
                tl.citizen(0, 5)
                tl.add("request_maatwerk", acts.request("req", rng.choice(
                    texts.STORY_ZORGTOESLAG)))
                run.tags.append("requested")
            tl.staff(1, 6)
            tl.add("start", acts.start(cw))
            if asks:
                tl.staff(0, 3)
                tl.add("refuse_request", acts.refuse(cw, "req", texts.REFUSE_ZORGTOESLAG[0]))
            self.conclude(tl, cw, cw, wait=(0, 4))
            self.objection(tl, regulation, "toeslagen", cw, 0.12 if asks else 0.03)
            if self.stalled(arrival):
                self.stall(run, "start")
            runs.append(run)
        return runs

    def _zorgtoeslag_facts(self) -> dict[str, Any]:
        rng = self.rng
        age = weighted(rng, [((18, 24), 0.15), ((25, 44), 0.30), ((45, 66), 0.30),
                             ((67, 92), 0.25)])
        leeftijd = rng.randint(*age)
        partner = rng.random() < (0.30 if leeftijd < 25 else 0.38)
        band = weighted(rng, [((9000, 22000), 0.35), ((22000, 36000), 0.45),
                              ((36000, 42000), 0.14), ((42000, 60000), 0.06)])
        income = rng.randint(*band)
        assets = weighted(rng, [((0, 15000), 0.80), ((15000, 100000), 0.16),
                                ((100000, 260000), 0.04)])
        facts: dict[str, Any] = {
            "leeftijd": leeftijd, "is_verzekerd": rng.random() < 0.995,
            "heeft_toeslagpartner": partner, "toetsingsinkomen": str(income),
            "vermogen": str(rng.randint(*assets))}
        if partner:
            facts["toetsingsinkomen_partner"] = str(weighted(rng, [
                (0, 0.25), (rng.randint(1000, 15000), 0.35), (rng.randint(15000, 32000), 0.40)]))
        return facts

    # -- bijstand: policy categories and hardship clauses ----------------------------------------

    def plan_bijstand(self, n: int) -> list[Run]:
        """Households applying for bijstand, with the planted patterns (see the history's
        docstring): the deviating caseworker, the mantelzorg pattern and the assertive-citizen
        effect."""
        rng, regulation = self.rng, "bijstand"
        demo = n >= 1 and self._demo_fits()
        work = demo and n >= 10  # open work for the demo accounts (four cases)
        arrivals = self.arrivals(regulation, n - (1 if demo else 0) - (4 if work else 0))
        settled = [i for i, a in enumerate(arrivals) if (self.window.end - a).days > 75]
        # Planted: the deviant caseworker handles about a tenth of the settled cases (at least
        # four), and households in the mantelzorg situation are about 6 % (at least three);
        # the two groups do not overlap.
        rng.shuffle(settled)
        n_deviant = min(len(settled), max(4, round(0.10 * len(settled))))
        deviant = sorted(settled[:n_deviant])
        rest = settled[n_deviant:]
        n_mantelzorg = min(len(rest), max(3, round(0.06 * len(arrivals))))
        mantelzorg = sorted(rest[:n_mantelzorg])
        runs = []
        for i, arrival in enumerate(arrivals):
            handler = self.staff.deviant if i in deviant else None
            pattern = mantelzorg.index(i) if i in mantelzorg else None
            runs.append(self._bijstand(arrival, handler=handler, mantelzorg=pattern,
                                       forced_flag=i in deviant[:2]))
        if demo:
            runs.append(self._demo_bijstand())
        if work:
            runs += self._demo_work()
        return runs

    def _household(self, peildatum: dt.date, mantelzorg: bool) -> dict[str, Any]:
        rng = self.rng
        if mantelzorg:
            leefvorm, age, a = "alleenstaand", rng.randint(38, 63), 2
        else:
            leefvorm = weighted(rng, [("alleenstaand", 0.58), ("alleenstaande_ouder", 0.24),
                                      ("gehuwd", 0.18)])
            if leefvorm == "alleenstaand":
                age = rng.randint(*weighted(rng, [((18, 20), 0.07), ((21, 26), 0.14),
                                                  ((27, 44), 0.37), ((45, 66), 0.39),
                                                  ((67, 84), 0.03)]))
                a = 1 if age >= AOW_AGE else weighted(rng, [(1, 0.78), (2, 0.14), (3, 0.06),
                                                            (4, 0.02)])
            elif leefvorm == "alleenstaande_ouder":
                age = rng.randint(*weighted(rng, [((21, 26), 0.12), ((27, 44), 0.68),
                                                  ((45, 60), 0.20)]))
                a = weighted(rng, [(1, 0.88), (2, 0.10), (3, 0.02)])
            else:
                age = rng.randint(*weighted(rng, [((21, 44), 0.55), ((45, 66), 0.41),
                                                  ((67, 82), 0.04)]))
                a = 2 if age >= AOW_AGE else weighted(rng, [(2, 0.85), (3, 0.12), (4, 0.03)])
        facts: dict[str, Any] = {
            "geboortedatum": birth_date(rng, age, peildatum).isoformat(),
            "leefvorm": leefvorm, "aow_leeftijd_bereikt": age >= AOW_AGE,
            "aantal_kostendelers": a, "verblijft_in_inrichting": False}
        if leefvorm == "gehuwd":
            low, high = (AOW_AGE, 85) if age >= AOW_AGE else (21, AOW_AGE - 1)
            partner = min(max(age + rng.randint(-6, 6), low), high)
            facts["geboortedatum_partner"] = birth_date(rng, partner, peildatum).isoformat()
            facts["partner_aow_leeftijd_bereikt"] = partner >= AOW_AGE
        limit = 7770 if leefvorm == "alleenstaand" else 15540
        assets = (rng.randint(0, 400) if mantelzorg else weighted(rng, [
            (rng.randint(0, 500), 0.72), (rng.randint(500, limit), 0.22),
            (rng.randint(limit + 1, int(limit * 2.5)), 0.06)]))
        facts["vermogen"] = str(assets)
        facts["categorie_gedraging"] = "geen" if mantelzorg else weighted(rng, [
            ("geen", 0.95), ("eerste", 0.025), ("tweede", 0.018), ("derde", 0.007)])
        return facts

    def _bijstand(self, arrival: dt.datetime, *, handler: Actor | None,
                  mantelzorg: int | None, forced_flag: bool) -> Run:
        rng, acts, staff, regulation = self.rng, self.acts, self.staff, "bijstand"
        team = "team-zuid" if handler is not None else rng.choice(("team-noord", "team-zuid"))
        if handler is not None:
            cw = handler
        else:
            cw = rng.choice([c for c in staff.caseworkers[team] if c.id != staff.deviant.id])
        household = self.subject("household", "H", f"Huishouden {rng.choice(texts.SURNAMES)}")
        run = Run(regulation, household)
        self.households.append((arrival, household))
        tl = Timeline(rng, run, arrival)
        online = rng.random() < 0.65
        peildatum = (tl.citizen(0, 0) if online else tl.staff(0, 0)).date()
        facts = self._household(peildatum, mantelzorg is not None)
        decision = decider(self.reg(regulation)).decide(peildatum, facts)
        case = Bijstand(tl=tl, cw=cw, approver=staff.approver(rng, team), facts=facts,
                        peildatum=peildatum, norm=Decimal(str(decision.outputs["bijstandsnorm"])),
                        mantelzorg=mantelzorg, forced_flag=forced_flag)
        tl.add("submit", acts.submit(None if online else cw, regulation, facts,
                                     peildatum=peildatum, channel="online" if online else "balie"))
        if mantelzorg is not None:
            run.tags.append("mantelzorg")
        if mantelzorg is None and handler is None and rng.random() < 0.02:
            tl.citizen(1, 14)
            tl.add("withdraw", acts.withdraw(rng.choice(texts.WITHDRAWN)))
            return run
        case.kind = self._ask(case, decision.outputs["grondslag_bijstand"] == "geen_recht")
        tl.staff(2, 8)
        tl.add("start", acts.start(cw))
        tl.staff(3, 15)
        if decision.outputs["grondslag_bijstand"] == "geen_recht":
            self._art16(case)
        self._milder_cut(case)
        # Art. 18 lid 1 (afstemming) is considered in every decision.
        afstemming = self._afstemming(case)
        if afstemming == "approved":
            case.approved.append("afstemming")
        else:
            case.refused = case.refused or afstemming == "refused"
            tl.staff(0, 1)
            motivation = rng.choice(
                texts.CONSIDERED_AFTER_REFUSAL if afstemming == "refused" else
                texts.CONSIDERED_MANTELZORG if mantelzorg is not None else texts.CONSIDERED)
            tl.add("consider", acts.consider(cw, "afstemming", motivation))
        decided_by = case.approver if case.approved or rng.random() < 0.3 else cw
        late = rng.random() < 0.08
        self.conclude(tl, cw, decided_by, wait=(8, 25) if late else (0, 4))
        rate = (0.2 if case.refused else 0.15 if facts["categorie_gedraging"] != "geen"
                else 0.035)
        self.objection(tl, regulation, team, decided_by, rate)
        if mantelzorg is None and handler is None and self.stalled(arrival):
            self.stall(run, "start")
        return run

    def _ask(self, case: Bijstand, no_right: bool) -> str | None:
        """What the citizen asks for (in their own words), if anything."""
        rng, facts = self.rng, case.facts
        kind: str | None = None
        if case.mantelzorg is not None:
            kind = "mantelzorg" if case.mantelzorg % 9 in (0, 2, 3, 5, 7) else None
        elif no_right and rng.random() < 0.5:
            kind = "dringend"
        elif facts["categorie_gedraging"] != "geen" and rng.random() < 0.35:
            kind = "verlaging"
        elif rng.random() < 0.05:
            young = int(facts["geboortedatum"][:4]) >= case.peildatum.year - 21
            kind = "jong" if young and facts["leefvorm"] == "alleenstaand" else rng.choice(
                ("medisch", "wonen", "schulden"))
        if kind is not None:
            story = rng.choice(texts.STORY_MANTELZORG if kind == "mantelzorg"
                               else texts.STORY_OTHER[kind])
            case.tl.citizen(0, 6)
            case.tl.add("request_maatwerk", self.acts.request("req", story))
            case.tl.run.tags.append("requested")
        return kind

    def _art16(self, case: Bijstand) -> None:
        """Art. 16 lid 1 (dringende redenen) without entitlement: the maatwerkteam proposes,
        its manager approves."""
        rng, acts, staff, tl = self.rng, self.acts, self.staff, case.tl
        asked = case.kind == "dringend"
        if rng.random() >= (0.7 if asked else 0.2):
            if asked:
                tl.add("refuse_request", acts.refuse(case.cw, "req",
                                                     rng.choice(texts.REFUSE_REQUEST)))
                case.refused = True
            return
        key = "req" if asked else "art16"
        evidence = [f"bankverklaring-{case.peildatum:%Y-%m}",
                    f"rapport-maatwerkteam-{tl.now:%Y-%m-%d}"]
        tl.add("propose_deviation", acts.propose_deviation(
            staff.caseworker(rng, "maatwerkteam"), key, clause="dringende_redenen",
            output="grondslag_bijstand", value="zeer_dringende_redenen",
            ground="zeer_dringende_redenen", motivation=rng.choice(texts.MOTIVATION_DRINGEND),
            evidence=evidence, answers=asked))
        tl.staff(1, 4)
        head = staff.manager(rng, "maatwerkteam")
        if rng.random() < (0.85 if asked else 0.6):
            tl.add("approve_deviation", acts.approve(head, key))
            case.approved.append("dringende_redenen")
        else:
            tl.add("refuse_deviation", acts.refuse(head, key, rng.choice(texts.REFUSE_PROPOSAL)))
            case.refused = True

    def _milder_cut(self, case: Bijstand) -> None:
        """Art. 18 lid 2 (verlaging_afwijken): a milder cut than the ordinance's standard."""
        rng, acts, tl = self.rng, self.acts, case.tl
        behaviour, asked = case.facts["categorie_gedraging"], case.kind == "verlaging"
        if behaviour not in ("tweede", "derde"):
            if asked:  # the first category's 5 % is already the lowest cut
                tl.add("refuse_request", acts.refuse(case.cw, "req",
                                                     rng.choice(texts.REFUSE_REQUEST)))
                case.refused = True
            return
        flag = rng.random() < (0.5 if case.cw.id == self.staff.deviant.id else 0.15)
        if not (asked or flag):
            return
        share = Decimal(rng.randint(10, 20) if behaviour == "tweede"
                        else rng.randint(30, 60)) / 100
        key = "req" if asked else "verlaging"
        tl.soon()
        tl.add("propose_deviation", acts.propose_deviation(
            case.cw, key, clause="verlaging_afwijken", output="verlaging",
            value=cents(share * case.norm), ground=rng.choice(("verwijtbaarheid", "ernst")),
            motivation=rng.choice(texts.MOTIVATION_VERLAGING), answers=asked))
        tl.staff(1, 4)
        if rng.random() < (0.85 if asked else 0.4):
            tl.add("approve_deviation", acts.approve(case.approver, key))
            case.approved.append("verlaging_afwijken")
        else:
            tl.add("refuse_deviation", acts.refuse(case.approver, key,
                                                   rng.choice(texts.REFUSE_PROPOSAL)))
            case.refused = True

    def _afstemming(self, case: Bijstand) -> str | None:
        """Plan a deviation under art. 18 lid 1 if one is asked for or flagged; the outcome:
        approved, refused, or None (none proposed)."""
        rng, acts, staff, tl = self.rng, self.acts, self.staff, case.tl
        cw, kind, mantelzorg, norm = case.cw, case.kind, case.mantelzorg, case.norm
        deviant = cw.id == staff.deviant.id
        ground = "omstandigheden"
        if mantelzorg is not None:
            # The recurring pattern: the norm without the inwonende parent as a cost sharer.
            alone = decider(self.reg("bijstand")).decide(
                case.peildatum, {**case.facts, "aantal_kostendelers": 1})
            value = cents(Decimal(str(alone.outputs["bijstandsnorm"])))
            motivation = rng.choice(texts.MOTIVATION_MANTELZORG)
            if kind == "mantelzorg":
                key, answers = "req", True
                approve = mantelzorg % 7 != 6
            elif mantelzorg % 10 == 9:
                key, answers = "flag", False
                approve = True
            else:
                return None
            tl.run.tags.append("pattern")
        elif kind in ("medisch", "wonen", "schulden", "jong"):
            if rng.random() >= 0.45:
                tl.soon()
                tl.add("refuse_request", acts.refuse(cw, "req", rng.choice(texts.REFUSE_REQUEST)))
                return "refused"
            key, answers = "req", True
            value = cents(min(Decimal("600.00"), 2 * norm) if kind == "jong"
                          else norm * Decimal(rng.randint(105, 125)) / 100)
            motivation = texts.MOTIVATION_UP[kind]
            approve = rng.random() < 0.8
        elif kind is None and (case.forced_flag or rng.random() < (0.30 if deviant else 0.03)):
            key, answers = "flag", False
            if rng.random() < 0.6:
                reason = rng.choice(("medisch", "wonen", "schulden"))
                value = cents(norm * Decimal(rng.randint(105, 125)) / 100)
                motivation = texts.MOTIVATION_UP[reason]
            else:
                value = cents(norm * Decimal(rng.randint(60, 85)) / 100)
                motivation = rng.choice(texts.MOTIVATION_DOWN)
            approve = rng.random() < (0.45 if deviant else 0.4)
        else:
            return None
        tl.run.tags.append(f"afstemming-{'request' if answers else 'flag'}")
        tl.soon()
        tl.add("propose_deviation", acts.propose_deviation(
            cw, key, clause="afstemming", output="bijstandsnorm", value=value, ground=ground,
            motivation=motivation, answers=answers))
        tl.staff(1, 5)
        if approve:
            tl.add("approve_deviation", acts.approve(case.approver, key))
            return "approved"
        tl.add("refuse_deviation", acts.refuse(case.approver, key,
                                               rng.choice(texts.REFUSE_PROPOSAL)))
        return "refused"

    # -- the demo citizen's household -----------------------------------------------------------

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
        tl.add("propose_deviation", acts.propose_deviation(
            cw, "req", clause="afstemming", output="bijstandsnorm",
            value=cents(Decimal(str(alone.outputs["bijstandsnorm"]))), ground="omstandigheden",
            motivation=texts.MOTIVATION_MANTELZORG[0], answers=True))
        tl.staff(2, 3)
        tl.add("approve_deviation", acts.approve(approver, "req"))
        self.conclude(tl, cw, approver, wait=(1, 2))
        self.households.append((arrival, household))
        return run

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
        acts, rng = self.acts, self.rng
        cw, approver, head = (self._named("behandelaar"), self._named("goedkeurder"),
                              self._named("manager"))
        waiting = self.window.end - dt.timedelta(days=3)
        runs = []
        # A mantelzorger's request, answered with a proposal (the recurring pattern).
        run, tl, facts, day = self._demo_case(58, "alleenstaand", 2, 120, 26,
                                              ["mantelzorg", "requested", "pattern"])
        alone = decider(self.reg("bijstand")).decide(day, {**facts, "aantal_kostendelers": 1})
        tl.citizen(1, 2)
        tl.add("request_maatwerk", acts.request("req", texts.STORY_MANTELZORG[1]))
        tl.staff(2, 3)
        tl.add("start", acts.start(cw))
        tl.now = max(tl.now, waiting)
        tl.staff(0, 1)
        tl.add("propose_deviation", acts.propose_deviation(
            cw, "req", clause="afstemming", output="bijstandsnorm",
            value=cents(Decimal(str(alone.outputs["bijstandsnorm"]))), ground="omstandigheden",
            motivation=texts.MOTIVATION_MANTELZORG[1], answers=True))
        tl.staff(6, 8)
        tl.add("approve_deviation", acts.approve(approver, "req"))
        runs.append(run)
        # Assets above the limit but out of reach: art. 16, waiting for the manager.
        run, tl, _, _ = self._demo_case(41, "alleenstaand", 1, 9500, 20, ["requested"])
        tl.citizen(0, 1)
        tl.add("request_maatwerk", acts.request("req", texts.STORY_OTHER["dringend"][0]))
        tl.staff(1, 2)
        tl.add("start", acts.start(cw))
        tl.now = max(tl.now, waiting)
        tl.staff(0, 1)
        tl.add("propose_deviation", acts.propose_deviation(
            self.staff.caseworker(rng, "maatwerkteam"), "req", clause="dringende_redenen",
            output="grondslag_bijstand", value="zeer_dringende_redenen",
            ground="zeer_dringende_redenen", motivation=texts.MOTIVATION_DRINGEND[0],
            evidence=[f"bankverklaring-blokkade-{tl.now:%Y-%m}"], answers=True))
        tl.staff(6, 8)
        tl.add("approve_deviation", acts.approve(head, "req"))
        runs.append(run)
        # The behandelaar's own motion: housing costs far above the norm.
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
        runs.append(run)
        # Started and then left: past its eight-week term.
        run, tl, _, _ = self._demo_case(29, "alleenstaand", 1, 80, 70, ["stalled"])
        tl.staff(3, 4)
        tl.add("start", acts.start(cw))
        runs.append(run)
        return runs

    # -- bijzondere bijstand: standard maatwerk (an investigation for every application) --------

    def plan_bijzondere_bijstand(self, n: int) -> list[Run]:
        rng, regulation = self.rng, "bijzondere-bijstand"
        demo = self.demo is not None and n >= 2
        runs = []
        for arrival in self.arrivals(regulation, n - (2 if demo else 0)):
            earlier = [h for a, h in self.households if a < arrival and h is not self.demo]
            household = (rng.choice(earlier) if earlier and rng.random() < 0.5 else
                         self.subject("household", "H",
                                      f"Huishouden {rng.choice(texts.SURNAMES)}"))
            runs.append(self._bijzondere(arrival, household))
        if demo:
            household = self._demo_household()
            end = self.window.end
            runs.append(self._bijzondere(end - dt.timedelta(days=72), household,
                                         demo="objection"))
            runs.append(self._bijzondere(end - dt.timedelta(days=6), household, demo="open"))
        return runs

    def _bb_assessment(self, soort: str, item: tuple[str, str], day: dt.date,
                       demo: str | None) -> dict[str, Any]:
        rng = self.rng
        low, high = {"medisch": (150, 1500), "wonen": (300, 2500),
                     "levensonderhoud": (100, 900)}[soort]
        asked = Decimal(rng.randint(low // 5, high // 5) * 5)
        special = demo is not None or rng.random() < 0.88
        necessary = (asked * Decimal(rng.randint(60, 100)) / 100).quantize(Decimal(1))
        if rng.random() < 0.05:
            necessary = asked + 50
        prior = Decimal(0)
        if rng.random() < {"medisch": 0.5, "wonen": 0.1, "levensonderhoud": 0.3}[soort]:
            prior = (necessary * Decimal(rng.randint(10, 120)) / 100).quantize(Decimal(1))
        capacity = Decimal(0) if rng.random() < 0.6 else Decimal(rng.randint(1, 30) * 10)
        if demo is not None:
            prior, capacity = Decimal(0), Decimal(0)
        need = min(necessary, asked) if special else Decimal(0)
        remaining = max(Decimal(0), need - prior - capacity)
        if remaining >= 50:
            provision = ("lening" if soort == "wonen" and rng.random() < 0.6
                         else "om_niet" if soort != "wonen" or rng.random() < 0.9 else "lening")
            if demo is not None:
                provision = "om_niet"
            amount = remaining if rng.random() < 0.8 else max(
                Decimal(50), (remaining * Decimal(rng.randint(50, 95)) / 100).quantize(Decimal(1)))
        else:
            provision, amount = "geen", Decimal(0)
        what, circumstances = item
        return {
            "date": day.isoformat(),
            "answers": {"soort_kosten": soort, "bijzondere_omstandigheden": special,
                        "aangevraagd_bedrag": str(asked), "noodzakelijke_kosten": str(necessary),
                        "vergoeding_voorliggend": str(prior), "draagkracht": str(capacity)},
            "provision": provision, "amount": str(amount),
            "motivation": f"{what}: {texts.BB_POLICY[provision].lower()}",
            "report": {"verslag": f"Gesprek en stukken van {day:%d-%m-%Y} ({what.lower()}).",
                       "omstandigheden": circumstances if special else
                       "Geen bijzondere omstandigheden; algemene kosten van het bestaan.",
                       "beleidsregel": texts.BB_POLICY[provision]}}

    def _bijzondere(self, arrival: dt.datetime, household: SubjectRef,
                    demo: str | None = None) -> Run:
        rng, acts, regulation = self.rng, self.acts, "bijzondere-bijstand"
        run = Run(regulation, household, tags=["demo"] if demo else [])
        tl = Timeline(rng, run, arrival)
        cw = self.staff.caseworker(rng, "bijzondere-bijstand")
        online = demo is not None or rng.random() < 0.7
        when = tl.citizen(0, 0) if online else tl.staff(0, 0)
        tl.add("submit", acts.submit(None if online else cw, regulation,
                                     {"datum_aanvraag": when.date().isoformat()},
                                     peildatum=when.date(),
                                     channel="online" if online else "balie"))
        soort = weighted(rng, [("medisch", 0.35), ("wonen", 0.40), ("levensonderhoud", 0.25)])
        item = rng.choice(texts.BB_COSTS[soort])
        if demo == "objection":
            soort, item = "medisch", texts.BB_COSTS["medisch"][3]
        elif demo == "open":
            soort, item = "wonen", texts.BB_COSTS["wonen"][0]
        tl.staff(1, 5)
        tl.add("start", acts.start(cw))
        tl.soon()
        tl.add("investigate", acts.investigate(cw))
        tl.soon()
        tl.add("apply", acts.apply(cw))
        if demo == "open":
            return run
        tl.staff(5, 22)
        record = self._bb_assessment(soort, item, tl.now.date(), demo)
        tl.add("record_assessment", acts.record_assessment(cw, record))
        self.conclude(tl, cw, cw, wait=(0, 3))
        if demo == "objection":
            tl.citizen(10, 12)
            tl.add("object", acts.object(texts.GROUNDS[regulation][0]))
            run.tags.append("objection")
            tl.staff(40, 50)  # after the history's today: the objection is pending
            tl.add("decide_objection", acts.decide_objection(
                self.judge("bijzondere-bijstand", cw.id), False, texts.REJECTED[0]))
            return run
        refused = record["provision"] == "geen"
        self.objection(tl, regulation, "bijzondere-bijstand", cw, 0.12 if refused else 0.03)
        if self.stalled(arrival):
            self.stall(run, "apply")
        return run

    # -- Wmo: standard maatwerk, the kitchen-table talk -------------------------------------------

    def plan_wmo(self, n: int) -> list[Run]:
        rng, acts, regulation = self.rng, self.acts, "wmo-maatwerkvoorziening"
        runs = []
        for arrival in self.arrivals(regulation, n, WMO_SEASON):
            age = rng.randint(*weighted(rng, [((19, 64), 0.25), ((65, 79), 0.35),
                                              ((80, 97), 0.40)]))
            person = self.subject("person", "P", f"{self.name()} ({age})")
            run = Run(regulation, person)
            tl = Timeline(rng, run, arrival)
            cw = self.staff.caseworker(rng, "wmo-consulenten")
            by_phone = rng.random() < 0.55
            when = tl.staff(0, 0) if by_phone else tl.citizen(0, 0)
            facts = {"datum_melding": when.date().isoformat(),
                     "huishouden_betaalt_al_abonnementstarief": rng.random() < 0.18}
            tl.add("submit", acts.submit(cw if by_phone else None, regulation, facts,
                                         peildatum=when.date(),
                                         channel="telefoon" if by_phone else "online"))
            tl.staff(1, 5)
            tl.add("start", acts.start(cw))
            tl.soon()
            tl.add("investigate", acts.investigate(cw))
            late = rng.random() < 0.1
            tl.staff(31, 45) if late else tl.staff(8, 28)
            tl.add("record_assessment", acts.record_assessment(
                cw, self._wmo_assessment(tl.now.date())))
            if rng.random() < 0.6:
                applied = tl.citizen(1, 10)
                tl.add("apply", acts.apply(None))
                tl.soon()
                tl.add("record_facts", acts.record_facts(
                    None, {"datum_aanvraag": applied.date().isoformat()}))
            else:
                applied = tl.staff(1, 6)
                tl.add("apply", acts.apply(cw))
                tl.soon()
                tl.add("record_facts", acts.record_facts(
                    cw, {"datum_aanvraag": applied.date().isoformat()}))
            late = rng.random() < 0.08
            self.conclude(tl, cw, cw, wait=(11, 20) if late else (1, 8))
            self.objection(tl, regulation, "wmo-consulenten", cw, 0.05)
            if self.stalled(arrival):
                self.stall(run, "investigate")
            runs.append(run)
        return runs

    def _wmo_assessment(self, day: dt.date) -> dict[str, Any]:
        rng = self.rng
        provision = weighted(rng, [("hulp_bij_het_huishouden", 0.45), ("begeleiding", 0.22),
                                   ("hulpmiddel", 0.15), ("woningaanpassing", 0.08),
                                   ("geen_maatwerkvoorziening", 0.10)])
        half = Decimal("0.5")
        need = half * rng.randint(4, 16)
        covered = [half * rng.randint(0, 2), half * rng.randint(0, 2), half * rng.randint(0, 6),
                   half * rng.randint(0, 2)]  # eigen kracht, gebruikelijke hulp, mantelzorg, av
        if provision == "geen_maatwerkvoorziening":
            covered[2] = need - covered[0] - covered[1] - covered[3] + half * rng.randint(0, 2)
            covered[2] = max(covered[2], Decimal(0))
        else:
            while sum(covered) >= need:
                covered[rng.randrange(4)] = Decimal(0)
                if sum(covered) >= need:
                    covered = [Decimal(0)] * 4
        remaining = max(Decimal(0), need - sum(covered))
        aid = Decimal(rng.randint(80, 450) * 10) if provision == "hulpmiddel" else Decimal(0)
        adaptation = (Decimal(rng.randint(25, 180) * 100) if provision == "woningaanpassing"
                      else Decimal(0))
        if provision in ("hulp_bij_het_huishouden", "begeleiding"):
            amount = remaining if rng.random() < 0.85 or remaining <= 1 else remaining - half
            story, limits = rng.choice(texts.WMO_NEEDS[provision])
        elif provision == "hulpmiddel":
            amount = aid if rng.random() < 0.9 else (aid * Decimal("0.8")).quantize(Decimal(1))
            story, limits = rng.choice(texts.WMO_NEEDS[provision])
        elif provision == "woningaanpassing":
            amount = adaptation
            story, limits = rng.choice(texts.WMO_NEEDS[provision])
        else:
            amount = Decimal(0)
            story, limits = rng.choice(texts.WMO_NEEDS["hulp_bij_het_huishouden"])
        general = rng.choice(texts.WMO_GENERAL) if covered[3] else None
        carer_needs = covered[2] > 0 and rng.random() < 0.2
        answers: dict[str, Any] = {
            "hulpvraag": story, "beperkingen": limits,
            "persoonlijk_plan_ontvangen": rng.random() < 0.1,
            "uren_ondersteuning_nodig": str(need), "uren_eigen_kracht": str(covered[0]),
            "uren_gebruikelijke_hulp": str(covered[1]), "uren_mantelzorg": str(covered[2]),
            "mantelzorger_heeft_ondersteuning_nodig": carer_needs,
            "uren_algemene_voorzieningen": str(covered[3]),
            "afstemming_nodig": rng.random() < 0.15,
            "geinformeerd_over_eigen_bijdrage": True,
            "kostprijs_hulpmiddel": str(aid), "kostprijs_woningaanpassing": str(adaptation)}
        if general:
            answers["algemene_voorziening"] = general
        if carer_needs:
            answers["ondersteuning_mantelzorger"] = "Respijtzorg één dagdeel per week."
        fits = ("Past bij de woonsituatie en de voorkeuren van de cliënt."
                if provision != "geen_maatwerkvoorziening"
                else "De behoefte is gedekt door de voorliggende oplossingen.")
        return {
            "date": day.isoformat(), "answers": answers, "provision": provision,
            "amount": str(amount),
            "motivation": f"Na de voorliggende stappen resteert {remaining} uur per week.",
            "report": {
                "hulpvraag_en_beperkingen": f"{story} {limits}",
                "voorliggende_oplossingen": "Zie de uren per voorliggende stap in het onderzoek.",
                "mantelzorger": "De mantelzorger heeft ondersteuning nodig." if carer_needs
                else "De mantelzorger heeft geen ondersteuning nodig.",
                "samenwerking": "Geen afstemming met andere domeinen nodig.",
                "eigen_bijdrage": "De cliënt weet dat het abonnementstarief per huishouden "
                                  "geldt.",
                "passende_bijdrage": fits,
                "clientondersteuning": "Gewezen op gratis cliëntondersteuning.",
                "persoonsgebonden_budget": "Geïnformeerd over de mogelijkheid van een pgb."}}

    # -- CBR: a policy category (the medical route) with an assessment inside it -------------------

    def plan_cbr(self, n: int) -> list[Run]:
        rng, acts, regulation = self.rng, self.acts, "cbr-medische-route"
        runs = []
        for arrival in self.arrivals(regulation, n, CBR_SEASON):
            person = self.subject("person", "P", self.name())
            run = Run(regulation, person)
            tl = Timeline(rng, run, arrival)
            peildatum = tl.citizen(0, 0).date()
            facts, route = self._cbr_facts(peildatum)
            cw = self.staff.caseworker(rng, "cbr-medische-zaken")
            tl.add("submit", acts.submit(None, regulation, facts, peildatum=peildatum,
                                         channel="online"))
            tl.staff(2, 8)
            tl.add("start", acts.start(cw))
            objection = 0.02
            if route:
                run.tags.append("medische_route")
                tl.soon()
                tl.add("investigate", acts.investigate(cw))
                tl.staff(20, 55)
                record = self._cbr_assessment(tl.now.date(), facts["rijbewijscategorie"])
                tl.add("record_assessment", acts.record_assessment(cw, record))
                objection = 0.2 if record["provision"] in ("ongeschikt",
                                                           "geschikt_beperkte_duur") else 0.04
            self.conclude(tl, cw, cw, wait=(0, 5) if route else (0, 10))
            self.objection(tl, regulation, "cbr-medische-zaken", cw, objection)
            if self.stalled(arrival):
                self.stall(run, "start")
            runs.append(run)
        return runs

    def _cbr_facts(self, peildatum: dt.date) -> tuple[dict[str, Any], bool]:
        rng = self.rng
        persona = weighted(rng, [("senior", 0.45), ("groep2", 0.20), ("eerste", 0.17),
                                 ("klachten", 0.18)])
        if persona == "senior":
            age, category, first, holds = rng.randint(75, 92), "b", False, True
            complaints, route = rng.random() < 0.3, rng.random() < 0.22
        elif persona == "groep2":
            age = rng.randint(25, 64)
            category = rng.choice(("c", "ce", "d", "c1", "de"))
            first, holds = False, rng.random() < 0.8
            complaints, route = rng.random() < 0.4, rng.random() < 0.18
        elif persona == "eerste":
            age, category = rng.randint(17, 23), rng.choice(("b", "b", "b", "a2"))
            first, holds, complaints, route = True, False, rng.random() < 0.5, rng.random() < 0.12
        else:
            age, category, first, holds = rng.randint(30, 74), "b", False, True
            complaints, route = True, rng.random() < 0.35
        specialist = rng.random() < 0.35
        return {
            "geboortedatum": birth_date(rng, age, peildatum).isoformat(),
            "rijbewijscategorie": category, "eerste_rijbewijs": first,
            "nieuwe_gezondheidsklachten": complaints, "heeft_rijbewijs_categorie": holds,
            "medisch_geen_regulier_examen": route,
            "specialistisch_onderzoek_gevraagd": specialist,
            "kosten_specialistisch_onderzoek": cents(rng.randint(90, 450)) if specialist
            else "0",
            "lesvoertuig_nodig_volgens_cbr": route and rng.random() < 0.3,
            "eerdere_rijtests": 1 if route and rng.random() < 0.15 else 0}, route

    def _cbr_assessment(self, day: dt.date, category: str) -> dict[str, Any]:
        rng = self.rng
        condition, longest = rng.choice(texts.CBR_CONDITIONS)
        licence = 5 if category in ("c1", "c1e", "c", "ce", "d1", "d1e", "d", "de") else 10
        cap = min(longest, licence)
        outcome = weighted(rng, [("geschikt", 0.45), ("geschikt_beperkte_duur", 0.25),
                                 ("geschikt_onder_voorwaarden", 0.15), ("ongeschikt", 0.08),
                                 ("nadere_informatie_nodig", 0.07)])
        finding = {"geschikt": "rijgeschikt", "geschikt_beperkte_duur": "rijgeschikt",
                   "geschikt_onder_voorwaarden": "rijgeschikt_met_aanpassingen",
                   "ongeschikt": "niet_rijgeschikt",
                   "nadere_informatie_nodig": "vervolgrijtest_nodig"}[outcome]
        years = (rng.randint(1, cap) if outcome == "geschikt_beperkte_duur" else
                 rng.choice((0, rng.randint(1, cap))) if outcome == "geschikt_onder_voorwaarden"
                 else 0)
        answers: dict[str, Any] = {"beoordeelde_aandoening": condition,
                                   "langste_termijn_volgens_eisen": longest,
                                   "uitslag_rijtest": finding}
        if outcome == "geschikt_onder_voorwaarden":
            answers["codes"] = rng.choice(texts.CBR_CODES)
        if outcome == "nadere_informatie_nodig":
            answers["gevraagde_informatie"] = "Rapport van de behandelend specialist."
        return {"date": day.isoformat(), "answers": answers, "provision": outcome,
                "amount": years,
                "motivation": f"{condition}; bevinding rijtest: {finding.replace('_', ' ')}.",
                "report": {"motivering": f"Getoetst aan de Regeling eisen geschiktheid 2000 "
                                         f"({condition.lower()})."}}

    # -- Staatsbosbeheer: terrains as subjects (all illustrative) --------------------------------

    def plan_staatsbosbeheer(self, n: int) -> list[Run]:
        regulation = "staatsbosbeheer-terreinen"
        count = max(1, min(24, (n + 2) // 3))
        terrains = [self._terrain(natura2000=i == 0) for i in range(count)]
        runs = []
        for i, arrival in enumerate(self.arrivals(regulation, n)):
            subject, facts = terrains[i % count]
            runs.append(self._terrain_case(arrival, subject, facts, first=i == 0))
        return runs

    def _terrain(self, *, natura2000: bool = False) -> tuple[SubjectRef, dict[str, Any]]:
        rng = self.rng
        self.terrains += 1
        kind = weighted(rng, [("bos", 0.30), ("heide", 0.20), ("duin", 0.15), ("moeras", 0.10),
                              ("kwelder", 0.07), ("weidevogelgrasland", 0.08),
                              ("recreatieterrein", 0.10)])
        if natura2000:  # at least one terrain in a Natura 2000 site (a category)
            kind = "heide"
        status = "natura2000" if natura2000 else "geen" if kind == "recreatieterrein" else (
            weighted(rng, [("natura2000", 0.40), ("nnn", 0.45), ("geen", 0.15)]))
        birds = kind in ("kwelder", "weidevogelgrasland", "moeras") or rng.random() < 0.55
        facts = {"oppervlakte_ha": str(weighted(rng, [(rng.randint(3, 9), 0.25),
                                                      (rng.randint(10, 99), 0.45),
                                                      (rng.randint(100, 900), 0.30)])),
                 "natuurtype": kind, "beschermingsstatus": status,
                 "bezoekersdruk": weighted(rng, [("laag", 0.35), ("middel", 0.40),
                                                 ("hoog", 0.25)]),
                 "broedvogels_aanwezig": birds,
                 "hondenlosloopgebied": kind in ("bos", "recreatieterrein") and rng.random() < 0.4}
        names = {"bos": "Boswachterij", "heide": "Heideveld", "duin": "Duingebied",
                 "moeras": "Moerasgebied", "kwelder": "Kwelder", "weidevogelgrasland":
                 "Weidevogelgebied", "recreatieterrein": "Recreatieterrein"}
        place = rng.choice(("Eikenhorst", "Hoge Veen", "Lindeloo", "Zandbergen", "Ruisdal",
                            "Kievitslanden", "Wadhoek", "Elsenburg", "Vennebroek", "Helmduin"))
        subject = self.subject("object", "T", f"{names[kind]} {place} {self.terrains:02d}")
        return subject, facts

    def _terrain_case(self, arrival: dt.datetime, subject: SubjectRef, facts: dict[str, Any],
                      *, first: bool) -> Run:
        rng, acts, staff = self.rng, self.acts, self.staff
        regulation, unit = "staatsbosbeheer-terreinen", "beheereenheid-van-het-terrein"
        run = Run(regulation, subject)
        tl = Timeline(rng, run, arrival)
        ranger, head = staff.caseworker(rng, unit), staff.manager(rng, unit)
        peildatum = tl.staff(0, 0).date()
        standard = decider(self.reg(regulation)).decide(peildatum, facts).outputs
        tl.add("submit", acts.submit(ranger, regulation, facts, peildatum=peildatum,
                                     channel="intern"))
        tl.soon()
        tl.add("start", acts.start(ranger))
        if first or rng.random() < 0.45:
            for number, (clause, output, value, ground) in enumerate(
                    self._measures(peildatum, facts, standard)):
                key = f"m{number}"
                tl.staff(0, 2)
                evidence = ([f"{ground}-{peildatum:%Y-%m-%d}"] if ground != "beheerwerk"
                            else [])
                tl.add("propose_deviation", acts.propose_deviation(
                    ranger, key, clause=clause, output=output, value=value, ground=ground,
                    motivation=texts.SBB_MOTIVATION[ground], evidence=evidence))
                tl.staff(0, 3)
                if first or rng.random() < 0.85:
                    tl.add("approve_deviation", acts.approve(head, key))
                else:
                    tl.add("refuse_deviation", acts.refuse(head, key, rng.choice(
                        texts.SBB_REFUSAL)))
        self.conclude(tl, ranger, ranger, wait=(0, 2))
        return run

    def _measures(self, day: dt.date, facts: dict[str, Any],
                  standard: dict[str, Any]) -> list[tuple[str, str, Any, str]]:
        """The temporary measures that fit the season and the terrain (clause, output, value,
        ground)."""
        rng = self.rng
        access, events = standard["toegang"], int(standard["max_deelnemers_evenement"])
        stricter = "gesloten" if access != "vrij toegankelijk" else "alleen op paden"
        season = (3, 1) <= (day.month, day.day) <= (7, 15)
        dry = 7 <= day.month <= 9 and facts["natuurtype"] in ("heide", "duin", "bos")
        options: list[list[tuple[str, str, Any, str]]] = []
        if access != "gesloten" and season and facts["broedvogels_aanwezig"]:
            options.append([("tijdelijke_beperking", "toegang", stricter, "broedgeval")])
        if dry:
            found: list[tuple[str, str, Any, str]] = [
                ("tijdelijke_beperking", "toegang", stricter, "brandgevaar")]
            if events > 0:
                found.append(("tijdelijke_beperking", "max_deelnemers_evenement", 0,
                              "brandgevaar"))
            options.append(found)
        if access != "gesloten" and (day.month >= 10 or day.month <= 2):
            options.append([("tijdelijke_beperking", "toegang", "gesloten",
                             "stormschade" if facts["natuurtype"] == "bos" else "beheerwerk")])
        if events > 0 and not standard["broedseizoenregime"]:
            more = min(2 * events, max(events + 1, events * rng.randint(120, 200) // 100))
            options.append([("evenement", "max_deelnemers_evenement", more, "evenement")])
        if not options:
            options.append([("tijdelijke_beperking", "honden", "niet toegestaan",
                             "beheerwerk")])
        return rng.choice(options)


def share(total: int, weights: Sequence[tuple[str, float]]) -> dict[str, int]:
    """``total`` split by weight (largest remainder), each at least one when there is room."""
    whole = sum(w for _, w in weights)
    exact = {name: total * w / whole for name, w in weights}
    counts = {name: int(v) for name, v in exact.items()}
    for name in sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)[
            :total - sum(counts.values())]:
        counts[name] += 1
    for name, count in list(counts.items()):
        if count == 0 and total >= len(weights):
            donor = max(counts, key=lambda k: counts[k])
            counts[donor] -= 1
            counts[name] = 1
    return counts
