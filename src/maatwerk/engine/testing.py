"""Running a regulation's tests written as data (``maatwerk test`` and the pytest plugin)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from maatwerk.engine.decide import decider
from maatwerk.engine.decision import Decision
from maatwerk.spec.errors import DecisionError
from maatwerk.spec.library import Library
from maatwerk.spec.model import Regulation, TestCase
from maatwerk.spec.values import to_json


@dataclass
class Outcome:
    """The result of one test: passed, or the list of what differed."""

    regulation: Regulation
    case: TestCase
    problems: list[str] = field(default_factory=list)
    decision: Decision | None = None

    @property
    def passed(self) -> bool:
        return not self.problems

    def report(self) -> str:
        head = f"{self.case.position.file}:{self.case.position.line}: test {self.case.name!r}"
        return head + ("" if self.passed else ":\n  " + "\n  ".join(self.problems))


def _show(value: object) -> str:
    shown = to_json(value)
    return str(shown).lower() if isinstance(shown, bool) else str(shown)


def run_case(reg: Regulation, case: TestCase, library: Library | None = None) -> Outcome:
    """Decide a test's case and compare; a regulation that uses others finds them in
    ``library``."""
    outcome = Outcome(reg, case)
    problems = outcome.problems
    try:
        decision = decider(reg, library).decide(
            case.date, case.inputs, assessment=case.assessment, deviations=case.deviations,
            considerations=case.considerations)
    except DecisionError as exc:
        if case.error is None:
            problems.append(f"the decision was refused: {exc}")
        elif exc.code != case.error:
            problems.append(f"expected error {case.error}, got {exc}")
        return outcome
    outcome.decision = decision
    if case.error is not None:
        problems.append(f"expected error {case.error}, but the case was decided")
        return outcome
    expected_status = case.status or ("indeterminate" if case.missing else "determined")
    if decision.status != expected_status:
        missing = f" (missing: {', '.join(decision.missing)})" if decision.missing else ""
        problems.append(f"status: expected {expected_status}, got {decision.status}{missing}")
    if case.missing is not None and tuple(case.missing) != decision.missing:
        problems.append(f"missing: expected {', '.join(case.missing) or 'nothing'}, got "
                        f"{', '.join(decision.missing) or 'nothing'}")
    values = dict(decision.final.outputs)
    if decision.final.env is not None:
        values.update(decision.final.env.values)
        values.update({n: v for n, v in decision.final.env.inputs.items()
                       if n in reg.assessed()})
    for name, want in case.expect.items():
        if name not in values:
            problems.append(f"{name}: expected {_show(want)}, but it was not computed")
        elif values[name] != want:
            problems.append(f"{name}: expected {_show(want)}, got {_show(values[name])}")
    for output, layer in case.deciding_layer.items():
        found = decision.deciding_layer.get(output)
        if found != layer:
            problems.append(f"deciding layer of {output}: expected {layer}, got {found}")
    if case.categories is not None:
        got = sorted(c.name for c in decision.categories)
        if sorted(case.categories) != got:
            problems.append(f"categories: expected {', '.join(sorted(case.categories)) or 'none'}"
                            f", got {', '.join(got) or 'none'}")
    return outcome


def run(reg: Regulation, cases: Iterable[TestCase] | None = None,
        library: Library | None = None) -> list[Outcome]:
    return [run_case(reg, case, library) for case in (reg.tests if cases is None else cases)]
