"""Checking the inputs of a case: each value in its runtime type and inside its declared bounds.

``check(reg, definitions, inputs)`` converts every value (``maatwerk.spec.values.coerce``) and
raises one ``DecisionError`` naming every problem. ``Checker`` does the same for the inputs of one
regulation with what it can know beforehand: per input the Python type that passes unchanged
(a ``Decimal`` for an amount, an ``int`` for a whole number, ...) and its bounds. A case whose
values are all of those types and inside their bounds is checked without a call per value; any
other case is checked by ``check``, so the values and the errors are the same either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from maatwerk.spec.errors import DecisionError
from maatwerk.spec.model import InputDef, Regulation
from maatwerk.spec.typecheck import suggest
from maatwerk.spec.types import Type
from maatwerk.spec.values import MAX_DIGITS, ValueProblem, coerce

_LIMIT = 10**MAX_DIGITS
# The Python type ``coerce`` returns unchanged, by kind (a Decimal when finite and below the digit
# limit, an int below the limit); kinds not here are always converted by ``coerce``.
_UNCHANGED: dict[str, type] = {"money": Decimal, "decimal": Decimal, "integer": int,
                               "bool": bool, "text": str}


def check(reg: Regulation, definitions: Mapping[str, InputDef],
          inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs in their runtime types; raises one ``DecisionError`` naming every problem."""
    values: dict[str, Any] = {}
    problems: list[tuple[str, str, str, Any]] = []
    for name, raw in inputs.items():
        definition = definitions.get(name)
        if definition is None:
            problems.append(("MW602", name, f"{name!r} is not an input of {reg.id}"
                             f"{suggest(name, list(reg.inputs))}", name))
            continue
        if raw is None:
            continue  # an empty value is a missing value
        try:
            value = coerce(raw, definition.type)
        except ValueProblem as exc:
            problems.append(("MW601", name, str(exc), raw))
            continue
        low, high = definition.minimum, definition.maximum
        if low is not None and value < low:
            problems.append(("MW601", name, f"must be at least {low}", raw))
        elif high is not None and value > high:
            problems.append(("MW601", name, f"must be at most {high}", raw))
        else:
            values[name] = value
    if len(problems) == 1:
        code, name, message, got = problems[0]
        raise DecisionError(code, message, path=f"inputs.{name}", got=got)
    if problems:
        details = "; ".join(f"{name}: {message} (got {got!r})"
                            for _, name, message, got in problems)
        raise DecisionError(problems[0][0], f"{len(problems)} inputs are invalid: {details}",
                            path="inputs")
    return values


class Checker:
    """``check`` for the inputs of one regulation, prepared once."""

    def __init__(self, reg: Regulation) -> None:
        self.reg = reg
        self.inputs: dict[str, tuple[Any, Type, Any, Any]] = {
            name: (_UNCHANGED.get(d.type.kind), d.type, d.minimum, d.maximum)
            for name, d in reg.inputs.items()}

    def __call__(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        declared = self.inputs
        values: dict[str, Any] = {}
        for name, raw in inputs.items():
            found = declared.get(name)
            if found is None:
                return check(self.reg, self.reg.inputs, inputs)
            if raw is None:
                continue
            unchanged, type_, low, high = found
            value = raw
            if type(raw) is not unchanged or (
                    unchanged is Decimal and not (raw.is_finite() and raw.adjusted() < MAX_DIGITS)
            ) or (unchanged is int and not -_LIMIT < raw < _LIMIT):
                try:
                    value = coerce(raw, type_)
                except ValueProblem:
                    return check(self.reg, self.reg.inputs, inputs)
            if (low is not None and value < low) or (high is not None and value > high):
                return check(self.reg, self.reg.inputs, inputs)
            values[name] = value
        return values
