"""The objection (bezwaar): the whole decision is reconsidered (Awb art. 7:11), so while it is
handled the records that prepare a decision can change -- facts, deviations, considerations --
and an upheld objection's new decision follows them; and it is decided by someone who was not
involved in the contested decision (Awb art. 7:5)."""

from __future__ import annotations

import pytest

from maatwerk.cases.casefile import CaseFile
from maatwerk.cases.errors import CaseError
from tests.cases.helpers import (
    AFSTEMMING,
    BIJSTAND,
    BIJSTAND_DAY,
    BIJSTAND_FACTS,
    BIJSTAND_NORM,
    CONSIDERED,
    GROUNDS,
    REASON,
    People,
    bijstand_case,
    snapshot,
)

UPHELD = "Het bezwaar is gegrond: de medische kosten zijn aangetoond."


def objected(cf: CaseFile, people: People) -> int:
    """Anna's bijstand at the standard norm (art. 18 considered, no deviation), proposed by
    Carla, decided by Alex, announced; Anna objects."""
    case_id: int = cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY)["id"]
    cf.start(people.carla, case_id)
    cf.consider(people.carla, case_id, "afstemming", CONSIDERED)
    cf.propose(people.carla, case_id)
    assert cf.decide(people.alex, case_id)["outputs"]["bijstandsnorm"] == BIJSTAND_NORM
    cf.announce(people.carla, case_id)
    cf.object(people.anna, case_id, GROUNDS)
    return case_id


def test_an_upheld_objection_with_a_deviation_changes_the_amount(
        cf: CaseFile, people: People) -> None:
    case_id = objected(cf, people)
    # While the objection is handled, Mo (who took no part) proposes art. 18 lid 1 on the
    # grounds of the objection and Bo approves it; Max decides on the objection.
    proposed = cf.propose_deviation(people.mo, case_id, **AFSTEMMING)
    with pytest.raises(CaseError) as waiting:  # not while the proposal is open
        cf.decide_objection(people.max, case_id, True, UPHELD)
    assert waiting.value.code == "MW805" and f"#{proposed['id']}" in waiting.value.message
    cf.approve_deviation(people.bo, proposed["id"])
    cf.decide_objection(people.max, case_id, True, UPHELD)
    case = cf.get(people.anna, case_id)
    first, again = case["decisions"][1], case["decisions"][-1]
    assert (first["kind"], again["kind"]) == ("decision", "redecision")
    assert (first["outputs"]["bijstandsnorm"], again["outputs"]["bijstandsnorm"]) == (
        BIJSTAND_NORM, "1500")
    assert again["deciding_layer"]["bijstandsnorm"] == "deviation"
    assert case["state"] == "objection_decided"
    assert cf.verify().ok


def test_an_upheld_objection_with_new_facts_changes_the_amount(
        cf: CaseFile, people: People) -> None:
    case_id = objected(cf, people)
    cf.record_facts(people.anna, case_id, {"aantal_kostendelers": 2})  # she shares the house
    cf.decide_objection(people.max, case_id, True, UPHELD)
    decisions = cf.get(people.anna, case_id)["decisions"]
    assert decisions[-1]["kind"] == "redecision"
    assert decisions[-1]["outputs"]["bijstandsnorm"] != decisions[1]["outputs"]["bijstandsnorm"]


def test_the_objection_is_decided_by_someone_not_involved(
        cf: CaseFile, people: People) -> None:
    """Carla proposed a deviation and Alex approved it (a second one Bo refused: it is not
    part of the decision), Carla proposed the decision and Bo took it: of the approvers and
    managers, only Max and Nina may decide on the objection."""
    case_id, _ = bijstand_case(cf, people, "in_progress")
    cf.refuse_deviation(people.bo, cf.propose_deviation(
        people.carla, case_id, **{**AFSTEMMING, "value": 1400})["id"], REASON)
    cf.propose(people.carla, case_id)
    cf.decide(people.bo, case_id)
    cf.announce(people.carla, case_id)
    cf.object(people.anna, case_id, GROUNDS)
    before = snapshot(cf, people, case_id)
    for actor, part in ((people.bo, "took it"),
                        (people.alex, "approved its deviation under afstemming")):
        with pytest.raises(CaseError) as caught:
            cf.decide_objection(actor, case_id, False, "Ongegrond.")
        assert caught.value.code == "MW808"
        assert "7:5" in caught.value.message and part in caught.value.message, (
            caught.value.message)
        assert snapshot(cf, people, case_id) == before
    assert cf.decide_objection(people.max, case_id, False, "Ongegrond.")["state"] == "rejected"


def test_who_proposed_the_decision_or_its_deviation_does_not_decide_the_objection(
        cf: CaseFile, people: People) -> None:
    """The roles differ here only to test the rule: whoever proposed the contested decision or
    one of its deviations is refused, whatever their role is now."""
    from maatwerk.cases.service import Actor

    case_id, _ = bijstand_case(cf, people, "objection")  # Carla proposed, Alex approved/decided
    carla = Actor(people.carla.id, "carla", "approver")  # as if promoted since
    before = snapshot(cf, people, case_id)
    with pytest.raises(CaseError) as caught:
        cf.decide_objection(carla, case_id, False, "Ongegrond.")
    assert caught.value.code == "MW808"
    assert "proposed it" in caught.value.message
    assert snapshot(cf, people, case_id) == before
