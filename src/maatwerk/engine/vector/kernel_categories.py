"""Categories in the kernel: which categories apply to a row by the regulation's hit policy, and
the category layer, the outputs computed again with the overrides (formulas and parameter
values) of the categories that apply; a rule is computed again only where a category changes
something it depends on.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from maatwerk.engine.vector.columns import TWO_CATEGORIES
from maatwerk.engine.vector.kernel_emit import Block, Scope, Thunk, V, given
from maatwerk.engine.vector.kernel_plan import Unsupported
from maatwerk.engine.vector.kernel_tables import Tables
from maatwerk.spec.graph import reachable
from maatwerk.spec.model import Formula


class Categories(Tables):
    """Rules with the overrides of the categories that apply, and the category layer."""

    def rule(self, name: str, scope: Scope, overrides: Sequence[tuple[str, Formula]] = ()
             ) -> V:
        """A rule or table in a scope; ``overrides`` (applied-flag, formula) in order, a later
        one winning, replace the rule's formula where their category applies."""
        if name in self.reg.tables:
            def base() -> V:
                return self.table(self.reg.tables[name], scope)
        else:
            formula = self.kp.formulas[name]

            def base() -> V:
                return self.expr(formula.expr, scope)
        if not overrides:
            return base()
        arms: list[tuple[str | None, Thunk]] = [
            (flag, partial(self.expr, f.expr, scope))
            for flag, f in reversed(overrides)]
        arms.append((None, base))
        return self.choice(arms)

    def _select(self, conditions: dict[str, V]) -> tuple[dict[str, str], str | None]:
        """Per category, a flag for whether it applies to the row; and the conflict error."""
        reg = self.reg
        member = {}
        for name, c in conditions.items():
            member[name] = self.let(f"{c.val} & ({c.unk} == 0)" if c.unk else c.val, "c")
        applied: dict[str, str] = {}
        conflict = None
        cats = self.kp.categories
        if not cats:
            return applied, None
        if reg.category_policy == "unique":
            count = self.let(" + ".join(f"({member[c.name]} * 1)" for c in cats), "n")
            conflict = self.let(f"({count} > 1) * {TWO_CATEGORIES}", "e")
            for cat in cats:
                applied[cat.name] = self.let(f"{member[cat.name]} & ({count} == 1)",
                                             f"ap_{cat.name}_")
        elif reg.category_policy == "first":
            taken = "False"
            for cat in cats:
                flag = self.let(f"{member[cat.name]} & ({taken} ^ True)", f"ap_{cat.name}_")
                taken = self.let(f"{taken} | {flag}", "c")
                applied[cat.name] = flag
        else:
            pairs = []
            for i, a in enumerate(cats):
                for b in cats[i + 1:]:
                    if a.overrides() & b.overrides() and (a.precedence is None or
                                                          a.precedence == b.precedence):
                        pairs.append(f"({member[a.name]} & {member[b.name]})")
            if pairs:
                conflict = self.let(f"({' | '.join(pairs)}) * {TWO_CATEGORIES}", "e")
            for cat in cats:
                applied[cat.name] = self.let(member[cat.name], f"ap_{cat.name}_")
        return applied, conflict

    def _affected(self) -> set[str]:
        changed: set[str] = set()
        for c in self.kp.categories:
            changed |= c.overrides()
        graph = self.kp.graph
        return {n for n in self.kp.order if reachable(graph, [n]) & changed}

    def _category_layer(self, scope: Scope, applied: dict[str, str]) -> dict[str, V]:
        """Every output with the row's categories applied (the standard value where none
        applies or where no category changes what it depends on)."""
        reg, kp = self.reg, self.kp
        final = {o: scope.names[o] for o in reg.outputs}
        affected = self._affected()
        outputs = [o for o in reg.outputs if o in affected]
        if not applied or not outputs:
            return final
        any_applied = self.let(" | ".join(applied.values()), "c")
        inner = Block()
        computed: dict[str, V] = {}
        with self.into(inner):
            overridden = {p for c in kp.categories for p in c.parameters}
            layered = Scope(dict(scope.names), dict(scope.params),
                            scope.invariant - overridden - affected)
            for name in sorted({p for c in kp.categories for p in c.parameters}):
                layered.params[name] = self._layered_param(name, applied, scope.params[name])
            for name in kp.order:
                if name not in affected:
                    continue
                overrides = [(applied[c.name], c.rules[name].formula) for c in kp.categories
                             if name in c.rules]
                layered.names[name] = self._stable(self.rule(name, layered, overrides),
                                                   f"k_{name}")
            computed = {o: layered.names[o] for o in outputs}
        other = Block()
        for o in outputs:
            target, (to_cat, to_std) = self._merge([computed[o], scope.names[o]])
            with self.into(inner):
                self._assign(target, to_cat)
            with self.into(other):
                self._assign(target, to_std)
            final[o] = target
        self.attach(f"if {any_applied}:", inner)
        self.attach("else:", other)
        self.any_applied = any_applied
        return final

    def _layered_param(self, name: str, applied: dict[str, str],
                       standard: V | dict[str, V]) -> V | dict[str, V]:
        overriders = [c for c in self.kp.categories if name in c.parameters]
        values = {c.name: self.param(self.kp.category_params[c.name][name]) for c in overriders}
        if isinstance(standard, dict):
            out: dict[str, V] = {}
            for key, std in standard.items():
                arms: list[tuple[str | None, Thunk]] = []
                for c in reversed(overriders):
                    table = values[c.name]
                    if not isinstance(table, dict) or key not in table:
                        raise Unsupported(f"category {c.name} lacks key {key} of {name}")
                    arms.append((applied[c.name], given(table[key])))
                arms.append((None, given(std)))
                out[key] = self.choice(arms)
            return out
        arms = []
        for c in reversed(overriders):
            value = values[c.name]
            if isinstance(value, dict):
                raise Unsupported(f"category {c.name} gives {name} keys")
            arms.append((applied[c.name], given(value)))
        arms.append((None, given(standard)))
        return self.choice(arms)
