"""Efficiency: what does maatwerk cost in time and in hands?

Of the cases decided in the period, per regulation and *discretion class* — decided with an
approved deviation, with a recorded investigation (and no deviation), or by the rules alone (the
standard rules and the policy categories) — the number of cases, their share, and the lead time
from receipt to the first decision: median and 90th percentile (nearest rank) and mean, in days.
The *manual share* is the share of cases decided with discretion (a person set the outcome,
within a declared frame), per regulation, team and caseworker; seen from legal certainty it is
how often the outcome departs from the rules by discretion (``certainty``). What the deviations
cost in money is ``maatwerk.insight.certainty.cost``.

One ``GROUP BY`` of the cohort (``maatwerk.insight.cohort``) by regulation, team, caseworker,
class and number of days:
the percentiles are read exactly from those counts (a histogram of days), so no case is sorted
or walked one by one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from maatwerk.insight import dashboard
from maatwerk.insight.cohort import Cohort
from maatwerk.insight.dashboard import share

CLASSES = ("rules", "assessment", "deviation")
MANUAL = ("assessment", "deviation")


def nearest_rank(histogram: dict[int, int]) -> dict[str, Any]:
    """Count (as ``cases``), median, 90th percentile (the value at rank ⌈p·n⌉) and mean of a
    histogram of days (``maatwerk.insight.dashboard.nearest_rank``)."""
    found = dashboard.nearest_rank(histogram)
    return {"cases": found.pop("decided"), **found}


def efficiency(s: Session, cohort: Cohort) -> dict[str, Any]:
    """Lead times per regulation and discretion class; the manual share per regulation, team
    and caseworker."""
    lead: dict[tuple[str, str], dict[int, int]] = {}
    for row in cohort.days(s):
        histogram = lead.setdefault((row.regulation, row.how), {})
        histogram[int(row.days)] = histogram.get(int(row.days), 0) + int(row.n)
    manual: dict[str, dict[tuple[str, ...], list[int]]] = {"regulation": {}, "team": {},
                                                           "caseworker": {}}
    for row in cohort.units(s):
        for level, key in (("regulation", (row.regulation,)), ("team", (row.regulation, row.team)),
                           ("caseworker", (row.regulation, row.caseworker, row.team))):
            total = manual[level].setdefault(key, [0, 0, 0])
            total[0] += int(row.n)
            if row.how in MANUAL:
                total[MANUAL.index(row.how) + 1] += int(row.n)
    totals = {key[0]: n for key, (n, *_) in manual["regulation"].items()}
    names = {"regulation": ("regulation",), "team": ("regulation", "team"),
             "caseworker": ("regulation", "caseworker", "team")}
    return {
        "lead_times": [{"regulation": regulation, "discretion": klass,
                        **nearest_rank(lead[(regulation, klass)]),
                        "share": share(sum(lead[(regulation, klass)].values()),
                                       totals[regulation])}
                       for regulation in sorted(totals) for klass in CLASSES
                       if (regulation, klass) in lead],
        "manual": {level: [{**dict(zip(names[level], key, strict=True)), "decided": n,
                            "assessment": a, "deviation": d, "manual": a + d,
                            "share": share(a + d, n)}
                           for key, (n, a, d) in sorted(found.items())]
                   for level, found in manual.items()},
    }
