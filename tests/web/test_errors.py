"""The one error shape (``maatwerk.web.errors``): every error, whatever its cause, answers
``{"error": {"code", "status", "message", "path", "got", "position"}}`` with the status in it,
and an unexpected failure is MW500 with a reference and no traceback."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from starlette.exceptions import HTTPException

from maatwerk.cases.errors import CASE_CODES, CaseError
from maatwerk.spec.errors import CODES, DecisionError, Position, SpecError
from maatwerk.web import errors
from tests.web.conftest import (
    BIJSTAND_DAY,
    BIJSTAND_FACTS,
    ERROR_KEYS,
    Api,
    assert_error,
)

SECRET_DETAIL = "password=hunter2 in /srv/maatwerk/secret.py"


def _raising_routes(api: Api) -> None:
    """Test-only routes that fail in each way a handler can."""

    @api.app.get("/api/_test/unexpected")
    def unexpected() -> None:
        raise RuntimeError(SECRET_DETAIL)

    @api.app.get("/api/_test/case-error/{code}")
    def case_error(code: str) -> None:
        raise CaseError(code, f"refused with {code}", path="case", got=12)

    @api.app.get("/api/_test/positioned")
    def positioned() -> None:
        raise DecisionError("MW605", "a division by zero", path="rules.norm.formula",
                            position=Position("regulation.yaml", 12, 5), got="x" * 200)

    @api.app.get("/api/_test/spec-error")
    def spec_error() -> None:
        raise SpecError("MW101", "the file is not UTF-8 text", got="byte 348")

    @api.app.get("/api/_test/teapot")
    def teapot() -> None:
        raise HTTPException(418, "I'm a teapot")


def _every_kind_of_error(api: Api) -> dict[str, Any]:
    caseworker = api.person("carla", "caseworker", unit="team-zuid")
    citizen = api.person("anna", "citizen")
    case_id = api.submit(citizen)["id"]
    client = api.client
    decide = "/api/regulations/bijstand/decide"
    _raising_routes(api)
    return {
        "MW6xx decision": client.post(decide, json={"peildatum": BIJSTAND_DAY,
                                                    "inputs": {"leeftijd": 30}}),
        "MW6xx outside validity": client.post(decide, json={"peildatum": "2031-01-01",
                                                            "inputs": BIJSTAND_FACTS}),
        "MW7xx discretion": client.post(decide, json={
            "peildatum": BIJSTAND_DAY, "inputs": BIJSTAND_FACTS, "deviations": [{
                "clause": "afstemming", "output": "bijstandsnorm", "value": "3000",
                "ground": "omstandigheden", "motivation": "Zeer bijzondere omstandigheden.",
                "proposer": {"id": "m.jansen", "role": "caseworker"},
                "approver": {"id": "p.devries", "role": "approver"}}]}),
        "MW801 state": client.post(f"/api/cases/{case_id}/decide", headers=caseworker.headers),
        "MW802 role": client.post(f"/api/cases/{case_id}/start", headers=citizen.headers),
        "MW803 no case": client.get("/api/cases/424242", headers=caseworker.headers),
        "MW807 no token": client.get("/api/me"),
        "MW809 body": client.post(decide, json={"inputs": {}}),
        "MW809 malformed JSON": client.post(decide, content=b"{\"peildatum\": ",
                                            headers={"content-type": "application/json"}),
        "MW809 query": client.get("/api/cases", params={"size": "many"},
                                  headers=caseworker.headers),
        "unknown path": client.get("/api/nothing-here"),
        "wrong method": client.delete("/api/regulations"),
        "HTTP exception": client.get("/api/_test/teapot"),
        "with a position": client.get("/api/_test/positioned"),
        "spec error": client.get("/api/_test/spec-error"),
        "unexpected": client.get("/api/_test/unexpected"),
    }


EXPECTED = {
    "MW6xx decision": (422, "MW602"), "MW6xx outside validity": (422, "MW603"),
    "MW7xx discretion": (422, "MW710"), "MW801 state": (409, "MW801"),
    "MW802 role": (403, "MW802"), "MW803 no case": (404, "MW803"),
    "MW807 no token": (401, "MW807"), "MW809 body": (422, "MW809"),
    "MW809 malformed JSON": (422, "MW809"), "MW809 query": (422, "MW809"),
    "unknown path": (404, "MW803"), "wrong method": (405, "MW809"),
    "HTTP exception": (418, "MW809"), "with a position": (422, "MW605"),
    "spec error": (422, "MW101"), "unexpected": (500, "MW500"),
}


def test_every_error_has_the_one_shape(api: Api) -> None:
    answers = _every_kind_of_error(api)
    assert answers.keys() == EXPECTED.keys()
    for kind, answer in answers.items():
        status, code = EXPECTED[kind]
        assert answer.status_code == status, (kind, answer.text)
        assert answer.headers["content-type"] == "application/json", kind
        body = answer.json()
        assert list(body) == ["error"], kind
        error = body["error"]
        assert set(error) == ERROR_KEYS, kind
        assert isinstance(error["code"], str), kind
        assert re.fullmatch(r"MW\d{3}", error["code"]), kind
        assert error["code"] == code, (kind, error)
        assert type(error["status"]) is int, kind
        assert error["status"] == status, kind
        assert isinstance(error["message"], str), kind
        assert error["message"], kind
        assert isinstance(error["path"], str), kind
        assert error["got"] is None or isinstance(error["got"], str), (kind, error["got"])
        assert error["position"] is None or isinstance(error["position"], str), kind
        assert error["code"] in CODES or error["code"] in CASE_CODES or code == "MW500", kind


def test_an_unexpected_failure_shows_no_traceback_and_is_logged(
        api: Api, caplog: pytest.LogCaptureFixture) -> None:
    _raising_routes(api)
    with caplog.at_level(logging.ERROR, logger="maatwerk.web"):
        answer = api.client.get("/api/_test/unexpected")
    error = assert_error(answer, 500, "MW500")
    for leak in ("Traceback", "RuntimeError", "hunter2", "secret.py", ".py", "line "):
        assert leak not in answer.text
    reference = re.search(r"reference ([0-9a-f]{12})", error["message"])
    assert reference is not None
    assert (error["path"], error["got"], error["position"]) == ("", None, None)
    logged = [r for r in caplog.records if reference.group(1) in r.getMessage()]
    assert len(logged) == 1
    assert "GET /api/_test/unexpected" in logged[0].getMessage()
    assert logged[0].exc_info is not None


@pytest.mark.parametrize("code", sorted(CASE_CODES))
def test_a_case_error_answers_with_the_status_of_its_code(api: Api, code: str) -> None:
    _raising_routes(api)
    error = assert_error(api.client.get(f"/api/_test/case-error/{code}"), CASE_CODES[code][1], code)
    assert (error["message"], error["path"], error["got"]) == (f"refused with {code}", "case",
                                                              "12")


def test_a_position_is_file_line_col_and_got_is_shortened(api: Api) -> None:
    _raising_routes(api)
    error = assert_error(api.client.get("/api/_test/positioned"), 422, "MW605")
    assert error["position"] == "regulation.yaml:12:5"
    assert error["path"] == "rules.norm.formula"
    assert len(error["got"]) == 80
    assert error["got"].endswith("...")


def test_coded_and_body() -> None:
    answer = errors.coded(SpecError("MW101", "unreadable", position=Position("a.yaml", 1, 2)))
    assert answer.status_code == 422
    assert errors.body("MW803", 404, "gone") == {"error": {
        "code": "MW803", "status": 404, "message": "gone", "path": "", "got": None,
        "position": None}}


def test_validation_errors_name_the_field(api: Api) -> None:
    decide = "/api/regulations/bijstand/decide"
    missing = assert_error(api.client.post(decide, json={}), 422, "MW809")
    assert missing["path"] == "peildatum"
    assert "required" in missing["message"]
    extra = assert_error(api.client.post(decide, json={"peildatum": BIJSTAND_DAY, "x": 1}),
                         422, "MW809")
    assert extra["path"] == "x"
    wrong = assert_error(api.client.post(decide, json={"peildatum": "gisteren"}), 422,
                         "MW809")
    assert wrong["path"] == "peildatum"
    query = assert_error(api.client.get("/api/regulations/bijstand/inputs"), 422, "MW809")
    assert query["path"] == "query.output"


def test_unknown_paths_and_methods(api: Api) -> None:
    unknown = assert_error(api.client.get("/api/nothing-here"), 404, "MW803")
    assert unknown["message"] == "there is nothing at /api/nothing-here"
    twin = assert_error(api.client.get("/nothing-here.json"), 404, "MW803")
    assert twin["message"] == "there is nothing at /nothing-here.json"
    method = api.client.put("/api/cases")
    error = assert_error(method, 405, "MW809")
    assert error["message"] == "PUT is not allowed on /api/cases"
    assert "POST" in method.headers["allow"]
    only_get = api.client.post("/api/regulations")
    assert_error(only_get, 405, "MW809")
    assert only_get.headers["allow"] == "GET"


def _allowed(answer: Any) -> set[str]:
    return set(answer.headers["allow"].replace(" ", "").split(","))


def test_a_405_allows_every_method_of_the_path(api: Api) -> None:
    """RFC 9110 15.5.6: Allow lists every method the path supports, not only those of the
    first route that matched it; pages (an HTML error page) too."""
    assert _allowed(api.client.put("/api/cases")) == {"GET", "POST"}
    assert _allowed(api.client.delete("/api/cases/1")) == {"GET"}
    assert _allowed(api.client.get("/api/cases/1/start")) == {"POST"}
    assert _allowed(api.client.get("/api/cases/1/facts")) == {"POST"}
    page = api.client.put("/login")
    assert page.status_code == 405
    assert page.headers["content-type"].startswith("text/html")
    assert _allowed(page) == {"GET", "POST"}


def test_the_openapi_description_documents_the_error_shape(api: Api) -> None:
    """Every operation documents its error answers with the one shape (ErrorAnswer), never
    FastAPI's {"detail": [...]}: a 'default', and the statuses it can answer."""
    schema = api.client.get("/api/openapi.json").json()
    components = schema["components"]["schemas"]
    assert {"HTTPValidationError", "ValidationError"}.isdisjoint(components)
    assert components["ErrorAnswer"]["required"] == ["error"]
    assert set(components["ErrorDetail"]["properties"]) == ERROR_KEYS
    assert set(components["ErrorDetail"]["required"]) == ERROR_KEYS
    error_answer = "#/components/schemas/ErrorAnswer"
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            answers = operation["responses"]
            assert "default" in answers, where
            for status, documented in answers.items():
                if status.startswith("2"):
                    continue
                assert documented["content"]["application/json"]["schema"] == {
                    "$ref": error_answer}, (where, status)
            checked = [p for p in operation.get("parameters", [])
                       if p["in"] == "query" or p["schema"].get("type") != "string"]
            if checked or operation.get("requestBody"):  # something that can be invalid
                assert "422" in answers, where
            if path.startswith(("/api/cases", "/api/deviations", "/api/deadlines",
                                "/api/audit", "/api/me")):
                assert "401" in answers, where
            if "{case_id}" in path or "{request_id}" in path:
                assert {"404", "422"} <= set(answers), where
    case_id = next(p for p in schema["paths"]["/api/cases/{case_id}"]["get"]["parameters"]
                   if p["name"] == "case_id")
    assert (case_id["schema"]["minimum"], case_id["schema"]["maximum"]) == (1, 2**31 - 1)


def test_every_error_answer_fits_the_documented_model(api: Api) -> None:
    for kind, answer in _every_kind_of_error(api).items():
        assert errors.ErrorAnswer.model_validate(answer.json()), kind


def test_pages_outside_the_api_get_an_html_error_page(api: Api) -> None:
    """The one JSON shape is for /api and the JSON twins; a web page gets an HTML page with the
    same status and code."""
    answer = api.client.get("/nothing-here")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "MW803" in answer.text
