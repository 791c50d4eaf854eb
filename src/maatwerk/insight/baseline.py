"""The decided cases as a regulation decides them *without* deviations: the baseline the
crystallisation loop learns from and measures against.

Each case is decided again by the engine on its own reference date and facts, with no
discretion records. That gives, per case, the values a category condition could test (the
inputs, and the rules and tables of the standard layer, where conditions are evaluated) and the
outputs before any deviation, with the formula that decided each. A case the regulation refuses
(a situation it does not cover, facts of another version) is counted and left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from maatwerk.engine.compile import EvalProblem, Missing, Unknown
from maatwerk.engine.decide import decider
from maatwerk.engine.decision import CATEGORY, STANDARD, Decision
from maatwerk.insight.decided import DecidedCase
from maatwerk.spec.errors import MaatwerkError
from maatwerk.spec.library import Library
from maatwerk.spec.model import Regulation


@dataclass
class Baseline:
    reg: Regulation
    cases: list[DecidedCase] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)  # the testable values per case
    before: list[dict[str, Any]] = field(default_factory=list)  # outputs without deviations
    sources: list[dict[str, str | None]] = field(default_factory=list)  # deviated outputs
    refused: int = 0


def baseline(reg: Regulation, cases: Sequence[DecidedCase],
             library: Library | None = None) -> Baseline:
    """Every case decided without deviations (see the module)."""
    found = Baseline(reg)
    decide = decider(reg, library)
    for case in cases:
        try:
            decision = decide.decide(case.peildatum, case.facts)
            row = _row(reg, decision)
        except (MaatwerkError, EvalProblem):
            found.refused += 1
            continue
        found.cases.append(case)
        found.rows.append(row)
        found.before.append({k: _known(v) for k, v in decision.outputs.items()})
        found.sources.append({d.output: source(reg, decision, d.output)
                              for d in case.deviations})
    return found


def _known(value: Any) -> Any:
    return None if isinstance(value, Unknown) else value


def _row(reg: Regulation, decision: Decision) -> dict[str, Any]:
    """The inputs and the standard layer's rules and tables of one decision."""
    row = {k: _known(v) for k, v in decision.inputs.items()}
    env = decision.layers[0].env
    if env is not None:
        for name in reg.order:
            try:
                row[name] = _known(env.get(name))
            except (Missing, EvalProblem):  # not given, or not defined for this case
                row[name] = None
    return row


def source(reg: Regulation, decision: Decision, output: str) -> str | None:
    """The formula that decided ``output`` before any deviation: the override of the last
    category that overrides it, else the rule's own formula; None when an investigation decided
    it or it is not a rule."""
    if decision.deciding_layer.get(output) not in (STANDARD, CATEGORY):
        return None
    winners = [c for c in decision.categories if output in c.rules]
    if winners:
        return winners[-1].rules[output].formula.text.strip()
    rule = reg.rules.get(output)
    formula = rule.at(decision.date) if rule is not None else None
    return formula.text.strip() if formula is not None else None
