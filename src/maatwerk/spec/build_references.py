"""Inputs that are outputs of other regulations (``output_of``): what one file can check.

Whether the other regulation exists, has the output, and fits are checked across regulations
(``maatwerk.spec.library``); here: the reference date rule is a formula over ``peildatum`` that
gives a date, the input mapping names inputs of this regulation that are facts of the case, and
the input has no bounds of its own (the other regulation decides its value).
"""

from __future__ import annotations

from collections.abc import Mapping

from maatwerk.spec import ir, schema
from maatwerk.spec.builder import Builder
from maatwerk.spec.errors import SpecError
from maatwerk.spec.model import Formula, Reference
from maatwerk.spec.source import PathT, dotted
from maatwerk.spec.typecheck import Checker, Fault, suggest

PEILDATUM = "peildatum"


def _fault(builder: Builder, fault: Fault, formula: Formula) -> None:
    builder.errors.append(SpecError(
        fault.code, fault.message, path=dotted(formula.path),
        position=builder.source.position_in(formula.path, fault.span[0]), got=fault.got))


def _date_rule(builder: Builder, text: str, path: PathT) -> Formula | None:
    """The reference date rule: a formula over ``peildatum`` only, giving a date."""
    formula = builder.formula(text, path)
    if formula is None:
        return None
    for node in ir.walk(formula.expr):
        if isinstance(node, ir.Name) and node.name != PEILDATUM:
            _fault(builder, Fault("MW302", f"a reference date may use only {PEILDATUM} (the "
                                  f"reference date of this decision), not {node.name!r}",
                                  node.span, node.name), formula)
            return None
    try:
        found = Checker({}).infer(formula.expr)
    except Fault as fault:
        _fault(builder, fault, formula)
        return None
    if found.type.kind != "date":
        builder.error("MW304", f"a reference date must be a date, but the formula gives "
                      f"{found.type}", path, got=text)
        return None
    return formula


def reference(builder: Builder, name: str, spec: schema.Input) -> Reference | None:
    """The reference of an input declared with ``output_of`` (None if it has none)."""
    ref = spec.output_of
    if ref is None:
        return None
    path: PathT = ("inputs", name, "output_of")
    for bound in ("min", "max"):
        if getattr(spec, bound) is not None:
            builder.error("MW203", f"'{bound}' is not allowed for an input that is the output "
                          f"of {ref.regulation}: that regulation decides its value",
                          ("inputs", name, bound), key=True)
    peildatum = None
    if ref.peildatum is not None:
        peildatum = _date_rule(builder, ref.peildatum, (*path, "peildatum"))
    return Reference(ref.regulation, ref.output, path, ref.version, peildatum,
                     dict(ref.inputs))


def check_mappings(builder: Builder, inputs: Mapping[str, schema.Input]) -> None:
    """Each mapped input is a fact of this case: an input that is not itself an output."""
    facts = [n for n, i in inputs.items() if i.output_of is None]
    for name, spec in inputs.items():
        if spec.output_of is None:
            continue
        for theirs, ours in spec.output_of.inputs.items():
            if ours in facts:
                continue
            at = ("inputs", name, "output_of", "inputs", theirs)
            if ours in inputs:
                builder.error("MW412", f"{ours!r} is itself the output of another regulation; "
                              f"map {theirs!r} to an input that is a fact of the case", at,
                              got=ours)
            else:
                builder.error("MW412", f"{ours!r} is not an input of this regulation"
                              f"{suggest(ours, facts)}", at, got=ours)
