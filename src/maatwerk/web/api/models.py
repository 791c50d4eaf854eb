"""The request bodies of the API (validated by FastAPI; errors in the one error shape)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


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
    label: str = ""


class Submit(Body):
    regulation: str
    facts: dict[str, Any] = Field(default_factory=dict)
    subject: SubjectRef | None = None
    channel: str = "online"
    peildatum: dt.date | None = None


class Facts(Body):
    facts: dict[str, Any]
    source: str | None = None


class MaatwerkRequest(Body):
    story: str


class DeviationProposal(Body):
    clause: str
    output: str
    value: Any
    ground: str
    motivation: str
    evidence: list[str] = Field(default_factory=list)
    request_id: int | None = None


class Refusal(Body):
    reason: str


class AssessmentBody(Body):
    answers: dict[str, Any] = Field(default_factory=dict)
    provision: str
    amount: Any
    motivation: str = ""
    report: dict[str, str] = Field(default_factory=dict)
    date: dt.date | None = None


class ConsiderationBody(Body):
    clause: str
    motivation: str


class ObjectionBody(Body):
    grounds: str


class ObjectionDecision(Body):
    upheld: bool
    motivation: str
