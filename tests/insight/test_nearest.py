"""The arithmetic of precedent search: the compiled pass (blocks visited nearest bound first,
pruned on their zones) gives the same rows and the same distances, to the bit, as numpy over
every row — with missing values, yes/no and choices, ties going to the higher case id, one row
left out, the nearest among flagged rows — on sorted rows, on rows in no order, on rows sorted
in runs and after rows were replaced in place; the bounds are bounds; sorting; the spreads."""

from __future__ import annotations

import numpy as np
import pytest

from maatwerk.insight import nearest
from maatwerk.insight.nearest import (
    ALL,
    BLOCK,
    FAR,
    SOME,
    _select_numpy,
    distances,
    empty_zones,
    fill_zones,
    select,
    sort_features,
    sort_order,
    spreads,
)


def columns(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    values = np.stack([rng.normal(0, 10, n).round(1), rng.integers(0, 3, n),
                       rng.integers(1, 4, n), rng.integers(0, 2, n)]).astype(np.float32)
    values[0, rng.random(n) < 0.1] = np.nan
    return values, np.array([True, False, True, False]), rng.random(n) < 0.1, rng.permutation(n)


def household_columns(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                  np.ndarray]:
    """Columns like a regulation's facts: a date of birth as day numbers, a choice, a partner's
    date for a third of the rows, a small count, yes/no, a skewed amount with many equal
    values; many exact ties."""
    rng = np.random.default_rng(seed)
    values = np.stack([
        720_000 + 365 * rng.integers(21, 67, n), rng.integers(0, 3, n),
        720_000 + 365 * rng.integers(21, 67, n), rng.integers(1, 4, n),
        rng.random(n) < 0.03, (rng.lognormal(5, 1.5, n) // 50) * 50]).astype(np.float32)
    values[2, values[1] != 2] = np.nan
    values[5, rng.random(n) < 0.05] = np.nan
    numeric = np.array([True, False, True, True, False, True])
    return values, numeric, rng.random(n) < 0.05, rng.permutation(n) + 1


def sorted_store(values: np.ndarray, flagged: np.ndarray, ids: np.ndarray, start: int,
                 upto: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The store with rows ``[start, upto)`` sorted among themselves."""
    permutation = sort_order(values, start, upto, sort_features(values, upto)) + start
    values, flagged, ids = values.copy(), flagged.copy(), ids.copy()
    values[:, start:upto] = values[:, permutation]
    flagged[start:upto] = flagged[permutation]
    ids[start:upto] = ids[permutation]
    return values, flagged, ids


def agree(values: np.ndarray, numeric: np.ndarray, flagged: np.ndarray, ids: np.ndarray,
          query: np.ndarray, count: int, skip: int, k: int) -> None:
    """The compiled pass and numpy over every row give the same rows and the same bits."""
    scale = spreads(values, count)
    fast = select(values, numeric, scale, query, count, flagged, ids, skip, k)
    slow = _select_numpy(values, numeric, scale, query, flagged, ids, k, skip, count)
    assert [r for r, _ in fast[0]] == slow[0].tolist()
    assert [d for _, d in fast[0]] == slow[1].tolist()
    assert [r for r, _ in fast[1]] == slow[2].tolist()
    assert [d for _, d in fast[1]] == slow[3].tolist()
    assert all(flagged[r] for r, _ in fast[1]) and skip not in [r for r, _ in fast[0]]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("upto", [0, 2500, 3000])
def test_the_blocks_equal_every_row_in_numpy(seed: int, upto: int) -> None:
    values, numeric, flagged, ids = columns(3000, seed)
    if upto:
        values, flagged, ids = sorted_store(values, flagged, ids, 0, upto)
    for query in (values[:, 17].copy(), np.array([np.nan, 1, 2, 0], dtype=np.float32),
                  np.array([55.0, 1, 2, 0], dtype=np.float32),
                  np.array([np.nan, np.nan, np.nan, np.nan], dtype=np.float32)):
        agree(values, numeric, flagged, ids, query, 3000, 17, 7)


@pytest.mark.parametrize("seed", range(6))
def test_on_households_sorted_in_runs_with_many_ties(seed: int) -> None:
    n = 20_000
    values, numeric, flagged, ids = household_columns(n, seed)
    values, flagged, ids = sorted_store(values, flagged, ids, 0, 15_000)
    values, flagged, ids = sorted_store(values, flagged, ids, 15_000 // BLOCK * BLOCK, 18_000)
    rng = np.random.default_rng(seed)
    for r in rng.integers(0, n, 12):
        query = values[:, r].copy()
        if r % 3 == 0:  # a case at hand that is in no row, with a fact missing
            query[int(r) % values.shape[0]] = np.nan
        agree(values, numeric, flagged, ids, query, n, int(r), 5)
    # fewer flagged rows than asked for, and fewer rows than asked for
    agree(values, numeric, flagged & (ids < 60), ids, values[:, 9].copy(), n, -1, 5)
    agree(values, numeric, flagged, ids, values[:, 1].copy(), 3, -1, 5)


def test_a_row_replaced_in_place_is_found_once_its_zone_is_recomputed() -> None:
    n = 5000
    values, numeric, flagged, ids = household_columns(n, 7)
    values, flagged, ids = sorted_store(values, flagged, ids, 0, n)
    zones = empty_zones(values.shape[0], n // BLOCK + 1)
    fill_zones(zones, values, flagged, n, 0)
    query = values[:, 4000].copy()
    values[:, 10] = query  # row 10 (another kind of case) now holds the case at hand's facts
    flagged[10] = True
    fill_zones(zones, values, flagged, n, 0, 1)
    scale = spreads(values, n)
    fast = select(values, numeric, scale, query, n, flagged, ids, 4000, 3, zones)
    slow = _select_numpy(values, numeric, scale, query, flagged, ids, 3, 4000, n)
    assert [r for r, _ in fast[0]] == slow[0].tolist() and fast[0][0][1] == 0
    assert [r for r, _ in fast[1]] == slow[2].tolist() and fast[1][0][1] == 0


def test_blocks_are_visited_past_ranges_of_bounds_without_blocks() -> None:
    # the first block's range holds the query but its rows are 0.5 away; the second block's
    # rows are 0.1 away, a bound many (empty) ranges of bounds further
    values = np.array([[0.5] * (BLOCK - 1) + [-0.5] + [0.1] * BLOCK], dtype=np.float32)
    numeric, scale = np.array([True]), np.array([1.0], dtype=np.float32)
    flagged, ids = np.zeros(2 * BLOCK, bool), np.arange(2 * BLOCK)
    near, _ = select(values, numeric, scale, np.zeros(1, np.float32), 2 * BLOCK, flagged, ids,
                     -1, 5)
    assert [r for r, _ in near] == list(range(2 * BLOCK - 1, 2 * BLOCK - 6, -1))
    assert [d for _, d in near] == pytest.approx([0.1] * 5)


def test_the_bounds_of_a_block_are_at_most_its_rows_distances() -> None:
    n = 4000
    values, numeric, flagged, ids = household_columns(n, 3)
    values, flagged, ids = sorted_store(values, flagged, ids, 0, n)
    zones = empty_zones(values.shape[0], n // BLOCK + 1)
    fill_zones(zones, values, flagged, n, 0)
    assert set(np.unique(zones.missing)) <= {0, SOME, ALL}
    scale = spreads(values, n)
    bounds = nearest._bounds(zones.low, zones.high, zones.missing, numeric, scale,
                             values[:, 123].copy(), -(-n // BLOCK))
    each = distances(values, numeric, scale, values[:, 123].copy(), n)
    least = np.minimum.reduceat(each, np.arange(0, n, BLOCK))
    assert (bounds <= least).all() and bounds[123 // BLOCK] == 0
    assert (bounds > 1).sum() > bounds.size / 2  # most blocks hold another kind of case


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
    slow = select(values, numeric, scale, values[:, 3].copy(), 200, flagged, ids, 3, 5)
    assert slow == fast


def test_sorting_and_spreads() -> None:
    values = np.array([[3, np.nan, 1, 2, 1], [0, 1, 0, 1, 0]], dtype=np.float32)
    order = sort_features(values, 5)
    assert order.tolist() == [1, 0]  # two values before four (a missing one counts)
    assert sort_order(values, 0, 5, order).tolist() == [2, 4, 0, 3, 1]
    assert (sort_order(values, 1, 4, order) + 1).tolist() == [2, 3, 1]
    values = np.array([np.arange(101), np.full(101, 7), np.full(101, np.nan)],
                      dtype=np.float32)
    assert spreads(values, 101).tolist() == pytest.approx([1 / 90, float(FAR), float(FAR)])
