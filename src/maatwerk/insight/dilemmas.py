"""The dilemma monitor: the tension between maatwerk and five other values, measured from the
case file per regulation, team, caseworker and period (``docs/insight.md`` defines each figure).

- equality — do alike cases get alike outcomes? (``equality``)
- legal certainty — how often and how far do final outcomes depart from the standard outcome?
  (``efficiency`` for how often, ``certainty`` for how far)
- efficiency — lead time and manual share per discretion class; what deviations cost
  (``efficiency``, ``certainty.cost``)
- transparency — motivation and legal basis present; objections and how they fare
  (``transparency``)
- arbitrariness — deviation rates of caseworkers and teams against funnel limits
  (``arbitrariness``)

``alarms`` lists what the monitor flags: the outliers of the arbitrariness funnels.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from maatwerk.insight import certainty, equality, transparency
from maatwerk.insight.arbitrariness import arbitrariness
from maatwerk.insight.cohort import SEED, Cohort
from maatwerk.insight.efficiency import efficiency
from maatwerk.spec.model import Regulation


def alarms(funnels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The outliers of the arbitrariness funnels, highest rate first."""
    found = []
    for f in funnels:
        for level in ("caseworkers", "teams"):
            for point in f[level]["points"]:
                if point["outlier"]:
                    found.append({"dilemma": "arbitrariness", "regulation": f["regulation"],
                                  "level": level[:-1], "name": point["name"],
                                  "judgement": point["judgement"], "cases": point["cases"],
                                  "rate": point["rate"], "target": f[level]["target"]})
    return sorted(found, key=lambda x: (x["regulation"], x["level"], -(x["rate"] or 0)))


def dilemmas(s: Session, cohort: Cohort, regulations: Mapping[str, Regulation], *,
             equality_sample: int = equality.SAMPLE,
             certainty_sample: int = certainty.SAMPLE, seed: int = SEED) -> dict[str, Any]:
    """Every figure of the dilemma monitor for the cohort's period (and regulation)."""
    period = cohort.period
    work = efficiency(s, cohort)
    sure = certainty.certainty(s, cohort, certainty_sample, seed)
    funnels = arbitrariness(s, cohort, regulations)
    return {
        "filter": period.to_json(),
        "equality": equality.equality(s, cohort, regulations, equality_sample, seed),
        "legal_certainty": {"how_often": work["manual"]["regulation"],
                            "how_far": sure["how_far"], "sample": sure["sample"],
                            "seed": sure["seed"]},
        "efficiency": {"lead_times": work["lead_times"], "manual": work["manual"],
                       "cost": sure["cost"]},
        "transparency": {"motivated": transparency.motivated(s, period),
                         "legal_basis": transparency.legal_basis(s, period, regulations),
                         "objections": transparency.objections(s, cohort),
                         "objections_by_rule": transparency.objections_by_rule(s, period)},
        "arbitrariness": funnels,
        "alarms": alarms(funnels),
    }
