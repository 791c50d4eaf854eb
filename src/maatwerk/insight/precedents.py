"""Precedents: for a case at hand, the most alike decided cases of the same regulation and how
maatwerk was applied there.

*Alike* is the distance of ``insight.nearest`` over the regulation's inputs (a Gower distance:
per fact, a difference scaled by that fact's spread and capped at 1, or 1 when it differs; the
nearest first, the most recent among equals). The search runs over an in-memory index of the
regulation's decided cases (``insight.precedent_index``), brought up to date before each search,
so it answers in milliseconds however large the case file.

For each precedent the answer says what was decided and by which layer: the reference and state,
the reference date and the day of the decision, the final outputs and the layer that decided
each, the policy categories applied, the deviations applied (clause and its article, output,
value before and after, ground), the requests for maatwerk and proposals with their fate, and
which facts differ from the case at hand. Besides the nearest cases, the nearest cases *with an
approved deviation* are given: what a caseworker considering maatwerk wants to see first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from maatwerk.cases.models import Case, Decision, DeviationRequest, Fact
from maatwerk.engine.decision import LAYERS
from maatwerk.insight.features import fact_features
from maatwerk.insight.precedent_index import DECIDED, index_for
from maatwerk.spec.build import build
from maatwerk.spec.model import Regulation
from maatwerk.spec.source import load_text

_BUILT: dict[str, Regulation] = {}


@dataclass
class Found:
    """The nearest decided cases, and the nearest with an approved deviation (each nearest
    first)."""

    nearest: list[dict[str, Any]] = field(default_factory=list)
    with_deviation: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"nearest": self.nearest, "with_deviation": self.with_deviation}


def regulation_of(case: Case) -> Regulation:
    """The regulation version a case is pinned to, rebuilt from its stored text once."""
    version = case.regulation_version
    found = _BUILT.get(version.sha256)
    if found is None:
        found = _BUILT[version.sha256] = build(load_text(
            version.source, f"{version.regulation}@{version.version}"))
    return found


def facts_of(s: Session, case_id: int) -> dict[str, Any]:
    """A case's facts as they stand (a later record of a fact supersedes an earlier one)."""
    return _here(s, case_id)[0]


def _here(s: Session, case_id: int) -> tuple[dict[str, Any], int | None]:
    """The case's facts and, in the same statement, the newest decision's id (None when the
    case has no facts)."""
    newest = select(func.max(Decision.id)).scalar_subquery()
    found: dict[str, Any] = {}
    top: int | None = None
    for name, value, latest in s.execute(select(Fact.name, Fact.value, newest)
                                         .where(Fact.case_id == case_id).order_by(Fact.id)):
        found[name] = value
        top = latest
    return found, top


def search(s: Session, case: Case, reg: Regulation | None = None, limit: int = 5) -> Found:
    """The precedents of ``case`` (see the module); ``reg`` gives the facts compared (default:
    the version the case is pinned to). Four statements: the case's facts (with the newest
    decision's id), the cases shown with their standing decisions, their facts, their
    requests — and, when something was decided since the last search, the index's update."""
    reg = reg or regulation_of(case)
    index = index_for(s, case.regulation, fact_features(reg))
    here, newest = _here(s, case.id)
    near, deviated = index.lookup(s, here, limit, exclude=case.id, newest=newest)
    shown = _details(s, {h.case_id for h in near} | {h.case_id for h in deviated}, here)
    return Found([{**shown[h.case_id], "distance": round(h.distance, 3)} for h in near
                  if h.case_id in shown],
                 [{**shown[h.case_id], "distance": round(h.distance, 3)} for h in deviated
                  if h.case_id in shown])


def precedents(s: Session, case: Case, limit: int = 5) -> list[dict[str, Any]]:
    """The ``limit`` most alike decided cases of ``case``'s regulation."""
    return search(s, case, limit=limit).nearest


def _details(s: Session, ids: set[int], here: dict[str, Any]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    standing: dict[int, Any] = {}
    # the case's columns and its standing decision, of which only the layers of the document
    # (its trace and explanation are large)
    for d in s.execute(select(Case.id, Case.reference, Case.state, Case.peildatum,
                              Decision.kind, Decision.status, Decision.outputs,
                              Decision.deciding_layer, Decision.decided_at,
                              Decision.document["layers"].label("layers"))
                       .join(Decision, Decision.case_id == Case.id)
                       .where(Case.id.in_(ids), Decision.kind.in_(DECIDED))
                       .order_by(Decision.id)):
        standing[d.id] = d
    requests: dict[int, list[dict[str, Any]]] = {}
    r = DeviationRequest
    for case_id, clause, output, value, ground, state, trigger in s.execute(
            select(r.case_id, r.clause, r.output, r.value, r.ground, r.state, r.trigger)
            .where(r.case_id.in_(ids)).order_by(r.id)):
        requests.setdefault(case_id, []).append({
            "clause": clause, "output": output, "value": value, "ground": ground,
            "state": state, "trigger": trigger})
    facts: dict[int, dict[str, Any]] = {}
    for case_id, name, value in s.execute(select(Fact.case_id, Fact.name, Fact.value).where(
            Fact.case_id.in_(ids)).order_by(Fact.id)):
        facts.setdefault(case_id, {})[name] = value
    return {i: _shown(d, requests.get(i, []), facts.get(i, {}), here)
            for i, d in standing.items()}


def _shown(decision: Any, requests: list[dict[str, Any]], facts: dict[str, Any],
           here: dict[str, Any]) -> dict[str, Any]:
    layers = decision.layers or []
    categories = [{"id": c.get("id"), "label": c.get("label")}
                  for layer in layers for c in layer.get("categories", [])]
    applied = [{"clause": d.get("clause"), "legal_basis": d.get("legal_basis"),
                "output": d.get("output"), "standard": d.get("standard"),
                "value": d.get("value"), "ground": d.get("ground"),
                "ground_label": d.get("ground_label")}
               for layer in layers for d in layer.get("deviations", [])]
    deciding = decision.deciding_layer or {}
    top = max(deciding.values(), key=LAYERS.index, default=None)
    decided_at = decision.decided_at
    return {
        "id": decision.id, "reference": decision.reference, "state": decision.state,
        "peildatum": decision.peildatum.isoformat(),
        "decided_on": decided_at.date().isoformat() if isinstance(decided_at, dt.datetime)
        else None,
        "kind": decision.kind, "status": decision.status, "outputs": decision.outputs,
        "deciding_layer": deciding, "layer": top, "categories": categories,
        "deviations": applied, "requests": requests,
        "differs": {k: facts.get(k) for k in sorted(facts.keys() | here.keys())
                    if facts.get(k) != here.get(k)}}
