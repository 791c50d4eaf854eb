"""The value types of the regulation language and how they combine.

``integer`` and ``decimal`` are plain numbers; ``money`` is an amount in euros (exact, never a
binary float). A number written literally in a formula (``0``, ``24``, ``1.5``) adapts to an
amount it is combined with, so ``max(0, inkomen - grens)`` needs no ``€``; a *named* number and an
amount do not mix, which catches adding an age to an income.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("bool", "integer", "decimal", "money", "date", "text", "enum")


@dataclass(frozen=True, slots=True)
class Type:
    kind: str
    values: tuple[str, ...] = ()  # an enumeration's allowed values
    name: str = ""  # the input that declares the enumeration

    def __str__(self) -> str:
        if self.kind == "enum":
            return f"enumeration {self.name}"
        return self.kind


BOOL = Type("bool")
INTEGER = Type("integer")
DECIMAL = Type("decimal")
MONEY = Type("money")
DATE = Type("date")
TEXT = Type("text")
SIMPLE = {t.kind: t for t in (BOOL, INTEGER, DECIMAL, MONEY, DATE, TEXT)}
NUMBERS = frozenset({"integer", "decimal"})
QUANTITIES = frozenset({"integer", "decimal", "money"})
ORDERED = frozenset({"integer", "decimal", "money", "date"})


@dataclass(frozen=True, slots=True)
class Typed:
    """The type of an expression, and whether it is a bare literal (which may adapt)."""

    type: Type
    literal: bool = False


class TypeProblem(Exception):
    """Two types do not combine; the message says which and why."""


def additive(a: Typed, b: Typed, op: str) -> Typed:
    """The type of ``a + b`` or ``a - b`` (and of min, max and both branches of an ``if``)."""
    ka, kb = a.type.kind, b.type.kind
    if ka == kb and ka in QUANTITIES:
        return Typed(a.type, a.literal and b.literal)
    if ka in NUMBERS and kb in NUMBERS:
        return Typed(DECIMAL, a.literal and b.literal)
    if ka == "money" and kb in NUMBERS and b.literal:
        return Typed(MONEY, a.literal)
    if kb == "money" and ka in NUMBERS and a.literal:
        return Typed(MONEY, b.literal)
    if ka == "money" or kb == "money":
        other = b if ka == "money" else a
        raise TypeProblem(f"cannot {op} money and {other.type}; write the number as an amount "
                          "(€) or multiply it by an amount")
    raise TypeProblem(f"cannot {op} {a.type} and {b.type}")


def unify(a: Typed, b: Typed, what: str) -> Typed:
    """The common type of two alternatives (branches of ``if``, rows of a table)."""
    if a.type == b.type:
        return Typed(a.type, a.literal and b.literal)
    if a.type.kind in QUANTITIES and b.type.kind in QUANTITIES:
        try:
            return additive(a, b, "combine")
        except TypeProblem:
            pass
    if {a.type.kind, b.type.kind} == {"enum", "text"}:
        enum = a if a.type.kind == "enum" else b
        text = b if enum is a else a
        if text.literal:
            return Typed(enum.type)
    raise TypeProblem(f"{what} have different types: {a.type} and {b.type}")


def multiply(a: Typed, b: Typed) -> Typed:
    ka, kb = a.type.kind, b.type.kind
    if ka in NUMBERS and kb in NUMBERS:
        kind = "integer" if ka == kb == "integer" else "decimal"
        return Typed(SIMPLE[kind], a.literal and b.literal)
    if ka == "money" and kb in NUMBERS:
        return Typed(MONEY)
    if kb == "money" and ka in NUMBERS:
        return Typed(MONEY)
    if ka == kb == "money":
        raise TypeProblem("cannot multiply two amounts; one side must be a number or percentage")
    raise TypeProblem(f"cannot multiply {a.type} and {b.type}")


def divide(a: Typed, b: Typed) -> Typed:
    ka, kb = a.type.kind, b.type.kind
    if ka in NUMBERS and kb in NUMBERS:
        return Typed(DECIMAL, a.literal and b.literal)
    if ka == "money" and kb in NUMBERS:
        return Typed(MONEY)
    if ka == kb == "money":
        return Typed(DECIMAL)
    if kb == "money":
        raise TypeProblem(f"cannot divide {a.type} by money")
    raise TypeProblem(f"cannot divide {a.type} by {b.type}")


def comparable(a: Typed, b: Typed, op: str) -> None:
    """Refuse a comparison of values that cannot be compared with ``op``."""
    ka, kb = a.type.kind, b.type.kind
    ordering = op not in ("==", "!=")
    if ka in QUANTITIES and kb in QUANTITIES:
        additive(a, b, "compare")
        return
    if ka == kb and ka in ("date",):
        return
    if ordering:
        raise TypeProblem(f"cannot order {a.type} and {b.type} with '{op}'; only numbers, "
                          "amounts and dates are ordered")
    if a.type == b.type:
        return
    if {ka, kb} == {"enum", "text"} and (a.literal or b.literal):
        return
    raise TypeProblem(f"cannot compare {a.type} with {b.type}")


def fits(found: Typed, declared: Type) -> bool:
    """Whether a formula of type ``found`` may stand where ``declared`` is expected."""
    if found.type == declared:
        return True
    if found.type.kind == "integer" and declared.kind == "decimal":
        return True
    if found.literal and found.type.kind in ("integer", "decimal") and declared.kind == "money":
        return True
    return bool(found.literal and found.type.kind == "text" and declared.kind == "enum")
