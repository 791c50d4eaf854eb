"""What a cluster of deviations sets an output to, as a formula for a category's rule override.

Four patterns are tried on the cluster's members, each member being the output's value before
the deviation (``before``, with the formula that gave it) and the value the deviation set:

- ``parameter`` — the value is a parameter of the regulation in force on the case's reference
  date (``norm_alleenstaand``, or a keyed one: ``vermogensgrens['gezin']``);
- ``constant`` — one value (the most frequent one; for numbers, else the median);
- ``ratio`` — the value is a fixed multiple of the value before: ``round(1.1 * (F), 2)``, where
  ``F`` is the formula that gave the value before (the same for every member, or not tried);
- ``difference`` — the value before plus a fixed amount: ``(F) + €50``.

The pattern that reproduces most members exactly (to the cent for amounts) is chosen; on a tie,
in the order above. How many it reproduces is reported (``matched`` of ``members``).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from maatwerk.insight.rules import quote
from maatwerk.spec.model import Regulation
from maatwerk.spec.types import Type

CENT = Decimal("0.01")
NUMBERS = ("integer", "decimal", "money")


@dataclass(frozen=True)
class Member:
    day: dt.date
    before: Any  # the output's value before the deviation (None when unknown)
    value: Any  # the value the deviation set
    source: str | None = None  # the formula that gave the value before


@dataclass(frozen=True)
class Override:
    formula: str
    kind: str  # parameter | constant | ratio | difference
    matched: int
    members: int
    describe: dict[str, str]  # the pattern in words, nl and en


def typed(value: Any, t: Type) -> Any:
    """A stored value (JSON) as a value of type ``t`` (None when it is not one)."""
    if value is None:
        return None
    if t.kind in NUMBERS:
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            return None
        return int(number) if t.kind == "integer" else number
    if t.kind == "bool":
        return value if isinstance(value, bool) else None
    return str(value)


def literal(value: Any, t: Type) -> str:
    """A value as a literal of the formula language."""
    if t.kind == "money":
        return f"€{format(Decimal(value).quantize(CENT), 'f')}"
    if t.kind in ("integer", "decimal"):
        return format(Decimal(value).normalize(), "f")
    if t.kind == "bool":
        return "true" if value else "false"
    return quote(str(value))


def same(a: Any, b: Any, t: Type) -> bool:
    if a is None or b is None:
        return False
    if t.kind == "money":
        return Decimal(a).quantize(CENT, ROUND_HALF_UP) == Decimal(b).quantize(CENT)
    return bool(a == b)


def override(reg: Regulation, output: str, members: Sequence[Member]) -> Override:
    """The formula that best reproduces what the members' deviations set (see the module)."""
    t = reg.type_of(output)
    values = [typed(m.value, t) for m in members]
    candidates = [*_parameters(reg, t, members), _constant(t, values)]
    sources = {m.source for m in members}
    before = [typed(m.before, t) for m in members]
    if t.kind in ("decimal", "money") and len(sources) == 1 and None not in sources and all(
            b is not None for b in before):
        source = sources.pop()
        assert source is not None
        candidates += [_ratio(t, source, before, values), _difference(t, source, before, values)]
    best: tuple[int, int, Override] | None = None
    for order, (make, predict) in enumerate(c for c in candidates if c is not None):
        matched = sum(same(predict(i), values[i], t) for i in range(len(members)))
        if best is None or matched > best[0]:
            best = (matched, order, make(matched, len(members)))
    assert best is not None
    return best[2]


Candidate = tuple[Callable[[int, int], Override], Callable[[int], Any]]


def _parameters(reg: Regulation, t: Type, members: Sequence[Member]) -> list[Candidate]:
    found: list[Candidate] = []
    for name, p in reg.parameters.items():
        if p.type.kind != t.kind:
            continue
        for key in p.keys or (None,):
            at = [p.at(m.day) for m in members]
            got = [None if a is None else (a.value[key] if key is not None else a.value)
                   for a in at]
            formula = name if key is None else f"{name}[{quote(key)}]"
            found.append((_maker(formula, "parameter", {
                "nl": f"de parameter {formula} op de peildatum",
                "en": f"the parameter {formula} on the reference date"}), got.__getitem__))
    return found


def _maker(formula: str, kind: str, describe: dict[str, str]) -> Callable[[int, int], Override]:
    return lambda matched, members: Override(formula, kind, matched, members, describe)


def _constant(t: Type, values: list[Any]) -> Candidate | None:
    known = [v for v in values if v is not None]
    if not known:
        return None
    value, count = Counter(known).most_common(1)[0]
    if count * 2 < len(known) and t.kind in NUMBERS:
        value = statistics.median_low(sorted(known))
    shown = literal(value, t)
    return (_maker(shown, "constant", {"nl": f"steeds {shown}", "en": f"always {shown}"}),
            lambda i: value)


def _ratio(t: Type, source: str, before: list[Any], values: list[Any]) -> Candidate | None:
    ratios = [Decimal(v) / Decimal(b) for v, b in zip(values, before, strict=True)
              if v is not None and b]
    if not ratios:
        return None
    middle = statistics.median(ratios)
    ratio = max((middle.quantize(Decimal(10) ** -k) for k in range(5)), key=lambda r: sum(
        same(r * Decimal(b), v, t) for v, b in zip(values, before, strict=True)))
    shown = format(ratio.normalize(), "f")
    formula = f"round({shown} * ({source}), 2)" if t.kind == "money" else f"{shown} * ({source})"
    return (_maker(formula, "ratio", {"nl": f"{shown} maal de waarde zonder afwijking",
                                      "en": f"{shown} times the value without deviation"}),
            lambda i: None if before[i] is None else ratio * Decimal(before[i]))


def _difference(t: Type, source: str, before: list[Any], values: list[Any]
                ) -> Candidate | None:
    steps = [Decimal(v) - Decimal(b) for v, b in zip(values, before, strict=True)
             if v is not None and b is not None]
    if not steps:
        return None
    step = Counter(steps).most_common(1)[0][0]
    shown = literal(abs(step), t)
    sign = "-" if step < 0 else "+"
    return (_maker(f"({source}) {sign} {shown}", "difference", {
        "nl": f"de waarde zonder afwijking {sign} {shown}",
        "en": f"the value without deviation {sign} {shown}"}),
        lambda i: None if before[i] is None else Decimal(before[i]) + step)
