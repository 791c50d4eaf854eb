"""The synthetic CBR cases: a policy category (the medical route) with an assessment inside it,
the medical adviser's judgement of fitness to drive.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from maatwerk.simulate import history_texts as texts
from maatwerk.simulate.history_planning import FLAT, Planning
from maatwerk.simulate.history_world import Run, Timeline, birth_date, cents, weighted

CBR_SEASON = {**FLAT, 7: 0.8, 8: 0.8}


class CbrCases(Planning):
    """Plans the CBR cases."""

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
