"""The synthetic bijzondere-bijstand cases: standard maatwerk, an investigation for every
application. Half of the applicants are households that applied for bijstand before; the demo
household has one case under objection and one just received.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from maatwerk.simulate import history_texts as texts
from maatwerk.simulate.history_demo import DemoCases
from maatwerk.simulate.history_world import Run, SubjectRef, Timeline, weighted


class BijzondereBijstandCases(DemoCases):
    """Plans the bijzondere-bijstand cases."""

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
