"""Values as JSON (``to_json``): exact strings for amounts and decimals, and for a binary float
(a share or rate computed for a page's JSON twin) the shortest decimal that reads back as it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from maatwerk.spec.values import to_json
from maatwerk.web.render import jsonable


@pytest.mark.parametrize(("value", "text"), [
    (0.1, "0.1"), (1 / 3, "0.3333333333333333"), (2.5, "2.5"), (100.0, "100.0"),
    (-0.0, "-0.0"), (1e-7, "0.0000001"), (1e20, "100000000000000000000"), (1e300, "1E+300"),
    (float("inf"), "Infinity"), (float("nan"), "NaN")])
def test_a_float_is_its_shortest_decimal(value: float, text: str) -> None:
    assert to_json(value) == text
    if Decimal(text).is_finite():
        assert float(text) == value


def test_exact_values_are_unchanged() -> None:
    assert to_json(Decimal("1369.060")) == "1369.060"
    assert to_json(dt.date(2025, 7, 1)) == "2025-07-01"
    assert [to_json(v) for v in (True, None, 3, "x")] == [True, None, 3, "x"]
    assert jsonable({"rate": 0.1, "rows": [0.2, Decimal("0.30")]}) == {
        "rate": "0.1", "rows": ["0.2", "0.30"]}
