"""Tests written as data: reading and checking them against their regulation.

A test names a reference date, the inputs of a case and what is expected: output values, the
status, the missing inputs, the categories that apply. Tests live in the regulation's ``tests:``
or, for a regulation folder, in ``tests/*.yaml`` files holding ``tests:``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from maatwerk.spec import schema
from maatwerk.spec.errors import CODES, DecisionError, SpecError, SpecErrors
from maatwerk.spec.model import ChainedName, Regulation, TestCase
from maatwerk.spec.records import (
    AssessmentRecord,
    Consideration,
    Deviation,
    read_assessment,
    read_deviations,
)
from maatwerk.spec.source import PathT, Source, dotted
from maatwerk.spec.typecheck import suggest
from maatwerk.spec.validate import validate
from maatwerk.spec.values import ValueProblem, coerce

Fail = Callable[..., None]  # fail(code, message, at, got=None, key=False)


def _case(reg: Regulation, source: Source, case: schema.Case, path: PathT,
          errors: list[SpecError]) -> TestCase:
    def fail(code: str, message: str, at: PathT, got: Any = None, key: bool = False) -> None:
        errors.append(SpecError(code, message, path=dotted(at),
                                position=source.position(at, key=key), got=got))

    chained: list[ChainedName] = []
    inputs = _inputs(reg, source, case, path, fail, chained)
    expect = _expected(reg, case, path, fail)
    if case.error is not None and case.error not in CODES:
        fail("MW502", "not a known error code", (*path, "error"), case.error)
    _check_names(reg, source, case, path, fail, chained)
    records = _records(case, path, fail)
    for output in case.deciding_layer:
        if output not in reg.outputs:
            fail("MW501", f"{output!r} is not an output of {reg.id}",
                 (*path, "deciding_layer", output), output, key=True)
    return TestCase(case.name, case.date, inputs, expect, source.position(path), case.status,
                    tuple(case.missing) if case.missing is not None else None,
                    tuple(case.categories) if case.categories is not None else None, case.error,
                    case.demo, case.description, *records, case.deciding_layer,
                    tuple(chained))


def _inputs(reg: Regulation, source: Source, case: schema.Case, path: PathT, fail: Fail,
            chained: list[ChainedName]) -> dict[str, Any]:
    """The test's inputs, read with their types; inputs of a regulation this one uses are kept
    as given (in ``chained``), to be checked with that regulation."""
    inputs: dict[str, Any] = {}
    references = reg.references()
    for name, raw in case.inputs.items():
        at = (*path, "inputs", name)
        if name in references:
            fail("MW501", f"{name!r} is the output of {references[name]}; a test gives the "
                 f"inputs of {references[name].regulation} instead", at, name, key=True)
            continue
        if name not in reg.inputs and references:
            inputs[name] = raw  # an input of a regulation this one uses: checked with it
            chained.append(ChainedName("inputs", name, dotted(at), source.position(at, key=True)))
            continue
        if name not in reg.inputs:
            fail("MW501", f"{name!r} is not an input of {reg.id}"
                 f"{suggest(name, list(reg.inputs))}", at, name, key=True)
            continue
        try:
            inputs[name] = coerce(raw, reg.inputs[name].type)
        except ValueProblem as exc:
            fail("MW502", str(exc), at, raw)
    return inputs


def _expected(reg: Regulation, case: schema.Case, path: PathT, fail: Fail) -> dict[str, Any]:
    """The expected values of rules, tables and assessed values, read with their types."""
    expect: dict[str, Any] = {}
    types = {**{n: r.type for n, r in reg.rules.items()},
             **{n: t.type for n, t in reg.tables.items()}, **reg.assessed()}
    for name, raw in case.expect.items():
        at = (*path, "expect", name)
        if name not in types:
            what = "a rule, table or assessed value" if reg.assessment else "a rule or table"
            fail("MW501", f"{name!r} is not {what} of {reg.id}{suggest(name, list(types))}",
                 at, name, key=True)
            continue
        try:
            expect[name] = coerce(raw, types[name])
        except ValueProblem as exc:
            fail("MW502", str(exc), at, raw)
    return expect


def _check_names(reg: Regulation, source: Source, case: schema.Case, path: PathT, fail: Fail,
                 chained: list[ChainedName]) -> None:
    """The inputs expected missing and the categories expected to apply are the regulation's
    (missing inputs of a regulation this one uses are checked with it)."""
    references = reg.references()
    for i, name in enumerate(case.missing or []):
        if name not in reg.inputs and references and name != "assessment":
            at = (*path, "missing", i)
            chained.append(ChainedName("missing", name, dotted(at), source.position(at)))
        elif name not in reg.inputs and not (name == "assessment" and reg.assessment):
            fail("MW501", f"{name!r} is not an input of {reg.id}"
                 + (" (nor 'assessment', which it does not declare)" if name == "assessment"
                    else ""), (*path, "missing", i), name)
    for i, name in enumerate(case.categories or []):
        if name not in reg.categories:
            fail("MW501", f"{name!r} is not a category of {reg.id}"
                 f"{suggest(name, list(reg.categories))}", (*path, "categories", i), name)


def _records(case: schema.Case, path: PathT, fail: Fail) -> tuple[
        AssessmentRecord | None, tuple[Deviation, ...], tuple[Consideration, ...]]:
    """The test's discretion records, read as the engine will read them."""
    assessment = None
    deviations: list[Deviation] = []
    considerations: list[Consideration] = []
    try:
        if case.assessment is not None:
            assessment = read_assessment(case.assessment)
        deviations, considerations = read_deviations(
            {"deviations": case.deviations, "considerations": case.considerations})
    except DecisionError as exc:
        kind = exc.path.split(".")[0]
        key = {"deviation": "deviations", "consideration": "considerations"}.get(kind, kind)
        fail("MW502", f"{exc.path}: {exc.message}", (*path, key), exc.got)
    return assessment, tuple(deviations), tuple(considerations)


def read_cases(reg: Regulation, inline: Sequence[tuple[Source, list[schema.Case], PathT]],
               files: Iterable[Source]) -> tuple[TestCase, ...]:
    """Check every test of a regulation; raises ``SpecErrors`` listing all problems."""
    groups = list(inline)
    for source in files:
        doc = validate(source, schema.CaseFile)
        groups.append((source, doc.tests, ("tests",)))
    errors: list[SpecError] = []
    cases = [_case(reg, source, case, (*base, i), errors)
             for source, items, base in groups for i, case in enumerate(items)]
    if errors:
        raise SpecErrors(errors)
    return tuple(cases)
