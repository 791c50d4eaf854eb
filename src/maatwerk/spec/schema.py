"""The published shape of a regulation document (pydantic models; ``maatwerk schema`` exports it
as JSON Schema).

This module checks only the shape: keys, types and simple forms. What the values mean (formulas,
names, types, dates of parameter values) is checked by ``maatwerk.spec.build``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, StringConstraints

from maatwerk.spec.discretion import Assessment, Hardship
from maatwerk.spec.fields import (
    IDENT_PATTERN,
    Basis,
    Expression,
    HitPolicy,
    Identifier,
    InputKind,
    LegalBasis,
    Model,
    Provenance,
    RegulationId,
    Text,
    Translations,
    Unit,
    ValueKind,
    as_reference,
    as_subject,
)

__all__ = ["IDENT_PATTERN", "Basis", "Expression", "LegalBasis", "Text", "Translations"]


class Validity(Model):
    from_: dt.date = Field(alias="from")
    until: dt.date | None = None


class Subject(Model):
    """Who or what a decision is about: a person, household, organisation or an object type."""

    type: Literal["person", "household", "organisation", "object"]
    object: Identifier | None = None
    label: Text | None = None


class OutputOf(Model):
    """An input whose value is the output of another regulation, decided for the same subject."""

    regulation: RegulationId
    output: Identifier
    version: str | None = None
    peildatum: Expression | None = None  # a formula over peildatum; default: the same date
    inputs: dict[Identifier, Identifier] = Field(default_factory=dict)


class Input(Model):
    type: InputKind
    label: Text
    question: Text | None = None
    description: Text | None = None
    unit: Unit | None = None
    source: str | None = None  # required unless the input is the output of another regulation
    output_of: Annotated[OutputOf, BeforeValidator(as_reference)] | None = None
    values: dict[str, Text] | None = None
    min: int | Decimal | None = None
    max: int | Decimal | None = None


class ParameterValue(Model):
    from_: dt.date = Field(alias="from")
    value: Any
    reference: str
    note: Text | None = None


class Statutory(Model):
    """The statutory derivation of a parameter whose value in practice differs from it."""

    formula: Expression
    reference: str
    note: Text | None = None


class Parameter(Model):
    type: ValueKind
    label: Text | None = None
    description: Text | None = None
    unit: Unit | None = None
    keys: list[str] | None = None
    provenance: Provenance = "statute"
    values: list[ParameterValue] = Field(min_length=1)
    statutory: Statutory | None = None


class RuleVersion(Model):
    from_: dt.date = Field(alias="from")
    formula: Expression
    reference: str | None = None


class Rule(Model):
    formula: Expression | None = None
    versions: list[RuleVersion] | None = Field(default=None, min_length=1)
    type: ValueKind | None = None
    label: Text | None = None
    description: Text | None = None
    unit: Unit | None = None
    reference: str | None = None
    provenance: Provenance = "statute"
    explain: Text | None = None
    values: dict[str, Text] | None = None


class Row(Model):
    when: Expression
    then: Expression
    label: Text | None = None
    reference: str | None = None


class Table(Model):
    """A decision table: rows of a condition and a value, with a hit policy."""

    hit_policy: HitPolicy = "unique"
    aggregate: Literal["sum", "min", "max", "count"] | None = None
    type: ValueKind | None = None
    label: Text | None = None
    reference: str | None = None
    explain: Text | None = None
    values: dict[str, Text] | None = None
    rows: list[Row] = Field(min_length=1)
    otherwise: Expression | None = None


class ParameterOverride(Model):
    values: list[ParameterValue] = Field(min_length=1)


class RuleOverride(Model):
    formula: Expression
    reference: str | None = None
    explain: Text | None = None


class Category(Model):
    """A policy category: a group with a membership condition, a legal basis and overrides."""

    label: Text
    description: Text | None = None
    when: Expression
    legal_basis: Basis
    precedence: int | None = None
    parameters: dict[Identifier, ParameterOverride] = Field(default_factory=dict)
    rules: dict[Identifier, RuleOverride] = Field(default_factory=dict)
    hardship: Identifier | None = None


class Case(Model):
    """A test written as data: inputs, a reference date and what is expected."""

    name: str
    date: dt.date
    description: Text | None = None
    inputs: dict[str, Any] = Field(default_factory=dict)
    expect: dict[str, Any] = Field(default_factory=dict)
    status: Literal["determined", "indeterminate"] | None = None
    missing: list[str] | None = None
    categories: list[str] | None = None
    error: Annotated[str, StringConstraints(pattern=r"^MW[0-9]{3}$")] | None = None
    assessment: dict[str, Any] | None = None
    deviations: list[dict[str, Any]] = Field(default_factory=list)
    considerations: list[dict[str, Any]] = Field(default_factory=list)
    deciding_layer: dict[str, Literal["standard", "category", "assessment", "deviation"]] = Field(
        default_factory=dict)
    demo: bool = False


class Regulation(Model):
    id: RegulationId
    version: str
    title: Text
    authority: str
    legal_basis: list[Basis] = Field(min_length=1)
    subject: Annotated[Subject, BeforeValidator(as_subject)]
    valid: Validity
    description: Text | None = None
    inputs: dict[Identifier, Input] = Field(default_factory=dict)
    parameters: dict[Identifier, Parameter] = Field(default_factory=dict)
    rules: dict[Identifier, Rule] = Field(default_factory=dict)
    tables: dict[Identifier, Table] = Field(default_factory=dict)
    outputs: list[Identifier] = Field(min_length=1)
    category_policy: HitPolicy = "unique"
    categories: dict[Identifier, Category] = Field(default_factory=dict)
    hardship: dict[Identifier, Hardship] = Field(default_factory=dict)
    assessment: Assessment | None = None
    tests: list[Case] = Field(default_factory=list)


class CaseFile(Model):
    """A separate file of tests for a regulation kept as a folder."""

    tests: list[Case] = Field(min_length=1)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a regulation document."""
    schema = Regulation.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "maatwerk regulation"
    return schema
