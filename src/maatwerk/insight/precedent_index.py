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
from maatwerk.insight.nearest import Layout, sort_order, spreads
from maatwerk.insight.nearest import select as nearest

DECIDED = ("decision", "redecision")
MARGIN = 50  # decision ids re-read on each update
SORT_TAIL = 0.05  # rows added since the last sort, as a share of those sorted, before a new sort


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
    layout: Layout = field(default_factory=Layout)
    moved: bool = False  # a row was replaced since the last sort
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.values = np.empty((len(self.features), 0), dtype=np.float32)
        self.numeric = np.array([f.kind == NUMBER for f in self.features], dtype=bool)

    # -- keeping up to date ------------------------------------------------------------------

    def update(self, s: Session, newest: int | None = None) -> int:
        """Read what was decided since the last update (``newest``: the newest decision's id,
        when the caller read it); the number of cases added or replaced."""
        if newest is None:
            newest = s.execute(select(func.max(Decision.id))).scalar() or 0
        if newest <= self.last:
            return 0
        if self.last == 0:
            facts, deviated = self._read_all(s, newest)
        else:
            facts, deviated = self._read_since(s, max(0, self.last - MARGIN), newest)
        self.last = newest
        self._put(list(facts), [facts[c] for c in facts], deviated)
        if self.count >= 1.25 * self.scaled_at or self.scale.size != len(self.features):
            self.scale = spreads(self.values, self.count)
            self.scaled_at = self.count
        if self.moved or self.count - self.layout.upto > max(SORT_TAIL * self.layout.upto,
                                                                 1000):
            self._sort()
        return len(facts)

    def _sort(self) -> None:
        """Reorder the rows on the key feature (see ``nearest``); a case keeps its row id only
        until the next sort."""
        key = self._key()
        self.moved = False
        if key < 0:
            self.layout = Layout(-1, 0, self.count)
            return
        n = self.count
        permutation, self.layout = sort_order(self.values, n, key)
        self.values[:, :n] = self.values[:, permutation]
        self.case_ids[:n] = self.case_ids[permutation]
        self.flagged[:n] = self.flagged[permutation]
        self.row_of[self.case_ids[:n]] = np.arange(n, dtype=np.int32)

    def _read_all(self, s: Session, newest: int) -> tuple[dict[int, dict[str, Any]], set[int]]:
        """Every decided case of the regulation: its facts and whether it has an approved
        deviation (joins over the whole tables)."""
        decided = (select(Decision.case_id).join(Case, Case.id == Decision.case_id)
                   .where(Case.regulation == self.regulation, Decision.kind.in_(DECIDED),
                          Decision.id <= newest))
        facts: dict[int, dict[str, Any]] = {c: {} for c in s.execute(
            decided.distinct()).scalars()}
        for case_id, name, value in s.execute(
                select(Fact.case_id, Fact.name, Fact.value)
                .where(Fact.case_id.in_(decided.scalar_subquery())).order_by(Fact.id)):
            facts[case_id][name] = value
        deviated = set(s.execute(select(DeviationRequest.case_id).distinct().where(
            DeviationRequest.state == "approved",
            DeviationRequest.case_id.in_(decided.scalar_subquery()))).scalars())
        return facts, deviated

    def _read_since(self, s: Session, since: int, newest: int
                    ) -> tuple[dict[int, dict[str, Any]], set[int]]:
        """The cases decided after decision ``since``: found by the decisions' ids, then read
        by case id (so the database walks a few rows, not the regulation's cases)."""
        ids = sorted({c for c, regulation in s.execute(
            select(Decision.case_id, Case.regulation).join(Case, Case.id == Decision.case_id)
            .where(Decision.id > since, Decision.id <= newest, Decision.kind.in_(DECIDED)))
            if regulation == self.regulation})
        facts: dict[int, dict[str, Any]] = {c: {} for c in ids}
        deviated: set[int] = set()
        for at in range(0, len(ids), 1000):
            part = ids[at:at + 1000]
            for case_id, name, value in s.execute(
                    select(Fact.case_id, Fact.name, Fact.value)
                    .where(Fact.case_id.in_(part)).order_by(Fact.id)):
                facts[case_id][name] = value
            deviated |= set(s.execute(select(DeviationRequest.case_id).distinct().where(
                DeviationRequest.state == "approved",
                DeviationRequest.case_id.in_(part))).scalars())
        return facts, deviated

    def _key(self) -> int:
        """The feature to sort on: a number most cases have, with the most distinct values."""
        best, chosen = (-1.0, -1), -1
        for j, f in enumerate(self.features):
            if f.kind != NUMBER:
                continue
            column = self.values[j, :self.count]
            present = column[~np.isnan(column)]
            if present.size < 0.9 * self.count:
                continue
            score = (float(np.unique(present).size), -j)
            if score > best:
                best, chosen = score, j
        return chosen

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
        self.moved = self.moved or bool((~fresh).any())
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

    def lookup(self, s: Session, facts: dict[str, Any], k: int, exclude: int | None = None,
               newest: int | None = None) -> tuple[list[Hit], list[Hit]]:
        """Brought up to date, the ``k`` nearest decided cases to ``facts`` and the ``k``
        nearest with an approved deviation (``exclude``: the case at hand; ``newest``: the
        newest decision's id, when the caller read it)."""
        with self.lock:
            self.update(s, newest)
            return self.search(facts, k, exclude)

    def search(self, facts: dict[str, Any], k: int, exclude: int | None = None
               ) -> tuple[list[Hit], list[Hit]]:
        """As it stands, the ``k`` nearest decided cases to ``facts`` and the ``k`` nearest
        with an approved deviation (``exclude``: the case at hand)."""
        skip = -1
        if exclude is not None and 0 <= exclude < self.row_of.size:
            skip = int(self.row_of[exclude])
        near, flagged = nearest(self.values, self.numeric, self.scale, self.encode(facts),
                                self.count, self.flagged, self.case_ids, skip, k, self.layout)
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


