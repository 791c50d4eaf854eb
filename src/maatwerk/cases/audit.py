"""The append-only, hash-chained audit log.

Every event — who, when, what, why, the state before and after — is one entry whose hash covers
its own fields and the hash of the entry before it. Changing or removing any entry breaks the
chain from there on, and ``verify`` names the first entry that no longer fits. The database
refuses UPDATE and DELETE on the log (triggers, see the migrations); appends are serialised by
locking the single row of ``audit_head``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from maatwerk.cases.models import AuditEntry, AuditHead, utcnow

GENESIS = "0" * 64


def _canonical_time(at: dt.datetime) -> str:
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """The hash of an entry: sha256 over the previous hash and the canonical JSON of its fields."""
    body = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _fields(entry: AuditEntry) -> dict[str, Any]:
    return {"id": entry.id, "at": _canonical_time(entry.at), "actor": entry.actor,
            "action": entry.action, "case_id": entry.case_id, "entity": entry.entity,
            "entity_id": entry.entity_id, "why": entry.why, "before": entry.before,
            "after": entry.after}


def append(session: Session, *, actor: str, action: str, entity: str,
           entity_id: int | None = None, case_id: int | None = None, why: str = "",
           before: Any = None, after: Any = None, at: dt.datetime | None = None) -> AuditEntry:
    """Append one entry in the session's transaction."""
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()
                           ).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, last_id=0, last_hash=GENESIS)
        session.add(head)
        session.flush()
    entry = AuditEntry(id=head.last_id + 1, at=at or utcnow(),
                       actor=actor, action=action, case_id=case_id, entity=entity,
                       entity_id=entity_id, why=why, before=before, after=after,
                       prev_hash=head.last_hash, hash="")
    entry.hash = entry_hash(head.last_hash, _fields(entry))
    session.add(entry)
    head.last_id = entry.id
    head.last_hash = entry.hash
    session.flush()
    return entry


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    broken_id: int | None = None
    reason: str = ""

    def message(self) -> str:
        if self.ok:
            return f"the audit chain is intact: {self.entries} entries"
        return f"the audit chain is broken at entry {self.broken_id}: {self.reason}"


def verify(session: Session, batch: int = 5000) -> Verification:
    """Walk the whole chain; the first entry that does not fit is named."""
    previous = GENESIS
    expected_id = 1
    count = 0
    last = 0
    while True:
        rows = session.execute(select(AuditEntry).where(AuditEntry.id > last)
                               .order_by(AuditEntry.id).limit(batch)).scalars().all()
        if not rows:
            break
        for entry in rows:
            if entry.id != expected_id:
                return Verification(False, count, expected_id,
                                    f"entry {expected_id} is missing (next is {entry.id})")
            if entry.prev_hash != previous:
                return Verification(False, count, entry.id,
                                    "it does not point to the hash of the entry before it")
            if entry_hash(previous, _fields(entry)) != entry.hash:
                return Verification(False, count, entry.id,
                                    "its content does not match its hash (it was changed)")
            previous = entry.hash
            expected_id += 1
            count += 1
            last = entry.id
        session.expunge_all()
    head = session.execute(select(AuditHead).where(AuditHead.id == 1)).scalar_one_or_none()
    if head is not None and (head.last_id != count or head.last_hash != previous):
        return Verification(False, count, count + 1 if head.last_id > count else count,
                            f"the chain ends at entry {count} but the head records "
                            f"entry {head.last_id} (entries were removed)")
    return Verification(True, count)
