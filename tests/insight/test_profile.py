"""Each regulation's maatwerk profile from real decisions, beside the declared one, on SQLite
and PostgreSQL (the small history of ``tests.insight.history``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from maatwerk.cases.db import Database
from maatwerk.cases.registry import Registry
from maatwerk.insight.dashboard import Period
from maatwerk.insight.profile import maatwerk_profile, observed, overview, possible_layers
from maatwerk.spec.profile import profile
from tests.insight.history import History


def test_the_profile_from_real_decisions(db: Database, history: History) -> None:
    with db.reading() as s:
        seen = observed(s, "bijstand")
    # B1's standing decision is its re-decision of 20 February; B2 and B3 were decided then too
    assert seen["decisions"] == 3
    assert seen["months"] == [{"month": "2025-02", "decisions": 3, "outputs": 21}]
    layers = {x["layer"]: x for x in seen["layers"]}
    assert list(layers) == ["standard", "category", "assessment", "deviation"]
    assert seen["outputs"] == sum(x["outputs"] for x in layers.values()) == 21
    assert layers["deviation"]["outputs"] > 0 and layers["category"]["outputs"] > 0
    assert abs(sum(x["share"] for x in layers.values()) - 1) <= Decimal("0.0005")
    # over time: one month, with the same shares
    assert {x["layer"]: x["outputs"] for x in seen["over_time"]} == {
        k: v["outputs"] for k, v in layers.items()}
    # per output: the norm was decided once by each of the standard rules (B1), the
    # cost-sharer category (B3) and the deviation (B2)
    norm = seen["by_output"]["bijstandsnorm"]
    assert {k: v["outputs"] for k, v in norm.items() if v["outputs"]} == {
        "standard": 1, "category": 1, "deviation": 1}
    assert seen["by_output"]["leefsituatie"]["standard"]["share"] == 1.0


def test_the_profile_over_a_period(db: Database, history: History) -> None:
    with db.reading() as s:
        march = observed(s, "bijstand", Period(start=dt.date(2025, 3, 1)))
        zorg = observed(s, "zorgtoeslag", Period(start=dt.date(2025, 3, 1)))
        nothing = observed(s, "no-such-regulation")
    assert (march["decisions"], march["outputs"], march["months"]) == (0, 0, [])
    assert march["filter"]["regulation"] == "bijstand"
    assert zorg["decisions"] == 1 and zorg["months"][0]["month"] == "2025-03"
    assert [x["layer"] for x in zorg["layers"] if x["outputs"]] == ["standard"]
    assert nothing["decisions"] == 0 and nothing["over_time"] == []


def test_the_layers_the_text_makes_possible(registry: Registry) -> None:
    bijstand = possible_layers(registry.get("bijstand"))
    assert bijstand["bijstandsnorm"] == ["standard", "category", "deviation"]
    assert bijstand["leefsituatie"] == ["standard"]
    # a group clause (Awir art. 47) is no individual deviation; zorgtoeslag has no categories
    assert set(map(tuple, possible_layers(registry.get("zorgtoeslag")).values())) == {
        ("standard",)}


def test_the_declared_and_the_real_profile_side_by_side(
        db: Database, registry: Registry, history: History) -> None:
    reg = registry.get("bijstand")
    with db.reading() as s:
        both = maatwerk_profile(s, reg)
    assert both["declared"] == profile(reg)
    assert both["observed"]["decisions"] == 3
    rows = {c["output"]: c for c in both["comparison"]}
    assert list(rows) == list(reg.outputs)
    norm = rows["bijstandsnorm"]
    assert norm["decided"] == 3 and norm["unused"] == [] and norm["undeclared"] == []
    third = Decimal("0.3333")
    assert norm["shares"] == {"standard": third, "category": third, "deviation": third}
    # dringende redenen (art. 16) could change the basis of assistance; it was never used
    assert rows["grondslag_bijstand"]["unused"] == ["deviation"]
    assert all(not c["undeclared"] for c in both["comparison"])


def test_the_overview_of_every_regulation(db: Database, history: History) -> None:
    with db.reading() as s:
        found = overview(s)
    assert set(found) == {"bijstand", "zorgtoeslag"}
    assert (found["bijstand"]["decisions"], found["bijstand"]["outputs"]) == (3, 21)
    assert found["bijstand"]["by_layer"]["standard"] == 15
    assert found["bijstand"]["not_standard"] == Decimal("0.2857")  # 1 - 15/21, rounded
    assert found["zorgtoeslag"]["not_standard"] == 0
