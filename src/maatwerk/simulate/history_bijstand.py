"""The synthetic bijstand cases: policy categories and hardship clauses, with the planted
patterns (the deviating caseworker, the mantelzorg households and the assertive-citizen
effect; see ``maatwerk.simulate.history``). Every decision considers art. 18 lid 1
(afstemming); art. 16 lid 1 (dringende redenen) and art. 18 lid 2 (a milder cut) are proposed
where they apply.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from maatwerk.cases.service import Actor
from maatwerk.engine.decide import decider
from maatwerk.simulate import history_texts as texts
from maatwerk.simulate.history_demo import DemoCases
from maatwerk.simulate.history_world import Run, Timeline, birth_date, cents, weighted

AOW_AGE = 67  # the AOW age in 2024 and 2025 (SVB)


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


class BijstandCases(DemoCases):
    """Plans the bijstand cases (and, when they fit, the demo household's)."""

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
        self._considered(case)
        decided_by = case.approver if case.approved or rng.random() < 0.3 else cw
        late = rng.random() < 0.08
        self.conclude(tl, cw, decided_by, wait=(8, 25) if late else (0, 4))
        rate = (0.2 if case.refused else 0.15 if facts["categorie_gedraging"] != "geen"
                else 0.035)
        self.objection(tl, regulation, team, decided_by, rate)
        if mantelzorg is None and handler is None and self.stalled(arrival):
            self.stall(run, "start")
        return run

    def _considered(self, case: Bijstand) -> None:
        """Art. 18 lid 1 (afstemming) is considered in every decision: a deviation, or else a
        recorded consideration."""
        rng, tl = self.rng, case.tl
        afstemming = self._afstemming(case)
        if afstemming == "approved":
            case.approved.append("afstemming")
        else:
            case.refused = case.refused or afstemming == "refused"
            tl.staff(0, 1)
            motivation = rng.choice(
                texts.CONSIDERED_AFTER_REFUSAL if afstemming == "refused" else
                texts.CONSIDERED_MANTELZORG if case.mantelzorg is not None else texts.CONSIDERED)
            tl.add("consider", self.acts.consider(case.cw, "afstemming", motivation))

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
        return self._propose_afstemming(case, key, value, motivation, answers=answers,
                                        approve=approve)

    def _propose_afstemming(self, case: Bijstand, key: str, value: str, motivation: str, *,
                            answers: bool, approve: bool) -> str:
        """Propose the deviation under art. 18 lid 1 and approve or refuse it; the outcome."""
        acts, tl = self.acts, case.tl
        tl.run.tags.append(f"afstemming-{'request' if answers else 'flag'}")
        tl.soon()
        tl.add("propose_deviation", acts.propose_deviation(
            case.cw, key, clause="afstemming", output="bijstandsnorm", value=value,
            ground="omstandigheden", motivation=motivation, answers=answers))
        tl.staff(1, 5)
        if approve:
            tl.add("approve_deviation", acts.approve(case.approver, key))
            return "approved"
        tl.add("refuse_deviation", acts.refuse(case.approver, key,
                                               self.rng.choice(texts.REFUSE_PROPOSAL)))
        return "refused"
