"""Legal certainty: how far outputs decided with discretion lie from the standard outcome, and
what the approved deviations add and subtract — exact when the sample holds every case, scaled
and marked estimated otherwise; on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from maatwerk.cases.db import Database
from maatwerk.cases.models import Decision, DeviationRequest
from maatwerk.insight.certainty import certainty, cost, how_far
from maatwerk.insight.cohort import Cohort
from maatwerk.insight.dashboard import Period


class Row:
    def __init__(self, regulation: str, month: str, deciding: dict[str, str],
                 layers: list[dict[str, Any]]) -> None:
        self.regulation, self.month, self.deciding_layer, self.layers = (
            regulation, month, deciding, layers)


def deviated(before: str, after: str) -> Row:
    return Row("r", "2025-03", {"norm": "deviation", "label": "standard"}, [
        {"layer": "standard", "outputs": {"norm": before, "label": "x"}},
        {"layer": "deviation", "outputs": {"norm": after, "label": "x"},
         "deviations": [{"clause": "c", "output": "norm", "standard": before,
                         "value": after}]}])


def test_how_far_from_the_standard() -> None:
    found = how_far([deviated("1000", "1100"), deviated("1000", "900"),
                     deviated("0", "50")])
    assert found == [{"regulation": "r", "output": "norm", "layer": "deviation", "changed": 3,
                      "numbers": 3, "mean_delta": Decimal("16.67"),
                      "mean_abs_delta": Decimal("83.33"), "mean_relative": Decimal("0.1000"),
                      "median_relative": Decimal("0.1000")}]


def test_the_cost_is_scaled_up_from_a_sample() -> None:
    rows = [deviated("1000", "1100"), deviated("1000", "950")]
    exact = cost(rows, {"r": 2})
    assert exact["by_clause"] == [{"regulation": "r", "clause": "c", "output": "norm",
                                   "sampled": 2, "added": Decimal("100.00"),
                                   "subtracted": Decimal("-50.00"), "net": Decimal("50.00"),
                                   "estimated": False}]
    scaled = cost(rows, {"r": 10})["by_clause"][0]
    assert (scaled["net"], scaled["estimated"]) == (Decimal("250.00"), True)
    assert cost(rows, {"r": 2})["by_month"] == [{"regulation": "r", "month": "2025-03",
                                                 "sampled": 2, "net": Decimal("50.00"),
                                                 "estimated": False}]


def deviations_in(db: Database) -> Decimal:
    """Every approved deviation's new value minus its standard, from the documents."""
    total = Decimal(0)
    with db.reading() as s:
        cases = sa.select(DeviationRequest.case_id).where(DeviationRequest.state == "approved")
        for (document,) in s.execute(sa.select(Decision.document).where(
                Decision.kind == "decision", Decision.case_id.in_(cases))):
            for layer in document["layers"]:
                for dev in layer.get("deviations", ()):
                    total += Decimal(str(dev["value"])) - Decimal(str(dev["standard"]))
    return total


def test_the_cost_in_the_case_file(planted_db: Database) -> None:
    with planted_db.reading() as s, Cohort.gather(s, Period()) as cohort:
        found = certainty(s, cohort)
        small = certainty(s, cohort, size=20)
    afstemming = found["cost"]["by_clause"]
    assert [(c["clause"], c["output"], c["estimated"]) for c in afstemming] == [
        ("afstemming", "bijstandsnorm", False)]
    assert afstemming[0]["net"] == deviations_in(planted_db)
    assert sum(m["net"] for m in found["cost"]["by_month"]) == afstemming[0]["net"]
    assert small["cost"]["sampled"] == {"bijstand": 20}
    assert small["cost"]["by_clause"][0]["estimated"]
    far = {(r["output"], r["layer"]): r for r in found["how_far"]}
    assert far[("bijstandsnorm", "deviation")]["changed"] == found["cost"]["population"][
        "bijstand"]
