"""Which facts a stored decision rests on (``maatwerk.cases.provisional``): those its trace shows
the evaluation reached, on the branches it took, through the chain of regulations it used; and
the decisions a pending claim on such a fact makes provisional."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from maatwerk.cases.provisional import facts_used, mark
from maatwerk.cases.registry import Registry
from tests.cases.helpers import BIJSTAND_FACTS, ZORGTOESLAG_FACTS
from tests.conftest import REGULATIONS

ZORGTOESLAG_DAY = dt.date(2025, 6, 1)
MINIMA_FACTS: dict[str, Any] = {**BIJSTAND_FACTS, "netto_inkomen": 1500}


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry([REGULATIONS / "bijstand", REGULATIONS / "minimaregeling",
                     REGULATIONS / "zorgtoeslag"])


def document(registry: Registry, regulation: str, day: dt.date,
             facts: dict[str, Any]) -> dict[str, Any]:
    """A decision as the case file stores and shows it."""
    reg = registry.get(regulation)
    found: dict[str, Any] = registry.decider_for(reg).decide(day, facts).to_json()
    return found


def used(registry: Registry, regulation: str, day: dt.date,
         facts: dict[str, Any]) -> set[str] | None:
    return facts_used(registry, registry.get(regulation),
                      document(registry, regulation, day, facts))


def test_the_facts_a_zorgtoeslag_decision_rests_on(registry: Registry) -> None:
    assert used(registry, "zorgtoeslag", ZORGTOESLAG_DAY, ZORGTOESLAG_FACTS) == {
        "leeftijd", "is_verzekerd", "heeft_toeslagpartner", "toetsingsinkomen", "vermogen"}


def test_a_branch_not_taken_reads_nothing(registry: Registry) -> None:
    """Without a partner the partner's income is given but not read; with one it is."""
    facts = {**ZORGTOESLAG_FACTS, "toetsingsinkomen_partner": 12000}
    assert "toetsingsinkomen_partner" not in (
        used(registry, "zorgtoeslag", ZORGTOESLAG_DAY, facts) or set())
    partner = {**facts, "heeft_toeslagpartner": True}
    assert "toetsingsinkomen_partner" in (
        used(registry, "zorgtoeslag", ZORGTOESLAG_DAY, partner) or set())


def test_a_rule_never_evaluated_reads_nothing(registry: Registry) -> None:
    """At 16 there is no entitlement: the amount's rules, which read the income, are never
    evaluated."""
    young = used(registry, "zorgtoeslag", ZORGTOESLAG_DAY, {**ZORGTOESLAG_FACTS, "leeftijd": 16})
    assert young is not None
    assert "leeftijd" in young and "toetsingsinkomen" not in young


def test_through_the_chain_the_facts_of_the_regulation_used_count(registry: Registry) -> None:
    """The minimaregeling takes its norm from the bijstand regulation: the household's facts
    that decide the norm are facts the minimaregeling decision rests on."""
    found = used(registry, "minimaregeling", dt.date(2025, 9, 1), MINIMA_FACTS)
    assert found is not None
    assert {"netto_inkomen", "vermogen", "leefvorm", "geboortedatum",
            "aantal_kostendelers"} <= found
    assert "bijstandsnorm" not in found  # decided, not given


def test_a_decision_without_a_trace_rests_on_every_fact(registry: Registry) -> None:
    reg = registry.get("zorgtoeslag")
    plain = registry.decider_for(reg).decide(ZORGTOESLAG_DAY, ZORGTOESLAG_FACTS).to_json(
        trace=False)
    assert facts_used(registry, reg, plain) is None
    decisions = [plain]
    mark(decisions, [{"id": 7, "fact": "anything", "state": "pending"}], registry, reg)
    assert decisions[0]["provisional"] is True


def test_only_a_pending_claim_on_a_used_fact_makes_a_decision_provisional(
        registry: Registry) -> None:
    reg = registry.get("zorgtoeslag")
    young = document(registry, "zorgtoeslag", ZORGTOESLAG_DAY,
                     {**ZORGTOESLAG_FACTS, "leeftijd": 16})
    claims = [{"id": 1, "fact": "toetsingsinkomen", "state": "pending"},
              {"id": 2, "fact": "leeftijd", "state": "refused"},
              {"id": 3, "fact": "vermogen", "state": "pending"}]
    decisions = [young]
    mark(decisions, claims, registry, reg)
    assert (young["provisional"], young["disputed"]) == (True, [{"claim": 3,
                                                                 "fact": "vermogen"}])
    mark(decisions, claims[:2], registry, reg)
    assert (young["provisional"], young["disputed"]) == (False, [])
