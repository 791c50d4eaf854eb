"""Deciding one case, layer by layer.

``Decider(reg).decide(day, inputs, assessment=..., deviations=..., considerations=...)`` returns a
``Decision``. It checks the inputs (all problems at once) and then builds the layers of the
pipeline, each kept apart with the outputs after it:

1. *standard* — the rules with the parameters in force on the reference date;
2. *category* — the policy categories whose condition holds, applied by the regulation's hit
   policy;
3. *assessment* — for a standard-maatwerk regulation, the recorded investigation and the outcome
   chosen inside its frame;
4. *deviation* — approved exercises of hardship clauses, each checked against its clause.

Each output's deciding layer is the last layer that changed it. When inputs are missing the
outputs that do not depend on them are still given and the decision is *indeterminate*, listing
what is missing (``assessment`` when the investigation is); never a silent zero. A refused
record raises ``DecisionError`` and nothing is decided.
"""

from __future__ import annotations

import datetime as dt
import itertools
import weakref
from collections.abc import Mapping, Sequence
from typing import Any

from maatwerk.engine.assessment import Assessing, assessment_names
from maatwerk.engine.chain import Chain, Link, Upstream
from maatwerk.engine.compile import Env, EvalProblem, Missing, Unknown
from maatwerk.engine.decision import (
    ASSESSMENT,
    CATEGORY,
    DEVIATION,
    STANDARD,
    Decision,
    Layer,
)
from maatwerk.engine.discretion import (
    BOUND_NAMES,
    AppliedDeviation,
    Deviating,
    Evaluator,
    check_consideration,
    considered,
)
from maatwerk.engine.inputs import Checker, check
from maatwerk.engine.plan import Plan, Plans
from maatwerk.spec.errors import DecisionError
from maatwerk.spec.graph import full_graph, reachable
from maatwerk.spec.library import Library
from maatwerk.spec.model import CategoryDef, InputDef, Regulation
from maatwerk.spec.records import AssessmentRecord, Consideration, Deviation
from maatwerk.spec.source import dotted

ASSESSMENT_MISSING = "assessment"
_NOTHING: frozenset[str] = frozenset()


class Decider:
    """Decides cases under one regulation; compiled plans are kept between decisions.

    With a ``library``, the inputs that are outputs of other regulations are decided by them
    (``maatwerk.engine.chain``); without one they are given like any other input.
    """

    def __init__(self, reg: Regulation, library: Library | None = None) -> None:
        self.reg = reg
        self.chain = (Chain(reg, library, lambda other: decider(other, library))
                      if library is not None and reg.references() else None)
        self.plans = Plans(reg)
        graph = full_graph(reg)
        self.needs = {o: reachable(graph, [o]) for o in reg.outputs}
        self.closure = {n: reachable(graph, [n])
                        for n in (*reg.rules, *reg.tables, *reg.assessed())}
        self._affected_cache: dict[frozenset[str], frozenset[str]] = {}
        self._skipped_cache: dict[frozenset[str], dict[str, Unknown]] = {}
        self.assessment_names = assessment_names(reg)
        self.assessed = frozenset(reg.assessed())
        self._check = Checker(reg)
        self._assessing = Assessing(reg)
        self._deviating = Deviating(reg)

    # -- inputs ----------------------------------------------------------------------------------

    def facts(self) -> Mapping[str, InputDef]:
        """The facts a case gives, with their declarations: the regulation's inputs, or through
        a chain its own facts and those of the regulations it uses."""
        return self.chain.facts() if self.chain is not None else self.reg.inputs

    def check_inputs(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """The inputs in their runtime types; raises one ``DecisionError`` naming every problem.
        Through a chain, the facts of the regulations used are checked as they declare them."""
        if self.chain is None:
            return self._check(inputs)
        self.chain.check_names(inputs)
        return check(self.reg, self.facts(), inputs)

    # -- deciding --------------------------------------------------------------------------------

    def decide(self, day: dt.date, inputs: Mapping[str, Any], *,
               assessment: AssessmentRecord | None = None,
               deviations: Sequence[Deviation] = (),
               considerations: Sequence[Consideration] = (),
               proposal: Deviation | None = None,
               upstream: Mapping[str, Upstream] | None = None) -> Decision:
        """Decide a case. ``proposal`` is a deviation not yet approved: it is checked like the
        others except for its approval, and applied last. ``upstream`` holds discretion records
        of the case under regulations this one uses, by their id."""
        reg = self.reg
        chain = self.chain
        values = self.check_inputs(inputs)
        if not reg.valid_on(day):
            until = f" until {reg.valid_until}" if reg.valid_until else ""
            raise DecisionError("MW603", f"{reg.id} applies from {reg.valid_from}{until}",
                                path="peildatum", got=day.isoformat())
        links: tuple[Link, ...] = ()
        if chain is not None:
            derived, links = chain.links(day, values, upstream or {})
            values = {n: v for n, v in values.items() if n in reg.inputs} | derived
        try:
            decision = self._decide(day, values, assessment, deviations, considerations,
                                    proposal)
            return chain.finish(decision, links) if chain is not None else decision
        except EvalProblem as problem:
            raise DecisionError(problem.code, problem.message, path=dotted(problem.formula.path),
                                position=reg.source.position_in(problem.formula.path,
                                                                problem.span[0]),
                                got=problem.got) from None

    def _affected(self, changed: frozenset[str]) -> frozenset[str]:
        """Every name whose value depends on one of ``changed`` (and those themselves)."""
        found = self._affected_cache.get(changed)
        if found is None:
            found = frozenset(n for n, deps in self.closure.items() if deps & changed) | changed
            self._affected_cache[changed] = found
        return found

    def _layer(self, plan: Plan, values: Mapping[str, Any], day: dt.date, *,
               pinned: Mapping[str, Any] | None = None, base: Env | None = None,
               changed: frozenset[str] = _NOTHING,
               skip: frozenset[str] = _NOTHING) -> tuple[Env, dict[str, Any]]:
        """Evaluate the outputs in one layer: strictly, or three-valued when inputs are missing.

        With ``base`` (the layer before, under the same plan) the values that do not depend on
        ``changed`` are taken over instead of computed again. Outputs that depend on ``skip``
        (the assessed values, in the layers before the assessment) are unknown.
        """
        unknown = self._skipped(skip) if skip else None
        if unknown is not None and base is None and not pinned and len(unknown) == len(
                self.reg.outputs):  # every output waits for what is skipped: nothing to evaluate
            return Env(values, plan.funcs, day, {}, {}, []), dict(unknown)
        affected = self._affected(changed) if base is not None else _NOTHING
        for strict in (True, False):
            funcs = plan.funcs if strict else plan.partial
            if base is None:
                env = Env(values, funcs, day, {}, {}, [])
            else:
                env = Env(values, funcs, day,
                          _kept(base.values, affected, base.funcs is not plan.funcs),
                          dict(base.used), [b for b in base.branches if b[0] not in affected])
            if pinned:
                env.values.update(pinned)
            try:
                if unknown is None:
                    return env, plan.outputs(env)
                return env, {o: unknown[o] if o in unknown else env.get(o)
                             for o in self.reg.outputs}
            except Missing:
                continue
        raise AssertionError("three-valued evaluation does not raise Missing")  # pragma: no cover

    def _skipped(self, skip: frozenset[str]) -> dict[str, Unknown]:
        """The outputs that depend on ``skip``, each unknown for what of it it needs."""
        found = self._skipped_cache.get(skip)
        if found is None:
            found = {o: Unknown(frozenset(self.needs[o] & skip)) for o in self.reg.outputs
                     if self.needs[o] & skip}
            self._skipped_cache[skip] = found
        return found

    def _decide(self, day: dt.date, values: dict[str, Any],
                assessment: AssessmentRecord | None, deviations: Sequence[Deviation],
                considerations: Sequence[Consideration],
                proposal: Deviation | None = None) -> Decision:
        reg = self.reg
        plan = self.plans.get(day)
        assessed = self.assessed if assessment is not None else _NOTHING
        env, standard = self._layer(plan, values, day, skip=assessed)
        layers = [Layer(STANDARD, standard, env)]
        results = self._conditions(plan, env)
        chosen = self.select([reg.categories[n] for n, hit in results.items()
                              if hit is True]) if results else []
        if chosen:
            plan = self.plans.get(day, chosen)
            env, outputs = self._layer(plan, values, day, skip=assessed)
            layers.append(Layer(CATEGORY, outputs, env, tuple(chosen)))
        if assessment is not None:
            applied = self._assessing.check(assessment, Evaluator(
                plan, env, values, day, self.assessment_names))
            frame = applied.frame
            values = {**values, frame.provision: applied.provision, frame.amount: applied.amount}
            env, outputs = self._layer(plan, values, day, base=env, changed=assessed)
            layers.append(Layer(ASSESSMENT, outputs, env, assessment=applied))
        for record in considerations:
            check_consideration(reg, record)
        applied_deviations: list[AppliedDeviation] = []
        if proposal is not None:
            deviations = [*deviations, proposal]
        if deviations:
            env, outputs, applied_deviations = self._deviate(
                plan, env, values, day, layers[-1].outputs, results, deviations, proposal)
            layers.append(Layer(DEVIATION, outputs, env, deviations=tuple(applied_deviations)))
        return self._finish(day, values, layers, results, applied_deviations, considerations)

    def _deviate(self, plan: Plan, env: Env, values: Mapping[str, Any], day: dt.date,
                 outputs: dict[str, Any], results: Mapping[str, Any],
                 deviations: Sequence[Deviation], proposal: Deviation | None,
                 ) -> tuple[Env, dict[str, Any], list[AppliedDeviation]]:
        """Deviations apply in order: each one's bounds see the case as the ones before it left
        it; a value an undecided category could still change is not known."""
        pinned: dict[str, Any] = {}
        applied: list[AppliedDeviation] = []
        open_categories = Unknown in map(type, results.values())
        for deviation in deviations:
            output = deviation.output
            undecided = self._undecided(outputs, results) if open_categories else outputs
            before = ({output: undecided[output]} if output in undecided else
                      {output: env.values[output]} if output in env.values else {})
            check = Evaluator(plan, env, values, day, BOUND_NAMES)
            applied.append(self._deviating.check(deviation, before, check,
                                                 deviation is not proposal))
            pinned[output] = applied[-1].value
            env, outputs = self._layer(plan, values, day, pinned=pinned, base=env,
                                       changed=frozenset(pinned))
        return env, outputs, applied

    def _undecided(self, outputs: Mapping[str, Any],
                   results: Mapping[str, Any]) -> dict[str, Any]:
        """The outputs, with those an undecided category could change made unknown."""
        final = dict(outputs)
        if Unknown not in map(type, results.values()):
            return final
        for name, hit in results.items():
            if isinstance(hit, Unknown):
                overrides = self.reg.categories[name].overrides()
                for o in self.reg.outputs:
                    if self.needs[o] & overrides:
                        before = final[o].missing if isinstance(final[o], Unknown) else frozenset()
                        final[o] = Unknown(before | hit.missing)
        return final

    def _conditions(self, plan: Plan, env: Env) -> dict[str, Any]:
        if not plan.conditions:
            return {}
        if env.funcs is plan.funcs:  # the standard layer was evaluated strictly
            try:
                return {name: bool(cond(env)) for name, cond in plan.conditions.items()}
            except Missing:
                pass
        partial = Env(env.inputs, plan.partial, env.day, dict(env.values))
        return {name: cond(partial) for name, cond in plan.partial_conditions.items()}

    def _finish(self, day: dt.date, values: Mapping[str, Any], layers: list[Layer],
                results: Mapping[str, Any], deviations: Sequence[AppliedDeviation],
                considerations: Sequence[Consideration]) -> Decision:
        reg = self.reg
        final = self._undecided(layers[-1].outputs, results)
        outputs, pending = final, {}
        ordered: tuple[str, ...] = ()
        if Unknown in map(type, final.values()):
            missing: set[str] = set()
            for value in final.values():
                if isinstance(value, Unknown):
                    missing |= value.missing
            ordered = self._waiting(frozenset(missing))
            outputs = {o: v for o, v in final.items() if not isinstance(v, Unknown)}
            pending = {o: self._waiting(v.missing) for o, v in final.items()
                       if isinstance(v, Unknown)}
        deciding = dict.fromkeys(outputs, STANDARD)
        for previous, layer in itertools.pairwise(layers):  # the last layer that changed it
            after, earlier = layer.outputs, previous.outputs
            for o in outputs:
                a, b = after.get(o), earlier.get(o)
                # a known value and an unknown one differ (no comparison needed to tell)
                if a is not b and ((type(a) is Unknown) is not (type(b) is Unknown) or a != b):
                    deciding[o] = layer.name
        status = "indeterminate" if ordered else "determined"
        return Decision(reg, day, values, status, outputs, ordered, tuple(layers),
                        deciding, dict(results), considered(reg, deviations, considerations),
                        pending)

    def _waiting(self, missing: frozenset[str]) -> tuple[str, ...]:
        """The inputs an unknown value waits for, in declaration order."""
        ordered = [n for n in self.reg.inputs if n in missing]
        if missing & self.assessed:
            ordered.append(ASSESSMENT_MISSING)
        return tuple(ordered)

    def frame(self, decision: Decision, clause: str, output: str) -> dict[str, Any]:
        """The frame of a deviation of ``output`` under ``clause`` for this decided case: the
        value now, and the bounds or allowed outcomes evaluated for it (for a proposal form)."""
        hardship = self.reg.hardship[clause]
        bounds = hardship.bounds[output]
        plan = self.plans.get(decision.date, decision.categories)
        env = decision.final.env
        assert env is not None
        before = self._undecided(decision.final.outputs, decision.category_results).get(
            output, env.values.get(output))
        if before is None or isinstance(before, Unknown):
            return {"value": None, "min": None, "max": None, "allowed": None}
        check = Evaluator(plan, env, decision.inputs, decision.date, BOUND_NAMES)
        check.set({"standard": before})
        return {"value": before,
                "min": check.of(bounds.minimum, clause) if bounds.minimum else None,
                "max": check.of(bounds.maximum, clause) if bounds.maximum else None,
                "allowed": [check.of(f, clause) for f in bounds.allowed]
                if bounds.allowed is not None else None}

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


def _kept(known: Mapping[str, Any], affected: frozenset[str],
          unknowns: bool = True) -> dict[str, Any]:
    """The known values a layer takes over from the one before: all but the ``affected`` and
    the unknown ones (none when the layer before was evaluated strictly under the same plan:
    ``unknowns`` false)."""
    if len(affected) < len(known):
        kept = dict(known)
        for name in affected:
            kept.pop(name, None)
    else:
        kept = {k: v for k, v in known.items() if k not in affected}
    if unknowns and Unknown in map(type, kept.values()):
        return {k: v for k, v in kept.items() if type(v) is not Unknown}
    return kept


def _conflict(reg: Regulation, a: CategoryDef, b: CategoryDef, why: str) -> DecisionError:
    pa = reg.source.position(("categories", a.name), key=True)
    return DecisionError("MW606", f"categories {a.name!r} (line {pa.line}) and {b.name!r} both "
                         f"apply to this case; {why}", path=f"categories.{b.name}",
                         position=reg.source.position(("categories", b.name), key=True))


_DECIDERS: weakref.WeakKeyDictionary[Regulation, Decider] = weakref.WeakKeyDictionary()
_IN_LIBRARY: weakref.WeakKeyDictionary[Library, weakref.WeakKeyDictionary[Regulation, Decider]] = (
    weakref.WeakKeyDictionary())


def decider(reg: Regulation, library: Library | None = None) -> Decider:
    """The (cached) decider of a regulation; with a library, one that decides through the
    regulations it uses."""
    if library is None or not reg.references():
        cache = _DECIDERS
    else:
        cache = _IN_LIBRARY.setdefault(library, weakref.WeakKeyDictionary())
    found = cache.get(reg)
    if found is None:
        found = Decider(reg, library)
        cache[reg] = found
    return found


def decide(reg: Regulation, day: dt.date, inputs: Mapping[str, Any], *,
           assessment: AssessmentRecord | None = None, deviations: Sequence[Deviation] = (),
           considerations: Sequence[Consideration] = (), library: Library | None = None,
           upstream: Mapping[str, Upstream] | None = None) -> Decision:
    """Decide one case under ``reg`` on reference date ``day``; with a ``library``, its inputs
    that are outputs of other regulations are decided by them."""
    return decider(reg, library).decide(day, inputs, assessment=assessment,
                                        deviations=deviations, considerations=considerations,
                                        upstream=upstream)
