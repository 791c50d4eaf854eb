"""Precedents: for a case at hand, the most alike decided cases of the same regulation and how
maatwerk was applied there.

Alike means: the same regulation, and facts close together — each numeric fact's difference
divided by that fact's spread over the decided cases (so an income and an age weigh alike), each
other fact counting 1 when it differs. The nearest cases come first.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from maatwerk.cases.models import Case, Decision, DeviationRequest, Fact


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _facts(session: Session, case_ids: list[int]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {i: {} for i in case_ids}
    rows = session.execute(select(Fact.case_id, Fact.name, Fact.value).where(
        Fact.case_id.in_(case_ids)).order_by(Fact.id))
    for case_id, name, value in rows:
        out[case_id][name] = value
    return out


def distance(a: dict[str, Any], b: dict[str, Any], spread: dict[str, Decimal]) -> float:
    total = 0.0
    for name in a.keys() | b.keys():
        x, y = a.get(name), b.get(name)
        nx, ny = _number(x), _number(y)
        if nx is not None and ny is not None and name in spread:
            total += float(abs(nx - ny) / spread[name])
        elif x != y:
            total += 1.0
    return total


def precedents(session: Session, case: Case, limit: int = 5,
               pool: int = 2000) -> list[dict[str, Any]]:
    """The ``limit`` most alike decided cases (searched among the ``pool`` latest)."""
    decided = session.execute(select(Case.id, Case.reference).where(
        Case.regulation == case.regulation, Case.id != case.id,
        Case.state.in_(("decided", "announced", "objection", "objection_decided")))
        .order_by(Case.id.desc()).limit(pool)).all()
    if not decided:
        return []
    ids = [i for i, _ in decided]
    facts = _facts(session, [*ids, case.id])
    here = facts.pop(case.id)
    spread: dict[str, Decimal] = {}
    for name in here:
        values = [n for f in facts.values() if (n := _number(f.get(name))) is not None]
        if values and max(values) > min(values):
            spread[name] = max(values) - min(values)
    ranked = sorted(ids, key=lambda i: distance(here, facts[i], spread))[:limit]
    refs = dict(decided)
    out = []
    for case_id in ranked:
        decision = session.execute(select(Decision).where(
            Decision.case_id == case_id, Decision.kind.in_(("decision", "redecision")))
            .order_by(Decision.id.desc()).limit(1)).scalar_one_or_none()
        deviations = session.execute(select(DeviationRequest).where(
            DeviationRequest.case_id == case_id)).scalars().all()
        out.append({
            "id": case_id, "reference": refs[case_id],
            "distance": round(distance(here, facts[case_id], spread), 3),
            "facts": facts[case_id],
            "outputs": decision.outputs if decision else {},
            "deciding_layer": decision.deciding_layer if decision else {},
            "deviations": [{"clause": d.clause, "output": d.output, "value": d.value,
                            "ground": d.ground, "state": d.state} for d in deviations],
        })
    return out
