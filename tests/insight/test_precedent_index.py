"""The precedent index kept up to date without a database: rows added after the sort (a tail,
then sorted among themselves in a run of their own), rows replaced in place (a re-decision
after an upheld objection), the index grown past its capacity — after each, the search gives
the same cases and distances as numpy over every row."""

from __future__ import annotations

from typing import Any

import numpy as np

from maatwerk.engine.check import load_checked
from maatwerk.insight.features import fact_features
from maatwerk.insight.nearest import _select_numpy
from maatwerk.insight.precedent_index import PrecedentIndex
from tests.conftest import REGULATIONS

BIJSTAND = load_checked(REGULATIONS / "bijstand")
FORMS = ("alleenstaand", "alleenstaande_ouder", "gehuwd")


def household(rng: np.random.Generator) -> dict[str, Any]:
    form = int(rng.integers(0, 3))
    found: dict[str, Any] = {
        "geboortedatum": f"{int(rng.integers(1959, 2005))}-03-01", "leefvorm": FORMS[form],
        "aow_leeftijd_bereikt": False, "aantal_kostendelers": int(rng.integers(1, 4)),
        "verblijft_in_inrichting": False, "vermogen": str(int(rng.lognormal(7, 1.4))),
        "categorie_gedraging": "eerste" if rng.random() < 0.05 else "geen"}
    if form == 2:
        found["geboortedatum_partner"] = f"{int(rng.integers(1959, 2005))}-06-01"
    return found


def check(index: PrecedentIndex, facts: dict[int, dict[str, Any]], rng: np.random.Generator
          ) -> None:
    n = index.count
    for case_id in rng.choice(index.case_ids[:n], 15, replace=False):
        here = facts[int(case_id)]
        near, deviated = index.search(here, 5, int(case_id))
        skip = int(index.row_of[case_id])
        rows, dists, flagged, flagged_d = _select_numpy(
            index.values, index.numeric, index.scale, index.encode(here), index.flagged,
            index.case_ids, 5, skip, n)
        assert [h.case_id for h in near] == index.case_ids[rows].tolist()
        assert [h.distance for h in near] == dists.tolist()
        assert [h.case_id for h in deviated] == index.case_ids[flagged].tolist()
        assert [h.distance for h in deviated] == flagged_d.tolist()


def test_the_index_kept_up_to_date_searches_as_numpy_over_every_row() -> None:
    rng = np.random.default_rng(5)
    index = PrecedentIndex("bijstand", tuple(fact_features(BIJSTAND)))
    facts = {c: household(rng) for c in range(1, 6001)}
    deviated = {c for c in facts if rng.random() < 0.08}

    def put(ids: list[int]) -> None:
        index.add({c: facts[c] for c in ids}, deviated)

    put(list(range(1, 3001)))  # built: every row sorted
    assert index.sorted_upto == index.full_sort_at == 3000
    check(index, facts, rng)
    put(list(range(3001, 3401)))  # a tail in the order added
    assert index.sorted_upto == 3000 and index.count == 3400
    check(index, facts, rng)
    again = [int(c) for c in rng.choice(3400, 40, replace=False) + 1]
    for c in again:  # re-decided on other facts
        facts[c] = household(rng)
    put(again)
    assert index.count == 3400
    rows = index.row_of[again]
    assert np.array_equal(index.values[:, rows], np.stack([index.encode(facts[c])
                                                           for c in again], axis=1),
                          equal_nan=True)
    check(index, facts, rng)
    put(list(range(3401, 4101)))  # the tail sorted in a run of its own
    assert index.sorted_upto == 4100 and index.full_sort_at == 3000
    check(index, facts, rng)
    put(list(range(4101, 6001)))  # doubled: every row sorted again
    assert index.sorted_upto == index.full_sort_at == 6000
    check(index, facts, rng)
