"""Checking discretion against the regulation: deviations from a hardship clause (the outcome of
an assessment against its frame: ``maatwerk.engine.assessment``).

Every refusal is a ``DecisionError`` that names the clause (with its legal basis) and the
condition violated; nothing is applied unless everything holds. The checks read the case as it
stands in the layer before: a deviation's bounds see ``standard`` (the output's value before the
deviation), an assessment's frame sees its answers, ``need`` and ``remaining``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from maatwerk.engine.compile import Env, Missing, Unknown
from maatwerk.engine.plan import Plan
from maatwerk.spec.builder import citation
from maatwerk.spec.errors import DecisionError
from maatwerk.spec.model import BoundsDef, Formula, HardshipDef, Regulation
from maatwerk.spec.records import Actor, Consideration, Deviation, fields
from maatwerk.spec.typecheck import suggest
from maatwerk.spec.types import Type
from maatwerk.spec.values import ValueProblem, coerce, to_json

MIN_MOTIVATION = 10


@dataclass(slots=True)
class AppliedDeviation:
    """A deviation as applied: its clause, its record, the value before and after, and the
    bounds it was checked against (a record of the decision, not changed after it)."""

    clause: HardshipDef
    record: Deviation
    before: Any
    value: Any
    low: Any = None
    high: Any = None
    allowed: tuple[Any, ...] | None = None


class Evaluator(Env):
    """Evaluates extra formulas (bounds, the assessment frame) in a layer's state.

    Such a formula reads the case's values and the names it may read besides the regulation's
    (``standard``; the answers, ``need`` and ``remaining``); set those with ``set``. One that
    reads nothing of the case but those names (and parameters and the reference date) is
    evaluated on them alone, in the evaluator itself (an ``Env`` whose inputs are the names
    set); a name not set is not known (the names shadow the regulation's, as in the type check).
    The case's state (its values and the layer's known results) is put together only for a
    formula that needs it.
    """

    __slots__ = ("_env", "_layer", "_scope", "_values", "given", "names", "plan")

    def __init__(self, plan: Plan, env: Env, values: Mapping[str, Any], day: dt.date,
                 names: frozenset[str]) -> None:
        self.given: dict[str, Any] = {}
        self.inputs = self.given
        self.funcs = plan.funcs
        self.day = day
        self.values = {}
        self.used = {}
        self.branches = []
        self.plan = plan
        self.names = names
        self._layer = env
        self._values = values
        self._env: Env | None = None
        self._scope: dict[str, Any] = {}

    @property
    def env(self) -> Env:
        """The case as the layer left it, with the names set (built once, when first needed)."""
        if self._env is None:
            self._scope = dict(self._values)
            self._scope.update(self.given)
            known = self._layer.values
            memo = (dict(known) if Unknown not in map(type, known.values()) else
                    {k: v for k, v in known.items() if not isinstance(v, Unknown)})
            self._env = Env(self._scope, self.funcs, self.day, memo)
        return self._env

    def set(self, values: Mapping[str, Any]) -> None:
        self.given.update(values)
        if self._env is not None:
            self._scope.update(values)

    def put(self, name: str, value: Any) -> None:
        """``set`` of one name."""
        self.given[name] = value
        if self._env is not None:
            self._scope[name] = value

    def of(self, formula: Formula, owner: str) -> Any:
        """The value of ``formula`` (of ``owner``: a clause, or the assessment) here."""
        found = self.plan.extras.get(id(formula))
        fn, reads = found if found is not None else self.plan.extra(formula, self.names, owner)
        try:
            return fn(self if reads is not None else self.env)
        except Missing as exc:
            raise DecisionError("MW713" if owner == "assessment" else "MW710",
                                f"{owner}: cannot evaluate '{' '.join(formula.text.split())}' "
                                f"because {exc.name!r} is not known", got=exc.name) from None


def _basis(clause: HardshipDef) -> str:
    return f"clause {clause.name!r} ({citation(clause.legal_basis)})"


def check_actor(actor: Actor, role: str, unit: str | None, what: str,
                 where: Callable[[], str], path: str) -> None:
    """Refuse ``actor`` unless it has ``role`` (in ``unit``, when one is named); ``where``
    gives the text naming the power, built only for the refusal."""
    found = fields(actor)
    if found["role"] != role or (unit is not None and found["unit"] != unit):
        in_unit = f" of unit {unit!r}" if unit else " of any unit"
        article = "an" if role[0] in "aeiou" else "a"
        raise DecisionError("MW707", f"{where()} is {what} by {article} {role}{in_unit}; "
                            f"{actor.describe()} may not", path=path, got=actor.id)


def _approving(clause: HardshipDef) -> tuple[str, str | None]:
    """The role and unit of who may approve under four-eyes (``HardshipDef.approving``)."""
    approver = clause.approver
    if approver is not None:
        return approver.role, approver.unit
    return "approver", clause.decider.unit


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


class Deviating:
    """Checks deviations against the hardship clauses of one regulation.

    Prepared once per regulation: per clause the text that names it (built for a refusal only),
    who approves under four-eyes and the type of each output it may change. ``check`` takes one
    deviation through the conditions in the same order as always; the first violated refuses it.
    """

    def __init__(self, reg: Regulation) -> None:
        self.reg = reg
        self.clauses = {
            name: (clause, partial(_basis, clause), _approving(clause),
                   {output: (bounds, reg.type_of(output))
                    for output, bounds in clause.bounds.items()})
            for name, clause in reg.hardship.items()}

    def check(self, dev: Deviation, before: Mapping[str, Any], evaluate: Evaluator,
              approval: bool = True) -> AppliedDeviation:
        """The deviation as it will be applied; raises ``DecisionError`` if the clause forbids
        it. With ``approval=False`` (a proposal not yet approved) the four-eyes conditions are
        left to the approval."""
        record = fields(dev)
        found = self.clauses.get(record["clause"])
        if found is None:
            raise _no_clause(self.reg, dev)
        clause, basis, approving, outputs = found
        if clause.level == "group":
            raise DecisionError("MW702", f"{basis()} applies to groups of cases by a general "
                                "arrangement (a policy category); it gives no power to deviate "
                                "for one case", path="deviation.clause", got=dev.clause)
        output, ground_name = record["output"], record["ground"]
        target = outputs.get(output)
        if target is None:
            raise DecisionError("MW703", f"{basis()} may change {', '.join(clause.bounds)}, "
                                f"not {output!r}", path="deviation.output", got=output)
        ground = clause.grounds.get(ground_name)
        if ground is None:
            raise DecisionError("MW704", f"{basis()} allows the grounds "
                                f"{', '.join(clause.grounds)}; not {ground_name!r}"
                                f"{suggest(ground_name, list(clause.grounds))}",
                                path="deviation.ground", got=ground_name)
        motivation = record["motivation"]
        if clause.motivation == "required" and len(motivation.strip()) < MIN_MOTIVATION:
            raise DecisionError("MW705", f"{basis()} requires a motivation of at least "
                                f"{MIN_MOTIVATION} characters", path="deviation.motivation",
                                got=motivation or None)
        if (clause.evidence == "required" or ground.evidence) and not record["evidence"]:
            why = "the clause" if clause.evidence == "required" else f"the ground {ground_name!r}"
            raise DecisionError("MW706", f"{basis()}: {why} requires evidence; give at least "
                                "one evidence reference", path="deviation.evidence")
        proposer, decider = record["proposer"], clause.decider
        check_actor(proposer, decider.role, decider.unit, "decided", basis, "deviation.proposer")
        if clause.four_eyes and approval:
            approver = record["approver"]
            if approver is None:
                raise DecisionError("MW708", f"{basis()} requires the approval of a second "
                                    "person (four-eyes); the deviation has no approver",
                                    path="deviation.approver")
            if approver.id == proposer.id:
                raise DecisionError("MW708", f"{basis()}: nobody approves their own "
                                    "deviation; the approver must differ from the proposer",
                                    path="deviation.approver", got=approver.id)
            check_actor(approver, *approving, "approved", basis, "deviation.approver")
        return _within_bounds(clause, basis, dev, record, target, before, evaluate)


def _within_bounds(clause: HardshipDef, basis: Callable[[], str], dev: Deviation,
                   record: Mapping[str, Any], target: tuple[BoundsDef, Type],
                   before: Mapping[str, Any], evaluate: Evaluator) -> AppliedDeviation:
    bounds, type_ = target
    try:
        value = coerce(record["value"], type_)
    except ValueProblem as exc:
        raise DecisionError("MW709", f"{basis()}: the new value of {dev.output!r}: {exc}",
                            path="deviation.value", got=dev.value) from None
    standard = before.get(record["output"])
    if standard is None or isinstance(standard, Unknown):
        missing = ", ".join(sorted(standard.missing)) if isinstance(standard, Unknown) else ""
        raise DecisionError("MW710", f"{basis()}: the value of {dev.output!r} before the "
                            f"deviation is not known yet (missing: {missing}), so its bounds "
                            "cannot be checked", path="deviation.output", got=dev.output)
    evaluate.put("standard", standard)
    name = clause.name
    low = evaluate.of(bounds.minimum, name) if bounds.minimum else None
    high = evaluate.of(bounds.maximum, name) if bounds.maximum else None
    allowed = (tuple(evaluate.of(f, name) for f in bounds.allowed)
               if bounds.allowed is not None else None)
    if allowed is not None and value not in allowed:
        shown = dict.fromkeys(str(to_json(a)) for a in allowed)
        raise DecisionError("MW710", f"{basis()} allows for {dev.output!r} only "
                            f"{', '.join(shown)}",
                            path="deviation.value", got=to_json(value))
    if (low is not None and value < low) or (high is not None and value > high):
        raise DecisionError("MW710", f"{basis()} bounds {dev.output!r} {frame_text(low, high)}",
                            path="deviation.value", got=to_json(value))
    return AppliedDeviation(clause, dev, standard, value, low, high, allowed)


def frame_text(low: Any, high: Any) -> str:
    if low is not None and high is not None:
        return f"between {to_json(low)} and {to_json(high)}"
    if low is not None:
        return f"at {to_json(low)} or more"
    return f"at {to_json(high)} or less"


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
    check_actor(record.by, clause.decider.role, clause.decider.unit, "considered",
                 partial(_basis, clause), "consideration.by")


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

