"""Which facts a stored decision rests on, and which decisions a pending claim makes provisional.

A decision *depends on* a fact when its evaluation reached that fact, as its own trace records
it: the fact is named by a formula of a rule the trace shows evaluated (in any layer), on the
path the evaluation took — in an ``if``, only the branch the trace records as taken (both, when
the condition was unknown) — or by the condition of a policy category the trace shows tested.
Through a chain, an input decided by another regulation brings in the facts that regulation's
decision (kept in the document) reached, in the case's names. Both operands of ``and`` and
``or`` count, and every row of a decision table: the trace does not record their
short-circuits, so the rule errs on the side of calling a decision provisional.

So a citizen without a partner who disputes her partner's income does not make her zorgtoeslag
provisional (the branch that reads it was not taken), and neither does a dispute of her income
when she is not entitled for her age (the rules that read the income were never evaluated). A
decision stored without a trace is taken to rest on every fact it was given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from maatwerk.cases.registry import Registry
from maatwerk.spec import ir
from maatwerk.spec.model import Regulation

Taken = Callable[[str], Any]


def reached(node: ir.Node, taken: Taken) -> set[str]:
    """The names ``node`` reads on the path taken: ``taken(condition)`` is the recorded value
    of an ``if``'s condition (True, False, or None when not recorded)."""
    found: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ir.Name):
            found.add(current.name)
        elif isinstance(current, ir.If):
            went = taken(ir.render(current.test))
            stack.append(current.test)
            if went is True:
                stack.append(current.then)
            elif went is False:
                stack.append(current.other)
            else:
                stack += [current.then, current.other]
        else:
            stack.extend(ir.children(current))
    return found


def _formulas(reg: Regulation, item: Mapping[str, Any], day: dt.date) -> list[ir.Node]:
    """The formula (or the rows of the table) a traced rule was evaluated with."""
    name = item["name"]
    category = item.get("category")
    if category and category in reg.categories and name in reg.categories[category].rules:
        return [reg.categories[category].rules[name].formula.expr]
    if name in reg.rules:
        formula = reg.rules[name].at(day)
        return [formula.expr] if formula is not None else []
    table = reg.tables.get(name)
    if table is None:
        return []
    nodes = [n for row in table.rows for n in (row.when.expr, row.then.expr)]
    return nodes + ([table.otherwise.expr] if table.otherwise is not None else [])


def facts_used(registry: Registry, reg: Regulation,
               document: Mapping[str, Any]) -> set[str] | None:
    """The facts (in the case's names) the decision ``document`` rests on; None when it has no
    trace to tell."""
    trace = document.get("trace")
    if not isinstance(trace, Mapping):
        return None
    day = dt.date.fromisoformat(document["peildatum"])
    recorded = {(b["layer"], b["in"], b["condition"]): b["taken"] for b in trace["branches"]}
    names: set[str] = set()
    for item in trace["rules"]:
        def taken(condition: str, item: Mapping[str, Any] = item) -> Any:
            return recorded.get((item["layer"], item["name"], condition))
        for expr in _formulas(reg, item, day):
            names |= reached(expr, taken)
    for tested in trace["categories"]:
        category = reg.categories.get(tested["name"])
        if category is not None:
            names |= ir.names(category.when.expr)
    used = {n for n in names if n in reg.inputs and reg.inputs[n].reference is None}
    for link in document.get("chain", ()):
        if link["input"] in names and "decision" in link:
            used |= _through(registry, reg, link)
    return used


def _through(registry: Registry, reg: Regulation, link: Mapping[str, Any]) -> set[str]:
    """The facts an input decided by another regulation rests on, in the case's names."""
    other = registry.pinned_by_sha(link["receipt"]["sha256"])
    decision = link["decision"]
    inner = facts_used(registry, other, decision) if other is not None else None
    if inner is None:
        inner = {i["name"] for i in decision.get("trace", {}).get("inputs", ())}
    reference = reg.inputs[link["input"]].reference
    mapping = reference.inputs if reference is not None else {}
    return {mapping.get(n, n) for n in inner}


def mark(decisions: Iterable[dict[str, Any]], claims: Iterable[Mapping[str, Any]],
         registry: Registry, reg: Regulation) -> None:
    """Mark each decision ``provisional`` when a pending claim disputes a fact it rests on,
    naming those claims in ``disputed`` (``[{"claim": id, "fact": name}]``)."""
    pending = [c for c in claims if c["state"] == "pending"]
    for decision in decisions:
        used = facts_used(registry, reg, decision) if pending else set()
        disputed = [{"claim": c["id"], "fact": c["fact"]} for c in pending
                    if used is None or c["fact"] in used]
        decision["provisional"] = bool(disputed)
        decision["disputed"] = disputed
