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
from maatwerk.spec.records import AssessmentRecord, fields
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


def _cover(remaining: Any, answered: Any) -> Any:
    """What a step answered to cover ``answered`` covers of what ``remaining``: at least nothing
    (zero of the need's type), at most what remains."""
    zero = remaining - remaining
    covered = answered if answered > zero else zero
    return remaining if remaining <= covered else covered


@dataclass(slots=True)
class AppliedAssessment:
    """An assessment as applied (a record of the decision, not changed after it). Its steps
    are worked out again when asked for (for the explanation), from the answers and the need."""

    frame: AssessmentDef
    record: AssessmentRecord
    answers: Mapping[str, Any]
    need: Any
    remaining: Any
    provision: str
    amount: Any
    low: Any
    high: Any
    suggestion: Any

    @property
    def steps(self) -> tuple[StepResult, ...]:
        """The voorliggende steps in order, each covering what it can of what remains."""
        remaining = self.need
        steps = []
        for i, step in enumerate(self.frame.steps):
            answered = self.answers.get(step.covers, 0)
            covered = _cover(remaining, answered)
            remaining = sub(remaining, covered)
            steps.append(StepResult(f"step {i + 1}", step.label, answered, covered, remaining))
        return tuple(steps)


def assessment_names(reg: Regulation) -> frozenset[str]:
    """The names an assessment's formulas read besides the regulation's."""
    frame = reg.assessment
    return frozenset(frame.questions) | {"need", "remaining"} if frame else frozenset()


def _facts(need: Any, remaining: Any) -> str:
    return f"(need {to_json(need)}, remaining after the voorliggende steps {to_json(remaining)})"


class Assessing:
    """Checks assessment records against the frame of one regulation."""

    def __init__(self, reg: Regulation) -> None:
        self.reg = reg
        frame = self.frame = reg.assessment
        self.questions = [(name, domain.label.nl) for domain in
                          (frame.domains.values() if frame else ())
                          for name, question in domain.questions.items() if question.required]
        self.types = {name: (q.type, q.minimum, q.maximum)
                      for name, q in (frame.questions.items() if frame else ())}
        self.report = [(name, field.label.nl) for name, field in
                       (frame.report.items() if frame else ()) if field.required]
        self.covers = [step.covers for step in (frame.steps if frame else ())]
        self.where = f"the assessment ({citation(frame.legal_basis)})" if frame else ""

    def _answers(self, given: Mapping[str, Any]) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        types = self.types
        for name, raw in given.items():
            found = types.get(name)
            if found is None:
                raise DecisionError("MW713", f"{name!r} is not a question of the assessment"
                                    f"{suggest(name, list(types))}",
                                    path=f"assessment.answers.{name}", got=name)
            type_, low, high = found
            try:
                value = coerce(raw, type_)
            except ValueProblem as exc:
                raise DecisionError("MW713", f"the answer to {name!r}: {exc}",
                                    path=f"assessment.answers.{name}", got=raw) from None
            if (low is not None and value < low) or (high is not None and value > high):
                allowed = (f"lie between {low} and {high}" if low is not None and high is not None
                           else f"be at least {low}" if low is not None else f"be at most {high}")
                raise DecisionError("MW713", f"the answer to {name!r} must {allowed}",
                                    path=f"assessment.answers.{name}", got=raw)
            answers[name] = value
        return answers

    def _required(self, report: Mapping[str, str], answers: Mapping[str, Any]) -> None:
        for name, domain in self.questions:
            if name not in answers:
                raise DecisionError("MW713", f"the investigation has no answer to {name!r} "
                                    f"({domain})", path=f"assessment.answers.{name}")
        for name, label in self.report:
            if not report.get(name, "").strip():
                raise DecisionError("MW713", f"the written report lacks {name!r} ({label})",
                                    path=f"assessment.report.{name}")

    def _remaining(self, need: Any, answers: Mapping[str, Any]) -> Any:
        """What remains of the need after the voorliggende steps (``AppliedAssessment.steps``
        shows each)."""
        remaining = need
        for covers in self.covers:
            remaining = sub(remaining, _cover(remaining, answers.get(covers, 0)))
        return remaining

    def check(self, record: AssessmentRecord, evaluate: Evaluator) -> AppliedAssessment:
        """The assessment as it will be applied; raises ``DecisionError`` outside its frame."""
        frame = self.frame
        if frame is None:
            raise DecisionError("MW714", f"{self.reg.id} declares no assessment; an assessment "
                                "record cannot be applied to it", path="assessment")
        where = self.where
        given = fields(record)
        check_actor(given["assessor"], frame.decider.role, frame.decider.unit, "carried out",
                    lambda: where, "assessment.assessor")
        answers = self._answers(given["answers"])
        self._required(given["report"], answers)
        evaluate.set(answers)
        need = evaluate.of(frame.need, "assessment")
        remaining = self._remaining(need, answers)
        chosen = given["provision"]
        provision = frame.provisions.get(chosen)
        if provision is None:
            close = suggest(chosen, list(frame.provisions))
            raise DecisionError("MW712", f"{where} can grant {', '.join(frame.provisions)}; not "
                                f"{chosen!r}{close}", path="assessment.provision", got=chosen)
        try:
            amount = coerce(given["amount"], frame.amount_type)
        except ValueProblem as exc:
            raise DecisionError("MW712", f"{where}: the amount of {chosen!r}: {exc}",
                                path="assessment.amount", got=given["amount"]) from None
        evaluate.put("need", need)
        evaluate.put("remaining", remaining)
        if provision.when is not None and not evaluate.of(provision.when, "assessment"):
            condition = " ".join(provision.when.text.split())
            raise DecisionError("MW712", f"{where} grants {chosen!r} only when "
                                f"{condition} {_facts(need, remaining)}",
                                path="assessment.provision", got=chosen)
        low = evaluate.of(provision.minimum, "assessment")
        high = evaluate.of(provision.maximum, "assessment")
        hint = evaluate.of(provision.suggestion, "assessment") if provision.suggestion else None
        if amount < low or amount > high:
            raise DecisionError("MW712", f"{where} frames {chosen!r} "
                                f"{frame_text(low, high)} {_facts(need, remaining)}",
                                path="assessment.amount", got=to_json(amount))
        return AppliedAssessment(frame, record, answers, need, remaining, chosen, amount, low,
                                 high, hint)
