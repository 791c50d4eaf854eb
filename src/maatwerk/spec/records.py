"""The records that exercise discretion on one case: deviations, considerations, assessments.

They arrive as data (a YAML or JSON file, an API request, a row in the case file) and are read
with ``read_deviations``/``read_assessment``; a malformed record is refused with MW711 naming the
field. Whether a record is *allowed* is decided against the regulation by
``maatwerk.engine.discretion``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from maatwerk.spec.errors import DecisionError

Role = Literal["citizen", "caseworker", "approver", "manager", "policy_maker", "administrator"]
M = TypeVar("M", bound=BaseModel)


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def fields(record: Record) -> dict[str, Any]:
    """A record's fields by name, for reading many of them in a hot path: read from the dict a
    model keeps them in, they skip the model's attribute hook, which costs several times a plain
    attribute read. Read only; a record is frozen."""
    return record.__dict__


class Actor(Record):
    """A person acting on a case: a pseudonymous id, a role and a unit."""

    id: str = Field(min_length=1)
    role: Role
    unit: str | None = None
    name: str | None = None

    def describe(self) -> str:
        unit = f" in unit {self.unit!r}" if self.unit else " without a unit"
        return f"{self.id} ({self.role}{unit})"


class Deviation(Record):
    """The exercise of a hardship clause on one case."""

    clause: str = Field(min_length=1)
    output: str = Field(min_length=1)
    value: Any
    ground: str = Field(min_length=1)
    motivation: str = ""
    evidence: list[str] = Field(default_factory=list)
    proposer: Actor
    approver: Actor | None = None
    trigger: Literal["request", "flag", "consideration"] | None = None


class Consideration(Record):
    """The record that a clause was considered for a case and no deviation was made."""

    clause: str
    motivation: str = Field(min_length=1)
    by: Actor


class AssessmentRecord(Record):
    """The recorded individual investigation and the outcome chosen inside its frame."""

    assessor: Actor
    date: dt.date | None = None
    answers: dict[str, Any] = Field(default_factory=dict)
    provision: str
    amount: Any
    motivation: str = ""
    report: dict[str, str] = Field(default_factory=dict)


def _read(model: type[M], data: Any, what: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        message = err["msg"]
        if err["type"] == "missing":
            message = "this field is required"
        elif err["type"] == "extra_forbidden":
            fields = ", ".join(model.model_fields)
            message = f"unknown field; expected: {fields}"
        raise DecisionError("MW711", f"the {what} record is malformed: {message}",
                            path=f"{what}.{where}" if where else what,
                            got=err.get("input") if err["type"] != "missing" else None) from None


def read_deviations(data: Any) -> tuple[list[Deviation], list[Consideration]]:
    """Deviations and considerations from a mapping (one deviation, or ``deviations:`` and
    ``considerations:``) or a list of deviations."""
    if isinstance(data, Mapping) and ("deviations" in data or "considerations" in data):
        extra = set(data) - {"deviations", "considerations"}
        if extra:
            raise DecisionError("MW711", "a record file holds 'deviations' and "
                                "'considerations' only", got=", ".join(sorted(extra)))
        devs: Sequence[Any] = data.get("deviations") or []
        cons: Sequence[Any] = data.get("considerations") or []
    elif isinstance(data, Mapping):
        devs, cons = [data], []
    elif isinstance(data, list):
        devs, cons = data, []
    else:
        raise DecisionError("MW711", "a deviation record is a mapping or a list of mappings",
                            got=type(data).__name__)
    return ([_read(Deviation, d, "deviation") for d in devs],
            [_read(Consideration, c, "consideration") for c in cons])


def read_assessment(data: Any) -> AssessmentRecord:
    return _read(AssessmentRecord, data, "assessment")
