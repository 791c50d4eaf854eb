"""Claims on facts: a citizen corrects what the case file says about her.

A citizen (on her own case) or a caseworker on her behalf disputes a recorded fact — an income
figure from the Belastingdienst, say — with the value that is right (typed and checked against
the regulation's input exactly as a recorded fact is), a reason and references to evidence.
The claim is ``pending`` until a caseworker verifies it, within its term (see
``maatwerk.cases.deadlines.on_claim``); meanwhile every decision that rests on the fact is
provisional (``maatwerk.cases.provisional``).

- **accept** (a caseworker who did not lodge it): the proposed value is recorded as a new fact
  (source ``correctie burger #<claim>``, recorded by the caseworker). A case that already has a
  decision is decided again at once under its pinned version: a decision of kind
  ``correction`` that names the claim and the decision before it; both stay. An announced
  decision's objection term starts again from the correction (Awb art. 6:7, 6:8); while an
  objection is handled, it extends to the correction (Awb art. 6:19). A case still open is not
  decided: its next proposal uses the corrected fact.
- **refuse** (a caseworker who did not lodge it): with a reason.
- **withdraw** (who lodged it, or the citizen whose case it is). Withdrawing the application
  withdraws its pending claims.

One pending claim per fact (MW810); only a pending claim can be handled (MW804). Every change
is appended to the audit chain with the state and the fact before and after; a refused action
changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from maatwerk.cases import deadlines, views
from maatwerk.cases.errors import CaseError
from maatwerk.cases.models import (
    DECIDED_KINDS,
    Case,
    Claim,
    Deadline,
    Decision,
    Fact,
)
from maatwerk.cases.service import Actor, CaseService
from maatwerk.spec.errors import DecisionError
from maatwerk.spec.values import to_json

CORRECTION_SOURCE = "correctie burger #{claim}"
MIN_REASON = 10  # a refusal is motivated, as a refused request for maatwerk is


class Claims(CaseService):
    """Lodging, accepting, refusing and withdrawing claims on the facts of a case."""

    def lodge_claim(self, actor: Actor, case_id: int, fact: str, value: Any, reason: str,
                    evidence: list[str] | None = None) -> dict[str, Any]:
        """Dispute the recorded value of ``fact``, proposing ``value``."""
        if not isinstance(reason, str) or not reason.strip():
            raise CaseError("MW809", "a claim says why the recorded value is wrong (reason)",
                            path="reason", got=reason)
        refs = _evidence(evidence)
        with self.db.transaction() as s:
            c = self.case_row(s, actor, case_id, "lodge_claim", lock=True)
            recorded = self._recorded(s, c, fact)
            proposed = self._checked(c, fact, value)
            if recorded.value is not None and proposed == self._checked(c, fact,
                                                                        recorded.value):
                raise CaseError("MW809", f"the proposed value of {fact!r} is the value "
                                f"recorded ({to_json(recorded.value)}); a claim proposes a "
                                "different one", path="value", got=value)
            self._no_other_pending(s, c, fact)
            now = self.now()
            row = Claim(case_id=c.id, fact=fact, value=to_json(proposed),
                        disputed=recorded.value, disputed_source=recorded.source,
                        reason=reason, evidence=refs, state="pending", lodged_by=actor.id,
                        lodged_role=actor.role, lodged_at=now, outcome="")
            s.add(row)
            s.flush()
            term = self._start_term(s, c, row)
            self.log(s, actor, "claim.lodge", "claim", row.id, c, why=reason,
                     before={"fact": fact, "value": recorded.value,
                             "source": recorded.source},
                     after={"state": "pending", "fact": fact, "value": row.value,
                            "evidence": refs, "due": term.due.isoformat()})
            return views.claim(row, term, self.today())

    def accept_claim(self, actor: Actor, claim_id: int) -> dict[str, Any]:
        """Record the proposed value as a fact and, if the case has a decision, decide again."""
        with self.db.transaction() as s:
            row, c = self._claim_row(s, actor, claim_id, "accept_claim")
            self._handleable(row, actor, "accept")
            value = self._checked(c, row.fact, row.value)
            before = self.facts(s, c).get(row.fact)
            fact = Fact(case_id=c.id, name=row.fact, value=to_json(value),
                        source=CORRECTION_SOURCE.format(claim=row.id), recorded_by=actor.id,
                        recorded_at=self.now())
            s.add(fact)
            s.flush()
            row.fact_id = fact.id
            previous = self._standing(s, c)
            after: dict[str, Any] = {"state": "accepted", "fact": row.fact, "value": fact.value,
                                     "source": fact.source}
            if previous is not None:
                corrected = self._redecide(s, actor, c, row, previous, before)
                after["decision"] = {"id": corrected.id, "outputs": corrected.outputs}
            self._close(s, row, actor, "accepted", "")
            c.updated_at = self.now()
            s.flush()
            self.log(s, actor, "claim.accept", "claim", row.id, c,
                     before={"state": "pending", "fact": row.fact, "value": before,
                             "decision": None if previous is None else
                             {"id": previous.id, "outputs": previous.outputs}},
                     after=after)
            return self._view(s, row)

    def refuse_claim(self, actor: Actor, claim_id: int, reason: str) -> dict[str, Any]:
        if not isinstance(reason, str) or len(reason.strip()) < MIN_REASON:
            raise CaseError("MW809", "refusing a claim is motivated: say why the recorded value "
                            f"stands (at least {MIN_REASON} characters)", path="reason",
                            got=reason)
        with self.db.transaction() as s:
            row, c = self._claim_row(s, actor, claim_id, "refuse_claim")
            self._handleable(row, actor, "refuse")
            self._close(s, row, actor, "refused", reason)
            self.log(s, actor, "claim.refuse", "claim", row.id, c, why=reason,
                     before={"state": "pending"}, after={"state": "refused"})
            return self._view(s, row)

    def withdraw_claim(self, actor: Actor, claim_id: int, why: str = "") -> dict[str, Any]:
        """The claimant withdraws the claim: who lodged it, or the citizen whose case it is."""
        with self.db.transaction() as s:
            row, c = self._claim_row(s, actor, claim_id, "withdraw_claim")
            self._pending(row)
            if actor.role != "citizen" and actor.id != row.lodged_by:
                raise CaseError("MW802", f"claim #{row.id} is withdrawn by who lodged it or "
                                "by the citizen whose case it is; a caseworker who did not "
                                "lodge it refuses it instead", path="claim", got=actor.username)
            self._close(s, row, actor, "withdrawn", why)
            self.log(s, actor, "claim.withdraw", "claim", row.id, c, why=why,
                     before={"state": "pending"}, after={"state": "withdrawn"})
            return self._view(s, row)

    def claims(self, actor: Actor, case_id: int) -> list[dict[str, Any]]:
        """The claims of a case, oldest first, each with its term."""
        with self.db.reading() as s:
            c = self.case_row(s, actor, case_id)
            return claims_of(s, c.id, self.today())

    # -- the case's withdrawal ---------------------------------------------------------------

    def move(self, s: Session, actor: Actor, c: Case, action: str, why: str = "") -> None:
        """Take ``action``; withdrawing the application withdraws its pending claims too (their
        terms are closed with the case's)."""
        super().move(s, actor, c, action, why)
        if action != "withdraw":
            return
        for row in s.execute(select(Claim).where(Claim.case_id == c.id,
                                                 Claim.state == "pending")).scalars():
            row.state, row.outcome = "withdrawn", "de aanvraag is ingetrokken"
            row.handled_by, row.handled_at = actor.id, self.now()
            s.flush()
            self.log(s, actor, "claim.withdraw", "claim", row.id, c, why=row.outcome,
                     before={"state": "pending"}, after={"state": "withdrawn"})

    # -- helpers -------------------------------------------------------------------------------

    def _claim_row(self, s: Session, actor: Actor, claim_id: int,
                   action: str) -> tuple[Claim, Case]:
        """The claim and its case, if the actor may see the case (and take ``action``)."""
        return self.row_in_case(s, actor, Claim, claim_id, action, noun="claim", path="claim")

    def _recorded(self, s: Session, c: Case, fact: str) -> Fact:
        """The record of ``fact`` that stands (the latest)."""
        found = s.execute(select(Fact).where(Fact.case_id == c.id, Fact.name == fact)
                          .order_by(Fact.id.desc()).limit(1)).scalar_one_or_none()
        if found is None:
            names = sorted(set(s.execute(select(Fact.name).where(Fact.case_id == c.id))
                               .scalars()))
            raise CaseError("MW809", f"case {c.reference} has no fact {fact!r} to dispute; "
                            f"its facts: {', '.join(names) or 'none'}", path="fact", got=fact)
        return found

    def _checked(self, c: Case, fact: str, value: Any) -> Any:
        """``value`` as the regulation's input ``fact`` takes it; refused (MW601/MW602) naming
        the input, its type and the value, exactly as a recorded fact would be."""
        if value is None or (isinstance(value, str) and not value.strip()):
            raise CaseError("MW809", f"a claim on {fact!r} proposes the value that is right",
                            path="value", got=value)
        decider = self.registry.decider(c.regulation_version)
        definition = decider.facts().get(fact)
        try:
            return decider.check_inputs({fact: value})[fact]
        except DecisionError as exc:
            expected = f" ({definition.type})" if definition is not None else ""
            raise DecisionError(exc.code, f"the proposed value of {fact!r}{expected}: "
                                f"{exc.message}; got {value!r}", path="value",
                                got=value) from None

    def _no_other_pending(self, s: Session, c: Case, fact: str) -> None:
        other = s.execute(select(Claim.id).where(Claim.case_id == c.id, Claim.fact == fact,
                                                 Claim.state == "pending")).scalar()
        if other is not None:
            raise CaseError("MW810", f"fact {fact!r} of case {c.reference} already has a "
                            f"pending claim (#{other}); withdraw it or wait until it is "
                            "verified", path="fact", got=fact)

    def _start_term(self, s: Session, c: Case, row: Claim) -> Deadline:
        today = self.today()
        open_terms = [(k, d) for k, d in s.execute(select(Deadline.kind, Deadline.due).where(
            Deadline.case_id == c.id, Deadline.met_on.is_(None), Deadline.closed_on.is_(None)))]
        term = deadlines.on_claim(row.id, row.fact, today, open_terms)
        self.add_terms(s, c, [term])
        s.flush()
        return s.execute(select(Deadline).where(Deadline.case_id == c.id,
                                                Deadline.kind == term.kind)).scalar_one()

    def _pending(self, row: Claim) -> None:
        if row.state != "pending":
            raise CaseError("MW804", f"claim #{row.id} is already {row.state}; only a pending "
                            "claim can be accepted, refused or withdrawn", path="claim",
                            got=row.state)

    def _handleable(self, row: Claim, actor: Actor, verb: str) -> None:
        self._pending(row)
        if row.lodged_by == actor.id:
            raise CaseError("MW808", f"nobody verifies a claim they lodged: claim #{row.id} "
                            f"was lodged by {actor.username}; a different caseworker may "
                            f"{verb} it", path="claim", got=actor.username)

    def _close(self, s: Session, row: Claim, actor: Actor, state: str, outcome: str) -> None:
        """End the claim, and its term: met when verified, closed when withdrawn."""
        today = self.today()
        row.state, row.outcome = state, outcome
        row.handled_by, row.handled_at = actor.id, self.now()
        term = s.execute(select(Deadline).where(
            Deadline.case_id == row.case_id, Deadline.kind == deadlines.claim_kind(row.id))
        ).scalar_one_or_none()
        if term is not None and term.met_on is None and term.closed_on is None:
            if state == "withdrawn":
                term.closed_on, term.closed_as = today, "withdrawn"
            else:
                term.met_on = today
        s.flush()

    def _standing(self, s: Session, c: Case) -> Decision | None:
        return s.execute(select(Decision).where(
            Decision.case_id == c.id, Decision.kind.in_(DECIDED_KINDS))
            .order_by(Decision.id.desc()).limit(1)).scalar_one_or_none()

    def _redecide(self, s: Session, actor: Actor, c: Case, row: Claim, previous: Decision,
                  before: Any) -> Decision:
        """Decide the case again on the corrected facts: a decision of kind ``correction``
        naming the claim and the decision before it."""
        result = self.compute(s, c)
        if not result.determined:
            raise CaseError("MW805", f"with {row.fact} = {to_json(row.value)} the case cannot "
                            "be decided: missing " + ", ".join(result.missing) + "; the "
                            "missing facts are recorded first (in a decided case through an "
                            "objection)", path="claim", got=row.id)
        corrected = self.store_decision(s, actor, c, "correction", result)
        corrected.document = {**corrected.document, "correction": {
            "claim": row.id, "previous_decision": previous.id, "fact": row.fact,
            "before": before, "after": row.value}}
        row.previous_decision_id, row.decision_id = previous.id, corrected.id
        if c.state == "announced":  # a new decision: its objection term starts again
            self._restart_objection_term(s, c)
        s.flush()
        return corrected

    def _restart_objection_term(self, s: Session, c: Case) -> None:
        term = s.execute(select(Deadline).where(Deadline.case_id == c.id,
                                                Deadline.kind == deadlines.OBJECTION)
                         ).scalar_one_or_none()
        if term is not None and term.met_on is None:
            fresh = deadlines.on_announce(self.today())[0]
            term.starts, term.due, term.closed_on, term.closed_as = (
                fresh.starts, fresh.due, None, None)

    def _view(self, s: Session, row: Claim) -> dict[str, Any]:
        term = s.execute(select(Deadline).where(
            Deadline.case_id == row.case_id, Deadline.kind == deadlines.claim_kind(row.id))
        ).scalar_one_or_none()
        return views.claim(row, term, self.today())


def _evidence(evidence: Any) -> list[str]:
    """The references to evidence: a list of strings, blanks left out."""
    if evidence is None:
        return []
    if not isinstance(evidence, list) or not all(isinstance(e, str) for e in evidence):
        raise CaseError("MW809", "evidence is a list of references (strings)",
                        path="evidence", got=evidence)
    return [e.strip() for e in evidence if e.strip()]


def claims_of(s: Session, case_id: int, today: dt.date) -> list[dict[str, Any]]:
    """Every claim of a case with its term, oldest first."""
    prefix = deadlines.CLAIM + "_"
    terms = {d.kind: d for d in s.execute(select(Deadline).where(
        Deadline.case_id == case_id, Deadline.kind.startswith(prefix, autoescape=True)))
        .scalars()}
    return [views.claim(r, terms.get(deadlines.claim_kind(r.id)), today)
            for r in s.execute(select(Claim).where(Claim.case_id == case_id)
                               .order_by(Claim.id)).scalars()]
