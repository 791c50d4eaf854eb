"""The terms of a case: computed and stored when their starting event happens, met when the
step they are for is taken, and queried as due or overdue.

Awb terms: the decision within eight weeks of the application (art. 4:13 lid 2, unless the
regulation declares its own), an objection within six weeks of the announcement (art. 6:7), and
the decision on an objection within six weeks of the end of that term (art. 7:10 lid 1).
A regulation with an assessment declares its own terms (for the Wmo: the investigation within
six weeks of the report, the decision within two weeks of the application), each running from
the event it names: ``melding`` (the case was submitted) or ``aanvraag`` (the application). A
regulation that declares terms from the report (``melding``) is submitted as a report and gets
its decision term with the application; any other is submitted as the application and gets its
decision term then: its own terms from ``aanvraag``, else the Awb's eight weeks. Every case gets
a decision term that way. A declared term from an event the case file does not record (a
driving test's report) is not started by it.

The objection term is the citizen's, not work of the organisation: when it passes unused it is
``expired``, never overdue. Withdrawing a case closes its open terms (``closed_as``).

A claim on a fact has a term of its own (kind ``verificatietermijn_<claim id>``): it is verified
within the case's earliest open decision term, if there is one (the decision must rest on
verified facts, Awb art. 3:2), and in any case within eight weeks (Awb art. 4:13: a reasonable
term, which has passed after eight weeks; a claim after the decision asks, in effect, for a new
decision). Accepting or refusing it meets it; only that does: deciding the case does not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from maatwerk.spec.model import Regulation

DECISION = "beslistermijn"
OBJECTION = "bezwaartermijn"
OBJECTION_DECISION = "beslistermijn_bezwaar"
PARTY_TERMS = frozenset({OBJECTION})  # terms of the citizen: expired when unused, never overdue
AWB_DECISION_WEEKS = 8
CLAIM = "verificatietermijn"  # a claim's term: kind 'verificatietermijn_<claim id>'


@dataclass(frozen=True)
class Term:
    kind: str
    label: str
    starts: dt.date
    due: dt.date
    reference: str


def _declared(reg: Regulation, event: str, day: dt.date) -> list[Term]:
    frame = reg.assessment
    if frame is None:
        return []
    return [Term(name, d.label.nl, day, day + dt.timedelta(days=d.days), d.reference or "")
            for name, d in frame.deadlines.items() if d.start == event]


def _awb(day: dt.date) -> Term:
    return Term(DECISION, "Beslistermijn", day, day + dt.timedelta(weeks=AWB_DECISION_WEEKS),
                "Awb art. 4:13 lid 2")


def on_submit(reg: Regulation, day: dt.date) -> list[Term]:
    """The terms that start when a case is submitted: those of the report, or (the submission
    is the application) those of the application."""
    return _declared(reg, "melding", day) or on_apply(reg, day)


def on_apply(reg: Regulation, day: dt.date) -> list[Term]:
    """The terms that start with the application: the regulation's own, else the Awb's."""
    return _declared(reg, "aanvraag", day) or [_awb(day)]


def on_announce(day: dt.date) -> list[Term]:
    return [Term(OBJECTION, "Bezwaartermijn", day, day + dt.timedelta(weeks=6), "Awb art. 6:7")]


def on_object(announced: dt.date) -> list[Term]:
    end = announced + dt.timedelta(weeks=6)
    return [Term(OBJECTION_DECISION, "Beslistermijn bezwaar", end, end + dt.timedelta(weeks=6),
                 "Awb art. 7:10 lid 1")]


def claim_kind(claim_id: int) -> str:
    """The kind of the term of claim ``claim_id`` (one term per claim)."""
    return f"{CLAIM}_{claim_id}"


def is_claim(kind: str) -> bool:
    return kind.startswith(CLAIM + "_")


def on_claim(claim_id: int, fact: str, day: dt.date,
             open_terms: list[tuple[str, dt.date]]) -> Term:
    """The term of a claim lodged on ``day``, given the case's open terms (kind, due): the
    earliest open decision term, at most eight weeks, never before ``day``."""
    due = day + dt.timedelta(weeks=AWB_DECISION_WEEKS)
    reference = "Awb art. 4:13 lid 2 (redelijke termijn, uiterlijk 8 weken)"
    work = [d for kind, d in open_terms if kind not in PARTY_TERMS and not is_claim(kind)]
    if work and min(work) < due:
        due = max(day, min(work))
        reference = "Awb art. 3:2 en 4:13 (binnen de beslistermijn van de zaak)"
    return Term(claim_kind(claim_id), f"Verificatie gegeven {fact}", day, due, reference)


def closed_by(action: str) -> str | None:
    """Why an action ends the open terms unmet ('withdrawn'), or None."""
    return "withdrawn" if action == "withdraw" else None


def status(kind: str, due: dt.date, met_on: dt.date | None, closed_as: str | None,
           today: dt.date) -> str:
    """met, a closing reason (withdrawn), expired (a citizen's term passed unused), overdue or
    due."""
    if met_on is not None:
        return "met"
    if closed_as is not None:
        return closed_as
    if due < today:
        return "expired" if kind in PARTY_TERMS else "overdue"
    return "due"


def met_by(action: str, reg: Regulation) -> set[str] | None:
    """The kinds of term an action meets (None: every open term but the objection terms and the
    terms of claims)."""
    if action == "record_assessment" and reg.assessment is not None:
        return {n for n, d in reg.assessment.deadlines.items() if d.start == "melding"}
    if action == "decide":
        return None
    if action == "object":
        return {OBJECTION}
    if action == "decide_objection":
        return {OBJECTION_DECISION}
    return set()
