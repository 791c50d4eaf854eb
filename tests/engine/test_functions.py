from __future__ import annotations

import datetime as dt

import pytest

from maatwerk.engine.functions import (
    FUNCTIONS,
    DateProblem,
    add_months,
    add_years,
    completed_months,
    completed_years,
    make_date,
)
from maatwerk.spec.builtins import BUILTINS

D = dt.date


def test_every_builtin_has_an_implementation() -> None:
    assert set(FUNCTIONS) == set(BUILTINS)


@pytest.mark.parametrize(("born", "on", "age"), [
    (D(2007, 6, 1), D(2025, 6, 1), 18),
    (D(2007, 6, 2), D(2025, 6, 1), 17),
    (D(2004, 2, 29), D(2025, 2, 28), 20),
    (D(2004, 2, 29), D(2025, 3, 1), 21),
    (D(2004, 2, 29), D(2024, 2, 29), 20),
])
def test_age_counts_completed_years(born: dt.date, on: dt.date, age: int) -> None:
    assert completed_years(born, on) == age


def test_completed_months() -> None:
    assert completed_months(D(2025, 1, 31), D(2025, 2, 28)) == 0
    assert completed_months(D(2025, 1, 15), D(2025, 3, 15)) == 2


def test_adding_months_and_years_clips_to_the_end_of_the_month() -> None:
    assert add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert add_months(D(2025, 3, 31), -1) == D(2025, 2, 28)
    assert add_months(D(2025, 11, 15), 3) == D(2026, 2, 15)
    assert add_years(D(2024, 2, 29), 1) == D(2025, 2, 28)


def test_impossible_dates_are_a_clear_problem() -> None:
    with pytest.raises(DateProblem, match="2025-2-30 is not a calendar date"):
        make_date(2025, 2, 30)
    with pytest.raises(DateProblem):
        add_years(D(2025, 1, 1), 9000)
