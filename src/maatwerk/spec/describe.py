"""A regulation as plain data: what the API returns and the regulation browser shows."""

from __future__ import annotations

from typing import Any

from maatwerk.spec.builder import citation
from maatwerk.spec.graph import inputs_for
from maatwerk.spec.model import Formula, Regulation
from maatwerk.spec.profile import profile
from maatwerk.spec.schema import Translations
from maatwerk.spec.values import to_json


def _t(text: Translations | None) -> dict[str, str] | None:
    return None if text is None else {"nl": text.nl, "en": text.en or text.nl}


def _formula(f: Formula) -> dict[str, Any]:
    return {"formula": " ".join(f.text.split()), "from": f.valid_from.isoformat()
            if f.valid_from else None, "reference": f.reference}


def summary(reg: Regulation) -> dict[str, Any]:
    return {"id": reg.id, "version": reg.version, "sha256": reg.sha256, "title": _t(reg.title),
            "authority": reg.authority, "subject": str(reg.subject),
            "valid": {"from": reg.valid_from.isoformat(),
                      "until": reg.valid_until.isoformat() if reg.valid_until else None},
            "legal_basis": [b.model_dump(exclude_none=True) for b in reg.legal_basis],
            "outputs": list(reg.outputs), "variants": {
                k: v["used"] for k, v in profile(reg)["variants"].items()}}


def describe(reg: Regulation) -> dict[str, Any]:
    """Everything a reader of the regulation needs, with every value's reference."""
    data = summary(reg)
    data["description"] = _t(reg.description)
    data["inputs"] = _inputs(reg)
    data["parameters"] = _parameters(reg)
    data["rules"] = _rules(reg)
    data["tables"] = _tables(reg)
    data["category_policy"] = reg.category_policy
    data["categories"] = _categories(reg)
    data["hardship"] = _hardship(reg)
    data["assessment"] = _assessment(reg)
    data["needs"] = {o: inputs_for(reg, o) for o in reg.outputs if o in reg.rules or
                     o in reg.tables}
    return data


def _inputs(reg: Regulation) -> dict[str, Any]:
    return {n: {"type": i.type.kind, "values": list(i.type.values) or None,
                "label": _t(i.label), "question": _t(i.question),
                "source": i.source, "unit": _t(i.unit),
                "min": to_json(i.minimum), "max": to_json(i.maximum)}
            for n, i in reg.inputs.items()}


def _parameters(reg: Regulation) -> dict[str, Any]:
    return {n: {"type": p.type.kind, "label": _t(p.label), "unit": _t(p.unit),
                "provenance": p.provenance, "values": [
                    {"from": v.valid_from.isoformat(), "value": _value(v.value),
                     "reference": v.reference, "note": _t(v.note)}
                    for v in p.values],
                "statutory": _formula(p.statutory) if p.statutory else None}
            for n, p in reg.parameters.items()}


def _rules(reg: Regulation) -> dict[str, Any]:
    return {n: {"type": str(r.type), "label": _t(r.label), "reference": r.reference,
                "provenance": r.provenance, "explain": _t(r.explain),
                "versions": [_formula(f) for f in r.versions],
                "depends_on": sorted(reg.dependencies.get(n, ()))}
            for n, r in reg.rules.items()}


def _tables(reg: Regulation) -> dict[str, Any]:
    return {n: {"hit_policy": t.hit_policy, "label": _t(t.label),
                "rows": [{"when": " ".join(r.when.text.split()),
                          "then": " ".join(r.then.text.split()),
                          "reference": r.reference} for r in t.rows],
                "otherwise": " ".join(t.otherwise.text.split()) if t.otherwise else None}
            for n, t in reg.tables.items()}


def _categories(reg: Regulation) -> dict[str, Any]:
    return {n: {"label": _t(c.label), "when": " ".join(c.when.text.split()),
                "legal_basis": citation(c.legal_basis),
                "precedence": c.precedence, "overrides": sorted(c.overrides())}
            for n, c in reg.categories.items()}


def _hardship(reg: Regulation) -> dict[str, Any]:
    return {n: {"label": _t(h.label), "legal_basis": citation(h.legal_basis),
                "level": h.level, "mode": h.mode,
                "outputs": {o: {"min": b.minimum.text if b.minimum else None,
                                "max": b.maximum.text if b.maximum else None,
                                "allowed": [f.text for f in b.allowed]
                                if b.allowed is not None else None}
                            for o, b in h.bounds.items()},
                "grounds": {g: {"label": _t(x.label), "evidence": x.evidence}
                            for g, x in h.grounds.items()},
                "motivation": h.motivation, "evidence": h.evidence,
                "decider": h.decider.model_dump(exclude_none=True),
                "four_eyes": h.four_eyes}
            for n, h in reg.hardship.items()}


def _assessment(reg: Regulation) -> dict[str, Any] | None:
    a = reg.assessment
    if a is None:
        return None
    return {
        "label": _t(a.label), "legal_basis": citation(a.legal_basis),
        "decider": a.decider.model_dump(exclude_none=True),
        "domains": {d: {"label": _t(x.label), "reference": x.reference,
                        "questions": {q: {"type": v.type, "label": _t(v.label),
                                          "required": v.required}
                                      for q, v in x.questions.items()}}
                    for d, x in a.domains.items()},
        "need": " ".join(a.need.text.split()),
        "steps": [{"label": _t(s.label), "covers": s.covers, "reference": s.reference}
                  for s in a.steps],
        "provisions": {p: {"label": _t(x.label), "min": x.minimum.text, "max": x.maximum.text}
                       for p, x in a.provisions.items()},
        "deadlines": {d: {"label": _t(x.label), "start": x.start, "days": x.days,
                          "reference": x.reference} for d, x in a.deadlines.items()},
    }


def _value(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    return to_json(value)
