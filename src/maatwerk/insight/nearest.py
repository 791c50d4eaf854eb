"""The nearest rows of a column store to one query row: the arithmetic of precedent search.

The distance between two cases is a *Gower distance* with a robust range: the sum over the
features of

- for a number (an amount, a count, a date as a day number): the absolute difference divided by
  the feature's spread — the distance between its 5th and 95th percentile over the decided cases
  (its full range when that is zero) — and capped at 1, so one extreme value cannot outweigh the
  rest;
- for a yes/no or a choice: 0 when equal, 1 when not;
- 0 when both lack the feature, 1 when one of them does.

So every feature weighs at most 1 and the distance counts, roughly, *how many facts differ, and
by how much*. The search keeps the ``k`` nearest rows overall and the ``k`` nearest among the
rows flagged (cases with an approved deviation); among equal distances the more recent case (the
higher case id) wins. Distances are summed in ``float32`` feature by feature in column order,
the same operations in the same order on every path, so every path gives the same bits.

It does not look at every row. The store's rows are cut into *blocks* of ``BLOCK`` rows, and
each block has a *zone* (``Zones``): per feature the lowest and highest value present in it and
whether some or all of its rows lack the feature, and whether any of its rows is flagged. From
the zone follows a lower bound of the distance of every row in the block (per feature the
distance to the nearest value the block could hold, summed in the same order). The search
computes the bound of every block, visits the blocks nearest bound first, and stops at the first
block whose bound exceeds what either list still accepts (a block without flagged rows is
skipped as soon as its bound exceeds what the nearest list accepts). In a block each row's sum
stops as soon as it exceeds what the row could still enter. For the bounds to be tight the rows
are kept sorted (``sort_order``): on the features with few values first (choices, yes/no, small
counts: each block then holds one kind of case), then on the numbers with many; rows added since
are sorted among themselves from time to time (see ``insight.precedent_index``), and rows in no
order only make their blocks' bounds looser, never the answer different.

The pass is compiled with numba when it is installed; otherwise the same arithmetic runs in
numpy over every row (the same answer, slower).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

FAR = np.float32(1e12)  # the scale of a feature without spread: any difference counts fully
BLOCK = 128  # rows per block
SOME, ALL = 1, 2  # ``Zones.missing``: some rows of the block lack the feature, all do
SAMPLE = 65_536  # rows looked at to count a feature's distinct values for the sort
FEW = 64  # a feature with at most this many distinct values sorts before the others
BUCKETS = 1024  # ranges of bounds the blocks are grouped in, to visit the lowest first


class Zones(NamedTuple):
    """Per block (``[b * BLOCK, (b + 1) * BLOCK)``): per feature the lowest and highest value
    present (``low``, ``high``: features × blocks, ``inf``/``-inf`` when none), whether rows lack
    it (``missing``: 0, ``SOME`` or ``ALL``), and whether a row is flagged (``flagged``)."""

    low: np.ndarray
    high: np.ndarray
    missing: np.ndarray
    flagged: np.ndarray


def empty_zones(features: int, blocks: int) -> Zones:
    return Zones(np.full((features, blocks), np.inf, np.float32),
                 np.full((features, blocks), -np.inf, np.float32),
                 np.full((features, blocks), ALL, np.uint8), np.zeros(blocks, bool))


def blocks_of(rows: int) -> int:
    return -(-rows // BLOCK)


def fill_zones(zones: Zones, values: np.ndarray, flagged: np.ndarray, count: int, first: int,
               last: int | None = None) -> None:
    """Compute the zones of blocks ``first`` to ``last`` (default: the last block holding one of
    the ``count`` rows) in place."""
    last = blocks_of(count) if last is None else min(last, blocks_of(count))
    if last <= first:
        return
    start, stop = first * BLOCK, min(last * BLOCK, count)
    flat = np.full((values.shape[0], (last - first) * BLOCK), np.nan, np.float32)
    flat[:, :stop - start] = values[:, start:stop]
    part = flat.reshape(values.shape[0], last - first, BLOCK)
    lacking = np.isnan(part)
    low, high = np.fmin.reduce(part, axis=2), np.fmax.reduce(part, axis=2)
    none = lacking.all(axis=2)
    # the padding of the last block counts as lacking: that only lowers its bounds
    zones.low[:, first:last] = np.where(none, np.inf, low)
    zones.high[:, first:last] = np.where(none, -np.inf, high)
    zones.missing[:, first:last] = np.where(none, ALL, np.where(lacking.any(axis=2), SOME, 0))
    marked = np.zeros((last - first) * BLOCK, bool)
    marked[:stop - start] = flagged[start:stop]
    zones.flagged[first:last] = marked.reshape(last - first, BLOCK).any(axis=1)


def _insert(rows: np.ndarray, dists: np.ndarray, ids: np.ndarray, r: int, d: Any) -> None:
    """Put row ``r`` at distance ``d`` in its place (nearest first, higher case id first among
    equals)."""
    i = rows.size - 1
    while i > 0 and (dists[i - 1] > d or (dists[i - 1] == d and ids[rows[i - 1]] < ids[r])):
        rows[i] = rows[i - 1]
        dists[i] = dists[i - 1]
        i -= 1
    rows[i] = r
    dists[i] = d


def _bounds(low: np.ndarray, high: np.ndarray, missing: np.ndarray, numeric: np.ndarray,
            scale: np.ndarray, query: np.ndarray, blocks: int) -> np.ndarray:
    """Per block the least distance a row of it can have: per feature the distance to the
    nearest value the block holds, summed in column order (each term at most the row's term,
    and ``float32`` rounding keeps that order, so the sum is at most the row's sum)."""
    found = np.zeros(blocks, np.float32)
    one, zero = np.float32(1), np.float32(0)
    for j in range(low.shape[0]):
        q, s = query[j], scale[j]
        if np.isnan(q):  # 0 when a row of the block lacks the feature too
            for b in range(blocks):
                found[b] += zero if missing[j, b] != 0 else one
        elif numeric[j]:  # the distance to the block's range
            for b in range(blocks):
                gap = max(low[j, b] - q, q - high[j, b], zero)
                found[b] += one if missing[j, b] == ALL else min(gap * s, one)
        else:  # 0 when the block's range holds the value
            for b in range(blocks):
                inside = missing[j, b] != ALL and low[j, b] <= q <= high[j, b]
                found[b] += zero if inside else one
    return found


def _by_bound(bounds: np.ndarray, features: int
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The blocks grouped by their bound into ``BUCKETS`` equal ranges of ``[0, features]``,
    lowest first (a counting sort): the blocks, where each range starts in them, and each
    range's lowest bound."""
    per = BUCKETS / max(features, 1)
    starts = np.zeros(BUCKETS + 1, np.int64)
    least = np.full(BUCKETS, np.inf, np.float32)
    bucket = np.empty(bounds.size, np.int64)
    for b in range(bounds.size):
        k = min(int(bounds[b] * per), BUCKETS - 1)
        bucket[b] = k
        starts[k + 1] += 1
        least[k] = min(least[k], bounds[b])
    for k in range(BUCKETS):
        starts[k + 1] += starts[k]
    placed = starts[:BUCKETS].copy()
    order = np.empty(bounds.size, np.int64)
    for b in range(bounds.size):
        order[placed[bucket[b]]] = b
        placed[bucket[b]] += 1
    return order, starts, least


def _select_blocks(values: np.ndarray, numeric: np.ndarray, scale: np.ndarray,
                   query: np.ndarray, flagged: np.ndarray, ids: np.ndarray, k: int, skip: int,
                   count: int, low: np.ndarray, high: np.ndarray, missing: np.ndarray,
                   marked: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The blocks by their bound, lowest first, until the lowest bound of what is left exceeds
    what the lists accept; in a block, each row's sum until it exceeds what the row could
    enter. One function, so numba keeps the per-row work in registers."""
    near_rows, near_d = np.full(k, -1, dtype=np.int64), np.full(k, np.inf, np.float32)
    flag_rows, flag_d = np.full(k, -1, dtype=np.int64), np.full(k, np.inf, np.float32)
    last, features = k - 1, values.shape[0]
    one, zero = np.float32(1), np.float32(0)
    bounds = _bounds(low, high, missing, numeric, scale, query, (count + BLOCK - 1) // BLOCK)
    order, starts, least = _by_bound(bounds, features)
    for bucket in range(least.size):
        if starts[bucket] == starts[bucket + 1]:
            continue
        if least[bucket] > max(near_d[last], flag_d[last]):
            break  # this range of bounds and every one after it: nothing can enter
        for at in range(starts[bucket], starts[bucket + 1]):
            b = order[at]
            lower = bounds[b]
            if lower > near_d[last] and (not marked[b] or lower > flag_d[last]):
                continue
            for r in range(b * BLOCK, min(b * BLOCK + BLOCK, count)):
                if r == skip:
                    continue
                bound = max(near_d[last], flag_d[last]) if flagged[r] else near_d[last]
                if lower > bound:
                    continue
                d = zero
                for j in range(features):
                    x, q = values[j, r], query[j]
                    if np.isnan(x) or np.isnan(q):
                        d += zero if np.isnan(x) and np.isnan(q) else one
                    elif numeric[j]:
                        d += min(abs(x - q) * scale[j], one)
                    elif x != q:
                        d += one
                    if d > bound:
                        break
                if d > bound:
                    continue
                if d < near_d[last] or (d == near_d[last] and ids[r] > ids[near_rows[last]]):
                    _insert(near_rows, near_d, ids, r, d)
                if flagged[r] and (d < flag_d[last] or (d == flag_d[last]
                                                         and ids[r] > ids[flag_rows[last]])):
                    _insert(flag_rows, flag_d, ids, r, d)
    return near_rows, near_d, flag_rows, flag_d


def distances(values: np.ndarray, numeric: np.ndarray, scale: np.ndarray, query: np.ndarray,
              count: int) -> np.ndarray:
    """Every row's distance to ``query``, with numpy (the same operations in the same order as
    the compiled pass)."""
    total = np.zeros(count, dtype=np.float32)
    for j in range(values.shape[0]):
        column = values[j, :count]
        missing = np.isnan(column)
        if np.isnan(query[j]):
            part = (~missing).astype(np.float32)
        elif numeric[j]:
            part = np.minimum(np.abs(column - query[j]) * scale[j], np.float32(1))
            part[missing] = 1
        else:
            part = (column != query[j]).astype(np.float32)
        total += part
    return total


def _select_numpy(values: np.ndarray, numeric: np.ndarray, scale: np.ndarray,
                  query: np.ndarray, flagged: np.ndarray, ids: np.ndarray, k: int, skip: int,
                  count: int, *_: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every row's distance with numpy: the same answer as ``_select_blocks``."""
    total = distances(values, numeric, scale, query, count)
    rows = np.arange(count)
    rows = rows[rows != skip]
    ranked = rows[np.lexsort((-ids[rows], total[rows]))]
    near = ranked[:k]
    flagged_rows = ranked[flagged[ranked]][:k]
    return near, total[near], flagged_rows, total[flagged_rows]


def _compiled() -> Any:
    """The pass compiled by numba (its helpers first, so the pass calls the compiled ones)."""
    try:
        import numba
    except ImportError:  # pragma: no cover - numba is a dependency, but may be missing
        return None
    globals()["_insert"] = numba.njit(cache=True)(_insert)
    globals()["_bounds"] = numba.njit(cache=True)(_bounds)
    globals()["_by_bound"] = numba.njit(cache=True)(_by_bound)
    return numba.njit(cache=True)(_select_blocks)


_KERNEL: Any = None


def select(values: np.ndarray, numeric: np.ndarray, scale: np.ndarray, query: np.ndarray,
           count: int, flagged: np.ndarray, ids: np.ndarray, skip: int, k: int,
           zones: Zones | None = None
           ) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
    """The ``k`` nearest rows of ``values[:, :count]`` to ``query`` (row ``skip`` left out),
    and the ``k`` nearest rows that are ``flagged``: (row, distance), nearest first; ``ids``
    breaks ties (the higher first). ``zones``: those of the rows' blocks (computed here when
    not given)."""
    global _KERNEL  # noqa: PLW0603
    if _KERNEL is None:
        _KERNEL = _compiled() or _select_numpy
    if zones is None:
        zones = empty_zones(values.shape[0], blocks_of(count))
        fill_zones(zones, values, flagged, count, 0)
    near, near_d, flag, flag_d = _KERNEL(
        values, numeric, scale.astype(np.float32), query.astype(np.float32), flagged, ids, k,
        skip, count, zones.low, zones.high, zones.missing, zones.flagged)
    return ([(int(r), float(d)) for r, d in zip(near, near_d, strict=True) if r >= 0],
            [(int(r), float(d)) for r, d in zip(flag, flag_d, strict=True) if r >= 0])


def sort_features(values: np.ndarray, count: int) -> np.ndarray:
    """The features in the order rows are sorted on: those with few distinct values first (a
    missing value counts as one), fewest first, then the others, fewest first (counted on a
    sample of the rows)."""
    step = max(1, count // SAMPLE)
    distinct = []
    for j in range(values.shape[0]):
        sample = values[j, :count:step]
        present = sample[~np.isnan(sample)]
        distinct.append(np.unique(present).size + int(present.size < sample.size))
    return np.array(sorted(range(values.shape[0]), key=lambda j: (distinct[j] > FEW,
                                                                  distinct[j], j)), np.int64)


def sort_order(values: np.ndarray, start: int, count: int, order: np.ndarray) -> np.ndarray:
    """The permutation of rows ``[start, count)`` (offsets from ``start``) that sorts them on
    the features ``order``, the first the most significant (a missing value last)."""
    return np.lexsort(values[order[::-1], start:count])


def spreads(values: np.ndarray, count: int) -> np.ndarray:
    """Per feature, 1 / (95th − 5th percentile) over the rows (1 / range when that is zero;
    ``FAR`` when every row has the same value)."""
    found = np.full(values.shape[0], FAR, dtype=np.float32)
    for j in range(values.shape[0]):
        column = values[j, :count]
        column = column[~np.isnan(column)]
        if column.size == 0:
            continue
        low, high = np.percentile(column, [5, 95])
        spread = float(high - low) or float(column.max() - column.min())
        if spread > 0:
            found[j] = np.float32(1 / spread)
    return found
