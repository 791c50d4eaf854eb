"""The synthetic Staatsbosbeheer cases: terrains as subjects, a case per visit of the ranger,
with temporary measures that fit the season, approved by the head of the unit (the rules are
illustrative).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from maatwerk.engine.decide import decider
from maatwerk.simulate import history_texts as texts
from maatwerk.simulate.history_planning import Planning
from maatwerk.simulate.history_world import Run, SubjectRef, Timeline, weighted


class StaatsbosbeheerCases(Planning):
    """Plans the Staatsbosbeheer cases."""

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
