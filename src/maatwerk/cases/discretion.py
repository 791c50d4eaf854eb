"""The discretionary actions on a case: requests for maatwerk, deviations and their approval,
assessments and considerations.

A citizen asks for maatwerk in their own words; a caseworker proposes a deviation under a
clause (checked by the engine against the clause, except for its approval); under four-eyes a
different person approves it (checked again, now with the approval) or refuses it. Separation of
duties is enforced, not advised: nobody approves or refuses their own proposal, and only the
clause's role and unit may propose, approve or refuse it (a caseworker refuses a citizen's
request, never a colleague's proposal). The role and unit of whoever proposes, approves or
considers are stored with the record: the clause's check sees them as they were when they acted.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from maatwerk.cases import views
from maatwerk.cases.errors import CaseError
from maatwerk.cases.models import (
    Assessment,
    Case,
    Consideration,
    DeviationRequest,
)
from maatwerk.cases.service import Actor, CaseService, deviation_record, fits
from maatwerk.cases.workflow import person
from maatwerk.spec import records
from maatwerk.spec.errors import DecisionError
from maatwerk.spec.values import to_json

APPROVERS = ("approver", "manager")


class Discretion(CaseService):
    """The discretionary actions of the case file."""

    def _request_row(self, s: Session, actor: Actor, request_id: int,
                     action: str) -> tuple[DeviationRequest, Case]:
        """The request and its case, if the actor may see the case."""
        return self.row_in_case(s, actor, DeviationRequest, request_id, action,
                                noun="request for maatwerk", path="request")

    def request_maatwerk(self, actor: Actor, case_id: int, story: str) -> dict[str, Any]:
        """A citizen asks for maatwerk, in their own words."""
        if len(story.strip()) < 10:
            raise CaseError("MW809", "tell in a few sentences what is special about your "
                            "situation (at least 10 characters)", path="story")
        with self.db.transaction() as s:
            c = self.case_row(s, actor, case_id, "request_maatwerk", lock=True)
            row = DeviationRequest(case_id=c.id, state="requested", story=story,
                                   trigger="request", requested_by=actor.id, evidence=[],
                                   created_at=self.now(), updated_at=self.now())
            s.add(row)
            s.flush()
            self.log(s, actor, "maatwerk.request", "deviation", row.id, c, why=story)
            return views.deviation(row)

    def propose_deviation(self, actor: Actor, case_id: int, *, clause: str, output: str,
                          value: Any, ground: str, motivation: str,
                          evidence: list[str] | None = None, request_id: int | None = None,
                          trigger: str = "flag") -> dict[str, Any]:
        """A caseworker proposes a deviation (answering a request, or on their own motion)."""
        with self.db.transaction() as s:
            row: DeviationRequest | None = None
            if request_id is not None:
                row, c = self._request_row(s, actor, request_id, "propose_deviation")
                if row.case_id != case_id:
                    raise CaseError("MW809", f"request #{request_id} is a request of case "
                                    f"{row.case_id}, not of case {case_id}: a request is "
                                    "answered on its own case", path="request",
                                    got=request_id)
                if row.state != "requested":
                    raise CaseError("MW801", f"request #{request_id} is {row.state}; only a "
                                    "request that is still open can be answered with a "
                                    "proposal", path="request", got=row.state)
                trigger = "request"
            else:
                c = self.case_row(s, actor, case_id, "propose_deviation", lock=True)
            record = records.read_deviations({
                "clause": clause, "output": output, "value": to_json(value), "ground": ground,
                "motivation": motivation, "evidence": evidence or [],
                "proposer": actor.record().model_dump(), "trigger": trigger})[0][0]
            self.compute(s, c, proposal=record)  # refused here if the clause does not allow it
            four_eyes = self.pinned(c).hardship[clause].four_eyes
            before = row.state if row is not None else None
            now = self.now()
            if row is None:
                row = DeviationRequest(case_id=c.id, requested_by=actor.id, story="",
                                       evidence=[], created_at=now)
                s.add(row)
            row.state = "proposed" if four_eyes else "approved"
            row.clause, row.output, row.value = clause, output, to_json(value)
            row.ground, row.motivation, row.evidence = ground, motivation, list(evidence or [])
            row.trigger, row.proposed_by = trigger, actor.id
            row.proposer_role, row.proposer_unit = actor.role, actor.unit
            row.proposed_at = row.updated_at = now
            row.decided_at = None if four_eyes else now
            s.flush()
            self.log(s, actor, "deviation.propose", "deviation", row.id, c, why=motivation,
                     before={"state": before}, after=views.deviation(row))
            return views.deviation(row)

    def approve_deviation(self, actor: Actor, request_id: int) -> dict[str, Any]:
        """The second person's approval; checked against the clause again, with the approval."""
        with self.db.transaction() as s:
            row, c = self._request_row(s, actor, request_id, "approve_deviation")
            if row.state != "proposed":
                raise CaseError("MW804", f"deviation #{request_id} is already {row.state}",
                                path="deviation", got=row.state)
            if row.proposed_by == actor.id:
                raise CaseError("MW808", "nobody approves their own deviation; a different "
                                "approver must decide", path="deviation.approver",
                                got=actor.username)
            people = self.users(s, {row.proposed_by})
            record = deviation_record(row, people).model_copy(
                update={"approver": actor.record()})
            assessment, deviations, considerations = self.discretion_records(s, c)
            self.registry.decider(c.regulation_version).decide(
                c.peildatum, self.facts(s, c), assessment=assessment,
                deviations=[*deviations, record], considerations=considerations)
            row.state = "approved"
            row.approved_by = actor.id
            row.approver_role, row.approver_unit = actor.role, actor.unit
            row.decided_at = row.updated_at = self.now()
            s.flush()
            self.log(s, actor, "deviation.approve", "deviation", row.id, c,
                     before={"state": "proposed"}, after={"state": "approved"})
            return views.deviation(row)

    def refuse_deviation(self, actor: Actor, request_id: int, reason: str) -> dict[str, Any]:
        if len(reason.strip()) < 10:
            raise CaseError("MW809", "a refusal is motivated (at least 10 characters)",
                            path="reason")
        with self.db.transaction() as s:
            row, c = self._request_row(s, actor, request_id, "refuse_deviation")
            if row.state not in ("requested", "proposed"):
                raise CaseError("MW804", f"request #{request_id} is already {row.state}",
                                path="deviation", got=row.state)
            if row.state == "proposed":
                self._may_refuse(c, row, actor)
            before = row.state
            row.state, row.reason = "refused", reason
            row.decided_at = row.updated_at = self.now()
            s.flush()
            self.log(s, actor, "deviation.refuse", "deviation", row.id, c, why=reason,
                     before={"state": before}, after={"state": "refused"})
            return views.deviation(row)

    def _may_refuse(self, c: Case, row: DeviationRequest, actor: Actor) -> None:
        """A proposed deviation is refused by who may approve it: a different person, with the
        role and unit the clause gives its approval to (a caseworker refuses only requests)."""
        if actor.role not in APPROVERS:
            raise CaseError("MW802", f"{person(actor.role)} may not refuse a proposed deviation: "
                            "that is for a different person who may approve it (allowed: "
                            f"{', '.join(APPROVERS)}); a caseworker refuses a citizen's "
                            "request", path="deviation", got=actor.role)
        if row.proposed_by == actor.id:
            raise CaseError("MW808", "the proposer withdraws a proposal, an approver "
                            "refuses it", path="deviation", got=actor.username)
        clause = self.pinned(c).hardship[row.clause or ""]
        approving = clause.approving()
        if not fits(approving, actor):
            unit = f" of unit {approving.unit!r}" if approving.unit else " of any unit"
            raise DecisionError("MW707", f"clause {clause.name!r}: a proposed deviation is "
                                f"refused by who may approve it, {person(approving.role)}"
                                f"{unit}; {actor.record().describe()} may not",
                                path="deviation.approver", got=actor.username)

    def withdraw_deviation(self, actor: Actor, request_id: int) -> dict[str, Any]:
        with self.db.transaction() as s:
            row, c = self._request_row(s, actor, request_id, "withdraw_deviation")
            if row.state not in ("requested", "proposed"):
                raise CaseError("MW804", f"request #{request_id} is already {row.state}",
                                path="deviation", got=row.state)
            if actor.id not in (row.requested_by, row.proposed_by):
                raise CaseError("MW802", "only who made a request or proposal withdraws it",
                                path="deviation", got=actor.username)
            before = row.state
            row.state, row.updated_at = "withdrawn", self.now()
            s.flush()
            self.log(s, actor, "deviation.withdraw", "deviation", row.id, c,
                     before={"state": before}, after={"state": "withdrawn"})
            return views.deviation(row)

    def record_assessment(self, actor: Actor, case_id: int,
                          record: dict[str, Any]) -> dict[str, Any]:
        """The investigation's record; refused if the engine finds it outside its frame."""
        with self.db.transaction() as s:
            c = self.case_row(s, actor, case_id, "record_assessment", lock=True)
            data = {**record, "assessor": actor.record().model_dump()}
            parsed = records.read_assessment(data)
            _, deviations, considerations = self.discretion_records(s, c)
            self.registry.decider(c.regulation_version).decide(
                c.peildatum, self.facts(s, c), assessment=parsed, deviations=deviations,
                considerations=considerations)
            row = Assessment(case_id=c.id, record=parsed.model_dump(mode="json"),
                             assessor_id=actor.id, recorded_at=self.now())
            s.add(row)
            s.flush()
            self.move(s, actor, c, "record_assessment", parsed.motivation)
            return {"id": row.id, "record": row.record}

    def consider(self, actor: Actor, case_id: int, clause: str,
                 motivation: str) -> dict[str, Any]:
        """Record that a clause was considered for the case and no deviation was made."""
        with self.db.transaction() as s:
            c = self.case_row(s, actor, case_id, "consider", lock=True)
            record = records.read_deviations({"considerations": [{
                "clause": clause, "motivation": motivation,
                "by": actor.record().model_dump()}]})[1][0]  # refused (MW711) if malformed
            assessment, deviations, considerations = self.discretion_records(s, c)
            self.registry.decider(c.regulation_version).decide(
                c.peildatum, self.facts(s, c), assessment=assessment, deviations=deviations,
                considerations=[*considerations, record])
            row = Consideration(case_id=c.id, clause=clause, motivation=motivation,
                                by_id=actor.id, by_role=actor.role, by_unit=actor.unit,
                                recorded_at=self.now())
            s.add(row)
            s.flush()
            self.log(s, actor, "consider", "consideration", row.id, c, why=motivation,
                     after={"clause": clause})
            return {"id": row.id, "clause": clause, "motivation": motivation}
