"""The case service as its users meet it: the whole journey from a citizen's application with a
request for maatwerk to the decision on the objection, submitting, facts, deciding only when the
case is ready (MW805), objections (MW806, MW808), and what a citizen may see (MW803)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from maatwerk.cases.casefile import CaseFile
from maatwerk.cases.errors import CaseError
from maatwerk.cases.models import Base, Unit
from maatwerk.spec.errors import DecisionError
from tests.cases.helpers import (
    AFSTEMMING,
    ANNA_BSN,
    BIJSTAND,
    BIJSTAND_DAY,
    BIJSTAND_FACTS,
    BIJSTAND_NORM,
    CASE_ACTIONS,
    CONSIDERED,
    GROUNDS,
    REASON,
    STORY,
    ZORGTOESLAG,
    ZORGTOESLAG_DAY,
    ZORGTOESLAG_FACTS,
    Clock,
    People,
    audit_length,
    bijstand_case,
    perform,
    snapshot,
)


def actions_of(cf: CaseFile, people: People, case_id: int) -> list[str]:
    return [e["action"] for e in cf.audit_trail(people.carla, case_id)]


def journey_to_objection(cf: CaseFile, people: People) -> tuple[int, dict[str, Any]]:
    """Anna applies and asks for maatwerk; Carla proposes a deviation, Alex approves it and
    decides, Carla announces, Anna objects. Returns the case and the decision."""
    case = cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY)
    case_id = case["id"]
    assert case["state"] == "received"
    assert case["reference"] == "bijstand-2025-000001"
    assert case["regulation_version"] == "2025.2"

    request = cf.request_maatwerk(people.anna, case_id, STORY)
    assert (request["state"], request["story"]) == ("requested", STORY)

    started = cf.start(people.carla, case_id)
    assert (started["state"], started["assigned_to"]) == ("in_progress", people.carla.id)

    deviation = cf.propose_deviation(people.carla, case_id, request_id=request["id"],
                                     **AFSTEMMING)
    assert deviation["id"] == request["id"]
    assert (deviation["state"], deviation["trigger"]) == ("proposed", "request")
    assert deviation["proposed_by"] == people.carla.id

    approved = cf.approve_deviation(people.alex, request["id"])
    assert (approved["state"], approved["approved_by"]) == ("approved", people.alex.id)

    proposal = cf.propose(people.carla, case_id)
    assert (proposal["kind"], proposal["status"]) == ("proposal", "determined")
    assert proposal["outputs"]["bijstandsnorm"] == "1500"
    assert proposal["deciding_layer"]["bijstandsnorm"] == "deviation"
    assert cf.get(people.carla, case_id)["state"] == "proposal"

    decision = cf.decide(people.alex, case_id)
    assert (decision["kind"], decision["decided_by"]) == ("decision", people.alex.id)
    assert decision["outputs"] == proposal["outputs"]
    assert cf.get(people.carla, case_id)["state"] == "decided"

    assert cf.announce(people.carla, case_id)["state"] == "announced"

    objection = cf.object(people.anna, case_id, GROUNDS)
    assert (objection["state"], objection["decision_id"]) == ("lodged", decision["id"])
    assert cf.get(people.anna, case_id)["state"] == "objection"
    return case_id, decision


def test_the_journey_with_an_upheld_objection(cf: CaseFile, people: People) -> None:
    case_id, decision = journey_to_objection(cf, people)

    # Alex took the contested decision: a third person decides on the objection.
    before = snapshot(cf, people, case_id)
    with pytest.raises(CaseError) as caught:
        cf.decide_objection(people.alex, case_id, True, "Het bezwaar is gegrond.")
    assert caught.value.code == "MW808"
    assert "7:5" in caught.value.message
    assert snapshot(cf, people, case_id) == before

    upheld = cf.decide_objection(people.bo, case_id, True, "Het bezwaar is gegrond.")
    assert (upheld["state"], upheld["decided_by"]) == ("upheld", people.bo.id)
    case = cf.get(people.anna, case_id)
    assert case["state"] == "objection_decided"
    assert [d["kind"] for d in case["decisions"]] == ["proposal", "decision", "redecision"]
    redecision = case["decisions"][-1]
    # Decided again on the facts as they stand, under the same version, by the third person.
    assert redecision["outputs"] == decision["outputs"]
    assert redecision["decided_by"] == people.bo.id
    assert redecision["receipt"]["sha256"] == decision["receipt"]["sha256"]
    assert [o["state"] for o in case["objections"]] == ["upheld"]

    assert actions_of(cf, people, case_id) == [
        "submit", "maatwerk.request", "start", "deviation.propose", "deviation.approve",
        "decision.proposal", "propose", "decision.decision", "decide", "announce",
        "objection.lodge", "object", "objection.upheld", "decision.redecision",
        "decide_objection"]
    trail = cf.audit_trail(people.carla, case_id)
    assert {e["actor"] for e in trail} == {"anna", "carla", "alex", "bo"}
    assert cf.verify(people.ada).ok


def test_the_journey_with_a_rejected_objection(cf: CaseFile, people: People) -> None:
    case_id, _ = journey_to_objection(cf, people)
    rejected = cf.decide_objection(people.max, case_id, False,
                                   "De afstemming is zorgvuldig gemotiveerd.")
    assert (rejected["state"], rejected["outcome"]) == (
        "rejected", "De afstemming is zorgvuldig gemotiveerd.")
    case = cf.get(people.carla, case_id)
    assert case["state"] == "objection_decided"
    assert [d["kind"] for d in case["decisions"]] == ["proposal", "decision"]
    assert actions_of(cf, people, case_id)[-2:] == ["objection.rejected", "decide_objection"]
    assert cf.verify(people.ada).ok


def test_a_plain_regulation_is_decided_without_discretion(cf: CaseFile, people: People) -> None:
    case_id = cf.submit(people.anna, ZORGTOESLAG, ZORGTOESLAG_FACTS,
                        peildatum=ZORGTOESLAG_DAY)["id"]
    cf.start(people.carla, case_id)
    cf.propose(people.carla, case_id)
    decision = cf.decide(people.carla, case_id)
    assert decision["status"] == "determined"
    assert decision["outputs"]["recht_op_zorgtoeslag"] is True
    assert cf.get(people.anna, case_id)["state"] == "decided"


# -- deciding only when the case is ready (MW805) ------------------------------------------------

def test_deciding_is_refused_until_the_case_is_ready(cf: CaseFile, people: People) -> None:
    def refused(case_id: int, *names: str) -> None:
        before = snapshot(cf, people, case_id)
        with pytest.raises(CaseError) as caught:
            cf.decide(people.alex, case_id)
        assert caught.value.code == "MW805", str(caught.value)
        for name in names:
            assert name in caught.value.message, str(caught.value)
        assert snapshot(cf, people, case_id) == before

    # 1. A request for maatwerk, then a proposed deviation, is still open.
    case_id = cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY)["id"]
    request_id = cf.request_maatwerk(people.anna, case_id, STORY)["id"]
    cf.start(people.carla, case_id)
    cf.consider(people.carla, case_id, "afstemming", CONSIDERED)
    cf.propose(people.carla, case_id)
    refused(case_id, f"#{request_id}")
    cf.propose_deviation(people.carla, case_id, request_id=request_id, **AFSTEMMING)
    refused(case_id, f"#{request_id}")
    cf.refuse_deviation(people.alex, request_id, REASON)
    decision = cf.decide(people.alex, case_id)
    assert decision["outputs"]["bijstandsnorm"] == BIJSTAND_NORM  # the refused one is not used

    # 2. The decision is indeterminate: the assets are not known.
    facts = {k: v for k, v in BIJSTAND_FACTS.items() if k != "vermogen"}
    case_id = cf.submit(people.anna, BIJSTAND, facts, peildatum=BIJSTAND_DAY)["id"]
    cf.start(people.carla, case_id)
    cf.consider(people.carla, case_id, "afstemming", CONSIDERED)
    proposal = cf.propose(people.carla, case_id)
    assert (proposal["status"], proposal["missing"]) == ("indeterminate", ["vermogen"])
    refused(case_id, "vermogen")
    cf.record_facts(people.anna, case_id, {"vermogen": 0})
    assert cf.decide(people.carla, case_id)["status"] == "determined"

    # 3. Art. 18 lid 1 (afstemming) must always be considered: neither a deviation nor a
    # consideration is recorded.
    case_id = cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY)["id"]
    cf.start(people.carla, case_id)
    cf.propose(people.carla, case_id)
    refused(case_id, "afstemming")
    cf.consider(people.carla, case_id, "afstemming", CONSIDERED)
    decision = cf.decide(people.carla, case_id)
    assert decision["outputs"]["bijstandsnorm"] == BIJSTAND_NORM
    assert decision["considerations"]["afstemming"]["considered"] is True


# -- submitting and facts ------------------------------------------------------------------------

def test_a_submission_is_checked_and_its_subject_known_only_by_pseudonym(
        cf: CaseFile, people: People) -> None:
    for facts, code in (({**BIJSTAND_FACTS, "vermogen": -5}, "MW601"),
                        ({**BIJSTAND_FACTS, "vermogn": 5}, "MW602")):
        with pytest.raises(DecisionError) as caught:
            cf.submit(people.anna, BIJSTAND, facts, peildatum=BIJSTAND_DAY)
        assert caught.value.code == code
    with pytest.raises(CaseError) as unknown:
        cf.submit(people.anna, "bijstnd", BIJSTAND_FACTS, peildatum=BIJSTAND_DAY)
    assert unknown.value.code == "MW803"
    assert "bijstand" in unknown.value.message  # the suggestion
    with pytest.raises(CaseError) as anonymous:
        cf.submit(people.carla, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY)
    assert anonymous.value.code == "MW809"
    assert cf.list_cases(people.ada)["total"] == audit_length(cf.db) == 0  # nothing stored

    first = cf.submit(people.carla, BIJSTAND, BIJSTAND_FACTS, subject_key=ANNA_BSN,
                      peildatum=BIJSTAND_DAY, channel="balie")
    second = cf.submit(people.carla, BIJSTAND, BIJSTAND_FACTS, subject_key=ANNA_BSN,
                       peildatum=BIJSTAND_DAY)
    assert first["subject"]["pseudonym"] == second["subject"]["pseudonym"]
    assert ANNA_BSN not in first["subject"]["pseudonym"]
    assert (first["reference"], second["reference"]) == (
        "bijstand-2025-000001", "bijstand-2025-000002")
    assert first["channel"] == "balie"
    # A case about a person (zorgtoeslag) or her household (bijstand) submitted with Anna's BSN
    # is Anna's: she sees them, under her own subject.
    hers = cf.submit(people.carla, ZORGTOESLAG, ZORGTOESLAG_FACTS, subject_key=ANNA_BSN,
                     peildatum=ZORGTOESLAG_DAY)
    assert hers["subject"] == first["subject"]
    assert [c["id"] for c in cf.list_cases(people.anna)["items"]] == [
        hers["id"], second["id"], first["id"]]
    # The identifying key is nowhere in the database.
    with cf.db.reading() as s:
        for table in Base.metadata.sorted_tables:
            assert ANNA_BSN not in repr(s.execute(sa.select(table)).all()), table.name


def test_a_citizen_sees_the_case_a_caseworker_submitted_for_her(
        cf: CaseFile, people: People) -> None:
    """A household is known by the BSN of who applies for it: the bijstand case a caseworker
    submits at the counter with Anna's BSN is filed under Anna's own subject, like the one she
    submits herself; she sees it and acts on it. Bram does not."""
    case = cf.submit(people.carla, BIJSTAND, BIJSTAND_FACTS, subject_key=ANNA_BSN,
                     peildatum=BIJSTAND_DAY, channel="balie")
    own = cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY)
    assert case["subject"] == own["subject"]
    assert case["subject"]["kind"] == "person"
    assert [c["id"] for c in cf.list_cases(people.anna)["items"]] == [own["id"], case["id"]]
    assert cf.get(people.anna, case["id"])["channel"] == "balie"
    assert cf.request_maatwerk(people.anna, case["id"], STORY)["state"] == "requested"
    assert cf.withdraw(people.anna, case["id"])["state"] == "withdrawn"
    assert cf.list_cases(people.bram)["total"] == 0
    # A household's case about someone without an account yet is made under the BSN's person.
    other = cf.submit(people.carla, BIJSTAND, BIJSTAND_FACTS, subject_key="123456782",
                      peildatum=BIJSTAND_DAY)
    assert other["subject"]["kind"] == "person"
    assert other["subject"]["pseudonym"] not in (case["subject"]["pseudonym"],)


def test_a_case_outside_the_regulations_validity_is_refused_at_submission(
        cf: CaseFile, people: People, clock: Clock) -> None:
    with pytest.raises(DecisionError) as caught:
        cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY.replace(year=2026))
    assert caught.value.code == "MW603"
    assert "from 2025-01-01 until 2025-12-31" in caught.value.message
    assert "2026-07-01" in caught.value.message
    # Without a reference date it is the case file's date (the clock's), not the computer's.
    clock.now = clock.now.replace(year=2027)
    with pytest.raises(DecisionError) as late:
        cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS)
    assert (late.value.code, late.value.got) == ("MW603", "2027-07-01")
    assert cf.list_cases(people.ada)["total"] == audit_length(cf.db) == 0
    clock.now = clock.now.replace(year=2025, month=3)
    case = cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS)
    assert (case["peildatum"], case["received_on"]) == ("2025-03-01", "2025-03-01")


def test_a_later_fact_supersedes_the_earlier_one_which_stays(
        cf: CaseFile, people: People) -> None:
    case_id = cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY)["id"]
    cf.record_facts(people.carla, case_id, {"vermogen": 9000})
    case = cf.get(people.anna, case_id)
    assert case["current_facts"]["vermogen"] == "9000"
    recorded = [(f["value"], f["source"]) for f in case["facts"] if f["name"] == "vermogen"]
    assert recorded == [("0", "burger"),
                        ("9000", "Aanvraag en gemeente (onderzoek naar het vermogen)")]
    before = snapshot(cf, people, case_id)
    with pytest.raises(DecisionError) as caught:
        cf.record_facts(people.carla, case_id, {"vermogen": "veel"})
    assert caught.value.code == "MW601"
    assert snapshot(cf, people, case_id) == before
    trail = cf.audit_trail(people.carla, case_id)
    assert (trail[-1]["action"], trail[-1]["before"], trail[-1]["after"]) == (
        "record_facts", {"vermogen": "0"}, {"vermogen": "9000"})


# -- objections ----------------------------------------------------------------------------------

def test_an_objection_after_the_term_is_refused(
        cf: CaseFile, people: People, clock: Clock) -> None:
    case_id, _ = bijstand_case(cf, people, "announced")
    with pytest.raises(CaseError) as empty:
        cf.object(people.anna, case_id, "   ")
    assert empty.value.code == "MW809"
    clock.advance(weeks=6, days=1)
    before = snapshot(cf, people, case_id)
    with pytest.raises(CaseError) as caught:
        cf.object(people.anna, case_id, GROUNDS)
    assert caught.value.code == "MW806"
    assert "6:7" in caught.value.message
    assert snapshot(cf, people, case_id) == before


# -- what a citizen may see ----------------------------------------------------------------------

def test_a_citizen_cannot_see_or_act_on_another_citizens_case(
        cf: CaseFile, people: People) -> None:
    case_id, request_id = bijstand_case(cf, people, "received")
    before = snapshot(cf, people, case_id)

    def hidden(action: str, call: Any) -> str:
        with pytest.raises(CaseError) as caught:
            call()
        assert caught.value.code == "MW803", (action, str(caught.value))
        assert snapshot(cf, people, case_id) == before, action
        return caught.value.message

    # As if the case did not exist: the same answer as for a case that does not.
    missing = hidden("get", lambda: cf.get(people.bram, 999_999))
    assert hidden("get", lambda: cf.get(people.bram, case_id)) == missing.replace(
        "999999", str(case_id))
    hidden("audit_trail", lambda: cf.audit_trail(people.bram, case_id))
    for action in CASE_ACTIONS:
        hidden(action, lambda action=action: perform(cf, action, people.bram, case_id,
                                                     request_id))
    assert cf.list_cases(people.bram)["total"] == 0
    assert cf.deadlines(people.bram, "overdue", today=BIJSTAND_DAY.replace(year=2026))[
        "total"] == 0
    assert cf.list_cases(people.anna)["total"] == 1
    assert cf.deadlines(people.anna, "overdue", today=BIJSTAND_DAY.replace(year=2026))[
        "total"] == 1


def test_an_id_that_cannot_exist_is_not_found(cf: CaseFile, people: People) -> None:
    # Ids are 32-bit integers on PostgreSQL; a larger one must not reach the database.
    for impossible in (0, -1, 2**31, 2**63):
        with pytest.raises(CaseError) as read:
            cf.get(people.carla, impossible)
        with pytest.raises(CaseError) as started:
            cf.start(people.carla, impossible)
        with pytest.raises(CaseError) as approved:
            cf.approve_deviation(people.alex, impossible)
        for caught in (read, started, approved):
            assert caught.value.code == "MW803", str(caught.value)


def test_another_citizens_request_answers_as_if_it_did_not_exist(
        cf: CaseFile, people: People) -> None:
    cf.submit(people.bram, ZORGTOESLAG, ZORGTOESLAG_FACTS, peildatum=ZORGTOESLAG_DAY)
    case_id, request_id = bijstand_case(cf, people, "received")
    assert case_id != request_id
    for action in ("withdraw_deviation", "approve_deviation", "refuse_deviation"):
        with pytest.raises(CaseError) as other:
            perform(cf, action, people.bram, case_id, request_id)
        with pytest.raises(CaseError) as missing:
            perform(cf, action, people.bram, case_id, 999_999)
        assert other.value.code == missing.value.code == "MW803"
        assert str(case_id) not in other.value.message, other.value.message
        assert other.value.message == missing.value.message.replace(
            "999999", str(request_id)), action


def test_lists_are_paged_and_filtered(cf: CaseFile, people: People) -> None:
    ids = [cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY)["id"]
           for _ in range(3)]
    cf.submit(people.bram, ZORGTOESLAG, ZORGTOESLAG_FACTS, peildatum=ZORGTOESLAG_DAY)
    cf.withdraw(people.anna, ids[0])
    page = cf.list_cases(people.carla, size=2)
    assert (page["total"], len(page["items"])) == (4, 2)
    assert len(cf.list_cases(people.carla, size=2, page=2)["items"]) == 2
    assert cf.list_cases(people.carla, regulation=BIJSTAND)["total"] == 3
    assert [c["id"] for c in cf.list_cases(people.carla, state="withdrawn")["items"]] == [ids[0]]
    assert cf.list_cases(people.anna)["total"] == 3
    assert cf.list_cases(people.bram)["total"] == 1
    with pytest.raises(CaseError) as caught:
        cf.audit_trail(people.anna, ids[1])
    assert caught.value.code == "MW802"
    with pytest.raises(CaseError) as verify:
        cf.verify(people.carla)
    assert verify.value.code == "MW802"
    assert "for administrators and managers, not for caseworkers" in verify.value.message
    assert cf.verify(people.max).ok and cf.verify(people.ada).ok


def test_a_case_belongs_to_the_team_that_handles_it(cf: CaseFile, people: People) -> None:
    """Submitted by a caseworker: their team; by a citizen: none until a caseworker starts it,
    whose team it then is."""
    at_the_counter = cf.submit(people.carla, ZORGTOESLAG, ZORGTOESLAG_FACTS,
                               subject_key=ANNA_BSN, peildatum=ZORGTOESLAG_DAY)
    online = cf.submit(people.anna, ZORGTOESLAG, ZORGTOESLAG_FACTS, peildatum=ZORGTOESLAG_DAY)
    assert online["unit_id"] is None
    started = cf.start(people.mo, online["id"])
    with cf.db.reading() as s:
        units = dict(s.execute(sa.select(Unit.name, Unit.id)).all())
    assert at_the_counter["unit_id"] == units["team-noord"]
    assert started["unit_id"] == units["maatwerkteam"]
    assert cf.get(people.carla, online["id"])["unit_id"] == units["maatwerkteam"]
