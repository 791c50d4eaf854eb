"""Arbitrariness: does a caseworker or a team deviate more (or less) often than chance explains?

Per regulation, for each caseworker and each team: the cases decided in the period and how many
of them have an approved deviation (the *deviation rate*), set in a funnel plot against the
regulation's overall rate (``maatwerk.insight.funnel``): a caseworker or team outside the 99.8 %
control limits with at least ten cases is an outlier. Regulations are compared only with
themselves: a regulation that declares no individual hardship clause (zorgtoeslag) and had no
deviation is left out.

Counted from the cohort's counts per unit (``maatwerk.insight.cohort``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from maatwerk.insight.cohort import Cohort
from maatwerk.insight.funnel import Unit, funnel
from maatwerk.spec.model import Regulation


def counts(s: Session, cohort: Cohort) -> list[tuple[str, str, str, int, int]]:
    """Per regulation, caseworker and team: cases decided, cases with an approved deviation."""
    found: dict[tuple[str, str, str], list[int]] = {}
    for row in cohort.units(s):
        total = found.setdefault((row.regulation, row.caseworker, row.team), [0, 0])
        total[0] += int(row.n)
        total[1] += int(row.n) if row.how == "deviation" else 0
    return [(r, w, t, n, x) for (r, w, t), (n, x) in sorted(found.items())]


def can_deviate(reg: Regulation | None) -> bool:
    return reg is not None and any(c.level == "individual" for c in reg.hardship.values())


def arbitrariness(s: Session, cohort: Cohort,
                  regulations: Mapping[str, Regulation]) -> list[dict[str, Any]]:
    """Per regulation: the funnel of its caseworkers and of its teams, with the outliers."""
    by_regulation: dict[str, list[tuple[str, str, int, int]]] = {}
    for regulation, worker, team, n, x in counts(s, cohort):
        by_regulation.setdefault(regulation, []).append((worker, team, n, x))
    found = []
    for regulation, rows in sorted(by_regulation.items()):
        if not can_deviate(regulations.get(regulation)) and not any(x for *_, x in rows):
            continue
        teams: dict[str, list[int]] = {}
        for _, team, n, x in rows:
            total = teams.setdefault(team, [0, 0])
            total[0] += n
            total[1] += x
        workers = funnel([Unit(worker, n, x, (("team", team),))
                          for worker, team, n, x in rows])
        found.append({"regulation": regulation, "caseworkers": workers,
                      "teams": funnel([Unit(team, n, x) for team, (n, x) in
                                       sorted(teams.items())])})
    return found
