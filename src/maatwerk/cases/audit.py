"""The append-only, hash-chained audit log.

Every event — who, when, what, why, the state before and after — is one entry whose hash covers
its own fields and the hash of the entry before it. Changing or removing any entry breaks the
chain from there on, and ``verify`` names the first entry that no longer fits. The database
refuses UPDATE and DELETE on the log (triggers, see the migrations); appends are serialised by
locking the single row of ``audit_head``, which a transaction reads once and then keeps, and
which the database lets move only forward, to an entry of the log (migration 0003). ``verify``
checks that the head records the chain's last entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, SessionTransaction

from maatwerk.cases.models import AuditEntry, AuditHead, as_utc, utcnow

GENESIS = "0" * 64
_HEAD = "maatwerk.audit.head"  # the session's (transaction, [last id, last hash])


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


def _head(session: Session) -> list[Any]:
    """The head as this transaction holds it: locked and read at its first append, kept for
    the next ones (a savepoint has its own)."""
    transaction: SessionTransaction | None = (session.get_nested_transaction()
                                              or session.get_transaction())
    held = session.info.get(_HEAD)
    if held is not None and held[0] is transaction:
        head: list[Any] = held[1]
        return head
    row = session.execute(select(AuditHead.last_id, AuditHead.last_hash)
                          .where(AuditHead.id == 1).with_for_update()).one_or_none()
    if row is None:
        session.execute(insert(AuditHead).values(id=1, last_id=0, last_hash=GENESIS))
        head = [0, GENESIS]
    else:
        head = [row[0], row[1]]
    session.info[_HEAD] = (transaction, head)
    return head


def append(session: Session, *, actor: str, action: str, entity: str,
           entity_id: int | None = None, case_id: int | None = None, why: str = "",
           before: Any = None, after: Any = None, at: dt.datetime | None = None) -> AuditEntry:
    """Append one entry in the session's transaction: the entry, then the head moved to it."""
    head = _head(session)
    entry = AuditEntry(id=head[0] + 1, at=as_utc(at or utcnow()), actor=actor, action=action,
                       case_id=case_id, entity=entity, entity_id=entity_id, why=why,
                       before=before, after=after, prev_hash=head[1], hash="")
    entry.hash = entry_hash(head[1], _fields(entry))
    session.execute(insert(AuditEntry).values(
        id=entry.id, at=entry.at, actor=actor, action=action, case_id=case_id, entity=entity,
        entity_id=entity_id, why=why, before=before, after=after, prev_hash=entry.prev_hash,
        hash=entry.hash))
    session.execute(update(AuditHead).where(AuditHead.id == 1)
                    .values(last_id=entry.id, last_hash=entry.hash))
    head[0], head[1] = entry.id, entry.hash
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
    return _check_head(session, count, previous)


def _check_head(session: Session, count: int, previous: str) -> Verification:
    """The head must record the chain's last entry (the walk above saw every entry)."""
    head = session.execute(select(AuditHead).where(AuditHead.id == 1)).scalar_one_or_none()
    if head is None:
        if count:
            return Verification(False, count, count, "the audit head is missing (it records "
                                "the last entry; it was removed)")
        return Verification(True, count)
    if head.last_id != count or head.last_hash != previous:
        return Verification(False, count, count + 1 if head.last_id > count else count,
                            f"the chain ends at entry {count} but the head records "
                            f"entry {head.last_id} (entries were removed, or the head moved)")
    return Verification(True, count)
