"""The case file as plain data (what the API and the web pages show)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from maatwerk.cases.models import (
    AuditEntry,
    Case,
    Deadline,
    Decision,
    DeviationRequest,
    Fact,
    Objection,
)


def _time(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat()


def case(c: Case) -> dict[str, Any]:
    return {
        "id": c.id, "reference": c.reference, "regulation": c.regulation,
        "regulation_version": c.regulation_version.version,
        "regulation_sha256": c.regulation_version.sha256,
        "subject": {"kind": c.subject.kind, "pseudonym": c.subject.pseudonym,
                    "label": c.subject.label},
        "state": c.state, "channel": c.channel, "peildatum": c.peildatum.isoformat(),
        "received_on": c.received_on.isoformat(), "assigned_to": c.assigned_to,
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
            "created_at": _time(r.created_at), "updated_at": _time(r.updated_at)}


def objection(o: Objection) -> dict[str, Any]:
    return {"id": o.id, "case_id": o.case_id, "decision_id": o.decision_id,
            "grounds": o.grounds, "state": o.state, "lodged_by": o.lodged_by,
            "lodged_at": _time(o.lodged_at), "decided_by": o.decided_by,
            "decided_at": _time(o.decided_at), "outcome": o.outcome}


def deadline(d: Deadline, today: dt.date | None = None) -> dict[str, Any]:
    today = today or dt.date.today()
    status = "met" if d.met_on else ("overdue" if d.due < today else "due")
    return {"kind": d.kind, "label": d.label, "starts": d.starts.isoformat(),
            "due": d.due.isoformat(), "met_on": d.met_on.isoformat() if d.met_on else None,
            "reference": d.reference, "status": status, "case_id": d.case_id}


def audit(e: AuditEntry) -> dict[str, Any]:
    return {"id": e.id, "at": _time(e.at), "actor": e.actor, "action": e.action,
            "case_id": e.case_id, "entity": e.entity, "entity_id": e.entity_id, "why": e.why,
            "before": e.before, "after": e.after, "hash": e.hash}
