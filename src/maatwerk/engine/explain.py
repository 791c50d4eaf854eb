"""The explanation of a decision in plain Dutch (or English), citing the articles.

It is a view of the decision's layers: the outcome, the categories that applied and what they
changed, every rule evaluated with its value, formula, explanation text and reference, the
parameters with their sources (and, where practice differs from the statute, both values), the
facts used with their source, what is missing, and the receipt.
"""

from __future__ import annotations

import re
from typing import Any

from maatwerk.engine import format as fmt
from maatwerk.engine.compile import ParamUse, Unknown
from maatwerk.engine.decision import CATEGORY, Decision
from maatwerk.engine.exact import sub
from maatwerk.spec import ir
from maatwerk.spec.model import Regulation

_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")

WORDS: dict[str, dict[str, str]] = {
    "nl": {
        "decision": "besluit op peildatum", "outcome": "Uitkomst",
        "categories": "Beleidscategorieën",
        "none": "Geen van de beleidscategorieën is van toepassing.",
        "applies": "U valt in de categorie", "instead": "in plaats van",
        "calculation": "Zo is het berekend", "facts": "Gebruikte gegevens", "source": "bron",
        "missing": "Nog niet te bepalen. Deze gegevens ontbreken:",
        "receipt": "Verantwoording", "version": "versie", "engine": "rekenkern",
        "statute": "Volgens de wettelijke definitie", "difference": "verschil",
        "practice": "praktijk van de uitvoering", "illustrative": "illustratieve waarde",
        "because": "voorwaarde", "by_category": "bepaald door beleidscategorie",
        "formula": "berekening", "row": "regel", "otherwise": "anders",
        "valid_from": "geldig vanaf", "unknown": "nog onbekend",
    },
    "en": {
        "decision": "decision on reference date", "outcome": "Outcome",
        "categories": "Policy categories",
        "none": "None of the policy categories applies.",
        "applies": "You fall in the category", "instead": "instead of",
        "calculation": "How it was calculated", "facts": "Facts used", "source": "source",
        "missing": "Cannot be decided yet. These facts are missing:",
        "receipt": "Receipt", "version": "version", "engine": "engine",
        "statute": "By the statutory definition", "difference": "difference",
        "practice": "practice of the agency", "illustrative": "illustrative value",
        "because": "condition", "by_category": "determined by policy category",
        "formula": "formula", "row": "row", "otherwise": "otherwise",
        "valid_from": "valid from", "unknown": "not yet known",
    },
}


class _Values:
    """Looks up and formats the value of any name as used in the decision."""

    def __init__(self, decision: Decision, lang: str) -> None:
        self.d = decision
        self.reg: Regulation = decision.regulation
        self.lang = lang
        self.params: dict[str, ParamUse] = {}
        self.rules: dict[str, Any] = {}
        for layer in decision.layers:
            if layer.env is not None:
                self.params.update(layer.env.used)
                self.rules.update(layer.env.values)

    def raw(self, name: str) -> Any:
        if name == "peildatum":
            return self.d.date
        for table in (self.d.inputs, self.rules):
            if name in table:
                return table[name]
        if name in self.params:
            return self.params[name].value
        return None

    def show(self, name: str, value: Any = None) -> str:
        reg, lang = self.reg, self.lang
        value = self.raw(name) if value is None else value
        if value is None or isinstance(value, Unknown):
            return WORDS[lang]["unknown"]
        if name == "peildatum":
            return fmt.date(value, lang)
        definition: Any = (reg.inputs.get(name) or reg.parameters.get(name) or
                           reg.rules.get(name) or reg.tables.get(name))
        type_ = getattr(definition, "type", None)
        unit = getattr(definition, "unit", None)
        labels = getattr(definition, "values", None) if name in reg.inputs else None
        return fmt.value(value, type_, lang, unit=unit, labels=labels)

    def fill(self, template: str) -> str:
        return _PLACEHOLDER.sub(lambda m: self.show(m.group(1)), template)

    def label(self, name: str) -> str:
        reg = self.reg
        definition: Any = (reg.inputs.get(name) or reg.parameters.get(name) or
                           reg.rules.get(name) or reg.tables.get(name))
        label = fmt.text(getattr(definition, "label", None), self.lang)
        return label or name


def explain(decision: Decision, lang: str = "nl") -> str:
    if lang not in WORDS:
        lang = "nl"
    w = WORDS[lang]
    reg = decision.regulation
    v = _Values(decision, lang)
    lines = [f"{fmt.text(reg.title, lang)} — {w['decision']} {fmt.date(decision.date, lang)}"]
    lines.append("; ".join(
        f"{b.title}" + (f" ({b.bwb})" if b.bwb else "") for b in reg.legal_basis))
    lines += ["", w["outcome"]]
    for name in reg.outputs:
        if name in decision.outputs:
            extra = ""
            if decision.deciding_layer.get(name) == CATEGORY:
                cats = ", ".join(fmt.text(c.label, lang) for c in decision.categories)
                extra = f" ({w['by_category']}: {cats})"
            lines.append(f"  {v.label(name)}: {v.show(name, decision.outputs[name])}{extra}")
    if decision.missing:
        lines += ["", w["missing"]]
        for name in decision.missing:
            inp = reg.inputs[name]
            question = fmt.text(inp.question, lang)
            lines.append(f"  - {fmt.text(inp.label, lang)}" + (f": {question}" if question
                                                              else "") + f" ({w['source']}: "
                         f"{inp.source})")
    if reg.categories:
        lines += ["", w["categories"]]
        lines += _categories(decision, v, lang)
    lines += ["", w["calculation"]]
    lines += _calculation(decision, v, lang)
    facts = [n for n in reg.inputs if n in decision.inputs]
    if facts:
        lines += ["", w["facts"]]
        for name in facts:
            lines.append(f"  - {v.label(name)}: {v.show(name)} ({w['source']}: "
                         f"{reg.inputs[name].source})")
    r = decision.receipt
    lines += ["", f"{w['receipt']}: {r.regulation} {w['version']} {r.version}, sha256 "
              f"{r.sha256[:12]}…, {w['engine']} maatwerk {r.engine}"]
    return "\n".join(lines)


def _categories(decision: Decision, v: _Values, lang: str) -> list[str]:
    w = WORDS[lang]
    if not decision.categories:
        return [f"  {w['none']}"]
    lines = []
    standard = decision.layers[0].outputs
    final = decision.final.outputs
    for cat in decision.categories:
        basis = cat.legal_basis
        cite = basis.title + (f", {basis.article}" if basis.article else "")
        lines.append(f"  {w['applies']} '{fmt.text(cat.label, lang)}' ({cite}).")
        desc = fmt.text(cat.description, lang)
        if desc:
            lines.append(f"    {v.fill(desc)}")
    for name in decision.regulation.outputs:
        if name in final and name in standard and final[name] != standard[name]:
            lines.append(f"    {v.label(name)}: {v.show(name, final[name])} {w['instead']} "
                         f"{v.show(name, standard[name])}")
    return lines


def _param_line(use: ParamUse, v: _Values, lang: str) -> str:
    w = WORDS[lang]
    line = (f"  - {v.label(use.name)}: {v.show(use.name, use.value)} — {use.reference}")
    if use.provenance != "statute":
        line += f" ({w[use.provenance]})"
    if use.statutory is not None:
        formula = v.reg.parameters[use.name].statutory
        ref = formula.reference if formula else ""
        diff = sub(use.value, use.statutory)
        line += (f". {w['statute']} ({ref}): {v.show(use.name, use.statutory)}; "
                 f"{w['difference']} {v.show(use.name, diff)}")
        note = fmt.text(v.reg.parameters[use.name].statutory_note, lang)
        if note:
            line += f". {note}"
    return line


def _calculation(decision: Decision, v: _Values, lang: str) -> list[str]:
    w = WORDS[lang]
    reg = decision.regulation
    lines = [_param_line(use, v, lang) for use in v.params.values()]
    final = decision.final.env
    if final is None:
        return lines
    overrides = {name: (cat, o) for cat in decision.categories for name, o in cat.rules.items()}
    for name in reg.order:
        if name not in final.values:
            continue
        value = final.values[name]
        if name in reg.tables:
            table = reg.tables[name]
            ref = f" ({table.reference})" if table.reference else ""
            lines.append(f"  - {v.label(name)}: {v.show(name, value)}{ref}")
            continue
        rule = reg.rules[name]
        formula = rule.at(decision.date) or rule.versions[0]
        template = rule.explain
        if name in overrides:
            _, override = overrides[name]
            formula = override.formula
            template = override.explain or template
        reference = formula.reference or rule.reference
        ref = f" ({reference})" if reference else ""
        lines.append(f"  - {v.label(name)}: {v.show(name, value)}{ref}")
        text = fmt.text(template, lang)
        if text:
            lines.append(f"    {v.fill(text)}")
        lines.append(f"    {w['formula']}: {name} = {ir.render(formula.expr)}")
        for owner, node, taken in final.branches:
            if owner == name and isinstance(node, ir.If):
                lines.append(f"    {w['because']} {ir.render(node.test)}: "
                             f"{fmt.WORDS[lang][bool(taken)]}")
    return lines
