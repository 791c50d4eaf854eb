"""The cases API (``maatwerk.web.api.cases``) as a client sees it: submitting, reading, the steps,
the regulation version on every case answer, pagination, who may see which case, and the whole
journey from application to the decision on an objection.

The case service underneath is tested in ``tests/cases``; here only its HTTP face is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from maatwerk.cases.errors import CaseError
from maatwerk.cases.models import DeviationRequest
from maatwerk.cases.registry import Registry
from maatwerk.web.api.cases import STEPS
from tests.dbs import KINDS
from tests.web.conftest import (
    BIJSTAND_DAY,
    BIJSTAND_FACTS,
    ZORGTOESLAG_DAY,
    ZORGTOESLAG_FACTS,
    Api,
    Person,
    api_on,
    assert_error,
    routes,
)


def _version(api: Api, regulation: str) -> tuple[str, str]:
    reg = api.files.registry.get(regulation)
    return reg.version, reg.sha256


def assert_stamped(api: Api, answer: Any, regulation: str = "bijstand") -> dict[str, Any]:
    """A case answer names the regulation version the case is pinned to, in the headers and
    the body; every decision in it carries a receipt naming the same version."""
    assert answer.status_code in (200, 201), answer.text
    version, sha256 = _version(api, regulation)
    assert answer.headers["X-Maatwerk-Regulation"] == f"{regulation}@{version}"
    assert answer.headers["X-Maatwerk-Regulation-Sha256"] == sha256
    case: dict[str, Any] = answer.json()
    assert (case["regulation"], case["regulation_version"], case["regulation_sha256"]) == (
        regulation, version, sha256)
    for decision in case.get("decisions", []):
        receipt = decision["receipt"]
        assert (receipt["regulation"], receipt["version"], receipt["sha256"]) == (
            regulation, version, sha256)
    return case


def post(api: Api, who: Person, path: str, body: dict[str, Any] | None = None) -> Any:
    return api.client.post(path, json=body, headers=who.headers)


# -- submitting, reading, recording facts, the steps ---------------------------------------------


def test_a_citizen_submits_for_themselves(api: Api) -> None:
    citizen = api.person("anna", "citizen")
    answer = api.client.post("/api/cases", json={"regulation": "bijstand",
                                                 "facts": BIJSTAND_FACTS,
                                                 "peildatum": BIJSTAND_DAY},
                             headers=citizen.headers)
    assert answer.status_code == 201
    case = assert_stamped(api, answer)
    assert case["state"] == "received"
    assert case["peildatum"] == BIJSTAND_DAY
    assert case["reference"].startswith("bijstand-2025-")
    assert case["subject"]["pseudonym"] == "pseudonym-anna"
    assert case["current_facts"]["leefvorm"] == "alleenstaand"
    assert {f["source"] for f in case["facts"]} == {"burger"}
    assert [d["kind"] for d in case["deadlines"]] == ["beslistermijn"]


def test_a_caseworker_submits_for_a_subject_known_by_a_pseudonym(api: Api) -> None:
    caseworker = api.person("carla", "caseworker", unit="team-zuid")
    answer = post(api, caseworker, "/api/cases", {
        "regulation": "zorgtoeslag", "facts": ZORGTOESLAG_FACTS, "peildatum": ZORGTOESLAG_DAY,
        "subject": {"key": "123456782", "label": "aanvrager"}, "channel": "balie"})
    case = assert_stamped(api, answer, "zorgtoeslag")
    assert case["channel"] == "balie"
    assert "123456782" not in answer.text
    again = post(api, caseworker, "/api/cases", {
        "regulation": "zorgtoeslag", "facts": ZORGTOESLAG_FACTS, "peildatum": ZORGTOESLAG_DAY,
        "subject": {"key": "123456782"}})
    assert again.json()["subject"]["pseudonym"] == case["subject"]["pseudonym"]


def test_submitting_is_refused_in_the_error_shape(api: Api) -> None:
    caseworker = api.person("carla", "caseworker", unit="team-zuid")
    approver = api.person("piet", "approver", unit="team-noord")
    body = {"regulation": "bijstand", "facts": BIJSTAND_FACTS, "peildatum": BIJSTAND_DAY}
    assert assert_error(post(api, caseworker, "/api/cases", body), 422, "MW809")["path"] == (
        "subject")
    assert_error(post(api, approver, "/api/cases", body), 403, "MW802")
    unknown = assert_error(post(api, caseworker, "/api/cases", {**body, "regulation": "bijstnd",
                                                                 "subject": {"key": "1"}}),
                           404, "MW803")
    assert "bijstand" in unknown["message"]
    wrong = assert_error(post(api, caseworker, "/api/cases", {
        **body, "facts": {**BIJSTAND_FACTS, "leeftijd": 30}, "subject": {"key": "1"}}),
        422, "MW602")
    assert wrong["path"] == "inputs.leeftijd"
    assert_error(post(api, caseworker, "/api/cases", {**body, "subject": {"key": ""}}), 422,
                 "MW809")
    assert_error(api.client.post("/api/cases", json=body), 401, "MW807")
    assert api.client.get("/api/cases", headers=caseworker.headers).json()["total"] == 0


def test_reading_a_case(api: Api) -> None:
    citizen = api.person("anna", "citizen")
    caseworker = api.person("carla", "caseworker", unit="team-zuid")
    created = api.submit(citizen)
    for who in (citizen, caseworker):
        case = assert_stamped(api, api.client.get(f"/api/cases/{created['id']}",
                                                  headers=who.headers))
        assert case["id"] == created["id"]
        assert {"facts", "current_facts", "decisions", "deviations", "assessments",
                "considerations", "objections", "deadlines"} <= set(case)
    missing = assert_error(api.client.get("/api/cases/999", headers=caseworker.headers), 404,
                           "MW803")
    assert missing["path"] == "case"
    assert_error(api.client.get("/api/cases/abc", headers=caseworker.headers), 422, "MW809")


def test_recording_facts(api: Api) -> None:
    citizen = api.person("anna", "citizen")
    caseworker = api.person("carla", "caseworker", unit="team-zuid")
    created = api.submit(citizen)
    answer = post(api, caseworker, f"/api/cases/{created['id']}/facts",
                  {"facts": {"vermogen": 2500}, "source": "Bankafschrift"})
    case = assert_stamped(api, answer)
    assert Decimal(str(case["current_facts"]["vermogen"])) == 2500
    assert case["facts"][-1]["source"] == "Bankafschrift"
    by_citizen = post(api, citizen, f"/api/cases/{created['id']}/facts",
                      {"facts": {"vermogen": 100}, "source": "Bankafschrift"})
    assert assert_stamped(api, by_citizen)["facts"][-1]["source"] == "burger"
    assert_error(post(api, caseworker, f"/api/cases/{created['id']}/facts",
                      {"facts": {"vermogen": "veel"}}), 422, "MW601")
    assert_error(post(api, caseworker, f"/api/cases/{created['id']}/facts", {}), 422, "MW809")


def test_a_caseworker_starts_a_case(kinds_api: Api) -> None:
    api = kinds_api
    citizen = api.person("anna", "citizen")
    caseworker = api.person("carla", "caseworker", unit="team-zuid")
    created = api.submit(citizen)
    case = assert_stamped(api, post(api, caseworker, f"/api/cases/{created['id']}/start"))
    assert case["state"] == "in_progress"
    assert case["assigned_to"] == caseworker.id


def test_steps_are_refused_by_state_role_and_name(api: Api) -> None:
    citizen = api.person("anna", "citizen")
    caseworker = api.person("carla", "caseworker", unit="team-zuid")
    case_id = api.submit(citizen)["id"]
    refused = assert_error(post(api, caseworker, f"/api/cases/{case_id}/decide"), 409, "MW801")
    assert refused["got"] == "received"
    assert_error(post(api, citizen, f"/api/cases/{case_id}/start"), 403, "MW802")
    no_step = assert_error(post(api, caseworker, f"/api/cases/{case_id}/close"), 404, "MW803")
    assert (no_step["path"], no_step["got"]) == ("step", "close")
    not_ready = assert_error(post(api, caseworker, f"/api/cases/{case_id}/investigate"), 409,
                             "MW801")
    assert "investigate" in not_ready["message"]
    assert_stamped(api, post(api, caseworker, f"/api/cases/{case_id}/start"))
    no_assessment = assert_error(post(api, caseworker, f"/api/cases/{case_id}/investigate"),
                                 409, "MW805")
    assert "bijstand" in no_assessment["message"]


def test_a_citizen_withdraws_their_application(api: Api) -> None:
    citizen = api.person("anna", "citizen")
    case_id = api.submit(citizen)["id"]
    case = assert_stamped(api, post(api, citizen, f"/api/cases/{case_id}/withdraw"))
    assert case["state"] == "withdrawn"
    assert_error(post(api, citizen, f"/api/cases/{case_id}/withdraw"), 409, "MW801")


def test_deciding_needs_the_consideration_of_afstemming(api: Api) -> None:
    citizen = api.person("anna", "citizen")
    caseworker = api.person("carla", "caseworker", unit="team-zuid")
    case_id = api.submit(citizen)["id"]
    post(api, caseworker, f"/api/cases/{case_id}/start")
    proposal = assert_stamped(api, post(api, caseworker, f"/api/cases/{case_id}/propose"))
    assert proposal["state"] == "proposal"
    assert proposal["decisions"][-1]["kind"] == "proposal"
    assert Decimal(proposal["decisions"][-1]["outputs"]["bijstandsnorm"]) == Decimal("1369.06")
    refused = assert_error(post(api, caseworker, f"/api/cases/{case_id}/decide"), 409, "MW805")
    assert "afstemming" in refused["message"]


def test_the_audit_trail_and_the_chain(api: Api) -> None:
    citizen = api.person("anna", "citizen")
    caseworker = api.person("carla", "caseworker", unit="team-zuid")
    admin = api.person("ad", "administrator")
    case_id = api.submit(citizen)["id"]
    post(api, caseworker, f"/api/cases/{case_id}/start")
    trail = api.client.get(f"/api/cases/{case_id}/audit", headers=caseworker.headers)
    assert trail.status_code == 200
    assert [e["action"] for e in trail.json()["items"]] == ["submit", "start"]
    assert all(len(e["hash"]) == 64 for e in trail.json()["items"])
    assert_error(api.client.get(f"/api/cases/{case_id}/audit", headers=citizen.headers), 403,
                 "MW802")
    verified = api.client.get("/api/audit/verify", headers=admin.headers)
    assert verified.status_code == 200
    assert verified.json()["ok"] is True
    assert verified.json()["entries"] >= 2
    assert_error(api.client.get("/api/audit/verify", headers=caseworker.headers), 403, "MW802")


# -- pagination ------------------------------------------------------------------------------------


def test_cases_are_paginated_newest_first(api: Api) -> None:
    caseworker = api.person("carla", "caseworker", unit="team-zuid")
    citizen = api.person("anna", "citizen")
    ids = [api.submit(caseworker)["id"] for _ in range(4)]
    ids.append(api.submit(citizen, "zorgtoeslag", ZORGTOESLAG_FACTS, ZORGTOESLAG_DAY)["id"])

    def page(**query: Any) -> dict[str, Any]:
        answer = api.client.get("/api/cases", params=query, headers=caseworker.headers)
        assert answer.status_code == 200, answer.text
        data: dict[str, Any] = answer.json()
        return data

    first = page(page=1, size=2)
    assert (first["page"], first["size"], first["total"]) == (1, 2, 5)
    assert [c["id"] for c in first["items"]] == ids[::-1][:2]
    assert [c["id"] for c in page(page=2, size=2)["items"]] == ids[::-1][2:4]
    assert [c["id"] for c in page(page=3, size=2)["items"]] == ids[:1]
    assert page(page=4, size=2)["items"] == []
    assert page()["size"] == 50
    bounded = page(page=0, size=0)
    assert (bounded["page"], bounded["size"], len(bounded["items"])) == (1, 1, 1)
    assert page(size=100000)["size"] == 500
    assert page(regulation="zorgtoeslag")["total"] == 1
    assert page(state="received")["total"] == 5
    assert page(state="decided")["total"] == 0
    assert page(regulation="zorgtoeslag")["items"][0]["regulation"] == "zorgtoeslag"
    mine = api.client.get("/api/cases", headers=citizen.headers).json()
    assert (mine["total"], [c["id"] for c in mine["items"]]) == (1, [ids[-1]])
    assert_error(api.client.get("/api/cases", params={"page": "x"},
                                headers=caseworker.headers), 422, "MW809")
    assert_error(api.client.get("/api/cases"), 401, "MW807")


def test_deadlines_are_paginated_soonest_first(api: Api) -> None:
    caseworker = api.person("carla", "caseworker", unit="team-zuid")
    citizen = api.person("anna", "citizen")
    today = dt.date.today()
    for days_ago in (10, 20, 30):  # beslistermijn of 8 weeks: due in 46, 36 and 26 days
        api.files.submit(caseworker.actor(), "bijstand", BIJSTAND_FACTS,
                         subject_key=f"bsn-{days_ago}", peildatum=dt.date(2025, 7, 1),
                         received_on=today - dt.timedelta(days=days_ago))
    api.files.submit(caseworker.actor(), "bijstand", BIJSTAND_FACTS, subject_key="bsn-old",
                     peildatum=dt.date(2025, 7, 1), received_on=today - dt.timedelta(days=70))
    own = api.submit(citizen)["id"]  # due in 56 days

    def terms(who: Person = caseworker, **query: Any) -> dict[str, Any]:
        answer = api.client.get("/api/deadlines", params=query, headers=who.headers)
        assert answer.status_code == 200, answer.text
        data: dict[str, Any] = answer.json()
        return data

    due = terms(within_days=60, size=2)
    assert (due["page"], due["size"], due["total"]) == (1, 2, 4)
    assert [d["due"] for d in due["items"]] == [
        (today + dt.timedelta(days=n)).isoformat() for n in (26, 36)]
    assert [d["due"] for d in terms(within_days=60, size=2, page=2)["items"]] == [
        (today + dt.timedelta(days=n)).isoformat() for n in (46, 56)]
    assert terms(within_days=60, size=2, page=3)["items"] == []
    assert terms()["total"] == 0  # nothing due within 14 days
    assert terms(within_days=30)["total"] == 1
    overdue = terms(status="overdue")
    assert overdue["total"] == 1
    assert overdue["items"][0]["status"] == "overdue"
    assert overdue["items"][0]["kind"] == "beslistermijn"
    mine = terms(citizen, within_days=60)
    assert (mine["total"], [d["case_id"] for d in mine["items"]]) == (1, [own])
    assert terms(citizen, status="overdue")["total"] == 0
    assert_error(api.client.get("/api/deadlines", params={"status": "soon"},
                                headers=caseworker.headers), 422, "MW809")
    assert_error(api.client.get("/api/deadlines"), 401, "MW807")


BOUNDED_PAGES: list[tuple[dict[str, int], tuple[int, int]]] = [
    ({"size": -1}, (1, 1)), ({"size": 0, "page": 0}, (1, 1)), ({"size": 100000}, (1, 500)),
    ({"page": -5, "size": 2}, (1, 2))]


def test_deadlines_bound_page_and_size_as_cases_do(kinds_api: Api) -> None:
    """A page or size below 1 (or a size above 500) is bounded as /api/cases bounds it, and
    the answer says which page and size it is: never every term at once, never an error."""
    api = kinds_api
    caseworker = api.person("carla", "caseworker", unit="team-zuid")
    for _ in range(3):
        api.submit(caseworker)
    for query, expected in BOUNDED_PAGES:
        for path in ("/api/deadlines", "/api/cases"):
            answer = api.client.get(path, params={**query, "within_days": 60},
                                    headers=caseworker.headers)
            assert answer.status_code == 200, answer.text
            data = answer.json()
            assert (data["page"], data["size"]) == expected, (path, query)
            assert (len(data["items"]), data["total"]) == (min(3, expected[1]), 3), (path,
                                                                                     query)


# -- robustness: answers for values the database cannot hold ----------------------------------

TOO_BIG = "99999999999999999999"
# (path, status, code, error path): an integer beyond what the database (or a date) holds is
# refused against the bounds the API publishes; never a server error.
OUT_OF_RANGE = (
    (f"/api/cases/{TOO_BIG}", 422, "MW809", "path.case_id"),
    ("/api/cases/2147483648", 422, "MW809", "path.case_id"),
    ("/api/cases/0", 422, "MW809", "path.case_id"),
    (f"/api/cases/{TOO_BIG}/audit", 422, "MW809", "path.case_id"),
    (f"/api/cases?page={TOO_BIG}", 422, "MW809", "query.page"),
    ("/api/deadlines?within_days=99999999999", 422, "MW809", "query.within_days"),
    ("/api/deadlines?within_days=-999999", 422, "MW809", "query.within_days"),
    (f"/api/deadlines?page={TOO_BIG}", 422, "MW809", "query.page"),
    ("/api/cases/2147483647", 404, "MW803", "case"),  # the largest id: simply not there
)


def test_an_integer_out_of_range_is_refused_not_a_server_error(kinds_api: Api) -> None:
    caseworker = kinds_api.person("carla", "caseworker", unit="team-zuid")
    for path, status, code, where in OUT_OF_RANGE:
        error = assert_error(kinds_api.client.get(path, headers=caseworker.headers), status,
                             code)
        assert error["path"] == where, (path, error)
    for path in (f"/api/deviations/{TOO_BIG}/approve", "/api/deviations/0/withdraw",
                 f"/api/cases/{TOO_BIG}/start"):
        error = assert_error(kinds_api.client.post(path, headers=caseworker.headers), 422,
                             "MW809")
        assert error["path"].startswith("path."), (path, error)
    body = {**_DEVIATION, "request_id": int(TOO_BIG)}
    case_id = kinds_api.submit(caseworker)["id"]
    error = assert_error(post(kinds_api, caseworker, f"/api/cases/{case_id}/deviations", body),
                         422, "MW809")
    assert error["path"] == "request_id"
    assert "2147483647" in error["message"]


def test_the_case_file_finds_no_case_or_request_outside_the_ids_the_database_holds(
        kinds_api: Api) -> None:
    """Under the API (and under the web pages, which take any integer): an id that cannot
    exist is not found, and a listing is bounded, without asking the database."""
    files, who = kinds_api.files, kinds_api.person("carla", "caseworker",
                                                    unit="team-zuid").actor()
    for case_id in (0, -1, 2**31, 10**20, -(10**20)):
        with pytest.raises(CaseError) as refused:
            files.get(who, case_id)
        assert (refused.value.code, refused.value.path) == ("MW803", "case")
        with pytest.raises(CaseError, match="MW803"):
            files.start(who, case_id)
        with pytest.raises(CaseError, match="MW803"):
            files.approve_deviation(who, case_id)
    listed = files.list_cases(who, page=10**20, size=10**20)
    assert (listed["page"], listed["size"], listed["items"]) == (2**31 - 1, 500, [])
    terms = files.deadlines(who, page=10**20, size=-(10**20))
    assert (terms["page"], terms["size"], terms["items"]) == (2**31 - 1, 1, [])
    for days in (-1, 10**11):
        with pytest.raises(CaseError) as refused:
            files.deadlines(who, within_days=days)
        assert (refused.value.code, refused.value.path) == ("MW809", "within_days")
    assert files.list_cases(who, state="a\x00b")["total"] == 0
    assert files.list_cases(who, regulation="a\x00b")["total"] == 0


_SUBMIT = {"regulation": "bijstand", "facts": BIJSTAND_FACTS, "peildatum": BIJSTAND_DAY,
           "subject": {"key": "123456782"}}
# name: (method, path, body, status, code, error path)
UNHOLDABLE: dict[str, tuple[str, str, dict[str, Any] | None, int, str, str]] = {
    "long channel": ("POST", "/api/cases", {**_SUBMIT, "channel": "x" * 31}, 422, "MW809",
                     "channel"),
    "NUL in channel": ("POST", "/api/cases", {**_SUBMIT, "channel": "a\x00b"}, 422, "MW809",
                       "channel"),
    "long subject label": ("POST", "/api/cases", {**_SUBMIT, "subject": {
        "key": "123456782", "label": "x" * 201}}, 422, "MW809", "subject.label"),
    "NUL in a subject key": ("POST", "/api/cases", {**_SUBMIT, "subject": {
        "key": "1\x00"}}, 422, "MW809", "subject.key"),
    "NUL in a fact": ("POST", "/api/cases", {**_SUBMIT, "facts": {
        **BIJSTAND_FACTS, "leefvorm": "alleen\x00staand"}}, 422, "MW809", "facts.leefvorm"),
    "NUL deep in a fact": ("POST", "/api/cases", {**_SUBMIT, "facts": {
        "x": {"y": [1, {"z": "\x00"}]}}}, 422, "MW809", "facts.x.y.1.z"),
    "NUL in a fact's name": ("POST", "/api/cases", {**_SUBMIT, "facts": {"a\x00": 1}}, 422,
                             "MW809", "facts.a\\u0000"),
    "NUL in a username": ("POST", "/api/auth/token", {"username": "a\x00b", "password": "x"},
                          422, "MW809", "username"),
    "NUL in a decision's inputs": ("POST", "/api/regulations/bijstand/decide", {
        "peildatum": BIJSTAND_DAY, "inputs": {"leefvorm": "\x00"}}, 422, "MW809",
        "inputs.leefvorm"),
    "NUL in the state filter": ("GET", "/api/cases?state=a%00b", None, 422, "MW809",
                                "query.state"),
    "NUL in the regulation filter": ("GET", "/api/cases?regulation=a%00b", None, 422, "MW809",
                                     "query.regulation"),
    "long state filter": ("GET", f"/api/cases?state={'x' * 31}", None, 422, "MW809",
                          "query.state"),
    "long regulation filter": ("GET", f"/api/cases?regulation={'x' * 65}", None, 422,
                               "MW809", "query.regulation"),
}


def test_a_string_the_database_cannot_hold_is_refused(kinds_api: Api) -> None:
    caseworker = kinds_api.person("carla", "caseworker", unit="team-zuid")
    for name, (method, path, body, status, code, where) in UNHOLDABLE.items():
        answer = kinds_api.client.request(method, path, json=body, headers=caseworker.headers)
        assert answer.status_code == status, (name, answer.text)
        error = assert_error(answer, status, code)
        assert error["path"] == where, (name, error)
        if "NUL" in name:
            assert "NUL" in error["message"] or "pattern" in error["message"], (name, error)
    assert kinds_api.client.get("/api/cases", headers=caseworker.headers).json()["total"] == 0


def test_a_nul_character_in_any_body_is_refused_before_the_case(kinds_api: Api) -> None:
    """Every endpoint on a case refuses a NUL character in its body, naming the field, before
    it looks at the case; on PostgreSQL it would otherwise reach text or jsonb."""
    caseworker = kinds_api.person("carla", "caseworker", unit="team-zuid")
    case_id = kinds_api.submit(caseworker)["id"]
    for endpoint in ENDPOINTS:
        if endpoint.body is None or "request_id" in endpoint.body:
            continue
        field = next(k for k, v in endpoint.body.items() if isinstance(v, str) or k == "facts")
        value = {"vermogen": "\x00"} if field == "facts" else "een\x00woord"
        answer = kinds_api.client.request(
            endpoint.method, endpoint.path.format(case=case_id, request=1),
            json={**endpoint.body, field: value}, headers=caseworker.headers)
        error = assert_error(answer, 422, "MW809")
        assert error["path"] == (f"{field}.vermogen" if field == "facts" else field), error
    case = kinds_api.client.get(f"/api/cases/{case_id}", headers=caseworker.headers).json()
    assert (case["state"], case["revision"]) == ("received", 1)


def test_a_string_as_long_as_its_column_is_stored(kinds_api: Api) -> None:
    caseworker = kinds_api.person("carla", "caseworker", unit="team-zuid")
    case = kinds_api.submit(caseworker, channel="c" * 30,
                            subject={"key": "123456782", "label": "l" * 200})
    assert (case["channel"], case["subject"]["label"]) == ("c" * 30, "l" * 200)
    listed = kinds_api.client.get("/api/cases", params={"state": "s" * 30, "regulation": "r" * 64},
                                  headers=caseworker.headers)
    assert listed.status_code == 200, listed.text
    assert listed.json()["total"] == 0


# -- another user's case ------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    """An endpoint that acts on one case or request, with a request body that passes
    validation, so the answer is about the case."""

    method: str
    route: str  # as the app routes it
    path: str  # with {case} and {request} to fill in
    body: dict[str, Any] | None = None
    variant: str = ""

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}{self.variant}"


_STEP = "/api/cases/{case_id}/{step}"
_DEVIATION = {"clause": "afstemming", "output": "bijstandsnorm", "value": "1500.00",
              "ground": "omstandigheden",
              "motivation": "Medisch dieet en vervoer geven structureel hogere kosten."}
ENDPOINTS = (
    Endpoint("GET", "/api/cases/{case_id}", "/api/cases/{case}"),
    Endpoint("GET", "/api/cases/{case_id}/audit", "/api/cases/{case}/audit"),
    Endpoint("POST", "/api/cases/{case_id}/facts", "/api/cases/{case}/facts",
             {"facts": {"vermogen": 0}}),
    *(Endpoint("POST", _STEP, f"/api/cases/{{case}}/{step}") for step in STEPS),
    Endpoint("POST", "/api/cases/{case_id}/maatwerk", "/api/cases/{case}/maatwerk",
             {"story": "Ik heb hoge kosten door een medisch dieet."}),
    Endpoint("POST", "/api/cases/{case_id}/deviations", "/api/cases/{case}/deviations",
             _DEVIATION),
    Endpoint("POST", "/api/cases/{case_id}/deviations", "/api/cases/{case}/deviations",
             {**_DEVIATION, "request_id": "{request}"}, variant=" answering the request"),
    Endpoint("POST", "/api/deviations/{request_id}/approve", "/api/deviations/{request}/approve"),
    Endpoint("POST", "/api/deviations/{request_id}/refuse", "/api/deviations/{request}/refuse",
             {"reason": "Geen zeer bijzondere omstandigheden gebleken."}),
    Endpoint("POST", "/api/deviations/{request_id}/withdraw",
             "/api/deviations/{request}/withdraw"),
    Endpoint("POST", "/api/cases/{case_id}/assessment", "/api/cases/{case}/assessment",
             {"provision": "geen", "amount": 0, "motivation": "Onderzoek afgerond."}),
    Endpoint("POST", "/api/cases/{case_id}/considerations", "/api/cases/{case}/considerations",
             {"clause": "afstemming", "motivation": "Overwogen; geen bijzondere omstandigheden."}),
    Endpoint("POST", "/api/cases/{case_id}/objections", "/api/cases/{case}/objections",
             {"grounds": "Ik ben het niet eens met de hoogte van de bijstand."}),
    Endpoint("POST", "/api/cases/{case_id}/objection-decision",
             "/api/cases/{case}/objection-decision",
             {"upheld": False, "motivation": "Het bezwaar is ongegrond."}),
    Endpoint("GET", "/api/cases/{case_id}/claims", "/api/cases/{case}/claims"),
    Endpoint("POST", "/api/cases/{case_id}/claims", "/api/cases/{case}/claims",
             {"fact": "vermogen", "value": 100, "reason": "Mijn vermogen is lager.",
              "evidence": ["bankafschrift"]}),
)


@dataclass
class World:
    """Two citizens with a case each; the owner's case has an open request for maatwerk."""

    api: Api
    owner: Person
    intruder: Person
    caseworker: Person
    case: dict[str, Any]
    request_id: int

    def send(self, endpoint: Endpoint, who: Person, *, case_id: int | None = None,
             request_id: int | None = None) -> Any:
        fill = {"case": case_id or self.case["id"], "request": request_id or self.request_id}
        path = endpoint.path.format(**fill)
        body = None
        if endpoint.body is not None:
            body = {k: fill["request"] if v == "{request}" else v
                    for k, v in endpoint.body.items()}
        return self.api.client.request(endpoint.method, path, json=body, headers=who.headers)

    def snapshot(self) -> dict[str, Any]:
        answer = self.api.client.get(f"/api/cases/{self.case['id']}",
                                     headers=self.caseworker.headers)
        data: dict[str, Any] = answer.json()
        return data


def build_world(api: Api) -> World:
    caseworker = api.person("carla", "caseworker", unit="team-zuid")
    api.submit(caseworker)  # so that case ids and request ids differ
    api.submit(caseworker)
    owner = api.person("owner", "citizen")
    intruder = api.person("intruder", "citizen")
    api.submit(intruder)
    case = api.submit(owner)
    with api.db.transaction() as s:  # the request for maatwerk, as the citizen would make it
        row = DeviationRequest(case_id=case["id"], state="requested", trigger="request",
                               story="Ik heb hoge kosten door een medisch dieet.",
                               requested_by=owner.id, evidence=[])
        s.add(row)
        s.flush()
        request_id = row.id
    assert request_id != case["id"]
    return World(api, owner, intruder, caseworker, case, request_id)


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory,
           registry: Registry) -> Iterator[dict[str, World]]:
    """One world per kind of database, made when first asked for; the refusals change
    nothing, so the tests share it."""

    class Worlds(dict[str, World]):
        def __missing__(self, name: str) -> World:
            kind = name.split("-", maxsplit=1)[0]
            api = stack.enter_context(api_on(kind, tmp_path_factory.mktemp(name), registry))
            self[name] = build_world(api)
            return self[name]

    with ExitStack() as stack:
        yield Worlds()


@pytest.mark.parametrize(("kind", "endpoint"), [
    pytest.param(kind, endpoint, id=f"{kind}-{endpoint.label}")
    for kind in KINDS for endpoint in ENDPOINTS])
def test_another_citizens_case_is_refused(worlds: dict[str, World], kind: str,
                                          endpoint: Endpoint) -> None:
    """A citizen acting on another citizen's case or request is answered as if it did not
    exist, learns nothing of it, and changes nothing."""
    world = worlds[kind]
    before = world.snapshot()
    answer = world.send(endpoint, world.intruder)
    assert_error(answer, 404, "MW803")
    for secret in (world.case["reference"], world.case["subject"]["pseudonym"],
                   world.case["subject"]["label"], "Ik heb hoge kosten"):
        assert secret not in answer.text
    assert world.snapshot() == before


def test_every_endpoint_on_a_case_is_in_the_access_list(api: Api) -> None:
    """Adding an endpoint under /api/cases/{id} or /api/deviations/{id} without adding it to
    ENDPOINTS (and so to the access test) fails here."""
    served = {(method, path) for method, path in routes(api.app)
              if path.startswith(("/api/cases/{", "/api/deviations/{"))}
    assert served == {(e.method, e.route) for e in ENDPOINTS}
    assert {e.path.rsplit("/", 1)[1] for e in ENDPOINTS if e.route == _STEP} == set(STEPS)


@pytest.mark.parametrize("endpoint", [pytest.param(e, id=e.label) for e in ENDPOINTS])
def test_the_endpoint_finds_a_case_staff_may_see(worlds: dict[str, World],
                                                 endpoint: Endpoint) -> None:
    """The control for the access test: the same request by a caseworker reaches the endpoint
    and finds the case (whatever it then answers), so the refusal above is the case check.
    The caseworker's requests may change the case; they have a world of their own."""
    world = worlds["sqlite-control"]
    answer = world.send(endpoint, world.caseworker)
    assert answer.status_code != 404, answer.text


def test_another_citizens_cases_and_terms_are_not_listed(kinds_api: Api) -> None:
    world = build_world(kinds_api)
    for path in ("/api/cases", "/api/deadlines?within_days=100"):
        mine = kinds_api.client.get(path, headers=world.intruder.headers).json()
        assert mine["total"] == 1
        assert world.case["id"] not in {i.get("case_id", i.get("id")) for i in mine["items"]}
        assert world.case["reference"] not in str(mine)


def test_another_citizens_request_is_refused_as_if_it_did_not_exist(kinds_api: Api) -> None:
    """Approving, refusing, withdrawing or answering another citizen's request for maatwerk
    answers exactly as for a request that does not exist: nothing tells that it exists or
    which case it belongs to."""
    world = build_world(kinds_api)
    own_case = kinds_api.client.get("/api/cases", headers=world.intruder.headers).json()[
        "items"][0]["id"]
    attempts = {
        "approve": ("/api/deviations/{id}/approve", None),
        "withdraw": ("/api/deviations/{id}/withdraw", None),
        "refuse": ("/api/deviations/{id}/refuse", {"reason": "Geen bijzondere omstandigheden."}),
        "answer": (f"/api/cases/{own_case}/deviations", {**_DEVIATION, "request_id": "{id}"}),
    }
    for name, (path, body) in attempts.items():
        answers = []
        for request_id in (world.request_id, 987654):
            filled = None if body is None else {
                k: request_id if v == "{id}" else v for k, v in body.items()}
            answer = post(kinds_api, world.intruder, path.format(id=request_id), filled)
            error = assert_error(answer, 404, "MW803")
            assert (error["path"], error["got"]) == ("request", str(request_id)), name
            answers.append(answer.text.replace(str(request_id), "N"))
        other, missing = answers
        assert other == missing, name


# -- the journey ------------------------------------------------------------------------------


@dataclass
class Journey:
    """Submit, ask for maatwerk, propose a deviation, a second person approves, propose,
    decide, announce, object, decide on the objection: what a client sees at each step.
    """

    api: Api

    def __post_init__(self) -> None:
        self.citizen = self.api.person("anna", "citizen")
        self.caseworker = self.api.person("carla", "caseworker", unit="team-zuid")
        self.approver = self.api.person("piet", "approver", unit="team-noord")
        self.reviewer = self.api.person("ria", "approver", unit="team-noord")
        self.administrator = self.api.person("ad", "administrator")
        self.case_id = 0

    def created(self, who: Person, path: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = post(self.api, who, path, body)
        assert answer.status_code == 201, answer.text
        data: dict[str, Any] = answer.json()
        return data

    def step(self, who: Person, step: str) -> dict[str, Any]:
        return assert_stamped(self.api, post(self.api, who, f"/api/cases/{self.case_id}/{step}"))

    def run(self) -> None:
        self.apply_and_ask()
        deviation = self.answer_with_a_deviation()
        self.approve(deviation)
        decision_id = self.decide_and_announce()
        self.object_and_decide(decision_id)

    def apply_and_ask(self) -> dict[str, Any]:
        case = assert_stamped(self.api, self.api.client.post(
            "/api/cases", headers=self.citizen.headers,
            json={"regulation": "bijstand", "facts": BIJSTAND_FACTS, "peildatum": BIJSTAND_DAY}))
        self.case_id = case["id"]
        assert case["state"] == "received"
        story = "Door mijn dieet en het vervoer naar het ziekenhuis heb ik veel hogere kosten."
        self.request = self.created(self.citizen, f"/api/cases/{self.case_id}/maatwerk",
                                    {"story": story})
        assert (self.request["state"], self.request["story"], self.request["case_id"]) == (
            "requested", story, self.case_id)
        return case

    def answer_with_a_deviation(self) -> dict[str, Any]:
        started = self.step(self.caseworker, "start")
        assert (started["state"], started["assigned_to"]) == ("in_progress", self.caseworker.id)
        body = {**_DEVIATION, "evidence": ["dieetverklaring-2025"],
                "request_id": self.request["id"]}
        deviation = self.created(self.caseworker, f"/api/cases/{self.case_id}/deviations", body)
        assert deviation["id"] == self.request["id"]
        assert (deviation["state"], deviation["clause"], deviation["proposed_by"]) == (
            "proposed", "afstemming", self.caseworker.id)
        assert Decimal(str(deviation["value"])) == Decimal("1500")
        return deviation

    def approve(self, deviation: dict[str, Any]) -> None:
        """Deciding waits for the open proposal; the proposer may not approve, another does."""
        self.step(self.caseworker, "propose")
        assert_error(post(self.api, self.caseworker, f"/api/cases/{self.case_id}/decide"), 409,
                     "MW805")
        approve = f"/api/deviations/{deviation['id']}/approve"
        assert_error(post(self.api, self.caseworker, approve), 403, "MW802")
        approved = post(self.api, self.approver, approve)
        assert approved.status_code == 200, approved.text
        assert (approved.json()["state"], approved.json()["approved_by"]) == (
            "approved", self.approver.id)
        assert_error(post(self.api, self.approver, approve), 409, "MW804")

    def decide_and_announce(self) -> int:
        proposed = self.step(self.caseworker, "propose")
        last = proposed["decisions"][-1]
        assert (proposed["state"], last["kind"], last["status"]) == ("proposal", "proposal",
                                                                     "determined")
        assert Decimal(last["outputs"]["bijstandsnorm"]) == Decimal("1500.00")
        assert Decimal(last["outputs"]["uit_te_betalen"]) == Decimal("1500.00")
        assert last["deciding_layer"]["bijstandsnorm"] == "deviation"
        decided = self.step(self.caseworker, "decide")
        decision = decided["decisions"][-1]
        assert (decided["state"], decision["kind"], decision["decided_by"]) == (
            "decided", "decision", self.caseworker.id)
        announced = self.step(self.caseworker, "announce")
        assert announced["state"] == "announced"
        term = [d for d in announced["deadlines"] if d["kind"] == "bezwaartermijn"]
        assert [(d["status"], "6:7" in d["reference"]) for d in term] == [("due", True)]
        seen = assert_stamped(self.api, self.api.client.get(f"/api/cases/{self.case_id}",
                                                            headers=self.citizen.headers))
        assert [d["state"] for d in seen["deviations"]] == ["approved"]
        assert Decimal(seen["decisions"][-1]["outputs"]["bijstandsnorm"]) == Decimal("1500.00")
        decision_id: int = decision["id"]
        return decision_id

    def object_and_decide(self, decision_id: int) -> None:
        grounds = "De verhoging is te laag voor mijn werkelijke kosten."
        objection = self.created(self.citizen, f"/api/cases/{self.case_id}/objections",
                                 {"grounds": grounds})
        assert (objection["state"], objection["grounds"], objection["decision_id"]) == (
            "lodged", grounds, decision_id)
        # decided by someone who did not take the contested decision
        decision = {"upheld": False, "motivation": "De verhoging dekt de aangetoonde kosten."}
        path = f"/api/cases/{self.case_id}/objection-decision"
        assert_error(post(self.api, self.caseworker, path, decision), 403, "MW802")
        # ... nor approved its deviation (Awb art. 7:5)
        involved = assert_error(post(self.api, self.approver, path, decision), 403, "MW808")
        assert "piet approved its deviation under afstemming" in involved["message"]
        final = assert_stamped(self.api, post(self.api, self.reviewer, path, decision))
        assert final["state"] == "objection_decided"
        assert [(o["state"], o["decided_by"]) for o in final["objections"]] == [
            ("rejected", self.reviewer.id)]
        listed = self.api.client.get("/api/cases", headers=self.citizen.headers).json()
        assert [(c["id"], c["state"]) for c in listed["items"]] == [
            (self.case_id, "objection_decided")]
        verified = self.api.client.get("/api/audit/verify",
                                       headers=self.administrator.headers).json()
        assert verified["ok"] is True


def test_the_whole_journey_over_the_api(kinds_api: Api) -> None:
    Journey(kinds_api).run()
