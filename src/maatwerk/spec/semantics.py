"""The meaning checks of a regulation: names, cycles, types, reachability and templates."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from maatwerk.spec import ir, schema
from maatwerk.spec.builtins import BUILTINS
from maatwerk.spec.errors import SpecError
from maatwerk.spec.graph import find_cycle, reachable, topological
from maatwerk.spec.model import (
    AssessmentDef,
    CategoryDef,
    Formula,
    HardshipDef,
    InputDef,
    ParameterDef,
    RowDef,
)
from maatwerk.spec.semantics_discretion import check_discretion
from maatwerk.spec.source import dotted
from maatwerk.spec.typecheck import BUILTIN_NAMES, Checker, Fault, Symbol, suggest, unknown_name
from maatwerk.spec.types import INTEGER, SIMPLE, Type, Typed, TypeProblem, fits, unify

if TYPE_CHECKING:
    from maatwerk.spec.builder import Builder

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
RuleParts = tuple[schema.Rule, tuple[Formula, ...]]
TableParts = tuple[schema.Table, tuple[RowDef, ...], Formula | None]


class Semantics:
    def __init__(self, builder: Builder, doc: schema.Regulation, inputs: Mapping[str, InputDef],
                 parameters: Mapping[str, ParameterDef], rules: Mapping[str, RuleParts],
                 tables: Mapping[str, TableParts], categories: Mapping[str, CategoryDef],
                 hardship: Mapping[str, HardshipDef] | None = None,
                 assessment: AssessmentDef | None = None) -> None:
        self.b = builder
        self.doc = doc
        self.inputs = inputs
        self.parameters = parameters
        self.rules = rules
        self.tables = tables
        self.categories = categories
        self.hardship = hardship or {}
        self.assessment = assessment
        self.types: dict[str, Type] = {}
        self.scope: dict[str, Symbol] = {}
        for name, inp in inputs.items():
            self.scope[name] = Symbol("input", inp.type)
        for name, par in parameters.items():
            self.scope[name] = Symbol("parameter", par.type, par.keys)
        for name in rules:
            self.scope[name] = Symbol("rule", None)
        for name in tables:
            self.scope[name] = Symbol("table", None)
        if assessment is not None:
            for name, type_ in ((assessment.provision, assessment.provision_type),
                                (assessment.amount, assessment.amount_type)):
                if name in self.scope:
                    builder.error("MW205", f"{name!r} is already declared in the regulation; "
                                  "the assessment's outcome needs names of its own",
                                  ("assessment", "outcome"), got=name)
                self.scope[name] = Symbol("assessment", type_)
            for name in assessment.questions:
                if name in self.scope:
                    builder.error("MW205", f"the question {name!r} has the name of a declared "
                                  f"{self.scope[name].kind}", ("assessment", "domains"), got=name)

    # -- helpers ---------------------------------------------------------------------------------

    def fault(self, fault: Fault, formula: Formula) -> None:
        self.b.errors.append(SpecError(
            fault.code, fault.message, path=dotted(formula.path),
            position=self.b.source.position_in(formula.path, fault.span[0]), got=fault.got))

    def _formulas(self) -> Iterator[tuple[str, Formula]]:
        """Every formula with the name of what it defines ('' for category conditions)."""
        for name, (_, formulas) in self.rules.items():
            for f in formulas:
                yield name, f
        for name, (_, rows, otherwise) in self.tables.items():
            for row in rows:
                yield name, row.when
                yield name, row.then
            if otherwise:
                yield name, otherwise
        for cat in self.categories.values():
            yield "", cat.when
            for rname, override in cat.rules.items():
                yield rname, override.formula

    # -- phases ----------------------------------------------------------------------------------

    def run(self) -> tuple[dict[str, Type], dict[str, Type], dict[str, frozenset[str]]]:
        self._resolve()
        self.b.raise_if_errors()
        deps = self._dependencies()
        self._cycles(deps)
        self.b.raise_if_errors()
        self._infer(deps)
        self.b.raise_if_errors()
        extra_roots = check_discretion(self)
        self.b.raise_if_errors()
        self._outputs()
        self._reachability(deps, extra_roots)
        self._templates()
        self.b.raise_if_errors()
        rule_types = {n: self.types[n] for n in self.rules}
        table_types = {n: self.types[n] for n in self.tables}
        return rule_types, table_types, deps

    def _resolve(self) -> None:
        for _, formula in self._formulas():
            self._resolve_one(formula, self.scope)
        params_only = {n: s for n, s in self.scope.items() if s.kind == "parameter"}
        for name, par in self.parameters.items():
            if par.statutory is not None:
                self._resolve_one(par.statutory, params_only, f"the statutory derivation of "
                                  f"{name!r} may use parameters only")

    def _resolve_one(self, formula: Formula, scope: Mapping[str, Symbol],
                     restriction: str = "") -> None:
        for node in ir.walk(formula.expr):
            if isinstance(node, ir.Name) and node.name not in scope and (
                    restriction or node.name not in BUILTIN_NAMES):
                if restriction and node.name in self.scope:
                    self.fault(Fault("MW302", restriction, node.span, node.name), formula)
                else:
                    self.fault(unknown_name(node, scope), formula)
                return
            if isinstance(node, ir.Call) and node.func not in BUILTINS:
                if node.func in scope:
                    fault = Fault("MW303", f"{node.func!r} is not a function; use it as a name "
                                  "without brackets", node.span, node.func)
                else:
                    fault = Fault("MW303", f"unknown function {node.func!r}"
                                  f"{suggest(node.func, sorted(BUILTINS))}", node.span, node.func)
                self.fault(fault, formula)
                return

    def _dependencies(self) -> dict[str, frozenset[str]]:
        deps: dict[str, set[str]] = {n: set() for n in (*self.rules, *self.tables)}
        for name, (_, formulas) in self.rules.items():
            for f in formulas:
                deps[name] |= ir.names(f.expr)
        for name, (_, rows, otherwise) in self.tables.items():
            for row in rows:
                deps[name] |= ir.names(row.when.expr) | ir.names(row.then.expr)
            if otherwise:
                deps[name] |= ir.names(otherwise.expr)
        return {n: frozenset(d & self.scope.keys()) for n, d in deps.items()}

    def _cycles(self, deps: dict[str, frozenset[str]]) -> None:
        cycle = find_cycle(deps)
        if cycle:
            path = ("rules", cycle[0]) if cycle[0] in self.rules else ("tables", cycle[0])
            self.b.error("MW401", "these depend on each other in a cycle: "
                         + " → ".join(cycle), path, key=True)
            return
        for cat in self.categories.values():
            if not cat.rules:
                continue
            graph = dict(deps)
            for rname, override in cat.rules.items():
                graph[rname] = frozenset(ir.names(override.formula.expr) & self.scope.keys())
            cycle = find_cycle(graph)
            if cycle:
                self.b.error("MW401", f"with category {cat.name!r} these depend on each other "
                             "in a cycle: " + " → ".join(cycle), ("categories", cat.name),
                             key=True)

    def check(self, formula: Formula, extra: Mapping[str, Symbol] | None = None) -> Typed | None:
        """The type of a formula, or None after reporting its problem."""
        scope = {**self.scope, **extra} if extra else self.scope
        try:
            return Checker(scope).infer(formula.expr)
        except Fault as fault:
            self.fault(fault, formula)
            return None

    def _infer(self, deps: dict[str, frozenset[str]]) -> None:
        for name in topological(deps):
            if name in self.rules:
                self._infer_rule(name)
            else:
                self._infer_table(name)
            if name in self.types:
                self.scope[name] = Symbol(self.scope[name].kind, self.types[name])
            else:
                return  # later formulas would report follow-on errors
        for cat in self.categories.values():
            self._infer_category(cat)
        for par in self.parameters.values():
            if par.statutory is None:
                continue
            found = self.check(par.statutory)
            if found is not None and not fits(found, par.type):
                self.b.error("MW408", f"the statutory derivation gives {found.type}, but the "
                             f"parameter is {par.type}", par.statutory.path, got=str(found.type))

    def _declared(self, section: str, name: str, kind: str | None,
                  values: Mapping[str, object] | None) -> Type | None:
        """The declared type: ``type``, or an enumeration of ``values``."""
        if values is None:
            return SIMPLE[kind] if kind else None
        if kind not in (None, "text"):
            self.b.error("MW203", f"'values' makes {name!r} an enumeration; it cannot also be "
                         f"{kind}", (section, name, "type"), got=kind)
        return Type("enum", tuple(values), name)

    def _enum_results(self, formula: Formula, declared: Type | None) -> None:
        """Every text a formula can result in must be one of the enumeration's values."""
        if declared is None or declared.kind != "enum":
            return
        stack = [formula.expr]
        while stack:
            node = stack.pop()
            if isinstance(node, ir.If):
                stack += [node.then, node.other]
            elif isinstance(node, ir.Lit) and str(node.value) not in declared.values:
                self.fault(Fault("MW307", f"{node.value!r} is not a value of {declared.name}; "
                                 f"expected one of: {', '.join(declared.values)}"
                                 f"{suggest(str(node.value), list(declared.values))}",
                                 node.span, str(node.value)), formula)

    def _infer_rule(self, name: str) -> None:
        spec, formulas = self.rules[name]
        declared = self._declared("rules", name, spec.type, spec.values)
        result: Typed | None = None
        for f in formulas:
            found = self.check(f)
            if found is None:
                return
            if declared is not None and not fits(found, declared):
                self.b.error("MW408", f"the rule is declared as {declared}, but its formula "
                             f"gives {found.type}", f.path, got=str(found.type))
                return
            self._enum_results(f, declared)
            if result is None:
                result = found
            else:
                try:
                    result = unify(result, found, "the versions of the rule")
                except TypeProblem as exc:
                    self.b.error("MW304", str(exc), f.path)
                    return
        if result is not None:
            self.types[name] = declared or result.type

    def _infer_table(self, name: str) -> None:
        spec, rows, otherwise = self.tables[name]
        result: Typed | None = None
        for row in rows:
            cond = self.check(row.when)
            if cond is not None and cond.type.kind != "bool":
                self.b.error("MW304", f"a row's condition must be true or false, not "
                             f"{cond.type}", row.when.path, got=str(cond.type))
            found = self.check(row.then)
            if found is None or cond is None:
                return
            try:
                result = found if result is None else unify(result, found, "the rows' values")
            except TypeProblem as exc:
                self.b.error("MW304", str(exc), row.then.path)
                return
        if otherwise is not None and result is not None:
            found = self.check(otherwise)
            if found is None:
                return
            try:
                result = unify(result, found, "the rows and 'otherwise'")
            except TypeProblem as exc:
                self.b.error("MW304", str(exc), otherwise.path)
                return
        assert result is not None
        declared = self._declared("tables", name, spec.type, spec.values)
        for row in rows:
            self._enum_results(row.then, declared)
        if otherwise is not None:
            self._enum_results(otherwise, declared)
        if spec.aggregate == "count":
            self.types[name] = INTEGER
            return
        if spec.aggregate and result.type.kind not in ("integer", "decimal", "money"):
            self.b.error("MW304", f"'{spec.aggregate}' needs numbers or amounts, the rows give "
                         f"{result.type}", ("tables", name, "aggregate"))
            return
        if declared is not None and not fits(result, declared):
            self.b.error("MW408", f"the table is declared as {declared}, but its rows give "
                         f"{result.type}", ("tables", name), key=True, got=str(result.type))
            return
        self.types[name] = declared or result.type

    def _infer_category(self, cat: CategoryDef) -> None:
        cond = self.check(cat.when)
        if cond is not None and cond.type.kind != "bool":
            self.b.error("MW304", f"a category's condition must be true or false, not "
                         f"{cond.type}", cat.when.path, got=str(cond.type))
        for rname, override in cat.rules.items():
            found = self.check(override.formula)
            want = self.types.get(rname)
            if found is not None and want is not None and not fits(found, want):
                self.b.error("MW406", f"the override gives {found.type}, but rule {rname!r} is "
                             f"{want}", override.formula.path, got=str(found.type))

    def _outputs(self) -> None:
        for i, name in enumerate(self.doc.outputs):
            if name not in self.rules and name not in self.tables and not (
                    name in self.scope and self.scope[name].kind == "assessment"):
                kind = self.scope[name].kind if name in self.scope else None
                detail = (f"it is an {kind}" if kind == "input" else f"it is a {kind}"
                          ) if kind else f"unknown name{suggest(name, sorted(self.rules))}"
                self.b.error("MW302", f"an output must be a rule or table; {detail}",
                             ("outputs", i), got=name)

    def _reachability(self, deps: dict[str, frozenset[str]], extra: set[str]) -> None:
        roots: set[str] = set(self.doc.outputs) | extra
        for cat in self.categories.values():
            roots |= ir.names(cat.when.expr)
            for override in cat.rules.values():
                roots |= ir.names(override.formula.expr)
        used = reachable(deps, roots)
        for section, names in (("rules", self.rules), ("tables", self.tables)):
            for name in names:
                if name not in used:
                    self.b.error("MW402", f"{name!r} is not used by any output, category or "
                                 "table; list it under 'outputs' or remove it", (section, name),
                                 key=True, got=name)

    def _templates(self) -> None:
        known = set(self.scope) | set(BUILTIN_NAMES)
        places: list[tuple[tuple[str | int, ...], schema.Translations | None]] = []
        for name, (spec, _) in self.rules.items():
            places.append((("rules", name, "explain"), spec.explain))
        for name, (tspec, _, _) in self.tables.items():
            places.append((("tables", name, "explain"), tspec.explain))
        for cname, cspec in self.doc.categories.items():
            for rname, rspec in cspec.rules.items():
                places.append((("categories", cname, "rules", rname, "explain"), rspec.explain))
        for path, text in places:
            if text is None:
                continue
            for lang in ("nl", "en"):
                value = getattr(text, lang)
                for match in PLACEHOLDER.finditer(value or ""):
                    placeholder = match.group(1)
                    if placeholder not in known:
                        lpath = (*path, lang) if (*path, lang) in self.b.source.values else path
                        self.b.error("MW407", f"the template uses {{{placeholder}}}, which is "
                                     f"not a name of this regulation"
                                     f"{suggest(placeholder, sorted(known))}", lpath,
                                     got=placeholder)
