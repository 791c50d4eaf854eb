"""Small numbers in a published table: 1 to 9 hidden as "< 10", zero shown, and a second
number hidden wherever one hidden number could be worked out from a total."""

from __future__ import annotations

from maatwerk.insight.suppress import COMPLEMENT, SMALL, Cell, protect


def cells(*values: int) -> list[Cell]:
    return [Cell(v) for v in values]


def hidden(items: list[Cell]) -> list[str | None]:
    return [c.suppressed for c in items]


def test_small_numbers_are_hidden_and_zero_is_shown() -> None:
    assert [c.shown for c in cells(0, 1, 9, 10, 250)] == ["0", "< 10", "< 10", "10", "250"]
    assert Cell(3).to_json() == {"value": None, "shown": "< 10", "suppressed": SMALL}
    assert Cell(12).to_json() == {"value": 12, "shown": "12", "suppressed": None}


def test_one_hidden_part_hides_the_smallest_other_part() -> None:
    parts = cells(5, 40, 12, 0)
    total = Cell(57)
    protect([(total, parts)])
    assert hidden(parts) == [SMALL, None, COMPLEMENT, None]
    assert parts[2].shown == "×" and total.suppressed is None


def test_without_another_part_the_total_is_hidden() -> None:
    parts = cells(4, 0, 0)
    total = Cell(4)  # itself small
    protect([(total, parts)])
    assert hidden(parts) == [SMALL, None, None] and total.suppressed == SMALL
    parts = cells(0, 0)
    total = Cell(0)
    protect([(total, parts)])
    assert hidden([total, *parts]) == [None, None, None]


def test_two_hidden_parts_are_safe_as_they_are() -> None:
    parts = cells(3, 4, 50)
    total = Cell(57)
    protect([(total, parts)])
    assert hidden(parts) == [SMALL, SMALL, None] and total.suppressed is None


def test_suppression_travels_up_and_down_the_hierarchy() -> None:
    # clause A: grounds 6 + 30 = 36; clause B: grounds 20 + 25 = 45; regulation 81
    a, b = cells(6, 30), cells(20, 25)
    total_a, total_b = Cell(36), Cell(45)
    regulation = Cell(81)
    relations = [(total_a, a), (total_b, b), (regulation, [total_a, total_b])]
    protect(relations)
    # 6 hidden, so 30 too; then clause totals stay shown; every relation hides 0 or 2+
    for total, parts in relations:
        assert sum(1 for c in (total, *parts) if c.suppressed) in (0, 2, 3)
    assert hidden(a) == [SMALL, COMPLEMENT]
