"""Building the discretionary constructs: hardship clauses and the assessment frame."""

from __future__ import annotations

from maatwerk.spec import schema
from maatwerk.spec.builder import RESERVED, Builder
from maatwerk.spec.model import AssessmentDef, BoundsDef, HardshipDef, InputDef, ProvisionDef
from maatwerk.spec.source import PathT
from maatwerk.spec.types import SIMPLE, Type


def hardship(builder: Builder, doc: schema.Regulation) -> dict[str, HardshipDef]:
    out: dict[str, HardshipDef] = {}
    for name, spec in doc.hardship.items():
        path = ("hardship", name)
        bounds: dict[str, BoundsDef] = {}
        for output, frame in spec.outputs.items():
            bpath = (*path, "outputs", output)
            if frame.allowed is not None and (frame.min is not None or frame.max is not None):
                builder.error("MW203", "give either 'min'/'max' or 'allowed', not both", bpath,
                              key=True)
            low = builder.formula(frame.min, (*bpath, "min")) if frame.min else None
            high = builder.formula(frame.max, (*bpath, "max")) if frame.max else None
            allowed = None
            if frame.allowed is not None:
                parsed = [builder.formula(t, (*bpath, "allowed", i))
                          for i, t in enumerate(frame.allowed)]
                allowed = tuple(f for f in parsed if f is not None)
            bounds[output] = BoundsDef(output, low, high, allowed)
        if spec.approver is not None and not spec.four_eyes:
            builder.error("MW203", "'approver' is only meaningful with four_eyes: true",
                          (*path, "approver"), key=True)
        out[name] = HardshipDef(name, spec.label, spec.legal_basis, spec.level, spec.mode, bounds,
                                spec.grounds, spec.motivation, spec.evidence, spec.decider,
                                spec.four_eyes, spec.approver, spec.remedy, spec.description)
    return out


def assessment(builder: Builder, doc: schema.Regulation) -> AssessmentDef | None:
    spec = doc.assessment
    if spec is None:
        return None
    path: PathT = ("assessment",)
    questions: dict[str, InputDef] = {}
    for dname, domain in spec.domains.items():
        for qname, q in domain.questions.items():
            qpath = (*path, "domains", dname, "questions", qname)
            if qname in questions or qname in RESERVED:
                builder.error("MW205", f"the question {qname!r} is declared twice or reserved",
                              qpath, key=True, got=qname)
                continue
            if q.type == "enum" and not q.values:
                builder.error("MW201", "an enumeration needs 'values'", qpath, key=True)
                continue
            type_ = Type("enum", tuple(q.values or ()), qname) if q.type == "enum" else SIMPLE[
                q.type]
            questions[qname] = InputDef(qname, type_, q.label, "onderzoek", None, q.description,
                                        q.unit, q.values or {}, q.min, q.max)
    need = builder.formula(spec.need, (*path, "need"))
    provisions: dict[str, ProvisionDef] = {}
    for pname, p in spec.outcome.provisions.items():
        ppath = (*path, "outcome", "provisions", pname)
        low = builder.formula(p.min, (*ppath, "min"))
        high = builder.formula(p.max, (*ppath, "max"))
        hint = builder.formula(p.suggestion, (*ppath, "suggestion")) if p.suggestion else None
        when = builder.formula(p.when, (*ppath, "when")) if p.when else None
        if low and high:
            provisions[pname] = ProvisionDef(pname, p.label, low, high, hint, p.unit,
                                             p.reference, when)
    for key in ("provision", "amount"):
        name = getattr(spec.outcome, key)
        if name in RESERVED:
            builder.error("MW204", f"{name!r} is reserved; choose another name",
                          (*path, "outcome", key), got=name)
    if need is None:
        return None
    outcome = spec.outcome
    return AssessmentDef(
        spec.label, spec.legal_basis, spec.decider, spec.domains, questions, need,
        tuple(spec.steps), outcome.provision, outcome.amount, SIMPLE[outcome.amount_type],
        Type("enum", tuple(outcome.provisions), outcome.provision), provisions, spec.deadlines,
        spec.report, spec.description, outcome.provision_label, outcome.amount_label,
        spec.need_label)
