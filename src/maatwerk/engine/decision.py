"""The result of deciding one case: outputs, layers, deciding layer, trace and receipt.

A ``Decision`` keeps the evaluation state of each layer; the trace and the explanation are views
of it, built only when asked for, so deciding stays fast and tracing stays separate from
evaluation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from maatwerk import __version__
from maatwerk.engine.assessment import AppliedAssessment
from maatwerk.engine.compile import Env, Unknown
from maatwerk.engine.discretion import AppliedDeviation
from maatwerk.spec import ir
from maatwerk.spec.model import CategoryDef, InputDef, Regulation
from maatwerk.spec.values import to_json

if TYPE_CHECKING:
    from maatwerk.engine.chain import Link

STANDARD = "standard"
CATEGORY = "category"
ASSESSMENT = "assessment"
DEVIATION = "deviation"
LAYERS = (STANDARD, CATEGORY, ASSESSMENT, DEVIATION)


@dataclass(frozen=True, slots=True)
class Receipt:
    """What a decision was made with: regulation, version, content hash, engine, reference date."""

    regulation: str
    version: str
    sha256: str
    engine: str
    peildatum: dt.date

    def to_json(self) -> dict[str, Any]:
        return {"regulation": self.regulation, "version": self.version, "sha256": self.sha256,
                "engine": self.engine, "peildatum": self.peildatum.isoformat()}


@dataclass(slots=True)
class Layer:
    """One layer of the decision pipeline and the output values after it."""

    name: str
    outputs: dict[str, Any]
    env: Env | None
    categories: tuple[CategoryDef, ...] = ()
    assessment: AppliedAssessment | None = None
    deviations: tuple[AppliedDeviation, ...] = ()


@dataclass(slots=True)
class Decision:
    regulation: Regulation
    date: dt.date
    inputs: Mapping[str, Any]
    status: str  # determined | indeterminate
    outputs: dict[str, Any]
    missing: tuple[str, ...]
    layers: tuple[Layer, ...]
    deciding_layer: dict[str, str]
    category_results: dict[str, Any] = field(default_factory=dict)
    considerations: dict[str, dict[str, Any]] = field(default_factory=dict)
    pending: dict[str, tuple[str, ...]] = field(default_factory=dict)  # output -> still needed
    links: tuple[Link, ...] = ()  # inputs decided by other regulations, with their decisions

    @property
    def receipt(self) -> Receipt:
        """What the decision was made with: regulation, version, sha256, engine, date."""
        reg = self.regulation
        return Receipt(reg.id, reg.version, reg.sha256, __version__, self.date)

    @property
    def receipts(self) -> tuple[Receipt, ...]:
        """The receipt of this decision and of every decision in its chain, each once."""
        found: dict[tuple[str, dt.date], Receipt] = {}
        stack = [self]
        while stack:
            decision = stack.pop(0)
            receipt = decision.receipt
            found.setdefault((receipt.sha256, receipt.peildatum), receipt)
            stack += [link.decision for link in decision.links]
        return tuple(found.values())

    def input_def(self, name: str) -> InputDef | None:
        """The declaration of an input of this decision or of a decision in its chain."""
        found = self.regulation.inputs.get(name)
        if found is not None:
            return found
        for link in self.links:
            if name in link.reference.inputs:  # mapped: the case gives it under another name
                continue
            found = link.decision.input_def(name)
            if found is not None:
                return found
        return None

    @property
    def determined(self) -> bool:
        return self.status == "determined"

    @property
    def final(self) -> Layer:
        return self.layers[-1]

    @property
    def categories(self) -> tuple[CategoryDef, ...]:
        return tuple(c for layer in self.layers for c in layer.categories)

    def standard(self, output: str) -> Any:
        """The value of ``output`` in the standard layer (before categories)."""
        return self.layers[0].outputs.get(output)

    def explanation(self, lang: str = "nl") -> str:
        from maatwerk.engine.explain import explain
        return explain(self, lang)

    def trace(self) -> dict[str, Any]:
        """Every input, parameter value (with date and reference), rule value and branch."""
        reg = self.regulation
        out: dict[str, Any] = {"inputs": [], "parameters": [], "rules": [], "branches": [],
                               "categories": []}
        for name, definition in reg.inputs.items():
            if name in self.inputs:
                out["inputs"].append({"name": name, "value": to_json(self.inputs[name]),
                                      "source": definition.source})
        for layer in self.layers:
            env = layer.env
            if env is None:
                continue
            for use in env.used.values():
                item = {"name": use.name, "layer": layer.name, "value": _json(use.value),
                        "valid_from": use.valid_from.isoformat(), "reference": use.reference,
                        "provenance": use.provenance}
                if use.category:
                    item["category"] = use.category
                if use.note:
                    item["note"] = use.note.nl
                if use.statutory is not None:
                    item["statutory"] = _json(use.statutory)
                    item["statutory_reference"] = _statutory_reference(reg, use.name)
                out["parameters"].append(item)
            formulas = _formulas(reg, layer)
            for name in reg.order:
                if name not in env.values:
                    continue
                formula, reference, category = formulas.get(name, ("table", None, None))
                item = {"name": name, "layer": layer.name, "value": _json(env.values[name]),
                        "formula": formula, "reference": reference}
                if category:
                    item["category"] = category
                out["rules"].append(item)
            for owner, node, taken in env.branches:
                condition = ir.render(node.test) if isinstance(node, ir.If) else ir.render(node)
                out["branches"].append({"layer": layer.name, "in": owner,
                                        "condition": condition, "taken": _json(taken)})
        for name, result in self.category_results.items():
            out["categories"].append({"name": name, "applies": _json(result)})
        if self.links:
            _trace_chain(out, self.links)
        return out

    def to_json(self, *, trace: bool = True, explanation: bool = True) -> dict[str, Any]:
        reg = self.regulation
        data: dict[str, Any] = {
            "regulation": {"id": reg.id, "version": reg.version},
            "peildatum": self.date.isoformat(),
            "status": self.status,
            "outputs": {k: to_json(v) for k, v in self.outputs.items()},
            "missing": list(self.missing),
            "deciding_layer": dict(self.deciding_layer),
            "layers": [_layer_json(layer, previous) for previous, layer in
                       zip((self.layers[0], *self.layers), self.layers, strict=False)],
            "considerations": self.considerations,
        }
        if self.links:
            data["chain"] = [_link_json(link, trace=trace) for link in self.links]
        if trace:
            data["trace"] = self.trace()
        if explanation:
            data["explanation"] = {"nl": self.explanation("nl"), "en": self.explanation("en")}
        data["receipt"] = self.receipt.to_json()
        if self.links:
            data["receipts"] = [r.to_json() for r in self.receipts]
        return data


def _trace_chain(out: dict[str, Any], links: tuple[Link, ...]) -> None:
    """Mark the inputs decided by other regulations, and add the chain to a trace."""
    by_input = {link.input: link for link in links}
    for item in out["inputs"]:
        link = by_input.get(item["name"])
        if link is not None:
            item["output_of"] = str(link.reference)
            item["deciding_layer"] = link.deciding_layer
    out["chain"] = [_link_json(link, trace=False) for link in links]


def _link_json(link: Link, *, trace: bool) -> dict[str, Any]:
    """One step of the chain: which regulation decided an input, how, and with what."""
    d = link.decision
    data: dict[str, Any] = {
        "input": link.input, "regulation": d.regulation.id, "version": d.regulation.version,
        "output": link.output, "peildatum": d.date.isoformat(), "status": d.status,
        "value": to_json(link.value) if link.known else None,
        "deciding_layer": link.deciding_layer, "missing": list(link.waiting),
        "categories": [c.name for c in d.categories],
        "deviations": [dev.clause.name for layer in d.layers for dev in layer.deviations
                       if dev.record.output == link.output],
        "receipt": d.receipt.to_json()}
    if trace:
        data["decision"] = d.to_json(trace=True, explanation=False)
    elif d.links:
        data["chain"] = [_link_json(inner, trace=False) for inner in d.links]
    return data


def _json(value: Any) -> Any:
    if isinstance(value, Unknown):
        return {"unknown": sorted(value.missing)}
    if isinstance(value, Mapping):
        return {k: to_json(v) for k, v in value.items()}
    return to_json(value)


def _statutory_reference(reg: Regulation, name: str) -> str | None:
    formula = reg.parameters[name].statutory
    return formula.reference if formula else None


def _formulas(reg: Regulation, layer: Layer) -> dict[str, tuple[str, str | None, str | None]]:
    """Each rule's formula text and reference as in force in this layer."""
    env = layer.env
    day = None
    out: dict[str, tuple[str, str | None, str | None]] = {}
    for name, rule in reg.rules.items():
        if env is None or name not in env.values:
            continue
        day = day or _layer_day(layer)
        formula = rule.at(day) if day else rule.versions[0]
        assert formula is not None
        out[name] = (_text(formula.text), formula.reference or rule.reference, None)
    for cat in layer.categories:
        for name, override in cat.rules.items():
            out[name] = (_text(override.formula.text), override.formula.reference, cat.name)
    return out


def _text(formula: str) -> str:
    return " ".join(formula.split())


def _layer_day(layer: Layer) -> dt.date | None:
    env = layer.env
    return env.day if env is not None else None


def _layer_json(layer: Layer, previous: Layer) -> dict[str, Any]:
    data: dict[str, Any] = {"layer": layer.name,
                            "outputs": {k: _json(v) for k, v in layer.outputs.items()}}
    if layer.name != STANDARD:
        data["changed"] = {k: {"from": _json(previous.outputs.get(k)), "to": _json(v)}
                           for k, v in layer.outputs.items() if previous.outputs.get(k) != v}
    if layer.name == CATEGORY:
        data["categories"] = [
            {"id": c.name, "label": c.label.nl, "legal_basis": c.legal_basis.model_dump(
                exclude_none=True), "overrides": sorted(c.overrides())}
            for c in layer.categories]
    if layer.assessment is not None:
        data["assessment"] = _assessment_json(layer.assessment)
    if layer.deviations:
        data["deviations"] = [_deviation_json(d) for d in layer.deviations]
    return data


def _assessment_json(a: AppliedAssessment) -> dict[str, Any]:
    record = a.record
    return {
        "legal_basis": a.frame.legal_basis.model_dump(exclude_none=True),
        "assessor": record.assessor.model_dump(exclude_none=True),
        "date": record.date.isoformat() if record.date else None,
        "answers": {k: to_json(v) for k, v in a.answers.items()},
        "need": to_json(a.need),
        "steps": [{"step": s.name, "label": s.label.nl, "covered": to_json(s.covered),
                   "remaining": to_json(s.remaining)} for s in a.steps],
        "remaining": to_json(a.remaining),
        "provision": a.provision,
        "amount": to_json(a.amount),
        "frame": {"min": to_json(a.low), "max": to_json(a.high),
                  "suggestion": to_json(a.suggestion)},
        "motivation": record.motivation,
        "report": dict(record.report),
    }


def _deviation_json(d: AppliedDeviation) -> dict[str, Any]:
    record = d.record
    clause = d.clause
    return {
        "clause": clause.name,
        "legal_basis": clause.legal_basis.model_dump(exclude_none=True),
        "output": record.output,
        "standard": to_json(d.before),
        "value": to_json(d.value),
        "bounds": {"min": to_json(d.low), "max": to_json(d.high),
                   "allowed": [to_json(a) for a in d.allowed] if d.allowed else None},
        "ground": record.ground,
        "ground_label": clause.grounds[record.ground].label.nl,
        "motivation": record.motivation,
        "evidence": list(record.evidence),
        "proposer": record.proposer.model_dump(exclude_none=True),
        "approver": record.approver.model_dump(exclude_none=True) if record.approver else None,
        "remedy": {"objection": clause.remedy.objection if clause.remedy else True,
                   "weeks": clause.remedy.objection_weeks if clause.remedy else 6,
                   "reference": clause.remedy.reference if clause.remedy else None},
    }
