"""An in-memory index of one regulation's decided cases, for precedent search: their facts as
columns of numbers (``features.fact_features``), kept up to date incrementally.

The index holds, per decided case, its facts as ``float32`` numbers (one row per case, in the
order of their decisions), whether it has an approved deviation, and the spreads that scale the
distance (``nearest``). It is built on first use with three statements and then brought up to
date before each search: one cheap statement (the newest decision's id) tells whether anything
was decided since; if so, the decisions after the last one seen — less a margin of
``MARGIN`` ids, for a decision that committed after a later-numbered one on PostgreSQL — are
read with their cases' facts, and their rows added or replaced (a re-decision after an upheld
objection replaces its case's row, and its block's zone is recomputed). Spreads are recomputed
when the index has grown by a quarter.

The rows are kept sorted for the blocks' zones to be tight (``nearest.sort_order``): all of them
when the index is built and whenever it has doubled since; in between, once the rows added since
the last sort exceed ``SORT_TAIL`` of the sorted ones, those rows are sorted among themselves
(a run of their own, from the block boundary before them), which takes milliseconds where
sorting every row would take seconds.

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

from maatwerk.cases.models import DECIDED_KINDS, Case, Decision, DeviationRequest, Fact
from maatwerk.insight.features import NUMBER, Feature, Vocabulary, number
from maatwerk.insight.nearest import (
    BLOCK,
    Zones,
    blocks_of,
    empty_zones,
    fill_zones,
    sort_features,
    sort_order,
    spreads,
)
from maatwerk.insight.nearest import select as nearest

DECIDED = DECIDED_KINDS  # a case's decisions: the decision, on objection, after a correction
MARGIN = 50  # decision ids re-read on each update
SORT_TAIL = 0.05  # rows added since the last sort, as a share of those sorted, before a new sort
SORT_MIN = 1000  # ... and at least this many


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
    sorted_upto: int = 0  # rows [0, sorted_upto) are in sorted runs, the rest in the order added
    full_sort_at: int = 0  # the number of rows at the last sort of every row
    order: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.values = np.empty((len(self.features), 0), dtype=np.float32)
        self.numeric = np.array([f.kind == NUMBER for f in self.features], dtype=bool)
        self.zones: Zones = empty_zones(len(self.features), 0)

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
        self.add(facts, deviated)
        return len(facts)

    def add(self, facts: dict[int, dict[str, Any]], deviated: set[int]) -> None:
        """Add or replace the rows of cases (``facts`` by case id; ``deviated``: those with an
        approved deviation), then recompute the spreads or sort when due."""
        self._put(list(facts), [facts[c] for c in facts], deviated)
        if self.count >= 1.25 * self.scaled_at or self.scale.size != len(self.features):
            self.scale = spreads(self.values, self.count)
            self.scaled_at = self.count
        if self.count - self.sorted_upto > max(SORT_TAIL * self.sorted_upto, SORT_MIN):
            self._sort(everything=self.count >= 2 * self.full_sort_at)

    def _sort(self, everything: bool) -> None:
        """Sort every row, or those added since the last sort (from the block boundary before
        them) among themselves (see the module); a case keeps its row only until the next
        sort."""
        if everything:
            self.order = sort_features(self.values, self.count)
            self.full_sort_at = self.count
        start, n = 0 if everything else self.sorted_upto // BLOCK * BLOCK, self.count
        permutation = sort_order(self.values, start, n, self.order) + start
        self.values[:, start:n] = self.values[:, permutation]
        self.case_ids[start:n] = self.case_ids[permutation]
        self.flagged[start:n] = self.flagged[permutation]
        self.row_of[self.case_ids[start:n]] = np.arange(start, n, dtype=np.int32)
        self.sorted_upto = n
        fill_zones(self.zones, self.values, self.flagged, n, start // BLOCK)

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
        by case id (so the database walks a few rows, not the regulation's cases). The kind,
        regulation and state are compared here, not in the statements: there the databases
        would take them for the better index and walk every decision or approved request."""
        ids = sorted({c for c, kind, regulation in s.execute(
            select(Decision.case_id, Decision.kind, Case.regulation)
            .join(Case, Case.id == Decision.case_id)
            .where(Decision.id > since, Decision.id <= newest))
            if kind in DECIDED and regulation == self.regulation})
        facts: dict[int, dict[str, Any]] = {c: {} for c in ids}
        deviated: set[int] = set()
        for at in range(0, len(ids), 1000):
            part = ids[at:at + 1000]
            for case_id, name, value in s.execute(
                    select(Fact.case_id, Fact.name, Fact.value)
                    .where(Fact.case_id.in_(part)).order_by(Fact.id)):
                facts[case_id][name] = value
            deviated |= {c for c, state in s.execute(
                select(DeviationRequest.case_id, DeviationRequest.state)
                .where(DeviationRequest.case_id.in_(part))) if state == "approved"}
        return facts, deviated

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
        added = self.count
        where[fresh] = np.arange(added, added + int(fresh.sum()), dtype=np.int32)
        self.count += int(fresh.sum())
        self.row_of[ids] = where
        self.case_ids[where] = ids
        self.flagged[where] = np.fromiter((c in deviated for c in case_ids), bool, len(ids))
        self.values[:, where] = np.stack([self.encode(r) for r in rows], axis=1)
        for block in np.unique(existing[~fresh] // BLOCK):  # the blocks of replaced rows
            fill_zones(self.zones, self.values, self.flagged, self.count, int(block),
                       int(block) + 1)
        fill_zones(self.zones, self.values, self.flagged, self.count, added // BLOCK)

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
            zones = empty_zones(len(self.features), blocks_of(size))
            for old, new in zip(self.zones, zones, strict=True):
                new[..., :old.shape[-1]] = old
            self.zones = zones

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
                                self.count, self.flagged, self.case_ids, skip, k, self.zones)
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


