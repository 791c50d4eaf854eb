"""An in-memory index of one regulation's decided cases, for precedent search: their facts as
columns of numbers (``features.fact_features``), kept up to date incrementally.

The index holds, per decided case, its facts as ``float32`` numbers (one row per case, in the
order of their decisions), whether it has an approved deviation, and the spreads that scale the
distance (``nearest``). It is built on first use with three statements and then brought up to
date before each search: one cheap statement (the newest decision's id) tells whether anything
was decided since; if so, the decisions after the last one seen — less a margin of
``MARGIN`` ids, for a decision that committed after a later-numbered one on PostgreSQL — are
read with their cases' facts, and their rows added or replaced (a re-decision after an upheld
objection replaces its case's row). Spreads are recomputed when the index has grown by a
quarter.

Indexes are kept per database engine and regulation for the life of the process
(``index_for``); memory is about 4 bytes per fact and case, plus 4 bytes per case id.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from maatwerk.cases.models import Case, Decision, DeviationRequest, Fact
from maatwerk.insight.features import NUMBER, Feature, Vocabulary, number
from maatwerk.insight.nearest import select as nearest
from maatwerk.insight.nearest import spreads

DECIDED = ("decision", "redecision")
MARGIN = 50  # decision ids re-read on each update


@dataclass
class Hit:
    case_id: int
    distance: float


@dataclass
class PrecedentIndex:
    """One regulation's decided cases as rows of feature values (see the module)."""

    regulation: str
    features: tuple[Feature, ...]
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    values: np.ndarray = field(default_factory=lambda: np.empty((0, 0), dtype=np.float32))
    case_ids: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    flagged: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=bool))
    row_of: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int32))
    count: int = 0
    last: int = 0  # the newest decision id read
    scale: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.float32))
    scaled_at: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.values = np.empty((len(self.features), 0), dtype=np.float32)
        self.numeric = np.array([f.kind == NUMBER for f in self.features], dtype=bool)

    # -- keeping up to date ------------------------------------------------------------------

    def update(self, s: Session) -> int:
        """Read what was decided since the last update; the number of cases added or
        replaced."""
        newest = s.execute(select(func.max(Decision.id))).scalar() or 0
        if newest <= self.last:
            return 0
        since = max(0, self.last - MARGIN)
        decided = (select(Decision.case_id).join(Case, Case.id == Decision.case_id)
                   .where(Case.regulation == self.regulation, Decision.kind.in_(DECIDED),
                          Decision.id > since, Decision.id <= newest))
        facts: dict[int, dict[str, Any]] = {}
        for case_id, name, value in s.execute(
                select(Fact.case_id, Fact.name, Fact.value)
                .where(Fact.case_id.in_(decided.scalar_subquery())).order_by(Fact.id)):
            facts.setdefault(case_id, {})[name] = value
        for (case_id,) in s.execute(decided.distinct()):
            facts.setdefault(case_id, {})
        deviated = set(s.execute(select(DeviationRequest.case_id).distinct().where(
            DeviationRequest.state == "approved",
            DeviationRequest.case_id.in_(decided.scalar_subquery()))).scalars())
        self.last = newest
        self._put(list(facts), [facts[c] for c in facts], deviated)
        if self.count >= 1.25 * self.scaled_at or self.scale.size != len(self.features):
            self.scale = spreads(self.values, self.count)
            self.scaled_at = self.count
        return len(facts)

    def encode(self, facts: dict[str, Any]) -> np.ndarray:
        """A case's facts as one row of feature values."""
        row = np.empty(len(self.features), dtype=np.float32)
        for j, f in enumerate(self.features):
            value = facts.get(f.name)
            row[j] = number(value) if f.kind == NUMBER else self.vocabulary.code(f, value)
        return row

    def _put(self, case_ids: Sequence[int], rows: Sequence[dict[str, Any]],
             deviated: set[int]) -> None:
        if not case_ids:
            return
        ids = np.asarray(case_ids, dtype=np.int64)
        self._grow(int(ids.max()) + 1, len(ids))
        existing = self.row_of[ids]
        fresh = existing < 0
        where = existing.copy()
        where[fresh] = np.arange(self.count, self.count + int(fresh.sum()), dtype=np.int32)
        self.count += int(fresh.sum())
        self.row_of[ids] = where
        self.case_ids[where] = ids
        self.flagged[where] = np.fromiter((c in deviated for c in case_ids), bool, len(ids))
        self.values[:, where] = np.stack([self.encode(r) for r in rows], axis=1)

    def _grow(self, ids: int, rows: int) -> None:
        if ids > self.row_of.size:
            more = np.full(max(ids, 2 * self.row_of.size) - self.row_of.size, -1, np.int32)
            self.row_of = np.concatenate([self.row_of, more])
        need = self.count + rows
        if need > self.case_ids.size:
            size = max(need, 2 * self.case_ids.size, 1024)
            self.case_ids = np.resize(self.case_ids, size)
            self.flagged = np.resize(self.flagged, size)
            grown = np.full((len(self.features), size), np.nan, dtype=np.float32)
            grown[:, :self.count] = self.values[:, :self.count]
            self.values = grown

    # -- searching ---------------------------------------------------------------------------

    def lookup(self, s: Session, facts: dict[str, Any], k: int, exclude: int | None = None
               ) -> tuple[list[Hit], list[Hit]]:
        """Brought up to date, the ``k`` nearest decided cases to ``facts`` and the ``k``
        nearest with an approved deviation (``exclude``: the case at hand)."""
        with self.lock:
            self.update(s)
            return self.search(facts, k, exclude)

    def search(self, facts: dict[str, Any], k: int, exclude: int | None = None
               ) -> tuple[list[Hit], list[Hit]]:
        """As it stands, the ``k`` nearest decided cases to ``facts`` and the ``k`` nearest
        with an approved deviation (``exclude``: the case at hand)."""
        skip = -1
        if exclude is not None and 0 <= exclude < self.row_of.size:
            skip = int(self.row_of[exclude])
        near, flagged = nearest(self.values, self.numeric, self.scale, self.encode(facts),
                                self.count, self.flagged, skip, k)
        return ([Hit(int(self.case_ids[r]), d) for r, d in near],
                [Hit(int(self.case_ids[r]), d) for r, d in flagged])


_INDEXES: weakref.WeakKeyDictionary[Engine, dict[str, PrecedentIndex]] = (
    weakref.WeakKeyDictionary())
_LOCK = threading.Lock()


def index_for(s: Session, regulation: str, features: Sequence[Feature]) -> PrecedentIndex:
    """The index of ``regulation`` in the session's database (a new, empty one when there is
    none or the regulation's features changed; ``lookup`` fills it)."""
    engine = s.get_bind()
    assert isinstance(engine, Engine)
    with _LOCK:
        found = _INDEXES.setdefault(engine, {})
        index = found.get(regulation)
        if index is None or index.features != tuple(features):
            index = found[regulation] = PrecedentIndex(regulation, tuple(features))
    return index


def forget(engine: Engine) -> None:
    """Drop the indexes of a database (its cases were removed or rewritten)."""
    with _LOCK:
        _INDEXES.pop(engine, None)


