"""The request bodies of the API (validated by FastAPI; errors in the one error shape).

Every body refuses a NUL character (``\\u0000``) in any string at any depth, keys included:
neither PostgreSQL's text nor its jsonb can hold one. A string stored in a column of bounded
size is bounded by that size here (taken from ``maatwerk.cases.models``), so that it is refused
as an invalid request (MW809) and never reaches the database.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from maatwerk.cases.models import (
    MAX_ID,
    Case,
    Claim,
    Consideration,
    DeviationRequest,
    Fact,
    Subject,
)

NUL = "\x00"


def column_length(attribute: Any) -> int:
    """The size of the string column behind a mapped attribute (``Case.channel`` -> 30)."""
    length = attribute.property.columns[0].type.length
    if not isinstance(length, int):
        raise TypeError(f"{attribute} is not a string column of bounded size")
    return length


def nul_in(value: Any, where: tuple[str, ...] = ()) -> tuple[str, ...] | None:
    """Where in ``value`` (a JSON-like tree) a string holds a NUL character, or None."""
    if isinstance(value, str):
        return where if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and NUL in key:
                return (*where, key.replace(NUL, "\\u0000"))
            found = nul_in(item, (*where, str(key)))
            if found is not None:
                return found
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found = nul_in(item, (*where, str(index)))
            if found is not None:
                return found
    return None


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        where = nul_in(data)
        if where is not None:
            # The error handler joins ``within`` to the location of this body (or sub-body).
            raise PydanticCustomError(
                "nul_character", "{field} contains a NUL character (\\u0000); text cannot hold "
                "one, remove it", {"field": ".".join(where) or "the value",
                                   "within": list(where)})
        return data


Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Login(Body):
    username: str
    password: str


class DecideRequest(Body):
    peildatum: dt.date
    inputs: dict[str, Any] = Field(default_factory=dict)
    assessment: dict[str, Any] | None = None
    deviations: list[dict[str, Any]] = Field(default_factory=list)
    considerations: list[dict[str, Any]] = Field(default_factory=list)
    trace: bool = True
    explanation: bool = True


class SubjectRef(Body):
    key: str = Field(min_length=1, description="BSN, KvK number or object code; stored only "
                                               "as a pseudonym")
    label: str = Field("", max_length=column_length(Subject.label))


class Submit(Body):
    regulation: str
    facts: dict[str, Any] = Field(default_factory=dict)
    subject: SubjectRef | None = None
    channel: str = Field("online", max_length=column_length(Case.channel))
    peildatum: dt.date | None = None


class Facts(Body):
    facts: dict[str, Any]
    source: str | None = Field(None, max_length=column_length(Fact.source))


class MaatwerkRequest(Body):
    story: str


class DeviationProposal(Body):
    clause: str = Field(max_length=column_length(DeviationRequest.clause))
    output: str = Field(max_length=column_length(DeviationRequest.output))
    value: Any
    ground: str = Field(max_length=column_length(DeviationRequest.ground))
    motivation: str
    evidence: list[str] = Field(default_factory=list)
    request_id: Id | None = None


class Refusal(Body):
    reason: str


class ClaimBody(Body):
    """A claim on a fact of a case: the value that is right, why, and references to evidence."""

    fact: str = Field(max_length=column_length(Claim.fact),
                      description="the name of a fact recorded on the case")
    value: Any = Field(description="the proposed value, as a fact of that input is given")
    reason: str = Field(description="why the recorded value is wrong")
    evidence: list[str] = Field(default_factory=list,
                                description="references to evidence (document numbers, names)")


class AssessmentBody(Body):
    answers: dict[str, Any] = Field(default_factory=dict)
    provision: str
    amount: Any
    motivation: str = ""
    report: dict[str, str] = Field(default_factory=dict)
    date: dt.date | None = None


class ConsiderationBody(Body):
    clause: str = Field(max_length=column_length(Consideration.clause))
    motivation: str


class ObjectionBody(Body):
    grounds: str


class ObjectionDecision(Body):
    upheld: bool
    motivation: str
