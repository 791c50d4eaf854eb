"""How the equality and certainty figures are computed fast, without changing them: differing
pairs counted per signature of outcomes (against the pairwise count), what is read of a
decision's layers (``slim``) and decisions read once for several samples and requests."""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from maatwerk.cases.db import Database
from maatwerk.cases.registry import Registry
from maatwerk.insight import certainty, documents, equality
from maatwerk.insight.cohort import Cohort
from maatwerk.insight.dashboard import Period

# values near each other and near the tolerance (1 % of the larger, at least 1), of every kind
VALUES = st.sampled_from([
    "1000", "1009.99", "1010", "1010.20", "1020.5", "0", "0.5", "1", "1.0", "2", "-1", "-1.5",
    "-1000", "-990", 10, 11, 12, 0, -3, True, False, None, "recht", "geen_recht",
    "2025-01-01", "NaN-not", "", 99.5, 100])
LAYERS = st.sampled_from(["standard", "category", "deviation"])


def pairwise(groups: Counter[tuple[tuple[str, Any], ...]], numeric: list[bool]) -> int:
    outcomes = list(groups.items())
    return sum(n * m for i, (a, n) in enumerate(outcomes) for b, m in outcomes[i + 1:]
               if equality._differs(a, b, numeric))


@st.composite
def cells(draw: st.DrawFn) -> tuple[Counter[tuple[tuple[str, Any], ...]], list[bool]]:
    numeric = draw(st.lists(st.booleans(), min_size=1, max_size=4))
    outcome = st.tuples(*(st.tuples(LAYERS, VALUES) for _ in numeric))
    found = draw(st.lists(outcome, min_size=2, max_size=40))
    return Counter(found), numeric


@settings(max_examples=300, deadline=None)
@given(cells())
def test_differing_pairs_are_counted_as_pair_by_pair(
        cell: tuple[Counter[tuple[tuple[str, Any], ...]], list[bool]]) -> None:
    groups, numeric = cell
    assert equality._differing_pairs(groups, numeric) == pairwise(groups, numeric)


def test_outcomes_of_other_lengths_are_compared_pair_by_pair() -> None:
    groups = Counter([(("standard", "1000"),), (("standard", "1001"), ("standard", "x")),
                      (("standard", "1200"),)])
    assert equality._differing_pairs(groups, [True]) == pairwise(groups, [True]) == 2


LAYERED: list[Any] = [
    {"layer": "standard", "outputs": {"norm": "1000", "label": "x"}, "changed": {}},
    {"layer": "category", "outputs": {"norm": "900", "label": "x"},
     "categories": [{"id": "kostendeler", "label": "Kostendeler", "rule": "r"}, {"id": 7}]},
    {"layer": "assessment", "outputs": {"norm": "950"}, "assessment": {"by": "a"}},
    {"layer": "deviation", "outputs": {"norm": "1100", "label": "y"},
     "deviations": [{"clause": "afstemming", "output": "norm", "standard": "950",
                     "value": "1100", "motivation": "m", "approved_by": "b"}]},
]


class Row:
    def __init__(self, layers: Any) -> None:
        self.regulation, self.month, self.case_id = "r", "2025-03", 1
        self.deviating = {"norm": "deviation", "label": "deviation"}
        self.deciding_layer, self.layers = self.deviating, layers


def test_what_is_read_of_the_layers_gives_the_same_figures() -> None:
    slim = documents.slim(LAYERED)
    assert [x["layer"] for x in slim] == ["standard", "category", "assessment", "deviation"]
    assert "outputs" not in slim[1] and "outputs" not in slim[2]
    assert slim[1]["categories"] == [{"id": "kostendeler"}, {"id": 7}]
    assert slim[3]["deviations"][0] == {"clause": "afstemming", "output": "norm",
                                        "standard": "950", "value": "1100"}
    assert equality.categories(slim) == equality.categories(LAYERED) == ("7", "kostendeler")
    assert certainty.how_far([Row(slim)]) == certainty.how_far([Row(LAYERED)])
    assert certainty.cost([Row(slim)], {"r": 3}) == certainty.cost([Row(LAYERED)], {"r": 3})
    for odd in (None, [], ["text"], [{"layer": "standard"}]):
        assert documents.slim(odd) == odd


def test_decisions_read_once_give_the_same_figures(planted_db: Database,
                                                   registry: Registry) -> None:
    kept: dict[int, Any] = {}
    with planted_db.reading() as s, Cohort.gather(s, Period()) as cohort:
        alone = (equality.equality(s, cohort, registry.current),
                 certainty.certainty(s, cohort))
    with planted_db.reading() as s, Cohort.gather(s, Period(), kept) as cohort:
        shared = (equality.equality(s, cohort, registry.current),
                  certainty.certainty(s, cohort))
        read = dict(kept)
        assert read and cohort.documents is kept
    with planted_db.reading() as s, Cohort.gather(s, Period(), kept) as cohort:
        again = (equality.equality(s, cohort, registry.current),
                 certainty.certainty(s, cohort))
    assert alone == shared == again
    assert kept.keys() == read.keys()  # nothing was read again
    assert all(kept[i] is read[i] for i in read)
