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
higher case id) wins.

It does not look at every row. The store keeps its rows sorted on one *key* feature (a number
most cases have, such as a date of birth), rows without a key after them and rows added since
the sort (the *tail*) at the end (``Layout``). A row's distance is at least its key's share, so
the search visits the tail and the rows without a key one by one, then starts at the query's key
in the sorted rows and walks outwards on both sides, stopping on a side as soon as the key's
share alone exceeds what either list still accepts. Each row's sum starts with the key and stops
as soon as it exceeds what the row could still enter, so a row far from the query costs one
comparison, in memory order. The pass is compiled with numba when it is installed; otherwise the
same arithmetic runs in numpy over every row (the same answer, slower).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

FAR = np.float32(1e12)  # the scale of a feature without spread: any difference counts fully


class Layout(NamedTuple):
    """Rows ``[0, keyed)`` sorted on feature ``key``, ``[keyed, upto)`` without a key,
    ``[upto, count)`` added since (``key`` -1: nothing sorted, every row is tail)."""

    key: int = -1
    keyed: int = 0
    upto: int = 0


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


def _select_loop(values: np.ndarray, numeric: np.ndarray, scale: np.ndarray,
                 query: np.ndarray, flagged: np.ndarray, ids: np.ndarray, k: int, skip: int,
                 count: int, key: int, keyed: int, upto: int, order: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The tail and the rows without a key one by one, then the walk out from the query's key
    over the sorted rows (every sorted row when the query has no key). One function, so numba
    keeps the per-row work in registers."""
    near_rows, near_d = np.full(k, -1, dtype=np.int64), np.full(k, np.inf, np.float32)
    flag_rows, flag_d = np.full(k, -1, dtype=np.int64), np.full(k, np.inf, np.float32)
    last = k - 1
    walk = key >= 0 and not np.isnan(query[key])
    scan, stop = count - 1, (keyed if walk else 0)  # rows visited one by one, downwards
    below = np.searchsorted(values[key, :keyed], query[key]) - 1 if walk else -1
    above = below + 1 if walk else keyed
    while True:
        if scan >= stop:
            r, scan = scan, scan - 1
        else:  # the walk: the nearer side, while its key could still do
            if not walk or (below < 0 and above >= keyed):
                break
            low = min(abs(values[key, below] - query[key]) * scale[key], 1) if below >= 0 \
                else 2.0
            high = min(abs(values[key, above] - query[key]) * scale[key], 1) if above < keyed \
                else 2.0
            if min(low, high) > max(near_d[last], flag_d[last]):
                break
            if low <= high:
                r, below = below, below - 1
            else:
                r, above = above, above + 1
        if r == skip:
            continue
        bound = max(near_d[last], flag_d[last]) if flagged[r] else near_d[last]
        d = np.float32(0)
        for j in order:
            x, q = values[j, r], query[j]
            if np.isnan(x) or np.isnan(q):
                d += 0 if np.isnan(x) and np.isnan(q) else 1
            elif numeric[j]:
                d += min(abs(x - q) * scale[j], np.float32(1))
            elif x != q:
                d += 1
            if d > bound:
                break
        if d < near_d[last] or (d == near_d[last] and ids[r] > ids[near_rows[last]]):
            _insert(near_rows, near_d, ids, r, d)
        if flagged[r] and (d < flag_d[last] or (d == flag_d[last]
                                                 and ids[r] > ids[flag_rows[last]])):
            _insert(flag_rows, flag_d, ids, r, d)
    return near_rows, near_d, flag_rows, flag_d


def _select_numpy(values: np.ndarray, numeric: np.ndarray, scale: np.ndarray,
                  query: np.ndarray, flagged: np.ndarray, ids: np.ndarray, k: int, skip: int,
                  count: int, *_: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every row's distance with numpy: the same answer as ``_select_loop``."""
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
    rows = np.arange(count)
    rows = rows[rows != skip]
    ranked = rows[np.lexsort((-ids[rows], total[rows]))]
    near = ranked[:k]
    flagged_rows = ranked[flagged[ranked]][:k]
    return near, total[near], flagged_rows, total[flagged_rows]


def _compiled() -> Any:
    """The loop compiled by numba (its helper first, so the loop calls the compiled one)."""
    try:
        import numba
    except ImportError:  # pragma: no cover - numba is a dependency, but may be missing
        return None
    globals()["_insert"] = numba.njit(cache=True)(_insert)
    return numba.njit(cache=True)(_select_loop)


_KERNEL: Any = None


def select(values: np.ndarray, numeric: np.ndarray, scale: np.ndarray, query: np.ndarray,
           count: int, flagged: np.ndarray, ids: np.ndarray, skip: int, k: int,
           layout: Layout | None = None
           ) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
    """The ``k`` nearest rows of ``values[:, :count]`` to ``query`` (row ``skip`` left out),
    and the ``k`` nearest rows that are ``flagged``: (row, distance), nearest first; ``ids``
    breaks ties (the higher first)."""
    global _KERNEL  # noqa: PLW0603
    if _KERNEL is None:
        _KERNEL = _compiled() or _select_numpy
    layout = layout or Layout(upto=0)
    key = layout.key
    order = np.array([key, *(j for j in range(values.shape[0]) if j != key)] if key >= 0
                     else range(values.shape[0]), dtype=np.int64)
    near, near_d, flag, flag_d = _KERNEL(values, numeric, scale, query, flagged, ids, k, skip,
                                         count, key, layout.keyed, layout.upto, order)
    return ([(int(r), float(d)) for r, d in zip(near, near_d, strict=True) if r >= 0],
            [(int(r), float(d)) for r, d in zip(flag, flag_d, strict=True) if r >= 0])


def sort_order(values: np.ndarray, count: int, key: int) -> tuple[np.ndarray, Layout]:
    """The permutation that sorts the first ``count`` rows on feature ``key`` (rows without a
    key last, each group in its old order), and the layout after it."""
    column = values[key, :count]
    permutation = np.argsort(column, kind="stable")  # nan sorts last
    return permutation, Layout(key, int((~np.isnan(column)).sum()), count)


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
