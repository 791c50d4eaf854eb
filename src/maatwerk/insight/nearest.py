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
by how much*. One pass over the rows keeps the ``k`` nearest overall and the ``k`` nearest among
rows flagged (cases with an approved deviation); ties go to the row seen first, and rows are
visited from the newest to the oldest, so among equals the most recent case wins. The pass is
compiled with numba when it is installed (a few milliseconds per million rows); otherwise the
same arithmetic runs in numpy.
"""

from __future__ import annotations

from typing import Any

import numpy as np

FAR = np.float32(1e12)  # the scale of a feature without spread: any difference counts fully


def _select_numpy(values: np.ndarray, numeric: np.ndarray, scale: np.ndarray,
                  query: np.ndarray, count: int, flagged: np.ndarray, skip: int, k: int
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    total = np.zeros(count, dtype=np.float32)
    for j in range(values.shape[0]):
        column = values[j, :count]
        q = query[j]
        missing = np.isnan(column)
        if np.isnan(q):
            part = (~missing).astype(np.float32)
        elif numeric[j]:
            part = np.minimum(np.abs(column - q) * scale[j], np.float32(1))
            part[missing] = 1
        else:
            part = (column != q).astype(np.float32)
        total += part
    order = np.arange(count)[::-1]  # newest first, so a stable sort prefers them on ties
    if 0 <= skip < count:
        order = order[order != skip]
    ranked = order[np.argsort(total[order], kind="stable")]
    near = ranked[:k]
    flagged_rows = ranked[flagged[ranked]][:k]
    return near, total[near], flagged_rows, total[flagged_rows]


def _select_loop(values: np.ndarray, numeric: np.ndarray, scale: np.ndarray,
                 query: np.ndarray, count: int, flagged: np.ndarray, skip: int, k: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The same as ``_select_numpy`` as one loop (compiled by numba): per row, the distance
    with an early stop once it exceeds both current k-th bests, kept in two sorted buffers."""
    near_i = np.full(k, -1, dtype=np.int64)
    near_d = np.full(k, np.inf, dtype=np.float32)
    flag_i = np.full(k, -1, dtype=np.int64)
    flag_d = np.full(k, np.inf, dtype=np.float32)
    features = values.shape[0]
    for r in range(count - 1, -1, -1):
        if r == skip:
            continue
        bound = near_d[k - 1]
        if flagged[r] and flag_d[k - 1] > bound:
            bound = flag_d[k - 1]
        d = np.float32(0)
        for j in range(features):
            x = values[j, r]
            q = query[j]
            if np.isnan(x) or np.isnan(q):
                if not (np.isnan(x) and np.isnan(q)):
                    d += 1
            elif numeric[j]:
                diff = abs(x - q) * scale[j]
                d += diff if diff < 1 else np.float32(1)
            elif x != q:
                d += 1
            if d >= bound:
                break
        if d < near_d[k - 1]:
            _insert(near_i, near_d, r, d, k)
        if flagged[r] and d < flag_d[k - 1]:
            _insert(flag_i, flag_d, r, d, k)
    return near_i, near_d, flag_i, flag_d


def _insert(rows: np.ndarray, dists: np.ndarray, r: int, d: Any, k: int) -> None:
    i = k - 1
    while i > 0 and dists[i - 1] > d:
        rows[i] = rows[i - 1]
        dists[i] = dists[i - 1]
        i -= 1
    rows[i] = r
    dists[i] = d


def _compiled() -> Any:
    try:
        from numba import njit
    except ImportError:  # pragma: no cover - numba is a dependency, but may be missing
        return None
    insert = njit(cache=True)(_insert)
    globals()["_insert"] = insert
    return njit(cache=True)(_select_loop)


_KERNEL: Any = None


def select(values: np.ndarray, numeric: np.ndarray, scale: np.ndarray, query: np.ndarray,
           count: int, flagged: np.ndarray, skip: int, k: int
           ) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
    """The ``k`` nearest rows of ``values[:, :count]`` to ``query`` (row ``skip`` left out),
    and the ``k`` nearest rows that are ``flagged``: (row, distance), nearest first."""
    global _KERNEL  # noqa: PLW0603
    if _KERNEL is None:
        _KERNEL = _compiled() or _select_numpy
    near, near_d, flag, flag_d = _KERNEL(values, numeric, scale, query, count, flagged,
                                         skip, k)
    return ([(int(r), float(d)) for r, d in zip(near, near_d, strict=True) if r >= 0],
            [(int(r), float(d)) for r, d in zip(flag, flag_d, strict=True) if r >= 0])


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
