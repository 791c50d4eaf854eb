"""The synthetic Wmo cases: standard maatwerk, the kitchen-table talk. A report by phone or
online, an investigation that weighs what own strength, usual help, informal care and general
provisions cover, then an application and the decision.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from maatwerk.simulate import history_texts as texts
from maatwerk.simulate.history_planning import FLAT, Planning
from maatwerk.simulate.history_world import Run, Timeline, weighted

HALF = Decimal("0.5")  # hours are counted in half hours
WMO_SEASON = {**FLAT, 1: 1.2, 2: 1.2, 7: 0.8, 8: 0.7, 12: 0.9}


class WmoCases(Planning):
    """Plans the Wmo cases."""

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
        need, covered = self._wmo_hours(provision)
        remaining = max(Decimal(0), need - sum(covered))
        aid = Decimal(rng.randint(80, 450) * 10) if provision == "hulpmiddel" else Decimal(0)
        adaptation = (Decimal(rng.randint(25, 180) * 100) if provision == "woningaanpassing"
                      else Decimal(0))
        if provision in ("hulp_bij_het_huishouden", "begeleiding"):
            amount = remaining if rng.random() < 0.85 or remaining <= 1 else remaining - HALF
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
        return {
            "date": day.isoformat(), "answers": answers, "provision": provision,
            "amount": str(amount),
            "motivation": f"Na de voorliggende stappen resteert {remaining} uur per week.",
            "report": _report(provision, story, limits, carer_needs)}

    def _wmo_hours(self, provision: str) -> tuple[Decimal, list[Decimal]]:
        """The hours of support needed a week, and the hours covered by own strength, usual
        help, informal care and general provisions: all of them without a provision, less than
        the need with one."""
        rng, half = self.rng, HALF
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
        return need, covered


def _report(provision: str, story: str, limits: str, carer_needs: bool) -> dict[str, str]:
    """The report of the kitchen-table talk."""
    fits = ("Past bij de woonsituatie en de voorkeuren van de cliënt."
            if provision != "geen_maatwerkvoorziening"
            else "De behoefte is gedekt door de voorliggende oplossingen.")
    return {
        "hulpvraag_en_beperkingen": f"{story} {limits}",
        "voorliggende_oplossingen": "Zie de uren per voorliggende stap in het onderzoek.",
        "mantelzorger": "De mantelzorger heeft ondersteuning nodig." if carer_needs
        else "De mantelzorger heeft geen ondersteuning nodig.",
        "samenwerking": "Geen afstemming met andere domeinen nodig.",
        "eigen_bijdrage": "De cliënt weet dat het abonnementstarief per huishouden geldt.",
        "passende_bijdrage": fits,
        "clientondersteuning": "Gewezen op gratis cliëntondersteuning.",
        "persoonsgebonden_budget": "Geïnformeerd over de mogelijkheid van een pgb."}
