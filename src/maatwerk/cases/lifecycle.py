"""A case's lifecycle: taking it, the investigation and the application, proposing, deciding and
announcing, the objection and the decision on it, withdrawing.

Deciding waits until the case is ready (MW805): no open request or proposal, a determined
decision, every clause that must be considered considered. The decision on an objection is
taken by someone who was not involved in the contested decision (Awb art. 7:5): not who took it,
proposed it, or proposed or approved a deviation or made the investigation it rests on. While
the objection is handled the records can change (facts, deviations, the investigation), so an
upheld objection's new decision can differ.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from maatwerk.cases import deadlines, views
from maatwerk.cases.errors import CaseError
from maatwerk.cases.models import (
    DECIDED_KINDS,
    Case,
    Deadline,
    Decision,
    DeviationRequest,
    Objection,
)
from maatwerk.cases.service import Actor, CaseService


class Lifecycle(CaseService):
    def _step(self, actor: Actor, case_id: int, action: str, why: str = "") -> dict[str, Any]:
        with self.db.transaction() as s:
            c = self.case_row(s, actor, case_id, action, lock=True)
            if action == "start":  # the assignee, and the team the case belongs to
                c.assigned_to = actor.id
                c.unit_id = self.unit_of(s, actor) or c.unit_id
            self.move(s, actor, c, action, why)
            return views.case(c)

    def start(self, actor: Actor, case_id: int) -> dict[str, Any]:
        return self._step(actor, case_id, "start")

    def investigate(self, actor: Actor, case_id: int) -> dict[str, Any]:
        with self.db.transaction() as s:
            c = self.case_row(s, actor, case_id, "investigate", lock=True)
            if self.pinned(c).assessment is None:
                raise CaseError("MW805", f"{c.regulation} has no investigation (assessment); "
                                "propose a decision instead", path="actions.investigate")
            self.move(s, actor, c, "investigate")
            return views.case(c)

    def apply(self, actor: Actor, case_id: int) -> dict[str, Any]:
        """The application after an investigation: starts the terms that run from it."""
        with self.db.transaction() as s:
            c = self.case_row(s, actor, case_id, "apply", lock=True)
            self.add_terms(s, c, deadlines.on_apply(self.pinned(c), self.today()))
            self.move(s, actor, c, "apply", "aanvraag na het onderzoek")
            return views.case(c)

    def withdraw(self, actor: Actor, case_id: int, why: str = "") -> dict[str, Any]:
        """The citizen withdraws the application; its open terms are closed."""
        return self._step(actor, case_id, "withdraw", why)

    def propose(self, actor: Actor, case_id: int) -> dict[str, Any]:
        """A proposed decision, from the facts and the approved discretion records."""
        with self.db.transaction() as s:
            c = self.case_row(s, actor, case_id, "propose", lock=True)
            result = self.compute(s, c)
            row = self.store_decision(s, actor, c, "proposal", result)
            self.move(s, actor, c, "propose")
            return views.decision(row)

    def decide(self, actor: Actor, case_id: int) -> dict[str, Any]:
        with self.db.transaction() as s:
            c = self.case_row(s, actor, case_id, "decide", lock=True)
            self._ready(s, c, "actions.decide")
            result = self.compute(s, c)
            if not result.determined:
                raise CaseError("MW805", "the case cannot be decided yet; missing: "
                                + ", ".join(result.missing), path="actions.decide")
            pending = [n for n, v in result.considerations.items() if not v["considered"]]
            if pending:
                raise CaseError("MW805", "every decision must record that tailoring was "
                                f"considered under {', '.join(pending)}; record a deviation "
                                "or a consideration first", path="actions.decide")
            row = self.store_decision(s, actor, c, "decision", result)
            self.move(s, actor, c, "decide")
            return views.decision(row)

    def _ready(self, s: Session, c: Case, path: str) -> None:
        open_requests = s.execute(select(DeviationRequest.id).where(
            DeviationRequest.case_id == c.id,
            DeviationRequest.state.in_(("requested", "proposed")))).scalars().all()
        if open_requests:
            raise CaseError("MW805", "requests for maatwerk or proposed deviations are still "
                            "open (" + ", ".join(f"#{i}" for i in open_requests) + "); approve, "
                            "refuse or withdraw them first", path=path)

    def announce(self, actor: Actor, case_id: int) -> dict[str, Any]:
        with self.db.transaction() as s:
            c = self.case_row(s, actor, case_id, "announce", lock=True)
            self.add_terms(s, c, deadlines.on_announce(self.today()))
            self.move(s, actor, c, "announce")
            return views.case(c)

    def object(self, actor: Actor, case_id: int, grounds: str) -> dict[str, Any]:
        """A citizen's objection (bezwaar) against the announced decision, within its term."""
        if not grounds.strip():
            raise CaseError("MW809", "an objection states its grounds", path="grounds")
        with self.db.transaction() as s:
            c = self.case_row(s, actor, case_id, "object", lock=True)
            term = s.execute(select(Deadline).where(
                Deadline.case_id == c.id, Deadline.kind == deadlines.OBJECTION)
            ).scalar_one_or_none()
            if term is not None and self.today() > term.due:
                raise CaseError("MW806", f"the objection term ended on {term.due} "
                                f"({term.reference})", path="actions.object",
                                got=self.today().isoformat())
            decision = self._last_decision(s, c)
            row = Objection(case_id=c.id, decision_id=decision.id, grounds=grounds,
                            state="lodged", lodged_by=actor.id, lodged_at=self.now())
            s.add(row)
            s.flush()
            self.add_terms(s, c, deadlines.on_object(term.starts if term else self.today()))
            self.log(s, actor, "objection.lodge", "objection", row.id, c, why=grounds)
            self.move(s, actor, c, "object")
            return views.objection(row)

    def _last_decision(self, s: Session, c: Case) -> Decision:
        found = s.execute(select(Decision).where(
            Decision.case_id == c.id, Decision.kind.in_(DECIDED_KINDS))
            .order_by(Decision.id.desc()).limit(1)).scalar_one_or_none()
        if found is None:
            raise CaseError("MW805", "the case has no decision yet", path="decision")
        return found

    def decide_objection(self, actor: Actor, case_id: int, upheld: bool,
                         motivation: str) -> dict[str, Any]:
        """The decision on the objection: upheld (the case is decided again on the records as
        they stand now, which may have changed while the objection was handled) or rejected.
        Not by anyone involved in the contested decision (Awb art. 7:5)."""
        if not motivation.strip():
            raise CaseError("MW809", "a decision on an objection is motivated",
                            path="motivation")
        with self.db.transaction() as s:
            c = self.case_row(s, actor, case_id, "decide_objection", lock=True)
            row = s.execute(select(Objection).where(
                Objection.case_id == c.id, Objection.state == "lodged").with_for_update()
            ).scalar_one()
            contested = s.get_one(Decision, row.decision_id)
            part = involvement(s, contested, actor)
            if part:
                raise CaseError("MW808", "the decision on an objection is taken by someone who "
                                f"was not involved in the contested decision (Awb art. 7:5); "
                                f"{actor.username} {part}", path="actions.decide_objection",
                                got=actor.username)
            self._ready(s, c, "actions.decide_objection")
            row.state = "upheld" if upheld else "rejected"
            row.decided_by = actor.id
            row.decided_at = self.now()
            row.outcome = motivation
            s.flush()
            self.log(s, actor, f"objection.{row.state}", "objection", row.id, c,
                     why=motivation)
            if upheld:
                self.store_decision(s, actor, c, "redecision", self.compute(s, c))
            self.move(s, actor, c, "decide_objection", motivation)
            return views.objection(row)


def involvement(s: Session, contested: Decision, actor: Actor) -> str:
    """How ``actor`` took part in the contested decision ('' if not): took it, proposed it (the
    proposal before it), proposed or approved one of its deviations or made its investigation
    (as the decision's own document records them)."""
    if contested.decided_by == actor.id:
        return "took it"
    proposer = s.execute(select(Decision.decided_by).where(
        Decision.case_id == contested.case_id, Decision.kind == "proposal",
        Decision.id < contested.id).order_by(Decision.id.desc()).limit(1)).scalar_one_or_none()
    if proposer == actor.id:
        return "proposed it"
    for layer in contested.document.get("layers", []):
        for deviation in layer.get("deviations", []):
            for part, did in (("proposer", "proposed"), ("approver", "approved")):
                if (deviation.get(part) or {}).get("id") == actor.username:
                    return f"{did} its deviation under {deviation.get('clause')}"
        assessor = (layer.get("assessment") or {}).get("assessor") or {}
        if assessor.get("id") == actor.username:
            return "made its investigation"
    return ""
