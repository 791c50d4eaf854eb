"""Deciding through a chain of regulations: inputs that are outputs of other regulations.

An input declared ``output_of`` is decided by the regulation it names, for the same subject, on
the reference date its rule gives (the same date, or a formula over ``peildatum`` such as
``date(year(peildatum), 1, 1)``). That regulation is found in a ``Library`` and decided like any
other, with its own layers, categories, hardship clauses and receipt; the using regulation takes
its final value of the output, and the decision keeps the referenced decision as a ``Link``.

Names. A case under a regulation that uses others is given its own facts and, under their own
names, the facts of the regulations it uses (and of the ones those use): a fact with one name is
one fact, shared. A reference's ``inputs`` maps another regulation's input to an input of this
one where the names differ. The values that are outputs are never given: they are decided.

A referenced decision that is refused refuses the case, naming the regulation; an output it
cannot decide makes the input missing, and the decision lists what that output waits for, in
the case's names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol

from maatwerk.engine.compile import Compiler, Env, EvalProblem, Fn
from maatwerk.engine.decision import Decision
from maatwerk.spec.errors import DecisionError
from maatwerk.spec.library import Library
from maatwerk.spec.model import InputDef, Reference, Regulation
from maatwerk.spec.records import AssessmentRecord, Consideration, Deviation
from maatwerk.spec.source import dotted
from maatwerk.spec.typecheck import suggest

_ACTIVE: ContextVar[tuple[str, ...]] = ContextVar("maatwerk_chain", default=())


@dataclass(frozen=True)
class Upstream:
    """Discretion records of a case under a regulation the decided one uses."""

    assessment: AssessmentRecord | None = None
    deviations: Sequence[Deviation] = ()
    considerations: Sequence[Consideration] = ()


class Deciding(Protocol):
    def decide(self, day: dt.date, inputs: Mapping[str, Any], *,
               assessment: AssessmentRecord | None = None,
               deviations: Sequence[Deviation] = (),
               considerations: Sequence[Consideration] = (),
               upstream: Mapping[str, Upstream] | None = None) -> Decision: ...


@dataclass(frozen=True)
class Link:
    """One step of a chain: an input of the decided regulation, decided by another one."""

    input: str
    reference: Reference
    decision: Decision  # the referenced regulation's own decision
    waiting: tuple[str, ...] = ()  # what its output still needs, in the case's names

    @property
    def output(self) -> str:
        return self.reference.output

    @property
    def known(self) -> bool:
        return self.reference.output in self.decision.outputs

    @property
    def value(self) -> Any:
        return self.decision.outputs.get(self.reference.output)

    @property
    def deciding_layer(self) -> str | None:
        """The layer of the referenced decision that determined the output."""
        return self.decision.deciding_layer.get(self.reference.output)


def expand(names: Iterable[str], waiting: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """Missing names with each input that is an output replaced by what that output waits for
    (in order, each name once)."""
    out: dict[str, None] = {}
    for name in names:
        for found in waiting.get(name) or (name,):
            out.setdefault(found, None)
    return tuple(out)


def reference_day(reg: Regulation, name: str, ref: Reference, day: dt.date,
                  rule: Fn | None) -> dt.date:
    """The reference date of ``ref`` for a decision on ``day``."""
    if rule is None or ref.peildatum is None:
        return day
    try:
        found = rule(Env({}, {}, day))
    except EvalProblem as problem:
        path = problem.formula.path
        raise DecisionError(problem.code, f"the reference date of input {name!r}: "
                            f"{problem.message}", path=dotted(path),
                            position=reg.source.position_in(path, problem.span[0]),
                            got=problem.got) from None
    assert isinstance(found, dt.date)
    return found


def date_rules(reg: Regulation) -> dict[str, Fn]:
    """The compiled reference date rules of ``reg``'s references that have one."""
    compiler = Compiler({}, frozenset(), partial=False)
    return {name: compiler.formula(ref.peildatum, name)
            for name, ref in reg.references().items() if ref.peildatum is not None}


class Chain:
    """Decides the inputs of one regulation that are outputs of other regulations."""

    def __init__(self, reg: Regulation, library: Library,
                 decider_for: Callable[[Regulation], Deciding]) -> None:
        self.reg = reg
        self.library = library
        self.decider_for = decider_for
        self.references = reg.references()
        self.rules = date_rules(reg)

    def facts(self) -> Mapping[str, InputDef]:
        """The facts a case gives: this regulation's own and, under their names, those of the
        regulations it uses."""
        return self.library.namespace(self.reg)

    def check_names(self, inputs: Mapping[str, Any]) -> None:
        """Refuse a name that no regulation of the chain has, and a value given for an output
        (MW602), naming every such name at once."""
        names = self.facts()
        problems: list[tuple[str, str]] = []
        for name in inputs:
            if name in self.references:
                ref = self.references[name]
                problems.append((name, f"{name!r} is the output of {ref}: it is decided, not "
                                       f"given; give the inputs of {ref.regulation} instead"))
            elif name not in names:
                used = ", ".join(sorted({r.regulation for r in self.references.values()}))
                problems.append((name, f"{name!r} is not an input of {self.reg.id} nor of the "
                                       f"regulations it uses ({used})"
                                       f"{suggest(name, list(names))}"))
        if len(problems) == 1:
            raise DecisionError("MW602", problems[0][1], path=f"inputs.{problems[0][0]}",
                                got=problems[0][0])
        if problems:
            raise DecisionError("MW602", f"{len(problems)} inputs are unknown: "
                                + "; ".join(message for _, message in problems), path="inputs")

    def _sub_inputs(self, other: Regulation, ref: Reference,
                    inputs: Mapping[str, Any]) -> dict[str, Any]:
        names = self.library.namespace(other)
        sub = {n: v for n, v in inputs.items() if n in names and n not in ref.inputs}
        for theirs, ours in ref.inputs.items():
            if ours in inputs:
                sub[theirs] = inputs[ours]
        return sub

    def links(self, day: dt.date, inputs: Mapping[str, Any],
              upstream: Mapping[str, Upstream]) -> tuple[dict[str, Any], tuple[Link, ...]]:
        """Decide every referenced output: the values that are known, and the links."""
        values: dict[str, Any] = {}
        links: list[Link] = []
        done: dict[tuple[Regulation, dt.date, tuple[tuple[str, str], ...]], Decision] = {}
        for name, ref in self.references.items():
            when = reference_day(self.reg, name, ref, day, self.rules.get(name))
            other = self.library.resolve(self.reg, ref, when)
            key = (other, when, tuple(sorted(ref.inputs.items())))
            decision = done.get(key)
            if decision is None:
                decision = self._decide(name, ref, other, when, inputs, upstream)
                done[key] = decision
            waiting: tuple[str, ...] = ()
            if ref.output in decision.outputs:
                values[name] = decision.outputs[ref.output]
            else:
                waiting = tuple(ref.inputs.get(n, n)  # in the case's names
                                for n in decision.pending.get(ref.output, ()))
            links.append(Link(name, ref, decision, waiting))
        return values, tuple(links)

    def _decide(self, name: str, ref: Reference, other: Regulation, when: dt.date,
                inputs: Mapping[str, Any], upstream: Mapping[str, Upstream]) -> Decision:
        records = upstream.get(other.id, Upstream())
        active = (*_ACTIVE.get(), self.reg.id)
        if other.id in active:  # maatwerk check reports it; never recurse without end
            cycle = " → ".join((*active[active.index(other.id):], other.id))
            raise DecisionError("MW411", f"regulations use each other's outputs in a cycle: "
                                f"{cycle}", path=dotted(ref.path),
                                position=self.reg.source.position(ref.path), got=str(ref))
        token = _ACTIVE.set(active)
        try:
            return self.decider_for(other).decide(
                when, self._sub_inputs(other, ref, inputs), assessment=records.assessment,
                deviations=records.deviations, considerations=records.considerations,
                upstream=upstream)
        except DecisionError as exc:
            if exc.code == "MW411":  # it names the whole cycle already
                raise
            raise DecisionError(exc.code, f"{other.id} {other.version}, which decides input "
                                f"{name!r} of {self.reg.id}, refused the case: {exc.message}",
                                path=exc.path, position=exc.position, got=exc.got) from None
        finally:
            _ACTIVE.reset(token)

    def finish(self, decision: Decision, links: tuple[Link, ...]) -> Decision:
        """The decision with its links, and what is missing in the case's names."""
        waiting = {link.input: link.waiting for link in links if not link.known}
        decision.links = links
        if waiting:
            decision.missing = expand(decision.missing, waiting)
            decision.pending = {o: expand(names, waiting)
                                for o, names in decision.pending.items()}
        return decision
