"""A regulation's declared maatwerk profile: where its text places it on the essay's spectrum.

For each of the four variants — standaardisatie, beleidscategorieën, hardheidsclausules,
standaardmaatwerk — whether the regulation uses it, for which outputs, and where the room for
maatwerk sits: with one designated unit or with every officer; and whether maatwerk is an
exception (a clause used on request) or a right (an investigation for every case).
"""

from __future__ import annotations

from typing import Any

from maatwerk.spec.builder import citation
from maatwerk.spec.discretion import Decider
from maatwerk.spec.graph import full_graph, reachable
from maatwerk.spec.model import Regulation

VARIANTS = ("standaardisatie", "beleidscategorieën", "hardheidsclausules", "standaardmaatwerk")


def _room(decider: Decider) -> str:
    return f"unit {decider.unit}" if decider.unit else "any unit"


def _affects(reg: Regulation, names: set[str]) -> list[str]:
    graph = full_graph(reg)
    return [o for o in reg.outputs if reachable(graph, [o]) & names or o in names]


def _most(used: list[bool]) -> str:
    """The variant with the most maatwerk that the regulation uses."""
    return [v for v, u in zip(VARIANTS, used, strict=True) if u][-1]


def profile(reg: Regulation) -> dict[str, Any]:
    """The declared profile as data (``maatwerk profile --json``)."""
    categories = [{"name": c.name, "label": c.label.nl, "legal_basis": citation(c.legal_basis),
                   "outputs": _affects(reg, set(c.overrides())),
                   "group_hardship": c.hardship}
                  for c in reg.categories.values()]
    clauses = [{"name": h.name, "label": h.label.nl, "legal_basis": citation(h.legal_basis),
                "level": h.level, "mode": h.mode, "outputs": _affects(reg, set(h.bounds)),
                "decider": h.decider.role, "room": _room(h.decider),
                "four_eyes": h.four_eyes}
               for h in reg.hardship.values()]
    a = reg.assessment
    assessment = None if a is None else {
        "label": a.label.nl, "legal_basis": citation(a.legal_basis),
        "outputs": _affects(reg, {a.provision, a.amount}), "decider": a.decider.role,
        "room": _room(a.decider), "provisions": list(a.provisions)}
    individual = [c for c in clauses if c["level"] == "individual"]
    deciders = [h.decider for h in reg.hardship.values() if h.level == "individual"]
    if a is not None:
        deciders.append(a.decider)
    rooms = {f"unit {d.unit}" if d.unit else "every officer" for d in deciders}
    return {
        "regulation": {"id": reg.id, "version": reg.version, "title": reg.title.nl,
                       "authority": reg.authority, "subject": str(reg.subject)},
        "variants": {
            "standaardisatie": {"used": True, "outputs": list(reg.outputs)},
            "beleidscategorieën": {"used": bool(categories), "categories": categories},
            "hardheidsclausules": {"used": bool(clauses), "clauses": clauses},
            "standaardmaatwerk": {"used": assessment is not None, "assessment": assessment},
        },
        "maatwerk_is": ("a right: every case is investigated" if assessment else
                        "an exception: a clause used on request or when flagged" if individual
                        else "not available for an individual case"),
        "always_considered": [c["name"] for c in individual if c["mode"] == "always_consider"],
        "room": sorted(rooms) or ["nobody: no individual discretion"],
        "most": _most([True, bool(categories), bool(individual), assessment is not None]),
    }


def render(data: dict[str, Any]) -> str:
    """The profile as text."""
    reg = data["regulation"]
    v = data["variants"]
    lines = [f"{reg['id']} {reg['version']} — {reg['title']} ({reg['authority']}; subject: "
             f"{reg['subject']})", ""]
    outputs = ", ".join(v["standaardisatie"]["outputs"])
    lines.append(f"  standaardisatie     yes  rules decide {outputs}")
    cats = v["beleidscategorieën"]["categories"]
    lines.append(f"  beleidscategorieën  {'yes' if cats else 'no '}" + (
        f"  {len(cats)} categories" if cats else ""))
    for c in cats:
        group = f" [group hardship: {c['group_hardship']}]" if c["group_hardship"] else ""
        lines.append(f"      {c['name']} ({c['legal_basis']}): changes "
                     f"{', '.join(c['outputs']) or '-'}{group}")
    clauses = v["hardheidsclausules"]["clauses"]
    lines.append(f"  hardheidsclausules  {'yes' if clauses else 'no '}" + (
        f"  {len(clauses)} clauses" if clauses else ""))
    for c in clauses:
        eyes = ", four-eyes" if c["four_eyes"] else ""
        lines.append(f"      {c['name']} ({c['legal_basis']}): {c['level']}, {c['mode']}, "
                     f"changes {', '.join(c['outputs'])}; decided by a {c['decider']} of "
                     f"{c['room']}{eyes}")
    a = v["standaardmaatwerk"]["assessment"]
    lines.append(f"  standaardmaatwerk   {'yes' if a else 'no '}" + (
        f"  {a['label']} ({a['legal_basis']}): decides {', '.join(a['outputs'])}; by a "
        f"{a['decider']} of {a['room']}" if a else ""))
    lines += ["", f"  most maatwerk: {data['most']}", f"  maatwerk is {data['maatwerk_is']}",
              f"  room for maatwerk: {', '.join(data['room'])}"]
    if data["always_considered"]:
        lines.append(f"  to be considered in every decision: "
                     f"{', '.join(data['always_considered'])}")
    return "\n".join(lines)
