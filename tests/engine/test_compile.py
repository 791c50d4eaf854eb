"""Three-valued evaluation: an output is known exactly when it does not depend on what is
missing."""

from __future__ import annotations

import datetime as dt

import pytest

from maatwerk.engine.decide import decide
from tests.conftest import regulation

DAY = dt.date(2025, 6, 1)
KLEENE = """
inputs:
  a: {type: bool, label: A, source: test}
  b: {type: bool, label: B, source: test}
  x: {type: integer, label: X, source: test}
  y: {type: integer, label: Y, source: test}
rules:
  both:
    formula: a and b
  either:
    formula: a or b
  pick:
    formula: if a then x else y
  same:
    formula: if a then 1 else 1
  sum:
    formula: x + y
outputs: [both, either, pick, same, sum]
"""


@pytest.mark.parametrize(("given", "known", "missing"), [
    ({"a": False}, {"both": False, "same": 1}, ("b", "x", "y")),
    ({"a": True}, {"either": True, "same": 1}, ("b", "x", "y")),
    ({"a": True, "x": 5}, {"either": True, "pick": 5, "same": 1}, ("b", "y")),
    ({}, {"same": 1}, ("a", "b", "x", "y")),
])
def test_kleene(given: dict[str, object], known: dict[str, object],
                missing: tuple[str, ...]) -> None:
    d = decide(regulation(KLEENE), DAY, given)
    assert d.outputs == known
    assert d.missing == missing
    assert d.status == "indeterminate"


def test_branches_are_traced() -> None:
    d = decide(regulation(KLEENE), DAY, {"a": True, "b": False, "x": 1, "y": 2})
    branches = d.trace()["branches"]
    assert {"layer": "standard", "in": "pick", "condition": "a", "taken": True} in branches


def test_peildatum_is_the_reference_date_of_each_decision() -> None:
    reg = regulation("""
rules:
  jaar:
    formula: year(peildatum) * 100 + month(peildatum)
outputs: [jaar]
""")
    assert decide(reg, dt.date(2025, 3, 1), {}).outputs["jaar"] == 202503
    assert decide(reg, dt.date(2025, 11, 1), {}).outputs["jaar"] == 202511


def test_tables() -> None:
    reg = regulation("""
inputs:
  x: {type: integer, label: X, source: test}
tables:
  klasse:
    hit_policy: unique
    rows:
      - {when: x < 10, then: "'laag'"}
      - {when: x >= 10 and x < 20, then: "'midden'"}
    otherwise: "'hoog'"
  punten:
    hit_policy: collect
    aggregate: sum
    rows:
      - {when: x > 0, then: 1}
      - {when: x > 5, then: 2}
outputs: [klasse, punten]
""")
    assert decide(reg, DAY, {"x": 3}).outputs == {"klasse": "laag", "punten": 1}
    assert decide(reg, DAY, {"x": 12}).outputs == {"klasse": "midden", "punten": 3}
    assert decide(reg, DAY, {"x": 25}).outputs == {"klasse": "hoog", "punten": 3}
