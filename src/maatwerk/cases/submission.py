"""Submitting a case and recording its facts.

A submission makes (or finds) what it needs besides the case: the stored regulation version,
the year's reference counter and the subject. Two first submissions at the same moment must not
both make them: each is inserted with ``ON CONFLICT DO NOTHING`` (the counter is counted up in
the same statement), so on PostgreSQL the second waits for the first and then uses its row,
and SQLite serialises writers anyway.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from maatwerk.cases import deadlines, views
from maatwerk.cases.db import upsert
from maatwerk.cases.errors import CaseError
from maatwerk.cases.models import Case, Counter, Fact, Subject
from maatwerk.cases.service import IDENTITY, Actor, CaseService, pseudonym
from maatwerk.cases.workflow import may, refusal
from maatwerk.spec.errors import DecisionError
from maatwerk.spec.model import Regulation
from maatwerk.spec.values import to_json


class Submission(CaseService):
    def submit(self, actor: Actor, regulation: str, facts: Mapping[str, Any], *,
               subject_key: str | None = None, subject_label: str = "",
               channel: str = "online", peildatum: dt.date | None = None,
               received_on: dt.date | None = None) -> dict[str, Any]:
        """A new case: an application (or a report, for a regulation with an assessment). The
        reference date is the case file's date unless given, and must be one the regulation
        applies on (MW603): a case it cannot decide is not accepted."""
        if not may("submit", actor.role):
            raise CaseError("MW802", refusal("submit", actor.role), path="actions.submit",
                            got=actor.role)
        reg = self.registry.get(regulation)
        today = self.today()
        day = peildatum or today
        valid(reg, day)
        decider = self.registry.decider_for(reg)
        values = {k: to_json(v) for k, v in decider.check_inputs(facts).items()}
        with self.db.transaction() as s:
            subject = self._subject(s, actor, reg.subject.type, subject_key, subject_label)
            version = self.registry.store(s, reg)
            now = self.now()
            c = Case(reference=self._reference(s, reg.id, day), regulation=reg.id,
                     regulation_version=version, subject=subject, state="received",
                     channel=channel, peildatum=day, received_on=received_on or today,
                     unit_id=self.unit_of(s, actor), created_by=actor.id, created_at=now,
                     updated_at=now)
            s.add(c)
            s.flush()
            self.add_facts(s, actor, c, values, None, decider.facts())
            self.add_terms(s, c, deadlines.on_submit(reg, c.received_on), new=True)
            self.log(s, actor, "submit", "case", c.id, c, after={
                "reference": c.reference, "regulation": reg.id, "version": reg.version,
                "sha256": reg.sha256, "facts": values, "channel": channel})
            return views.case(c)

    def add_facts(self, s: Session, actor: Actor, c: Case, values: Mapping[str, Any],
                  source: str | None, declared: Mapping[str, Any]) -> None:
        """Record the facts, each with its source: the citizen's own word ('burger'), else the
        source given or declared."""
        if not values:
            return
        now = self.now()
        s.execute(insert(Fact), [
            {"case_id": c.id, "name": name, "value": value, "recorded_by": actor.id,
             "recorded_at": now,
             "source": "burger" if actor.role == "citizen" else source or declared[name].source}
            for name, value in values.items()])

    def _subject(self, s: Session, actor: Actor, kind: str, key: str | None,
                 label: str) -> Subject:
        """The subject of a new case: a citizen's own; else the one of the key (made now if it is
        the first case about it). A person and a household are both known by a BSN, so a case
        about a household submitted with a citizen's BSN is the citizen's (see ``IDENTITY``)."""
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
        query = select(Subject).where(Subject.pseudonym == code)
        found = s.execute(query).scalar_one_or_none()
        if found is None:
            upsert(s, Subject, {"kind": IDENTITY.get(kind, kind), "pseudonym": code,
                                "label": label}, "pseudonym")
            found = s.execute(query).scalar_one()
        return found

    def _reference(self, s: Session, regulation: str, day: dt.date) -> str:
        """The next reference of the regulation's year, counted in one statement."""
        name = f"{regulation}-{day.year}"
        value = upsert(s, Counter, {"name": name, "value": 1}, "name",
                       update={"value": Counter.value + 1}, returning=Counter.value)
        return f"{name}-{value:06d}"

    def record_facts(self, actor: Actor, case_id: int, facts: Mapping[str, Any],
                     source: str | None = None) -> dict[str, Any]:
        with self.db.transaction() as s:
            c = self.case_row(s, actor, case_id, "record_facts", lock=True)
            decider = self.registry.decider(c.regulation_version)
            values = {k: to_json(v) for k, v in decider.check_inputs(facts).items()}
            before = self.facts(s, c)
            self.add_facts(s, actor, c, values, source, decider.facts())
            c.updated_at = self.now()
            s.flush()
            self.log(s, actor, "record_facts", "case", c.id, c,
                     before={k: before.get(k) for k in values}, after=values)
            return views.case(c)


def valid(reg: Regulation, day: dt.date) -> None:
    """Refuse a reference date the regulation does not apply on (MW603), naming its validity."""
    if reg.valid_on(day):
        return
    until = f" until {reg.valid_until}" if reg.valid_until else ""
    raise DecisionError("MW603", f"{reg.id} {reg.version} applies from {reg.valid_from}{until}; "
                        f"a case with reference date {day} cannot be decided under it",
                        path="peildatum", got=day.isoformat())
