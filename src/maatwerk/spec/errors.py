"""Errors of the regulation language, and the registry of their codes.

Exception tree (every error maatwerk raises on purpose derives from ``MaatwerkError``)::

    MaatwerkError
    └── CodedError         an error with a registered code (see CODES)
        ├── SpecError      one problem in a regulation file: code, position, path, message, got
        │   └── SpecErrors several problems found in one check (iterable, each a SpecError)
        └── DecisionError  a case cannot be decided: a bad input value, a reference date outside
                           the regulation's validity, two categories that both match, ...

A ``SpecError`` prints as ``file:line:col: CODE path: message (got …)``. A ``DecisionError`` prints
as ``CODE path: message (got …)`` and, where the problem sits in the regulation, with its position.

Every code is listed in ``CODES`` with a one-line summary; ``docs/errors.md`` documents each one and
``tests/spec/broken/`` holds a deliberately broken regulation per code.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

CODES: dict[str, str] = {
    # 1xx: the file and its YAML
    "MW101": "the file cannot be read (missing, not UTF-8 or too large)",
    "MW102": "the file is not valid YAML",
    "MW103": "a key occurs twice in one mapping",
    "MW104": "YAML anchors, aliases and tags are not allowed",
    "MW105": "the document is nested too deeply or has too many nodes",
    # 2xx: the document's shape
    "MW201": "a required key is missing",
    "MW202": "an unknown key",
    "MW203": "a value has the wrong type or form",
    "MW204": "a name is not a valid identifier, or is reserved",
    "MW205": "a name is declared twice",
    # 3xx: formulas
    "MW301": "a formula has a syntax error",
    "MW302": "a formula uses an unknown name",
    "MW303": "a formula calls an unknown function or with the wrong number of arguments",
    "MW304": "a formula has a type error",
    "MW305": "a number is too large or too precise",
    "MW306": "a formula is too long or nested too deeply",
    "MW307": "a text value is not one of the enumeration's values or the parameter's keys",
    # 4xx: the regulation as a whole
    "MW401": "rules depend on each other in a cycle",
    "MW402": "a rule is not used by any output, category or table",
    "MW403": "two categories can both apply without a declared precedence",
    "MW404": "two rows of a unique decision table can both match",
    "MW405": "a parameter's values are not valid over the regulation's validity",
    "MW406": "a category override does not fit what it overrides",
    "MW407": "an explanation template uses an unknown name",
    "MW408": "a declared type does not match the formula's type",
    # 4xx across regulations: an input that is the output of another regulation
    "MW409": "a referenced regulation is not found, or does not load",
    "MW410": "a reference matches more than one regulation",
    "MW411": "regulations use each other's outputs in a cycle",
    "MW412": "a reference names an output or input the regulation does not have",
    "MW413": "a referenced output or input does not fit the type it is used as",
    # 5xx: tests written as data
    "MW501": "a test refers to an unknown input or output",
    "MW502": "a test value does not fit the declared type",
    # 6xx: deciding a case
    "MW601": "an input value is invalid",
    "MW602": "an unknown input was given",
    "MW603": "the reference date is outside the regulation's validity",
    "MW604": "a parameter has no value on the reference date",
    "MW605": "a division by zero",
    "MW606": "two categories apply and neither has precedence",
    "MW607": "two rows of a unique decision table match",
    "MW608": "no row of a decision table matches and it has no 'otherwise'",
    "MW609": "a keyed parameter has no value for the key",
    "MW610": "a date computation gives no valid date",
    # 7xx: exercising discretion on a case
    "MW701": "no hardship clause of the regulation allows this deviation",
    "MW702": "the clause is for groups of cases; it gives no power to deviate for one case",
    "MW703": "the clause does not cover this output",
    "MW704": "the ground is not one the clause allows",
    "MW705": "the clause requires a motivation",
    "MW706": "the clause or ground requires evidence",
    "MW707": "the person has not the role or unit the clause requires",
    "MW708": "four-eyes: the deviation needs the approval of a second, different person",
    "MW709": "the deviation's value does not fit the output's type",
    "MW710": "the deviation's value is outside the clause's bounds",
    "MW711": "a deviation, consideration or assessment record is malformed",
    "MW712": "the assessment's outcome is outside its frame",
    "MW713": "the assessment's answers or report are incomplete or invalid",
    "MW714": "the regulation declares no assessment",
}


@dataclass(frozen=True, slots=True)
class Position:
    """A place in a source file; line and column count from 1."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


class MaatwerkError(Exception):
    """Base of every error maatwerk raises on purpose; never shown to a user as a traceback."""


def _got(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class CodedError(MaatwerkError):
    """An error with a registered code, an optional position and path, and the offending value."""

    registry: ClassVar[dict[str, str]] = CODES

    def __init__(
        self,
        code: str,
        message: str,
        *,
        path: str = "",
        position: Position | None = None,
        got: object = None,
    ) -> None:
        if code not in self.registry:
            raise ValueError(f"unregistered error code {code!r}")
        self.code = code
        self.message = message
        self.path = path
        self.position = position
        self.got = got
        super().__init__(self.render())

    def render(self) -> str:
        where = f"{self.position}: " if self.position else ""
        path = f" {self.path}" if self.path else ""
        got = f" (got {_got(self.got)})" if self.got is not None else ""
        return f"{where}{self.code}{path}: {self.message}{got}"

    def __str__(self) -> str:
        return self.render()

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": self.message,
            "path": self.path,
            "file": self.position.file if self.position else None,
            "line": self.position.line if self.position else None,
            "col": self.position.col if self.position else None,
            "got": None if self.got is None else _got(self.got),
        }


class SpecError(CodedError):
    """One problem in a regulation file."""


MAX_REPORTED = 100


class SpecErrors(SpecError):
    """Several problems found while checking one regulation, in file order; at most
    ``MAX_REPORTED`` are kept, ``omitted`` counts the rest."""

    def __init__(self, errors: Sequence[SpecError], omitted: int = 0) -> None:
        if not errors:
            raise ValueError("SpecErrors needs at least one error")
        ordered = sorted(errors, key=_order)
        self.errors = ordered[:MAX_REPORTED]
        self.omitted = omitted + len(ordered) - len(self.errors)
        first = self.errors[0]
        super().__init__(first.code, first.message, path=first.path, position=first.position,
                         got=first.got)

    def __iter__(self) -> Iterator[SpecError]:
        return iter(self.errors)

    def __len__(self) -> int:
        return len(self.errors)

    def __str__(self) -> str:
        more = [f"... and {self.omitted} more problems"] if self.omitted else []
        return "\n".join([*(e.render() for e in self.errors), *more])


def _order(error: SpecError) -> tuple[str, int, int, str]:
    pos = error.position
    return (pos.file, pos.line, pos.col, error.code) if pos else ("", 0, 0, error.code)


class DecisionError(CodedError):
    """A case cannot be decided; the case file and the regulation are left as they were."""
