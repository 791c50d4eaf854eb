"""The part of an explanation that shows a chain: each input decided by another regulation, with
that regulation's outcome, the layer that determined it, its reference date and its receipt —
and, indented below it, the regulations that one used in turn."""

from __future__ import annotations

from typing import TYPE_CHECKING

from maatwerk.engine import format as fmt
from maatwerk.engine.decision import CATEGORY, DEVIATION, Decision

if TYPE_CHECKING:
    from maatwerk.engine.chain import Link
    from maatwerk.engine.explain import Values


def _layer(link: Link, v: Values) -> str:
    """Which layer of the referenced decision determined the output, in words."""
    w, lang, d = v.w, v.lang, link.decision
    layer = link.deciding_layer
    if layer == CATEGORY:
        cats = ", ".join(fmt.text(c.label, lang) for c in d.categories)
        return f"{w['by_category']}: {cats}"
    if layer == DEVIATION:
        clauses = sorted({fmt.text(dev.clause.label, lang) for x in d.layers
                          for dev in x.deviations if dev.record.output == link.output})
        return f"{w['by_deviation']} {', '.join(clauses)}"
    return w["by_assessment"] if layer == "assessment" else w["by_standard"]


def _link(link: Link, v: Values, indent: str) -> list[str]:
    from maatwerk.engine.explain import Values

    w, lang, d = v.w, v.lang, link.decision
    theirs = Values(d, lang)
    reg = d.regulation
    source = (f"{w['output_of']} '{theirs.label(link.output)}' {w['of']} "
              f"{fmt.text(reg.title, lang)}, {w['decision']} {fmt.date(d.date, lang)}")
    if link.known:
        head = f"{v.show(link.input, link.value)} — {source}; {_layer(link, v)}"
    else:
        waiting = ", ".join(v.label(n) for n in link.waiting)
        head = f"{w['unknown']} ({w['missing_for']}: {waiting}) — {source}"
    r = d.receipt
    lines = [f"{indent}- {v.label(link.input)}: {head}",
             f"{indent}  {w['receipt']}: {r.regulation} {w['version']} {r.version}, sha256 "
             f"{r.sha256[:12]}…"]
    for inner in d.links:
        lines += _link(inner, theirs, indent + "  ")
    return lines


def chain(decision: Decision, v: Values) -> list[str]:
    """The chain section: empty for a decision that uses no other regulation."""
    if not decision.links:
        return []
    lines = ["", v.w["chain"]]
    for link in decision.links:
        lines += _link(link, v, "  ")
    return lines
