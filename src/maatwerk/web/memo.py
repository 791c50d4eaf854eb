"""What a page computes from the whole case file, kept per revision of the case file.

The manager's dashboard reads every decided case; asked again while nothing happened in the case
file, it would compute the same figures and draw the same charts. ``Memo`` keeps them, under a
key that holds the case file's *revision* (``revision``): the head of the audit chain, which
every change made through the case service moves in the same transaction, together with the
largest id of each table the figures count, so that rows inserted in bulk without an audit
entry (a data load, the insight tests) also make a new revision. A new event gives a new key,
and the next request computes afresh; what was kept under the old key is never read again and
falls out (the memo holds a few keys, least recently used first out).

The revision is read first, in the same read session as the figures: on SQLite a read
transaction sees one snapshot; on PostgreSQL (read committed) a later statement may see a commit
the revision did not, so figures kept under a revision may be a little newer than it — never
older — and that revision is then already past.

A memo belongs to one ``Database`` (``for_database``), so two case files never share figures.
Concurrent requests for the same key compute it once: the others wait for the first.

Beside the figures, a memo keeps what the figures read of sampled decisions' documents
(``Memo.documents``, see ``maatwerk.insight.documents.decisions``), by decision id, for every
revision: a decision's row does not change once written, so after a new event only decisions
not read before are read. It holds at most ``DOCUMENTS`` of them. And it keeps the figures
computed from a sample by a key of what they were computed from (``Memo.measured``, see
``maatwerk.insight.equality.equality``), for every revision: after an event, a regulation
whose sample it did not change is not measured again. It holds at most ``MEASURED`` of them.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, MutableMapping
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from maatwerk.cases.db import Database
from maatwerk.cases.models import (
    Assessment,
    AuditHead,
    Case,
    Consideration,
    Deadline,
    Decision,
    DeviationRequest,
    Fact,
    Objection,
)

SIZE = 32  # keys kept per case file (figures, charts and the JSON twin's body)
DOCUMENTS = 20_000  # decisions kept per case file (a few kB each)
MEASURED = 64  # figures of one regulation's sample kept per case file
COUNTED = (Case, Fact, Decision, DeviationRequest, Assessment, Consideration, Objection,
           Deadline)


def revision(s: Session) -> tuple[Any, ...]:
    """The case file's revision as ``s`` sees it: the audit chain's head (its last id and
    hash) and the largest id of each table the insight figures count. One query, each part a
    lookup in a primary key."""
    head = (select(func.coalesce(func.max(AuditHead.last_id), 0),
                   func.coalesce(func.max(AuditHead.last_hash), ""))
            .where(AuditHead.id == 1))
    last, hashed = s.execute(head).one()
    ids = s.execute(select(*(select(func.max(t.id)).scalar_subquery() for t in COUNTED))).one()
    return (int(last), str(hashed), *ids)


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Kept(MutableMapping[K, V]):
    """A mapping of at most ``size`` items (the first added go out first) that threads may
    share: ``get`` and setting an item are atomic."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._items: dict[K, V] = {}

    def __getitem__(self, key: K) -> V:
        with self._lock:
            return self._items[key]

    def __setitem__(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                del self._items[next(iter(self._items))]

    def __delitem__(self, key: K) -> None:
        with self._lock:
            del self._items[key]

    def __iter__(self) -> Iterator[K]:
        with self._lock:
            return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)


class Memo:
    """A few values by key, least recently used first out; a value is computed once even when
    several threads ask for it at the same moment. ``documents`` keeps what the figures read
    of decisions, ``measured`` what they computed from samples (see the module's text)."""

    def __init__(self, size: int = SIZE, documents: int = DOCUMENTS,
                 measured: int = MEASURED) -> None:
        self.size = size
        self.documents: Kept[int, Any] = Kept(documents)
        self.measured: Kept[Hashable, Any] = Kept(measured)
        self._lock = threading.Lock()
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._pending: dict[Hashable, threading.Lock] = {}

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The value kept under ``key``, computed (and kept) when there is none."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            gate = self._pending.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                if key in self._values:  # computed by the thread this one waited for
                    self._values.move_to_end(key)
                    return self._values[key]
            try:
                value = compute()
                with self._lock:
                    self._values[key] = value
                    while len(self._values) > self.size:
                        self._values.popitem(last=False)
            finally:
                with self._lock:
                    self._pending.pop(key, None)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


_MEMOS: weakref.WeakKeyDictionary[Database, Memo] = weakref.WeakKeyDictionary()
_MEMOS_LOCK = threading.Lock()


def for_database(db: Database) -> Memo:
    """The memo of one case file (made when first asked; gone with its ``Database``)."""
    with _MEMOS_LOCK:
        found = _MEMOS.get(db)
        if found is None:
            found = _MEMOS[db] = Memo()
        return found
