"""The case's state machine as a user meets it: an action outside its states is refused with
MW801 naming the state and the action and changes nothing; a person without the right role is
refused with MW802 and changes nothing."""

from __future__ import annotations

import pytest

from maatwerk.cases.casefile import CaseFile
from maatwerk.cases.errors import CaseError
from maatwerk.cases.workflow import ACTIONS, STATES
from tests.cases.helpers import (
    BIJSTAND,
    BIJSTAND_DAY,
    BIJSTAND_FACTS,
    BIJSTAND_STATES,
    CASE_ACTIONS,
    People,
    bijstand_case,
    entitled,
    perform,
    snapshot,
    wmo_case,
)

OPEN = ("received", "in_progress", "investigation", "proposal")
PREPARING = (*OPEN, "objection")
CLAIMABLE = ("received", "in_progress", "investigation", "proposal", "decided", "announced",
             "objection", "objection_decided")  # every state but withdrawn

# The workflow as docs/case-file.md describes it: the states an action is possible in, and who
# may take it. (refuse_deviation is also open to the caseworker, who may refuse a citizen's
# request but not a colleague's proposal; the service checks that.)
DOCUMENTED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "submit": ((), ("citizen", "caseworker")),
    "start": (("received",), ("caseworker",)),
    "investigate": (("in_progress",), ("caseworker",)),
    "apply": (("investigation",), ("citizen", "caseworker")),
    "record_facts": (PREPARING, ("citizen", "caseworker")),
    "record_assessment": (("investigation", "objection"), ("caseworker",)),
    "request_maatwerk": (OPEN, ("citizen",)),
    "propose_deviation": (PREPARING, ("caseworker",)),
    "approve_deviation": (PREPARING, ("approver", "manager")),
    "refuse_deviation": (PREPARING, ("approver", "manager", "caseworker")),
    "withdraw_deviation": (PREPARING, ("citizen", "caseworker")),
    "consider": (PREPARING, ("caseworker",)),
    "propose": (("in_progress", "investigation", "proposal"), ("caseworker",)),
    "decide": (("proposal",), ("caseworker", "approver")),
    "announce": (("decided",), ("caseworker", "approver")),
    "object": (("announced",), ("citizen",)),
    "decide_objection": (("objection",), ("approver", "manager")),
    "withdraw": (OPEN, ("citizen",)),
    "lodge_claim": (CLAIMABLE, ("citizen", "caseworker")),
    "accept_claim": (CLAIMABLE, ("caseworker",)),
    "refuse_claim": (CLAIMABLE, ("caseworker",)),
    "withdraw_claim": (CLAIMABLE, ("citizen", "caseworker")),
}
ROLES = ("citizen", "caseworker", "approver", "manager", "policy_maker", "administrator")


def test_the_workflow_is_the_documented_one() -> None:
    assert set(ACTIONS) == set(DOCUMENTED)
    for name, (states, roles) in DOCUMENTED.items():
        assert set(ACTIONS[name].states) == set(states), name
        assert set(ACTIONS[name].roles) == set(roles), name
    assert {a.to for a in ACTIONS.values() if a.to} <= set(STATES)


def test_an_action_outside_its_states_is_refused_and_changes_nothing(
        cf: CaseFile, people: People) -> None:
    wmo_id = wmo_case(cf, people)
    cases = {state: bijstand_case(cf, people, state) for state in BIJSTAND_STATES}
    cases["investigation"] = (wmo_id, cf.request_maatwerk(
        people.anna, wmo_id, "Ik heb meer hulp nodig dan gedacht.")["id"])
    assert set(cases) == set(STATES)
    for state, (case_id, request_id) in cases.items():
        assert cf.get(people.carla, case_id)["state"] == state
        before = snapshot(cf, people, case_id)
        refused = [a for a in CASE_ACTIONS if state not in DOCUMENTED[a][0]]
        assert refused, state
        for action in refused:
            with pytest.raises(CaseError) as caught:
                perform(cf, action, entitled(people, action), case_id, request_id)
            err = caught.value
            assert err.code == "MW801", (state, action, str(err))
            assert action in err.message and state in err.message, str(err)
            assert err.got == state, str(err)
        # Revision and audit length only grow: unchanged now means unchanged by each refusal.
        assert snapshot(cf, people, case_id) == before, state


def test_a_person_without_the_role_is_refused_and_changes_nothing(
        cf: CaseFile, people: People) -> None:
    # The role is checked before the state: one case in 'received' serves every action.
    case_id, request_id = bijstand_case(cf, people, "received")
    before = snapshot(cf, people, case_id)
    for action in ["submit", *CASE_ACTIONS]:
        wrong = [r for r in ROLES if r not in DOCUMENTED[action][1]]
        assert wrong, action
        for role in wrong:
            actor = people.by_role(role)
            with pytest.raises(CaseError) as caught:
                if action == "submit":
                    cf.submit(actor, BIJSTAND, BIJSTAND_FACTS, subject_key="999888777",
                              peildatum=BIJSTAND_DAY)
                else:
                    perform(cf, action, actor, case_id, request_id)
            err = caught.value
            assert err.code == "MW802", (action, role, str(err))
            assert err.got == role, (action, role, str(err))
            allowed = ", ".join(r.replace("_", " ") for r in ACTIONS[action].roles)
            assert f"(allowed: {allowed})" in err.message, str(err)
            assert " a a" not in err.message, str(err)  # an approver, an administrator
        assert snapshot(cf, people, case_id) == before, action
    assert cf.list_cases(people.ada)["total"] == 1


def test_refusing_a_submission_names_who_may_submit(cf: CaseFile, people: People) -> None:
    with pytest.raises(CaseError) as caught:
        cf.submit(people.alex, BIJSTAND, BIJSTAND_FACTS, subject_key="1", peildatum=BIJSTAND_DAY)
    assert caught.value.code == "MW802"
    assert caught.value.message == ("an approver may not submit an application or report "
                                    "(allowed: citizen, caseworker)")


def test_after_the_decision_maatwerk_is_asked_for_by_objecting(
        cf: CaseFile, people: People) -> None:
    for state in ("decided", "announced"):
        case_id, _ = bijstand_case(cf, people, state)
        before = snapshot(cf, people, case_id)
        with pytest.raises(CaseError) as caught:
            cf.request_maatwerk(people.anna, case_id, "Mijn situatie is bijzonder, kijk nog eens.")
        assert caught.value.code == "MW801"
        assert state in caught.value.message and "objecting" in caught.value.message
        assert "7:11" in caught.value.message
        assert snapshot(cf, people, case_id) == before


def test_a_citizen_account_without_a_person_cannot_submit(cf: CaseFile, people: People) -> None:
    from maatwerk.cases import accounts
    from maatwerk.cases.service import Actor
    with cf.db.transaction() as s:
        orphan = Actor.of(accounts.create_user(s, "zonder-bsn", "citizen"))
    with pytest.raises(CaseError) as caught:
        cf.submit(orphan, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY)
    assert caught.value.code == "MW802"
    assert cf.list_cases(people.ada)["total"] == 0
