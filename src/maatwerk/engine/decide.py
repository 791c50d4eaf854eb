"""Deciding one case: the standard layer, then the policy categories, kept apart.

``Decider(reg).decide(day, inputs)`` returns a ``Decision``. It checks the inputs (all problems at
once), evaluates the outputs with the rules in force on the reference date (the *standard*
layer), finds the categories whose condition holds there, applies them by the regulation's hit
policy (the *category* layer) and names, per output, the layer that determined it: the last
layer that changed it. When inputs are missing the outputs that do not depend on them are still
given, and the decision is *indeterminate* with the list of what is missing, never a silent zero.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Mapping, Sequence
from typing import Any

from maatwerk import __version__
from maatwerk.engine.compile import Env, EvalProblem, Missing, Unknown
from maatwerk.engine.decision import CATEGORY, STANDARD, Decision, Layer, Receipt
from maatwerk.engine.plan import Plans
from maatwerk.spec.errors import DecisionError
from maatwerk.spec.graph import full_graph, reachable
from maatwerk.spec.model import CategoryDef, Regulation
from maatwerk.spec.source import dotted
from maatwerk.spec.typecheck import suggest
from maatwerk.spec.values import ValueProblem, coerce


class Decider:
    """Decides cases under one regulation; compiled plans are kept between decisions."""

    def __init__(self, reg: Regulation) -> None:
        self.reg = reg
        self.plans = Plans(reg)
        graph = full_graph(reg)
        self.needs = {o: reachable(graph, [o]) for o in reg.outputs}

    # -- inputs ----------------------------------------------------------------------------------

    def check_inputs(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """The inputs in their runtime types; raises one ``DecisionError`` naming every problem."""
        reg = self.reg
        values: dict[str, Any] = {}
        problems: list[tuple[str, str, str, Any]] = []
        for name, raw in inputs.items():
            definition = reg.inputs.get(name)
            if definition is None:
                problems.append(("MW602", name, f"{name!r} is not an input of {reg.id}"
                                 f"{suggest(name, list(reg.inputs))}", name))
                continue
            if raw is None:
                continue  # an empty value is a missing value
            try:
                value = coerce(raw, definition.type)
            except ValueProblem as exc:
                problems.append(("MW601", name, str(exc), raw))
                continue
            low, high = definition.minimum, definition.maximum
            if low is not None and value < low:
                problems.append(("MW601", name, f"must be at least {low}", raw))
            elif high is not None and value > high:
                problems.append(("MW601", name, f"must be at most {high}", raw))
            else:
                values[name] = value
        if len(problems) == 1:
            code, name, message, got = problems[0]
            raise DecisionError(code, message, path=f"inputs.{name}", got=got)
        if problems:
            details = "; ".join(f"{name}: {message} (got {got!r})"
                                for _, name, message, got in problems)
            raise DecisionError(problems[0][0], f"{len(problems)} inputs are invalid: {details}",
                                path="inputs")
        return values

    # -- deciding --------------------------------------------------------------------------------

    def decide(self, day: dt.date, inputs: Mapping[str, Any]) -> Decision:
        reg = self.reg
        values = self.check_inputs(inputs)
        if not reg.valid_on(day):
            until = f" until {reg.valid_until}" if reg.valid_until else ""
            raise DecisionError("MW603", f"{reg.id} applies from {reg.valid_from}{until}",
                                path="peildatum", got=day.isoformat())
        try:
            try:
                return self._strict(day, values)
            except Missing:
                return self._partial(day, values)
        except EvalProblem as problem:
            raise DecisionError(problem.code, problem.message, path=dotted(problem.formula.path),
                                position=reg.source.position_in(problem.formula.path,
                                                                problem.span[0]),
                                got=problem.got) from None

    def _receipt(self, day: dt.date) -> Receipt:
        reg = self.reg
        return Receipt(reg.id, reg.version, reg.sha256, __version__, day)

    def _strict(self, day: dt.date, values: dict[str, Any]) -> Decision:
        reg = self.reg
        plan = self.plans.get(day)
        env = Env(values, plan.funcs, day)
        get = env.get
        standard = {o: get(o) for o in reg.outputs}
        layers = [Layer(STANDARD, standard, env)]
        deciding = dict.fromkeys(reg.outputs, STANDARD)
        results: dict[str, Any] = {}
        if plan.conditions:
            results = {name: bool(cond(env)) for name, cond in plan.conditions.items()}
            chosen = self.select([reg.categories[n] for n, hit in results.items() if hit])
            if chosen:
                cplan = self.plans.get(day, chosen)
                cenv = Env(values, cplan.funcs, day)
                final = {o: cenv.get(o) for o in reg.outputs}
                layers.append(Layer(CATEGORY, final, cenv, tuple(chosen)))
                for o in reg.outputs:
                    if final[o] != standard[o]:
                        deciding[o] = CATEGORY
        return Decision(reg, day, values, "determined", dict(layers[-1].outputs), (),
                        tuple(layers), deciding, self._receipt(day), results)

    def _partial(self, day: dt.date, values: dict[str, Any]) -> Decision:
        reg = self.reg
        plan = self.plans.get(day)
        env = Env(values, plan.partial, day)
        standard = {o: env.get(o) for o in reg.outputs}
        layers = [Layer(STANDARD, standard, env)]
        results = {name: cond(env) for name, cond in plan.partial_conditions.items()}
        chosen = self.select([reg.categories[n] for n, hit in results.items() if hit is True])
        final = dict(standard)
        if chosen:
            cplan = self.plans.get(day, chosen)
            cenv = Env(values, cplan.partial, day)
            final = {o: cenv.get(o) for o in reg.outputs}
            layers.append(Layer(CATEGORY, final, cenv, tuple(chosen)))
        for name, hit in results.items():
            if isinstance(hit, Unknown):
                overrides = reg.categories[name].overrides()
                for o in reg.outputs:
                    if self.needs[o] & overrides:
                        before = final[o].missing if isinstance(final[o], Unknown) else frozenset()
                        final[o] = Unknown(before | hit.missing)
        missing: set[str] = set()
        for value in final.values():
            if isinstance(value, Unknown):
                missing |= value.missing
        outputs = {o: v for o, v in final.items() if not isinstance(v, Unknown)}
        deciding = {o: (CATEGORY if len(layers) > 1 and final[o] != standard[o] else STANDARD)
                    for o in outputs}
        ordered = tuple(n for n in reg.inputs if n in missing)
        status = "indeterminate" if ordered else "determined"
        return Decision(reg, day, values, status, outputs, ordered, tuple(layers), deciding,
                        self._receipt(day), results)

    # -- categories ------------------------------------------------------------------------------

    def select(self, matched: Sequence[CategoryDef]) -> list[CategoryDef]:
        """The categories that apply, in the order their overrides are applied."""
        if not matched:
            return []
        policy = self.reg.category_policy
        if policy == "unique":
            if len(matched) > 1:
                raise _conflict(self.reg, matched[0], matched[1], "category_policy 'unique' "
                                "allows one category per case")
            return list(matched)
        if policy == "first":
            return [min(matched, key=lambda c: (-(c.precedence or 0), c.order))]
        ordered = sorted(matched, key=lambda c: (c.precedence or 0, c.order))
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                shared = a.overrides() & b.overrides()
                if shared and (a.precedence is None or a.precedence == b.precedence):
                    raise _conflict(self.reg, a, b, f"both change {', '.join(sorted(shared))} "
                                    "and neither has a higher precedence")
        return ordered


def _conflict(reg: Regulation, a: CategoryDef, b: CategoryDef, why: str) -> DecisionError:
    pa = reg.position(("categories", a.name))
    return DecisionError("MW606", f"categories {a.name!r} (line {pa.line}) and {b.name!r} both "
                         f"apply to this case; {why}", path=f"categories.{b.name}",
                         position=reg.position(("categories", b.name)))


_DECIDERS: weakref.WeakKeyDictionary[Regulation, Decider] = weakref.WeakKeyDictionary()


def decider(reg: Regulation) -> Decider:
    """The (cached) decider of a regulation."""
    found = _DECIDERS.get(reg)
    if found is None:
        found = Decider(reg)
        _DECIDERS[reg] = found
    return found


def decide(reg: Regulation, day: dt.date, inputs: Mapping[str, Any]) -> Decision:
    """Decide one case under ``reg`` on reference date ``day``."""
    return decider(reg).decide(day, inputs)
