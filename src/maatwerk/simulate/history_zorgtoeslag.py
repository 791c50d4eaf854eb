"""The synthetic zorgtoeslag cases: standardisation, one rule for everyone. Persons apply,
mostly online; a few ask for maatwerk and are refused (the Awir has no hardship clause).
"""

from __future__ import annotations

from typing import Any

from maatwerk.simulate import history_texts as texts
from maatwerk.simulate.history_planning import FLAT, Planning
from maatwerk.simulate.history_world import Run, Timeline, weighted

ZORGTOESLAG_SEASON = {**FLAT, 1: 1.8, 2: 1.3, 12: 1.2, 7: 0.8, 8: 0.7}


class ZorgtoeslagCases(Planning):
    """Plans the zorgtoeslag cases."""

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
