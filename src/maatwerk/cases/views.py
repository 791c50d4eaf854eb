"""The case file as plain data (what the API and the web pages show)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from maatwerk.cases.deadlines import status
from maatwerk.cases.models import (
    AuditEntry,
    Case,
    Claim,
    Deadline,
    Decision,
    DeviationRequest,
    Fact,
    Objection,
    as_utc,
)


def _time(value: dt.datetime | None) -> str | None:
    return None if value is None else as_utc(value).isoformat()


def case(c: Case) -> dict[str, Any]:
    return {
        "id": c.id, "reference": c.reference, "regulation": c.regulation,
        "regulation_version": c.regulation_version.version,
        "regulation_sha256": c.regulation_version.sha256,
        "subject": {"kind": c.subject.kind, "pseudonym": c.subject.pseudonym,
                    "label": c.subject.label},
        "state": c.state, "channel": c.channel, "peildatum": c.peildatum.isoformat(),
        "received_on": c.received_on.isoformat(), "unit_id": c.unit_id,
        "assigned_to": c.assigned_to,
        "created_at": _time(c.created_at), "updated_at": _time(c.updated_at),
        "revision": c.revision,
    }


def fact(f: Fact) -> dict[str, Any]:
    return {"name": f.name, "value": f.value, "source": f.source,
            "recorded_at": _time(f.recorded_at), "recorded_by": f.recorded_by}


def decision(d: Decision) -> dict[str, Any]:
    return {"id": d.id, "kind": d.kind, "status": d.status, "outputs": d.outputs,
            "deciding_layer": d.deciding_layer, "decided_at": _time(d.decided_at),
            "decided_by": d.decided_by, **d.document}


def deviation(r: DeviationRequest) -> dict[str, Any]:
    return {"id": r.id, "case_id": r.case_id, "state": r.state, "trigger": r.trigger,
            "story": r.story, "clause": r.clause, "output": r.output, "value": r.value,
            "ground": r.ground, "motivation": r.motivation, "evidence": r.evidence,
            "requested_by": r.requested_by, "proposed_by": r.proposed_by,
            "approved_by": r.approved_by, "reason": r.reason,
            "proposer": _as(r.proposer_role, r.proposer_unit),
            "approver": _as(r.approver_role, r.approver_unit),
            "proposed_at": _time(r.proposed_at), "decided_at": _time(r.decided_at),
            "created_at": _time(r.created_at), "updated_at": _time(r.updated_at)}


def _as(role: str | None, unit: str | None) -> dict[str, str | None] | None:
    """The role and unit someone acted in."""
    return None if role is None else {"role": role, "unit": unit}


def claim(c: Claim, term: Deadline | None, today: dt.date) -> dict[str, Any]:
    """A claim on a fact, with its term as of ``today``."""
    return {"id": c.id, "case_id": c.case_id, "fact": c.fact, "value": c.value,
            "disputed": c.disputed, "disputed_source": c.disputed_source, "reason": c.reason,
            "evidence": c.evidence, "state": c.state, "lodged_by": c.lodged_by,
            "lodged_role": c.lodged_role, "lodged_at": _time(c.lodged_at),
            "handled_by": c.handled_by, "handled_at": _time(c.handled_at),
            "outcome": c.outcome, "fact_id": c.fact_id,
            "previous_decision_id": c.previous_decision_id, "decision_id": c.decision_id,
            "term": None if term is None else deadline(term, today)}


def objection(o: Objection) -> dict[str, Any]:
    return {"id": o.id, "case_id": o.case_id, "decision_id": o.decision_id,
            "grounds": o.grounds, "state": o.state, "lodged_by": o.lodged_by,
            "lodged_at": _time(o.lodged_at), "decided_by": o.decided_by,
            "decided_at": _time(o.decided_at), "outcome": o.outcome}


def deadline(d: Deadline, today: dt.date) -> dict[str, Any]:
    """A term as of ``today`` (the case file's date)."""
    return {"kind": d.kind, "label": d.label, "starts": d.starts.isoformat(),
            "due": d.due.isoformat(), "met_on": d.met_on.isoformat() if d.met_on else None,
            "closed_on": d.closed_on.isoformat() if d.closed_on else None,
            "reference": d.reference,
            "status": status(d.kind, d.due, d.met_on, d.closed_as, today),
            "case_id": d.case_id}


def audit(e: AuditEntry) -> dict[str, Any]:
    return {"id": e.id, "at": _time(e.at), "actor": e.actor, "action": e.action,
            "case_id": e.case_id, "entity": e.entity, "entity_id": e.entity_id, "why": e.why,
            "before": e.before, "after": e.after, "hash": e.hash}
