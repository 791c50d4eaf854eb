"""The schema of the two discretionary variants: hardship clauses and assessments.

A *hardship clause* (hardheidsclausule) declares a power to deviate from the outcome for an
individual case — with what an open norm needs to be lawful: a legal basis, a known decider, the
outputs it may change and their bounds, the grounds that may be invoked, the motivation and
evidence required, four-eyes approval, and the remedy. A clause of ``level: group`` (such as Awir
art. 47) is exercised only by a general arrangement for groups of cases — a policy category that
names the clause — never by an individual deviation.

An *assessment* (standaardmaatwerk) declares the individual investigation every case has a right
to: the domains investigated with their questions, the ordered "voorliggende" steps that may each
cover part of the need, the frame of provisions that can be granted and their bounds, the
deadlines and the fields of the written report.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from maatwerk.spec.fields import Basis, Expression, Identifier, InputKind, Model, Text, Unit

ROLES = ("citizen", "caseworker", "approver", "manager", "policy_maker", "administrator")
Role = Literal["caseworker", "approver", "manager", "policy_maker", "administrator"]


class Decider(Model):
    """Who may exercise a power: a role, and a unit — or any unit when ``unit`` is absent."""

    role: Role
    unit: str | None = None
    label: Text | None = None


class Bounds(Model):
    """The frame of a deviation of one output.

    ``min``/``max`` are formulas over the case in which ``standard`` is the output's value before
    the deviation (so ``5% * standard`` is relative); ``allowed`` lists the permitted outcomes.
    """

    min: Expression | None = None
    max: Expression | None = None
    allowed: list[Expression] | None = None


class Ground(Model):
    label: Text
    description: Text | None = None
    evidence: bool = False


class Remedy(Model):
    """The remedy against the decision: an objection (bezwaar) within a term, or none — for
    instance when the act is not a decision under the Awb."""

    label: Text | None = None
    objection: bool = True
    objection_weeks: int = Field(default=6, ge=1, le=52)
    reference: str | None = None


class Hardship(Model):
    label: Text
    description: Text | None = None
    legal_basis: Basis
    level: Literal["individual", "group"] = "individual"
    mode: Literal["exception", "always_consider"] = "exception"
    outputs: dict[Identifier, Bounds] = Field(min_length=1)
    grounds: dict[Identifier, Ground] = Field(min_length=1)
    motivation: Literal["required", "optional"] = "required"
    evidence: Literal["required", "optional"] = "optional"
    decider: Decider
    four_eyes: bool = False
    approver: Decider | None = None
    remedy: Remedy | None = None


class Question(Model):
    type: InputKind
    label: Text
    unit: Unit | None = None
    values: dict[str, Text] | None = None
    min: int | None = None
    max: int | None = None
    required: bool = True
    description: Text | None = None


class Domain(Model):
    label: Text
    reference: str | None = None
    questions: dict[Identifier, Question] = Field(min_length=1)


class Step(Model):
    """A "voorliggende" step: how much of the need it covers is the answer ``covers`` names."""

    label: Text
    covers: Identifier
    reference: str | None = None


class Provision(Model):
    label: Text
    unit: Unit | None = None
    when: Expression | None = None
    min: Expression = "0"
    max: Expression
    suggestion: Expression | None = None
    reference: str | None = None


class Outcome(Model):
    """What the assessment decides: a provision (into ``provision``) and its amount (``amount``)."""

    provision: Identifier
    amount: Identifier
    amount_type: Literal["integer", "decimal", "money"] = "decimal"
    provision_label: Text | None = None
    amount_label: Text | None = None
    provisions: dict[Identifier, Provision] = Field(min_length=1)


class Deadline(Model):
    label: Text
    start: str
    days: int = Field(ge=1, le=3650)
    reference: str | None = None


class ReportField(Model):
    label: Text
    required: bool = True


class Assessment(Model):
    label: Text
    description: Text | None = None
    legal_basis: Basis
    decider: Decider
    domains: dict[Identifier, Domain] = Field(min_length=1)
    need: Expression
    need_label: Text | None = None
    steps: list[Step] = Field(default_factory=list)
    outcome: Outcome
    deadlines: dict[Identifier, Deadline] = Field(default_factory=dict)
    report: dict[Identifier, ReportField] = Field(default_factory=dict)
