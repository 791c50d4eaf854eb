"""Reading the case file: a case with its whole record, lists of cases and terms, a case's audit
trail and the verification of the chain. Everything as of the case file's date.

A case's decisions each say whether they are ``provisional``: a pending claim disputes a fact
they rest on (``disputed`` names the claims; see ``maatwerk.cases.provisional``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import false, func, select

from maatwerk.cases import audit, deadlines, provisional, views
from maatwerk.cases.claims import claims_of
from maatwerk.cases.errors import CaseError
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
)
from maatwerk.cases.service import MAX_WITHIN_DAYS, PAGE_SIZE, Actor, CaseService, paging

AUDITORS = ("administrator", "manager")


class Reading(CaseService):
    def get(self, actor: Actor, case_id: int) -> dict[str, Any]:
        today = self.today()
        with self.db.reading() as s:
            c = self.case_row(s, actor, case_id)
            data = views.case(c)
            facts = s.execute(select(Fact).where(Fact.case_id == c.id).order_by(Fact.id)
                              ).scalars().all()
            data["facts"] = [views.fact(f) for f in facts]
            data["current_facts"] = {f.name: f.value for f in facts}
            data["decisions"] = [views.decision(d) for d in s.execute(
                select(Decision).where(Decision.case_id == c.id).order_by(Decision.id)
            ).scalars()]
            data["deviations"] = [views.deviation(r) for r in s.execute(
                select(DeviationRequest).where(DeviationRequest.case_id == c.id)
                .order_by(DeviationRequest.id)).scalars()]
            data["assessments"] = [{"id": a.id, "record": a.record, "assessor_id": a.assessor_id}
                                   for a in s.execute(select(Assessment).where(
                                       Assessment.case_id == c.id).order_by(Assessment.id)
                                   ).scalars()]
            data["considerations"] = [{"clause": n.clause, "motivation": n.motivation,
                                       "by": n.by_id} for n in s.execute(
                select(Consideration).where(Consideration.case_id == c.id)
                .order_by(Consideration.id)).scalars()]
            data["objections"] = [views.objection(o) for o in s.execute(
                select(Objection).where(Objection.case_id == c.id).order_by(Objection.id)
            ).scalars()]
            data["deadlines"] = [views.deadline(d, today) for d in s.execute(
                select(Deadline).where(Deadline.case_id == c.id).order_by(Deadline.due)
            ).scalars()]
            data["claims"] = claims_of(s, c.id, today)
            provisional.mark(data["decisions"], data["claims"], self.registry, self.pinned(c))
            return data

    def list_cases(self, actor: Actor, *, state: str | None = None, regulation: str | None = None,
                   page: int = 1, size: int = PAGE_SIZE) -> dict[str, Any]:
        page, size = paging(page, size)
        with self.db.reading() as s:
            query = select(Case)
            if actor.role == "citizen":
                query = query.where(Case.subject_id == (actor.subject_id or -1))
            if "\x00" in f"{state or ''}{regulation or ''}":  # no text holds it: no case has it
                query = query.where(false())
            if state:
                query = query.where(Case.state == state)
            if regulation:
                query = query.where(Case.regulation == regulation)
            total = s.execute(select(func.count()).select_from(query.subquery())).scalar_one()
            rows = s.execute(query.order_by(Case.id.desc()).offset((page - 1) * size)
                             .limit(size)).unique().scalars().all()
            return {"items": [views.case(c) for c in rows], "page": page, "size": size,
                    "total": total}

    def deadlines(self, actor: Actor, status: str = "due", *, within_days: int = 14,
                  today: dt.date | None = None, page: int = 1,
                  size: int = PAGE_SIZE) -> dict[str, Any]:
        """Open terms that are due within ``within_days`` (``due``) or have passed
        (``overdue``), soonest first. A citizen's own term (the objection term) that passed
        unused is expired, not overdue: it is nobody's work."""
        if status not in ("due", "overdue"):
            raise CaseError("MW809", "status is 'due' or 'overdue'", path="status", got=status)
        if not 0 <= within_days <= MAX_WITHIN_DAYS:
            raise CaseError("MW809", f"within_days is a number of days from 0 to "
                            f"{MAX_WITHIN_DAYS}", path="within_days", got=within_days)
        page, size = paging(page, size)
        today = today or self.today()
        with self.db.reading() as s:
            query = select(Deadline).join(Case, Case.id == Deadline.case_id).where(
                Deadline.met_on.is_(None), Deadline.closed_on.is_(None),
                Case.state.not_in(("withdrawn",)))
            if actor.role == "citizen":
                query = query.where(Case.subject_id == (actor.subject_id or -1))
            if status == "overdue":
                query = query.where(Deadline.due < today,
                                    Deadline.kind.not_in(deadlines.PARTY_TERMS))
            else:
                query = query.where(Deadline.due >= today,
                                    Deadline.due <= today + dt.timedelta(days=within_days))
            total = s.execute(select(func.count()).select_from(query.subquery())).scalar_one()
            rows = s.execute(query.order_by(Deadline.due, Deadline.id)
                             .offset((page - 1) * size).limit(size)).scalars().all()
            return {"items": [views.deadline(d, today) for d in rows], "page": page,
                    "size": size, "total": total}

    def audit_trail(self, actor: Actor, case_id: int) -> list[dict[str, Any]]:
        with self.db.reading() as s:
            c = self.case_row(s, actor, case_id)
            if actor.role == "citizen":
                raise CaseError("MW802", "the audit trail is for staff", got=actor.role)
            return [views.audit(e) for e in s.execute(
                select(AuditEntry).where(AuditEntry.case_id == c.id).order_by(AuditEntry.id)
            ).scalars()]

    def verify(self, actor: Actor | None = None) -> audit.Verification:
        if actor is not None and actor.role not in AUDITORS:
            raise CaseError("MW802", "verifying the audit chain is for administrators and "
                            f"managers, not for {actor.role.replace('_', ' ')}s",
                            got=actor.role)
        with self.db.reading() as s:
            return audit.verify(s)
