"""A case history inserted in bulk: the rows the case service would write for each planned case,
without taking every step through it (thousands of cases in seconds, for the insight tests and
``bench/insight.py``).

Each case is planned (``Plan``): regulation, facts, channel, caseworker, when it was received
and decided, a deviation (offered by the caseworker or asked for by the citizen, approved or
refused), whether it was announced and objected to. The decisions are decided by the engine
(``Decider.decide``, the same call the service makes, memoised per distinct case) and stored as
the service stores them: outputs, deciding layer and the whole document. Rows written: units,
users, subjects, cases, facts, decisions (proposal, decision, re-decision after an upheld
objection), deviation requests, considerations (for a clause that must always be considered),
objections and deadlines. The audit chain is not written (no insight reads it).
``tests/insight/test_bulk.py`` checks the rows against a case taken through the service.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from maatwerk.cases import accounts
from maatwerk.cases.db import Database
from maatwerk.cases.deadlines import on_announce, on_object, on_submit
from maatwerk.cases.models import Base, Subject
from maatwerk.cases.registry import Registry
from maatwerk.spec import records
from maatwerk.spec.values import to_json

CONSIDERED = "Afstemming overwogen; geen zeer bijzondere omstandigheden voor de norm."
STORY = "Ik heb hoge kosten door mijn ziekte en kan daardoor niet rondkomen."
MOTIVATION = "Zeer bijzondere situatie: hoge medische kosten, aangetoond met stukken."
REASON = "Er zijn geen zeer bijzondere omstandigheden aangetoond."
TABLES = ("cases", "facts", "decisions", "deviation_requests", "considerations", "objections",
          "deadlines", "subjects")


@dataclass(frozen=True)
class Deviation:
    """A request for maatwerk or a deviation on a case. ``trigger`` ``request``: the citizen
    asked; ``flag``: the caseworker offered it. ``clause`` None: a request refused before any
    deviation was proposed."""

    trigger: str = "flag"
    state: str = "approved"  # approved | refused | requested | proposed | withdrawn
    clause: str | None = "afstemming"
    output: str = "bijstandsnorm"
    value: Any = 1500
    ground: str = "omstandigheden"
    motivation: str = MOTIVATION


@dataclass(frozen=True)
class Plan:
    regulation: str
    facts: dict[str, Any]
    peildatum: dt.date
    caseworker: str
    received: dt.date
    decided: dt.date | None = None  # None: still open
    channel: str = "online"
    deviations: tuple[Deviation, ...] = ()
    announced: bool = False
    objection: str | None = None  # lodged | upheld | rejected
    withdrawn: bool = False


@dataclass
class Staff:
    """The people of the history: caseworkers by team, approvers and one citizen (who asks for
    maatwerk in every case: requests name a user, the subject is the case's own)."""

    teams: dict[str, list[str]]
    approvers: tuple[str, ...] = ("fiat-1", "fiat-2")
    ids: dict[str, int] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)

    def create(self, db: Database) -> None:
        with db.transaction() as s:
            for team, people in self.teams.items():
                for name in people:
                    self.ids[name] = accounts.create_user(s, name, "caseworker",
                                                          unit_name=team).id
                    self.units[name] = team
            for name in self.approvers:
                self.ids[name] = accounts.create_user(s, name, "approver").id
            subject = Subject(kind="person", pseudonym="planted-citizen", label="burger")
            s.add(subject)
            s.flush()
            self.ids["burger"] = accounts.create_user(s, "burger", "citizen",
                                                      subject_id=subject.id).id


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


class Bulk:
    """Inserts planned cases into a migrated case file."""

    def __init__(self, db: Database, registry: Registry, staff: Staff) -> None:
        self.db, self.registry, self.staff = db, registry, staff
        self.memo: dict[str, dict[str, Any]] = {}
        self.versions: dict[str, int] = {}
        self.rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
        self.next: dict[str, int] = {}

    def _id(self, table: str) -> int:
        self.next[table] += 1
        return self.next[table]

    def decision(self, plan: Plan, approved: list[Deviation]) -> dict[str, Any]:
        """The stored form of the case's decision (memoised: alike cases share it)."""
        proposer = {"id": plan.caseworker, "role": "caseworker",
                    "unit": self.staff.units[plan.caseworker]}
        approver = {"id": self.staff.approvers[0], "role": "approver"}
        devs = [{"clause": d.clause, "output": d.output, "value": to_json(d.value),
                 "ground": d.ground, "motivation": d.motivation, "proposer": proposer,
                 "approver": approver, "trigger": d.trigger} for d in approved]
        reg = self.registry.get(plan.regulation)
        considered = [c for c in reg.hardship.values() if c.mode == "always_consider"
                      and not any(d.clause == c.name for d in approved)]
        cons = [{"clause": c.name, "motivation": CONSIDERED, "by": proposer}
                for c in considered]
        key = json.dumps([plan.regulation, plan.facts, plan.peildatum.isoformat(), devs, cons],
                         sort_keys=True, default=str)
        found = self.memo.get(key)
        if found is None:
            deviations, considerations = records.read_deviations(
                {"deviations": devs, "considerations": cons})
            result = self.registry.decider_for(reg).decide(
                plan.peildatum, plan.facts, deviations=deviations,
                considerations=considerations)
            assert result.determined, (plan, result.missing)
            document = result.to_json()
            found = {"status": result.status, "outputs": document["outputs"],
                     "deciding_layer": document["deciding_layer"],
                     "document": {k: v for k, v in document.items()
                                  if k not in ("outputs", "deciding_layer", "status")},
                     "considered": [c.name for c in considered]}
            self.memo[key] = found
        return found

    def add(self, plans: Iterable[Plan]) -> list[int]:
        """Insert the cases; their ids, in order."""
        with self.db.engine.connect() as c:
            for table in TABLES:
                self.next[table] = int(c.execute(sa.text(
                    f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one())
        with self.db.transaction() as s:
            for reg in self.registry.current.values():
                self.versions[reg.id] = self.registry.store(s, reg).id
        ids = [self._case(plan) for plan in plans]
        self.flush()
        return ids

    def flush(self) -> None:
        with self.db.engine.begin() as c:
            for table in ("subjects", *TABLES[:-1]):
                rows = self.rows[table]
                for start in range(0, len(rows), 5000):
                    c.execute(Base.metadata.tables[table].insert(), rows[start:start + 5000])
                if rows and c.dialect.name == "postgresql":
                    c.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                      f"(SELECT max(id) FROM {table}))"))
                rows.clear()

    def _case(self, plan: Plan) -> int:
        case_id = self._id("cases")
        worker = self.staff.ids[plan.caseworker]
        reg = self.registry.get(plan.regulation)
        values = {k: to_json(v) for k, v in
                  self.registry.decider_for(reg).check_inputs(plan.facts).items()}
        subject = self._id("subjects")
        self.rows["subjects"].append({"id": subject, "kind": reg.subject.type,
                                      "pseudonym": f"planted-{case_id}", "label": ""})
        state = self._state(plan)
        received = _at(plan.received)
        self.rows["cases"].append({
            "id": case_id, "reference": f"{plan.regulation}-{case_id:07d}",
            "regulation": plan.regulation, "regulation_version_id": self.versions[reg.id],
            "subject_id": subject, "state": state, "channel": plan.channel,
            "peildatum": plan.peildatum, "received_on": plan.received, "unit_id": None,
            "assigned_to": worker, "created_by": worker, "created_at": received,
            "updated_at": _at(plan.decided or plan.received), "revision": 1})
        for name, value in values.items():
            self.rows["facts"].append({"id": self._id("facts"), "case_id": case_id,
                                       "name": name, "value": value,
                                       "source": reg.inputs[name].source,
                                       "recorded_at": received, "recorded_by": worker})
        for term in on_submit(reg, plan.received):
            self._term(case_id, term, plan.decided)
        self._deviations(case_id, plan)
        if plan.decided is not None:
            self._decided(case_id, plan)
        return case_id

    @staticmethod
    def _state(plan: Plan) -> str:
        if plan.withdrawn:
            return "withdrawn"
        if plan.decided is None:
            return "in_progress"
        if plan.objection in ("upheld", "rejected"):
            return "objection_decided"
        if plan.objection == "lodged":
            return "objection"
        return "announced" if plan.announced else "decided"

    def _term(self, case_id: int, term: Any, met: dt.date | None) -> None:
        self.rows["deadlines"].append({
            "id": self._id("deadlines"), "case_id": case_id, "kind": term.kind,
            "label": term.label, "starts": term.starts, "due": term.due, "met_on": met,
            "reference": term.reference})

    def _deviations(self, case_id: int, plan: Plan) -> None:
        worker = self.staff.ids[plan.caseworker]
        when = _at(plan.received + dt.timedelta(days=1))
        done = _at((plan.decided or plan.received) - dt.timedelta(days=1), 9)
        for d in plan.deviations:
            asked = d.trigger == "request"
            proposed = d.clause is not None and d.state != "requested"
            self.rows["deviation_requests"].append({
                "id": self._id("deviation_requests"), "case_id": case_id, "state": d.state,
                "story": STORY if asked else "", "trigger": d.trigger, "clause": d.clause,
                "output": d.output if d.clause else None,
                "value": to_json(d.value) if d.clause else None,
                "ground": d.ground if d.clause else None,
                "motivation": d.motivation if d.clause else "", "evidence": [],
                "requested_by": self.staff.ids["burger"] if asked else worker,
                "proposed_by": worker if proposed else None,
                "approved_by": self.staff.ids[self.staff.approvers[0]]
                if d.state == "approved" else None,
                "reason": REASON if d.state == "refused" else "", "created_at": when,
                "updated_at": done if d.state not in ("requested", "proposed") else when,
                "revision": 2})

    def _decided(self, case_id: int, plan: Plan) -> None:
        assert plan.decided is not None
        worker = self.staff.ids[plan.caseworker]
        approver = self.staff.ids[self.staff.approvers[0]]
        approved = [d for d in plan.deviations if d.state == "approved"]
        stored = self.decision(plan, approved)
        for clause in stored["considered"]:
            self.rows["considerations"].append({
                "id": self._id("considerations"), "case_id": case_id, "clause": clause,
                "motivation": CONSIDERED, "by_id": worker,
                "recorded_at": _at(plan.decided, 9)})
        decided = _at(plan.decided)
        row = {k: stored[k] for k in ("status", "outputs", "deciding_layer", "document")}
        version = self.versions[plan.regulation]
        self.rows["decisions"].append({"id": self._id("decisions"), "case_id": case_id,
                                       "kind": "proposal", **row, "decided_by": worker,
                                       "regulation_version_id": version, "decided_at": decided})
        decision = self._id("decisions")
        self.rows["decisions"].append({"id": decision, "case_id": case_id, "kind": "decision",
                                       **row, "decided_by": approver,
                                       "regulation_version_id": version, "decided_at": decided})
        if not (plan.announced or plan.objection):
            return
        announced = plan.decided + dt.timedelta(days=1)
        objected = announced + dt.timedelta(days=10)
        for term in on_announce(announced):
            self._term(case_id, term, objected if plan.objection else None)
        if plan.objection is None:
            return
        ruled = objected + dt.timedelta(days=30)
        done = plan.objection in ("upheld", "rejected")
        for term in on_object(announced):
            self._term(case_id, term, ruled if done else None)
        other = self.staff.ids[self.staff.approvers[-1]]
        self.rows["objections"].append({
            "id": self._id("objections"), "case_id": case_id, "decision_id": decision,
            "grounds": "De uitkomst houdt geen rekening met mijn situatie.",
            "state": plan.objection, "lodged_by": self.staff.ids["burger"],
            "lodged_at": _at(objected), "decided_by": other if done else None,
            "decided_at": _at(ruled) if done else None,
            "outcome": "Op bezwaar beslist." if done else ""})
        if plan.objection == "upheld":
            self.rows["decisions"].append({
                "id": self._id("decisions"), "case_id": case_id, "kind": "redecision", **row,
                "decided_by": other, "regulation_version_id": version,
                "decided_at": _at(ruled)})
