"""Claims on facts: a citizen (or a caseworker on her behalf) disputes a recorded fact; while the
claim is pending every decision that rests on the fact is provisional; a caseworker accepts it
(a new fact, and a decided case decided again with both decisions kept) or refuses it with a
reason; the claimant may withdraw it. Every change is in the audit chain; every refusal changes
nothing. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from maatwerk.cases.casefile import CaseFile
from maatwerk.cases.errors import CaseError
from maatwerk.spec.errors import DecisionError
from tests.cases.helpers import (
    BIJSTAND,
    BIJSTAND_DAY,
    BIJSTAND_FACTS,
    ZORGTOESLAG,
    ZORGTOESLAG_DAY,
    ZORGTOESLAG_FACTS,
    Clock,
    People,
    audit_length,
)

WHY = "Mijn inkomen over 2025 is hoger: ik kreeg in maart een vaste baan."
EVIDENCE = ["jaaropgave-2025", "loonstrook-2025-05"]
REFUSED = "De Belastingdienst bevestigt het geregistreerde inkomen."


def zorgtoeslag(cf: CaseFile, people: People, state: str = "decided",
                **facts: Any) -> int:
    """Anna's zorgtoeslag (income EUR 20,000: EUR 1,573 a year), taken to ``state``."""
    case_id: int = cf.submit(people.anna, ZORGTOESLAG, {**ZORGTOESLAG_FACTS, **facts},
                             peildatum=ZORGTOESLAG_DAY)["id"]
    steps: tuple[tuple[str, Callable[[], Any]], ...] = (
        ("in_progress", lambda: cf.start(people.carla, case_id)),
        ("proposal", lambda: cf.propose(people.carla, case_id)),
        ("decided", lambda: cf.decide(people.carla, case_id)),
        ("announced", lambda: cf.announce(people.carla, case_id)))
    for name, step in steps:
        if state == "received":
            break
        step()
        if name == state:
            break
    return case_id


def lodge(cf: CaseFile, people: People, case_id: int, value: Any = 30000,
          fact: str = "toetsingsinkomen") -> dict[str, Any]:
    return cf.lodge_claim(people.anna, case_id, fact, value, WHY, EVIDENCE)


def standing(case: dict[str, Any]) -> dict[str, Any]:
    decided = [d for d in case["decisions"] if d["kind"] != "proposal"]
    found: dict[str, Any] = decided[-1]
    return found


def everything(cf: CaseFile, people: People, case_id: int) -> tuple[Any, ...]:
    """All a refused action must leave as it was: the case with its facts, decisions, claims
    and terms, and the length of the audit chain."""
    return cf.get(people.ada, case_id), audit_length(cf.db)


# -- lodging, and the decision made provisional ------------------------------------------------


def test_a_pending_claim_makes_the_decision_provisional(cf: CaseFile, people: People) -> None:
    case_id = zorgtoeslag(cf, people)
    assert standing(cf.get(people.anna, case_id))["provisional"] is False
    claim = lodge(cf, people, case_id)
    assert (claim["state"], claim["fact"], claim["value"], claim["disputed"]) == (
        "pending", "toetsingsinkomen", "30000", "20000")
    assert claim["disputed_source"] == "burger"
    assert (claim["reason"], claim["evidence"], claim["lodged_role"]) == (WHY, EVIDENCE,
                                                                          "citizen")
    case = cf.get(people.anna, case_id)
    decision = standing(case)
    assert decision["provisional"] is True
    assert decision["disputed"] == [{"claim": claim["id"], "fact": "toetsingsinkomen"}]
    assert decision["outputs"]["zorgtoeslag"] == "1573"  # unchanged until it is verified
    assert case["current_facts"]["toetsingsinkomen"] == "20000"
    assert [c["id"] for c in case["claims"]] == [claim["id"]]
    trail = cf.audit_trail(people.carla, case_id)
    assert trail[-1]["action"] == "claim.lodge" and trail[-1]["actor"] == "anna"
    assert trail[-1]["before"] == {"fact": "toetsingsinkomen", "value": "20000",
                                   "source": "burger"}
    assert trail[-1]["after"]["value"] == "30000" and trail[-1]["why"] == WHY
    assert cf.verify().ok


def test_a_claim_on_a_fact_the_decision_did_not_use_leaves_it_final(
        cf: CaseFile, people: People) -> None:
    """Without a partner the partner's income is never read (the branch is not taken); at 16
    the income is never read (the rules that read it are not evaluated)."""
    single = zorgtoeslag(cf, people, toetsingsinkomen_partner=15000)
    lodge(cf, people, single, 9000, fact="toetsingsinkomen_partner")
    assert standing(cf.get(people.anna, single))["provisional"] is False
    young = zorgtoeslag(cf, people, leeftijd=16)
    lodge(cf, people, young)
    assert standing(cf.get(people.anna, young))["provisional"] is False
    lodge(cf, people, young, 17, fact="leeftijd")
    assert standing(cf.get(people.anna, young))["disputed"][0]["fact"] == "leeftijd"


def test_a_caseworker_lodges_a_claim_on_the_citizens_behalf(
        cf: CaseFile, people: People) -> None:
    case_id = zorgtoeslag(cf, people)
    claim = cf.lodge_claim(people.carla, case_id, "toetsingsinkomen", "30000.00",
                           "Telefonisch gemeld door de aanvrager; loonstroken ontvangen.")
    assert (claim["lodged_role"], claim["evidence"]) == ("caseworker", [])
    assert claim["value"] == "30000.00"
    assert cf.get(people.anna, case_id)["claims"][0]["id"] == claim["id"]  # hers to see


# -- accepting ---------------------------------------------------------------------------------


def test_accepting_a_claim_on_a_decided_case_decides_it_again(
        cf: CaseFile, people: People) -> None:
    case_id = zorgtoeslag(cf, people)
    before = standing(cf.get(people.anna, case_id))
    claim = lodge(cf, people, case_id)
    accepted = cf.accept_claim(people.mo, claim["id"])
    assert accepted["state"] == "accepted" and accepted["handled_by"] == people.mo.id
    case = cf.get(people.anna, case_id)
    fact = case["facts"][-1]
    assert (fact["name"], fact["value"], fact["recorded_by"]) == (
        "toetsingsinkomen", "30000", people.mo.id)
    assert fact["source"] == f"correctie burger #{claim['id']}"
    assert case["current_facts"]["toetsingsinkomen"] == "30000"
    corrected = standing(case)
    assert corrected["kind"] == "correction" and corrected["id"] == accepted["decision_id"]
    assert accepted["previous_decision_id"] == before["id"]
    assert corrected["correction"] == {"claim": claim["id"], "previous_decision": before["id"],
                                       "fact": "toetsingsinkomen", "before": "20000",
                                       "after": "30000"}
    outcomes = {d["kind"]: d["outputs"]["zorgtoeslag"] for d in case["decisions"]}
    assert outcomes == {"proposal": "1573", "decision": "1573", "correction": "1355"}
    assert corrected["provisional"] is False and case["state"] == "decided"
    trail = cf.audit_trail(people.carla, case_id)
    assert [e["action"] for e in trail[-2:]] == ["decision.correction", "claim.accept"]
    entry = trail[-1]
    assert (entry["actor"], entry["before"]["value"], entry["after"]["value"]) == (
        "mo", "20000", "30000")
    assert entry["before"]["decision"]["outputs"]["zorgtoeslag"] == "1573"
    assert entry["after"]["decision"]["outputs"]["zorgtoeslag"] == "1355"
    assert cf.verify().ok


def test_accepting_a_claim_on_an_open_case_feeds_the_next_proposal(
        cf: CaseFile, people: People) -> None:
    case_id = zorgtoeslag(cf, people, "proposal")
    claim = lodge(cf, people, case_id)
    assert standing_proposal(cf, people, case_id)["provisional"] is True
    assert cf.accept_claim(people.carla, claim["id"])["decision_id"] is None
    case = cf.get(people.anna, case_id)
    assert [d["kind"] for d in case["decisions"]] == ["proposal"]  # not decided by accepting
    assert case["decisions"][0]["provisional"] is False
    cf.propose(people.carla, case_id)
    assert cf.decide(people.alex, case_id)["outputs"]["zorgtoeslag"] == "1355"


def standing_proposal(cf: CaseFile, people: People, case_id: int) -> dict[str, Any]:
    found: dict[str, Any] = cf.get(people.carla, case_id)["decisions"][-1]
    assert found["kind"] == "proposal"
    return found


def test_a_corrected_announcement_gets_a_new_objection_term(
        cf: CaseFile, people: People, clock: Clock) -> None:
    case_id = zorgtoeslag(cf, people, "announced")
    clock.advance(days=20)
    cf.accept_claim(people.carla, lodge(cf, people, case_id)["id"])
    term = next(t for t in cf.get(people.anna, case_id)["deadlines"]
                if t["kind"] == "bezwaartermijn")
    assert (term["starts"], term["due"]) == ("2025-07-21", "2025-09-01")  # six weeks from now
    objection = cf.object(people.anna, case_id, "Ook het gecorrigeerde bedrag klopt niet.")
    assert objection["decision_id"] == standing(cf.get(people.anna, case_id))["id"]


def test_a_correction_that_leaves_the_case_undecidable_is_refused(
        cf: CaseFile, people: People) -> None:
    """With a partner the partner's income is needed, and it was never recorded: accepting
    the claim would leave the decision indeterminate, so nothing is accepted."""
    case_id = zorgtoeslag(cf, people)
    claim = cf.lodge_claim(people.anna, case_id, "heeft_toeslagpartner", "ja", WHY)
    assert standing(cf.get(people.anna, case_id))["provisional"] is True
    before = everything(cf, people, case_id)
    with pytest.raises(CaseError) as caught:
        cf.accept_claim(people.carla, claim["id"])
    assert caught.value.code == "MW805"
    assert "toetsingsinkomen_partner" in caught.value.message
    assert everything(cf, people, case_id) == before


def test_a_correction_while_an_objection_is_handled_leaves_the_objection_open(
        cf: CaseFile, people: People) -> None:
    """The objection extends to the decision that replaces the contested one (Awb 6:19)."""
    case_id = zorgtoeslag(cf, people, "announced")
    cf.object(people.anna, case_id, "Mijn inkomen is hoger dan de Belastingdienst denkt.")
    cf.accept_claim(people.carla, lodge(cf, people, case_id)["id"])
    case = cf.get(people.anna, case_id)
    assert (case["state"], case["objections"][0]["state"]) == ("objection", "lodged")
    assert standing(case)["kind"] == "correction"
    cf.decide_objection(people.max, case_id, False, "Ongegrond: het besluit is al gecorrigeerd.")
    assert cf.get(people.anna, case_id)["state"] == "objection_decided"


# -- refusing and withdrawing ------------------------------------------------------------------


def test_refusing_a_claim_records_the_reason_and_the_decision_stands(
        cf: CaseFile, people: People) -> None:
    case_id = zorgtoeslag(cf, people)
    claim = lodge(cf, people, case_id)
    with pytest.raises(CaseError) as caught:
        cf.refuse_claim(people.carla, claim["id"], " ")
    assert caught.value.code == "MW809" and caught.value.path == "reason"
    refused = cf.refuse_claim(people.carla, claim["id"], REFUSED)
    assert (refused["state"], refused["outcome"]) == ("refused", REFUSED)
    assert refused["term"]["status"] == "met"
    case = cf.get(people.anna, case_id)
    assert standing(case)["provisional"] is False and standing(case)["kind"] == "decision"
    assert case["current_facts"]["toetsingsinkomen"] == "20000"
    entry = cf.audit_trail(people.carla, case_id)[-1]
    assert (entry["action"], entry["why"], entry["after"]) == ("claim.refuse", REFUSED,
                                                               {"state": "refused"})


def test_the_claimant_withdraws_a_pending_claim(cf: CaseFile, people: People) -> None:
    case_id = zorgtoeslag(cf, people)
    by_carla = cf.lodge_claim(people.carla, case_id, "vermogen", 6000, "Aanvrager belde.")
    mine = lodge(cf, people, case_id)
    before = everything(cf, people, case_id)
    with pytest.raises(CaseError) as caught:  # a caseworker who did not lodge it refuses it
        cf.withdraw_claim(people.mo, mine["id"])
    assert caught.value.code == "MW802" and "refuses it instead" in caught.value.message
    assert everything(cf, people, case_id) == before
    withdrawn = cf.withdraw_claim(people.anna, mine["id"], "Ik vergiste me.")
    assert (withdrawn["state"], withdrawn["term"]["status"]) == ("withdrawn", "withdrawn")
    assert cf.withdraw_claim(people.carla, by_carla["id"])["state"] == "withdrawn"
    assert standing(cf.get(people.anna, case_id))["provisional"] is False


def test_withdrawing_the_application_withdraws_its_claims(cf: CaseFile, people: People) -> None:
    case_id = zorgtoeslag(cf, people, "in_progress")
    claim = lodge(cf, people, case_id)
    cf.withdraw(people.anna, case_id, "Ik heb geen zorgtoeslag meer nodig.")
    found = cf.get(people.anna, case_id)["claims"][0]
    assert (found["id"], found["state"], found["term"]["status"]) == (
        claim["id"], "withdrawn", "withdrawn")
    assert cf.pending_claims(people.carla) == []


# -- terms and the worklist --------------------------------------------------------------------


def test_a_claim_is_verified_within_the_decision_term_or_eight_weeks(
        cf: CaseFile, people: People, clock: Clock) -> None:
    open_case = zorgtoeslag(cf, people, "in_progress")  # decision term due 26 August 2025
    clock.advance(days=10)
    early = lodge(cf, people, open_case)
    assert (early["term"]["due"], early["term"]["reference"]) == (
        "2025-08-26", "Awb art. 3:2 en 4:13 (binnen de beslistermijn van de zaak)")
    decided = zorgtoeslag(cf, people)
    late = lodge(cf, people, decided)
    assert (late["term"]["starts"], late["term"]["due"]) == ("2025-07-11", "2025-09-05")
    assert "4:13" in late["term"]["reference"]
    cf.propose(people.carla, open_case)
    cf.decide(people.alex, open_case)  # deciding does not verify the claim
    assert cf.claims(people.carla, open_case)[0]["term"]["met_on"] is None
    due = {(t["case_id"], t["kind"]) for t in cf.deadlines(
        people.carla, "due", within_days=60)["items"]}
    assert (open_case, f"verificatietermijn_{early['id']}") in due
    overdue = cf.deadlines(people.carla, "overdue", today=cf.today().replace(month=12))
    assert {t["kind"] for t in overdue["items"]} == {f"verificatietermijn_{early['id']}",
                                                      f"verificatietermijn_{late['id']}"}


def test_the_worklist_lists_pending_claims_soonest_term_first(
        cf: CaseFile, people: People, clock: Clock) -> None:
    open_case = zorgtoeslag(cf, people, "in_progress")  # decision term due 26 August 2025
    clock.advance(days=10)
    decided = zorgtoeslag(cf, people)
    late = lodge(cf, people, decided)  # eight weeks: 5 September
    early = lodge(cf, people, open_case, fact="vermogen")  # within the decision term
    handled = cf.lodge_claim(people.anna, decided, "vermogen", 1, WHY)
    cf.refuse_claim(people.carla, handled["id"], REFUSED)
    listed = cf.pending_claims(people.carla)
    assert [(c["id"], c["reference"], c["lodger"], c["term"]["due"]) for c in listed] == [
        (early["id"], cf.get(people.ada, open_case)["reference"], "anna", "2025-08-26"),
        (late["id"], cf.get(people.ada, decided)["reference"], "anna", "2025-09-05")]
    clock.advance(days=60)
    assert [c["term"]["status"] for c in cf.pending_claims(people.carla)] == ["overdue"] * 2
    with pytest.raises(CaseError) as caught:
        cf.pending_claims(people.anna)
    assert caught.value.code == "MW802"


# -- refusals change nothing -------------------------------------------------------------------


def test_refused_claims_change_nothing(cf: CaseFile, people: People) -> None:
    case_id = zorgtoeslag(cf, people)
    other = zorgtoeslag(cf, people)
    claim = lodge(cf, people, case_id)
    by_carla = cf.lodge_claim(people.carla, case_id, "leeftijd", 31, "Paspoort getoond.")
    handled = lodge(cf, people, other)
    cf.refuse_claim(people.carla, handled["id"], REFUSED)
    before = everything(cf, people, case_id)
    attempts: list[tuple[str, str, Any]] = [
        ("MW601", "value", lambda: lodge(cf, people, case_id, "veel", fact="vermogen")),
        ("MW601", "value", lambda: lodge(cf, people, case_id, -5, fact="vermogen")),
        ("MW809", "value", lambda: lodge(cf, people, case_id, None, fact="vermogen")),
        ("MW809", "value", lambda: lodge(cf, people, case_id, "5000.00", fact="vermogen")),
        ("MW809", "fact", lambda: lodge(cf, people, case_id, 1, fact="toeslagpartner")),
        ("MW809", "reason", lambda: cf.lodge_claim(people.anna, case_id, "vermogen", 1, "")),
        ("MW809", "evidence", lambda: cf.lodge_claim(people.anna, case_id, "vermogen", 1, WHY,
                                                     [3])),  # type: ignore[list-item]
        ("MW810", "fact", lambda: lodge(cf, people, case_id, 25000)),
        ("MW802", "actions.lodge_claim",
         lambda: cf.lodge_claim(people.alex, case_id, "vermogen", 1, WHY)),
        ("MW803", "case", lambda: cf.lodge_claim(people.bram, case_id, "vermogen", 1, WHY)),
        ("MW802", "actions.accept_claim", lambda: cf.accept_claim(people.anna, claim["id"])),
        ("MW802", "actions.refuse_claim",
         lambda: cf.refuse_claim(people.alex, claim["id"], REFUSED)),
        ("MW803", "claim", lambda: cf.withdraw_claim(people.bram, claim["id"])),
        ("MW803", "claim", lambda: cf.accept_claim(people.carla, 987654)),
        ("MW808", "claim", lambda: cf.accept_claim(people.carla, by_carla["id"])),
        ("MW808", "claim", lambda: cf.refuse_claim(people.carla, by_carla["id"], REFUSED)),
        ("MW804", "claim", lambda: cf.accept_claim(people.carla, handled["id"])),
        ("MW804", "claim", lambda: cf.withdraw_claim(people.anna, handled["id"])),
    ]
    for code, path, attempt in attempts:
        with pytest.raises((CaseError, DecisionError)) as caught:
            attempt()
        assert (caught.value.code, caught.value.path) == (code, path), caught.value.message
        assert everything(cf, people, case_id) == before, code


def test_an_invalid_value_is_refused_naming_the_input_its_type_and_the_value(
        cf: CaseFile, people: People) -> None:
    case_id = zorgtoeslag(cf, people)
    with pytest.raises(DecisionError) as caught:
        lodge(cf, people, case_id, "veel")
    assert caught.value.code == "MW601"
    assert caught.value.message == ("the proposed value of 'toetsingsinkomen' (money): "
                                    "expected an amount in euros; got 'veel'")
    assert caught.value.got == "veel"
    with pytest.raises(DecisionError) as caught:
        lodge(cf, people, case_id, "misschien", fact="is_verzekerd")
    assert "'is_verzekerd' (bool)" in caught.value.message
    assert "misschien" in caught.value.message


def test_a_claim_is_not_lodged_or_handled_on_a_withdrawn_case(
        cf: CaseFile, people: People) -> None:
    case_id = cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY)["id"]
    cf.withdraw(people.anna, case_id, "Ik heb werk gevonden.")
    before = everything(cf, people, case_id)
    with pytest.raises(CaseError) as caught:
        cf.lodge_claim(people.anna, case_id, "vermogen", 100, WHY)
    assert (caught.value.code, caught.value.got) == ("MW801", "withdrawn")
    assert "dispute a fact" in caught.value.message
    assert everything(cf, people, case_id) == before
