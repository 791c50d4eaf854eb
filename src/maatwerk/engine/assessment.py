"""Checking the outcome of an assessment (the recorded investigation) against its frame.

``Assessing(reg)`` prepares, once per regulation, what every check needs from the frame: the
questions that must be answered and the report fields that must be filled (in the order the
regulation declares them, so the first one missing is the one named), the steps and the text that
names the power. ``Assessing.check`` then takes one record through the same conditions in the
same order as always: who carried it out, the answers, the need and the voorliggende steps, the
provision, its amount and its frame; the first condition violated refuses it (MW712-MW714).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from maatwerk.engine.discretion import Evaluator, check_actor, frame_text
from maatwerk.engine.exact import sub
from maatwerk.spec.builder import citation
from maatwerk.spec.errors import DecisionError
from maatwerk.spec.model import AssessmentDef, Regulation
from maatwerk.spec.records import AssessmentRecord
from maatwerk.spec.typecheck import suggest
from maatwerk.spec.values import ValueProblem, coerce, to_json


@dataclass(slots=True)
class StepResult:
    """One voorliggende step: what it was answered to cover, what it covers, what remains."""

    name: str
    label: Any
    answered: Any
    covered: Any
    remaining: Any


@dataclass(slots=True)
class AppliedAssessment:
    """An assessment as applied (a record of the decision, not changed after it)."""

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


def assessment_names(reg: Regulation) -> frozenset[str]:
    """The names an assessment's formulas read besides the regulation's."""
    frame = reg.assessment
    return frozenset(frame.questions) | {"need", "remaining"} if frame else frozenset()


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
            allowed = (f"lie between {low} and {high}" if low is not None and high is not None
                       else f"be at least {low}" if low is not None else f"be at most {high}")
            raise DecisionError("MW713", f"the answer to {name!r} must {allowed}",
                                path=f"assessment.answers.{name}", got=raw)
        answers[name] = value
    return answers


def _facts(need: Any, remaining: Any) -> str:
    return f"(need {to_json(need)}, remaining after the voorliggende steps {to_json(remaining)})"


class Assessing:
    """Checks assessment records against the frame of one regulation."""

    def __init__(self, reg: Regulation) -> None:
        self.reg = reg
        frame = reg.assessment
        self.questions = [(name, domain.label.nl) for domain in
                          (frame.domains.values() if frame else ())
                          for name, question in domain.questions.items() if question.required]
        self.report = [(name, field.label.nl) for name, field in
                       (frame.report.items() if frame else ()) if field.required]
        self.steps = [(f"step {i + 1}", step.covers, step.label)
                      for i, step in enumerate(frame.steps if frame else ())]
        self.where = f"the assessment ({citation(frame.legal_basis)})" if frame else ""

    def _required(self, record: AssessmentRecord, answers: Mapping[str, Any]) -> None:
        for name, domain in self.questions:
            if name not in answers:
                raise DecisionError("MW713", f"the investigation has no answer to {name!r} "
                                    f"({domain})", path=f"assessment.answers.{name}")
        for name, label in self.report:
            if not record.report.get(name, "").strip():
                raise DecisionError("MW713", f"the written report lacks {name!r} ({label})",
                                    path=f"assessment.report.{name}")

    def _steps(self, need: Any, answers: Mapping[str, Any]) -> tuple[list[StepResult], Any]:
        """The voorliggende steps in order, each covering what it can of what remains."""
        remaining = need
        steps = []
        for name, covers, label in self.steps:
            answered = answers.get(covers, 0)
            covered = min(remaining, max(remaining - remaining, answered))  # zero of need's type
            remaining = sub(remaining, covered)
            steps.append(StepResult(name, label, answered, covered, remaining))
        return steps, remaining

    def check(self, record: AssessmentRecord, evaluate: Evaluator) -> AppliedAssessment:
        """The assessment as it will be applied; raises ``DecisionError`` outside its frame."""
        frame = self.reg.assessment
        if frame is None:
            raise DecisionError("MW714", f"{self.reg.id} declares no assessment; an assessment "
                                "record cannot be applied to it", path="assessment")
        where = self.where
        check_actor(record.assessor, frame.decider.role, frame.decider.unit, "carried out",
                    lambda: where, "assessment.assessor")
        answers = _answers(frame, record)
        self._required(record, answers)
        evaluate.set(answers)
        need = evaluate(frame.need, "assessment")
        steps, remaining = self._steps(need, answers)
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
                                f"{condition} {_facts(need, remaining)}",
                                path="assessment.provision", got=record.provision)
        low = evaluate(provision.minimum, "assessment")
        high = evaluate(provision.maximum, "assessment")
        hint = evaluate(provision.suggestion, "assessment") if provision.suggestion else None
        if amount < low or amount > high:
            raise DecisionError("MW712", f"{where} frames {record.provision!r} "
                                f"{frame_text(low, high)} {_facts(need, remaining)}",
                                path="assessment.amount", got=to_json(amount))
        return AppliedAssessment(frame, record, answers, need, tuple(steps), remaining,
                                 record.provision, amount, low, high, hint)
