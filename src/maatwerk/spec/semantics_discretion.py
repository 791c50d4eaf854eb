"""The meaning checks of hardship clauses and the assessment frame.

Bounds are formulas over the case in which ``standard`` is the output's value before a deviation;
the assessment's formulas see its questions, ``need`` (the total need) and ``remaining`` (what is
left after the "voorliggende" steps). Every formula is type-checked against what it bounds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from maatwerk.spec import ir
from maatwerk.spec.model import AssessmentDef, Formula, HardshipDef
from maatwerk.spec.typecheck import Symbol, suggest
from maatwerk.spec.types import ORDERED, QUANTITIES, Type, Typed, TypeProblem, additive, fits

if TYPE_CHECKING:
    from maatwerk.spec.semantics import Semantics


def _bound(sem: Semantics, formula: Formula, want: Type, extra: dict[str, Symbol],
           what: str) -> set[str]:
    found = sem.check(formula, extra)
    if found is not None and not fits(found, want):
        sem.b.error("MW408", f"{what} gives {found.type}, but it bounds a value of type {want}",
                    formula.path, got=str(found.type))
    return set(ir.names(formula.expr))


def _clause(sem: Semantics, clause: HardshipDef) -> set[str]:
    roots: set[str] = set()
    outputs = {n: s.type for n, s in sem.scope.items()
               if s.kind in ("rule", "table", "assessment") and s.type is not None}
    for output, bounds in clause.bounds.items():
        path = ("hardship", clause.name, "outputs", output)
        want = outputs.get(output)
        if want is None:
            sem.b.error("MW302", f"a clause can change rules, tables or assessed values; "
                        f"{output!r} is none of them{suggest(output, sorted(outputs))}", path,
                        key=True, got=output)
            continue
        roots.add(output)
        extra = {"standard": Symbol("builtin", want)}
        for formula, what in ((bounds.minimum, "the lower bound"),
                              (bounds.maximum, "the upper bound")):
            if formula is None:
                continue
            if want.kind not in ORDERED:
                sem.b.error("MW304", f"{output!r} is {want}: it has no order, so give 'allowed' "
                            "outcomes instead of 'min'/'max'", formula.path)
                continue
            roots |= _bound(sem, formula, want, extra, what)
        for formula in bounds.allowed or ():
            roots |= _bound(sem, formula, want, extra, "an allowed outcome")
    return roots


def _assessment(sem: Semantics, spec: AssessmentDef) -> set[str]:
    questions = {name: Symbol("input", q.type) for name, q in spec.questions.items()}
    roots = set(ir.names(spec.need.expr))
    need = sem.check(spec.need, questions)
    if need is None:
        return roots
    if need.type.kind not in QUANTITIES:
        sem.b.error("MW304", f"the need must be a number or amount, not {need.type}",
                    spec.need.path, got=str(need.type))
        return roots
    for i, step in enumerate(spec.steps):
        path = ("assessment", "steps", i, "covers")
        question = spec.questions.get(step.covers)
        if question is None:
            sem.b.error("MW302", f"a step covers part of the need with the answer to a question; "
                        f"{step.covers!r} is not a question{suggest(step.covers, list(questions))}",
                        path, got=step.covers)
            continue
        try:
            additive(need, Typed(question.type), "compare")
        except TypeProblem as exc:
            sem.b.error("MW304", f"what a step covers must be measured like the need: {exc}",
                        path, got=str(question.type))
    extra = {**questions, "need": Symbol("builtin", need.type),
             "remaining": Symbol("builtin", need.type)}
    for provision in spec.provisions.values():
        if provision.when is not None:
            found = sem.check(provision.when, extra)
            if found is not None and found.type.kind != "bool":
                sem.b.error("MW304", f"a provision's condition must be true or false, not "
                            f"{found.type}", provision.when.path, got=str(found.type))
            roots |= set(ir.names(provision.when.expr))
        for formula, what in ((provision.minimum, "the lower bound"),
                              (provision.maximum, "the upper bound"),
                              (provision.suggestion, "the suggestion")):
            if formula is not None:
                roots |= _bound(sem, formula, spec.amount_type, extra, what)
    return roots - set(questions)


def check_discretion(sem: Semantics) -> set[str]:
    """Check every clause, the assessment and the categories that exercise a group clause;
    returns the names their formulas use (they count as used for reachability)."""
    roots: set[str] = set()
    for declared in sem.hardship.values():
        roots |= _clause(sem, declared)
    if sem.assessment is not None:
        roots |= _assessment(sem, sem.assessment)
    for cat in sem.categories.values():
        if cat.hardship is None:
            continue
        clause = sem.hardship.get(cat.hardship)
        path = ("categories", cat.name, "hardship")
        if clause is None:
            sem.b.error("MW406", f"{cat.hardship!r} is not a hardship clause of this regulation"
                        f"{suggest(cat.hardship, list(sem.hardship))}", path, got=cat.hardship)
        elif clause.level != "group":
            sem.b.error("MW406", f"clause {cat.hardship!r} is for individual cases; only a "
                        "clause of level 'group' is exercised by a category", path,
                        got=cat.hardship)
    return roots
