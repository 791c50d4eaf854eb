"""What the people working on cases look at: the queue ordered by deadline, the inbox of
proposals to approve, the claims on facts waiting to be verified, a case's current decision, and
the frames of the clauses one may use."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from maatwerk.cases import deadlines, views
from maatwerk.cases.errors import CaseError
from maatwerk.cases.models import Case, Claim, Deadline, DeviationRequest
from maatwerk.cases.service import Actor, CaseService, fits
from maatwerk.cases.workflow import STAFF
from maatwerk.engine.format import text
from maatwerk.spec.values import to_json

OPEN = ("received", "in_progress", "investigation", "proposal", "objection")


class WorkList(CaseService):
    def queue(self, actor: Actor, *, limit: int = 200) -> list[dict[str, Any]]:
        """Open cases, the one with the nearest open term first."""
        with self.db.reading() as s:
            nearest = (select(Deadline.case_id, func.min(Deadline.due).label("due"))
                       .where(Deadline.met_on.is_(None), Deadline.closed_on.is_(None))
                       .group_by(Deadline.case_id).subquery())
            rows = s.execute(select(Case, nearest.c.due).outerjoin(
                nearest, nearest.c.case_id == Case.id).where(Case.state.in_(OPEN))
                .order_by(nearest.c.due.is_(None), nearest.c.due, Case.id).limit(limit)
            ).unique().all()
            today = self.today()
            out = []
            for c, due in rows:
                item = views.case(c)
                item["due"] = due.isoformat() if due else None
                item["overdue"] = bool(due and due < today)
                item["mine"] = c.assigned_to == actor.id
                out.append(item)
            return out

    def inbox(self, actor: Actor) -> list[dict[str, Any]]:
        """Proposals by others waiting for an approval this person may give: those whose
        clause gives its approval to their role and unit."""
        if actor.role not in ("approver", "manager"):
            return []
        with self.db.reading() as s:
            rows = s.execute(select(DeviationRequest, Case).join(
                Case, Case.id == DeviationRequest.case_id).where(
                DeviationRequest.state == "proposed",
                DeviationRequest.proposed_by != actor.id).order_by(DeviationRequest.id)
            ).unique().all()
            mine = [(r, c) for r, c in rows if self.approves(c, r.clause, actor)]
            people = self.users(s, {r.proposed_by for r, _ in mine})
            return [{**views.deviation(r), "reference": c.reference,
                     "proposer": people[r.proposed_by].username if r.proposed_by in people
                     else None} for r, c in mine]

    def pending_claims(self, actor: Actor, *, limit: int = 200) -> list[dict[str, Any]]:
        """Claims on facts waiting to be verified, the one whose term ends first first; each
        with its case's reference and regulation and who lodged it."""
        if actor.role not in STAFF:
            raise CaseError("MW802", f"a {actor.role} does not see the claims waiting to be "
                            "verified (allowed: staff)", got=actor.role)
        today = self.today()
        with self.db.reading() as s:
            rows = s.execute(
                select(Claim, Case, Deadline).join(Case, Case.id == Claim.case_id)
                .outerjoin(Deadline, (Deadline.case_id == Claim.case_id)
                           & (Deadline.kind == deadlines.CLAIM + "_" + func.cast(
                               Claim.id, Deadline.kind.type)))
                .where(Claim.state == "pending", Case.state != "withdrawn")
                .order_by(Deadline.due.is_(None), Deadline.due, Claim.id).limit(limit)
            ).unique().all()
            people = self.users(s, {r.lodged_by for r, _, _ in rows})
            return [{**views.claim(r, d, today), "reference": c.reference,
                     "regulation": c.regulation,
                     "lodger": people[r.lodged_by].username if r.lodged_by in people else None}
                    for r, c, d in rows]

    def approves(self, c: Case, clause: str | None, actor: Actor) -> bool:
        """Whether ``actor`` may approve a deviation of ``c`` under ``clause``."""
        found = self.pinned(c).hardship.get(clause or "")
        return found is not None and fits(found.approving(), actor)

    def current(self, actor: Actor, case_id: int) -> dict[str, Any]:
        """The case's decision as it stands now (not stored), with its trace."""
        with self.db.reading() as s:
            c = self.case_row(s, actor, case_id)
            if actor.role not in STAFF:
                raise self.denied(actor)
            return self.compute(s, c).to_json()

    def frames(self, actor: Actor, case_id: int, lang: str = "nl") -> list[dict[str, Any]]:
        """The individual hardship clauses this person may use on this case, with each
        output's current value and bounds."""
        with self.db.reading() as s:
            c = self.case_row(s, actor, case_id)
            reg = self.pinned(c)
            decider = self.registry.decider(c.regulation_version)
            decision = self.compute(s, c)
            out = []
            for clause in reg.hardship.values():
                if clause.level != "individual" or not fits(clause.decider, actor):
                    continue
                outputs = []
                for output in clause.bounds:
                    frame = decider.frame(decision, clause.name, output)
                    outputs.append({"output": output, **{k: to_json(v) if not isinstance(
                        v, list) else [to_json(x) for x in v] for k, v in frame.items()}})
                out.append({"clause": clause.name, "label": text(clause.label, lang),
                            "legal_basis": clause.legal_basis.title + (
                                f" {clause.legal_basis.article}"
                                if clause.legal_basis.article else ""),
                            "mode": clause.mode, "four_eyes": clause.four_eyes,
                            "motivation": clause.motivation, "evidence": clause.evidence,
                            "grounds": [{"code": g, "label": text(x.label, lang),
                                         "evidence": x.evidence}
                                        for g, x in clause.grounds.items()],
                            "outputs": outputs})
            return out

    def people(self, ids: set[int | None]) -> dict[int, str]:
        with self.db.reading() as s:
            return {i: u.username for i, u in self.users(s, ids).items()}

    def denied(self, actor: Actor) -> CaseError:
        return CaseError("MW802", f"a {actor.role} does not see the working view of a case",
                         got=actor.role)

