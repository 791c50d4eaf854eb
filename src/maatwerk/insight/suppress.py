"""Suppressing small numbers in a published table, so that no small group can be singled out.

A count of 1 to ``THRESHOLD - 1`` is *small*: it is not shown, but written ``< 10``. Zero is
shown (no deviation, no person). Where a total is published with its parts, one hidden part could
be worked out from the total and the other parts; so in every relation *total = sum of parts*,
if exactly one of its numbers is hidden, a second one is hidden too (*complementary
suppression*, written ``×``): the smallest part that is shown and not zero, or, when there is
none, the total. This repeats until every relation hides none or at least two of its numbers,
which also covers a number that is part of one relation and the total of another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

THRESHOLD = 10
SMALL, COMPLEMENT = "small", "complementary"
SHOWN = {SMALL: f"< {THRESHOLD}", COMPLEMENT: "×"}


@dataclass
class Cell:
    """A published count: its value and, once suppressed, why."""

    value: int
    suppressed: str | None = None

    def __post_init__(self) -> None:
        if 0 < self.value < THRESHOLD:
            self.suppressed = SMALL

    @property
    def shown(self) -> str:
        return SHOWN[self.suppressed] if self.suppressed else str(self.value)

    def to_json(self) -> dict[str, Any]:
        """The value only when it is shown."""
        return {"value": None if self.suppressed else self.value, "shown": self.shown,
                "suppressed": self.suppressed}


def protect(relations: Sequence[tuple[Cell, Sequence[Cell]]]) -> None:
    """Hide complementary cells until no relation ``total = sum(parts)`` has exactly one hidden
    number."""
    changed = True
    while changed:
        changed = False
        for total, parts in relations:
            hidden = [c for c in (total, *parts) if c.suppressed]
            if len(hidden) != 1:
                continue
            shown = [c for c in parts if not c.suppressed and c.value > 0]
            extra = min(shown, key=lambda c: c.value) if shown else total
            if extra.suppressed:  # pragma: no cover - the total is hidden only with a part
                continue
            extra.suppressed = COMPLEMENT
            changed = True
