"""The case file's service: what every action shares.

Each action takes the acting person, checks what the workflow allows (state and role), checks
what the regulation allows (through the engine), changes the case and appends the event to the
audit chain — or refuses with a ``CaseError``/``DecisionError`` and changes nothing. The actions
are grouped by concept: submitting and facts (``maatwerk.cases.submission``), the lifecycle
(``maatwerk.cases.lifecycle``), the discretionary records (``maatwerk.cases.discretion``),
reading (``maatwerk.cases.reading``) and the work views (``maatwerk.cases.worklist``);
``maatwerk.cases.casefile.CaseFile`` has them all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from maatwerk.cases import audit, deadlines
from maatwerk.cases.db import Database
from maatwerk.cases.errors import CaseError
from maatwerk.cases.models import (
    MAX_ID,
    Assessment,
    Case,
    Claim,
    Consideration,
    Deadline,
    Decision,
    DeviationRequest,
    Fact,
    Unit,
    User,
    utcnow,
)
from maatwerk.cases.registry import Registry
from maatwerk.cases.workflow import ACTIONS, allowed, may, not_now, refusal
from maatwerk.engine.decision import Decision as EngineDecision
from maatwerk.spec import records
from maatwerk.spec.discretion import Decider
from maatwerk.spec.model import Regulation

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
MAX_WITHIN_DAYS = 36500  # a hundred years: far beyond any term, well within the calendar
# The kind of identity a subject's key is: a household is known by the BSN of the person who
# applies for it, so a person's cases and their household's are found under one pseudonym.
IDENTITY = {"household": "person"}

R = TypeVar("R", DeviationRequest, Claim)  # the rows that belong to a case and have actions


def paging(page: int, size: int) -> tuple[int, int]:
    """The page (1 to MAX_ID) and size (1 to MAX_PAGE_SIZE) a listing answers with."""
    return min(max(1, page), MAX_ID), min(max(1, size), MAX_PAGE_SIZE)


@dataclass(frozen=True)
class Actor:
    """The person acting: who, in which role and unit, and (for a citizen) whose cases."""

    id: int
    username: str
    role: str
    unit: str | None = None
    subject_id: int | None = None
    unit_id: int | None = None

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user.id, user.username, user.role, user.unit_name, user.subject_id,
                   user.unit_id)

    def record(self) -> records.Actor:
        return records.Actor(id=self.username, role=self.role, unit=self.unit)


def pseudonym(secret: bytes, kind: str, key: str) -> str:
    """A stable pseudonym for a subject's identifying key (a BSN, a KvK number, a terrain code);
    the key itself is never stored or logged. A person and a household are both known by a BSN:
    the same key gives the same pseudonym for either."""
    kind = IDENTITY.get(kind, kind)
    return hmac.new(secret, f"{kind}:{key}".encode(), hashlib.sha256).hexdigest()[:32]


def fits(decider: Decider, actor: Actor) -> bool:
    """Whether ``actor`` has the role and unit (any unit, if none is declared) of ``decider``."""
    return actor.role == decider.role and (decider.unit is None or actor.unit == decider.unit)


def as_actor(username: str, role: str | None, unit: str | None,
             now: User | None) -> records.Actor:
    """Someone as they were when they acted: the role and unit stored with the act, or (for a
    record made before they were stored) as they are now."""
    if role is None and now is not None:
        role, unit = now.role, now.unit_name
    return records.Actor(id=username, role=role or "caseworker", unit=unit)


class CaseService:
    def __init__(self, db: Database, registry: Registry, secret: bytes,
                 clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.db = db
        self.registry = registry
        self.secret = secret
        self.clock = clock

    def now(self) -> dt.datetime:
        """The current time (a synthetic history sets its own clock)."""
        return self.clock()

    def today(self) -> dt.date:
        """The case file's date: every term, default and listing counts from it."""
        return self.clock().date()

    # -- shared helpers --------------------------------------------------------------------------

    def case_row(self, s: Session, actor: Actor, case_id: int, action: str | None = None,
                 *, lock: bool = False) -> Case:
        """The case, if the actor may see it (and take ``action`` in its state)."""
        found = None
        if 1 <= case_id <= MAX_ID:  # any other id cannot exist (nor be asked of the database)
            query = select(Case).where(Case.id == case_id)
            if lock:
                query = query.with_for_update(of=Case)  # only the case row, not its joined loads
            found = s.execute(query).unique().scalar_one_or_none()
        if found is None or (actor.role == "citizen" and found.subject_id != actor.subject_id):
            raise CaseError("MW803", f"no case {case_id} that you may see", path="case",
                            got=case_id)
        if action is not None:
            if not may(action, actor.role):
                raise CaseError("MW802", refusal(action, actor.role), path=f"actions.{action}",
                                got=actor.role)
            if not allowed(action, found.state):
                raise CaseError("MW801", not_now(action, found.state), path=f"actions.{action}",
                                got=found.state)
        return found

    def row_in_case(self, s: Session, actor: Actor, model: type[R], row_id: int, action: str,
                    *, noun: str, path: str) -> tuple[R, Case]:
        """A row of ``model`` (locked) and its case, if the actor may see the case and take
        ``action``; a row on a case the actor may not see is answered exactly as one that does
        not exist (MW803, naming ``noun``)."""
        missing = CaseError("MW803", f"no {noun} {row_id} that you may see", path=path,
                            got=row_id)
        row = None
        if 1 <= row_id <= MAX_ID:  # any other id cannot exist
            row = s.execute(select(model).where(model.id == row_id).with_for_update()
                            ).scalar_one_or_none()
        if row is None:
            raise missing
        try:
            case = self.case_row(s, actor, row.case_id, action, lock=True)
        except CaseError as exc:
            if exc.code == "MW803":
                raise missing from None
            raise
        return row, case

    def pinned(self, c: Case) -> Regulation:
        return self.registry.pinned(c.regulation_version)

    def unit_of(self, s: Session, actor: Actor) -> int | None:
        """The id of a staff member's unit (the team a case they take belongs to)."""
        if actor.role == "citizen" or actor.unit is None:
            return None
        if actor.unit_id is not None:
            return actor.unit_id
        return s.execute(select(Unit.id).where(Unit.name == actor.unit)).scalar_one_or_none()

    def log(self, s: Session, actor: Actor, action: str, entity: str, entity_id: int | None,
            case: Case | None, why: str = "", before: Any = None, after: Any = None) -> None:
        audit.append(s, actor=actor.username, action=action, entity=entity, entity_id=entity_id,
                     case_id=case.id if case else None, why=why, before=before, after=after,
                     at=self.now())

    def move(self, s: Session, actor: Actor, c: Case, action: str, why: str = "") -> None:
        """Take ``action``: change the state it leads to, meet or close its terms, log it."""
        before = c.state
        target = ACTIONS[action].to
        if target is not None:
            c.state = target
        c.updated_at = self.now()
        self.end_terms(s, c, action)
        s.flush()
        self.log(s, actor, action, "case", c.id, c, why, {"state": before},
                 {"state": c.state})

    def end_terms(self, s: Session, c: Case, action: str) -> None:
        """Meet the open terms ``action`` is the step of, or close them unmet (withdrawal)."""
        met = deadlines.met_by(action, self.pinned(c))
        closed = deadlines.closed_by(action)
        if met == set() and closed is None:
            return  # nothing to look up
        today = self.today()
        for d in s.execute(select(Deadline).where(
                Deadline.case_id == c.id, Deadline.met_on.is_(None),
                Deadline.closed_on.is_(None))).scalars():
            if closed is not None:
                d.closed_on, d.closed_as = today, closed
            elif (met is None and d.kind not in deadlines.PARTY_TERMS
                  and d.kind != deadlines.OBJECTION_DECISION
                  and not deadlines.is_claim(d.kind)) or (met and d.kind in met):
                d.met_on = today

    def add_terms(self, s: Session, c: Case, terms: list[deadlines.Term], *,
                  new: bool = False) -> None:
        """Start the terms a case does not have yet (``new``: it has none)."""
        have: set[str] = set()
        if terms and not new:
            have = set(s.execute(select(Deadline.kind).where(Deadline.case_id == c.id))
                       .scalars())
        for term in terms:
            if term.kind not in have:
                have.add(term.kind)
                s.add(Deadline(case_id=c.id, kind=term.kind, label=term.label,
                               starts=term.starts, due=term.due, reference=term.reference))

    def facts(self, s: Session, c: Case) -> dict[str, Any]:
        """The current value of each fact (the latest record of each name)."""
        rows = s.execute(select(Fact.name, Fact.value).where(Fact.case_id == c.id)
                         .order_by(Fact.id))
        return {name: value for name, value in rows}

    def users(self, s: Session, ids: set[int | None]) -> dict[int, User]:
        wanted = {i for i in ids if i is not None}
        if not wanted:
            return {}
        return {u.id: u for u in s.execute(select(User).where(User.id.in_(wanted))).scalars()}

    def discretion_records(self, s: Session, c: Case) -> tuple[records.AssessmentRecord | None,
                                                      list[records.Deviation],
                                                      list[records.Consideration]]:
        """The discretion records that count for the case's decision, each person as they were
        when they acted. A regulation without an assessment or clauses has none to look up."""
        reg = self.pinned(c)
        assessment = None
        if reg.assessment is not None:
            latest = s.execute(select(Assessment.record).where(Assessment.case_id == c.id)
                               .order_by(Assessment.id.desc()).limit(1)).scalar_one_or_none()
            assessment = records.read_assessment(latest) if latest is not None else None
        if not reg.hardship:
            return assessment, [], []
        approved = s.execute(select(DeviationRequest).where(
            DeviationRequest.case_id == c.id, DeviationRequest.state == "approved")
            .order_by(DeviationRequest.id)).scalars().all()
        noted = s.execute(select(Consideration).where(Consideration.case_id == c.id)
                          .order_by(Consideration.id)).scalars().all()
        people = self.users(s, {r.proposed_by for r in approved} |
                            {r.approved_by for r in approved} | {n.by_id for n in noted})
        deviations = [deviation_record(r, people) for r in approved]
        considerations = [records.Consideration(
            clause=n.clause, motivation=n.motivation,
            by=as_actor(people[n.by_id].username, n.by_role, n.by_unit, people[n.by_id]))
            for n in noted]
        return assessment, deviations, considerations

    def compute(self, s: Session, c: Case, *,
                proposal: records.Deviation | None = None) -> EngineDecision:
        """The decision of the case as it stands, under the version it is pinned to."""
        assessment, deviations, considerations = self.discretion_records(s, c)
        return self.registry.decider(c.regulation_version).decide(
            c.peildatum, self.facts(s, c), assessment=assessment, deviations=deviations,
            considerations=considerations, proposal=proposal)

    def store_decision(self, s: Session, actor: Actor, c: Case, kind: str,
                       result: EngineDecision) -> Decision:
        document = result.to_json()
        outputs, layer = document.pop("outputs"), document.pop("deciding_layer")
        status = document.pop("status")
        row = Decision(case_id=c.id, kind=kind, status=status, outputs=outputs,
                       deciding_layer=layer, document=document,
                       regulation_version_id=c.regulation_version_id, decided_by=actor.id,
                       decided_at=self.now())
        s.add(row)
        s.flush()
        self.log(s, actor, f"decision.{kind}", "decision", row.id, c,
                 after={"status": status, "outputs": outputs, "deciding_layer": layer,
                        "receipt": document["receipt"]})
        return row


def deviation_record(row: DeviationRequest, people: Mapping[int, User]) -> records.Deviation:
    """An approved (or proposed) deviation as the engine reads it: the proposer and approver in
    the role and unit they had when they acted."""
    proposer = people.get(row.proposed_by) if row.proposed_by else None
    approver = people.get(row.approved_by) if row.approved_by else None
    return records.Deviation(
        clause=row.clause or "", output=row.output or "", value=row.value,
        ground=row.ground or "", motivation=row.motivation, evidence=list(row.evidence or []),
        proposer=as_actor(proposer.username, row.proposer_role, row.proposer_unit, proposer)
        if proposer else records.Actor(id="?", role="caseworker"),
        approver=as_actor(approver.username, row.approver_role, row.approver_unit, approver)
        if approver else None,
        trigger=row.trigger if row.trigger in ("request", "flag", "consideration") else None)
