"""The case file's actions: every change to a case, in one transaction with its audit entries.

Each method takes the acting person, checks what the workflow allows (state and role), checks
what the regulation allows (through the engine), changes the case and appends the event to the
audit chain — or refuses with a ``CaseError``/``DecisionError`` and changes nothing. The
discretionary actions (maatwerk requests, deviations, assessments, considerations) are in
``maatwerk.cases.discretion``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import false, func, select
from sqlalchemy.orm import Session

from maatwerk.cases import audit, deadlines, views
from maatwerk.cases.db import Database
from maatwerk.cases.errors import CaseError
from maatwerk.cases.models import (
    MAX_ID,
    Assessment,
    AuditEntry,
    Case,
    Consideration,
    Counter,
    Deadline,
    Decision,
    DeviationRequest,
    Fact,
    Objection,
    Subject,
    User,
    utcnow,
)
from maatwerk.cases.registry import Registry
from maatwerk.cases.workflow import ACTIONS, allowed, may
from maatwerk.engine.decision import Decision as EngineDecision
from maatwerk.spec import records
from maatwerk.spec.values import to_json

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
MAX_WITHIN_DAYS = 36500  # a hundred years: far beyond any term, well within the calendar


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

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user.id, user.username, user.role, user.unit_name, user.subject_id)

    def record(self) -> records.Actor:
        return records.Actor(id=self.username, role=self.role, unit=self.unit)


def pseudonym(secret: bytes, kind: str, key: str) -> str:
    """A stable pseudonym for a subject's identifying key (a BSN, a KvK number, a terrain code);
    the key itself is never stored or logged."""
    return hmac.new(secret, f"{kind}:{key}".encode(), hashlib.sha256).hexdigest()[:32]


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
            spec = ACTIONS[action]
            if not may(action, actor.role):
                raise CaseError("MW802", f"a {actor.role} may not {spec.english} "
                                f"(allowed: {', '.join(spec.roles)})", path=f"actions.{action}",
                                got=actor.role)
            if not allowed(action, found.state):
                raise CaseError("MW801", f"cannot {spec.english} ({action}) in a case that is "
                                f"{found.state}; possible in: {', '.join(spec.states)}",
                                path=f"actions.{action}", got=found.state)
        return found

    def log(self, s: Session, actor: Actor, action: str, entity: str, entity_id: int | None,
            case: Case | None, why: str = "", before: Any = None, after: Any = None) -> None:
        audit.append(s, actor=actor.username, action=action, entity=entity, entity_id=entity_id,
                     case_id=case.id if case else None, why=why, before=before, after=after,
                     at=self.now())

    def move(self, s: Session, actor: Actor, c: Case, action: str, why: str = "") -> None:
        """Take ``action``: change the state it leads to, meet its terms, and log it."""
        before = c.state
        target = ACTIONS[action].to
        if target is not None:
            c.state = target
        c.updated_at = self.now()
        met = deadlines.met_by(action, self.registry.pinned(c.regulation_version))
        today = self.today()
        for d in s.execute(select(Deadline).where(Deadline.case_id == c.id,
                                                  Deadline.met_on.is_(None))).scalars():
            if (met is None and d.kind not in (deadlines.OBJECTION,
                                               deadlines.OBJECTION_DECISION)) or (
                    met is not None and d.kind in met):
                d.met_on = today
        s.flush()
        self.log(s, actor, action, "case", c.id, c, why, {"state": before},
                 {"state": c.state})

    def add_terms(self, s: Session, c: Case, terms: list[deadlines.Term]) -> None:
        for term in terms:
            existing = s.execute(select(Deadline).where(Deadline.case_id == c.id,
                                                        Deadline.kind == term.kind)
                                 ).scalar_one_or_none()
            if existing is None:
                s.add(Deadline(case_id=c.id, kind=term.kind, label=term.label,
                               starts=term.starts, due=term.due, reference=term.reference))
        s.flush()

    def facts(self, s: Session, c: Case) -> dict[str, Any]:
        """The current value of each fact (the latest record of each name)."""
        rows = s.execute(select(Fact).where(Fact.case_id == c.id).order_by(Fact.id)).scalars()
        return {f.name: f.value for f in rows}

    def users(self, s: Session, ids: set[int | None]) -> dict[int, User]:
        wanted = {i for i in ids if i is not None}
        if not wanted:
            return {}
        return {u.id: u for u in s.execute(select(User).where(User.id.in_(wanted))).scalars()}

    def discretion_records(self, s: Session, c: Case) -> tuple[records.AssessmentRecord | None,
                                                      list[records.Deviation],
                                                      list[records.Consideration]]:
        """The discretion records that count for the case's decision."""
        latest = s.execute(select(Assessment).where(Assessment.case_id == c.id)
                           .order_by(Assessment.id.desc()).limit(1)).scalar_one_or_none()
        assessment = records.read_assessment(latest.record) if latest else None
        approved = s.execute(select(DeviationRequest).where(
            DeviationRequest.case_id == c.id, DeviationRequest.state == "approved")
            .order_by(DeviationRequest.id)).scalars().all()
        noted = s.execute(select(Consideration).where(Consideration.case_id == c.id)
                          .order_by(Consideration.id)).scalars().all()
        people = self.users(s, {r.proposed_by for r in approved} |
                            {r.approved_by for r in approved} | {n.by_id for n in noted})
        deviations = [deviation_record(r, people) for r in approved]
        considerations = [records.Consideration(clause=n.clause, motivation=n.motivation,
                                                by=Actor.of(people[n.by_id]).record())
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
        row = Decision(case_id=c.id, kind=kind, status=result.status,
                       outputs=document["outputs"], deciding_layer=document["deciding_layer"],
                       document={k: v for k, v in document.items()
                                 if k not in ("outputs", "deciding_layer", "status")},
                       regulation_version_id=c.regulation_version_id, decided_by=actor.id,
                       decided_at=self.now())
        s.add(row)
        s.flush()
        self.log(s, actor, f"decision.{kind}", "decision", row.id, c,
                 after={"status": row.status, "outputs": row.outputs,
                        "deciding_layer": row.deciding_layer,
                        "receipt": document["receipt"]})
        return row

    # -- submitting and facts ----------------------------------------------------------------

    def submit(self, actor: Actor, regulation: str, facts: Mapping[str, Any], *,
               subject_key: str | None = None, subject_label: str = "",
               channel: str = "online", peildatum: dt.date | None = None,
               received_on: dt.date | None = None) -> dict[str, Any]:
        """A new case: an application (or a report, for a regulation with an assessment)."""
        if not may("submit", actor.role):
            raise CaseError("MW802", f"a {actor.role} may not submit a case", got=actor.role)
        reg = self.registry.get(regulation)
        today = self.today()
        day = peildatum or today
        decider = self.registry.decider_for(reg)
        values = {k: to_json(v) for k, v in decider.check_inputs(facts).items()}
        with self.db.transaction() as s:
            subject = self._subject(s, actor, reg.subject.type, subject_key, subject_label)
            version = self.registry.store(s, reg)
            c = Case(reference=self._reference(s, reg.id, day), regulation=reg.id,
                     regulation_version_id=version.id, subject_id=subject.id, state="received",
                     channel=channel, peildatum=day, received_on=received_on or today,
                     created_by=actor.id, created_at=self.now(), updated_at=self.now())
            s.add(c)
            s.flush()
            source = "burger" if actor.role == "citizen" else None
            for name, value in values.items():
                s.add(Fact(case_id=c.id, name=name, value=value,
                           source=source or decider.facts()[name].source, recorded_by=actor.id,
                           recorded_at=self.now()))
            self.add_terms(s, c, deadlines.on_submit(reg, c.received_on))
            s.flush()
            self.log(s, actor, "submit", "case", c.id, c, after={
                "reference": c.reference, "regulation": reg.id, "version": reg.version,
                "sha256": reg.sha256, "facts": values, "channel": channel})
            return views.case(c)

    def _subject(self, s: Session, actor: Actor, kind: str, key: str | None,
                 label: str) -> Subject:
        if actor.role == "citizen":
            if actor.subject_id is None:
                raise CaseError("MW802", "this account is not linked to a person; a citizen "
                                "submits for themselves")
            return s.get_one(Subject, actor.subject_id)
        if not key:
            raise CaseError("MW809", "the subject's identifying key is required (a BSN, KvK "
                            "number or object code); it is stored only as a pseudonym",
                            path="subject")
        code = pseudonym(self.secret, kind, key)
        found = s.execute(select(Subject).where(Subject.pseudonym == code)).scalar_one_or_none()
        if found is None:
            found = Subject(kind=kind, pseudonym=code, label=label)
            s.add(found)
            s.flush()
        return found

    def _reference(self, s: Session, regulation: str, day: dt.date) -> str:
        name = f"{regulation}-{day.year}"
        counter = s.execute(select(Counter).where(Counter.name == name).with_for_update()
                            ).scalar_one_or_none()
        if counter is None:
            counter = Counter(name=name, value=0)
            s.add(counter)
        counter.value += 1
        s.flush()
        return f"{name}-{counter.value:06d}"

    def record_facts(self, actor: Actor, case_id: int, facts: Mapping[str, Any],
                     source: str | None = None) -> dict[str, Any]:
        with self.db.transaction() as s:
            c = self.case_row(s, actor, case_id, "record_facts", lock=True)
            decider = self.registry.decider(c.regulation_version)
            values = {k: to_json(v) for k, v in decider.check_inputs(facts).items()}
            before = self.facts(s, c)
            for name, value in values.items():
                origin = "burger" if actor.role == "citizen" else (source or
                                                                   decider.facts()[name].source)
                s.add(Fact(case_id=c.id, name=name, value=value, source=origin,
                           recorded_by=actor.id, recorded_at=self.now()))
            c.updated_at = self.now()
            s.flush()
            self.log(s, actor, "record_facts", "case", c.id, c,
                     before={k: before.get(k) for k in values}, after=values)
            return views.case(c)

    # -- the lifecycle -----------------------------------------------------------------------

    def _step(self, actor: Actor, case_id: int, action: str, why: str = "") -> dict[str, Any]:
        with self.db.transaction() as s:
            c = self.case_row(s, actor, case_id, action, lock=True)
            if action == "start":
                c.assigned_to = actor.id
            self.move(s, actor, c, action, why)
            return views.case(c)

    def start(self, actor: Actor, case_id: int) -> dict[str, Any]:
        return self._step(actor, case_id, "start")

    def investigate(self, actor: Actor, case_id: int) -> dict[str, Any]:
        with self.db.transaction() as s:
            c = self.case_row(s, actor, case_id, "investigate", lock=True)
            if self.registry.pinned(c.regulation_version).assessment is None:
                raise CaseError("MW805", f"{c.regulation} has no investigation (assessment); "
                                "propose a decision instead", path="actions.investigate")
            self.move(s, actor, c, "investigate")
            return views.case(c)

    def apply(self, actor: Actor, case_id: int) -> dict[str, Any]:
        """The application after an investigation: starts the terms that run from it."""
        with self.db.transaction() as s:
            c = self.case_row(s, actor, case_id, "apply", lock=True)
            reg = self.registry.pinned(c.regulation_version)
            self.add_terms(s, c, deadlines.on_apply(reg, self.today()))
            self.move(s, actor, c, "apply", "aanvraag na het onderzoek")
            return views.case(c)

    def withdraw(self, actor: Actor, case_id: int, why: str = "") -> dict[str, Any]:
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
            self._ready(s, c)
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

    def _ready(self, s: Session, c: Case) -> None:
        open_requests = s.execute(select(DeviationRequest.id).where(
            DeviationRequest.case_id == c.id,
            DeviationRequest.state.in_(("requested", "proposed")))).scalars().all()
        if open_requests:
            raise CaseError("MW805", "requests for maatwerk are still open (" + ", ".join(
                f"#{i}" for i in open_requests) + "); approve, refuse or withdraw them first",
                path="actions.decide")

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
            Decision.case_id == c.id, Decision.kind.in_(("decision", "redecision")))
            .order_by(Decision.id.desc()).limit(1)).scalar_one_or_none()
        if found is None:
            raise CaseError("MW805", "the case has no decision yet", path="decision")
        return found

    def decide_objection(self, actor: Actor, case_id: int, upheld: bool,
                         motivation: str) -> dict[str, Any]:
        """The decision on the objection: upheld (the case is decided again on the facts as
        they stand now) or rejected. Not by the person who took the contested decision."""
        if not motivation.strip():
            raise CaseError("MW809", "a decision on an objection is motivated",
                            path="motivation")
        with self.db.transaction() as s:
            c = self.case_row(s, actor, case_id, "decide_objection", lock=True)
            row = s.execute(select(Objection).where(
                Objection.case_id == c.id, Objection.state == "lodged").with_for_update()
            ).scalar_one()
            contested = s.get_one(Decision, row.decision_id)
            if contested.decided_by == actor.id:
                raise CaseError("MW808", "the decision on an objection is taken by someone "
                                "who did not take the contested decision (Awb art. 7:5)",
                                path="actions.decide_objection", got=actor.username)
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

    # -- reading ---------------------------------------------------------------------------------

    def get(self, actor: Actor, case_id: int) -> dict[str, Any]:
        with self.db.reading() as s:
            c = self.case_row(s, actor, case_id)
            data = views.case(c)
            data["facts"] = [views.fact(f) for f in s.execute(
                select(Fact).where(Fact.case_id == c.id).order_by(Fact.id)).scalars()]
            data["current_facts"] = self.facts(s, c)
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
                select(Consideration).where(Consideration.case_id == c.id)).scalars()]
            data["objections"] = [views.objection(o) for o in s.execute(
                select(Objection).where(Objection.case_id == c.id).order_by(Objection.id)
            ).scalars()]
            data["deadlines"] = [views.deadline(d) for d in s.execute(
                select(Deadline).where(Deadline.case_id == c.id).order_by(Deadline.due)
            ).scalars()]
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
        (``overdue``), soonest first."""
        if status not in ("due", "overdue"):
            raise CaseError("MW809", "status is 'due' or 'overdue'", path="status", got=status)
        if not 0 <= within_days <= MAX_WITHIN_DAYS:
            raise CaseError("MW809", f"within_days is a number of days from 0 to "
                            f"{MAX_WITHIN_DAYS}", path="within_days", got=within_days)
        page, size = paging(page, size)
        today = today or self.today()
        with self.db.reading() as s:
            query = select(Deadline).join(Case, Case.id == Deadline.case_id).where(
                Deadline.met_on.is_(None), Case.state.not_in(("withdrawn",)))
            if actor.role == "citizen":
                query = query.where(Case.subject_id == (actor.subject_id or -1))
            if status == "overdue":
                query = query.where(Deadline.due < today)
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
        if actor is not None and actor.role not in ("administrator", "manager"):
            raise CaseError("MW802", "verifying the audit chain is for administrators",
                            got=actor.role)
        with self.db.reading() as s:
            return audit.verify(s)


def deviation_record(row: DeviationRequest, people: Mapping[int, User]) -> records.Deviation:
    """An approved (or proposed) deviation as the engine reads it."""
    proposer = people[row.proposed_by] if row.proposed_by else None
    approver = people.get(row.approved_by) if row.approved_by else None
    return records.Deviation(
        clause=row.clause or "", output=row.output or "", value=row.value,
        ground=row.ground or "", motivation=row.motivation, evidence=list(row.evidence or []),
        proposer=Actor.of(proposer).record() if proposer else records.Actor(
            id="?", role="caseworker"),
        approver=Actor.of(approver).record() if approver else None,
        trigger=row.trigger if row.trigger in ("request", "flag", "consideration") else None)
