"""The claims API (``maatwerk.web.api.claims``) as a client sees it: a citizen disputes a fact,
the decision that rests on it says it is provisional, a caseworker accepts the claim and the
case is decided again; refusals answer in the one error shape and change nothing.

The service underneath is tested in ``tests/cases/test_claims.py``; here only its HTTP face is.
"""

from __future__ import annotations

from typing import Any

from tests.web.conftest import (
    ZORGTOESLAG_DAY,
    ZORGTOESLAG_FACTS,
    Api,
    Person,
    assert_error,
    routes,
)

WHY = "Mijn inkomen over 2025 is hoger: ik kreeg in maart een vaste baan."
REFUSED = "De Belastingdienst bevestigt het geregistreerde inkomen."


def post(api: Api, who: Person, path: str, body: dict[str, Any] | None = None) -> Any:
    return api.client.post(path, json=body, headers=who.headers)


def case_of(api: Api, who: Person, case_id: int) -> dict[str, Any]:
    answer = api.client.get(f"/api/cases/{case_id}", headers=who.headers)
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def decided(api: Api) -> tuple[Person, Person, Person, int]:
    """Anna's zorgtoeslag (EUR 1,573 a year on an income of EUR 20,000), decided by Carla;
    Anna, Carla and Dirk (another caseworker)."""
    anna = api.person("anna", "citizen")
    carla = api.person("carla", "caseworker", unit="team-zuid")
    dirk = api.person("dirk", "caseworker", unit="team-zuid")
    case_id = int(api.submit(anna, "zorgtoeslag", ZORGTOESLAG_FACTS, ZORGTOESLAG_DAY)["id"])
    for step in ("start", "propose", "decide"):
        assert post(api, carla, f"/api/cases/{case_id}/{step}").status_code == 200
    return anna, carla, dirk, case_id


def claim_body(value: Any = 30000, fact: str = "toetsingsinkomen") -> dict[str, Any]:
    return {"fact": fact, "value": value, "reason": WHY, "evidence": ["jaaropgave-2025"]}


def test_a_disputed_fact_makes_the_decision_provisional_until_it_is_corrected(
        kinds_api: Api) -> None:
    api = kinds_api
    anna, _carla, dirk, case_id = decided(api)
    answer = post(api, anna, f"/api/cases/{case_id}/claims", claim_body())
    assert answer.status_code == 201, answer.text
    claim = answer.json()
    assert (claim["state"], claim["value"], claim["disputed"]) == ("pending", "30000", "20000")
    assert claim["term"]["kind"] == f"verificatietermijn_{claim['id']}"

    decision = case_of(api, anna, case_id)["decisions"][-1]
    assert (decision["kind"], decision["provisional"]) == ("decision", True)
    assert decision["disputed"] == [{"claim": claim["id"], "fact": "toetsingsinkomen"}]
    listed = api.client.get(f"/api/cases/{case_id}/claims", headers=anna.headers).json()
    assert [c["id"] for c in listed["items"]] == [claim["id"]]
    waiting = api.client.get("/api/claims", headers=dirk.headers).json()["items"]
    assert [(c["id"], c["term"]["due"]) for c in waiting] == [(claim["id"],
                                                               claim["term"]["due"])]

    accepted = post(api, dirk, f"/api/claims/{claim['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["state"] == "accepted"
    case = case_of(api, anna, case_id)
    kinds = [(d["kind"], d["outputs"]["zorgtoeslag"], d["provisional"])
             for d in case["decisions"]]
    assert kinds == [("proposal", "1573", False), ("decision", "1573", False),
                     ("correction", "1355", False)]
    assert case["decisions"][-1]["correction"]["previous_decision"] == case["decisions"][1]["id"]
    assert case["decisions"][-1]["receipt"]["regulation"] == "zorgtoeslag"
    assert api.client.get("/api/claims", headers=dirk.headers).json()["items"] == []


def test_refusing_and_withdrawing_over_the_api(api: Api) -> None:
    anna, carla, _dirk, case_id = decided(api)
    first = post(api, anna, f"/api/cases/{case_id}/claims", claim_body()).json()
    refused = post(api, carla, f"/api/claims/{first['id']}/refuse", {"reason": REFUSED})
    assert (refused.status_code, refused.json()["outcome"]) == (200, REFUSED)
    second = post(api, anna, f"/api/cases/{case_id}/claims", claim_body(31000)).json()
    withdrawn = post(api, anna, f"/api/claims/{second['id']}/withdraw")
    assert (withdrawn.status_code, withdrawn.json()["state"]) == (200, "withdrawn")
    states = [c["state"] for c in case_of(api, anna, case_id)["claims"]]
    assert states == ["refused", "withdrawn"]


def test_refusals_answer_in_the_error_shape_and_change_nothing(api: Api) -> None:
    anna, carla, dirk, case_id = decided(api)
    bram = api.person("bram", "citizen")
    approver = api.person("piet", "approver", unit="team-zuid")
    claim = post(api, anna, f"/api/cases/{case_id}/claims", claim_body()).json()
    mine = post(api, carla, f"/api/cases/{case_id}/claims",
                {**claim_body(6000, "vermogen"), "reason": "Aanvrager belde."}).json()
    before = case_of(api, carla, case_id)
    lodge = f"/api/cases/{case_id}/claims"
    attempts: list[tuple[Person, str, dict[str, Any] | None, int, str, str]] = [
        (anna, lodge, claim_body("veel", "leeftijd"), 422, "MW601", "value"),
        (anna, lodge, claim_body(None, "leeftijd"), 422, "MW809", "value"),
        (anna, lodge, {**claim_body(31, "leeftijd"), "reason": " "}, 422, "MW809", "reason"),
        (anna, lodge, claim_body(1, "partner"), 422, "MW809", "fact"),
        (anna, lodge, claim_body(25000), 409, "MW810", "fact"),
        (anna, lodge, {"fact": "leeftijd", "value": 31}, 422, "MW809", "reason"),
        (approver, lodge, claim_body(31, "leeftijd"), 403, "MW802", "actions.lodge_claim"),
        (bram, lodge, claim_body(31, "leeftijd"), 404, "MW803", "case"),
        (anna, f"/api/claims/{claim['id']}/accept", None, 403, "MW802", "actions.accept_claim"),
        (carla, f"/api/claims/{mine['id']}/accept", None, 403, "MW808", "claim"),
        (dirk, f"/api/claims/{claim['id']}/refuse", {"reason": "nee"}, 422, "MW809", "reason"),
        (bram, f"/api/claims/{claim['id']}/withdraw", None, 404, "MW803", "claim"),
        (dirk, f"/api/claims/{claim['id']}/withdraw", None, 403, "MW802", "claim"),
        (dirk, "/api/claims/987654/accept", None, 404, "MW803", "claim"),
        (dirk, "/api/claims/0/accept", None, 422, "MW809", "claim_id"),
    ]
    for who, path, body, status, code, where in attempts:
        error = assert_error(post(api, who, path, body), status, code)
        assert error["path"].removeprefix("path.") == where, (path, body, error)
        assert case_of(api, carla, case_id) == before, (path, body)
    handled = post(api, dirk, f"/api/claims/{claim['id']}/accept")
    assert handled.status_code == 200
    again = assert_error(post(api, dirk, f"/api/claims/{claim['id']}/refuse",
                              {"reason": REFUSED}), 409, "MW804")
    assert "already accepted" in again["message"]


def test_another_citizens_claim_answers_as_one_that_does_not_exist(api: Api) -> None:
    anna, _carla, _dirk, case_id = decided(api)
    bram = api.person("bram", "citizen")
    claim = post(api, anna, f"/api/cases/{case_id}/claims", claim_body()).json()
    answers = []
    for claim_id in (claim["id"], 987654):
        error = assert_error(post(api, bram, f"/api/claims/{claim_id}/withdraw"), 404, "MW803")
        assert (error["path"], error["got"]) == ("claim", str(claim_id))
        answers.append(error["message"].replace(str(claim_id), "N"))
    assert answers[0] == answers[1]
    assert_error(api.client.get(f"/api/cases/{case_id}/claims", headers=bram.headers), 404,
                 "MW803")
    assert_error(api.client.get("/api/claims", headers=bram.headers), 403, "MW802")


def test_the_claim_endpoints_are_the_documented_ones(api: Api) -> None:
    served = {(m, p) for m, p in routes(api.app) if "claims" in p}
    assert served == {("POST", "/api/cases/{case_id}/claims"),
                      ("GET", "/api/cases/{case_id}/claims"), ("GET", "/api/claims"),
                      ("POST", "/api/claims/{claim_id}/accept"),
                      ("POST", "/api/claims/{claim_id}/refuse"),
                      ("POST", "/api/claims/{claim_id}/withdraw")}
