"""The terms of a case: the Awb terms of an application, the announcement and the objection, and
the Wmo's own terms (six weeks for the investigation from the report, two weeks for the decision
from the application); met when their step is taken; listed as due or overdue on a chosen day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from maatwerk.cases.casefile import CaseFile
from maatwerk.cases.db import Database
from maatwerk.cases.errors import CaseError
from maatwerk.cases.registry import Registry
from tests.cases.helpers import (
    BIJSTAND,
    BIJSTAND_DAY,
    BIJSTAND_FACTS,
    GROUNDS,
    SECRET,
    WMO,
    WMO_ASSESSMENT,
    WMO_DAY,
    WMO_FACTS,
    Clock,
    People,
    bijstand_case,
)
from tests.conftest import REGULATIONS

D = dt.date


def terms(cf: CaseFile, people: People, case_id: int) -> dict[str, dict[str, Any]]:
    return {t["kind"]: t for t in cf.get(people.carla, case_id)["deadlines"]}


def listed(cf: CaseFile, people: People, status: str, today: dt.date) -> list[tuple[int, str]]:
    return [(t["case_id"], t["kind"])
            for t in cf.deadlines(people.carla, status, today=today)["items"]]


def test_the_awb_terms_of_an_application_and_an_objection(
        cf: CaseFile, people: People, clock: Clock) -> None:
    case_id = cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY,
                        received_on=D(2025, 6, 20))["id"]
    decision = terms(cf, people, case_id)["beslistermijn"]
    assert (decision["starts"], decision["due"], decision["reference"]) == (
        "2025-06-20", "2025-08-15", "Awb art. 4:13 lid 2")  # eight weeks
    assert decision["met_on"] is None
    assert decision["status"] == "due"  # as of the case file's date (1 July 2025), not the PC's

    cf.start(people.carla, case_id)
    cf.consider(people.carla, case_id, "afstemming", "Afstemming overwogen; niets bijzonders.")
    cf.propose(people.carla, case_id)
    clock.advance(days=9)  # 10 July 2025
    cf.decide(people.carla, case_id)
    assert terms(cf, people, case_id)["beslistermijn"]["met_on"] == "2025-07-10"

    clock.advance(days=4)  # announced 14 July 2025
    cf.announce(people.carla, case_id)
    objection = terms(cf, people, case_id)["bezwaartermijn"]
    assert (objection["starts"], objection["due"], objection["reference"]) == (
        "2025-07-14", "2025-08-25", "Awb art. 6:7")  # six weeks

    clock.advance(weeks=6)  # the last day of the term: 25 August 2025
    cf.object(people.anna, case_id, GROUNDS)
    found = terms(cf, people, case_id)
    assert found["bezwaartermijn"]["met_on"] == "2025-08-25"
    # Six weeks from the end of the objection term (Awb art. 7:10 lid 1).
    assert (found["beslistermijn_bezwaar"]["starts"], found["beslistermijn_bezwaar"]["due"]) == (
        "2025-08-25", "2025-10-06")
    clock.advance(days=10)
    cf.decide_objection(people.bo, case_id, False, "Het bezwaar is ongegrond.")
    assert terms(cf, people, case_id)["beslistermijn_bezwaar"]["met_on"] == "2025-09-04"
    assert all(t["status"] == "met" for t in terms(cf, people, case_id).values())


def test_the_wmo_terms_run_from_the_report_and_from_the_application(
        cf: CaseFile, people: People, clock: Clock) -> None:
    clock.now = dt.datetime(2025, 2, 10, 10, tzinfo=dt.UTC)  # the report (melding)
    case_id = cf.submit(people.anna, WMO, WMO_FACTS, peildatum=WMO_DAY)["id"]
    found = terms(cf, people, case_id)
    assert set(found) == {"persoonlijk_plan", "onderzoek"}  # no Awb term before the aanvraag
    assert (found["onderzoek"]["starts"], found["onderzoek"]["due"]) == (
        "2025-02-10", "2025-03-24")  # six weeks
    assert found["persoonlijk_plan"]["due"] == "2025-02-17"

    cf.start(people.wim, case_id)
    cf.investigate(people.wim, case_id)
    assert listed(cf, people, "due", D(2025, 3, 15)) == [(case_id, "onderzoek")]
    assert listed(cf, people, "overdue", D(2025, 3, 15)) == [(case_id, "persoonlijk_plan")]
    assert listed(cf, people, "overdue", D(2025, 3, 25)) == [
        (case_id, "persoonlijk_plan"), (case_id, "onderzoek")]

    clock.now = dt.datetime(2025, 3, 12, 10, tzinfo=dt.UTC)
    cf.record_assessment(people.wim, case_id, WMO_ASSESSMENT)
    found = terms(cf, people, case_id)
    assert found["onderzoek"]["met_on"] == found["persoonlijk_plan"]["met_on"] == "2025-03-12"

    clock.now = dt.datetime(2025, 3, 14, 10, tzinfo=dt.UTC)  # the application (aanvraag)
    cf.apply(people.anna, case_id)
    decision = terms(cf, people, case_id)["beschikking"]
    assert (decision["starts"], decision["due"], decision["met_on"]) == (
        "2025-03-14", "2025-03-28", None)  # two weeks
    assert listed(cf, people, "due", D(2025, 3, 20)) == [(case_id, "beschikking")]
    assert listed(cf, people, "overdue", D(2025, 3, 20)) == []

    clock.now = dt.datetime(2025, 3, 20, 10, tzinfo=dt.UTC)
    cf.propose(people.wim, case_id)
    cf.decide(people.wim, case_id)
    assert terms(cf, people, case_id)["beschikking"]["met_on"] == "2025-03-20"
    assert listed(cf, people, "due", D(2025, 3, 20)) == []
    assert listed(cf, people, "overdue", D(2025, 4, 20)) == []


def test_due_and_overdue_on_a_chosen_day(cf: CaseFile, people: People) -> None:
    # Beslistermijn of each: received + 8 weeks.
    early = cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY,
                      received_on=D(2025, 5, 1))["id"]  # due 26 June
    late = cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY,
                     received_on=D(2025, 5, 15))["id"]  # due 10 July
    gone = cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY,
                     received_on=D(2025, 5, 2))["id"]
    cf.withdraw(people.anna, gone)  # a withdrawn case has no terms to keep
    decided, _ = bijstand_case(cf, people, "decided")  # its beslistermijn is met

    # Due: within 14 days from today, today included, soonest first.
    assert listed(cf, people, "due", D(2025, 6, 12)) == [(early, "beslistermijn")]
    assert listed(cf, people, "due", D(2025, 6, 26)) == [(early, "beslistermijn"),
                                                         (late, "beslistermijn")]
    assert listed(cf, people, "due", D(2025, 6, 11)) == []
    # Overdue: the day after the due date.
    assert listed(cf, people, "overdue", D(2025, 6, 26)) == []
    assert listed(cf, people, "overdue", D(2025, 6, 27)) == [(early, "beslistermijn")]
    assert listed(cf, people, "overdue", D(2026, 1, 1)) == [(early, "beslistermijn"),
                                                           (late, "beslistermijn")]
    page = cf.deadlines(people.carla, "overdue", today=D(2026, 1, 1))["items"]
    assert {t["status"] for t in page} == {"overdue"}
    assert decided not in {t["case_id"] for t in page}
    with pytest.raises(CaseError) as caught:
        cf.deadlines(people.carla, "late")
    assert caught.value.code == "MW809"


def test_an_objection_term_that_passes_unused_expires_and_is_nobodys_work(
        cf: CaseFile, people: People, clock: Clock) -> None:
    case_id, _ = bijstand_case(cf, people, "announced")  # announced 1 July 2025
    assert terms(cf, people, case_id)["bezwaartermijn"]["status"] == "due"
    assert listed(cf, people, "due", D(2025, 8, 1)) == [(case_id, "bezwaartermijn")]
    clock.now = clock.now.replace(month=9)  # Anna did not object
    term = terms(cf, people, case_id)["bezwaartermijn"]
    assert (term["due"], term["status"], term["met_on"]) == ("2025-08-12", "expired", None)
    assert listed(cf, people, "overdue", D(2025, 9, 1)) == []
    assert cf.deadlines(people.anna, "overdue", today=D(2026, 1, 1))["total"] == 0


def test_withdrawing_closes_the_open_terms(cf: CaseFile, people: People, clock: Clock) -> None:
    case_id = cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY)["id"]
    clock.advance(days=3)
    cf.withdraw(people.anna, case_id, "Ik heb werk gevonden.")
    term = terms(cf, people, case_id)["beslistermijn"]
    assert (term["status"], term["closed_on"], term["met_on"]) == (
        "withdrawn", "2025-07-04", None)
    clock.advance(weeks=10)
    assert terms(cf, people, case_id)["beslistermijn"]["status"] == "withdrawn"
    assert listed(cf, people, "overdue", D(2026, 1, 1)) == []


def test_every_case_gets_its_decision_term(db: Database, people: People, clock: Clock) -> None:
    """Bijzondere bijstand declares its own terms from events the case file does not record by
    that name ('ontvangst van de aanvraag'), the CBR one from a driving test's report: the
    submission is the application, with the Awb's decision term (art. 4:13: at most eight
    weeks) -- never no term at all."""
    cf = CaseFile(db, Registry([REGULATIONS / "bijzondere-bijstand",
                                REGULATIONS / "cbr-medische-route"]), SECRET, clock=clock)
    for regulation in ("bijzondere-bijstand", "cbr-medische-route"):
        case_id = cf.submit(people.anna, regulation, {}, peildatum=BIJSTAND_DAY)["id"]
        found = terms(cf, people, case_id)
        assert set(found) == {"beslistermijn"}, regulation
        assert (found["beslistermijn"]["starts"], found["beslistermijn"]["due"]) == (
            "2025-07-01", "2025-08-26"), regulation
        assert listed(cf, people, "overdue", D(2025, 8, 27))[-1] == (case_id, "beslistermijn")
