"""The web pages against values the database cannot hold, as the API is guarded: an id that
cannot exist is not found (the pages take any integer in their paths), a form field holding a
NUL character is refused (MW809), a form field that should be a number and is not is refused,
never a server error; on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import Api, Person, assert_error
from tests.web.test_deps import signed_in

TOO_BIG = "99999999999999999999"


def _html_error(answer: Any, status: int, code: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    assert code in answer.text


def _form(api: Api, who: Person, path: str, fields: dict[str, str]) -> Any:
    token = signed_in(api, who)
    return api.client.post(path, data={"csrf_token": token, **fields}, follow_redirects=False)


def test_a_page_for_an_id_that_cannot_exist_is_not_found(kinds_api: Api) -> None:
    citizen = kinds_api.person("anna", "citizen")
    caseworker = kinds_api.person("carla", "caseworker", unit="team-zuid")
    signed_in(kinds_api, caseworker)
    for case_id in (TOO_BIG, "2147483648", "0", "-1"):
        _html_error(kinds_api.client.get(f"/behandelaar/zaken/{case_id}"), 404, "MW803")
        assert_error(kinds_api.client.get(f"/behandelaar/zaken/{case_id}.json"), 404, "MW803")
    signed_in(kinds_api, citizen)
    _html_error(kinds_api.client.get(f"/burger/zaken/{TOO_BIG}"), 404, "MW803")


def test_a_form_field_with_a_nul_character_is_refused(kinds_api: Api) -> None:
    citizen = kinds_api.person("anna", "citizen")
    caseworker = kinds_api.person("carla", "caseworker", unit="team-zuid")
    case_id = kinds_api.submit(citizen)["id"]
    kinds_api.client.post(f"/api/cases/{case_id}/start", headers=caseworker.headers)
    before = kinds_api.client.get(f"/api/cases/{case_id}", headers=caseworker.headers).json()
    refused = {
        "consideration": _form(kinds_api, caseworker, f"/behandelaar/zaken/{case_id}/overweging",
                               {"clause": "afstemming", "motivation": "geen\x00reden"}),
        "maatwerk": _form(kinds_api, citizen, f"/burger/zaken/{case_id}/maatwerk",
                          {"story": "Mijn kosten zijn\x00 hoger dan de norm."}),
        "field name": _form(kinds_api, caseworker, f"/behandelaar/zaken/{case_id}/overweging",
                            {"clause": "afstemming", "motivation": "Overwogen, niets bijzonders.",
                             "x\x00": "1"}),
    }
    for name, answer in refused.items():
        _html_error(answer, 422, "MW809")
        assert "NUL" in answer.text, name
    login = kinds_api.client.post("/login", data={
        "csrf_token": signed_in(kinds_api, citizen), "username": "an\x00na", "password": "x"})
    _html_error(login, 422, "MW809")
    after = kinds_api.client.get(f"/api/cases/{case_id}", headers=caseworker.headers).json()
    assert after == before


def test_a_form_number_that_is_not_one_is_refused(kinds_api: Api) -> None:
    citizen = kinds_api.person("anna", "citizen")
    caseworker = kinds_api.person("carla", "caseworker", unit="team-zuid")
    case_id = kinds_api.submit(citizen)["id"]
    verdict = _form(kinds_api, caseworker, "/behandelaar/afwijkingen/1/goedkeuren",
                    {"case_id": "één"})
    _html_error(verdict, 422, "MW809")
    assert "case_id" in verdict.text
    proposal = _form(kinds_api, caseworker, f"/behandelaar/zaken/{case_id}/afwijking", {
        "clause_output": "afstemming:bijstandsnorm", "value": "1500", "ground": "omstandigheden",
        "motivation": "Medisch dieet.", "request_id": "x"})
    _html_error(proposal, 422, "MW809")  # the case again, with the refusal
    unknown = _form(kinds_api, caseworker, f"/behandelaar/afwijkingen/{TOO_BIG}/goedkeuren",
                    {"case_id": str(case_id)})
    _html_error(unknown, 422, "MW803")  # the case again, with the refusal
