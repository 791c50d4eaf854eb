"""A checked regulation: every formula parsed to IR, every name resolved, every type known.

Instances are immutable and are what the engine applies. They are made by
``maatwerk.spec.build``; nothing here parses or validates.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from maatwerk.spec import ir
from maatwerk.spec.discretion import Deadline, Decider, Domain, Ground, Remedy, ReportField, Step
from maatwerk.spec.errors import Position
from maatwerk.spec.records import AssessmentRecord, Consideration, Deviation
from maatwerk.spec.schema import LegalBasis, Translations
from maatwerk.spec.source import PathT, Source
from maatwerk.spec.types import Type


@dataclass(frozen=True, slots=True)
class Formula:
    """One parsed formula and where its text sits in the file."""

    expr: ir.Node
    text: str
    path: PathT
    valid_from: dt.date | None = None
    reference: str | None = None


@dataclass(frozen=True, slots=True)
class Reference:
    """An input that is the output of another regulation (``output_of``)."""

    regulation: str  # the other regulation's id
    output: str  # one of its outputs
    path: PathT  # where the reference is written: ("inputs", name, "output_of")
    version: str | None = None  # a pinned version
    peildatum: Formula | None = None  # the reference date rule; None: the same date
    inputs: Mapping[str, str] = field(default_factory=dict)  # its input -> this case's input

    def __str__(self) -> str:
        return f"{self.regulation}.{self.output}"


@dataclass(frozen=True, slots=True)
class InputDef:
    name: str
    type: Type
    label: Translations
    source: str
    question: Translations | None = None
    description: Translations | None = None
    unit: Translations | None = None
    values: Mapping[str, Translations] = field(default_factory=dict)
    minimum: Any = None
    maximum: Any = None
    reference: Reference | None = None  # the output of another regulation


@dataclass(frozen=True, slots=True)
class ValueAt:
    """A parameter value valid from a date (until the next value's date)."""

    valid_from: dt.date
    value: Any
    reference: str
    note: Translations | None = None


@dataclass(frozen=True, slots=True)
class ParameterDef:
    name: str
    type: Type
    values: tuple[ValueAt, ...]
    label: Translations | None = None
    description: Translations | None = None
    unit: Translations | None = None
    keys: tuple[str, ...] | None = None
    provenance: str = "statute"
    statutory: Formula | None = None
    statutory_note: Translations | None = None

    def at(self, day: dt.date) -> ValueAt | None:
        """The value valid on ``day``, or None before the first value."""
        starts = [v.valid_from for v in self.values]
        i = bisect.bisect_right(starts, day)
        return self.values[i - 1] if i else None

    def change_dates(self) -> list[dt.date]:
        return [v.valid_from for v in self.values]


@dataclass(frozen=True, slots=True)
class RuleDef:
    name: str
    type: Type
    versions: tuple[Formula, ...]
    label: Translations | None = None
    description: Translations | None = None
    unit: Translations | None = None
    reference: str | None = None
    provenance: str = "statute"
    explain: Translations | None = None
    values: Mapping[str, Translations] = field(default_factory=dict)

    def at(self, day: dt.date) -> Formula | None:
        """The formula in force on ``day`` (versions without a date are always in force)."""
        chosen = None
        for version in self.versions:
            if version.valid_from is None or version.valid_from <= day:
                chosen = version
        return chosen


@dataclass(frozen=True, slots=True)
class RowDef:
    index: int
    when: Formula
    then: Formula
    label: Translations | None = None
    reference: str | None = None


@dataclass(frozen=True, slots=True)
class TableDef:
    name: str
    type: Type
    hit_policy: str
    rows: tuple[RowDef, ...]
    aggregate: str | None = None
    otherwise: Formula | None = None
    label: Translations | None = None
    reference: str | None = None
    explain: Translations | None = None
    values: Mapping[str, Translations] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RuleOverride:
    formula: Formula
    explain: Translations | None = None


@dataclass(frozen=True, slots=True)
class CategoryDef:
    name: str
    label: Translations
    when: Formula
    legal_basis: LegalBasis
    precedence: int | None
    order: int
    description: Translations | None = None
    parameters: Mapping[str, ParameterDef] = field(default_factory=dict)
    rules: Mapping[str, RuleOverride] = field(default_factory=dict)
    hardship: str | None = None  # the group-level clause this category exercises

    def overrides(self) -> frozenset[str]:
        return frozenset(self.parameters) | frozenset(self.rules)


@dataclass(frozen=True, slots=True)
class BoundsDef:
    """The frame of a deviation of one output; formulas may use ``standard``."""

    output: str
    minimum: Formula | None = None
    maximum: Formula | None = None
    allowed: tuple[Formula, ...] | None = None


@dataclass(frozen=True, slots=True)
class HardshipDef:
    """A declared power to deviate (hardheidsclausule)."""

    name: str
    label: Translations
    legal_basis: LegalBasis
    level: str  # individual | group
    mode: str  # exception | always_consider
    bounds: Mapping[str, BoundsDef]
    grounds: Mapping[str, Ground]
    motivation: str
    evidence: str
    decider: Decider
    four_eyes: bool
    approver: Decider | None
    remedy: Remedy | None = None
    description: Translations | None = None

    def approving(self) -> Decider:
        """Who may approve under four-eyes: as declared, else an approver of the same unit."""
        return self.approver or Decider(role="approver", unit=self.decider.unit)


@dataclass(frozen=True, slots=True)
class ProvisionDef:
    name: str
    label: Translations
    minimum: Formula
    maximum: Formula
    suggestion: Formula | None = None
    unit: Translations | None = None
    reference: str | None = None
    when: Formula | None = None


@dataclass(frozen=True, slots=True)
class AssessmentDef:
    """The individual investigation every case has a right to (standaardmaatwerk)."""

    label: Translations
    legal_basis: LegalBasis
    decider: Decider
    domains: Mapping[str, Domain]
    questions: Mapping[str, InputDef]
    need: Formula
    steps: tuple[Step, ...]
    provision: str  # the name that receives the chosen provision
    amount: str  # the name that receives its amount
    amount_type: Type
    provision_type: Type
    provisions: Mapping[str, ProvisionDef]
    deadlines: Mapping[str, Deadline]
    report: Mapping[str, ReportField]
    description: Translations | None = None
    provision_label: Translations | None = None
    amount_label: Translations | None = None
    need_label: Translations | None = None


@dataclass(frozen=True, slots=True)
class ChainedName:
    """A name in a test that is not this regulation's but may be one of a regulation it uses:
    an input given (``inputs``) or expected missing (``missing``); checked across regulations."""

    section: str  # inputs | missing
    name: str
    path: str
    position: Position


@dataclass(frozen=True, slots=True)
class TestCase:
    name: str
    date: dt.date
    inputs: Mapping[str, Any]
    expect: Mapping[str, Any]
    position: Position
    status: str | None = None
    missing: tuple[str, ...] | None = None
    categories: tuple[str, ...] | None = None
    error: str | None = None
    demo: bool = False
    description: Translations | None = None
    assessment: AssessmentRecord | None = None
    deviations: tuple[Deviation, ...] = ()
    considerations: tuple[Consideration, ...] = ()
    deciding_layer: Mapping[str, str] = field(default_factory=dict)
    chained: tuple[ChainedName, ...] = ()


@dataclass(frozen=True, slots=True)
class Subject:
    type: str
    object: str | None = None
    label: Translations | None = None

    def __str__(self) -> str:
        return f"object:{self.object}" if self.type == "object" else self.type


@dataclass(frozen=True, eq=False)
class Regulation:
    id: str
    version: str
    title: Translations
    authority: str
    legal_basis: tuple[LegalBasis, ...]
    subject: Subject
    valid_from: dt.date
    valid_until: dt.date | None
    inputs: Mapping[str, InputDef]
    parameters: Mapping[str, ParameterDef]
    rules: Mapping[str, RuleDef]
    tables: Mapping[str, TableDef]
    outputs: tuple[str, ...]
    category_policy: str
    categories: Mapping[str, CategoryDef]
    tests: tuple[TestCase, ...]
    source: Source
    sha256: str
    dependencies: Mapping[str, frozenset[str]]
    order: tuple[str, ...] = ()  # rules and tables, each after what it depends on
    description: Translations | None = None
    hardship: Mapping[str, HardshipDef] = field(default_factory=dict)
    assessment: AssessmentDef | None = None

    def references(self) -> dict[str, Reference]:
        """The inputs that are outputs of other regulations, with their references."""
        return {n: i.reference for n, i in self.inputs.items() if i.reference is not None}

    def kind_of(self, name: str) -> str | None:
        """Which section declares ``name``: input, parameter, rule, table or assessment."""
        for kind, table in (("input", self.inputs), ("parameter", self.parameters),
                            ("rule", self.rules), ("table", self.tables)):
            if name in table:
                return kind
        if name in self.assessed():
            return "assessment"
        return None

    def assessed(self) -> dict[str, Type]:
        """The names whose values come from an assessment, with their types."""
        a = self.assessment
        return {a.provision: a.provision_type, a.amount: a.amount_type} if a else {}

    def type_of(self, name: str) -> Type:
        a = self.assessment
        if a is not None and name in (a.amount, a.provision):  # as ``assessed()`` gives it
            return a.amount_type if name == a.amount else a.provision_type
        tables: tuple[Mapping[str, InputDef | ParameterDef | RuleDef | TableDef], ...] = (
            self.inputs, self.parameters, self.rules, self.tables)
        for table in tables:
            if name in table:
                return table[name].type
        raise KeyError(name)

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def position(self, path: PathT) -> Position:
        return self.source.position(path)

    def change_dates(self) -> list[dt.date]:
        """Every date on which a parameter value or rule version starts to apply."""
        dates = {self.valid_from}
        for p in self.parameters.values():
            dates.update(p.change_dates())
        for c in self.categories.values():
            for p in c.parameters.values():
                dates.update(p.change_dates())
        for r in self.rules.values():
            dates.update(v.valid_from for v in r.versions if v.valid_from)
        return sorted(dates)
