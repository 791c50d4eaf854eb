"""Maatwerk on a case: requests in the citizen's words, deviations proposed under a clause and
approved by a second person, considerations, and the Wmo investigation. Separation of duties
is enforced: nobody approves their own deviation (MW808), the engine refuses a deviation by the
wrong unit (MW707) or outside the clause's bounds (MW710), and a refusal changes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from maatwerk.cases import accounts
from maatwerk.cases.casefile import CaseFile
from maatwerk.cases.errors import CaseError
from maatwerk.cases.models import User
from maatwerk.cases.service import Actor
from maatwerk.spec.errors import DecisionError
from tests.cases.helpers import (
    AFSTEMMING,
    BIJSTAND,
    BIJSTAND_DAY,
    BIJSTAND_FACTS,
    BIJSTAND_NO_RIGHT,
    CONSIDERED,
    DRINGENDE_REDENEN,
    REASON,
    STORY,
    WMO_ASSESSMENT,
    Clock,
    People,
    bijstand_case,
    snapshot,
    wmo_case,
)


def requested(cf: CaseFile, people: People) -> tuple[int, int]:
    """Anna's bijstand case in progress (assets above the limit: art. 16 may apply) with her
    open request for maatwerk."""
    case_id = cf.submit(people.anna, BIJSTAND, BIJSTAND_NO_RIGHT, peildatum=BIJSTAND_DAY)["id"]
    request_id = cf.request_maatwerk(people.anna, case_id, STORY)["id"]
    cf.start(people.carla, case_id)
    return case_id, request_id


def state_of(cf: CaseFile, people: People, case_id: int, request_id: int) -> str:
    rows = {r["id"]: r["state"] for r in cf.get(people.ada, case_id)["deviations"]}
    return str(rows[request_id])


def test_art_16_by_the_designated_unit_and_its_manager(cf: CaseFile, people: People) -> None:
    case_id, request_id = requested(cf, people)
    proposed = cf.propose_deviation(people.mo, case_id, request_id=request_id,
                                    **DRINGENDE_REDENEN)
    assert proposed["state"] == "proposed"
    assert proposed["evidence"] == DRINGENDE_REDENEN["evidence"]
    assert cf.approve_deviation(people.max, request_id)["state"] == "approved"
    cf.consider(people.mo, case_id, "afstemming", CONSIDERED)
    decision = cf.propose(people.mo, case_id)
    assert decision["outputs"]["grondslag_bijstand"] == "zeer_dringende_redenen"
    assert decision["deciding_layer"]["grondslag_bijstand"] == "deviation"


def test_the_wrong_unit_is_refused_by_the_engine_and_nothing_changes(
        cf: CaseFile, people: People) -> None:
    case_id, request_id = requested(cf, people)
    before = snapshot(cf, people, case_id)
    # Carla is not in the maatwerkteam that art. 16 designates.
    with pytest.raises(DecisionError) as caught:
        cf.propose_deviation(people.carla, case_id, request_id=request_id, **DRINGENDE_REDENEN)
    assert caught.value.code == "MW707"
    assert "maatwerkteam" in caught.value.message and "carla" in caught.value.message
    assert snapshot(cf, people, case_id) == before
    assert state_of(cf, people, case_id, request_id) == "requested"

    cf.propose_deviation(people.mo, case_id, request_id=request_id, **DRINGENDE_REDENEN)
    before = snapshot(cf, people, case_id)
    # Approved by the manager of the maatwerkteam: not an approver, not another unit's manager.
    for wrong in (people.alex, people.nina):
        with pytest.raises(DecisionError) as refused:
            cf.approve_deviation(wrong, request_id)
        assert refused.value.code == "MW707"
        assert wrong.username in refused.value.message
        assert snapshot(cf, people, case_id) == before
        assert state_of(cf, people, case_id, request_id) == "proposed"


def test_a_deviation_outside_the_bounds_is_refused_and_nothing_changes(
        cf: CaseFile, people: People) -> None:
    case_id, request_id = requested(cf, people)
    before = snapshot(cf, people, case_id)
    for value in (5000, -1):
        with pytest.raises(DecisionError) as caught:
            cf.propose_deviation(people.carla, case_id, request_id=request_id,
                                 **{**AFSTEMMING, "value": value})
        assert caught.value.code == "MW710"
        assert "bijstandsnorm" in caught.value.message
        assert snapshot(cf, people, case_id) == before
    with pytest.raises(DecisionError) as short:
        cf.propose_deviation(people.carla, case_id, request_id=request_id,
                             **{**AFSTEMMING, "motivation": "kort"})
    assert short.value.code == "MW705"
    assert snapshot(cf, people, case_id) == before
    assert state_of(cf, people, case_id, request_id) == "requested"


def test_nobody_approves_their_own_deviation(cf: CaseFile, people: People) -> None:
    case_id, request_id = requested(cf, people)
    cf.propose_deviation(people.carla, case_id, request_id=request_id, **AFSTEMMING)
    # Carla becomes an approver; her own proposal still needs someone else.
    with cf.db.transaction() as s:
        user = s.get_one(User, people.carla.id)
        user.role = "approver"
        s.flush()
        promoted = Actor.of(user)
    before = snapshot(cf, people, case_id)
    with pytest.raises(CaseError) as caught:
        cf.approve_deviation(promoted, request_id)
    assert caught.value.code == "MW808"
    with pytest.raises(CaseError) as refusal:
        cf.refuse_deviation(promoted, request_id, REASON)
    assert refusal.value.code == "MW808"
    assert snapshot(cf, people, case_id) == before
    assert state_of(cf, people, case_id, request_id) == "proposed"


def change_role(cf: CaseFile, actor: Actor, role: str, unit: str | None = None) -> None:
    with cf.db.transaction() as s:
        user = s.get_one(User, actor.id)
        user.role = role
        user.unit_id = accounts.unit(s, unit).id if unit else None


def test_an_approved_deviation_stays_valid_when_its_proposer_changes_role(
        cf: CaseFile, people: People) -> None:
    case_id, request_id = requested(cf, people)
    cf.propose_deviation(people.carla, case_id, request_id=request_id, **AFSTEMMING)
    cf.approve_deviation(people.alex, request_id)
    change_role(cf, people.carla, "approver")
    proposal = cf.propose(people.mo, case_id)
    assert proposal["outputs"]["bijstandsnorm"] == "1500"
    layer = next(x for x in proposal["layers"] if x.get("deviations"))
    assert layer["deviations"][0]["proposer"] == {"id": "carla", "role": "caseworker",
                                                  "unit": "team-noord"}


def test_the_roles_when_acting_count_for_approvals_and_considerations(
        cf: CaseFile, people: People) -> None:
    """Art. 16 is proposed by the maatwerkteam and approved by its manager; afterwards the
    manager moves to another team and the caseworker who considered art. 18 becomes an
    approver: the case is still decided, on the records as they were made."""
    case_id, request_id = requested(cf, people)
    cf.propose_deviation(people.mo, case_id, request_id=request_id, **DRINGENDE_REDENEN)
    cf.approve_deviation(people.max, request_id)
    cf.consider(people.carla, case_id, "afstemming", CONSIDERED)
    change_role(cf, people.max, "manager", "team-noord")
    change_role(cf, people.mo, "caseworker", "team-noord")
    change_role(cf, people.carla, "approver")
    cf.propose(people.wim, case_id)
    decision = cf.decide(people.bo, case_id)
    assert decision["outputs"]["grondslag_bijstand"] == "zeer_dringende_redenen"
    row = cf.get(people.ada, case_id)["deviations"][0]
    assert (row["proposer"], row["approver"]) == ({"role": "caseworker", "unit": "maatwerkteam"},
                                                  {"role": "manager", "unit": "maatwerkteam"})


def test_the_times_of_proposal_and_decision_are_kept(
        cf: CaseFile, people: People, clock: Clock) -> None:
    case_id, request_id = requested(cf, people)
    asked = cf.get(people.ada, case_id)["deviations"][0]
    assert asked["proposed_at"] is None and asked["decided_at"] is None
    clock.advance(days=3)
    proposed = cf.propose_deviation(people.carla, case_id, request_id=request_id, **AFSTEMMING)
    assert proposed["proposed_at"] == clock.now.isoformat()
    assert proposed["decided_at"] is None
    clock.advance(days=2)
    approved = cf.approve_deviation(people.alex, request_id)
    assert approved["proposed_at"] == proposed["proposed_at"]
    assert approved["decided_at"] == clock.now.isoformat()
    refused_id = cf.propose_deviation(people.carla, case_id, **{**AFSTEMMING, "value": 1400})["id"]
    clock.advance(days=1)
    refused = cf.refuse_deviation(people.bo, refused_id, REASON)
    assert (refused["state"], refused["decided_at"]) == ("refused", clock.now.isoformat())


def test_a_deviation_is_decided_once(cf: CaseFile, people: People) -> None:
    case_id, request_id = requested(cf, people)
    cf.propose_deviation(people.carla, case_id, request_id=request_id, **AFSTEMMING)
    cf.approve_deviation(people.alex, request_id)
    before = snapshot(cf, people, case_id)
    calls: tuple[Callable[[], object], ...] = (
            lambda: cf.approve_deviation(people.bo, request_id),
            lambda: cf.refuse_deviation(people.bo, request_id, REASON),
            lambda: cf.withdraw_deviation(people.carla, request_id))
    for call in calls:
        with pytest.raises(CaseError) as caught:
            call()
        assert caught.value.code == "MW804"
        assert "approved" in caught.value.message
    with pytest.raises(CaseError) as answered:
        cf.propose_deviation(people.carla, case_id, request_id=request_id, **AFSTEMMING)
    assert answered.value.code == "MW801"
    assert snapshot(cf, people, case_id) == before


def test_only_an_approver_refuses_a_proposed_deviation(cf: CaseFile, people: People) -> None:
    case_id, request_id = requested(cf, people)
    cf.propose_deviation(people.carla, case_id, request_id=request_id, **AFSTEMMING)
    before = snapshot(cf, people, case_id)
    with pytest.raises(CaseError) as caught:
        cf.refuse_deviation(people.mo, request_id, REASON)
    assert caught.value.code == "MW802"
    assert "a caseworker may not refuse a proposed deviation" in caught.value.message
    assert "(allowed: approver, manager)" in caught.value.message
    assert snapshot(cf, people, case_id) == before
    # Art. 16 is approved -- and so refused -- only by the manager of the maatwerkteam.
    other, request = requested(cf, people)
    cf.propose_deviation(people.mo, other, request_id=request, **DRINGENDE_REDENEN)
    before = snapshot(cf, people, other)
    for wrong in (people.alex, people.nina):
        with pytest.raises(DecisionError) as unit:
            cf.refuse_deviation(wrong, request, REASON)
        assert unit.value.code == "MW707"
        assert wrong.username in unit.value.message and "maatwerkteam" in unit.value.message
    assert snapshot(cf, people, other) == before
    assert cf.refuse_deviation(people.max, request, REASON)["state"] == "refused"
    assert cf.refuse_deviation(people.alex, request_id, REASON)["state"] == "refused"


def test_the_inbox_holds_only_what_this_person_may_approve(
        cf: CaseFile, people: People) -> None:
    norm, asked = requested(cf, people)
    cf.propose_deviation(people.carla, norm, request_id=asked, **AFSTEMMING)
    urgent, request = requested(cf, people)
    cf.propose_deviation(people.mo, urgent, request_id=request, **DRINGENDE_REDENEN)
    plain = cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY)["id"]
    cf.start(people.carla, plain)
    cf.propose_deviation(people.carla, plain, **{**AFSTEMMING, "value": 1400})

    def inbox(actor: Actor) -> list[tuple[int, str | None]]:
        return [(r["case_id"], r["clause"]) for r in cf.inbox(actor)]

    for approver in (people.alex, people.bo):
        assert inbox(approver) == [(norm, "afstemming"), (plain, "afstemming")]
    assert inbox(people.max) == [(urgent, "dringende_redenen")]
    assert inbox(people.nina) == inbox(people.carla) == inbox(people.mo) == []
    assert cf.inbox(people.alex)[0]["proposer"] == "carla"


def test_requests_are_refused_or_withdrawn_by_the_right_people(
        cf: CaseFile, people: People) -> None:
    case_id, first = requested(cf, people)
    with pytest.raises(CaseError) as short:
        cf.request_maatwerk(people.anna, case_id, "help")
    assert short.value.code == "MW809"
    second = cf.request_maatwerk(people.anna, case_id, STORY)["id"]
    with pytest.raises(CaseError) as unmotivated:
        cf.refuse_deviation(people.carla, first, "nee")
    assert unmotivated.value.code == "MW809"
    refused = cf.refuse_deviation(people.carla, first, REASON)
    assert (refused["state"], refused["reason"]) == ("refused", REASON)
    # A request is withdrawn by who made it, not by a caseworker who did not propose anything.
    with pytest.raises(CaseError) as other:
        cf.withdraw_deviation(people.carla, second)
    assert other.value.code == "MW802"
    assert cf.withdraw_deviation(people.anna, second)["state"] == "withdrawn"
    trail = [e["action"] for e in cf.audit_trail(people.carla, case_id)]
    assert trail.count("deviation.refuse") == trail.count("deviation.withdraw") == 1


def test_a_consideration_names_a_clause_of_the_regulation(cf: CaseFile, people: People) -> None:
    case_id, _ = bijstand_case(cf, people, "received")
    before = snapshot(cf, people, case_id)
    with pytest.raises(DecisionError) as caught:
        cf.consider(people.carla, case_id, "bestaat_niet", CONSIDERED)
    assert caught.value.code == "MW701"
    assert snapshot(cf, people, case_id) == before
    noted = cf.consider(people.carla, case_id, "afstemming", CONSIDERED)
    assert noted["clause"] == "afstemming"
    assert cf.get(people.carla, case_id)["considerations"][0]["by"] == people.carla.id


def test_a_caseworker_proposes_a_deviation_on_their_own_motion(
        cf: CaseFile, people: People) -> None:
    case_id, _ = bijstand_case(cf, people, "in_progress")
    proposed = cf.propose_deviation(people.carla, case_id, **{**AFSTEMMING, "value": 1400})
    assert (proposed["state"], proposed["trigger"]) == ("proposed", "flag")
    assert cf.approve_deviation(people.bo, proposed["id"])["state"] == "approved"


def test_a_request_of_another_case_cannot_be_answered(cf: CaseFile, people: People) -> None:
    case_a, _ = requested(cf, people)
    case_b, request_b = requested(cf, people)
    before = snapshot(cf, people, case_a), snapshot(cf, people, case_b)
    with pytest.raises(CaseError) as caught:
        cf.propose_deviation(people.carla, case_a, request_id=request_b, **AFSTEMMING)
    assert (snapshot(cf, people, case_a), snapshot(cf, people, case_b)) == before
    assert caught.value.message == (  # the mismatch, not the request's (open) state
        f"request #{request_b} is a request of case {case_b}, not of case {case_a}: a request "
        "is answered on its own case")
    assert (caught.value.code, caught.value.got) == ("MW809", request_b)


# -- the Wmo investigation -----------------------------------------------------------------------

def test_the_wmo_investigation_then_the_application_then_the_decision(
        cf: CaseFile, people: People) -> None:
    case_id = wmo_case(cf, people)
    assert cf.get(people.wim, case_id)["state"] == "investigation"

    before = snapshot(cf, people, case_id)
    with pytest.raises(DecisionError) as unit:  # the assessment is the Wmo consultants' work
        cf.record_assessment(people.carla, case_id, WMO_ASSESSMENT)
    assert unit.value.code == "MW707"
    with pytest.raises(DecisionError) as frame:  # 6 hours needed, 2 by the daughter: at most 4
        cf.record_assessment(people.wim, case_id, {**WMO_ASSESSMENT, "amount": 5})
    assert frame.value.code == "MW712"
    assert snapshot(cf, people, case_id) == before

    undecided = cf.propose(people.wim, case_id)
    assert undecided["status"] == "indeterminate"
    assert "assessment" in undecided["missing"]
    with pytest.raises(CaseError) as early:
        cf.decide(people.wim, case_id)
    assert early.value.code == "MW805"

    # propose moved the case to 'proposal'; a new case goes the whole way.
    case_id = wmo_case(cf, people)
    recorded = cf.record_assessment(people.wim, case_id, WMO_ASSESSMENT)
    assert recorded["record"]["assessor"]["id"] == "wim"
    assert cf.apply(people.anna, case_id)["state"] == "investigation"
    proposal = cf.propose(people.wim, case_id)
    assert proposal["status"] == "determined"
    assert proposal["outputs"]["voorziening"] == "hulp_bij_het_huishouden"
    assert proposal["outputs"]["omvang"] == "4"
    assert proposal["deciding_layer"]["omvang"] == "assessment"
    decision = cf.decide(people.wim, case_id)
    assert decision["outputs"]["maatwerkvoorziening_toegekend"] is True
    actions = [e["action"] for e in cf.audit_trail(people.wim, case_id)]
    assert actions[:5] == ["submit", "start", "investigate", "record_assessment", "apply"]


def test_a_regulation_without_an_assessment_has_no_investigation(
        cf: CaseFile, people: People) -> None:
    case_id, _ = bijstand_case(cf, people, "in_progress")
    before = snapshot(cf, people, case_id)
    with pytest.raises(CaseError) as caught:
        cf.investigate(people.carla, case_id)
    assert caught.value.code == "MW805"
    assert BIJSTAND in caught.value.message
    assert snapshot(cf, people, case_id) == before
