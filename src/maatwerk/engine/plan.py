"""Plans: a regulation fixed to a reference date and a set of categories, ready to run.

Between two change dates (a parameter value or rule version starting) nothing in a regulation
changes, so a plan is compiled once per period and per combination of categories and then reused.
``Plan.explain()`` prints what a plan will compute: each rule's formula in force, with the
parameter values and the categories that changed them.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from maatwerk.engine.compile import NOT_SET, Compiler, Env, Fn, ParamUse
from maatwerk.spec import ir
from maatwerk.spec.errors import DecisionError
from maatwerk.spec.model import CategoryDef, Formula, ParameterDef, Regulation
from maatwerk.spec.source import dotted
from maatwerk.spec.values import to_json


def _use(reg: Regulation, param: ParameterDef, day: dt.date, category: str | None) -> ParamUse:
    value = param.at(day)
    if value is None:
        first = param.values[0].valid_from
        where = f" (set by category {category!r})" if category else ""
        base = ("categories", category) if category else ()
        path = (*base, "parameters", param.name, "values", 0, "from")
        raise DecisionError("MW604", f"the parameter has no value on {day}{where}; its first "
                            f"value is from {first}", path=dotted(path),
                            position=reg.source.position(path), got=str(day))
    return ParamUse(param.name, value.value, value.valid_from, value.reference, param.provenance,
                    category, None, value.note)


class Plan:
    """The compiled rules of one regulation for one period and one set of categories."""

    def __init__(self, reg: Regulation, day: dt.date,
                 categories: Sequence[CategoryDef] = ()) -> None:
        self.reg = reg
        self.day = day
        self.categories = tuple(categories)
        params = {name: _use(reg, p, day, None) for name, p in reg.parameters.items()}
        formulas: dict[str, Formula] = {}
        for name, rule in reg.rules.items():
            formula = rule.at(day)
            assert formula is not None, name  # checked: a version covers the validity start
            formulas[name] = formula
        self.overridden: dict[str, str] = {}
        for cat in self.categories:  # in order: a later category wins
            for name, p in cat.parameters.items():
                params[name] = _use(reg, p, day, cat.name)
                self.overridden[name] = cat.name
            for name, override in cat.rules.items():
                formulas[name] = override.formula
                self.overridden[name] = cat.name
        self.params = self._statutory(params)
        self.formulas = formulas
        self.inputs = frozenset(reg.inputs) | frozenset(reg.assessed())
        self.funcs = self._compile(partial=False)
        self._partial: dict[str, Fn] | None = None
        self.conditions: dict[str, Fn] = {}
        if not self.categories:
            compiler = Compiler(self.params, self.inputs, partial=False)
            self.conditions = {c.name: compiler.formula(c.when, c.name)
                               for c in reg.categories.values()}
        self._partial_conditions: dict[str, Fn] | None = None
        self.extras: dict[int, tuple[Fn, frozenset[str] | None]] = {}

    def _statutory(self, params: dict[str, ParamUse]) -> dict[str, ParamUse]:
        out = dict(params)
        compiler = Compiler(params, frozenset(), partial=False)
        for name, use in params.items():
            definition = self.reg.parameters[name]
            if definition.statutory is None:
                continue
            value = compiler.formula(definition.statutory, name)(Env({}, {}, self.day))
            out[name] = ParamUse(use.name, use.value, use.valid_from, use.reference,
                                 use.provenance, use.category, value, use.note)
        return out

    def _compile(self, partial: bool) -> dict[str, Fn]:
        compiler = Compiler(self.params, self.inputs, partial,
                            inline=None if partial else self.formulas)
        funcs: dict[str, Fn] = {name: compiler.formula(f, name)
                                for name, f in self.formulas.items()}
        for name, table in self.reg.tables.items():
            funcs[name] = compiler.table(table)
        for name in self.reg.assessed():
            funcs[name] = compiler.reader(name)
        return funcs

    def extra(self, formula: Formula, names: frozenset[str],
              owner: str) -> tuple[Fn, frozenset[str] | None]:
        """A formula outside the rules (a bound, the assessment's frame) that also reads
        ``names`` from the case; compiled once per plan. With it what it reads besides parameters
        and ``peildatum`` when that is among ``names`` only (no input, rule or table), else None.
        """
        key = id(formula)
        found = self.extras.get(key)
        if found is None:
            fn = Compiler(self.params, self.inputs | names, partial=False).formula(formula, owner)
            reads = frozenset(ir.names(formula.expr)) - self.params.keys()
            if "peildatum" not in self.inputs:  # else it is an input of the case
                reads -= {"peildatum"}
            found = (fn, reads if reads <= names else None)
            self.extras[key] = found
        return found

    def outputs(self, env: Env) -> dict[str, Any]:
        """The outputs of the regulation evaluated in ``env``, as ``env.get`` evaluates each."""
        known, funcs = env.values, env.funcs
        out: dict[str, Any] = {}
        for name in self.reg.outputs:
            value = known.get(name, NOT_SET)
            if value is NOT_SET:
                value = known[name] = funcs[name](env)
            out[name] = value
        return out

    @property
    def partial(self) -> dict[str, Fn]:
        if self._partial is None:
            self._partial = self._compile(partial=True)
        return self._partial

    @property
    def partial_conditions(self) -> dict[str, Fn]:
        if self._partial_conditions is None:
            compiler = Compiler(self.params, self.inputs, partial=True)
            self._partial_conditions = {c.name: compiler.formula(c.when, c.name)
                                        for c in self.reg.categories.values()}
        return self._partial_conditions

    def explain(self) -> str:
        """The plan as text: the period, the categories, every rule and parameter in force."""
        reg = self.reg
        lines = [f"plan {reg.id} {reg.version} on {self.day}"]
        if self.categories:
            lines.append("categories: " + ", ".join(c.name for c in self.categories))
        lines.append("parameters:")
        for name, use in self.params.items():
            by = f"  [category {use.category}]" if use.category else ""
            stat = (f"  (statutory: {to_json(use.statutory)})" if use.statutory is not None
                    else "")
            lines.append(f"  {name} = {_show(use.value)} from {use.valid_from}{stat}{by}")
        lines.append("rules (in order of evaluation):")
        for name in reg.order:
            if name in self.formulas:
                by = f"  [category {self.overridden[name]}]" if name in self.overridden else ""
                text = ir.render(self.formulas[name].expr)
                lines.append(f"  {name} = {text}{by}")
            else:
                table = reg.tables[name]
                lines.append(f"  {name} = table ({table.hit_policy}, {len(table.rows)} rows)")
        lines.append("outputs: " + ", ".join(reg.outputs))
        return "\n".join(lines)


def _show(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {to_json(v)}" for k, v in value.items()) + "}"
    return str(to_json(value))


class Plans:
    """The plans of one regulation, compiled on first use and kept."""

    def __init__(self, reg: Regulation) -> None:
        self.reg = reg
        self.dates = reg.change_dates()
        self._cache: dict[tuple[int, tuple[str, ...]], Plan] = {}
        self._by_day: dict[dt.date, Plan] = {}

    def get(self, day: dt.date, categories: Sequence[CategoryDef] = ()) -> Plan:
        if not categories:
            found = self._by_day.get(day)
            if found is not None:
                return found
        period = bisect.bisect_right(self.dates, day)
        key = (period, tuple(c.name for c in categories))
        plan = self._cache.get(key)
        if plan is None:
            plan = Plan(self.reg, day, categories)
            self._cache[key] = plan
        if not categories and len(self._by_day) < 4096:
            self._by_day[day] = plan
        return plan
