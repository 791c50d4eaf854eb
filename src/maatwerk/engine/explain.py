"""The explanation of a decision in plain Dutch (or English), citing the articles.

It is a view of the decision's layers: the outcome and the layer that determined each output, what
is still missing, the categories, the investigation, the deviations and considerations of
maatwerk, every rule evaluated with its value, explanation, formula and reference, the parameters
with their sources (and, where practice differs from the statute, both values), the facts used
with their source, and the receipt.
"""

from __future__ import annotations

import re
from typing import Any

from maatwerk.engine import explain_calc, explain_chain, explain_layers
from maatwerk.engine import format as fmt
from maatwerk.engine.compile import ParamUse, Unknown
from maatwerk.engine.decision import ASSESSMENT, CATEGORY, DEVIATION, Decision
from maatwerk.engine.words import WORDS
from maatwerk.spec.graph import full_graph, reachable
from maatwerk.spec.model import Regulation

_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


class Values:
    """Looks up and formats the value of any name as used in the decision."""

    def __init__(self, decision: Decision, lang: str) -> None:
        self.d = decision
        self.reg: Regulation = decision.regulation
        self.lang = lang
        self.w = WORDS[lang]
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
        param = self.reg.parameters.get(name)
        if param is not None:
            at = param.at(self.d.date)
            return at.value if at else None
        return None

    def _definition(self, name: str) -> Any:
        reg = self.reg
        return (reg.inputs.get(name) or reg.parameters.get(name) or reg.rules.get(name) or
                reg.tables.get(name))

    def show(self, name: str, value: Any = None) -> str:
        value = self.raw(name) if value is None else value
        if value is None:
            return self.w["unknown"]
        if isinstance(value, Unknown):
            missing = ", ".join(self.label(n) for n in sorted(value.missing))
            return f"{self.w['unknown']} ({self.w['missing_for']}: {missing})"
        if name == "peildatum":
            return fmt.date(value, self.lang)
        definition = self._definition(name)
        labels = getattr(definition, "values", None)
        if definition is None and self.reg.assessment is not None and (
                name == self.reg.assessment.provision):
            labels = {k: p.label for k, p in self.reg.assessment.provisions.items()}
        return fmt.value(value, getattr(definition, "type", None), self.lang,
                         unit=getattr(definition, "unit", None), labels=labels or None)

    def fill(self, template: str) -> str:
        return _PLACEHOLDER.sub(lambda m: self.show(m.group(1)), template)

    def label(self, name: str) -> str:
        definition = self._definition(name) or self.d.input_def(name)
        label = fmt.text(getattr(definition, "label", None), self.lang)
        frame = self.reg.assessment
        if not label and frame is not None:
            label = fmt.text(frame.provision_label if name == frame.provision else
                             frame.amount_label if name == frame.amount else None, self.lang)
        return label or name


def _subject(reg: Regulation, lang: str) -> str:
    """How the explanation refers to the subject: 'U', or 'Het terrein' for an object."""
    subject = reg.subject
    if subject.type == "object":
        name = fmt.text(subject.label, lang) or subject.object or ""
        article = "Het" if lang == "nl" else "The"
        return f"{article} {name.lower()}"
    return WORDS[lang]["you"]


def _outcome(decision: Decision, v: Values) -> list[str]:
    w, lang = v.w, v.lang
    graph = full_graph(decision.regulation)
    lines = []
    for name in decision.regulation.outputs:
        if name not in decision.outputs:
            lines.append(f"  {v.label(name)}: {w['unknown']}")
            continue
        layer = decision.deciding_layer.get(name)
        extra = ""
        if layer == CATEGORY:
            cats = ", ".join(fmt.text(c.label, lang) for c in decision.categories)
            extra = f" ({w['by_category']}: {cats})"
        elif layer == ASSESSMENT:
            extra = f" ({w['by_assessment']})"
        elif layer == DEVIATION:
            needs = reachable(graph, [name])
            clauses = {fmt.text(d.clause.label, lang) for layer_ in decision.layers
                       for d in layer_.deviations if d.record.output in needs}
            extra = f" ({w['by_deviation']}: {', '.join(sorted(clauses))})"
        lines.append(f"  {v.label(name)}: {v.show(name, decision.outputs[name])}{extra}")
    return lines


def _missing(decision: Decision, v: Values) -> list[str]:
    reg, w, lang = decision.regulation, v.w, v.lang
    lines = ["", w["missing"]]
    for name in decision.missing:
        inp = decision.input_def(name)  # an input of this regulation or of one it uses
        if inp is None:
            label = fmt.text(reg.assessment.label, lang) if reg.assessment else ""
            lines.append(f"  - {w['missing_assessment']}: {label}")
            continue
        question = fmt.text(inp.question, lang)
        lines.append(f"  - {fmt.text(inp.label, lang)}" + (f": {question}" if question else "")
                     + f" ({w['source']}: {inp.source})")
    return lines


def explain(decision: Decision, lang: str = "nl") -> str:
    if lang not in WORDS:
        lang = "nl"
    reg = decision.regulation
    v = Values(decision, lang)
    w = v.w
    lines = [f"{fmt.text(reg.title, lang)} — {w['decision']} {fmt.date(decision.date, lang)}",
             "; ".join(b.title + (f" ({b.bwb})" if b.bwb else "") for b in reg.legal_basis),
             "", w["outcome"], *_outcome(decision, v)]
    if decision.missing:
        lines += _missing(decision, v)
    lines += explain_chain.chain(decision, v)
    subject = _subject(reg, lang)
    lines += explain_layers.categories(decision, v, subject)
    lines += explain_layers.assessment(decision, v)
    lines += explain_layers.deviations(decision, v)
    lines += explain_layers.considerations(decision, v)
    lines += ["", w["calculation"], *explain_calc.calculation(decision, v)]
    facts = [n for n in reg.inputs if n in decision.inputs]
    if facts:
        lines += ["", w["facts"]]
        lines += [f"  - {v.label(n)}: {v.show(n)} ({w['source']}: {reg.inputs[n].source})"
                  for n in facts]
    r = decision.receipt
    lines += ["", f"{w['receipt']}: {r.regulation} {w['version']} {r.version}, sha256 "
              f"{r.sha256[:12]}…, {w['engine']} maatwerk {r.engine}"]
    return "\n".join(lines)
