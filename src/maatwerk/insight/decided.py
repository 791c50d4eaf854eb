"""The decided cases of one regulation in a period, as the crystallisation loop reads them: each
case's facts as they stand and the deviations approved in it.

A case counts when its standing decision (its latest decision, re-decision or correction) was
taken in the period. Three statements, whatever the number of cases: the cases, their facts (a
later record of a fact supersedes an earlier one) and their approved deviations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from maatwerk.cases.models import Case, DeviationRequest, Fact
from maatwerk.insight.dashboard import Period, standing_decisions


@dataclass(frozen=True)
class Approved:
    """An approved deviation: the clause, the output it changed, the ground and the value."""

    clause: str
    output: str
    ground: str
    value: Any


@dataclass
class DecidedCase:
    case_id: int
    reference: str
    peildatum: dt.date
    decided_at: dt.datetime
    facts: dict[str, Any] = field(default_factory=dict)
    deviations: list[Approved] = field(default_factory=list)


def decided_cases(s: Session, regulation: str, period: Period) -> list[DecidedCase]:
    """The cases of ``regulation`` whose standing decision falls in ``period``, in case order."""
    standing = standing_decisions()
    where = [Case.regulation == regulation, *period.times(standing.c.decided_at)]
    found: dict[int, DecidedCase] = {}
    for case_id, reference, peildatum, decided_at in s.execute(
            select(Case.id, Case.reference, Case.peildatum, standing.c.decided_at)
            .join(standing, standing.c.case_id == Case.id).where(*where).order_by(Case.id)):
        found[case_id] = DecidedCase(case_id, reference, peildatum, decided_at)
    if not found:
        return []
    for case_id, name, value in s.execute(
            select(Fact.case_id, Fact.name, Fact.value)
            .join(Case, Case.id == Fact.case_id)
            .join(standing, standing.c.case_id == Case.id).where(*where).order_by(Fact.id)):
        found[case_id].facts[name] = value
    d = DeviationRequest
    for case_id, clause, output, ground, value in s.execute(
            select(d.case_id, d.clause, d.output, d.ground, d.value)
            .join(Case, Case.id == d.case_id)
            .join(standing, standing.c.case_id == Case.id)
            .where(*where, d.state == "approved").order_by(d.id)):
        if clause and output and ground:
            found[case_id].deviations.append(Approved(clause, output, ground, value))
    return list(found.values())
