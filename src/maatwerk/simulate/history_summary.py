"""What a synthetic history holds, counted from the case file: cases by state, decisions by
deciding layer, deviations, investigations, considerations, objections, overdue cases and the
audit chain; and the three planted patterns as the case file shows them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from maatwerk.cases import audit
from maatwerk.cases.db import Database
from maatwerk.cases.models import (
    Assessment,
    AuditEntry,
    Case,
    Consideration,
    Deadline,
    Decision,
    DeviationRequest,
    Fact,
    Objection,
    User,
)
from maatwerk.simulate.history_people import DEVIANT
from maatwerk.simulate.history_planning import Window
from maatwerk.simulate.history_world import Run


@dataclass
class Summary:
    """What the history holds, counted from the case file."""

    seed: int
    start: dt.date
    today: dt.date
    cases: dict[str, dict[str, int]]  # regulation -> state -> cases
    layers: dict[str, dict[str, int]]  # regulation -> layer -> decisions it decided an output in
    deviations: dict[str, int]  # "trigger state" -> rows
    assessments: dict[str, int]
    considerations: int
    objections: dict[str, int]
    overdue: int  # open cases with a term that has passed
    audit_entries: int
    audit_ok: bool | None
    seconds: float
    failures: list[str] = field(default_factory=list)
    planted: dict[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(sum(states.values()) for states in self.cases.values())


def summarise(db: Database, span: Window, seed: int, *, verify: bool = True) -> Summary:
    """Count the history in the case file."""
    with db.reading() as s:
        cases: dict[str, dict[str, int]] = defaultdict(dict)
        for regulation, state, n in s.execute(select(Case.regulation, Case.state, func.count())
                                              .group_by(Case.regulation, Case.state)):
            cases[regulation][state] = n
        layers: dict[str, dict[str, int]] = defaultdict(Counter)
        for regulation, deciding in s.execute(
                select(Case.regulation, Decision.deciding_layer).join(
                    Case, Case.id == Decision.case_id).where(Decision.kind == "decision")):
            for layer in set(deciding.values()):
                layers[regulation][layer] += 1
        deviations = Counter(f"{trigger} {state}" for trigger, state in s.execute(
            select(DeviationRequest.trigger, DeviationRequest.state)))
        assessments = Counter(r for (r,) in s.execute(
            select(Case.regulation).join(Assessment, Assessment.case_id == Case.id)))
        considerations = s.execute(select(func.count()).select_from(Consideration)).scalar_one()
        objections = Counter(state for (state,) in s.execute(select(Objection.state)))
        overdue = s.execute(select(func.count(func.distinct(Deadline.case_id))).join(
            Case, Case.id == Deadline.case_id).where(
            Deadline.met_on.is_(None), Deadline.due < span.today,
            Case.state.not_in(("withdrawn", "decided", "announced", "objection_decided")))
        ).scalar_one()
        entries = s.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
        checked = audit.verify(s).ok if verify else None
    return Summary(seed=seed, start=span.start, today=span.today,
                   cases={k: dict(sorted(v.items())) for k, v in sorted(cases.items())},
                   layers={k: dict(sorted(v.items())) for k, v in sorted(layers.items())},
                   deviations=dict(sorted(deviations.items())),
                   assessments=dict(sorted(assessments.items())), considerations=considerations,
                   objections=dict(sorted(objections.items())), overdue=overdue,
                   audit_entries=entries, audit_ok=checked, seconds=0.0)


def _rate(approved: int, refused: int) -> float | None:
    return round(approved / (approved + refused), 3) if approved + refused else None


def planted_patterns(db: Database, runs: list[Run] | None = None) -> dict[str, Any]:
    """The three planted patterns as the case file shows them (``runs``: the plan, which also
    knows the households in the mantelzorg situation that never said so)."""
    with db.reading() as s:
        users = {u.id: u.username for u in s.execute(select(User).where(
            User.role == "caseworker")).scalars()}
        handled = Counter(a for (a,) in s.execute(select(Case.assigned_to).where(
            Case.regulation == "bijstand", Case.assigned_to.is_not(None))))
        rows = s.execute(select(DeviationRequest, Case.regulation).join(
            Case, Case.id == DeviationRequest.case_id)).all()
        bijstand = [r for r, regulation in rows if regulation == "bijstand"]
        flags = Counter(r.proposed_by for r in bijstand if r.trigger == "flag")
        rates = {users[u]: round(flags[u] / n, 3) for u, n in handled.items() if u in users}
        peers = sorted(v for k, v in rates.items() if k != DEVIANT)
        pattern = [r for r in bijstand if r.clause == "afstemming"
                   and r.ground == "omstandigheden" and "mantelzorg" in r.motivation.lower()]
        facts: dict[int, dict[str, Any]] = defaultdict(dict)
        for case_id, name, value in s.execute(select(Fact.case_id, Fact.name, Fact.value).where(
                Fact.case_id.in_({r.case_id for r in pattern})).order_by(Fact.id)):
            facts[case_id][name] = value
        alike = [r for r in pattern if facts[r.case_id].get("leefvorm") == "alleenstaand"
                 and facts[r.case_id].get("aantal_kostendelers") == 2]
        outcome: dict[str, Counter[str]] = {"request": Counter(), "flag": Counter()}
        for r in bijstand:
            if r.trigger in outcome and r.clause:
                outcome[r.trigger][r.state] += 1
        granted = {r.case_id for r in bijstand if r.clause == "afstemming"
                   and r.state == "approved"}
    result: dict[str, Any] = {
        "deviant": {"caseworker": DEVIANT, "cases": handled.get(
            next((i for i, n in users.items() if n == DEVIANT), -1), 0),
            "flag_rate": rates.get(DEVIANT, 0.0),
            "peer_median_flag_rate": peers[len(peers) // 2] if peers else 0.0},
        "recurring": {"clause": "afstemming", "ground": "omstandigheden",
                      "deviations": len(pattern), "alike_facts": len(alike),
                      "approved": sum(1 for r in pattern if r.state == "approved"),
                      "values": sorted({str(r.value) for r in pattern})},
        "assertive": {"requested": _approval(outcome["request"]),
                      "flagged": _approval(outcome["flag"])},
    }
    if runs is not None:
        result["assertive"].update(_alike(runs, granted))
    return result


def _approval(states: Counter[str]) -> dict[str, Any]:
    """Deviations approved and refused, and the rate of approval."""
    return {"approved": states["approved"], "refused": states["refused"],
            "rate": _rate(states["approved"], states["refused"])}


def _alike(runs: list[Run], granted: set[int]) -> dict[str, dict[str, int]]:
    """The households in the mantelzorg situation that asked for maatwerk and those that did
    not, and how many of each got the deviation."""
    alike_runs = [r for r in runs if "mantelzorg" in r.tags and r.case_id]
    result = {}
    for label, asked in (("alike_asked", True), ("alike_not_asked", False)):
        group = [r for r in alike_runs if ("requested" in r.tags) == asked]
        result[label] = {"households": len(group),
                         "granted": sum(1 for r in group if r.case_id in granted)}
    return result
