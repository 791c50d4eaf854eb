"""Checking discretion against the regulation: deviations from a hardship clause, and the outcome
of an assessment against its frame.

Every refusal is a ``DecisionError`` that names the clause (with its legal basis) and the
condition violated; nothing is applied unless everything holds. The checks read the case as it
stands in the layer before: a deviation's bounds see ``standard`` (the output's value before the
deviation), an assessment's frame sees its answers, ``need`` and ``remaining``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from maatwerk.engine.compile import Env, Missing, Unknown
from maatwerk.engine.exact import sub
from maatwerk.engine.plan import Plan
from maatwerk.spec.builder import citation
from maatwerk.spec.discretion import Decider
from maatwerk.spec.errors import DecisionError
from maatwerk.spec.model import AssessmentDef, Formula, HardshipDef, Regulation
from maatwerk.spec.records import Actor, AssessmentRecord, Consideration, Deviation
from maatwerk.spec.typecheck import suggest
from maatwerk.spec.values import ValueProblem, coerce, to_json

MIN_MOTIVATION = 10


@dataclass(frozen=True, slots=True)
class AppliedDeviation:
    clause: HardshipDef
    record: Deviation
    before: Any
    value: Any
    low: Any = None
    high: Any = None
    allowed: tuple[Any, ...] | None = None


@dataclass(frozen=True, slots=True)
class StepResult:
    name: str
    label: Any
    answered: Any
    covered: Any
    remaining: Any


@dataclass(frozen=True, slots=True)
class AppliedAssessment:
    frame: AssessmentDef
    record: AssessmentRecord
    answers: Mapping[str, Any]
    need: Any
    steps: tuple[StepResult, ...]
    remaining: Any
    provision: str
    amount: Any
    low: Any
    high: Any
    suggestion: Any


class _Evaluator:
    """Evaluates extra formulas (bounds, the assessment frame) in a layer's state.

    ``scope`` holds the case's values plus the names such formulas may read besides the
    regulation's (``standard``; the answers, ``need`` and ``remaining``); set them with ``set``.
    """

    def __init__(self, plan: Plan, env: Env, values: Mapping[str, Any], day: dt.date,
                 names: frozenset[str]) -> None:
        self.plan = plan
        self.names = names
        self.scope = dict(values)
        memo = {k: v for k, v in env.values.items() if not isinstance(v, Unknown)}
        self.env = Env(self.scope, plan.funcs, day, memo)

    def set(self, values: Mapping[str, Any]) -> None:
        self.scope.update(values)

    def __call__(self, formula: Formula, owner: str) -> Any:
        fn = self.plan.extra(formula, self.names, owner)
        env = self.env
        try:
            return fn(env)
        except Missing as exc:
            raise DecisionError("MW713" if owner == "assessment" else "MW710",
                                f"{owner}: cannot evaluate '{' '.join(formula.text.split())}' "
                                f"because {exc.name!r} is not known", got=exc.name) from None


def _basis(clause: HardshipDef) -> str:
    return f"clause {clause.name!r} ({citation(clause.legal_basis)})"


def _check_actor(actor: Actor, decider: Decider, what: str, where: str, path: str) -> None:
    if actor.role != decider.role or (decider.unit is not None and actor.unit != decider.unit):
        unit = f" of unit {decider.unit!r}" if decider.unit else " of any unit"
        article = "an" if decider.role[0] in "aeiou" else "a"
        raise DecisionError("MW707", f"{where} is {what} by {article} {decider.role}{unit}; "
                            f"{actor.describe()} may not", path=path, got=actor.id)


def _no_clause(reg: Regulation, dev: Deviation) -> DecisionError:
    individual = [c for c in reg.hardship.values() if c.level == "individual"]
    groups = [c for c in reg.hardship.values() if c.level == "group"]
    if not individual:
        detail = f"{reg.id} gives no power to deviate for an individual case"
        if groups:
            detail += "; " + "; ".join(
                f"{_basis(c)} applies to groups of cases only, by a general arrangement"
                for c in groups)
        return DecisionError("MW701", detail, path="deviation.clause", got=dev.clause)
    close = suggest(dev.clause, list(reg.hardship))
    listing = ", ".join(c.name for c in individual)
    tail = f"{close} Its clauses are: {listing}" if close else f"; its clauses are: {listing}"
    return DecisionError("MW701", f"{reg.id} has no hardship clause {dev.clause!r}{tail}",
                         path="deviation.clause", got=dev.clause)


def check_deviation(reg: Regulation, dev: Deviation, before: Mapping[str, Any],
                    evaluate: _Evaluator, *, approval: bool = True) -> AppliedDeviation:
    """The deviation as it will be applied; raises ``DecisionError`` if the clause forbids it.

    With ``approval=False`` (a proposal not yet approved) the four-eyes conditions are left to
    the approval.
    """
    clause = reg.hardship.get(dev.clause)
    if clause is None:
        raise _no_clause(reg, dev)
    if clause.level == "group":
        raise DecisionError("MW702", f"{_basis(clause)} applies to groups of cases by a general "
                            "arrangement (a policy category); it gives no power to deviate for "
                            "one case", path="deviation.clause", got=dev.clause)
    bounds = clause.bounds.get(dev.output)
    if bounds is None:
        raise DecisionError("MW703", f"{_basis(clause)} may change "
                            f"{', '.join(clause.bounds)}, not {dev.output!r}",
                            path="deviation.output", got=dev.output)
    if dev.ground not in clause.grounds:
        raise DecisionError("MW704", f"{_basis(clause)} allows the grounds "
                            f"{', '.join(clause.grounds)}; not {dev.ground!r}"
                            f"{suggest(dev.ground, list(clause.grounds))}",
                            path="deviation.ground", got=dev.ground)
    if clause.motivation == "required" and len(dev.motivation.strip()) < MIN_MOTIVATION:
        raise DecisionError("MW705", f"{_basis(clause)} requires a motivation of at least "
                            f"{MIN_MOTIVATION} characters", path="deviation.motivation",
                            got=dev.motivation or None)
    ground = clause.grounds[dev.ground]
    if (clause.evidence == "required" or ground.evidence) and not dev.evidence:
        why = "the clause" if clause.evidence == "required" else f"the ground {dev.ground!r}"
        raise DecisionError("MW706", f"{_basis(clause)}: {why} requires evidence; give at least "
                            "one evidence reference", path="deviation.evidence")
    _check_actor(dev.proposer, clause.decider, "decided", _basis(clause), "deviation.proposer")
    if clause.four_eyes and approval:
        if dev.approver is None:
            raise DecisionError("MW708", f"{_basis(clause)} requires the approval of a second "
                                "person (four-eyes); the deviation has no approver",
                                path="deviation.approver")
        if dev.approver.id == dev.proposer.id:
            raise DecisionError("MW708", f"{_basis(clause)}: nobody approves their own "
                                "deviation; the approver must differ from the proposer",
                                path="deviation.approver", got=dev.approver.id)
        _check_actor(dev.approver, clause.approving(), "approved", _basis(clause),
                     "deviation.approver")
    return _within_bounds(reg, clause, dev, before, evaluate)


def _within_bounds(reg: Regulation, clause: HardshipDef, dev: Deviation,
                   before: Mapping[str, Any], evaluate: _Evaluator) -> AppliedDeviation:
    bounds = clause.bounds[dev.output]
    type_ = reg.type_of(dev.output)
    try:
        value = coerce(dev.value, type_)
    except ValueProblem as exc:
        raise DecisionError("MW709", f"{_basis(clause)}: the new value of {dev.output!r}: {exc}",
                            path="deviation.value", got=dev.value) from None
    standard = before.get(dev.output)
    if standard is None or isinstance(standard, Unknown):
        missing = ", ".join(sorted(standard.missing)) if isinstance(standard, Unknown) else ""
        raise DecisionError("MW710", f"{_basis(clause)}: the value of {dev.output!r} before the "
                            f"deviation is not known yet (missing: {missing}), so its bounds "
                            "cannot be checked", path="deviation.output", got=dev.output)
    evaluate.set({"standard": standard})
    low = evaluate(bounds.minimum, clause.name) if bounds.minimum else None
    high = evaluate(bounds.maximum, clause.name) if bounds.maximum else None
    allowed = (tuple(evaluate(f, clause.name) for f in bounds.allowed)
               if bounds.allowed is not None else None)
    if allowed is not None and value not in allowed:
        shown = dict.fromkeys(str(to_json(a)) for a in allowed)
        raise DecisionError("MW710", f"{_basis(clause)} allows for {dev.output!r} only "
                            f"{', '.join(shown)}",
                            path="deviation.value", got=to_json(value))
    if (low is not None and value < low) or (high is not None and value > high):
        frame = _frame(low, high)
        raise DecisionError("MW710", f"{_basis(clause)} bounds {dev.output!r} {frame}",
                            path="deviation.value", got=to_json(value))
    return AppliedDeviation(clause, dev, standard, value, low, high, allowed)


def _frame(low: Any, high: Any) -> str:
    if low is not None and high is not None:
        return f"between {to_json(low)} and {to_json(high)}"
    if low is not None:
        return f"at {to_json(low)} or more"
    return f"at {to_json(high)} or less"


def _answers(frame: AssessmentDef, record: AssessmentRecord) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for name, raw in record.answers.items():
        question = frame.questions.get(name)
        if question is None:
            raise DecisionError("MW713", f"{name!r} is not a question of the assessment"
                                f"{suggest(name, list(frame.questions))}",
                                path=f"assessment.answers.{name}", got=name)
        try:
            value = coerce(raw, question.type)
        except ValueProblem as exc:
            raise DecisionError("MW713", f"the answer to {name!r}: {exc}",
                                path=f"assessment.answers.{name}", got=raw) from None
        low, high = question.minimum, question.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            frame_text = (f"lie between {low} and {high}" if low is not None and high is not None
                          else f"be at least {low}" if low is not None else f"be at most {high}")
            raise DecisionError("MW713", f"the answer to {name!r} must {frame_text}",
                                path=f"assessment.answers.{name}", got=raw)
        answers[name] = value
    return answers


def _required(frame: AssessmentDef, record: AssessmentRecord, answers: Mapping[str, Any]) -> None:
    for domain in frame.domains.values():
        for name, question in domain.questions.items():
            if question.required and name not in answers:
                raise DecisionError("MW713", f"the investigation has no answer to {name!r} "
                                    f"({domain.label.nl})", path=f"assessment.answers.{name}")
    for name, field in frame.report.items():
        if field.required and not record.report.get(name, "").strip():
            raise DecisionError("MW713", f"the written report lacks {name!r} "
                                f"({field.label.nl})", path=f"assessment.report.{name}")


def check_assessment(reg: Regulation, record: AssessmentRecord,
                     evaluate: _Evaluator) -> AppliedAssessment:
    """The assessment as it will be applied; raises ``DecisionError`` outside its frame."""
    frame = reg.assessment
    if frame is None:
        raise DecisionError("MW714", f"{reg.id} declares no assessment; an assessment record "
                            "cannot be applied to it", path="assessment")
    where = f"the assessment ({citation(frame.legal_basis)})"
    _check_actor(record.assessor, frame.decider, "carried out", where, "assessment.assessor")
    answers = _answers(frame, record)
    _required(frame, record, answers)
    evaluate.set(answers)
    need = evaluate(frame.need, "assessment")
    remaining = need
    steps = []
    for i, step in enumerate(frame.steps):
        answered = answers.get(step.covers, 0)
        covered = min(remaining, max(remaining - remaining, answered))  # zero of need's type
        remaining = sub(remaining, covered)
        steps.append(StepResult(f"step {i + 1}", step.label, answered, covered, remaining))
    provision = frame.provisions.get(record.provision)
    if provision is None:
        close = suggest(record.provision, list(frame.provisions))
        raise DecisionError("MW712", f"{where} can grant {', '.join(frame.provisions)}; not "
                            f"{record.provision!r}{close}",
                            path="assessment.provision", got=record.provision)
    try:
        amount = coerce(record.amount, frame.amount_type)
    except ValueProblem as exc:
        raise DecisionError("MW712", f"{where}: the amount of {record.provision!r}: {exc}",
                            path="assessment.amount", got=record.amount) from None
    evaluate.set({"need": need, "remaining": remaining})
    if provision.when is not None and not evaluate(provision.when, "assessment"):
        condition = " ".join(provision.when.text.split())
        raise DecisionError("MW712", f"{where} grants {record.provision!r} only when "
                            f"{condition} (need {to_json(need)}, remaining after the "
                            f"voorliggende steps {to_json(remaining)})",
                            path="assessment.provision", got=record.provision)
    low = evaluate(provision.minimum, "assessment")
    high = evaluate(provision.maximum, "assessment")
    hint = evaluate(provision.suggestion, "assessment") if provision.suggestion else None
    if amount < low or amount > high:
        raise DecisionError("MW712", f"{where} frames {record.provision!r} "
                            f"{_frame(low, high)} (need {to_json(need)}, remaining after the "
                            f"voorliggende steps {to_json(remaining)})", path="assessment.amount",
                            got=to_json(amount))
    return AppliedAssessment(frame, record, answers, need, tuple(steps), remaining,
                             record.provision, amount, low, high, hint)


def evaluator(plan: Plan, env: Env, values: Mapping[str, Any], day: dt.date,
              names: frozenset[str]) -> _Evaluator:
    return _Evaluator(plan, env, values, day, names)


def assessment_names(reg: Regulation) -> frozenset[str]:
    """The names an assessment's formulas read besides the regulation's."""
    frame = reg.assessment
    return frozenset(frame.questions) | {"need", "remaining"} if frame else frozenset()


BOUND_NAMES = frozenset({"standard"})


def check_consideration(reg: Regulation, record: Consideration) -> None:
    """A consideration must name a clause and come from someone who may decide under it."""
    clause = reg.hardship.get(record.clause)
    if clause is None:
        raise DecisionError("MW701", f"{reg.id} has no hardship clause {record.clause!r}"
                            f"{suggest(record.clause, list(reg.hardship))}",
                            path="consideration.clause", got=record.clause)
    if clause.level == "group":
        raise DecisionError("MW702", f"{_basis(clause)} applies to groups of cases by a general "
                            "arrangement; it is not considered for one case",
                            path="consideration.clause", got=record.clause)
    _check_actor(record.by, clause.decider, "considered", _basis(clause), "consideration.by")


def considered(reg: Regulation, deviations: Sequence[AppliedDeviation],
               considerations: Sequence[Consideration]) -> dict[str, dict[str, Any]]:
    """Per clause that must always be considered: whether this decision records it."""
    out: dict[str, dict[str, Any]] = {}
    for clause in reg.hardship.values():
        if clause.mode != "always_consider":
            continue
        used = [d for d in deviations if d.clause.name == clause.name]
        noted = [c for c in considerations if c.clause == clause.name]
        out[clause.name] = {
            "considered": bool(used or noted),
            "outcome": "deviation" if used else ("no deviation" if noted else None),
            "motivation": (used[0].record.motivation if used else
                           noted[0].motivation if noted else None),
        }
    return out

