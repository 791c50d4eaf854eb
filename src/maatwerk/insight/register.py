"""The public maatwerk register: an anonymised, aggregated account of the deviations decided,
per year, regulation, hardship clause and ground.

Per calendar year in which a deviation was decided (approved or refused: the day of its last
change), for every regulation with an individual hardship clause: each clause with its legal
basis, each ground it declares (also those never used, and any ground or clause the case file
has but the regulation no longer declares), and the number of deviations approved and refused
— per ground, per clause and per regulation. No case, person, team, day or amount is shown.

Small numbers are suppressed (``maatwerk.insight.suppress``): 1 to 9 is shown as ``< 10``, and
in each year every relation *clause = sum of its grounds* and *regulation = sum of its clauses*
hides either none or at least two numbers (``×``), for approved and for refused deviations
apart. Years are published apart, with no total over the years, so one year cannot be worked
out from the others.

One ``GROUP BY`` over the deviations as the insight read model counts them per day
(``maatwerk.insight.store``); the rest is bounded by the number of clauses and grounds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from maatwerk.insight.dashboard import counted
from maatwerk.insight.sql import month
from maatwerk.insight.store import DEVIATIONS
from maatwerk.insight.suppress import THRESHOLD, Cell, protect
from maatwerk.insight.view import viewing
from maatwerk.spec.model import Regulation

MEASURES = ("approved", "refused")
NONE = "—"


def counts(s: Session) -> dict[str, dict[tuple[str, str, str], dict[str, int]]]:
    """Per year, regulation, clause and ground: deviations approved and refused."""
    with viewing(s) as v:
        d = v.cube(DEVIATIONS).c
        m = month(d.day)
        rows = s.execute(select(m, d.regulation, d.clause, d.ground, d.state, func.sum(d.n))
                         .where(d.state.in_(MEASURES), d.claused == 1)
                         .group_by(m, d.regulation, d.clause, d.ground, d.state)
                         .having(counted(d.n))).all()
    found: dict[str, dict[tuple[str, str, str], dict[str, int]]] = {}
    for m, regulation, clause, ground, state, n in rows:
        cell = found.setdefault(m[:4], {}).setdefault((regulation, str(clause), ground or NONE),
                                                      dict.fromkeys(MEASURES, 0))
        cell[state] += int(n)
    return found


def _label(t: Any) -> dict[str, str]:
    return {"nl": t.nl, "en": t.en or t.nl}


def _layout(regulations: Mapping[str, Regulation],
            seen: Mapping[tuple[str, str, str], Any]) -> dict[str, dict[str, list[str]]]:
    """Per regulation, its clauses and their grounds: as declared, then what else was seen."""
    layout: dict[str, dict[str, list[str]]] = {}
    for reg in sorted(regulations.values(), key=lambda r: r.id):
        clauses = {name: list(c.grounds) for name, c in reg.hardship.items()
                   if c.level == "individual"}
        if clauses:
            layout[reg.id] = clauses
    for regulation, clause, ground in sorted(seen):
        grounds = layout.setdefault(regulation, {}).setdefault(clause, [])
        if ground not in grounds:
            grounds.append(ground)
    return layout


def year(counted: Mapping[tuple[str, str, str], Mapping[str, int]],
         regulations: Mapping[str, Regulation]) -> list[dict[str, Any]]:
    """One year of the register, suppressed."""
    relations: dict[str, list[tuple[Cell, list[Cell]]]] = {m: [] for m in MEASURES}
    out = []
    for regulation, clauses in _layout(regulations, counted).items():
        reg = regulations.get(regulation)
        clause_rows: list[dict[str, Any]] = []
        totals: dict[str, list[Cell]] = {m: [] for m in MEASURES}
        for clause, grounds in clauses.items():
            declared = reg.hardship.get(clause) if reg else None
            ground_rows: list[dict[str, Any]] = []
            parts: dict[str, list[Cell]] = {m: [] for m in MEASURES}
            for ground in grounds:
                cells = {m: Cell(counted.get((regulation, clause, ground), {}).get(m, 0))
                         for m in MEASURES}
                for m in MEASURES:
                    parts[m].append(cells[m])
                about = declared.grounds.get(ground) if declared else None
                ground_rows.append({"ground": ground,
                                    "label": _label(about.label) if about else None,
                                    **cells})
            total = {m: Cell(sum(c.value for c in parts[m])) for m in MEASURES}
            for m in MEASURES:
                relations[m].append((total[m], parts[m]))
                totals[m].append(total[m])
            basis = declared.legal_basis if declared else None
            clause_rows.append({"clause": clause,
                                "label": _label(declared.label) if declared else None,
                                "legal_basis": None if basis is None else " ".join(
                                    x for x in (basis.title, basis.article) if x),
                                "grounds": ground_rows, **total})
        whole = {m: Cell(sum(c.value for c in totals[m])) for m in MEASURES}
        for m in MEASURES:
            relations[m].append((whole[m], totals[m]))
        out.append({"regulation": regulation,
                    "title": _label(reg.title) if reg else None, "clauses": clause_rows,
                    **whole})
    for m in MEASURES:
        protect(relations[m])
    return out


def register(s: Session, regulations: Mapping[str, Regulation]) -> dict[str, Any]:
    """The register: every year, newest first, with its cells suppressed."""
    found = counts(s)
    return {"threshold": THRESHOLD, "measures": list(MEASURES),
            "years": [{"year": y, "regulations": _json(year(found[y], regulations))}
                      for y in sorted(found, reverse=True)]}


def _json(rows: Any) -> Any:
    """Cells as their published form."""
    if isinstance(rows, Cell):
        return rows.to_json()
    if isinstance(rows, list):
        return [_json(r) for r in rows]
    if isinstance(rows, dict):
        return {k: _json(v) for k, v in rows.items()}
    return rows


def csv_rows(data: Mapping[str, Any]) -> list[list[str]]:
    """The register as CSV rows: one per ground, clause and regulation of each year."""
    rows = [["year", "regulation", "clause", "ground", "level", "legal_basis", *MEASURES]]
    for y in data["years"]:
        for r in y["regulations"]:
            for c in r["clauses"]:
                for g in c["grounds"]:
                    rows.append([y["year"], r["regulation"], c["clause"], g["ground"], "ground",
                                 c["legal_basis"] or "", *(g[m]["shown"] for m in MEASURES)])
                rows.append([y["year"], r["regulation"], c["clause"], "", "clause",
                             c["legal_basis"] or "", *(c[m]["shown"] for m in MEASURES)])
            rows.append([y["year"], r["regulation"], "", "", "regulation", "",
                         *(r[m]["shown"] for m in MEASURES)])
    return rows
