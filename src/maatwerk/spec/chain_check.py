"""Checking a regulation's references to other regulations against a library.

For every input declared ``output_of``: the regulation is found (MW409) and is not ambiguous
(MW410); it has the output (MW412), whose type fits the input (MW413); every mapped input is one
of its inputs (MW412) and fits (MW413); a fact the regulations share has one type (MW413); and
the regulations do not use each other's outputs in a cycle (MW411), which is named in full. The
names a test gives that belong to a regulation used are checked last (MW501, MW502).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from maatwerk.spec.errors import SpecError
from maatwerk.spec.graph import find_cycle, reachable
from maatwerk.spec.library import Library, validity
from maatwerk.spec.model import InputDef, Reference, Regulation
from maatwerk.spec.source import PathT, dotted
from maatwerk.spec.typecheck import suggest
from maatwerk.spec.types import Type
from maatwerk.spec.values import ValueProblem, coerce


def fit(given: Type, wanted: Type) -> str | None:
    """Why a value of type ``given`` cannot stand where ``wanted`` is expected (None: it can)."""
    if given == wanted or (given.kind == wanted.kind and given.kind != "enum"):
        return None
    if (given.kind, wanted.kind) in (("integer", "decimal"), ("enum", "text")):
        return None
    if given.kind == wanted.kind == "enum":
        extra = [v for v in given.values if v not in wanted.values]
        if not extra:
            return None
        return (f"it can be {', '.join(map(repr, extra))}, which the input does not allow "
                f"(its values: {', '.join(wanted.values)})")
    return f"it is {given}, not {wanted}"


def same(a: Type, b: Type) -> bool:
    """Whether two declarations of one shared fact agree."""
    return a.kind == b.kind and (a.kind != "enum" or set(a.values) == set(b.values))


class _Checker:
    def __init__(self, reg: Regulation, library: Library) -> None:
        self.reg = reg
        self.library = library
        self.errors: list[SpecError] = []
        self.facts = {n: i for n, i in reg.inputs.items() if i.reference is None}
        self.shared: dict[str, tuple[InputDef, str]] = {}  # passed on: definition, whose

    def error(self, code: str, message: str, path: PathT, got: Any = None,
              key: bool = False) -> None:
        self.errors.append(SpecError(code, message, path=dotted(path), got=got,
                                     position=self.reg.source.position(path, key=key)))

    def found(self, ref: Reference) -> list[Regulation]:
        """The regulations a reference names, after reporting a missing or ambiguous one."""
        candidates = self.library.find(ref.regulation, ref.version)
        if not candidates:
            self.error("MW409", self.library.not_found(ref), (*ref.path, "regulation"),
                       ref.regulation)
            return []
        for i, a in enumerate(candidates):
            for b in candidates[i + 1:]:
                if _overlap(a, b):
                    self.error("MW410", f"{ref.regulation} is ambiguous: version {a.version} "
                               f"({_name(a)}, {validity(a)}) and version {b.version} "
                               f"({_name(b)}, {validity(b)}) both apply on "
                               f"{max(a.valid_from, b.valid_from)}; remove one, or pin one "
                               "with 'version'", (*ref.path, "regulation"), ref.regulation)
                    return []
        return candidates

    def output(self, name: str, ref: Reference, other: Regulation) -> None:
        if ref.output not in other.outputs:
            self.error("MW412", f"{ref.output!r} is not an output of {other.id} "
                       f"{other.version} (its outputs: {', '.join(other.outputs)})"
                       f"{suggest(ref.output, list(other.outputs))}", (*ref.path, "output"),
                       ref.output)
            return
        problem = fit(other.type_of(ref.output), self.reg.inputs[name].type)
        if problem:
            self.error("MW413", f"{ref} does not fit the input {name!r}: {problem}",
                       ("inputs", name, "type"), str(self.reg.inputs[name].type))

    def mapping(self, ref: Reference, other: Regulation) -> None:
        theirs = self.library.namespace(other)
        for key, ours in ref.inputs.items():
            at = (*ref.path, "inputs", key)
            if key not in theirs:
                self.error("MW412", f"{key!r} is not an input of {other.id} (nor of the "
                           f"regulations it uses){suggest(key, list(theirs))}", at, key,
                           key=True)
                continue
            problem = fit(self.facts[ours].type, theirs[key].type)
            if problem:
                self.error("MW413", f"{ours!r} cannot be {other.id}'s input {key!r}: "
                           f"{problem}", at, ours)

    def passed_on(self, ref: Reference, other: Regulation) -> None:
        """The facts passed on to ``other`` under their own names have one type each."""
        for name, definition in self.library.namespace(other).items():
            if name in ref.inputs:
                continue
            mine = self.facts.get(name)
            earlier = self.shared.get(name)
            if mine is not None and not same(mine.type, definition.type):
                self.error("MW413", f"{name!r} is also an input of {other.id}, as "
                           f"{definition.type}; a fact regulations share has one type (if "
                           f"they are different facts, map {other.id}'s {name!r} to another "
                           "input with 'inputs')", ("inputs", name, "type"), str(mine.type))
            elif earlier is not None and not same(earlier[0].type, definition.type):
                self.error("MW413", f"{name!r} is an input of {earlier[1]} as "
                           f"{earlier[0].type} and of {other.id} as {definition.type}; a "
                           "fact regulations share has one type", ref.path, name)
            else:
                self.shared.setdefault(name, (definition, other.id))

    def cycle(self) -> None:
        graph: dict[str, frozenset[str]] = {}
        pending = [self.reg.id]
        while pending:
            rid = pending.pop()
            if rid in graph:
                continue
            regs = [self.reg] if rid == self.reg.id else self.library.find(rid)
            graph[rid] = frozenset(r.regulation for reg in regs
                                   for r in reg.references().values())
            pending += graph[rid]
        found = find_cycle(graph)
        if not found:
            return
        if self.reg.id in found:
            start = found.index(self.reg.id)
            found = [*found[start:-1], *found[:start], self.reg.id]
        for ref in self.reg.references().values():
            if set(reachable(graph, [ref.regulation])) & set(found):
                on = self.reg.id in found
                self.error("MW411", ("regulations use each other's outputs in a cycle: " if on
                                     else f"{ref.regulation} depends on regulations that use "
                                     "each other's outputs in a cycle: ") + " → ".join(found),
                           (*ref.path, "regulation"), ref.regulation)
                return

    def tests(self) -> None:
        names = self.library.namespace(self.reg)
        used = sorted({r.regulation for r in self.reg.references().values()})
        for case in self.reg.tests:
            for chained in case.chained:
                definition = names.get(chained.name)
                if definition is None:
                    self.errors.append(SpecError(
                        "MW501", f"{chained.name!r} is not an input of {self.reg.id} nor of "
                        f"the regulations it uses ({', '.join(used)})"
                        f"{suggest(chained.name, list(names))}", path=chained.path,
                        position=chained.position, got=chained.name))
                elif chained.section == "inputs":
                    try:
                        coerce(case.inputs[chained.name], definition.type)
                    except ValueProblem as exc:
                        self.errors.append(SpecError(
                            "MW502", str(exc), path=chained.path, position=chained.position,
                            got=case.inputs[chained.name]))


def _overlap(a: Regulation, b: Regulation) -> bool:
    a_end, b_end = a.valid_until, b.valid_until
    return (b_end is None or a.valid_from <= b_end) and (a_end is None or b.valid_from <= a_end)


def _name(reg: Regulation) -> str:
    file = reg.source.file.replace("\\", "/").split("/")
    return file[-2] if file[-1] == "regulation.yaml" and len(file) > 1 else file[-1]


def check_references(reg: Regulation, library: Library) -> list[SpecError]:
    """Every problem of ``reg``'s references to other regulations, in file order."""
    checker = _Checker(reg, library)
    references: Mapping[str, Reference] = reg.references()
    for name, ref in references.items():
        for other in checker.found(ref):
            checker.output(name, ref, other)
            checker.mapping(ref, other)
            checker.passed_on(ref, other)
    if references and not checker.errors:
        checker.cycle()
    if not checker.errors:
        checker.tests()
    return checker.errors
