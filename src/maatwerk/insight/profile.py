"""A regulation's maatwerk profile from real decisions, beside the declared one.

The declared profile (``maatwerk.spec.profile``) says which of the four variants a regulation
uses and which outputs each can change. The case file says how they are used: of the outputs of
the standing decisions (each case's latest decision or re-decision), which share each layer
decided — standard rules, a policy category, the individual investigation, a deviation — in
total, per month of the decision, and per output. Set beside each other they show, for
instance, a clause that was never used or an output that is almost always tailored.

Aggregated in SQL (the deciding layers are unpacked from their JSON with ``json_each`` on SQLite
and ``json_each_text`` on PostgreSQL).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from maatwerk.cases.models import Case, Decision
from maatwerk.engine.decision import ASSESSMENT, CATEGORY, DEVIATION, STANDARD
from maatwerk.insight.dashboard import (
    Period,
    layer_mix,
    months,
    ordered,
    share,
    standing_decisions,
)
from maatwerk.insight.sql import Sql
from maatwerk.spec.model import Regulation
from maatwerk.spec.profile import profile


def observed(s: Session, regulation: str, period: Period | None = None) -> dict[str, Any]:
    """The layers that decided the outputs of the regulation's standing decisions."""
    period = Period(regulation, period.start if period else None,
                    period.end if period else None)
    sql = Sql(s)
    standing = standing_decisions()
    pairs = sql.json_pairs(Decision.deciding_layer)
    month = sql.month_of_time(standing.c.decided_at).label("month")
    where = [*period.of(Case.regulation), *period.times(standing.c.decided_at)]

    def decisions(*columns: Any, layers: bool = True) -> Any:
        query = select(*columns).select_from(standing)
        if layers:
            query = query.join(Decision, Decision.id == standing.c.id)
        return query.join(Case, Case.id == standing.c.case_id).where(*where)

    # one pass over the outputs: counted per month, output and layer, then summed both ways
    counts = s.execute(decisions(month, pairs.c.key, pairs.c.value, func.count())
                       .join(pairs, sa.true()).group_by(month, pairs.c.key, pairs.c.value))
    counted = s.execute(decisions(month, func.count(), layers=False).group_by(month))
    by_month: dict[str, dict[str, int]] = {}
    by_output: dict[str, dict[str, int]] = {}
    for m, output, layer, n in counts:
        for found in (by_month.setdefault(m, {}), by_output.setdefault(output, {})):
            found[layer] = found.get(layer, 0) + int(n)
    decided = {m: int(n) for m, n in counted}
    totals: dict[str, int] = {}
    for found in by_month.values():
        for layer, n in found.items():
            totals[layer] = totals.get(layer, 0) + n
    outputs = sum(totals.values())
    span = months(min(by_month), max(by_month)) if by_month else []
    return {
        "regulation": regulation,
        "filter": period.to_json(),
        "decisions": sum(decided.values()),
        "outputs": outputs,
        "layers": [{"layer": layer, "outputs": totals.get(layer, 0),
                    "share": share(totals.get(layer, 0), outputs)} for layer in ordered(totals)],
        "months": [{"month": m, "decisions": decided.get(m, 0),
                    "outputs": sum(by_month.get(m, {}).values())} for m in span],
        "over_time": [{"month": m, "layer": layer, "outputs": found.get(layer, 0),
                       "share": share(found.get(layer, 0), sum(found.values()))}
                      for m in span if (found := by_month.get(m, {}))
                      for layer in ordered(found)],
        "by_output": {o: {layer: {"outputs": found.get(layer, 0),
                                  "share": share(found.get(layer, 0), sum(found.values()))}
                          for layer in ordered(found)} for o, found in sorted(by_output.items())},
    }


def possible_layers(reg: Regulation) -> dict[str, list[str]]:
    """Per output, the layers the regulation declares can decide it: always the standard rules;
    a policy category, the investigation or a deviation (an individual hardship clause) where one
    can change the output or what it depends on."""
    declared = profile(reg)["variants"]
    possible: dict[str, set[str]] = {o: {STANDARD} for o in reg.outputs}
    for c in declared["beleidscategorieën"]["categories"]:
        for o in c["outputs"]:
            possible[o].add(CATEGORY)
    for c in declared["hardheidsclausules"]["clauses"]:
        if c["level"] == "individual":
            for o in c["outputs"]:
                possible[o].add(DEVIATION)
    assessment = declared["standaardmaatwerk"]["assessment"]
    for o in assessment["outputs"] if assessment else ():
        possible[o].add(ASSESSMENT)
    return {o: [layer for layer in ordered(dict.fromkeys(found, 0)) if layer in found]
            for o, found in possible.items()}


def maatwerk_profile(s: Session, reg: Regulation,
                     period: Period | None = None) -> dict[str, Any]:
    """The declared profile and the profile from real decisions, with per output what was
    possible, what was used, the declared layers never used, and layers used but not declared
    (an output of an older version, or a finding)."""
    seen = observed(s, reg.id, period)
    possible = possible_layers(reg)
    comparison = []
    for output in [*reg.outputs, *sorted(set(seen["by_output"]) - set(reg.outputs))]:
        used = seen["by_output"].get(output, {})
        can = possible.get(output, [])
        decided = sum(x["outputs"] for x in used.values())
        comparison.append({
            "output": output, "declared": output in possible, "possible": can,
            "decided": decided,
            "shares": {layer: used[layer]["share"] for layer in used if used[layer]["outputs"]},
            "unused": [layer for layer in can if layer != STANDARD and
                       not used.get(layer, {}).get("outputs")] if decided else [],
            "undeclared": [layer for layer, x in used.items()
                           if x["outputs"] and layer not in can],
        })
    return {"declared": profile(reg), "possible": possible, "observed": seen,
            "comparison": comparison}


def overview(s: Session) -> dict[str, dict[str, Any]]:
    """Per regulation: its standing decisions, their outputs, and how many of those outputs
    (``by_layer``) and which share (``layers``) each layer decided (for the list of
    regulations)."""
    standing = standing_decisions()
    counted = s.execute(select(Case.regulation, func.count()).select_from(standing)
                        .join(Case, Case.id == standing.c.case_id).group_by(Case.regulation))
    found: dict[str, dict[str, Any]] = {r: {"decisions": int(n), "outputs": 0, "layers": {},
                                            "by_layer": {}} for r, n in counted}
    for row in layer_mix(s, Period()):
        entry = found.setdefault(row["regulation"], {"decisions": 0, "outputs": 0,
                                                     "layers": {}, "by_layer": {}})
        entry["outputs"] += row["outputs"]
        entry["layers"][row["layer"]] = row["share"]
        entry["by_layer"][row["layer"]] = row["outputs"]
    for entry in found.values():
        standard = entry["layers"].get(STANDARD)
        entry["not_standard"] = None if standard is None else Decimal(1) - standard
    return found
