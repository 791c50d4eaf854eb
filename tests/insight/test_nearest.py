"""The arithmetic of precedent search: the compiled pass (the tail and the rows without a key one
by one, then the walk out from the query's key over the rows sorted on it) gives the same rows
and distances as numpy over every row — with missing values, yes/no and choices, ties going to
the higher case id, one row left out, the nearest among flagged rows; sorting; the spreads."""

from __future__ import annotations

import numpy as np
import pytest

from maatwerk.insight import nearest
from maatwerk.insight.nearest import FAR, Layout, _select_numpy, select, sort_order, spreads


def columns(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    values = np.stack([rng.normal(0, 10, n).round(1), rng.integers(0, 3, n),
                       rng.integers(1, 4, n), rng.integers(0, 2, n)]).astype(np.float32)
    values[0, rng.random(n) < 0.1] = np.nan
    return values, np.array([True, False, True, False]), rng.random(n) < 0.1, rng.permutation(n)


def sorted_store(values: np.ndarray, flagged: np.ndarray, ids: np.ndarray, upto: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, Layout]:
    """The store with its first ``upto`` rows sorted on feature 0 (the rest a tail)."""
    permutation, layout = sort_order(values, upto, 0)
    values, flagged, ids = values.copy(), flagged.copy(), ids.copy()
    values[:, :upto] = values[:, permutation]
    flagged[:upto] = flagged[permutation]
    ids[:upto] = ids[permutation]
    return values, flagged, ids, layout


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("upto", [0, 2500, 3000])
def test_the_walk_equals_every_row_in_numpy(seed: int, upto: int) -> None:
    values, numeric, flagged, ids = columns(3000, seed)
    layout = Layout(upto=0)
    if upto:
        values, flagged, ids, layout = sorted_store(values, flagged, ids, upto)
    scale = spreads(values, 3000)
    for query in (values[:, 17].copy(), np.array([np.nan, 1, 2, 0], dtype=np.float32),
                  np.array([55.0, 1, 2, 0], dtype=np.float32)):
        fast = select(values, numeric, scale, query, 3000, flagged, ids, 17, 7, layout)
        slow = _select_numpy(values, numeric, scale, query, flagged, ids, 7, 17, 3000)
        assert [r for r, _ in fast[0]] == slow[0].tolist()
        assert [d for _, d in fast[0]] == pytest.approx(slow[1].tolist(), abs=1e-5)
        assert [r for r, _ in fast[1]] == slow[2].tolist()
        assert all(flagged[r] for r, _ in fast[1]) and 17 not in [r for r, _ in fast[0]]


def test_distances_ties_and_missing_values() -> None:
    values = np.array([[0, 5, 5, np.nan], [1, 1, 1, 1]], dtype=np.float32)
    numeric = np.array([True, False])
    scale = np.array([0.1, FAR], dtype=np.float32)  # a spread of 10
    query = np.array([5, 2], dtype=np.float32)
    ids = np.array([10, 11, 12, 13])
    near, flagged = select(values, numeric, scale, query, 4, np.array([1, 0, 0, 0], bool),
                           ids, -1, 4)
    # rows 1 and 2 are alike (0.0 + 1): the higher id (row 2) first; row 0 is 0.5 further;
    # row 3 lacks the number
    assert near == [(2, 1.0), (1, 1.0), (0, 1.5), (3, 2.0)]
    assert flagged == [(0, 1.5)]


def test_the_numpy_pass_is_used_without_numba(monkeypatch: pytest.MonkeyPatch) -> None:
    values, numeric, flagged, ids = columns(200, 9)
    scale = spreads(values, 200)
    fast = select(values, numeric, scale, values[:, 3].copy(), 200, flagged, ids, 3, 5)
    monkeypatch.setattr(nearest, "_KERNEL", _select_numpy)
    slow = select(values, numeric, scale, values[:, 3].copy(), 200, flagged, ids, 3, 5)[0]
    assert [r for r, _ in slow] == [r for r, _ in fast[0]]
    assert [d for _, d in slow] == pytest.approx([d for _, d in fast[0]], abs=1e-5)


def test_sorting_and_spreads() -> None:
    values = np.array([[3, np.nan, 1, 2], [0, 0, 0, 0]], dtype=np.float32)
    permutation, layout = sort_order(values, 4, 0)
    assert permutation.tolist() == [2, 3, 0, 1] and layout == Layout(0, 3, 4)
    values = np.array([np.arange(101), np.full(101, 7), np.full(101, np.nan)],
                      dtype=np.float32)
    assert spreads(values, 101).tolist() == pytest.approx([1 / 90, float(FAR), float(FAR)])
