"""What the synthetic histories hold, counted from their plans in Python: the figures the SQL
aggregates must give (``tests.insight.synthetic``)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from tests.insight.bulk import Plan
from tests.insight.synthetic import history


def plans(planted: bool) -> list[Plan]:
    return history(outlier=planted, assertive=planted)


def decided(items: list[Plan]) -> list[Plan]:
    return [p for p in items if p.decided is not None]


def how(plan: Plan) -> str:
    return "deviation" if any(d.state == "approved" for d in plan.deviations) else "rules"


def per_caseworker(items: list[Plan], regulation: str) -> dict[str, tuple[int, int]]:
    """Per caseworker: decided cases of the regulation, with an approved deviation."""
    n: Counter[str] = Counter()
    x: Counter[str] = Counter()
    for p in decided(items):
        if p.regulation == regulation:
            n[p.caseworker] += 1
            x[p.caseworker] += how(p) == "deviation"
    return {w: (n[w], x[w]) for w in n}


def per_channel(items: list[Plan], regulation: str) -> dict[str, dict[str, int]]:
    """Per channel: decided cases, asked, requests decided and granted, offers and approved."""
    found: dict[str, dict[str, Any]] = {}
    for p in decided(items):
        if p.regulation != regulation:
            continue
        c = found.setdefault(p.channel, Counter())
        c["decided"] += 1
        asked = [d for d in p.deviations if d.trigger == "request"]
        offered = [d for d in p.deviations if d.trigger == "flag"]
        c["asked"] += bool(asked)
        c["requests"] += any(d.state in ("approved", "refused") for d in asked)
        c["granted"] += any(d.state == "approved" for d in asked)
        c["offers"] += any(d.state in ("approved", "refused") for d in offered)
        c["offers_approved"] += any(d.state == "approved" for d in offered)
    return {k: dict(v) for k, v in found.items()}
