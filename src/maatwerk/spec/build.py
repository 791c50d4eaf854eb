"""From a validated document to a checked ``Regulation``.

``load(path)`` reads a regulation (a file, or a folder with ``regulation.yaml`` and ``tests/``),
checks it completely and returns the immutable model, or raises ``SpecErrors`` listing every
problem found, each with its position. Checking runs in phases (shape, formulas and names,
cycles, types, reachability and tests); a phase runs only when the previous one found nothing,
so that one mistake does not cascade into many messages.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from maatwerk.spec import build_discretion, build_references, schema
from maatwerk.spec.builder import RESERVED, Builder, citation
from maatwerk.spec.cases import read_cases
from maatwerk.spec.graph import topological
from maatwerk.spec.model import (
    CategoryDef,
    Formula,
    InputDef,
    ParameterDef,
    Regulation,
    RowDef,
    RuleDef,
    RuleOverride,
    Subject,
    TableDef,
    ValueAt,
)
from maatwerk.spec.semantics import Semantics
from maatwerk.spec.source import PathT, Source, load_file, load_text
from maatwerk.spec.types import SIMPLE, Type
from maatwerk.spec.validate import validate

REGULATION_FILE = "regulation.yaml"


def _names(builder: Builder, doc: schema.Regulation) -> None:
    seen: dict[str, str] = {}
    for section in ("inputs", "parameters", "rules", "tables"):
        for name in getattr(doc, section):
            path = (section, name)
            if name in RESERVED:
                builder.error("MW204", f"{name!r} is reserved (a keyword, function or built-in "
                              "name); choose another name", path, key=True, got=name)
            elif name in seen:
                builder.error("MW205", f"{name!r} is already declared in {seen[name]}; every "
                              "name in a regulation is unique", path, key=True, got=name)
            else:
                seen[name] = section


def _inputs(builder: Builder, doc: schema.Regulation) -> dict[str, InputDef]:
    out: dict[str, InputDef] = {}
    for name, spec in doc.inputs.items():
        path = ("inputs", name)
        if spec.type == "enum":
            if not spec.values:
                builder.error("MW201", "an enumeration needs 'values': a mapping of each value "
                              "to its label", path, key=True)
                continue
            type_ = Type("enum", tuple(spec.values), name)
        else:
            if spec.values is not None:
                builder.error("MW203", "'values' is only allowed for type enum",
                              (*path, "values"), key=True, got=spec.type)
            type_ = SIMPLE[spec.type]
        bounds = []
        for bound in ("min", "max"):
            raw = getattr(spec, bound)
            if raw is not None and type_.kind not in ("integer", "decimal", "money"):
                builder.error("MW203", f"'{bound}' is only allowed for numbers and amounts",
                              (*path, bound), key=True)
                raw = None
            bounds.append(None if raw is None else builder.value(raw, type_, (*path, bound),
                                                                 None))
        ref = build_references.reference(builder, name, spec)
        source = spec.source or (f"{ref.regulation} ({ref.output})" if ref else "")
        if not source:
            builder.error("MW201", "the key 'source' is required here", path, key=True)
        out[name] = InputDef(name, type_, spec.label, source, spec.question,
                             spec.description, spec.unit, spec.values or {}, bounds[0],
                             bounds[1], ref)
    build_references.check_mappings(builder, doc.inputs)
    return out


def _dated_values(builder: Builder, values: list[schema.ParameterValue], type_: Type,
                  keys: tuple[str, ...] | None, path: PathT) -> tuple[ValueAt, ...]:
    out: list[ValueAt] = []
    for i, item in enumerate(values):
        vpath = (*path, i)
        if out and item.from_ <= out[-1].valid_from:
            builder.error("MW405", f"values must be in order of date, each later than the one "
                          f"before (previous from {out[-1].valid_from})", (*vpath, "from"),
                          got=str(item.from_))
        value = builder.value(item.value, type_, (*vpath, "value"), keys)
        out.append(ValueAt(item.from_, value, item.reference, item.note))
    return tuple(out)


def _parameters(builder: Builder, doc: schema.Regulation) -> dict[str, ParameterDef]:
    out: dict[str, ParameterDef] = {}
    for name, spec in doc.parameters.items():
        path = ("parameters", name)
        type_ = SIMPLE[spec.type]
        keys = tuple(spec.keys) if spec.keys is not None else None
        values = _dated_values(builder, spec.values, type_, keys, (*path, "values"))
        if values and values[0].valid_from > doc.valid.from_:
            builder.error("MW405", f"the parameter has no value from {doc.valid.from_}, where "
                          "the regulation starts to apply", (*path, "values", 0, "from"),
                          got=str(values[0].valid_from))
        statutory = None
        if spec.statutory is not None:
            statutory = builder.formula(spec.statutory.formula, (*path, "statutory", "formula"),
                                        reference=spec.statutory.reference)
        out[name] = ParameterDef(
            name, type_, values, spec.label, spec.description, spec.unit, keys,
            spec.provenance, statutory, spec.statutory.note if spec.statutory else None)
    return out


def _rules(builder: Builder, doc: schema.Regulation) -> dict[str, tuple[schema.Rule,
                                                                         tuple[Formula, ...]]]:
    out = {}
    for name, spec in doc.rules.items():
        path = ("rules", name)
        if (spec.formula is None) == (spec.versions is None):
            builder.error("MW201" if spec.formula is None else "MW203",
                          "a rule has either 'formula' or 'versions' (formulas from a date), "
                          "not both", path, key=True)
            continue
        formulas: list[Formula | None] = []
        if spec.formula is not None:
            formulas.append(builder.formula(spec.formula, (*path, "formula"),
                                            reference=spec.reference))
        for i, version in enumerate(spec.versions or []):
            vpath = (*path, "versions", i)
            if i and version.from_ <= (spec.versions or [])[i - 1].from_:
                builder.error("MW405", "versions must be in order of date", (*vpath, "from"),
                              got=str(version.from_))
            if i == 0 and version.from_ > doc.valid.from_:
                builder.error("MW405", f"the rule has no formula from {doc.valid.from_}, where "
                              "the regulation starts to apply", (*vpath, "from"),
                              got=str(version.from_))
            formulas.append(builder.formula(version.formula, (*vpath, "formula"), version.from_,
                                            version.reference or spec.reference))
        out[name] = (spec, tuple(f for f in formulas if f is not None))
    return out


def _tables(builder: Builder, doc: schema.Regulation) -> dict[str, tuple[schema.Table,
                                                                          tuple[RowDef, ...],
                                                                          Formula | None]]:
    out = {}
    for name, spec in doc.tables.items():
        path = ("tables", name)
        if (spec.hit_policy == "collect") != (spec.aggregate is not None):
            builder.error("MW203", "a 'collect' table needs 'aggregate' (sum, min, max or "
                          "count), and only a collect table has one", path, key=True,
                          got=spec.hit_policy)
        rows = []
        for i, row in enumerate(spec.rows):
            rpath = (*path, "rows", i)
            when = builder.formula(row.when, (*rpath, "when"), reference=row.reference)
            then = builder.formula(row.then, (*rpath, "then"), reference=row.reference)
            if when and then:
                rows.append(RowDef(i, when, then, row.label, row.reference))
        otherwise = (builder.formula(spec.otherwise, (*path, "otherwise"))
                     if spec.otherwise is not None else None)
        out[name] = (spec, tuple(rows), otherwise)
    return out


def _categories(builder: Builder, doc: schema.Regulation,
                parameters: Mapping[str, ParameterDef]) -> dict[str, CategoryDef]:
    out: dict[str, CategoryDef] = {}
    for order, (name, spec) in enumerate(doc.categories.items()):
        path = ("categories", name)
        when = builder.formula(spec.when, (*path, "when"))
        overridden: dict[str, ParameterDef] = {}
        for pname, pspec in spec.parameters.items():
            ppath = (*path, "parameters", pname)
            base = parameters.get(pname)
            if base is None:
                builder.error("MW406", f"{pname!r} is not a parameter of this regulation",
                              ppath, key=True, got=pname)
                continue
            values = _dated_values(builder, pspec.values, base.type, base.keys,
                                   (*ppath, "values"))
            overridden[pname] = ParameterDef(pname, base.type, values, base.label,
                                             base.description, base.unit, base.keys,
                                             base.provenance)
        rules: dict[str, RuleOverride] = {}
        for rname, rspec in spec.rules.items():
            rpath = (*path, "rules", rname)
            if rname not in doc.rules:
                builder.error("MW406", f"{rname!r} is not a rule of this regulation", rpath,
                              key=True, got=rname)
                continue
            formula = builder.formula(rspec.formula, (*rpath, "formula"),
                                      reference=rspec.reference or citation(spec.legal_basis))
            if formula:
                rules[rname] = RuleOverride(formula, rspec.explain)
        if when:
            out[name] = CategoryDef(name, spec.label, when, spec.legal_basis, spec.precedence,
                                    order, spec.description, overridden, rules, spec.hardship)
    return out


def build(source: Source, case_files: Iterable[Source] = ()) -> Regulation:
    """Check a parsed document completely and return the model; raises ``SpecErrors``."""
    doc = validate(source, schema.Regulation)
    builder = Builder(source)
    _names(builder, doc)
    if doc.valid.until is not None and doc.valid.until < doc.valid.from_:
        builder.error("MW203", "'until' is before 'from'", ("valid", "until"),
                      got=str(doc.valid.until))
    inputs = _inputs(builder, doc)
    parameters = _parameters(builder, doc)
    rules = _rules(builder, doc)
    tables = _tables(builder, doc)
    categories = _categories(builder, doc, parameters)
    hardship = build_discretion.hardship(builder, doc)
    assessment = build_discretion.assessment(builder, doc)
    builder.raise_if_errors()

    sem = Semantics(builder, doc, inputs, parameters, rules, tables, categories, hardship,
                    assessment)
    rule_types, table_types, dependencies = sem.run()

    rule_defs = {
        name: RuleDef(name, rule_types[name], formulas, spec.label, spec.description, spec.unit,
                      spec.reference, spec.provenance, spec.explain, spec.values or {})
        for name, (spec, formulas) in rules.items()}
    table_defs = {
        name: TableDef(name, table_types[name], spec.hit_policy, rows, spec.aggregate, otherwise,
                       spec.label, spec.reference, spec.explain, spec.values or {})
        for name, (spec, rows, otherwise) in tables.items()}
    subject = Subject(doc.subject.type, doc.subject.object, doc.subject.label)
    reg = Regulation(
        id=doc.id, version=doc.version, title=doc.title, authority=doc.authority,
        legal_basis=tuple(doc.legal_basis), subject=subject, valid_from=doc.valid.from_,
        valid_until=doc.valid.until, inputs=inputs, parameters=parameters, rules=rule_defs,
        tables=table_defs, outputs=tuple(doc.outputs), category_policy=doc.category_policy,
        categories=categories, tests=(), source=source,
        sha256=hashlib.sha256(source.text.encode("utf-8")).hexdigest(),
        dependencies=dependencies, order=tuple(topological(dependencies)),
        description=doc.description, hardship=hardship, assessment=assessment)
    tests = read_cases(reg, [(source, doc.tests, ("tests",))], case_files)
    object.__setattr__(reg, "tests", tests)
    return reg


def regulation_files(path: str | Path) -> tuple[Path, list[Path]]:
    """The regulation file and the test files of a regulation given as a file or a folder."""
    p = Path(path)
    if p.is_dir():
        main = p / REGULATION_FILE
        tests = sorted((p / "tests").glob("*.yaml")) if (p / "tests").is_dir() else []
        return main, tests
    return p, []


def load(path: str | Path) -> Regulation:
    """Read and check a regulation from a file or a regulation folder."""
    main, test_files = regulation_files(path)
    source = load_file(main)
    return build(source, [load_file(t) for t in test_files])


def loads(text: str, file: str = "<text>") -> Regulation:
    """Check a regulation given as text."""
    return build(load_text(text, file))


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """The regulations under the given paths: files, regulation folders, and folders of them."""
    found: list[Path] = []
    for path in paths:
        p = Path(path)
        if p.is_file() or (p.is_dir() and (p / REGULATION_FILE).is_file()):
            found.append(p)
        elif p.is_dir():
            for child in sorted(p.iterdir()):
                folder = child.is_dir() and (child / REGULATION_FILE).is_file()
                if folder or (child.is_file() and child.suffix in (".yaml", ".yml")):
                    found.append(child)
        else:
            found.append(p)  # reported as unreadable by load()
    return found
