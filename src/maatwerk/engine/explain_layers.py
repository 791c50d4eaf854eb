"""The parts of an explanation that show the layers above the standard one: policy categories,
the investigation (standaardmaatwerk), deviations (hardship clauses) and considerations."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from maatwerk.engine import format as fmt
from maatwerk.engine.compile import Unknown
from maatwerk.engine.decision import Decision
from maatwerk.spec.builder import citation
from maatwerk.spec.model import HardshipDef

if TYPE_CHECKING:
    from maatwerk.engine.explain import Values


def _changes(decision: Decision, v: Values, layer_name: str) -> list[str]:
    """What a layer changed, compared with the layer before it."""
    lines = []
    layers = decision.layers
    for previous, layer in itertools.pairwise(layers):
        if layer.name != layer_name:
            continue
        for name in decision.regulation.outputs:
            before, after = previous.outputs.get(name), layer.outputs.get(name)
            if before != after and not isinstance(after, Unknown):
                lines.append(f"    {v.label(name)}: {v.show(name, after)} {v.w['instead']} "
                             f"{v.show(name, before)}")
    return lines


def categories(decision: Decision, v: Values, subject: str) -> list[str]:
    reg, w, lang = decision.regulation, v.w, v.lang
    if not reg.categories:
        return []
    lines = ["", w["categories"]]
    for name, hit in decision.category_results.items():
        if isinstance(hit, Unknown):
            cat = reg.categories[name]
            lines.append(f"  {w['undecided']} '{fmt.text(cat.label, lang)}' "
                         f"{w['undecided_end']} ({w['missing_for']}: "
                         f"{', '.join(v.label(n) for n in sorted(hit.missing))}).")
    if not decision.categories and len(lines) == 2:
        return [*lines, f"  {w['none']}"]
    for cat in decision.categories:
        lines.append(f"  {subject} {w['applies']} '{fmt.text(cat.label, lang)}' "
                     f"({citation(cat.legal_basis)}).")
        description = fmt.text(cat.description, lang)
        if description:
            lines.append(f"    {v.fill(description)}")
    return lines + _changes(decision, v, "category")


def assessment(decision: Decision, v: Values) -> list[str]:
    w, lang = v.w, v.lang
    applied = next((layer.assessment for layer in decision.layers if layer.assessment), None)
    if applied is None:
        return []
    frame, record = applied.frame, applied.record

    def amount(value: object) -> str:
        return fmt.value(value, frame.amount_type, lang)

    when = f" ({fmt.date(record.date, lang)})" if record.date else ""
    lines = ["", f"{w['assessment']}: {fmt.text(frame.label, lang)} "
             f"({citation(frame.legal_basis)}), {w['assessor']} {record.assessor.id}{when}",
             f"  {fmt.text(frame.need_label, lang) or w['need']}: "
             f"{amount(applied.need)}"]
    for step in applied.steps:
        lines.append(f"  - {fmt.text(step.label, lang)}: {w['covered']} "
                     f"{amount(step.covered)}; {w['remaining'].lower()} "
                     f"{amount(step.remaining)}")
    lines.append(f"  {w['remaining']}: {amount(applied.remaining)}")
    provision = frame.provisions[applied.provision]
    unit = f" {fmt.text(provision.unit, lang)}" if provision.unit else ""
    lines.append(f"  {w['granted']}: {fmt.text(provision.label, lang)}, "
                 f"{amount(applied.amount)}{unit} ({w['frame']} "
                 f"{amount(applied.low)} {w['to']} {amount(applied.high)}"
                 + (f"; {w['suggestion']} {amount(applied.suggestion)}"
                    if applied.suggestion is not None else "") + ")")
    if record.motivation:
        lines.append(f"  {w['motivation']}: {record.motivation}")
    return lines + _changes(decision, v, "assessment")


def deviations(decision: Decision, v: Values) -> list[str]:
    w, lang = v.w, v.lang
    applied = [d for layer in decision.layers for d in layer.deviations]
    if not applied:
        return []
    lines = ["", w["deviations"]]
    remedies: list[str] = []
    for d in applied:
        clause, record = d.clause, d.record
        remedies.append(_remedy(clause, v))
        lines.append(f"  {fmt.text(clause.label, lang)} ({citation(clause.legal_basis)}): "
                     f"{v.label(record.output)} {v.show(record.output, d.value)} "
                     f"{w['instead']} {v.show(record.output, d.before)}")
        if d.allowed is not None:
            shown = ", ".join(v.show(record.output, a) for a in d.allowed)
            lines.append(f"    {w['allowed']}: {shown}")
        elif d.low is not None or d.high is not None:
            low = v.show(record.output, d.low) if d.low is not None else "…"
            high = v.show(record.output, d.high) if d.high is not None else "…"
            lines.append(f"    {w['bounds']}: {low} {w['to']} {high}")
        lines.append(f"    {w['ground']}: {fmt.text(clause.grounds[record.ground].label, lang)}")
        lines.append(f"    {w['motivation']}: {record.motivation}")
        approver = f", {w['approver']} {record.approver.id}" if record.approver else ""
        lines.append(f"    {w['proposer']} {record.proposer.id}{approver}")
    return [*lines, *_changes(decision, v, "deviation"),
            *dict.fromkeys(f"  {r}" for r in remedies if r)]


def _remedy(clause: HardshipDef, v: Values) -> str:
    remedy = clause.remedy
    if remedy is None:
        return v.w["remedy"].format(weeks=6)
    label = fmt.text(remedy.label, v.lang)
    if not remedy.objection:
        return label
    text = label or v.w["remedy"].format(weeks=remedy.objection_weeks)
    return text + (f" ({remedy.reference})" if remedy.reference else "")


def considerations(decision: Decision, v: Values) -> list[str]:
    w, lang = v.w, v.lang
    if not decision.considerations:
        return []
    lines = ["", w["considerations"]]
    for name, state in decision.considerations.items():
        clause = decision.regulation.hardship[name]
        if state["considered"]:
            outcome = w["no_deviation"] if state["outcome"] == "no deviation" else ""
            detail = f" — {outcome}: {state['motivation']}" if outcome else ""
            status = w["considered"] + detail
        else:
            status = w["not_considered"]
        lines.append(f"  {fmt.text(clause.label, lang)} ({citation(clause.legal_basis)}): "
                     f"{status}")
    return lines
