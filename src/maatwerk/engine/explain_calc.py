"""The calculation part of an explanation: parameters with their sources, and every rule and
table evaluated in the final layer with its value, explanation, formula, reference and the
conditions and rows that applied."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from maatwerk.engine import format as fmt
from maatwerk.engine.compile import Env, ParamUse
from maatwerk.engine.decision import Decision
from maatwerk.engine.exact import sub
from maatwerk.spec import ir
from maatwerk.spec.model import Formula, RuleDef, TableDef
from maatwerk.spec.schema import Translations

if TYPE_CHECKING:
    from maatwerk.engine.explain import Values


def _param(use: ParamUse, v: Values) -> list[str]:
    w, lang = v.w, v.lang
    line = f"  - {v.label(use.name)}: {v.show(use.name, use.value)} — {use.reference}"
    if use.provenance != "statute":
        line += f" ({w[use.provenance]})"
    if use.category:
        label = fmt.text(v.reg.categories[use.category].label, lang)
        line += f" [{w['by_category']}: {label}]"
    lines = [line]
    note = fmt.text(use.note, lang)
    if note:
        lines.append(f"    {note}")
    if use.statutory is not None:
        definition = v.reg.parameters[use.name]
        reference = definition.statutory.reference if definition.statutory else ""
        diff = sub(use.value, use.statutory)
        lines.append(f"    {w['statute']} ({reference}): {v.show(use.name, use.statutory)}; "
                     f"{w['difference']} {v.show(use.name, diff)}.")
        statutory_note = fmt.text(definition.statutory_note, lang)
        if statutory_note:
            lines.append(f"    {statutory_note}")
    return lines


def _table(table: TableDef, value: Any, env: Env, v: Values) -> list[str]:
    w, lang = v.w, v.lang
    reference = f" ({table.reference})" if table.reference else ""
    lines = [f"  - {v.label(table.name)}: {v.show(table.name, value)}{reference}"]
    template = fmt.text(table.explain, lang)
    if template:
        lines.append(f"    {v.fill(template)}")
    for owner, _, taken in env.branches:
        if owner != table.name:
            continue
        if taken == "otherwise":
            lines.append(f"    {w['otherwise']}")
            continue
        row = table.rows[int(taken)]
        label = fmt.text(row.label, lang) or " ".join(row.when.text.split())
        cite = f" ({row.reference})" if row.reference else ""
        lines.append(f"    {w['row']} {int(taken) + 1} {w['matched']}: {label}{cite}")
    return lines


def _rule(rule: RuleDef, formula: Formula, template: Translations | None, value: Any,
          env: Env, v: Values) -> list[str]:
    w, lang = v.w, v.lang
    reference = formula.reference or rule.reference
    lines = [f"  - {v.label(rule.name)}: {v.show(rule.name, value)}"
             + (f" ({reference})" if reference else "")]
    text = fmt.text(template, lang)
    if text:
        lines.append(f"    {v.fill(text)}")
    lines.append(f"    {w['formula']}: {rule.name} = {ir.render(formula.expr)}")
    for owner, node, taken in env.branches:
        if owner == rule.name and isinstance(node, ir.If):
            lines.append(f"    {w['because']} {ir.render(node.test)}: "
                         f"{fmt.WORDS[lang][bool(taken)]}")
    return lines


def calculation(decision: Decision, v: Values) -> list[str]:
    reg = decision.regulation
    lines = [line for use in v.params.values() for line in _param(use, v)]
    final = decision.final.env
    if final is None:
        return lines
    overrides = {name: o for cat in decision.categories for name, o in cat.rules.items()}
    pinned = {d.record.output: d for layer in decision.layers for d in layer.deviations}
    for name in reg.order:
        if name not in final.values:
            continue
        value = final.values[name]
        if name in pinned:
            clause = pinned[name].clause
            lines.append(f"  - {v.label(name)}: {v.show(name, value)} ({v.w['by_deviation']} "
                         f"{fmt.text(clause.label, v.lang)})")
            continue
        if name in reg.tables:
            lines += _table(reg.tables[name], value, final, v)
            continue
        rule = reg.rules[name]
        formula = rule.at(decision.date) or rule.versions[0]
        template = rule.explain
        if name in overrides:
            formula = overrides[name].formula
            template = overrides[name].explain or template
        lines += _rule(rule, formula, template, value, final, v)
    return lines
